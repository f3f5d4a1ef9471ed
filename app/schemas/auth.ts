import { z } from "zod";
import {
  enterpriseSizeField,
  industryCodeField,
  isStorableText,
  mobilePhoneField,
  mustBeCheckedField,
  passwordField,
  pastCalendarDateField,
  redirectPathField,
  regionCodeField,
  requiredText,
  usccField,
  usernameField,
  yuanToFenField,
} from "./fields";

export const SignInSchema = z.object({
  username: z.string({ error: "required" }).trim().min(1, { error: "required" }).max(64, { error: "tooLong" }).refine(isStorableText, { error: "invalidCharacters" }),
  password: z
    .string({ error: "required" })
    .min(1, { error: "required" })
    .max(128, { error: "passwordTooLong" })
    .refine(isStorableText, { error: "invalidCharacters" }),
  redirectTo: redirectPathField,
});

export const RegisterEnterpriseSchema = z
  .object({
    uscc: usccField,
    name: requiredText(100).refine((v) => v.length >= 2, { error: "tooShort" }),
    regionCode: regionCodeField,
    industryCode: industryCodeField,
    size: enterpriseSizeField,
    foundedOn: pastCalendarDateField,
    registeredCapitalYuan: yuanToFenField,
    legalRepName: requiredText(50),
    displayName: requiredText(50),
    phone: mobilePhoneField,
    username: usernameField,
    password: passwordField,
    confirmPassword: z.string({ error: "required" }),
    agree: mustBeCheckedField,
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], error: "passwordMismatch" });

export type RegisterEnterpriseInput = z.infer<typeof RegisterEnterpriseSchema>;

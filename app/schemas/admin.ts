import { z } from "zod";
import { ROLE_KEYS } from "~/domain/access/permissions";
import { mobilePhoneField, passwordField, regionCodeField, requiredText, firstCodePoints, storableSearchText, usernameField } from "./fields";

export const CreateUserSchema = z.object({
  username: usernameField,
  displayName: requiredText(50),
  phone: z.union([z.literal("").transform(() => undefined), mobilePhoneField], { error: "invalidPhone" }).optional(),
  roleKey: z.enum(ROLE_KEYS, { error: "invalidChoice" }),
  institutionId: z.string({ error: "invalidChoice" }).uuid({ error: "invalidChoice" }),
  password: passwordField,
});
export type CreateUserInput = z.infer<typeof CreateUserSchema>;

export const CreateInstitutionSchema = z.object({
  code: z
    .string({ error: "required" })
    .transform((v) => v.normalize("NFKC").trim().toUpperCase())
    .pipe(z.string().regex(/^[A-Z0-9-]{2,32}$/, { error: "invalidCode" })),
  nameZh: requiredText(100),
  nameEn: requiredText(200),
  kind: z.enum(["BANK", "FINANCE_OFFICE", "REGULATOR"], { error: "invalidChoice" }),
  regionCode: regionCodeField,
});
export type CreateInstitutionInput = z.infer<typeof CreateInstitutionSchema>;

/** Query strings of list pages: bounded page size, bounded search text. */
export const ListQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  pageSize: z.coerce.number().int().refine((n) => [10, 20, 50, 100].includes(n)).catch(20),
  q: z
    .string()
    .transform((v) => firstCodePoints(storableSearchText(v.normalize("NFKC")).trim(), 100))
    .optional()
    .catch(undefined),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;

import { z } from "zod";
import { parseUscc } from "~/domain/identity/uscc";
import { INDUSTRY_CODE_PATTERN } from "~/domain/reference/industries";
import { REGION_CODES } from "~/domain/reference/regions";

/**
 * Field rules shared by every form and API payload. Messages are i18n keys
 * under `errors.` (with parameters after a `|` as JSON), translated where shown.
 */
export function messageKey(key: string, params?: Record<string, string | number>): string {
  return params && Object.keys(params).length > 0 ? `${key}|${JSON.stringify(params)}` : key;
}

export const requiredText = (max: number) =>
  z
    .string({ error: "required" })
    .trim()
    .min(1, { error: "required" })
    .max(max, { error: "tooLong" });

export const usccField = z.string({ error: "uscc.empty" }).transform((input, ctx) => {
  const result = parseUscc(input);
  if (result.ok) return result.value;
  const { code, ...params } = result.error;
  ctx.addIssue({ code: "custom", message: messageKey(code, params as Record<string, string | number>) });
  return z.NEVER;
});

export const usernameField = z
  .string({ error: "required" })
  .trim()
  .regex(/^[A-Za-z0-9_.@-]{3,64}$/, { error: "invalidUsername" })
  .transform((v) => v.toLowerCase());

export const passwordField = z
  .string({ error: "required" })
  .min(10, { error: "passwordTooShort" })
  .max(128, { error: "passwordTooLong" });

export const mobilePhoneField = z
  .string({ error: "required" })
  .transform((v) => v.normalize("NFKC").replace(/[\s-]/g, ""))
  .pipe(z.string().regex(/^1[3-9]\d{9}$/, { error: "invalidPhone" }));

export const regionCodeField = z.enum(REGION_CODES, { error: "invalidChoice" });

export const industryCodeField = z
  .string({ error: "invalidChoice" })
  .regex(INDUSTRY_CODE_PATTERN, { error: "invalidChoice" });

export const enterpriseSizeField = z.enum(["MICRO", "SMALL", "MEDIUM", "LARGE"], { error: "invalidChoice" });

/** The largest amount accepted anywhere: 10 billion yuan (10^12 分). */
export const MAX_AMOUNT_FEN = 1_000_000_000_000n;

/** Money typed in 元 ("1,234.5", full-width allowed) becomes exact integer 分. */
export const yuanToFenField = z.string({ error: "required" }).transform((input, ctx) => {
  const text = input.normalize("NFKC").replace(/[,\s]/g, "");
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) {
    ctx.addIssue({ code: "custom", message: text === "" ? "required" : "invalidMoney" });
    return z.NEVER;
  }
  const fen = BigInt(match[1]!) * 100n + BigInt((match[2] ?? "").padEnd(2, "0"));
  if (fen > MAX_AMOUNT_FEN) {
    ctx.addIssue({ code: "custom", message: "moneyTooLarge" });
    return z.NEVER;
  }
  return fen;
});

/** A calendar date typed as YYYY-MM-DD, kept as midnight UTC (a @db.Date). */
export const calendarDateField = z.string({ error: "required" }).transform((input, ctx) => {
  const text = input.normalize("NFKC").trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!match || !date || date.toISOString().slice(0, 10) !== text) {
    ctx.addIssue({ code: "custom", message: text === "" ? "required" : "invalidDate" });
    return z.NEVER;
  }
  return date;
});

export const pastCalendarDateField = calendarDateField.refine((d) => d.getTime() <= Date.now(), {
  error: "futureDate",
});

/** HTML checkboxes send "on" when ticked and nothing otherwise. */
export const mustBeCheckedField = z
  .string()
  .optional()
  .refine((v) => v === "on" || v === "true", { error: "mustAgree" });

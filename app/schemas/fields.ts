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

/**
 * Characters text cannot be stored with: PostgreSQL refuses NUL in text (the
 * write would fail as a server error), and a lone UTF-16 surrogate has no
 * UTF-8 form (the driver would silently store U+FFFD instead).
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, "g");

/** Whether the text can be stored as typed (see UNSTORABLE). */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/**
 * A value as PostgreSQL can keep it, for text the platform records rather
 * than refuses (an audit summary, the cell a CSV row error names): each NUL or
 * lone surrogate, in strings, keys and nested values, becomes U+FFFD.
 */
export function storableValue<T>(value: T): T {
  if (typeof value === "string") return value.replace(UNSTORABLE_ALL, "\ufffd") as T;
  if (Array.isArray(value)) return value.map(storableValue) as T;
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [storableValue(k), storableValue(v)])) as T;
  }
  return value;
}

/** Search text from a URL: what cannot be stored or searched for is dropped rather than failing the page. */
export function storableSearchText(text: string): string {
  return text.replace(UNSTORABLE_ALL, "");
}

/** At most `max` characters, never cutting an emoji's surrogate pair in half. */
export function firstCodePoints(text: string, max: number): string {
  return text.length <= max ? text : [...text].slice(0, max).join("").trimEnd();
}

export const requiredText = (max: number) =>
  z
    .string({ error: "required" })
    .trim()
    .min(1, { error: "required" })
    .max(max, { error: "tooLong" })
    .refine(isStorableText, { error: "invalidCharacters" });

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

/**
 * A password is kept as typed (never trimmed) but must be storable text too:
 * the hash is taken of its UTF-8 bytes, where every lone surrogate becomes the
 * same U+FFFD, so two different passwords would hash alike.
 */
export const passwordField = z
  .string({ error: "required" })
  .min(10, { error: "passwordTooShort" })
  .max(128, { error: "passwordTooLong" })
  .refine(isStorableText, { error: "invalidCharacters" });

/**
 * Where a form returns to afterwards, from a hidden field: a path of storable
 * text or nothing (the caller falls back to its default), never a refusal the
 * user could not see or correct.
 */
export const redirectPathField = z.string().max(512).refine(isStorableText).optional().catch(undefined);

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

/** A whole number typed in a form ("12", full-width allowed), within bounds. */
export const wholeNumberField = (min: number, max: number) =>
  z.string({ error: "required" }).transform((input, ctx) => {
    const text = input.normalize("NFKC").replace(/[,\s]/g, "");
    if (!/^\d{1,9}$/.test(text)) {
      ctx.addIssue({ code: "custom", message: text === "" ? "required" : "invalidNumber" });
      return z.NEVER;
    }
    const value = Number(text);
    if (value < min || value > max) {
      ctx.addIssue({ code: "custom", message: messageKey("numberOutOfRange", { min, max }) });
      return z.NEVER;
    }
    return value;
  });

/** The highest annual rate anywhere on the platform: 24% (2,400 bps). */
export const MAX_RATE_BPS = 2_400;

/** An annual rate typed in percent ("3.45" or "3.45%") becomes integer basis points (345). */
export const percentToBpsField = z.string({ error: "required" }).transform((input, ctx) => {
  const text = input.normalize("NFKC").replace(/[\s%]/g, "");
  const match = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) {
    ctx.addIssue({ code: "custom", message: text === "" ? "required" : "invalidRate" });
    return z.NEVER;
  }
  const bps = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  if (bps <= 0 || bps > MAX_RATE_BPS) {
    ctx.addIssue({ code: "custom", message: messageKey("rateOutOfRange", { max: MAX_RATE_BPS / 100 }) });
    return z.NEVER;
  }
  return bps;
});

/**
 * A list from repeated form fields (checkboxes, multi-selects): none, one or
 * several values arrive as undefined, a string or an array.
 */
export function listField<T extends z.ZodType>(item: T, bounds: { min?: number; max: number; minError?: string }) {
  return z.preprocess(
    (v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v.filter((x) => x !== "") : [v]),
    z
      .array(item)
      .min(bounds.min ?? 0, { error: bounds.minError ?? "chooseAtLeastOne" })
      .max(bounds.max, { error: "tooMany" })
      .transform((values) => [...new Set(values)] as z.output<T>[]),
  );
}

/** Free text with one item per line (materials, notes): trimmed, blank lines dropped. */
export const linesField = (maxItems: number, maxLength: number) =>
  z
    .string()
    .optional()
    .transform((v) =>
      (v ?? "")
        .normalize("NFKC")
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== ""),
    )
    .pipe(
      z
        .array(z.string().max(maxLength, { error: "lineTooLong" }).refine(isStorableText, { error: "invalidCharacters" }))
        .max(maxItems, { error: "tooMany" }),
    );

/** Optional free text, NFKC-normalised and trimmed. */
export const optionalText = (max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? "").normalize("NFKC").trim())
    // A refinement, not a pipe: conform's empty-field coercion would reach a piped string schema as undefined.
    .refine((v) => [...v].length <= max, { error: "tooLong" })
    .refine(isStorableText, { error: "invalidCharacters" });

/** A URL's query as an object: a repeated parameter becomes an array (for zod). */
export function searchParamsObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

/**
 * A search filter read from the URL: a bad value (edited by hand, or from an
 * old link) is dropped instead of failing the page.
 */
export function lenient<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}

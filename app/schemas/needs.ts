import { z } from "zod";
import { platformToday } from "~/domain/credit/build-snapshot";
import { expiryProblem, NEED_LIMITS, URGENCIES } from "~/domain/needs/need-rules";
import { INDUSTRY_CODE_PATTERN } from "~/domain/reference/industries";
import { REGION_CODES } from "~/domain/reference/regions";
import {
  calendarDateField,
  firstCodePoints,
  listField,
  messageKey,
  percentToBpsField,
  requiredText,
  storableSearchText,
  wholeNumberField,
  yuanToFenField,
} from "./fields";
import { GUARANTEE_TYPES } from "./products";

const choice = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: "invalidChoice" });
const versionField = z.coerce.number({ error: "need.stale" }).int().positive();

/**
 * The need form, for a new need and for an edit. Money typed in 元 becomes 分,
 * the rate in % becomes basis points. Every rule sits on its own field, so all
 * problems show at once. The expiry window is checked against today in
 * Asia/Shanghai here (inline, as the user types) and again by the domain,
 * which is what counts.
 */
export const NeedFormSchema = z.object({
  amount: yuanToFenField.refine((fen) => fen >= NEED_LIMITS.minAmountFen, { error: "need.amountTooSmall" }),
  termMonths: wholeNumberField(1, NEED_LIMITS.maxTermMonths),
  purpose: requiredText(NEED_LIMITS.maxPurposeLength).min(NEED_LIMITS.minPurposeLength, {
    error: messageKey("need.purposeTooShort", { min: NEED_LIMITS.minPurposeLength }),
  }),
  maxRate: percentToBpsField,
  guaranteeTypes: listField(choice(GUARANTEE_TYPES), {
    min: 1,
    max: GUARANTEE_TYPES.length,
    minError: "need.guaranteeRequired",
  }),
  urgency: choice(URGENCIES),
  expiresOn: calendarDateField.superRefine((date, ctx) => {
    const problem = expiryProblem(date, platformToday());
    if (problem) ctx.addIssue({ code: "custom", message: messageKey(problem.code, problem.params) });
  }),
  /** The version the edit was made from (absent for a new need). */
  version: versionField.optional(),
});
export type NeedFormInput = z.infer<typeof NeedFormSchema>;

/**
 * Optional free text, NFKC-normalised and trimmed. Not `optionalText`: conform
 * turns an empty field into undefined at every z.string() it finds, including
 * the one inside optionalText's pipe, which then rejects an empty field.
 */
const optionalNote = (max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? "").normalize("NFKC").trim())
    .refine((v) => v.length <= max, { error: "tooLong" });

/** The SME closes a need it no longer pursues; the reason is optional and shown to nobody but the SME and auditors. */
export const CloseNeedSchema = z.object({
  intent: z.literal("close"),
  version: versionField,
  reason: optionalNote(NEED_LIMITS.maxCloseReasonLength),
});
export type CloseNeedInput = z.infer<typeof CloseNeedSchema>;

/** The SME confirms it got the financing. */
export const FulfilNeedSchema = z.object({ intent: z.literal("fulfil"), version: versionField });

/** A bank takes up (接单) a need; a second bank may too, so no version is needed. */
export const ClaimNeedSchema = z.object({ intent: z.literal("claim") });

// ─── The banks' need search (需求大厅) ───────────────────────────────────────

export const NEED_SORTS = ["relevance", "newest", "amountDesc", "amountAsc", "expiring"] as const;
export type NeedSort = (typeof NEED_SORTS)[number];
export const NEED_SIZES = ["MICRO", "SMALL", "MEDIUM", "LARGE"] as const;
/** Bounds on a search URL: values per facet, the deepest page. */
const MAX_FACET_VALUES = 20;
const MAX_PAGE = 1_000;

/** Repeated URL values, keeping only those `valid` accepts (a stale or hand-edited link still works). */
const keptValues = (valid: (v: string) => boolean) =>
  z
    .array(z.string())
    .catch([])
    .transform((values) => [...new Set(values.map((v) => v.trim()).filter(valid))].slice(0, MAX_FACET_VALUES));

/** An optional value parsed by a form field's rule, dropped (undefined) when empty or invalid. */
const optionalBy = <T>(field: z.ZodType<T, string>) =>
  z
    .string()
    .optional()
    .catch(undefined)
    .transform((v) => {
      if (v === undefined || v.trim() === "") return undefined;
      const parsed = field.safeParse(v);
      return parsed.success ? parsed.data : undefined;
    });

const inSet = (values: readonly string[]) => (v: string) => values.includes(v);

const SearchFields = z.object({
  q: z
    .string()
    .optional()
    .catch(undefined)
    .transform((v) => firstCodePoints(storableSearchText((v ?? "").normalize("NFKC")).trim(), 100)),
  region: keptValues(inSet(REGION_CODES)),
  industry: keptValues((v) => INDUSTRY_CODE_PATTERN.test(v)),
  size: keptValues(inSet(NEED_SIZES)),
  guarantee: keptValues(inSet(GUARANTEE_TYPES)),
  urgency: keptValues(inSet(URGENCIES)),
  /** 元 in the URL, 分 after parsing. */
  amountMin: optionalBy(yuanToFenField),
  amountMax: optionalBy(yuanToFenField),
  termMin: optionalBy(wholeNumberField(1, NEED_LIMITS.maxTermMonths)),
  termMax: optionalBy(wholeNumberField(1, NEED_LIMITS.maxTermMonths)),
  /** The lowest rate the bank can offer: needs whose highest acceptable rate reaches it. */
  rateMin: optionalBy(percentToBpsField),
  sort: z.enum(NEED_SORTS).catch("relevance"),
  page: z.coerce.number().int().min(1).max(MAX_PAGE).catch(1),
});

const ARRAY_PARAMS = ["region", "industry", "size", "guarantee", "urgency"] as const;

/**
 * The need-search URL (a GET form): every value optional, an invalid one
 * dropped rather than an error, so a shared or stale link always shows results.
 * Accepts URLSearchParams directly.
 */
export const NeedSearchParamsSchema = z.preprocess((input) => {
  if (!(input instanceof URLSearchParams)) return input;
  const out: Record<string, string | string[]> = {};
  for (const key of Object.keys(SearchFields.shape)) {
    if ((ARRAY_PARAMS as readonly string[]).includes(key)) out[key] = input.getAll(key);
    else if (input.has(key)) out[key] = input.get(key)!;
  }
  return out;
}, SearchFields);
export type NeedSearchParams = z.infer<typeof NeedSearchParamsSchema>;

import { z } from "zod";
import { platformToday } from "~/domain/credit/build-snapshot";
import { calendarDayString } from "./calendar";
import { listField, requiredText, yuanToFenField } from "./fields";

/** Bounds of the fund pages' forms (PRODUCT.md §3.7); the domain checks the same rules again. */
export const FUND_LIMITS = {
  nameZhMax: 60,
  nameEnMax: 120,
  maxEligibleProducts: 500,
  referenceMax: 64,
  reasonMax: 500,
} as const;

/**
 * A compensation ratio typed in percent ("40", "37.5%") becomes basis points
 * (4,000, 3,750): more than 0 and at most 100 % of the loss. Not
 * `percentToBpsField`, which is for interest rates and stops at 24 %.
 */
export const ratioPercentToBpsField = z.string({ error: "required" }).transform((input, ctx) => {
  const text = input.normalize("NFKC").replace(/[\s%]/g, "");
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) {
    ctx.addIssue({ code: "custom", message: text === "" ? "required" : "fund.invalidRatio" });
    return z.NEVER;
  }
  const bps = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  if (bps < 1 || bps > 10_000) {
    ctx.addIssue({ code: "custom", message: "fund.ratioOutOfRange" });
    return z.NEVER;
  }
  return bps;
});

/** Money in 元 that must be more than zero (a budget, a cap, a contribution). */
const positiveYuanField = yuanToFenField.refine((fen) => fen > 0n, { error: "amountPositive" });

const uuidField = z.string({ error: "invalidChoice" }).uuid({ error: "invalidChoice" });

/** A fund's rules: the fields of the first version (on the create form) and of every later one. */
const ruleFields = {
  ratio: ratioPercentToBpsField,
  capPerLoan: positiveYuanField,
  capPerBankYear: positiveYuanField,
  productIds: listField(uuidField, { max: FUND_LIMITS.maxEligibleProducts }),
};

/** Creating a fund: names, validity, budget and its first rules. */
export const FundCreateSchema = z
  .object({
    /** The page view's one-time key (the same form sent twice creates one fund). */
    createKey: z.string().uuid().optional(),
    nameZh: requiredText(FUND_LIMITS.nameZhMax),
    nameEn: requiredText(FUND_LIMITS.nameEnMax),
    validFrom: calendarDayString,
    validTo: calendarDayString,
    budget: positiveYuanField,
    ...ruleFields,
  })
  .superRefine((v, ctx) => {
    if (v.validTo < v.validFrom) ctx.addIssue({ code: "custom", path: ["validTo"], message: "fund.periodInverted" });
  });
export type FundCreateInput = z.infer<typeof FundCreateSchema>;

/** A new version of the rules, from the version the form was filled from (so a resubmitted form does not add a second). */
const RulesFields = z.object({
  intent: z.literal("rules"),
  baseVersion: z.coerce.number().int().positive(),
  ...ruleFields,
});

/** Money received from the treasury; its reference (the treasury's payment number) makes it once only. */
const ContributionFields = z.object({
  intent: z.literal("contribute"),
  amount: positiveYuanField,
  receivedOn: calendarDayString.refine((day) => day <= platformToday(), { error: "futureDate" }),
  reference: requiredText(FUND_LIMITS.referenceMax),
});

/** Suspending a bank from the fund or reinstating it, always with a reason. */
const SuspensionFields = z.object({
  intent: z.enum(["suspend", "reinstate"]),
  institutionId: uuidField,
  reason: requiredText(FUND_LIMITS.reasonMax),
});

/** The fund page posts its three forms to one action, told apart by `intent`. */
export const FundActionSchema = z.discriminatedUnion("intent", [RulesFields, ContributionFields, SuspensionFields]);
export type FundActionInput = z.infer<typeof FundActionSchema>;

/** The fund list's and the contributions table's paging, from the URL. */
export const FundPageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  pageSize: z.coerce
    .number()
    .int()
    .refine((n) => [10, 20, 50, 100].includes(n))
    .catch(20)
    .default(20),
});
export type FundPageQuery = z.infer<typeof FundPageQuerySchema>;

/** The per-form schemas, for conform's validation in the browser. */
export const FundRulesSchema = RulesFields;
export const FundContributionSchema = ContributionFields;
export const FundSuspensionSchema = SuspensionFields;

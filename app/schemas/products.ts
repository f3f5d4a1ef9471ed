import { z } from "zod";
import { CREDIT_GRADES } from "~/domain/credit/scorecard/params";
import { TAX_GRADES } from "~/domain/credit/scorecard/snapshot";
import { SCENARIO_TAG_CODES } from "~/domain/reference/product-tags";
import {
  enterpriseSizeField,
  industryCodeField,
  lenient,
  linesField,
  listField,
  MAX_AMOUNT_FEN,
  optionalText,
  percentToBpsField,
  regionCodeField,
  requiredText,
  storableSearchText,
  wholeNumberField,
  yuanToFenField,
} from "./fields";

export const PRODUCT_TYPES = ["CREDIT", "MORTGAGE", "PLEDGE", "GUARANTEE"] as const;
export const REPAYMENT_METHODS = ["EQUAL_INSTALMENT", "EQUAL_PRINCIPAL", "INTEREST_ONLY_BULLET"] as const;
export const GUARANTEE_TYPES = ["CREDIT", "MORTGAGE", "PLEDGE", "GUARANTOR", "GUARANTEE_COMPANY"] as const;
export const PRODUCT_STATUSES = ["DRAFT", "UNDER_REVIEW", "LISTED", "DELISTED"] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** Bounds a product must respect (PRODUCT.md §3.4); the form and the domain share them. */
export const PRODUCT_LIMITS = {
  maxTermMonths: 360,
  maxYearsInOperation: 50,
  maxRedListDiscountBps: 500,
  maxRedListUpliftPercent: 100,
  maxResponseDays: 30,
  maxMaterials: 20,
  maxMaterialLength: 60,
} as const;

const choice = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: "invalidChoice" });
/** A select whose empty option means "none". */
const noneOr = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

/**
 * The product form, for a new product and for an edit. Money in 元 becomes 分,
 * rates in % become basis points; each range is checked low ≤ high, with the
 * message on the high field.
 */
export const ProductFormSchema = z
  .object({
    nameZh: requiredText(60),
    nameEn: optionalText(120),
    type: choice(PRODUCT_TYPES),
    scenarioTags: listField(choice(SCENARIO_TAG_CODES), { max: 5 }),
    description: optionalText(2000),
    minAmount: yuanToFenField,
    maxAmount: yuanToFenField,
    minTermMonths: wholeNumberField(1, PRODUCT_LIMITS.maxTermMonths),
    maxTermMonths: wholeNumberField(1, PRODUCT_LIMITS.maxTermMonths),
    minRate: percentToBpsField,
    maxRate: percentToBpsField,
    repaymentMethods: listField(choice(REPAYMENT_METHODS), { min: 1, max: REPAYMENT_METHODS.length }),
    guaranteeTypes: listField(choice(GUARANTEE_TYPES), { min: 1, max: GUARANTEE_TYPES.length }),
    eligibleRegionCodes: listField(regionCodeField, { max: 50 }),
    eligibleIndustryCodes: listField(industryCodeField, { max: 100 }),
    eligibleSizes: listField(enterpriseSizeField, { min: 1, max: 4 }),
    minCreditGrade: noneOr(choice(CREDIT_GRADES)),
    minTaxGrade: noneOr(choice(TAX_GRADES)),
    minYearsInOperation: wholeNumberField(0, PRODUCT_LIMITS.maxYearsInOperation),
    fundId: noneOr(z.string({ error: "invalidChoice" }).uuid({ error: "invalidChoice" })),
    redListRateDiscountBps: wholeNumberField(0, PRODUCT_LIMITS.maxRedListDiscountBps),
    redListLimitUpliftPercent: wholeNumberField(0, PRODUCT_LIMITS.maxRedListUpliftPercent),
    requiredMaterials: linesField(PRODUCT_LIMITS.maxMaterials, PRODUCT_LIMITS.maxMaterialLength),
    responseDeadlineWorkingDays: wholeNumberField(1, PRODUCT_LIMITS.maxResponseDays),
    /** The version the edit was made from (absent for a new product). */
    version: z.coerce.number().int().positive().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.minAmount <= 0n) ctx.addIssue({ code: "custom", path: ["minAmount"], message: "amountPositive" });
    if (v.maxAmount < v.minAmount) ctx.addIssue({ code: "custom", path: ["maxAmount"], message: "rangeInverted" });
    if (v.maxTermMonths < v.minTermMonths) ctx.addIssue({ code: "custom", path: ["maxTermMonths"], message: "rangeInverted" });
    if (v.maxRate < v.minRate) ctx.addIssue({ code: "custom", path: ["maxRate"], message: "rangeInverted" });
    if (v.redListRateDiscountBps >= v.minRate) ctx.addIssue({ code: "custom", path: ["redListRateDiscountBps"], message: "product.discountTooLarge" });
  });
export type ProductFormInput = z.infer<typeof ProductFormSchema>;

/** Lifecycle commands. A comment is required where someone else must understand why. */
export const ProductTransitionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("submit"), version: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("withdraw"), version: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("approve"), version: z.coerce.number().int().positive(), comment: optionalText(500) }),
  z.object({ intent: z.literal("return"), version: z.coerce.number().int().positive(), comment: requiredText(500) }),
  z.object({ intent: z.literal("delist"), version: z.coerce.number().int().positive(), comment: requiredText(500) }),
  z.object({ intent: z.literal("revise"), version: z.coerce.number().int().positive() }),
]);
export type ProductTransitionInput = z.infer<typeof ProductTransitionSchema>;
export type ProductTransition = ProductTransitionInput["intent"];

/** An amount typed in 万元 (what SMEs think in), as 分. */
const wanToFenField = z.string().transform((input, ctx) => {
  const text = input.normalize("NFKC").replace(/[,\s]/g, "");
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) {
    ctx.addIssue({ code: "custom", message: "invalidMoney" });
    return z.NEVER;
  }
  const fen = (BigInt(match[1]!) * 100n + BigInt((match[2] ?? "").padEnd(2, "0"))) * 10_000n;
  if (fen > MAX_AMOUNT_FEN) {
    ctx.addIssue({ code: "custom", message: "moneyTooLarge" });
    return z.NEVER;
  }
  return fen;
});

export const SUPERMARKET_SORTS = ["relevance", "rate", "amount", "term", "newest"] as const;
export type SupermarketSort = (typeof SUPERMARKET_SORTS)[number];
export const SUPERMARKET_PAGE_SIZE = 20;

const list = <T extends z.ZodType>(item: T) =>
  z
    .preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.unknown()).max(50))
    .transform((values) => values.filter((v): v is z.output<T> => item.safeParse(v).success))
    .catch([]);

/**
 * The product supermarket's query, from the URL. An SME describes what it
 * needs — how much, how long, the highest rate it accepts — and the filters
 * keep the products whose ranges cover that.
 */
export const SupermarketQuerySchema = z.object({
  q: z.string().transform(storableSearchText).pipe(z.string().trim().max(100)).catch("").default(""),
  bank: list(z.string().uuid()),
  type: list(choice(PRODUCT_TYPES)),
  guarantee: list(choice(GUARANTEE_TYPES)),
  tag: list(choice(SCENARIO_TAG_CODES)),
  region: list(regionCodeField),
  amount: lenient(wanToFenField),
  term: lenient(wholeNumberField(1, PRODUCT_LIMITS.maxTermMonths)),
  rate: lenient(percentToBpsField),
  fund: lenient(z.literal("yes")),
  sort: z.enum(SUPERMARKET_SORTS).catch("relevance").default("relevance"),
  page: z.coerce.number().int().min(1).max(500).catch(1).default(1),
});
export type SupermarketQuery = z.infer<typeof SupermarketQuerySchema>;

/** The product lists' query: status tab and paging. */
export const ProductListQuerySchema = z.object({
  status: z.enum(PRODUCT_STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  pageSize: z.coerce.number().int().refine((n) => [10, 20, 50, 100].includes(n)).catch(20).default(20),
});

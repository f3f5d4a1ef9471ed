import { z } from "zod";
import { CREDIT_GRADES } from "~/domain/credit/scorecard/params";
import { TAX_GRADES } from "~/domain/credit/scorecard/snapshot";
import { SCENARIO_TAG_CODES } from "~/domain/reference/product-tags";
import { enterpriseSizeField, industryCodeField, isStorableText, MAX_RATE_BPS, regionCodeField } from "~/schemas/fields";
import {
  GUARANTEE_TYPES,
  PRODUCT_LIMITS,
  PRODUCT_STATUSES,
  PRODUCT_TYPES,
  ProductFormSchema,
  REPAYMENT_METHODS,
  type ProductFormInput,
} from "~/schemas/products";
import { bpsSchema, FenAmountSchema, FenSchema, InstantSchema, intSchema, orRequired } from "./common";

/**
 * `PUT /api/v1/products/{externalRef}` and `GET` of the same: a bank's
 * systems keep its products in step with their own catalogue, by their own
 * product code. The fields are the product form's in API units — money in
 * 分, rates in basis points, choices by code, lists as arrays.
 */

/** The bank's own product code: 1–64 of `A–Z a–z 0–9 . _ -`. */
export const ExternalRefSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/)
  .meta({ description: "The bank's own product code: 1–64 characters of A–Z a–z 0–9 . _ -", example: "SME-TAX-2026" });

export const ProductRefParamsSchema = z.object({ externalRef: ExternalRefSchema });

const choice = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: orRequired("invalidChoice") });
/** A list of choices, each at most once. */
const choices = <T extends z.ZodType>(item: T, bounds: { min?: number; max: number }) =>
  z
    .array(item, { error: orRequired("invalidChoice") })
    .min(bounds.min ?? 0, { error: "chooseAtLeastOne" })
    .max(bounds.max, { error: "tooMany" });

const text = (max: number) => z.string({ error: orRequired("required") }).max(max, { error: "tooLong" }).refine(isStorableText, { error: "invalidCharacters" });

/** The form field each API field is checked as (where the names differ). */
const FORM_FIELD: Record<string, string> = { minAmount: "minAmountFen", maxAmount: "maxAmountFen", minRate: "minRateBps", maxRate: "maxRateBps" };

const yuanText = (fen: bigint) => `${fen / 100n}.${(fen % 100n).toString().padStart(2, "0")}`;
const percentText = (bps: number) => `${Math.floor(bps / 100)}.${String(bps % 100).padStart(2, "0")}`;

/**
 * The body of a product upsert. Types and bounds are checked here; the
 * values are then run through the product form's own schema, so the rules
 * between fields (low ≤ high, the red-list discount below the lowest rate)
 * and the text normalisation are exactly the web console's, with problems
 * reported under the API's field names.
 */
export const ProductUpsertBodySchema = z
  .object({
    nameZh: text(60).meta({ description: "Name in Chinese, at most 60 characters" }),
    nameEn: text(120).nullish().meta({ description: "Name in English, at most 120 characters" }),
    type: choice(PRODUCT_TYPES),
    scenarioTags: choices(choice(SCENARIO_TAG_CODES), { max: 5 }).default([]),
    description: text(2000).nullish(),
    minAmountFen: FenAmountSchema,
    maxAmountFen: FenAmountSchema,
    minTermMonths: intSchema(1, PRODUCT_LIMITS.maxTermMonths),
    maxTermMonths: intSchema(1, PRODUCT_LIMITS.maxTermMonths),
    minRateBps: bpsSchema(1, MAX_RATE_BPS).meta({ description: "Lowest annual rate in basis points (345 = 3.45 %)" }),
    maxRateBps: bpsSchema(1, MAX_RATE_BPS).meta({ description: "Highest annual rate in basis points" }),
    repaymentMethods: choices(choice(REPAYMENT_METHODS), { min: 1, max: REPAYMENT_METHODS.length }),
    guaranteeTypes: choices(choice(GUARANTEE_TYPES), { min: 1, max: GUARANTEE_TYPES.length }),
    eligibleRegionCodes: choices(regionCodeField, { max: 50 }).default([]).meta({ description: "District codes; empty = every district" }),
    eligibleIndustryCodes: choices(industryCodeField, { max: 100 }).default([]).meta({ description: "Industry codes (GB/T 4754 division, e.g. C34); empty = every industry" }),
    eligibleSizes: choices(enterpriseSizeField, { min: 1, max: 4 }),
    minCreditGrade: choice(CREDIT_GRADES).nullish(),
    minTaxGrade: choice(TAX_GRADES).nullish(),
    minYearsInOperation: intSchema(0, PRODUCT_LIMITS.maxYearsInOperation).default(0),
    fundId: z.uuid({ error: "invalidChoice" }).nullish().meta({ description: "A risk-compensation fund the product enrols in" }),
    redListRateDiscountBps: bpsSchema(0, PRODUCT_LIMITS.maxRedListDiscountBps).default(0),
    redListLimitUpliftPercent: intSchema(0, PRODUCT_LIMITS.maxRedListUpliftPercent).default(0),
    requiredMaterials: z
      .array(z.string({ error: "invalid" }).regex(/^[^\r\n]*$/, { error: "invalid" }).max(PRODUCT_LIMITS.maxMaterialLength, { error: "lineTooLong" }).refine(isStorableText, { error: "invalidCharacters" }))
      .max(PRODUCT_LIMITS.maxMaterials, { error: "tooMany" })
      .default([]),
    responseDeadlineWorkingDays: intSchema(1, PRODUCT_LIMITS.maxResponseDays),
    submitForReview: z.boolean({ error: "invalidChoice" }).default(false).meta({ description: "Submit the draft to the finance office for review after saving" }),
  })
  .strict()
  .transform((body, ctx): { input: ProductFormInput; submitForReview: boolean } => {
    const parsed = ProductFormSchema.safeParse({
      nameZh: body.nameZh,
      nameEn: body.nameEn ?? "",
      type: body.type,
      scenarioTags: body.scenarioTags,
      description: body.description ?? "",
      minAmount: yuanText(body.minAmountFen),
      maxAmount: yuanText(body.maxAmountFen),
      minTermMonths: String(body.minTermMonths),
      maxTermMonths: String(body.maxTermMonths),
      minRate: percentText(body.minRateBps),
      maxRate: percentText(body.maxRateBps),
      repaymentMethods: body.repaymentMethods,
      guaranteeTypes: body.guaranteeTypes,
      eligibleRegionCodes: body.eligibleRegionCodes,
      eligibleIndustryCodes: body.eligibleIndustryCodes,
      eligibleSizes: body.eligibleSizes,
      minCreditGrade: body.minCreditGrade ?? "",
      minTaxGrade: body.minTaxGrade ?? "",
      minYearsInOperation: String(body.minYearsInOperation),
      fundId: body.fundId ?? "",
      redListRateDiscountBps: String(body.redListRateDiscountBps),
      redListLimitUpliftPercent: String(body.redListLimitUpliftPercent),
      requiredMaterials: body.requiredMaterials.join("\n"),
      responseDeadlineWorkingDays: String(body.responseDeadlineWorkingDays),
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const [head, ...rest] = issue.path;
        const path = typeof head === "string" ? [FORM_FIELD[head] ?? head, ...rest] : issue.path;
        ctx.addIssue({ code: "custom", path, message: issue.message });
      }
      return z.NEVER;
    }
    return { input: parsed.data, submitForReview: body.submitForReview };
  })
  .meta({ id: "ProductUpsert" });

const ProductStatusSchema = z.enum(PRODUCT_STATUSES).meta({ description: "DRAFT → UNDER_REVIEW → LISTED → DELISTED" });

/** What a PUT answers: the product's identity and where to read it. */
export const ProductSavedResponseSchema = z
  .object({
    id: z.uuid(),
    code: z.string().meta({ description: "The platform's product code" }),
    externalRef: ExternalRefSchema,
    status: ProductStatusSchema,
    version: z.number().int().min(1),
    url: z.url().meta({ description: "GET this for the product" }),
  })
  .meta({ id: "ProductSaved" });

/** A product of the caller's bank, in API units. */
export const ProductResponseSchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    externalRef: ExternalRefSchema,
    status: ProductStatusSchema,
    version: z.number().int().min(1),
    url: z.url(),
    nameZh: z.string(),
    nameEn: z.string().nullable(),
    type: z.enum(PRODUCT_TYPES),
    scenarioTags: z.array(z.string()),
    description: z.string(),
    minAmountFen: FenSchema,
    maxAmountFen: FenSchema,
    minTermMonths: z.number().int(),
    maxTermMonths: z.number().int(),
    minRateBps: z.number().int(),
    maxRateBps: z.number().int(),
    repaymentMethods: z.array(z.enum(REPAYMENT_METHODS)),
    guaranteeTypes: z.array(z.enum(GUARANTEE_TYPES)),
    eligibleRegionCodes: z.array(z.string()),
    eligibleIndustryCodes: z.array(z.string()),
    eligibleSizes: z.array(z.enum(["MICRO", "SMALL", "MEDIUM", "LARGE"])),
    minCreditGrade: z.enum(CREDIT_GRADES).nullable(),
    minTaxGrade: z.enum(TAX_GRADES).nullable(),
    minYearsInOperation: z.number().int(),
    fundId: z.uuid().nullable(),
    redListRateDiscountBps: z.number().int(),
    redListLimitUpliftPercent: z.number().int(),
    requiredMaterials: z.array(z.string()),
    responseDeadlineWorkingDays: z.number().int(),
    updatedAt: InstantSchema,
    listedAt: InstantSchema.nullable(),
  })
  .meta({ id: "Product" });
export type ProductResponse = z.infer<typeof ProductResponseSchema>;

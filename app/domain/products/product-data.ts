import type { ProductFormInput } from "~/schemas/products";

/** A product's lending terms, as every reader of them selects them: ranges in 分, months and bps, and repayment methods. */
export const PRODUCT_TERMS_SELECT = {
  minAmountFen: true,
  maxAmountFen: true,
  minTermMonths: true,
  maxTermMonths: true,
  minRateBps: true,
  maxRateBps: true,
  repaymentMethods: true,
} as const;

/** The form's values as the columns they are stored in (money in 分, rates and uplift in bps). */
export function productColumns(input: ProductFormInput) {
  return {
    nameZh: input.nameZh,
    nameEn: input.nameEn || null,
    type: input.type,
    scenarioTags: input.scenarioTags,
    description: input.description,
    minAmountFen: input.minAmount,
    maxAmountFen: input.maxAmount,
    minTermMonths: input.minTermMonths,
    maxTermMonths: input.maxTermMonths,
    minRateBps: input.minRate,
    maxRateBps: input.maxRate,
    repaymentMethods: input.repaymentMethods,
    guaranteeTypes: input.guaranteeTypes,
    eligibleRegionCodes: [...input.eligibleRegionCodes].sort(),
    eligibleIndustryCodes: [...input.eligibleIndustryCodes].sort(),
    eligibleSizes: input.eligibleSizes,
    minCreditGrade: input.minCreditGrade ?? null,
    minTaxGrade: input.minTaxGrade ?? null,
    minYearsInOperation: input.minYearsInOperation,
    fundId: input.fundId ?? null,
    redListRateDiscountBps: input.redListRateDiscountBps,
    redListLimitUpliftBps: input.redListLimitUpliftPercent * 100,
    requiredMaterials: input.requiredMaterials,
    responseDeadlineWorkingDays: input.responseDeadlineWorkingDays,
  };
}

export type ProductColumns = ReturnType<typeof productColumns>;

/** A stored product as the pages carry it (money may arrive as text: JSON has no bigint). */
type StoredProduct = {
  nameZh: string;
  nameEn: string | null;
  type: string;
  scenarioTags: string[];
  description: string;
  minAmountFen: bigint | string;
  maxAmountFen: bigint | string;
  minTermMonths: number;
  maxTermMonths: number;
  minRateBps: number;
  maxRateBps: number;
  repaymentMethods: string[];
  guaranteeTypes: string[];
  eligibleRegionCodes: string[];
  eligibleIndustryCodes: string[];
  eligibleSizes: string[];
  minCreditGrade: string | null;
  minTaxGrade: string | null;
  minYearsInOperation: number;
  fundId: string | null;
  redListRateDiscountBps: number;
  redListLimitUpliftBps: number;
  requiredMaterials: string[];
  responseDeadlineWorkingDays: number;
  version: number;
};

/** A stored product as the form's text values, for editing (the inverse of productColumns). */
export function productFormValues(p: StoredProduct): Record<string, string | string[]> {
  const yuan = (fen: bigint | string) => {
    const v = BigInt(fen);
    const cents = v % 100n;
    return cents === 0n ? String(v / 100n) : `${v / 100n}.${cents.toString().padStart(2, "0")}`;
  };
  const percent = (bps: number) => (bps % 100 === 0 ? String(bps / 100) : (bps / 100).toFixed(2));
  return {
    nameZh: p.nameZh,
    nameEn: p.nameEn ?? "",
    type: p.type,
    scenarioTags: p.scenarioTags,
    description: p.description,
    minAmount: yuan(p.minAmountFen),
    maxAmount: yuan(p.maxAmountFen),
    minTermMonths: String(p.minTermMonths),
    maxTermMonths: String(p.maxTermMonths),
    minRate: percent(p.minRateBps),
    maxRate: percent(p.maxRateBps),
    repaymentMethods: p.repaymentMethods,
    guaranteeTypes: p.guaranteeTypes,
    eligibleRegionCodes: p.eligibleRegionCodes,
    eligibleIndustryCodes: p.eligibleIndustryCodes,
    eligibleSizes: p.eligibleSizes,
    minCreditGrade: p.minCreditGrade ?? "",
    minTaxGrade: p.minTaxGrade ?? "",
    minYearsInOperation: String(p.minYearsInOperation),
    fundId: p.fundId ?? "",
    redListRateDiscountBps: String(p.redListRateDiscountBps),
    redListLimitUpliftPercent: String(p.redListLimitUpliftBps / 100),
    requiredMaterials: p.requiredMaterials.join("\n"),
    responseDeadlineWorkingDays: String(p.responseDeadlineWorkingDays),
    version: String(p.version),
  };
}

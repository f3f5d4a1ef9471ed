import { CREDIT_GRADES, type CreditGrade } from "~/domain/credit/scorecard/params";
import { TAX_GRADES, type TaxGrade } from "~/domain/credit/scorecard/snapshot";

/**
 * The hard rules of matching (PRODUCT.md §3.5): a product is recommended for a
 * need only if every rule holds. Pure: no I/O, no clock — the day is an input.
 *
 * Each failed rule says what it found and, where the enterprise could change
 * it, the smallest change that makes the rule hold (a counterfactual). Rules
 * are independent of one another, so applying every offered change makes the
 * pair eligible; rules about facts the enterprise cannot change here (its
 * district, industry, size, the product's or bank's status) offer none.
 */

export const GUARANTEE_TYPES = ["CREDIT", "GUARANTOR", "GUARANTEE_COMPANY", "PLEDGE", "MORTGAGE"] as const;
export type GuaranteeType = (typeof GUARANTEE_TYPES)[number];
export type EnterpriseSize = "MICRO" | "SMALL" | "MEDIUM" | "LARGE";
export type RepaymentMethod = "EQUAL_INSTALMENT" | "EQUAL_PRINCIPAL" | "INTEREST_ONLY_BULLET";

export type MatchEnterprise = {
  id: string;
  regionCode: string;
  industryCode: string;
  size: EnterpriseSize;
  /** YYYY-MM-DD */
  foundedOn: string;
  /** From the current credit evaluation; null when the enterprise has none yet. */
  creditScore: number | null;
  creditGrade: CreditGrade | null;
  /** The latest tax credit grade in that evaluation's facts. */
  taxGrade: TaxGrade | null;
  /** On a serious-dishonesty list (the evaluation's exclusions). */
  excluded: boolean;
  redListed: boolean;
};

export type MatchNeed = {
  id: string;
  enterpriseId: string;
  amountFen: number;
  termMonths: number;
  maxRateBps: number;
  /** What the enterprise can offer as security. */
  guaranteeTypes: readonly GuaranteeType[];
};

export type MatchProduct = {
  id: string;
  institutionId: string;
  listed: boolean;
  bankActive: boolean;
  minAmountFen: number;
  maxAmountFen: number;
  minTermMonths: number;
  maxTermMonths: number;
  minRateBps: number;
  maxRateBps: number;
  /** What the product accepts as security. */
  guaranteeTypes: readonly GuaranteeType[];
  /** Empty, or containing the prefecture's code: every district. */
  eligibleRegionCodes: readonly string[];
  /** Empty: every industry. */
  eligibleIndustryCodes: readonly string[];
  eligibleSizes: readonly EnterpriseSize[];
  minCreditGrade: CreditGrade | null;
  minTaxGrade: TaxGrade | null;
  minYearsInOperation: number;
  redListRateDiscountBps: number;
  redListLimitUpliftBps: number;
  fundEnrolled: boolean;
  repaymentMethods: readonly RepaymentMethod[];
};

export type RuleContext = {
  /** The day matching describes (YYYY-MM-DD, the platform's time zone). */
  asOf: string;
  /** The prefecture's region code: a product listing it serves every district. */
  prefectureCode: string;
};

export type Change =
  | { kind: "clearExclusion" }
  | { kind: "amount"; amountFen: number }
  | { kind: "term"; termMonths: number }
  | { kind: "maxRate"; maxRateBps: number }
  | { kind: "addGuarantee"; guaranteeType: GuaranteeType }
  | { kind: "creditGrade"; grade: CreditGrade }
  | { kind: "taxGrade"; grade: TaxGrade }
  | { kind: "yearsInOperation"; years: number; reachedOn: string };

export const RULE_CODES = [
  "PRODUCT_NOT_LISTED",
  "BANK_SUSPENDED",
  "ENTERPRISE_EXCLUDED",
  "AMOUNT_BELOW_MIN",
  "AMOUNT_ABOVE_MAX",
  "TERM_BELOW_MIN",
  "TERM_ABOVE_MAX",
  "RATE_CEILING_TOO_LOW",
  "REGION_NOT_ELIGIBLE",
  "INDUSTRY_NOT_ELIGIBLE",
  "SIZE_NOT_ELIGIBLE",
  "GUARANTEE_INCOMPATIBLE",
  "CREDIT_GRADE_TOO_LOW",
  "TAX_GRADE_TOO_LOW",
  "TOO_FEW_YEARS",
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

export type RuleFailure = {
  rule: RuleCode;
  /** What the rule found, for the explanation (money in 分 as numbers, rates in bps). */
  params: Record<string, string | number | readonly string[] | null>;
  /** The smallest change that makes this rule hold, or null when it is not the enterprise's to change. */
  change: Change | null;
};

const NO_GRADE = 99;
const creditRank = (grade: CreditGrade | null) => (grade === null ? NO_GRADE : CREDIT_GRADES.indexOf(grade));
const taxRank = (grade: TaxGrade | null) => (grade === null ? NO_GRADE : TAX_GRADES.indexOf(grade));

/** Whole years from `from` to `to` (both YYYY-MM-DD): a birthday-style count. */
export function fullYearsBetween(from: string, to: string): number {
  const years = Number(to.slice(0, 4)) - Number(from.slice(0, 4));
  return to.slice(5) >= from.slice(5) ? years : years - 1;
}

/** `date` moved by whole years; 29 February becomes 28 February in a common year. */
export function addYears(date: string, years: number): string {
  const year = Number(date.slice(0, 4)) + years;
  const monthDay = date.slice(5);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return `${String(year).padStart(4, "0")}-${monthDay === "02-29" && !leap ? "02-28" : monthDay}`;
}

/** a × b ÷ c, rounded down, exact for every amount a product or need can hold (beyond 2^53 it uses bigint). */
export function mulDiv(a: number, b: number, c: number): number {
  const product = a * b;
  if (Number.isSafeInteger(product)) return Math.floor(product / c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** The most a product lends this enterprise: red-listed enterprises get the product's uplift. */
export function effectiveMaxAmountFen(product: MatchProduct, enterprise: Pick<MatchEnterprise, "redListed">): number {
  if (!enterprise.redListed || product.redListLimitUpliftBps === 0) return product.maxAmountFen;
  return mulDiv(product.maxAmountFen, 10_000 + product.redListLimitUpliftBps, 10_000);
}

/** The lowest rate the product offers this enterprise: red-listed enterprises get its discount (never below 0.01 %). */
export function bestRateBps(product: MatchProduct, enterprise: Pick<MatchEnterprise, "redListed">): number {
  return enterprise.redListed ? Math.max(1, product.minRateBps - product.redListRateDiscountBps) : product.minRateBps;
}

export function servesRegion(product: MatchProduct, regionCode: string, prefectureCode: string): boolean {
  const codes = product.eligibleRegionCodes;
  return codes.length === 0 || codes.includes(prefectureCode) || codes.includes(regionCode);
}

/**
 * Every hard rule the pair fails, in a fixed order, each with its
 * counterfactual. An empty list means the product may be recommended.
 */
export function checkPair(need: MatchNeed, enterprise: MatchEnterprise, product: MatchProduct, ctx: RuleContext): RuleFailure[] {
  const failures: RuleFailure[] = [];
  if (!product.listed) failures.push({ rule: "PRODUCT_NOT_LISTED", params: {}, change: null });
  if (!product.bankActive) failures.push({ rule: "BANK_SUSPENDED", params: {}, change: null });
  if (enterprise.excluded) failures.push({ rule: "ENTERPRISE_EXCLUDED", params: {}, change: { kind: "clearExclusion" } });

  const maxFen = effectiveMaxAmountFen(product, enterprise);
  if (need.amountFen < product.minAmountFen) {
    failures.push({ rule: "AMOUNT_BELOW_MIN", params: { minFen: product.minAmountFen }, change: { kind: "amount", amountFen: product.minAmountFen } });
  } else if (need.amountFen > maxFen) {
    failures.push({ rule: "AMOUNT_ABOVE_MAX", params: { maxFen }, change: { kind: "amount", amountFen: maxFen } });
  }
  if (need.termMonths < product.minTermMonths) {
    failures.push({ rule: "TERM_BELOW_MIN", params: { minTermMonths: product.minTermMonths }, change: { kind: "term", termMonths: product.minTermMonths } });
  } else if (need.termMonths > product.maxTermMonths) {
    failures.push({ rule: "TERM_ABOVE_MAX", params: { maxTermMonths: product.maxTermMonths }, change: { kind: "term", termMonths: product.maxTermMonths } });
  }
  const offerBps = bestRateBps(product, enterprise);
  if (need.maxRateBps < offerBps) {
    failures.push({ rule: "RATE_CEILING_TOO_LOW", params: { offerBps }, change: { kind: "maxRate", maxRateBps: offerBps } });
  }
  if (!servesRegion(product, enterprise.regionCode, ctx.prefectureCode)) {
    failures.push({ rule: "REGION_NOT_ELIGIBLE", params: { regionCodes: product.eligibleRegionCodes }, change: null });
  }
  if (product.eligibleIndustryCodes.length > 0 && !product.eligibleIndustryCodes.includes(enterprise.industryCode)) {
    failures.push({ rule: "INDUSTRY_NOT_ELIGIBLE", params: { industryCodes: product.eligibleIndustryCodes }, change: null });
  }
  if (!product.eligibleSizes.includes(enterprise.size)) {
    failures.push({ rule: "SIZE_NOT_ELIGIBLE", params: { sizes: product.eligibleSizes }, change: null });
  }
  if (!need.guaranteeTypes.some((g) => product.guaranteeTypes.includes(g))) {
    // The lightest security the product takes: credit before a guarantor before collateral.
    const lightest = GUARANTEE_TYPES.find((g) => product.guaranteeTypes.includes(g));
    failures.push({
      rule: "GUARANTEE_INCOMPATIBLE",
      params: { accepted: GUARANTEE_TYPES.filter((g) => product.guaranteeTypes.includes(g)) },
      change: lightest ? { kind: "addGuarantee", guaranteeType: lightest } : null,
    });
  }
  if (product.minCreditGrade !== null && creditRank(enterprise.creditGrade) > creditRank(product.minCreditGrade)) {
    failures.push({
      rule: "CREDIT_GRADE_TOO_LOW",
      params: { minGrade: product.minCreditGrade, grade: enterprise.creditGrade },
      change: { kind: "creditGrade", grade: product.minCreditGrade },
    });
  }
  if (product.minTaxGrade !== null && taxRank(enterprise.taxGrade) > taxRank(product.minTaxGrade)) {
    failures.push({
      rule: "TAX_GRADE_TOO_LOW",
      params: { minGrade: product.minTaxGrade, grade: enterprise.taxGrade },
      change: { kind: "taxGrade", grade: product.minTaxGrade },
    });
  }
  const years = fullYearsBetween(enterprise.foundedOn, ctx.asOf);
  if (years < product.minYearsInOperation) {
    const reachedOn = addYears(enterprise.foundedOn, product.minYearsInOperation);
    failures.push({
      rule: "TOO_FEW_YEARS",
      params: { minYears: product.minYearsInOperation, years, reachedOn },
      change: { kind: "yearsInOperation", years: product.minYearsInOperation, reachedOn },
    });
  }
  return failures;
}

/** The pair as it would be after a change: what "if you did this" means, used by tests and the explanation. */
export function applyChange(
  need: MatchNeed,
  enterprise: MatchEnterprise,
  change: Change,
  ctx: RuleContext,
): { need: MatchNeed; enterprise: MatchEnterprise } {
  switch (change.kind) {
    case "clearExclusion":
      return { need, enterprise: { ...enterprise, excluded: false } };
    case "amount":
      return { need: { ...need, amountFen: change.amountFen }, enterprise };
    case "term":
      return { need: { ...need, termMonths: change.termMonths }, enterprise };
    case "maxRate":
      return { need: { ...need, maxRateBps: change.maxRateBps }, enterprise };
    case "addGuarantee":
      return { need: { ...need, guaranteeTypes: [...need.guaranteeTypes, change.guaranteeType] }, enterprise };
    case "creditGrade":
      return { need, enterprise: { ...enterprise, creditGrade: change.grade } };
    case "taxGrade":
      return { need, enterprise: { ...enterprise, taxGrade: change.grade } };
    case "yearsInOperation":
      // The same as waiting until `reachedOn`: the enterprise has then been operating that long.
      return { need, enterprise: { ...enterprise, foundedOn: addYears(ctx.asOf, -change.years) } };
  }
}

/** True when every failure can be removed by the enterprise (each offers a change). */
export function reachable(failures: readonly RuleFailure[]): boolean {
  return failures.every((f) => f.change !== null);
}

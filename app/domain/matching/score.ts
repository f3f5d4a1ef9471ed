import type { CreditGrade } from "~/domain/credit/scorecard/params";
import type { MatchingParams } from "./params";
import {
  GUARANTEE_TYPES,
  bestRateBps,
  effectiveMaxAmountFen,
  mulDiv,
  type MatchEnterprise,
  type MatchNeed,
  type MatchProduct,
  type RepaymentMethod,
  type RuleContext,
} from "./rules";

/**
 * The soft score of an eligible pair (PRODUCT.md §3.5): likelihood of
 * approval, cost, amount coverage and the bank's real response record, each
 * 0–1000 points, weighted by the active matching parameters. Pure and in
 * integers, so the same inputs always give the same score on every machine.
 */

/** A bank's response record over the parameters' trailing window. */
export type BankRecord = {
  /** Applications answered, or past their deadline unanswered. */
  decided: number;
  /** Of those, answered by the deadline. */
  onTime: number;
  medianResponseMinutes: number | null;
};

export type ScoreContext = RuleContext & {
  params: MatchingParams;
  /** The active scorecard's lowest score for each grade: a product's minimum grade as a score. */
  gradeMinScores: Readonly<Record<CreditGrade, number>>;
};

export type MatchPoints = {
  approval: number;
  cost: number;
  coverage: number;
  response: number;
  score: number;
  /** What the enterprise can expect to pay: within the product's range by approval, after any red-list discount. */
  expectedRateBps: number;
};

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

export function approvalPoints(enterprise: MatchEnterprise, product: MatchProduct, ctx: ScoreContext): number {
  const p = ctx.params.approval;
  const bonus = product.fundEnrolled ? p.fundEnrolledBonusPoints : 0;
  if (enterprise.creditScore === null) return clamp(p.unscoredPoints + bonus, 0, 1000);
  const threshold = product.minCreditGrade === null ? 0 : ctx.gradeMinScores[product.minCreditGrade];
  const margin = clamp(enterprise.creditScore - threshold, 0, p.fullMarginScore);
  return clamp(p.floorPoints + Math.floor(((1000 - p.floorPoints) * margin) / p.fullMarginScore) + bonus, 0, 1000);
}

/** Within the product's range: the more certain the approval, the nearer the lowest rate; then the red-list discount. */
export function expectedRateBps(enterprise: MatchEnterprise, product: MatchProduct, approval: number): number {
  const rate = product.minRateBps + Math.floor(((product.maxRateBps - product.minRateBps) * (1000 - approval)) / 1000);
  return enterprise.redListed ? Math.max(1, rate - product.redListRateDiscountBps) : rate;
}

export function costPoints(need: MatchNeed, expectedBps: number, ctx: ScoreContext): number {
  const full = ctx.params.cost.fullSavingBps;
  return clamp(500 + Math.floor((500 * (need.maxRateBps - expectedBps)) / full), 0, 1000);
}

export function coveragePoints(need: MatchNeed, maxFen: number, ctx: ScoreContext): number {
  const { comfortableShareBps, atLimitPoints } = ctx.params.coverage;
  const shareBps = Math.min(10_000, mulDiv(need.amountFen, 10_000, maxFen));
  if (shareBps <= comfortableShareBps) return 1000;
  return 1000 - Math.floor(((1000 - atLimitPoints) * (shareBps - comfortableShareBps)) / (10_000 - comfortableShareBps));
}

/** The on-time share a bank is credited with: its own, pulled towards the prior while its record is short. */
export function onTimeShareBps(record: BankRecord | undefined, params: MatchingParams): number {
  const { priorOnTimeBps, priorWeight } = params.response;
  const decided = record?.decided ?? 0;
  if (decided + priorWeight === 0) return priorOnTimeBps;
  return Math.floor(((record?.onTime ?? 0) * 10_000 + priorOnTimeBps * priorWeight) / (decided + priorWeight));
}

export function responsePoints(record: BankRecord | undefined, params: MatchingParams): number {
  const r = params.response;
  const onTime = Math.floor(onTimeShareBps(record, params) / 10);
  const median = record?.medianResponseMinutes ?? null;
  const speed =
    median === null
      ? r.unknownSpeedPoints
      : median <= r.fastMinutes
        ? 1000
        : median >= r.slowMinutes
          ? 0
          : Math.floor((1000 * (r.slowMinutes - median)) / (r.slowMinutes - r.fastMinutes));
  return Math.floor((onTime * r.onTimeWeightBps + speed * (10_000 - r.onTimeWeightBps)) / 10_000);
}

export function weightedScore(approval: number, cost: number, coverage: number, response: number, params: MatchingParams): number {
  const w = params.weightsBps;
  return Math.floor((approval * w.approval + cost * w.cost + coverage * w.coverage + response * w.response) / 10_000);
}

/** The points of an eligible pair. `response` is the bank's (responsePoints), computed once per bank by the caller. */
export function scorePair(
  need: MatchNeed,
  enterprise: MatchEnterprise,
  product: MatchProduct,
  response: number,
  ctx: ScoreContext,
): MatchPoints {
  const approval = approvalPoints(enterprise, product, ctx);
  const expected = expectedRateBps(enterprise, product, approval);
  const cost = costPoints(need, expected, ctx);
  const coverage = coveragePoints(need, effectiveMaxAmountFen(product, enterprise), ctx);
  return { approval, cost, coverage, response, score: weightedScore(approval, cost, coverage, response, ctx.params), expectedRateBps: expected };
}

export type FitReason = { code: FitReasonCode; params: Record<string, string | number | readonly string[] | null> };
export type FitReasonCode =
  | "AMOUNT_FITS"
  | "TERM_FITS"
  | "GUARANTEE_FITS"
  | "CREDIT_GRADE_FITS"
  | "NO_GRADE_REQUIRED"
  | "TAX_GRADE_FITS"
  | "EXPECTED_RATE"
  | "RED_LIST_DISCOUNT"
  | "RED_LIST_UPLIFT"
  | "FUND_ENROLLED"
  | "BANK_RECORD"
  | "BANK_NO_RECORD";

/** Why an eligible product fits, in the order a reader weighs it: the terms, the grade, the cost, the bank. */
export function explainFit(
  need: MatchNeed,
  enterprise: MatchEnterprise,
  product: MatchProduct,
  record: BankRecord | undefined,
  points: MatchPoints,
  ctx: ScoreContext,
): FitReason[] {
  const reasons: FitReason[] = [];
  const maxFen = effectiveMaxAmountFen(product, enterprise);
  reasons.push({ code: "AMOUNT_FITS", params: { amountFen: need.amountFen, minFen: product.minAmountFen, maxFen } });
  reasons.push({
    code: "TERM_FITS",
    params: { termMonths: need.termMonths, minTermMonths: product.minTermMonths, maxTermMonths: product.maxTermMonths },
  });
  reasons.push({ code: "GUARANTEE_FITS", params: { types: GUARANTEE_TYPES.filter((g) => need.guaranteeTypes.includes(g) && product.guaranteeTypes.includes(g)) } });
  if (product.minCreditGrade !== null) {
    reasons.push({ code: "CREDIT_GRADE_FITS", params: { grade: enterprise.creditGrade, minGrade: product.minCreditGrade } });
  } else {
    reasons.push({ code: "NO_GRADE_REQUIRED", params: { grade: enterprise.creditGrade } });
  }
  if (product.minTaxGrade !== null) reasons.push({ code: "TAX_GRADE_FITS", params: { grade: enterprise.taxGrade, minGrade: product.minTaxGrade } });
  reasons.push({ code: "EXPECTED_RATE", params: { expectedRateBps: points.expectedRateBps, maxRateBps: need.maxRateBps, bestRateBps: bestRateBps(product, enterprise) } });
  if (enterprise.redListed && product.redListRateDiscountBps > 0) reasons.push({ code: "RED_LIST_DISCOUNT", params: { discountBps: product.redListRateDiscountBps } });
  if (enterprise.redListed && product.redListLimitUpliftBps > 0) reasons.push({ code: "RED_LIST_UPLIFT", params: { upliftBps: product.redListLimitUpliftBps } });
  if (product.fundEnrolled) reasons.push({ code: "FUND_ENROLLED", params: {} });
  if (record && record.decided > 0) {
    reasons.push({
      code: "BANK_RECORD",
      params: { onTimeBps: Math.floor((record.onTime * 10_000) / record.decided), decided: record.decided, medianHours: record.medianResponseMinutes === null ? null : Math.round(record.medianResponseMinutes / 60) },
    });
  } else {
    reasons.push({ code: "BANK_NO_RECORD", params: {} });
  }
  return reasons;
}

/** The order methods are considered in when estimating a cost: the commonest first. */
const METHOD_ORDER: readonly RepaymentMethod[] = ["EQUAL_INSTALMENT", "EQUAL_PRINCIPAL", "INTEREST_ONLY_BULLET"];

export function estimateMethod(product: Pick<MatchProduct, "repaymentMethods">): RepaymentMethod {
  return METHOD_ORDER.find((m) => product.repaymentMethods.includes(m)) ?? "EQUAL_INSTALMENT";
}

/**
 * Total interest over the term, for comparing offers — an estimate, shown as
 * such (monthly rate = annual ÷ 12, no fees); a loan's real schedule is
 * computed at disbursement with its own day-count and rounding rules.
 */
export function estimateInterestFen(amountFen: number, rateBps: number, termMonths: number, method: RepaymentMethod): number {
  const monthly = rateBps / 10_000 / 12;
  switch (method) {
    case "INTEREST_ONLY_BULLET":
      return Math.round(amountFen * monthly * termMonths);
    case "EQUAL_PRINCIPAL":
      return Math.round((amountFen * monthly * (termMonths + 1)) / 2);
    case "EQUAL_INSTALMENT": {
      const factor = (1 + monthly) ** termMonths;
      return Math.round(((amountFen * monthly * factor) / (factor - 1)) * termMonths - amountFen);
    }
  }
}

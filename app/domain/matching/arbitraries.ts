import fc from "fast-check";
import { CREDIT_GRADES, type CreditGrade } from "~/domain/credit/scorecard/params";
import { TAX_GRADES } from "~/domain/credit/scorecard/snapshot";
import { ACTIVE_MATCHING_PARAMS } from "./models";
import { GUARANTEE_TYPES, type EnterpriseSize, type MatchEnterprise, type MatchNeed, type MatchProduct, type RepaymentMethod } from "./rules";
import type { BankRecord, ScoreContext } from "./score";

/**
 * fast-check arbitraries for matching inputs. Values are drawn from small
 * domains (a few districts, industries, round amounts) so that generated
 * pairs land on every rule's boundary often, not only far from it.
 */

export const PREFECTURE = "211100";
const REGIONS = ["211102", "211103", "211104", "211122"] as const;
const INDUSTRIES = ["C13", "C14", "F51", "F52", "I65"] as const;
const SIZES: readonly EnterpriseSize[] = ["MICRO", "SMALL", "MEDIUM", "LARGE"];
const METHODS: readonly RepaymentMethod[] = ["EQUAL_INSTALMENT", "EQUAL_PRINCIPAL", "INTEREST_ONLY_BULLET"];
const WAN = 1_000_000; // 1 万元 in 分

export const GRADE_MIN_SCORES: Record<CreditGrade, number> = {
  "A+": 850, A: 780, "A-": 720, "B+": 660, B: 600, "B-": 540, "C+": 480, C: 420, "C-": 360, D: 0,
};

export const scoreContext = (asOf: string): ScoreContext => ({
  asOf,
  prefectureCode: PREFECTURE,
  params: ACTIVE_MATCHING_PARAMS,
  gradeMinScores: GRADE_MIN_SCORES,
});

const uuidish = (prefix: string) => fc.integer({ min: 0, max: 9999 }).map((n) => `${prefix}-${String(n).padStart(4, "0")}`);
const subset = <T>(values: readonly T[], minLength = 0) => fc.subarray([...values], { minLength });

export const productArb: fc.Arbitrary<MatchProduct> = fc
  .record({
    id: uuidish("p"),
    institutionId: fc.constantFrom("bank-a", "bank-b", "bank-c", "bank-d"),
    listed: fc.constantFrom(true, true, true, true, false),
    bankActive: fc.constantFrom(true, true, true, false),
    minWan: fc.integer({ min: 1, max: 300 }),
    spanWan: fc.integer({ min: 0, max: 1000 }),
    minTermMonths: fc.integer({ min: 1, max: 36 }),
    spanMonths: fc.integer({ min: 0, max: 60 }),
    minRateBps: fc.integer({ min: 200, max: 1200 }),
    spanBps: fc.integer({ min: 0, max: 600 }),
    guaranteeTypes: subset(GUARANTEE_TYPES, 1),
    eligibleRegionCodes: fc.oneof(fc.constant([] as string[]), fc.constant([PREFECTURE]), subset(REGIONS, 1)),
    eligibleIndustryCodes: fc.oneof(fc.constant([] as string[]), subset(INDUSTRIES, 1)),
    eligibleSizes: subset(SIZES, 1),
    minCreditGrade: fc.option(fc.constantFrom(...CREDIT_GRADES), { nil: null }),
    minTaxGrade: fc.option(fc.constantFrom(...TAX_GRADES), { nil: null }),
    minYearsInOperation: fc.integer({ min: 0, max: 8 }),
    redListRateDiscountBps: fc.integer({ min: 0, max: 150 }),
    redListLimitUpliftBps: fc.constantFrom(0, 1000, 2000, 5000),
    fundEnrolled: fc.boolean(),
    repaymentMethods: subset(METHODS, 1),
  })
  .map((r) => ({
    id: r.id,
    institutionId: r.institutionId,
    listed: r.listed,
    bankActive: r.bankActive,
    minAmountFen: r.minWan * WAN,
    maxAmountFen: (r.minWan + r.spanWan) * WAN,
    minTermMonths: r.minTermMonths,
    maxTermMonths: r.minTermMonths + r.spanMonths,
    minRateBps: r.minRateBps,
    maxRateBps: r.minRateBps + r.spanBps,
    guaranteeTypes: r.guaranteeTypes,
    eligibleRegionCodes: r.eligibleRegionCodes,
    eligibleIndustryCodes: r.eligibleIndustryCodes,
    eligibleSizes: r.eligibleSizes,
    minCreditGrade: r.minCreditGrade,
    minTaxGrade: r.minTaxGrade,
    minYearsInOperation: r.minYearsInOperation,
    redListRateDiscountBps: Math.min(r.redListRateDiscountBps, r.minRateBps - 1),
    redListLimitUpliftBps: r.redListLimitUpliftBps,
    fundEnrolled: r.fundEnrolled,
    repaymentMethods: r.repaymentMethods,
  }));

/** Scores consistent with grades, as the scorecard produces them. */
export const enterpriseArb: fc.Arbitrary<MatchEnterprise> = fc
  .record({
    id: uuidish("e"),
    regionCode: fc.constantFrom(...REGIONS),
    industryCode: fc.constantFrom(...INDUSTRIES),
    size: fc.constantFrom(...SIZES),
    foundedYear: fc.integer({ min: 2010, max: 2026 }),
    foundedMonthDay: fc.constantFrom("01-15", "02-28", "02-29", "06-30", "11-22", "12-31"),
    score: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null, freq: 8 }),
    taxGrade: fc.option(fc.constantFrom(...TAX_GRADES), { nil: null }),
    excluded: fc.constantFrom(false, false, false, true),
    redListed: fc.boolean(),
  })
  .map((r) => {
    const grade = r.score === null ? null : (CREDIT_GRADES.find((g) => r.score! >= GRADE_MIN_SCORES[g]) ?? "D");
    const leap = r.foundedYear % 4 === 0;
    return {
      id: r.id,
      regionCode: r.regionCode,
      industryCode: r.industryCode,
      size: r.size,
      foundedOn: `${r.foundedYear}-${r.foundedMonthDay === "02-29" && !leap ? "02-28" : r.foundedMonthDay}`,
      creditScore: r.score,
      creditGrade: grade,
      taxGrade: r.taxGrade,
      excluded: r.excluded,
      redListed: r.redListed,
    };
  });

export const needArb = (enterpriseId: string): fc.Arbitrary<MatchNeed> =>
  fc.record({
    id: uuidish("n"),
    enterpriseId: fc.constant(enterpriseId),
    amountFen: fc.integer({ min: 1, max: 1500 }).map((w) => w * WAN),
    termMonths: fc.integer({ min: 1, max: 96 }),
    maxRateBps: fc.integer({ min: 150, max: 2400 }),
    guaranteeTypes: subset(GUARANTEE_TYPES, 1),
  });

export const recordArb: fc.Arbitrary<BankRecord | undefined> = fc.option(
  fc
    .record({ decided: fc.integer({ min: 0, max: 500 }), share: fc.integer({ min: 0, max: 100 }), median: fc.option(fc.integer({ min: 1, max: 30_000 }), { nil: null }) })
    .map((r) => ({ decided: r.decided, onTime: Math.floor((r.decided * r.share) / 100), medianResponseMinutes: r.decided === 0 ? null : r.median })),
  { nil: undefined },
);

export const asOfArb = fc.constantFrom("2026-11-22", "2027-02-28", "2028-02-29", "2030-01-01");

/** Products with distinct ids (a catalogue never lists one product twice). */
export const catalogueArb = fc.uniqueArray(productArb, { minLength: 1, maxLength: 25, selector: (p) => p.id });

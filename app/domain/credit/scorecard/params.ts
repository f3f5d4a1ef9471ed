import { z } from "zod";
import { TAX_GRADES, isCalendarDate } from "./snapshot";

/**
 * The scorecard's parameters. Everything that decides a score — points, bins,
 * windows, caps, grade thresholds, exclusions and the words that explain them —
 * is data in a reviewed, versioned JSON file (models/scorecard-<version>.json),
 * so that changing the scoring is a reviewed data change with a new version.
 *
 * The schema enforces what the evaluator's guarantees rest on: bins are
 * ordered and monotone (a better fact never scores lower), penalties only
 * deduct and incentives only add, and every reason code the evaluator can emit
 * has a template in both languages naming only parameters it is given.
 */

export const CREDIT_GRADES = ["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D"] as const;
export type CreditGrade = (typeof CREDIT_GRADES)[number];

export const SCORE_MIN = 0;
export const SCORE_MAX = 1000;
/** Sales are never negative, so growth never falls below −100 % (−10,000 bps). */
export const MIN_GROWTH_BPS = -10_000;

export const SCORECARD_LOCALES = ["zh-CN", "en"] as const;
export type ScorecardLocale = (typeof SCORECARD_LOCALES)[number];

/**
 * Parameters each bin-scored factor supplies to its reasons' templates. The
 * built-in `{{points}}` (the reason's points without sign) is always available;
 * whether points are added or deducted is said by the template of the code.
 */
export const BIN_FACTOR_PARAMS = {
  taxGrade: ["grade", "year"],
  taxPaid: ["taxPaidFen", "windowMonths"],
  invoicedSales: ["salesFen", "windowMonths"],
  salesGrowth: ["growthBps", "absGrowthBps", "salesFen", "previousSalesFen", "windowMonths"],
  socialInsuranceHeadcount: ["headcount", "period"],
  socialInsuranceArrears: ["arrearsMonths", "windowMonths"],
  providentFund: ["contributedMonths", "windowMonths"],
  utility: ["onTimeBps", "billsOnTime", "billsDue", "windowMonths"],
  yearsInOperation: ["years", "foundedOn"],
} as const satisfies Record<string, readonly string[]>;
export type BinFactor = keyof typeof BIN_FACTOR_PARAMS;

type FixedReason = { sign: -1 | 0 | 1; params: readonly string[]; kind: "noData" | "exclusion" | "factor" };

/** Reason codes with fixed meaning, their sign and the parameters they carry. */
export const FIXED_REASONS = {
  TAX_GRADE_NO_DATA: { sign: 0, kind: "noData", params: ["maxAgeYears"] },
  TAX_PAID_NO_DATA: { sign: 0, kind: "noData", params: ["windowMonths"] },
  INVOICED_SALES_NO_DATA: { sign: 0, kind: "noData", params: ["windowMonths"] },
  SALES_GROWTH_NO_DATA: {
    sign: 0,
    kind: "noData",
    params: ["previousSalesFen", "minPreviousSalesFen", "windowMonths"],
  },
  SOCIAL_INSURANCE_NO_DATA: { sign: 0, kind: "noData", params: ["windowMonths"] },
  PROVIDENT_FUND_NO_DATA: { sign: 0, kind: "noData", params: ["windowMonths"] },
  UTILITY_NO_DATA: { sign: 0, kind: "noData", params: ["windowMonths"] },
  COMMITMENTS_NO_DATA: { sign: 0, kind: "noData", params: ["lookbackMonths"] },
  DISHONEST_ENDED: { sign: -1, kind: "factor", params: ["count", "lookbackMonths"] },
  DISHONEST_NONE: { sign: 0, kind: "factor", params: ["lookbackMonths"] },
  PENALTIES_UNREPAIRED: { sign: -1, kind: "factor", params: ["minorCount", "generalCount", "severeCount"] },
  PENALTIES_NONE: { sign: 0, kind: "factor", params: [] },
  RED_LIST_A_TAXPAYER: { sign: 1, kind: "factor", params: ["count"] },
  RED_LIST_CUSTOMS_AEO: { sign: 1, kind: "factor", params: ["count"] },
  RED_LIST_HONOUR: { sign: 1, kind: "factor", params: ["count"] },
  RED_LIST_NONE: { sign: 0, kind: "factor", params: [] },
  COMMITMENTS_KEPT: { sign: 1, kind: "factor", params: ["count", "lookbackMonths"] },
  COMMITMENTS_BROKEN: { sign: -1, kind: "factor", params: ["count", "lookbackMonths"] },
  EXCLUDED_ACTIVE_DISHONEST: { sign: 0, kind: "exclusion", params: ["caseNo", "startsOn"] },
  EXCLUDED_SEVERE_PENALTY: { sign: 0, kind: "exclusion", params: ["decisionNo", "decidedOn", "windowMonths"] },
} as const satisfies Record<string, FixedReason>;
export type FixedReasonCode = keyof typeof FIXED_REASONS;

const reasonCode = z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, { error: "invalidReasonCode" });
const points = z.number().int().min(-SCORE_MAX).max(SCORE_MAX);
const negativePoints = points.max(-1);
const positivePoints = points.min(1);
const months = z.number().int().min(1).max(120);
const fenText = z.string().regex(/^(0|[1-9]\d{0,17})$/, { error: "invalidMoney" });

/**
 * Bins: the value falls in the last bin whose `from` it reaches. The first bin
 * starts at the lowest value the factor can take, so every value has a bin;
 * `better` says which direction of the value must never score lower.
 */
function checkBins(
  list: { from: number | string; points: number }[],
  lowest: bigint,
  better: "higher" | "lower",
  ctx: z.RefinementCtx,
): void {
  if (list[0] && BigInt(list[0].from) !== lowest) {
    ctx.addIssue({ code: "custom", message: `first bin must start at ${lowest}`, path: [0, "from"] });
  }
  for (let i = 1; i < list.length; i++) {
    const prev = list[i - 1]!;
    const bin = list[i]!;
    if (BigInt(bin.from) <= BigInt(prev.from)) {
      ctx.addIssue({ code: "custom", message: "bins must be in strictly ascending order", path: [i, "from"] });
    }
    const monotone = better === "higher" ? bin.points >= prev.points : bin.points <= prev.points;
    if (!monotone) {
      ctx.addIssue({
        code: "custom",
        message: `points must not fall as the value gets better (${better} is better)`,
        path: [i, "points"],
      });
    }
  }
}

const numberBins = (lowest: number, better: "higher" | "lower") =>
  z
    .array(z.strictObject({ from: z.number().int().min(lowest), points, code: reasonCode }))
    .min(1)
    .max(20)
    .superRefine((list, ctx) => checkBins(list, BigInt(lowest), better, ctx));
const countBins = (better: "higher" | "lower") => numberBins(0, better);
const bpsBins = (lowest: number) => numberBins(lowest, "higher");
const fenBins = () =>
  z
    .array(z.strictObject({ from: fenText, points, code: reasonCode }))
    .min(1)
    .max(20)
    .superRefine((list, ctx) => checkBins(list, 0n, "higher", ctx));

const gradePoints = z.strictObject({ points, code: reasonCode });
const templateText = z.string().max(500).regex(/\S/, { error: "required" });
const template = z.strictObject({ "zh-CN": templateText, en: templateText });

export const ScorecardParamsSchema = z
  .strictObject({
    version: z.string().regex(/^\d{4}\.\d{2}(\.\d+)?$/, { error: "invalidVersion" }),
    title: template,
    effectiveFrom: z.string().refine(isCalendarDate, { error: "invalidDate" }),
    baseScore: z.number().int().min(SCORE_MIN).max(SCORE_MAX),
    grades: z
      .array(z.strictObject({ grade: z.enum(CREDIT_GRADES), minScore: z.number().int().min(SCORE_MIN).max(SCORE_MAX) }))
      .length(CREDIT_GRADES.length)
      .superRefine((list, ctx) => {
        list.forEach((entry, i) => {
          if (entry.grade !== CREDIT_GRADES[i]) {
            ctx.addIssue({ code: "custom", message: `grade ${i} must be ${CREDIT_GRADES[i]}`, path: [i, "grade"] });
          }
          if (i > 0 && entry.minScore >= list[i - 1]!.minScore) {
            ctx.addIssue({
              code: "custom",
              message: "thresholds must fall strictly from best to worst",
              path: [i, "minScore"],
            });
          }
        });
        if (list.at(-1)?.minScore !== SCORE_MIN) {
          ctx.addIssue({
            code: "custom",
            message: `the worst grade must start at ${SCORE_MIN}`,
            path: [list.length - 1, "minScore"],
          });
        }
      }),
    factors: z.strictObject({
      taxGrade: z
        .strictObject({
          // Grades older than this many years before asOf's year are stale.
          maxAgeYears: z.number().int().min(0).max(10),
          grades: z.strictObject({ A: gradePoints, B: gradePoints, M: gradePoints, C: gradePoints, D: gradePoints }),
        })
        .superRefine((factor, ctx) => {
          for (let i = 1; i < TAX_GRADES.length; i++) {
            const better = factor.grades[TAX_GRADES[i - 1]!];
            const worse = factor.grades[TAX_GRADES[i]!];
            if (worse.points > better.points) {
              ctx.addIssue({
                code: "custom",
                message: "a worse tax grade must not score higher",
                path: ["grades", TAX_GRADES[i]!],
              });
            }
          }
        }),
      taxPaid: z.strictObject({ windowMonths: months, binsFen: fenBins() }),
      invoicedSales: z.strictObject({
        windowMonths: months,
        binsFen: fenBins(),
        growth: z.strictObject({
          // Growth from a tiny base says nothing; below this the factor has no data.
          minPreviousSalesFen: fenText.refine((v) => BigInt(v) > 0n, { error: "mustBePositive" }),
          binsBps: bpsBins(MIN_GROWTH_BPS),
        }),
      }),
      socialInsurance: z.strictObject({
        windowMonths: months,
        headcountBins: countBins("higher"),
        arrearsMonthBins: countBins("lower"),
      }),
      providentFund: z.strictObject({ windowMonths: months, contributedMonthBins: countBins("higher") }),
      utility: z.strictObject({ windowMonths: months, onTimeBinsBps: bpsBins(0) }),
      yearsInOperation: z.strictObject({ yearBins: countBins("higher") }),
      dishonestEnded: z.strictObject({
        lookbackMonths: months,
        pointsEach: negativePoints,
        floorPoints: negativePoints,
      }),
      penalties: z.strictObject({
        MINOR: z.strictObject({ windowMonths: months, pointsEach: negativePoints }),
        GENERAL: z.strictObject({ windowMonths: months, pointsEach: negativePoints }),
        SEVERE: z.strictObject({ windowMonths: months, pointsEach: negativePoints }),
        floorPoints: negativePoints,
      }),
      redList: z.strictObject({ A_TAXPAYER: positivePoints, CUSTOMS_AEO: positivePoints, HONOUR: positivePoints }),
      commitments: z.strictObject({
        lookbackMonths: months,
        keptPointsEach: positivePoints,
        keptCapPoints: positivePoints,
        brokenPointsEach: negativePoints,
        brokenFloorPoints: negativePoints,
      }),
    }),
    exclusions: z.strictObject({
      activeDishonest: z.boolean(),
      unrepairedSeverePenalty: z.strictObject({ enabled: z.boolean(), windowMonths: months }),
    }),
    reasons: z.record(reasonCode, template),
  })
  .superRefine((params, ctx) => {
    const { socialInsurance, providentFund } = params.factors;
    const beyond = (list: { from: number }[], window: number) => list.some((b) => b.from > window);
    if (beyond(socialInsurance.arrearsMonthBins, socialInsurance.windowMonths)) {
      ctx.addIssue({
        code: "custom",
        message: "a bin can never be reached within the window",
        path: ["factors", "socialInsurance", "arrearsMonthBins"],
      });
    }
    if (beyond(providentFund.contributedMonthBins, providentFund.windowMonths)) {
      ctx.addIssue({
        code: "custom",
        message: "a bin can never be reached within the window",
        path: ["factors", "providentFund", "contributedMonthBins"],
      });
    }

    const catalogue = new Map<string, ReasonEntry>();
    for (const [code, entry] of Object.entries(FIXED_REASONS)) catalogue.set(code, entry);
    for (const [factor, list] of binFactorBins(params)) {
      for (const bin of list) {
        const sign = Math.sign(bin.points) as -1 | 0 | 1;
        const existing = catalogue.get(bin.code);
        if (!existing) {
          catalogue.set(bin.code, { sign, kind: "factor", params: BIN_FACTOR_PARAMS[factor], factor });
        } else if (existing.factor !== factor || existing.sign !== sign) {
          // One code, one meaning: its template must be right for every bin that uses it.
          ctx.addIssue({
            code: "custom",
            message: `reason code ${bin.code} is used with another factor or sign`,
            path: ["factors", factor],
          });
        }
      }
    }

    for (const [code, entry] of catalogue) {
      const text = params.reasons[code];
      if (!text) {
        ctx.addIssue({ code: "custom", message: `no explanation for reason code ${code}`, path: ["reasons", code] });
        continue;
      }
      for (const locale of SCORECARD_LOCALES) {
        for (const name of templatePlaceholders(text[locale])) {
          if (name !== "points" && !entry.params.includes(name)) {
            ctx.addIssue({
              code: "custom",
              message: `{{${name}}} is not a parameter of ${code}`,
              path: ["reasons", code, locale],
            });
          }
        }
      }
    }
    for (const code of Object.keys(params.reasons)) {
      if (!catalogue.has(code)) {
        ctx.addIssue({
          code: "custom",
          message: `explanation for unknown reason code ${code}`,
          path: ["reasons", code],
        });
      }
    }
  });

export type ScorecardParams = z.infer<typeof ScorecardParamsSchema>;
export type ReasonTemplate = z.infer<typeof template>;

export type ReasonEntry = {
  sign: -1 | 0 | 1;
  kind: "noData" | "exclusion" | "factor";
  params: readonly string[];
  factor?: BinFactor;
};

type Bin = { points: number; code: string };

function binFactorBins(params: ScorecardParams): [BinFactor, Bin[]][] {
  const f = params.factors;
  return [
    ["taxGrade", TAX_GRADES.map((g) => f.taxGrade.grades[g])],
    ["taxPaid", f.taxPaid.binsFen],
    ["invoicedSales", f.invoicedSales.binsFen],
    ["salesGrowth", f.invoicedSales.growth.binsBps],
    ["socialInsuranceHeadcount", f.socialInsurance.headcountBins],
    ["socialInsuranceArrears", f.socialInsurance.arrearsMonthBins],
    ["providentFund", f.providentFund.contributedMonthBins],
    ["utility", f.utility.onTimeBinsBps],
    ["yearsInOperation", f.yearsInOperation.yearBins],
  ];
}

/**
 * Every reason code the evaluator can emit under these parameters, with the
 * sign of its points and the parameters it carries. Exclusions are included.
 */
export function reasonCatalogue(params: ScorecardParams): Map<string, ReasonEntry> {
  const catalogue = new Map<string, ReasonEntry>(Object.entries(FIXED_REASONS));
  for (const [factor, list] of binFactorBins(params)) {
    for (const bin of list) {
      catalogue.set(bin.code, {
        sign: Math.sign(bin.points) as -1 | 0 | 1,
        kind: "factor",
        params: BIN_FACTOR_PARAMS[factor],
        factor,
      });
    }
  }
  return catalogue;
}

export function templatePlaceholders(text: string): string[] {
  return [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!);
}

export function isNoDataCode(code: string): boolean {
  return (FIXED_REASONS as Record<string, FixedReason>)[code]?.kind === "noData";
}

import { formatMoneyFen, formatNumber, formatRateBps } from "~/i18n/format";
import {
  CREDIT_GRADES,
  type CreditGrade,
  MIN_GROWTH_BPS,
  SCORE_MAX,
  SCORE_MIN,
  type ScorecardLocale,
  type ScorecardParams,
  isNoDataCode,
} from "./params";
import {
  type EvaluationSnapshot,
  PENALTY_SEVERITIES,
  type PenaltySeverity,
  RED_LIST_TYPES,
  type RedListType,
  TAX_GRADES,
  type TaxGrade,
  isCalendarDate,
} from "./snapshot";

export type Reason = { code: string; points: number; params: Record<string, string | number> };
export type Evaluation = {
  modelVersion: string;
  score: number;
  grade: CreditGrade;
  excluded: boolean;
  exclusions: Reason[]; // why excluded (points 0), empty when not excluded
  redListed: boolean;
  incentives: RedListType[]; // active red-list types, sorted
  reasons: Reason[]; // every factor's contribution, ranked by |points| desc then code asc; 0-point "no data" reasons last
};

// Growth beyond 10,000 % says nothing more and would not format sensibly.
const MAX_GROWTH_BPS = 1_000_000;

/**
 * Scores one snapshot under one parameter set. Pure and deterministic: the
 * result depends only on the arguments (no clock, no randomness, no I/O), and
 * not on the order of records within the snapshot's lists.
 *
 * Monthly series are read over whole calendar months before asOf's month (the
 * current month is still incomplete): a 12-month window at asOf 2026-11-15 is
 * 2025-11 … 2026-10. Dated records count within N months back from asOf:
 * after the same day N months earlier, up to and including asOf.
 */
export function evaluate(snapshot: EvaluationSnapshot, params: ScorecardParams): Evaluation {
  if (!isCalendarDate(snapshot.asOf)) throw new Error(`asOf must be a YYYY-MM-DD date, got ${snapshot.asOf}`);
  const asOf = snapshot.asOf;
  const f = params.factors;
  const reasons: Reason[] = [
    taxGradeReason(snapshot, params),
    taxPaidReason(snapshot, params),
    ...invoicedSalesReasons(snapshot, params),
    ...socialInsuranceReasons(snapshot, params),
    providentFundReason(snapshot, params),
    utilityReason(snapshot, params),
    yearsInOperationReason(snapshot, params),
    dishonestReason(snapshot, params),
    penaltiesReason(snapshot, params),
  ];

  const incentives = RED_LIST_TYPES.filter((type) =>
    snapshot.redList.some((entry) => entry.listType === type && activeAt(entry, asOf)),
  ).sort();
  for (const type of incentives) {
    const count = snapshot.redList.filter((e) => e.listType === type && activeAt(e, asOf)).length;
    reasons.push({ code: `RED_LIST_${type}`, points: f.redList[type], params: { count } });
  }
  if (incentives.length === 0) reasons.push({ code: "RED_LIST_NONE", points: 0, params: {} });
  reasons.push(...commitmentReasons(snapshot, params));

  const exclusions = exclusionReasons(snapshot, params);
  const total = reasons.reduce((sum, r) => sum + r.points, params.baseScore);
  const score = Math.min(SCORE_MAX, Math.max(SCORE_MIN, total));
  const excluded = exclusions.length > 0;

  return {
    modelVersion: params.version,
    score,
    grade: excluded ? "D" : gradeForScore(score, params),
    excluded,
    exclusions: exclusions.sort(compareReasons),
    redListed: incentives.length > 0,
    incentives,
    reasons: reasons.sort(compareReasons),
  };
}

/** The template of the reason's code in the locale, with its parameters filled in. */
export function explainReason(reason: Reason, params: ScorecardParams, locale: ScorecardLocale): string {
  const template = params.reasons[reason.code]?.[locale];
  if (template === undefined)
    throw new Error(`No explanation for reason code ${reason.code} in model ${params.version}`);
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (name === "points") return formatNumber(Math.abs(reason.points), locale);
    const value = reason.params[name];
    if (value === undefined) throw new Error(`Reason ${reason.code} has no parameter ${name}`);
    return formatParam(name, value, locale);
  });
}

function formatParam(name: string, value: string | number, locale: ScorecardLocale): string {
  if (name.endsWith("Fen")) return formatMoneyFen(BigInt(value), locale);
  if (name.endsWith("Bps")) return formatRateBps(Number(value));
  return typeof value === "number" ? formatNumber(value, locale) : value;
}

/** 0 for the best grade (A+), 9 for D. */
export function gradeRank(grade: CreditGrade): number {
  const rank = CREDIT_GRADES.indexOf(grade);
  if (rank < 0) throw new Error(`Unknown credit grade ${String(grade)}`);
  return rank;
}

/** Whether `grade` is `minimum` or better, as a product's minimum grade asks. */
export function gradeAtLeast(grade: CreditGrade, minimum: CreditGrade): boolean {
  return gradeRank(grade) <= gradeRank(minimum);
}

export function gradeForScore(score: number, params: ScorecardParams): CreditGrade {
  // Thresholds fall strictly and the last is 0 (checked by the schema), so a grade is always found.
  return params.grades.find((g) => score >= g.minScore)?.grade ?? "D";
}

/** |points| descending, then code; "no data" reasons (always 0 points) last. */
export function compareReasons(a: Reason, b: Reason): number {
  const noData = Number(isNoDataCode(a.code)) - Number(isNoDataCode(b.code));
  if (noData !== 0) return noData;
  const magnitude = Math.abs(b.points) - Math.abs(a.points);
  if (magnitude !== 0) return magnitude;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  const ka = paramsKey(a.params);
  const kb = paramsKey(b.params);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function paramsKey(params: Record<string, string | number>): string {
  return JSON.stringify(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  );
}

// ——— factors ———

function taxGradeReason(snapshot: EvaluationSnapshot, params: ScorecardParams): Reason {
  const factor = params.factors.taxGrade;
  const asOfYear = Number(snapshot.asOf.slice(0, 4));
  const current = snapshot.taxGrades.filter((g) => {
    const year = Number(g.year);
    return year <= asOfYear && year >= asOfYear - factor.maxAgeYears;
  });
  if (current.length === 0)
    return { code: "TAX_GRADE_NO_DATA", points: 0, params: { maxAgeYears: factor.maxAgeYears } };
  const latestYear = current.reduce((max, g) => (g.year > max ? g.year : max), current[0]!.year);
  // Two grades for one year should not happen; if it does, the worse one counts.
  const grade = current
    .filter((g) => g.year === latestYear)
    .reduce<TaxGrade>((worst, g) => (TAX_GRADES.indexOf(g.grade) > TAX_GRADES.indexOf(worst) ? g.grade : worst), "A");
  const { points, code } = factor.grades[grade];
  return { code, points, params: { grade, year: latestYear } };
}

function taxPaidReason(snapshot: EvaluationSnapshot, params: ScorecardParams): Reason {
  const { windowMonths, binsFen } = params.factors.taxPaid;
  const records = inMonthWindow(snapshot.taxPaid, snapshot.asOf, windowMonths, 0);
  if (records.length === 0) return { code: "TAX_PAID_NO_DATA", points: 0, params: { windowMonths } };
  const taxPaidFen = sumFen(records.map((r) => r.amountFen));
  const bin = pickBin(binsFen, (from) => taxPaidFen >= BigInt(from));
  return { code: bin.code, points: bin.points, params: { taxPaidFen: taxPaidFen.toString(), windowMonths } };
}

function invoicedSalesReasons(snapshot: EvaluationSnapshot, params: ScorecardParams): Reason[] {
  const { windowMonths, binsFen, growth } = params.factors.invoicedSales;
  const current = inMonthWindow(snapshot.invoicedSales, snapshot.asOf, windowMonths, 0);
  if (current.length === 0) return [{ code: "INVOICED_SALES_NO_DATA", points: 0, params: { windowMonths } }];
  const salesFen = sumFen(current.map((r) => r.amountFen));
  const level = pickBin(binsFen, (from) => salesFen >= BigInt(from));
  const levelReason: Reason = {
    code: level.code,
    points: level.points,
    params: { salesFen: salesFen.toString(), windowMonths },
  };

  const previous = inMonthWindow(snapshot.invoicedSales, snapshot.asOf, windowMonths, windowMonths);
  const previousSalesFen = sumFen(previous.map((r) => r.amountFen));
  const minPreviousSalesFen = BigInt(growth.minPreviousSalesFen);
  if (previousSalesFen < minPreviousSalesFen) {
    return [
      levelReason,
      {
        code: "SALES_GROWTH_NO_DATA",
        points: 0,
        params: {
          previousSalesFen: previousSalesFen.toString(),
          minPreviousSalesFen: growth.minPreviousSalesFen,
          windowMonths,
        },
      },
    ];
  }
  const growthBps = Number(
    clampBig(
      floorDiv((salesFen - previousSalesFen) * 10_000n, previousSalesFen),
      BigInt(MIN_GROWTH_BPS),
      BigInt(MAX_GROWTH_BPS),
    ),
  );
  const bin = pickBin(growth.binsBps, (from) => growthBps >= from);
  return [
    levelReason,
    {
      code: bin.code,
      points: bin.points,
      params: {
        growthBps,
        absGrowthBps: Math.abs(growthBps),
        salesFen: salesFen.toString(),
        previousSalesFen: previousSalesFen.toString(),
        windowMonths,
      },
    },
  ];
}

function socialInsuranceReasons(snapshot: EvaluationSnapshot, params: ScorecardParams): Reason[] {
  const { windowMonths, headcountBins, arrearsMonthBins } = params.factors.socialInsurance;
  const records = inMonthWindow(snapshot.socialInsurance, snapshot.asOf, windowMonths, 0);
  if (records.length === 0) return [{ code: "SOCIAL_INSURANCE_NO_DATA", points: 0, params: { windowMonths } }];
  const period = records.reduce((max, r) => (r.period > max ? r.period : max), records[0]!.period);
  // One record per month is expected; if a month repeats, its largest headcount counts.
  const headcount = Math.max(...records.filter((r) => r.period === period).map((r) => r.headcount));
  const arrearsMonths = monthsWhere(records, (r) => BigInt(r.arrearsFen) > 0n);
  const size = pickBin(headcountBins, (from) => headcount >= from);
  const arrears = pickBin(arrearsMonthBins, (from) => arrearsMonths >= from);
  return [
    { code: size.code, points: size.points, params: { headcount, period } },
    { code: arrears.code, points: arrears.points, params: { arrearsMonths, windowMonths } },
  ];
}

function providentFundReason(snapshot: EvaluationSnapshot, params: ScorecardParams): Reason {
  const { windowMonths, contributedMonthBins } = params.factors.providentFund;
  const records = inMonthWindow(snapshot.providentFund, snapshot.asOf, windowMonths, 0);
  if (records.length === 0) return { code: "PROVIDENT_FUND_NO_DATA", points: 0, params: { windowMonths } };
  const contributedMonths = monthsWhere(records, (r) => BigInt(r.amountFen) > 0n);
  const bin = pickBin(contributedMonthBins, (from) => contributedMonths >= from);
  return { code: bin.code, points: bin.points, params: { contributedMonths, windowMonths } };
}

function utilityReason(snapshot: EvaluationSnapshot, params: ScorecardParams): Reason {
  const { windowMonths, onTimeBinsBps } = params.factors.utility;
  const records = inMonthWindow(snapshot.utility, snapshot.asOf, windowMonths, 0);
  const billsDue = records.reduce((sum, r) => sum + r.billsDue, 0);
  // Never more on time than due, whatever a record claims.
  const billsOnTime = Math.min(
    billsDue,
    records.reduce((sum, r) => sum + Math.min(r.billsOnTime, r.billsDue), 0),
  );
  if (billsDue === 0) return { code: "UTILITY_NO_DATA", points: 0, params: { windowMonths } };
  const onTimeBps = Math.floor((billsOnTime * 10_000) / billsDue);
  const bin = pickBin(onTimeBinsBps, (from) => onTimeBps >= from);
  return { code: bin.code, points: bin.points, params: { onTimeBps, billsOnTime, billsDue, windowMonths } };
}

function yearsInOperationReason(snapshot: EvaluationSnapshot, params: ScorecardParams): Reason {
  const { foundedOn } = snapshot.enterprise;
  const years = fullYearsBetween(foundedOn, snapshot.asOf);
  const bin = pickBin(params.factors.yearsInOperation.yearBins, (from) => years >= from);
  return { code: bin.code, points: bin.points, params: { years, foundedOn } };
}

function dishonestReason(snapshot: EvaluationSnapshot, params: ScorecardParams): Reason {
  const { lookbackMonths, pointsEach, floorPoints } = params.factors.dishonestEnded;
  const since = monthsBefore(snapshot.asOf, lookbackMonths);
  // Active entries exclude (see exclusionReasons); here only those that have ended.
  const count = snapshot.dishonest.filter(
    (e) => e.endsOn !== null && e.endsOn <= snapshot.asOf && e.endsOn > since,
  ).length;
  if (count === 0) return { code: "DISHONEST_NONE", points: 0, params: { lookbackMonths } };
  return {
    code: "DISHONEST_ENDED",
    points: Math.max(floorPoints, count * pointsEach),
    params: { count, lookbackMonths },
  };
}

function penaltiesReason(snapshot: EvaluationSnapshot, params: ScorecardParams): Reason {
  const rules = params.factors.penalties;
  const counts: Record<PenaltySeverity, number> = { MINOR: 0, GENERAL: 0, SEVERE: 0 };
  for (const severity of PENALTY_SEVERITIES) {
    const since = monthsBefore(snapshot.asOf, rules[severity].windowMonths);
    counts[severity] = snapshot.penalties.filter(
      (p) => p.severity === severity && !p.repaired && p.decidedOn <= snapshot.asOf && p.decidedOn > since,
    ).length;
  }
  if (counts.MINOR + counts.GENERAL + counts.SEVERE === 0) return { code: "PENALTIES_NONE", points: 0, params: {} };
  const deducted = PENALTY_SEVERITIES.reduce((sum, s) => sum + counts[s] * rules[s].pointsEach, 0);
  return {
    code: "PENALTIES_UNREPAIRED",
    points: Math.max(rules.floorPoints, deducted),
    params: { minorCount: counts.MINOR, generalCount: counts.GENERAL, severeCount: counts.SEVERE },
  };
}

function commitmentReasons(snapshot: EvaluationSnapshot, params: ScorecardParams): Reason[] {
  const rules = params.factors.commitments;
  const { lookbackMonths } = rules;
  const since = monthsBefore(snapshot.asOf, lookbackMonths);
  const recent = snapshot.commitments.filter((c) => c.madeOn <= snapshot.asOf && c.madeOn > since);
  const kept = recent.filter((c) => c.status === "KEPT").length;
  const broken = recent.filter((c) => c.status === "BROKEN").length;
  const out: Reason[] = [];
  if (kept > 0) {
    out.push({
      code: "COMMITMENTS_KEPT",
      points: Math.min(rules.keptCapPoints, kept * rules.keptPointsEach),
      params: { count: kept, lookbackMonths },
    });
  }
  if (broken > 0) {
    out.push({
      code: "COMMITMENTS_BROKEN",
      points: Math.max(rules.brokenFloorPoints, broken * rules.brokenPointsEach),
      params: { count: broken, lookbackMonths },
    });
  }
  if (out.length === 0) out.push({ code: "COMMITMENTS_NO_DATA", points: 0, params: { lookbackMonths } });
  return out;
}

/** 失信联合惩戒: each record that bars the enterprise, named so it can be told why. */
function exclusionReasons(snapshot: EvaluationSnapshot, params: ScorecardParams): Reason[] {
  const rules = params.exclusions;
  const out: Reason[] = [];
  if (rules.activeDishonest) {
    for (const entry of snapshot.dishonest) {
      if (activeAt(entry, snapshot.asOf)) {
        out.push({
          code: "EXCLUDED_ACTIVE_DISHONEST",
          points: 0,
          params: { caseNo: entry.caseNo, startsOn: entry.startsOn },
        });
      }
    }
  }
  if (rules.unrepairedSeverePenalty.enabled) {
    const { windowMonths } = rules.unrepairedSeverePenalty;
    const since = monthsBefore(snapshot.asOf, windowMonths);
    for (const p of snapshot.penalties) {
      if (p.severity === "SEVERE" && !p.repaired && p.decidedOn <= snapshot.asOf && p.decidedOn > since) {
        out.push({
          code: "EXCLUDED_SEVERE_PENALTY",
          points: 0,
          params: { decisionNo: p.decisionNo, decidedOn: p.decidedOn, windowMonths },
        });
      }
    }
  }
  return out;
}

// ——— helpers ———

function activeAt(entry: { startsOn: string; endsOn: string | null }, asOf: string): boolean {
  return entry.startsOn <= asOf && (entry.endsOn === null || entry.endsOn > asOf);
}

function pickBin<B extends { from: number | string }>(bins: readonly B[], reaches: (from: B["from"]) => boolean): B {
  // The first bin starts at the lowest possible value (schema), so one always matches.
  let chosen = bins[0]!;
  for (const bin of bins) if (reaches(bin.from)) chosen = bin;
  return chosen;
}

function monthIndex(text: string): number {
  return Number(text.slice(0, 4)) * 12 + Number(text.slice(5, 7)) - 1;
}

/**
 * Records of the `windowMonths` whole months ending `offsetMonths` before
 * asOf's month (offset 0: the latest complete months; offset = window: the
 * window before that).
 */
function inMonthWindow<R extends { period: string }>(
  records: readonly R[],
  asOf: string,
  windowMonths: number,
  offsetMonths: number,
): R[] {
  const last = monthIndex(asOf) - 1 - offsetMonths;
  const first = last - windowMonths + 1;
  return records.filter((r) => {
    const i = monthIndex(r.period);
    return i >= first && i <= last;
  });
}

function monthsWhere<R extends { period: string }>(records: readonly R[], test: (r: R) => boolean): number {
  return new Set(records.filter(test).map((r) => r.period)).size;
}

/** The same day `months` months before `date` (the month's last day when it is shorter), as YYYY-MM-DD. */
export function monthsBefore(date: string, months: number): string {
  const index = monthIndex(date) - months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(Number(date.slice(8, 10)), lastDay);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Whole years from `from` to `to` (0 when `to` is earlier). */
export function fullYearsBetween(from: string, to: string): number {
  let years = Number(to.slice(0, 4)) - Number(from.slice(0, 4));
  if (to.slice(5) < from.slice(5)) years -= 1;
  return Math.max(0, years);
}

function sumFen(amounts: readonly string[]): bigint {
  return amounts.reduce((sum, a) => sum + BigInt(a), 0n);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function clampBig(value: bigint, min: bigint, max: bigint): bigint {
  return value < min ? min : value > max ? max : value;
}

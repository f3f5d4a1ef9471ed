import fc from "fast-check";
import {
  COMMITMENT_STATUSES,
  ENTERPRISE_SIZES,
  type EvaluationSnapshot,
  PENALTY_SEVERITIES,
  RED_LIST_TYPES,
  TAX_GRADES,
  UTILITY_TYPES,
} from "./snapshot";

/**
 * fast-check arbitraries for scorecard snapshots, shared by every test that
 * needs realistic credit facts. Every generated snapshot parses with
 * EvaluationSnapshotSchema. Records are placed relative to asOf (some in the
 * future, some long past) so that every window boundary gets exercised.
 */

const DAY_MS = 86_400_000;

export function dateFromDays(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

export function daysFromDate(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function addDays(date: string, days: number): string {
  return dateFromDays(daysFromDate(date) + days);
}

/** The YYYY-MM period `monthsBack` months before asOf's month (1 = the previous month). */
export function periodBefore(asOf: string, monthsBack: number): string {
  const index = Number(asOf.slice(0, 4)) * 12 + Number(asOf.slice(5, 7)) - 1 - monthsBack;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

const AS_OF_MIN = daysFromDate("2020-01-01");
const AS_OF_MAX = daysFromDate("2030-12-31");

export const asOfArb = fc.integer({ min: AS_OF_MIN, max: AS_OF_MAX }).map(dateFromDays);

/** Integer 分 as a decimal string, from nothing to very large monthly figures. */
export const amountFenArb = fc
  .oneof(
    { weight: 1, arbitrary: fc.constant(0n) },
    { weight: 2, arbitrary: fc.bigInt({ min: 1n, max: 1_000_000n }) },
    { weight: 3, arbitrary: fc.bigInt({ min: 1_000_000n, max: 100_000_000n }) },
    { weight: 2, arbitrary: fc.bigInt({ min: 100_000_000n, max: 10_000_000_000n }) },
  )
  .map(String);

/** Mostly nothing owed; sometimes arrears. */
const arrearsFenArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant("0") },
  { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 10_000_000n }).map(String) },
);

const headcountArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 20, max: 1000 }));

/**
 * Months counted back from asOf's month: -1 is next month (a future record),
 * 0 the current, incomplete month, 1 the previous month and so on.
 */
const monthsBackArb = fc.integer({ min: -1, max: 30 });

/**
 * A monthly series: either a contiguous run of months (the usual shape of an
 * import) or scattered months, some repeated.
 */
function monthlySeries<V>(value: fc.Arbitrary<V>): fc.Arbitrary<{ monthsBack: number; value: V }[]> {
  const dense = fc
    .record({ start: fc.integer({ min: -1, max: 4 }), values: fc.array(value, { maxLength: 28, size: "max" }) })
    .map(({ start, values }) => values.map((v, i) => ({ monthsBack: start + i, value: v })));
  const sparse = fc.array(fc.record({ monthsBack: monthsBackArb, value }), { maxLength: 12 });
  return fc.oneof({ weight: 3, arbitrary: dense }, { weight: 1, arbitrary: sparse });
}

/** A span in days relative to asOf: starts `startsAgo` days before it; lasts `lengthDays` or is open. */
type Span = { startsAgo: number; lengthDays: number | null };
const spanArb: fc.Arbitrary<Span> = fc.record({
  startsAgo: fc.integer({ min: -60, max: 3000 }),
  lengthDays: fc.option(fc.integer({ min: 0, max: 2500 }), { nil: null }),
});

export type SnapshotArbOptions = {
  /** Leave out everything that excludes: dishonest entries and SEVERE penalties. */
  clean?: boolean;
};

export function snapshotArb(options: SnapshotArbOptions = {}): fc.Arbitrary<EvaluationSnapshot> {
  const severities = options.clean ? PENALTY_SEVERITIES.filter((s) => s !== "SEVERE") : PENALTY_SEVERITIES;
  return fc
    .record({
      asOf: asOfArb,
      foundedAgo: fc.oneof(fc.integer({ min: -30, max: 800 }), fc.integer({ min: 0, max: 15_000 })),
      size: fc.constantFrom(...ENTERPRISE_SIZES),
      taxGrades: fc.uniqueArray(
        fc.record({ yearsAgo: fc.integer({ min: -1, max: 5 }), grade: fc.constantFrom(...TAX_GRADES) }),
        {
          selector: (g) => g.yearsAgo,
          maxLength: 4,
        },
      ),
      taxPaid: monthlySeries(amountFenArb),
      invoicedSales: monthlySeries(amountFenArb),
      socialInsurance: monthlySeries(fc.record({ headcount: headcountArb, arrearsFen: arrearsFenArb })),
      providentFund: monthlySeries(
        fc.record({
          headcount: headcountArb,
          amountFen: fc.oneof(
            { weight: 1, arbitrary: fc.constant("0") },
            { weight: 6, arbitrary: fc.bigInt({ min: 1n, max: 100_000_000n }).map(String) },
          ),
        }),
      ),
      utility: fc.uniqueArray(
        fc.record({
          utility: fc.constantFrom(...UTILITY_TYPES),
          series: monthlySeries(
            fc.record({
              billsDue: fc.integer({ min: 0, max: 3 }),
              // Mostly paid on time, as most enterprises do; now and then late.
              late: fc.oneof(
                { weight: 12, arbitrary: fc.constant(0) },
                { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) },
              ),
            }),
          ),
        }),
        { selector: (u) => u.utility, maxLength: 3 },
      ),
      dishonest: options.clean ? fc.constant<Span[]>([]) : fc.array(spanArb, { maxLength: 2 }),
      penalties: fc.array(
        fc.record({
          decidedAgo: fc.integer({ min: -60, max: 1500 }),
          severity: fc.constantFrom(...severities),
          repaired: fc.boolean(),
        }),
        { maxLength: 5 },
      ),
      redList: fc.array(fc.record({ listType: fc.constantFrom(...RED_LIST_TYPES), span: spanArb }), { maxLength: 3 }),
      commitments: fc.array(
        fc.record({ madeAgo: fc.integer({ min: -60, max: 1500 }), status: fc.constantFrom(...COMMITMENT_STATUSES) }),
        { maxLength: 6 },
      ),
    })
    .map((g): EvaluationSnapshot => {
      const { asOf } = g;
      const asOfYear = Number(asOf.slice(0, 4));
      const span = (s: Span) => {
        const startsOn = addDays(asOf, -s.startsAgo);
        return { startsOn, endsOn: s.lengthDays === null ? null : addDays(startsOn, s.lengthDays) };
      };
      return {
        asOf,
        enterprise: { foundedOn: addDays(asOf, -g.foundedAgo), size: g.size },
        taxGrades: g.taxGrades.map((t) => ({ year: String(asOfYear - t.yearsAgo), grade: t.grade })),
        taxPaid: g.taxPaid.map((r) => ({ period: periodBefore(asOf, r.monthsBack), amountFen: r.value })),
        invoicedSales: g.invoicedSales.map((r) => ({ period: periodBefore(asOf, r.monthsBack), amountFen: r.value })),
        socialInsurance: g.socialInsurance.map((r) => ({ period: periodBefore(asOf, r.monthsBack), ...r.value })),
        providentFund: g.providentFund.map((r) => ({ period: periodBefore(asOf, r.monthsBack), ...r.value })),
        utility: g.utility.flatMap((u) =>
          u.series.map((r) => ({
            period: periodBefore(asOf, r.monthsBack),
            utility: u.utility,
            billsDue: r.value.billsDue,
            billsOnTime: Math.max(0, r.value.billsDue - r.value.late),
          })),
        ),
        dishonest: g.dishonest.map((d, i) => ({ caseNo: `(${asOfYear})京0105执${1000 + i}号`, ...span(d) })),
        penalties: g.penalties.map((p, i) => ({
          decisionNo: `京市监罚〔${asOfYear}〕${100 + i}号`,
          decidedOn: addDays(asOf, -p.decidedAgo),
          severity: p.severity,
          repaired: p.repaired,
        })),
        redList: g.redList.map((r, i) => ({ listType: r.listType, reference: `RL-${i}`, ...span(r.span) })),
        commitments: g.commitments.map((c, i) => ({
          reference: `CM-${i}`,
          madeOn: addDays(asOf, -c.madeAgo),
          status: c.status,
        })),
      };
    });
}

import type {
  CommitmentStatus,
  EvaluationSnapshot,
  PenaltySeverity,
  RedListType,
  TaxGrade,
  UtilityType,
} from "./scorecard/snapshot";
import type { StoredSignal } from "./signal-kinds";

/** The columns of a stored fact the scorecard reads (withdrawn facts are never passed in). */
export type SignalRow = Omit<StoredSignal, "asOf"> & { kind: string; ratioBps: number | null };

/** Monthly facts older than this are left out: the scorecard looks back two years at most. */
export const SNAPSHOT_MONTHS = 24;

const day = (d: Date) => d.toISOString().slice(0, 10);
const text = (v: unknown) => (typeof v === "string" ? v : "");
const num = (v: unknown) => (typeof v === "number" ? v : 0);

function monthIndex(period: string): number {
  return Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1;
}

/**
 * Turns an enterprise's facts into the scorecard's input. Pure and ordered, so
 * the same facts on the same day give byte-identical snapshots (and hashes):
 * that is what makes re-evaluation idempotent and replay exact.
 */
export function buildSnapshot(
  enterprise: { foundedOn: Date; size: EvaluationSnapshot["enterprise"]["size"] },
  signals: readonly SignalRow[],
  asOf: string,
): EvaluationSnapshot {
  const nowMonth = monthIndex(asOf.slice(0, 7));
  const recent = (period: string | null): period is string =>
    period !== null && monthIndex(period) <= nowMonth && monthIndex(period) > nowMonth - SNAPSHOT_MONTHS;
  const byKey = <T extends { k: string }>(rows: T[]) => rows.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map(({ k: _k, ...rest }) => rest);
  const of = (kind: string) => signals.filter((s) => s.kind === kind);

  return {
    asOf,
    enterprise: { foundedOn: day(enterprise.foundedOn), size: enterprise.size },
    taxGrades: byKey(of("TAX_GRADE").map((s) => ({ k: s.naturalKey, year: s.period ?? s.naturalKey, grade: s.grade as TaxGrade }))),
    taxPaid: byKey(
      of("TAX_PAID")
        .filter((s) => recent(s.period))
        .map((s) => ({ k: s.naturalKey, period: s.period!, amountFen: (s.amountFen ?? 0n).toString() })),
    ),
    invoicedSales: byKey(
      of("INVOICED_SALES")
        .filter((s) => recent(s.period))
        .map((s) => ({ k: s.naturalKey, period: s.period!, amountFen: (s.amountFen ?? 0n).toString() })),
    ),
    socialInsurance: byKey(
      of("SOCIAL_INSURANCE")
        .filter((s) => recent(s.period))
        .map((s) => ({ k: s.naturalKey, period: s.period!, headcount: s.count ?? 0, arrearsFen: (s.amountFen ?? 0n).toString() })),
    ),
    providentFund: byKey(
      of("PROVIDENT_FUND")
        .filter((s) => recent(s.period))
        .map((s) => ({ k: s.naturalKey, period: s.period!, headcount: s.count ?? 0, amountFen: (s.amountFen ?? 0n).toString() })),
    ),
    utility: byKey(
      of("UTILITY_PAYMENT")
        .filter((s) => recent(s.period))
        .map((s) => {
          const details = (s.details ?? {}) as Record<string, unknown>;
          return {
            k: s.naturalKey,
            period: s.period!,
            utility: text(details.utility) as UtilityType,
            billsDue: s.count ?? 0,
            billsOnTime: num(details.billsOnTime),
          };
        }),
    ),
    dishonest: byKey(
      of("DISHONEST_DEBTOR").map((s) => ({
        k: s.naturalKey,
        caseNo: s.naturalKey,
        startsOn: day(s.startsOn!),
        endsOn: s.endsOn ? day(s.endsOn) : null,
      })),
    ),
    penalties: byKey(
      of("ADMIN_PENALTY").map((s) => ({
        k: s.naturalKey,
        decisionNo: s.naturalKey,
        decidedOn: day(s.startsOn!),
        severity: s.severity as PenaltySeverity,
        repaired: s.repaired,
      })),
    ),
    redList: byKey(
      of("RED_LIST").map((s) => ({
        k: s.naturalKey,
        listType: s.grade as RedListType,
        reference: s.naturalKey.slice(s.naturalKey.indexOf(":") + 1),
        startsOn: day(s.startsOn!),
        endsOn: s.endsOn ? day(s.endsOn) : null,
      })),
    ),
    commitments: byKey(
      of("CREDIT_COMMITMENT").map((s) => ({
        k: s.naturalKey,
        reference: s.naturalKey,
        madeOn: day(s.startsOn!),
        status: (s.kept === true ? "KEPT" : s.kept === false ? "BROKEN" : "PENDING") as CommitmentStatus,
      })),
    ),
  };
}

/** Today in the platform's time zone (Asia/Shanghai), as YYYY-MM-DD. */
export function platformToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

import type { Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { periodMonths, type MonitoringFilters } from "./filters";
import { chooseGrain, DIM, FACT_GRAINS, filterDims, NEED_GRAINS } from "./grains";
import { average, RATE_BAND_COUNT, shareBps } from "./metrics";

/**
 * The monitoring dashboard, answered from the rollups alone (refresh-monitoring.server.ts):
 * each question reads the smallest grain that keeps what it filters and groups by,
 * and the questions run side by side. Amounts are decimal strings of fen; counts
 * are numbers; a ratio over nothing is null, never 0.
 */

export type MonthFigures = {
  month: string;
  needsPosted: number | null;
  needsMatched: number;
  applied: number;
  disbursed: number;
  loans: number;
  loansFen: string;
  avgRateBps: number | null;
};

export type BankFigures = {
  institutionId: string;
  nameZh: string;
  nameEn: string;
  applied: number;
  answered: number;
  answeredOnTime: number;
  onTimeBps: number | null;
  avgResponseMinutes: number | null;
  overdue: number;
  overdueOpen: number;
  approved: number;
  loans: number;
  loansFen: string;
};

export type RegionFigures = { regionCode: string; needsPosted: number | null; applied: number; loans: number; loansFen: string };

export type FundFigures = {
  fundId: string;
  nameZh: string;
  nameEn: string;
  balanceFen: string;
  reservedFen: string;
  contributedFen: string;
  paidFen: string;
  recoveredFen: string;
};

export type MonitoringDashboard = {
  filters: MonitoringFilters;
  months: string[];
  refreshedAt: string | null;
  totals: {
    /** Null when narrowed to a bank or product: a need is posted to nobody in particular. */
    needsPosted: number | null;
    needsPostedFen: string | null;
    needsMatched: number;
    applied: number;
    appliedFen: string;
    accepted: number;
    approved: number;
    approvedFen: string;
    /** Of the applications submitted in the period, how many became loans. */
    disbursed: number;
    disbursedFen: string;
    declined: number;
    withdrawn: number;
    answered: number;
    answeredOnTime: number;
    onTimeBps: number | null;
    avgResponseMinutes: number | null;
    overdue: number;
    overdueOpen: number;
    /** Loans disbursed in the period (by disbursement date). */
    loans: number;
    loansFen: string;
    avgRateBps: number | null;
    weightedRateBps: number | null;
    pureCredit: number;
    pureCreditFen: string;
    pureCreditShareBps: number | null;
    firstTime: number;
    firstTimeFen: string;
    firstTimeShareBps: number | null;
  };
  funnel: { stage: "matched" | "applied" | "accepted" | "approved" | "disbursed"; count: number; amountFen: string | null }[];
  series: MonthFigures[];
  rateBands: number[];
  banks: BankFigures[];
  regions: RegionFigures[];
  /** The loan book as it stands (every disbursement month), within the other filters. */
  book: { outstanding: number; outstandingFen: string; pastDue: number; pastDueFen: string; defaulted: number; defaultedFen: string; repaid: number };
  claims: { claims: number; lossFen: string; reservedFen: string; paidFen: string; recoveredFen: string; refused: number };
  funds: FundFigures[];
};

const monthDate = (month: string) => `${month}-01`;

/** The dimension filters as SQL, on a rollup's columns. */
function dimsWhere(filters: MonitoringFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (filters.regionCode) parts.push(Prisma.sql`"regionCode" = ${filters.regionCode}`);
  if (filters.industryCode) parts.push(Prisma.sql`"industryCode" = ${filters.industryCode}`);
  if (filters.size) parts.push(Prisma.sql`"size" = ${filters.size}::"EnterpriseSize"`);
  if (filters.institutionId) parts.push(Prisma.sql`"institutionId" = ${filters.institutionId}::uuid`);
  if (filters.productId) parts.push(Prisma.sql`"productId" = ${filters.productId}::uuid`);
  return parts.length ? Prisma.sql`AND ${Prisma.join(parts, " AND ")}` : Prisma.empty;
}

function periodWhere(filters: MonitoringFilters): Prisma.Sql {
  return Prisma.sql`AND month BETWEEN ${monthDate(filters.from)}::date AND ${monthDate(filters.to)}::date`;
}

const n = (v: bigint | number | null | undefined) => Number(v ?? 0);
const fen = (v: string | null | undefined) => BigInt(v ?? "0");
const sumOf = <T>(rows: readonly T[], pick: (r: T) => bigint | number) => rows.reduce((s, r) => s + BigInt(pick(r)), 0n);

type NeedRow = { month: string; regionCode: string | null; posted: bigint; postedFen: string; matched: bigint };
type AppRow = {
  month: string;
  regionCode: string | null;
  applied: bigint;
  appliedFen: string;
  accepted: bigint;
  approved: bigint;
  approvedFen: string;
  disbursed: bigint;
  disbursedFen: string;
  declined: bigint;
  withdrawn: bigint;
  answered: bigint;
  answeredOnTime: bigint;
  responseMinutes: string;
  overdue: bigint;
  overdueOpen: bigint;
};
type LoanRow = {
  month: string;
  regionCode: string | null;
  loans: bigint;
  principalFen: string;
  rateBpsSum: string;
  rateWeighted: string;
  pureCredit: bigint;
  pureCreditFen: string;
  firstTime: bigint;
  firstTimeFen: string;
  outstanding: bigint;
  outstandingFen: string;
  pastDue: bigint;
  pastDueFen: string;
  defaulted: bigint;
  defaultedFen: string;
  repaid: bigint;
} & Record<`rateBand${number}`, bigint>;
type BankAppRow = Pick<AppRow, "applied" | "answered" | "answeredOnTime" | "responseMinutes" | "overdue" | "overdueOpen" | "approved"> & {
  institutionId: string;
};
type BankLoanRow = { institutionId: string; loans: bigint; principalFen: string };

const APP_SUMS = Prisma.sql`sum(applied)::bigint AS applied, sum("appliedFen")::text AS "appliedFen", sum(accepted)::bigint AS accepted,
  sum(approved)::bigint AS approved, sum("approvedFen")::text AS "approvedFen", sum(disbursed)::bigint AS disbursed, sum("disbursedFen")::text AS "disbursedFen",
  sum(declined)::bigint AS declined, sum(withdrawn)::bigint AS withdrawn, sum(answered)::bigint AS answered, sum("answeredOnTime")::bigint AS "answeredOnTime",
  sum("responseMinutes")::text AS "responseMinutes", sum(overdue)::bigint AS overdue, sum("overdueOpen")::bigint AS "overdueOpen"`;

const LOAN_SUMS = Prisma.raw(
  [
    `sum(loans)::bigint AS loans, sum("principalFen")::text AS "principalFen", sum("rateBpsSum")::text AS "rateBpsSum", sum("rateWeighted")::text AS "rateWeighted"`,
    ...Array.from({ length: RATE_BAND_COUNT }, (_, i) => `sum("rateBand${i}")::bigint AS "rateBand${i}"`),
    `sum("pureCredit")::bigint AS "pureCredit", sum("pureCreditFen")::text AS "pureCreditFen", sum("firstTime")::bigint AS "firstTime", sum("firstTimeFen")::text AS "firstTimeFen"`,
    `sum(outstanding)::bigint AS outstanding, sum("outstandingFen")::text AS "outstandingFen", sum("pastDue")::bigint AS "pastDue", sum("pastDueFen")::text AS "pastDueFen"`,
    `sum(defaulted)::bigint AS defaulted, sum("defaultedFen")::text AS "defaultedFen", sum(repaid)::bigint AS repaid`,
  ].join(", "),
);

export async function loadMonitoring(db: Db, filters: MonitoringFilters): Promise<MonitoringDashboard> {
  const dims = filterDims(filters);
  const byBankOrProduct = (dims & (DIM.bank | DIM.product)) !== 0;
  const where = dimsWhere(filters);
  const period = periodWhere(filters);
  const needGrain = chooseGrain(NEED_GRAINS, dims);
  const monthRegionGrain = chooseGrain(FACT_GRAINS, dims | DIM.region);
  const bankGrain = chooseGrain(FACT_GRAINS, dims | DIM.bank);
  const plainGrain = chooseGrain(FACT_GRAINS, dims);

  const [needRows, appRows, loanRows, bankApps, bankLoans, claimRows, fundRows, state, names, fundNames] = await Promise.all([
    db.$queryRaw<NeedRow[]>`
      SELECT to_char(month, 'YYYY-MM') AS month, "regionCode", sum(posted)::bigint AS posted, sum("postedFen")::text AS "postedFen", sum(matched)::bigint AS matched
        FROM monitoring_need_facts WHERE grain = ${needGrain} ${period} ${where} GROUP BY 1, 2`,
    db.$queryRaw<AppRow[]>`
      SELECT to_char(month, 'YYYY-MM') AS month, "regionCode", ${APP_SUMS}
        FROM monitoring_application_facts WHERE grain = ${monthRegionGrain} ${period} ${where} GROUP BY 1, 2`,
    // Every month, not only the period's: the book as it stands counts loans disbursed before it.
    db.$queryRaw<LoanRow[]>`
      SELECT to_char(month, 'YYYY-MM') AS month, "regionCode", ${LOAN_SUMS}
        FROM monitoring_loan_facts WHERE grain = ${monthRegionGrain} ${where} GROUP BY 1, 2`,
    db.$queryRaw<BankAppRow[]>`
      SELECT "institutionId"::text AS "institutionId", sum(applied)::bigint AS applied, sum(answered)::bigint AS answered,
             sum("answeredOnTime")::bigint AS "answeredOnTime", sum("responseMinutes")::text AS "responseMinutes",
             sum(overdue)::bigint AS overdue, sum("overdueOpen")::bigint AS "overdueOpen", sum(approved)::bigint AS approved
        FROM monitoring_application_facts WHERE grain = ${bankGrain} ${period} ${where} GROUP BY 1`,
    db.$queryRaw<BankLoanRow[]>`
      SELECT "institutionId"::text AS "institutionId", sum(loans)::bigint AS loans, sum("principalFen")::text AS "principalFen"
        FROM monitoring_loan_facts WHERE grain = ${bankGrain} ${period} ${where} GROUP BY 1`,
    db.$queryRaw<
      {
        claims: bigint | null;
        lossFen: string | null;
        reservedFen: string | null;
        paidFen: string | null;
        recoveredFen: string | null;
        refused: bigint | null;
      }[]
    >`
      SELECT sum(claims)::bigint AS claims, sum("lossFen")::text AS "lossFen", sum("reservedFen")::text AS "reservedFen", sum("paidFen")::text AS "paidFen",
             sum("recoveredFen")::text AS "recoveredFen", sum(refused)::bigint AS refused
        FROM monitoring_claim_facts WHERE grain = ${plainGrain} ${period} ${where}`,
    db.monitoringFundSnapshot.findMany({ orderBy: { fundId: "asc" } }),
    db.monitoringRefreshState.findUnique({ where: { id: 1 }, select: { refreshedAt: true } }),
    // Names in the same round trip: every bank and fund (tens of rows), not only those the figures turn out to name.
    db.institution.findMany({ where: { kind: "BANK" }, select: { id: true, nameZh: true, nameEn: true } }),
    db.fund.findMany({ select: { id: true, nameZh: true, nameEn: true } }),
  ]);

  const months = periodMonths(filters);
  const inPeriod = new Set(months);
  const periodLoans = loanRows.filter((r) => inPeriod.has(r.month));

  const needsPosted = Number(sumOf(needRows, (r) => r.posted));
  const needsMatched = Number(sumOf(needRows, (r) => r.matched));
  const t = {
    applied: sumOf(appRows, (r) => r.applied),
    appliedFen: sumOf(appRows, (r) => fen(r.appliedFen)),
    accepted: sumOf(appRows, (r) => r.accepted),
    approved: sumOf(appRows, (r) => r.approved),
    approvedFen: sumOf(appRows, (r) => fen(r.approvedFen)),
    disbursed: sumOf(appRows, (r) => r.disbursed),
    disbursedFen: sumOf(appRows, (r) => fen(r.disbursedFen)),
    answered: sumOf(appRows, (r) => r.answered),
    answeredOnTime: sumOf(appRows, (r) => r.answeredOnTime),
    responseMinutes: sumOf(appRows, (r) => fen(r.responseMinutes)),
    loans: sumOf(periodLoans, (r) => r.loans),
    loansFen: sumOf(periodLoans, (r) => fen(r.principalFen)),
    rateBpsSum: sumOf(periodLoans, (r) => fen(r.rateBpsSum)),
    rateWeighted: sumOf(periodLoans, (r) => fen(r.rateWeighted)),
    pureCredit: sumOf(periodLoans, (r) => r.pureCredit),
    pureCreditFen: sumOf(periodLoans, (r) => fen(r.pureCreditFen)),
    firstTime: sumOf(periodLoans, (r) => r.firstTime),
    firstTimeFen: sumOf(periodLoans, (r) => fen(r.firstTimeFen)),
  };

  const series: MonthFigures[] = months.map((month) => {
    const needs = needRows.filter((r) => r.month === month);
    const apps = appRows.filter((r) => r.month === month);
    const loans = periodLoans.filter((r) => r.month === month);
    const loanCount = sumOf(loans, (r) => r.loans);
    return {
      month,
      needsPosted: byBankOrProduct ? null : Number(sumOf(needs, (r) => r.posted)),
      needsMatched: Number(sumOf(needs, (r) => r.matched)),
      applied: Number(sumOf(apps, (r) => r.applied)),
      disbursed: Number(sumOf(apps, (r) => r.disbursed)),
      loans: Number(loanCount),
      loansFen: sumOf(loans, (r) => fen(r.principalFen)).toString(),
      avgRateBps: average(
        sumOf(loans, (r) => fen(r.rateWeighted)),
        sumOf(loans, (r) => fen(r.principalFen)),
      ),
    };
  });

  const regionCodes = [...new Set([...needRows, ...appRows, ...periodLoans].map((r) => r.regionCode).filter((c): c is string => c !== null))].sort();
  const regions: RegionFigures[] = regionCodes.map((regionCode) => {
    const loans = periodLoans.filter((r) => r.regionCode === regionCode);
    return {
      regionCode,
      needsPosted: byBankOrProduct
        ? null
        : Number(
            sumOf(
              needRows.filter((r) => r.regionCode === regionCode),
              (r) => r.posted,
            ),
          ),
      applied: Number(
        sumOf(
          appRows.filter((r) => r.regionCode === regionCode),
          (r) => r.applied,
        ),
      ),
      loans: Number(sumOf(loans, (r) => r.loans)),
      loansFen: sumOf(loans, (r) => fen(r.principalFen)).toString(),
    };
  });

  const nameOf = new Map(names.map((i) => [i.id, i]));
  const loansOf = new Map(bankLoans.map((b) => [b.institutionId, b]));
  const bankIds = [...new Set([...bankApps.map((b) => b.institutionId), ...bankLoans.map((b) => b.institutionId)])];
  const appsOf = new Map(bankApps.map((b) => [b.institutionId, b]));
  const banks: BankFigures[] = bankIds
    .map((id) => {
      const a = appsOf.get(id);
      const l = loansOf.get(id);
      const answered = n(a?.answered);
      return {
        institutionId: id,
        nameZh: nameOf.get(id)?.nameZh ?? id,
        nameEn: nameOf.get(id)?.nameEn ?? id,
        applied: n(a?.applied),
        answered,
        answeredOnTime: n(a?.answeredOnTime),
        onTimeBps: shareBps(n(a?.answeredOnTime), answered),
        avgResponseMinutes: average(fen(a?.responseMinutes), answered),
        overdue: n(a?.overdue),
        overdueOpen: n(a?.overdueOpen),
        approved: n(a?.approved),
        loans: n(l?.loans),
        loansFen: fen(l?.principalFen).toString(),
      };
    })
    // The league table: best on-time answering first, then the most answered; banks with nothing answered last.
    .sort((x, y) => (y.onTimeBps ?? -1) - (x.onTimeBps ?? -1) || y.answered - x.answered || x.nameZh.localeCompare(y.nameZh, "zh-CN"));

  const claim = claimRows[0];
  const fundName = new Map(fundNames.map((f) => [f.id, f]));
  return {
    filters,
    months,
    refreshedAt: state?.refreshedAt.toISOString() ?? null,
    totals: {
      needsPosted: byBankOrProduct ? null : needsPosted,
      needsPostedFen: byBankOrProduct ? null : sumOf(needRows, (r) => fen(r.postedFen)).toString(),
      needsMatched,
      applied: Number(t.applied),
      appliedFen: t.appliedFen.toString(),
      accepted: Number(t.accepted),
      approved: Number(t.approved),
      approvedFen: t.approvedFen.toString(),
      disbursed: Number(t.disbursed),
      disbursedFen: t.disbursedFen.toString(),
      declined: Number(sumOf(appRows, (r) => r.declined)),
      withdrawn: Number(sumOf(appRows, (r) => r.withdrawn)),
      answered: Number(t.answered),
      answeredOnTime: Number(t.answeredOnTime),
      onTimeBps: shareBps(t.answeredOnTime, t.answered),
      avgResponseMinutes: average(t.responseMinutes, t.answered),
      overdue: Number(sumOf(appRows, (r) => r.overdue)),
      overdueOpen: Number(sumOf(appRows, (r) => r.overdueOpen)),
      loans: Number(t.loans),
      loansFen: t.loansFen.toString(),
      avgRateBps: average(t.rateBpsSum, t.loans),
      weightedRateBps: average(t.rateWeighted, t.loansFen),
      pureCredit: Number(t.pureCredit),
      pureCreditFen: t.pureCreditFen.toString(),
      pureCreditShareBps: shareBps(t.pureCredit, t.loans),
      firstTime: Number(t.firstTime),
      firstTimeFen: t.firstTimeFen.toString(),
      firstTimeShareBps: shareBps(t.firstTime, t.loans),
    },
    funnel: [
      { stage: "matched", count: needsMatched, amountFen: null },
      { stage: "applied", count: Number(t.applied), amountFen: t.appliedFen.toString() },
      { stage: "accepted", count: Number(t.accepted), amountFen: null },
      { stage: "approved", count: Number(t.approved), amountFen: t.approvedFen.toString() },
      { stage: "disbursed", count: Number(t.disbursed), amountFen: t.disbursedFen.toString() },
    ],
    series,
    rateBands: Array.from({ length: RATE_BAND_COUNT }, (_, i) => Number(sumOf(periodLoans, (r) => r[`rateBand${i}`] ?? 0n))),
    banks,
    regions,
    book: {
      outstanding: Number(sumOf(loanRows, (r) => r.outstanding)),
      outstandingFen: sumOf(loanRows, (r) => fen(r.outstandingFen)).toString(),
      pastDue: Number(sumOf(loanRows, (r) => r.pastDue)),
      pastDueFen: sumOf(loanRows, (r) => fen(r.pastDueFen)).toString(),
      defaulted: Number(sumOf(loanRows, (r) => r.defaulted)),
      defaultedFen: sumOf(loanRows, (r) => fen(r.defaultedFen)).toString(),
      repaid: Number(sumOf(loanRows, (r) => r.repaid)),
    },
    claims: {
      claims: n(claim?.claims),
      lossFen: fen(claim?.lossFen).toString(),
      reservedFen: fen(claim?.reservedFen).toString(),
      paidFen: fen(claim?.paidFen).toString(),
      recoveredFen: fen(claim?.recoveredFen).toString(),
      refused: n(claim?.refused),
    },
    funds: fundRows.map((f) => ({
      fundId: f.fundId,
      nameZh: fundName.get(f.fundId)?.nameZh ?? f.fundId,
      nameEn: fundName.get(f.fundId)?.nameEn ?? f.fundId,
      balanceFen: f.balanceFen.toString(),
      reservedFen: f.reservedFen.toString(),
      contributedFen: f.contributedFen.toString(),
      paidFen: f.paidFen.toString(),
      recoveredFen: f.recoveredFen.toString(),
    })),
  };
}

import type { Db, Tx } from "~/db.server";
import { loadFundBalances } from "~/domain/fund/load-funds.server";
import { Prisma } from "~/generated/prisma/client";
import { FULL_GRAIN, NEED_BANK_GRAIN, PROFILE_GRAIN } from "./grains";
import { RATE_BANDS_BPS } from "./metrics";

/**
 * Keeps the monitoring rollups (docs/monitoring.md) in step with the detail
 * records. Each fact table holds one row per month and combination of
 * dimensions at four grains at once (GROUPING SETS, see grains.ts), built from
 * the records in one pass.
 *
 * Incremental by month: the months touched by anything changed since the last
 * run (a row's `updatedAt`, a need newly matched, an enterprise whose profile
 * moved) are deleted and rebuilt, the rest stand. Claims are few and rebuilt
 * whole. Everything happens in one transaction, so the dashboard reads either
 * the old figures or the new ones, never half of each. A nightly full run
 * (and the first run) rebuilds every month.
 */

export type MonitoringRefreshResult = { mode: "full" | "incremental" | "skipped"; months: number; rows: number; durationMs: number };

/** Changes committed up to this long after their `updatedAt` was stamped are still caught by the next run. */
const OVERLAP_MS = 5 * 60_000;
/** Held for the whole refresh: two workers never rebuild the same months side by side. */
const REFRESH_LOCK_KEY = 7_340_001;
/** A full rebuild of millions of records takes a minute or two on the reference machine. */
const TRANSACTION_TIMEOUT_MS = 30 * 60_000;

/** The calendar month (China time) of a UTC timestamp column. */
const chinaMonth = (column: string) => `date_trunc('month', (${column} AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Shanghai')::date`;

const DIM_COLUMNS = `"regionCode", "industryCode", "size", "institutionId", "productId"`;
/** Grain bits as in grains.ts: GROUPING() sets a bit for each column summed over, its first argument the highest. */
const GRAIN_EXPR = `${FULL_GRAIN} - GROUPING(s.product_id, s.institution_id, s.size, s.industry_code, s.region_code)`;
const FACT_GROUPING_SETS = `GROUPING SETS (
    (s.month, s.region_code, s.industry_code, s.size, s.institution_id, s.product_id),
    (s.month, s.region_code, s.industry_code, s.size),
    (s.month, s.region_code, s.institution_id),
    (s.month, s.region_code, s.institution_id, s.product_id))`;

type Source = { table: string; metrics: readonly string[]; select: string };

/** Every source row carries: month, region_code, industry_code, size, institution_id, product_id, then one column per metric (named as the rollup's). */
const rateBandColumns = () =>
  [...RATE_BANDS_BPS, Infinity].map((upper, i) => {
    const lower = i === 0 ? null : RATE_BANDS_BPS[i - 1]!;
    const test = [lower === null ? null : `l."rateBps" >= ${lower}`, Number.isFinite(upper) ? `l."rateBps" < ${upper}` : null].filter(Boolean).join(" AND ");
    return `(${test})::int AS "rateBand${i}"`;
  });

const APPLICATIONS: Source = {
  table: "monitoring_application_facts",
  metrics: [
    "applied",
    "appliedFen",
    "accepted",
    "approved",
    "approvedFen",
    "disbursed",
    "disbursedFen",
    "declined",
    "withdrawn",
    "answered",
    "answeredOnTime",
    "responseMinutes",
    "overdue",
    "overdueOpen",
  ],
  select: `
    SELECT ${chinaMonth(`a."submittedAt"`)} AS month, e."regionCode" AS region_code, e."industryCode" AS industry_code, e."size" AS size,
           a."institutionId" AS institution_id, a."productId" AS product_id,
           1 AS "applied", a."requestedAmountFen" AS "appliedFen",
           (a."acceptedAt" IS NOT NULL)::int AS "accepted",
           (a."approvedAt" IS NOT NULL)::int AS "approved",
           CASE WHEN a."approvedAt" IS NOT NULL THEN coalesce(a."approvedAmountFen", 0) ELSE 0 END AS "approvedFen",
           (l.id IS NOT NULL)::int AS "disbursed", coalesce(l."principalFen", 0) AS "disbursedFen",
           (a.status = 'DECLINED')::int AS "declined", (a.status = 'WITHDRAWN')::int AS "withdrawn",
           (a."respondedAt" IS NOT NULL)::int AS "answered",
           (a."respondedAt" IS NOT NULL AND a."respondedAt" <= a."respondBy")::int AS "answeredOnTime",
           CASE WHEN a."respondedAt" IS NOT NULL THEN round(extract(epoch FROM a."respondedAt" - a."submittedAt") / 60)::bigint ELSE 0 END AS "responseMinutes",
           (a."overdueSince" IS NOT NULL)::int AS "overdue",
           (a."overdueSince" IS NOT NULL AND a."respondedAt" IS NULL AND a.status = 'SUBMITTED')::int AS "overdueOpen"
      FROM applications a
      JOIN enterprises e ON e.id = a."enterpriseId"
      LEFT JOIN loans l ON l."applicationId" = a.id`,
};

const LOANS: Source = {
  table: "monitoring_loan_facts",
  metrics: [
    "loans",
    "principalFen",
    "rateBpsSum",
    "rateWeighted",
    ...[...RATE_BANDS_BPS, Infinity].map((_, i) => `rateBand${i}`),
    "pureCredit",
    "pureCreditFen",
    "firstTime",
    "firstTimeFen",
    "outstanding",
    "outstandingFen",
    "pastDue",
    "pastDueFen",
    "defaulted",
    "defaultedFen",
    "repaid",
  ],
  select: `
    SELECT date_trunc('month', l."disbursedOn")::date AS month, e."regionCode" AS region_code, e."industryCode" AS industry_code, e."size" AS size,
           l."institutionId" AS institution_id, l."productId" AS product_id,
           1 AS "loans", l."principalFen" AS "principalFen", l."rateBps"::bigint AS "rateBpsSum",
           l."rateBps"::numeric * l."principalFen" AS "rateWeighted",
           ${rateBandColumns().join(", ")},
           l."pureCredit"::int AS "pureCredit", CASE WHEN l."pureCredit" THEN l."principalFen" ELSE 0 END AS "pureCreditFen",
           l."firstTimeBorrower"::int AS "firstTime", CASE WHEN l."firstTimeBorrower" THEN l."principalFen" ELSE 0 END AS "firstTimeFen",
           (l.status IN ('CURRENT', 'OVERDUE'))::int AS "outstanding",
           CASE WHEN l.status IN ('CURRENT', 'OVERDUE') THEN l."outstandingPrincipalFen" ELSE 0 END AS "outstandingFen",
           (l.status = 'OVERDUE')::int AS "pastDue", CASE WHEN l.status = 'OVERDUE' THEN l."outstandingPrincipalFen" ELSE 0 END AS "pastDueFen",
           (l.status = 'DEFAULTED')::int AS "defaulted", CASE WHEN l.status = 'DEFAULTED' THEN l."outstandingPrincipalFen" ELSE 0 END AS "defaultedFen",
           (l.status = 'REPAID')::int AS "repaid"
      FROM loans l
      JOIN enterprises e ON e.id = l."enterpriseId"`,
};

const CLAIMS: Source = {
  table: "monitoring_claim_facts",
  metrics: ["claims", "lossFen", "reservedFen", "paidFen", "recoveredFen", "refused"],
  select: `
    SELECT ${chinaMonth(`c."filedAt"`)} AS month, e."regionCode" AS region_code, e."industryCode" AS industry_code, e."size" AS size,
           c."institutionId" AS institution_id, l."productId" AS product_id,
           1 AS "claims", c."lossFen" AS "lossFen",
           CASE WHEN c.status IN ('RESERVING', 'RESERVED') THEN c."reservedFen" ELSE 0 END AS "reservedFen",
           CASE WHEN c.status IN ('APPROVED', 'PARTIALLY_APPROVED') THEN coalesce(c."approvedFen", 0) ELSE 0 END AS "paidFen",
           coalesce((SELECT sum(r."fundShareFen") FROM recoveries r WHERE r."claimId" = c.id), 0) AS "recoveredFen",
           (c.status = 'REFUSED')::int AS "refused"
      FROM claims c
      JOIN loans l ON l.id = c."loanId"
      JOIN enterprises e ON e.id = l."enterpriseId"`,
};

/** Needs at three grains (NEED_GRAINS): the enterprise profile, matched to a bank, matched to a product. */
const NEEDS_SELECT = `
    SELECT ${PROFILE_GRAIN} AS grain, ${chinaMonth(`n."createdAt"`)} AS month, e."regionCode", e."industryCode", e."size", NULL::uuid AS "institutionId", NULL::uuid AS "productId",
           count(*) AS "posted", sum(n."amountFen") AS "postedFen",
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM need_match_history h WHERE h."needId" = n.id)) AS "matched"
      FROM financing_needs n JOIN enterprises e ON e.id = n."enterpriseId"
     WHERE %MONTHS%
     GROUP BY 2, 3, 4, 5
    UNION ALL
    SELECT ${NEED_BANK_GRAIN}, ${chinaMonth(`n."createdAt"`)}, e."regionCode", e."industryCode", e."size", b."institutionId", NULL::uuid,
           count(*), sum(n."amountFen"), count(*)
      FROM (SELECT DISTINCT "needId", "institutionId" FROM need_match_history) b
      JOIN financing_needs n ON n.id = b."needId" JOIN enterprises e ON e.id = n."enterpriseId"
     WHERE %MONTHS%
     GROUP BY 2, 3, 4, 5, 6
    UNION ALL
    SELECT ${FULL_GRAIN}, ${chinaMonth(`n."createdAt"`)}, e."regionCode", e."industryCode", e."size", h."institutionId", h."productId",
           count(*), sum(n."amountFen"), count(*)
      FROM need_match_history h
      JOIN financing_needs n ON n.id = h."needId" JOIN enterprises e ON e.id = n."enterpriseId"
     WHERE %MONTHS%
     GROUP BY 2, 3, 4, 5, 6, 7`;

/** Deletes a rollup's rows for `months` (null: every month); returns the parameters the rebuild's statement takes. */
async function clearMonths(tx: Tx, table: string, months: readonly string[] | null): Promise<unknown[]> {
  if (months === null) {
    await tx.$executeRawUnsafe(`DELETE FROM ${table}`);
    return [];
  }
  await tx.$executeRawUnsafe(`DELETE FROM ${table} WHERE month = ANY($1::date[])`, months);
  return [months];
}

/** Rebuilds `source`'s rows for `months` (null: every month). Returns the rows written. */
async function rebuildFacts(tx: Tx, source: Source, months: readonly string[] | null): Promise<number> {
  const where = months === null ? "" : `WHERE s.month = ANY($1::date[])`;
  const params = await clearMonths(tx, source.table, months);
  const metrics = source.metrics.map((m) => `"${m}"`);
  return tx.$executeRawUnsafe(
    `INSERT INTO ${source.table} (grain, month, ${DIM_COLUMNS}, ${metrics.join(", ")})
     SELECT ${GRAIN_EXPR}, s.month, s.region_code, s.industry_code, s.size, s.institution_id, s.product_id, ${metrics.map((m) => `sum(s.${m})`).join(", ")}
       FROM (${source.select}) s
       ${where}
      GROUP BY ${FACT_GROUPING_SETS}`,
    ...params,
  );
}

async function rebuildNeedFacts(tx: Tx, months: readonly string[] | null): Promise<number> {
  const params = await clearMonths(tx, "monitoring_need_facts", months);
  const monthTest = months === null ? "TRUE" : `${chinaMonth(`n."createdAt"`)} = ANY($1::date[])`;
  return tx.$executeRawUnsafe(
    `INSERT INTO monitoring_need_facts (grain, month, ${DIM_COLUMNS}, "posted", "postedFen", "matched")
     ${NEEDS_SELECT.replaceAll("%MONTHS%", monthTest)}`,
    ...params,
  );
}

/** The months (YYYY-MM-01) whose figures anything changed since `since` may have moved, per fact table. */
async function dirtyMonths(tx: Tx, since: Date): Promise<{ needs: string[]; applications: string[]; loans: string[] }> {
  const rows = await tx.$queryRaw<{ kind: string; month: string }[]>`
    WITH moved AS (SELECT id FROM enterprises WHERE "updatedAt" > ${since})
    SELECT 'needs' AS kind, m::text AS month FROM (
      SELECT ${Prisma.raw(chinaMonth(`n."createdAt"`))} AS m FROM financing_needs n WHERE n."updatedAt" > ${since}
      UNION SELECT ${Prisma.raw(chinaMonth(`n."createdAt"`))} FROM need_match_history h JOIN financing_needs n ON n.id = h."needId" WHERE h."firstMatchedAt" > ${since}
      UNION SELECT ${Prisma.raw(chinaMonth(`n."createdAt"`))} FROM financing_needs n WHERE n."enterpriseId" IN (SELECT id FROM moved)) x
    UNION ALL
    SELECT 'applications', m::text FROM (
      SELECT ${Prisma.raw(chinaMonth(`a."submittedAt"`))} AS m FROM applications a WHERE a."updatedAt" > ${since}
      UNION SELECT ${Prisma.raw(chinaMonth(`a."submittedAt"`))} FROM applications a WHERE a."enterpriseId" IN (SELECT id FROM moved)) x
    UNION ALL
    SELECT 'loans', m::text FROM (
      SELECT date_trunc('month', l."disbursedOn")::date AS m FROM loans l WHERE l."updatedAt" > ${since}
      UNION SELECT date_trunc('month', l."disbursedOn")::date FROM loans l WHERE l."enterpriseId" IN (SELECT id FROM moved)) x`;
  const of = (kind: string) => rows.filter((r) => r.kind === kind).map((r) => r.month);
  return { needs: of("needs"), applications: of("applications"), loans: of("loans") };
}

/** Each fund's ledger figures, as the fund pages show them. */
async function snapshotFunds(tx: Tx, now: Date): Promise<number> {
  const funds = await tx.fund.findMany({ select: { id: true, budgetFen: true } });
  const balances = await loadFundBalances(funds);
  await tx.monitoringFundSnapshot.deleteMany({});
  await tx.monitoringFundSnapshot.createMany({
    data: funds.map((f) => {
      const b = balances.get(f.id)!;
      return {
        fundId: f.id,
        balanceFen: BigInt(b.availableFen),
        reservedFen: BigInt(b.reservedFen),
        contributedFen: BigInt(b.contributedFen),
        paidFen: BigInt(b.paidFen),
        recoveredFen: BigInt(b.recoveredFen),
        computedAt: now,
      };
    }),
  });
  return funds.length;
}

/**
 * Brings the rollups up to date: incrementally since the last run, or in full
 * (`full`, or the first run). A run finding another in progress skips.
 */
export async function refreshMonitoring(db: Db, options: { full?: boolean; now?: Date } = {}): Promise<MonitoringRefreshResult> {
  const started = Date.now();
  return db.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${REFRESH_LOCK_KEY}) AS locked`;
      if (!lock?.locked) return { mode: "skipped" as const, months: 0, rows: 0, durationMs: Date.now() - started };
      // The database's clock, at the start of this transaction: what it cannot see yet, the next run will.
      const [clock] = await tx.$queryRaw<{ startedAt: Date }[]>`SELECT (now() AT TIME ZONE 'UTC') AS "startedAt"`;
      const startedAt = clock!.startedAt;
      const now = options.now ?? startedAt;
      const state = await tx.monitoringRefreshState.findUnique({ where: { id: 1 } });
      const full = Boolean(options.full) || state === null;
      let rows = 0;
      let months = 0;
      if (full) {
        for (const source of [APPLICATIONS, LOANS]) rows += await rebuildFacts(tx, source, null);
        rows += await rebuildNeedFacts(tx, null);
        months = (await tx.$queryRaw<{ n: number }[]>`SELECT count(DISTINCT month)::int AS n FROM monitoring_application_facts`)[0]!.n;
      } else {
        const dirty = await dirtyMonths(tx, new Date(state.watermark.getTime() - OVERLAP_MS));
        if (dirty.applications.length) rows += await rebuildFacts(tx, APPLICATIONS, dirty.applications);
        if (dirty.loans.length) rows += await rebuildFacts(tx, LOANS, dirty.loans);
        if (dirty.needs.length) rows += await rebuildNeedFacts(tx, dirty.needs);
        months = new Set([...dirty.needs, ...dirty.applications, ...dirty.loans]).size;
      }
      rows += await rebuildFacts(tx, CLAIMS, null);
      rows += await snapshotFunds(tx, now);
      const durationMs = Date.now() - started;
      const mode = full ? ("full" as const) : ("incremental" as const);
      const data = { watermark: startedAt, refreshedAt: now, mode, months, durationMs, ...(full ? { lastFullAt: now } : {}) };
      await tx.monitoringRefreshState.upsert({ where: { id: 1 }, create: { id: 1, lastFullAt: now, ...data }, update: data });
      return { mode, months, rows, durationMs };
    },
    { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 10_000 },
  );
}

/** When the rollups were last refreshed, for the "figures as of" line; null before the first run. */
export async function monitoringRefreshedAt(db: Db): Promise<{ refreshedAt: Date; mode: string } | null> {
  return db.monitoringRefreshState.findUnique({ where: { id: 1 }, select: { refreshedAt: true, mode: true } });
}

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { MonitoringFilters } from "~/domain/monitoring/filters";
import { loadMonitoring, type MonitoringDashboard } from "~/domain/monitoring/load-monitoring.server";
import { RATE_BANDS_BPS } from "~/domain/monitoring/metrics";
import { refreshMonitoring } from "~/domain/monitoring/refresh-monitoring.server";
import { readPlatformStats, refreshPlatformStats } from "~/domain/stats/platform-stats.server";
import * as exportRoute from "~/routes/app/monitoring-export";
import * as pageRoute from "~/routes/app/monitoring";
import { closeQueues, enqueue, getQueue } from "~/jobs/enqueue.server";
import { JOBS } from "~/jobs/definitions";
import { HANDLERS } from "../../workers/handlers";
import { ZodError } from "zod";
import { generateMonitoringData } from "../../scripts/lib/monitoring-data";
import { makeActor, makeInstitution, outcome, routeContext } from "../helpers";

/**
 * Every figure of the monitoring dashboard, read from the rollups, against the
 * same figure computed here in plain TypeScript from the detail records (read
 * whole, months decided with Intl in China time): for a spread of filter
 * combinations, after a full refresh and after an incremental one.
 */

const END_MONTH = "2026-10";
const chinaMonth = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit" });
const monthOf = (d: Date) => chinaMonth.format(d).slice(0, 7);
const dayMonth = (d: Date) => d.toISOString().slice(0, 7); // a @db.Date is a China calendar day at UTC midnight

type Profile = { regionCode: string; industryCode: string; size: string };
type Detail = Awaited<ReturnType<typeof readDetail>>;

async function readDetail() {
  const enterprise = { select: { regionCode: true, industryCode: true, size: true } } as const;
  const [needs, history, applications, loans, claims, funds] = await Promise.all([
    prisma.financingNeed.findMany({ select: { id: true, createdAt: true, amountFen: true, enterprise } }),
    prisma.needMatchHistory.findMany(),
    prisma.application.findMany({ include: { enterprise, loan: { select: { principalFen: true } } } }),
    prisma.loan.findMany({ include: { enterprise } }),
    prisma.claim.findMany({ include: { loan: { select: { productId: true, enterprise } }, recoveries: { select: { fundShareFen: true } } } }),
    prisma.fund.findMany({ select: { id: true } }),
  ]);
  return { needs, history, applications, loans, claims, funds };
}

function matches(p: Profile, f: MonitoringFilters): boolean {
  return (!f.regionCode || p.regionCode === f.regionCode) && (!f.industryCode || p.industryCode === f.industryCode) && (!f.size || p.size === f.size);
}
const inPeriod = (month: string, f: MonitoringFilters) => month >= f.from && month <= f.to;
const sum = <T>(rows: readonly T[], pick: (r: T) => bigint | number) => rows.reduce((s, r) => s + BigInt(pick(r)), 0n);
const roundHalfUp = (num: bigint, den: bigint) => (den === 0n ? null : Number((num * 200n + den) / (2n * den)) / 100);
const share = (num: bigint, den: bigint) => (den === 0n ? null : Number((num * 20_000n + den) / (2n * den)));
function band(bps: number): number {
  const i = RATE_BANDS_BPS.findIndex((upper) => bps < upper);
  return i === -1 ? RATE_BANDS_BPS.length : i;
}

/** The dashboard's figures computed directly from the detail records. */
function direct(detail: Detail, f: MonitoringFilters) {
  const byBank = Boolean(f.institutionId || f.productId);
  const bankOk = (institutionId: string, productId: string) =>
    (!f.institutionId || institutionId === f.institutionId) && (!f.productId || productId === f.productId);

  const needs = detail.needs.filter((n) => matches(n.enterprise, f) && inPeriod(monthOf(n.createdAt), f));
  const needIds = new Set(needs.map((n) => n.id));
  const matchedIds = new Set(detail.history.filter((h) => needIds.has(h.needId) && bankOk(h.institutionId, h.productId)).map((h) => h.needId));
  // One need matched to a product counts once per product; to a bank, once per bank; unfiltered, once.
  const matched = f.productId
    ? detail.history.filter((h) => needIds.has(h.needId) && h.productId === f.productId && bankOk(h.institutionId, h.productId)).length
    : matchedIds.size;

  const apps = detail.applications.filter((a) => matches(a.enterprise, f) && bankOk(a.institutionId, a.productId) && inPeriod(monthOf(a.submittedAt), f));
  const answered = apps.filter((a) => a.respondedAt);
  const loansAll = detail.loans.filter((l) => matches(l.enterprise, f) && bankOk(l.institutionId, l.productId));
  const loans = loansAll.filter((l) => inPeriod(dayMonth(l.disbursedOn), f));
  const claims = detail.claims.filter((c) => matches(c.loan.enterprise, f) && bankOk(c.institutionId, c.loan.productId) && inPeriod(monthOf(c.filedAt), f));
  const principal = sum(loans, (l) => l.principalFen);
  const live = loansAll.filter((l) => l.status === "CURRENT" || l.status === "OVERDUE");

  const minutes = (a: (typeof apps)[number]) => BigInt(Math.round((a.respondedAt!.getTime() - a.submittedAt.getTime()) / 60_000));
  const bankIds = [...new Set([...apps.map((a) => a.institutionId), ...loans.map((l) => l.institutionId)])];
  const banks = new Map(
    bankIds.map((id) => {
      const own = apps.filter((a) => a.institutionId === id);
      const ownAnswered = own.filter((a) => a.respondedAt);
      const ownLoans = loans.filter((l) => l.institutionId === id);
      return [
        id,
        {
          applied: own.length,
          answered: ownAnswered.length,
          answeredOnTime: ownAnswered.filter((a) => a.respondedAt! <= a.respondBy).length,
          avgResponseMinutes: roundHalfUp(sum(ownAnswered, minutes), BigInt(ownAnswered.length)),
          overdue: own.filter((a) => a.overdueSince).length,
          overdueOpen: own.filter((a) => a.overdueSince && !a.respondedAt && a.status === "SUBMITTED").length,
          approved: own.filter((a) => a.approvedAt).length,
          loans: ownLoans.length,
          loansFen: sum(ownLoans, (l) => l.principalFen).toString(),
        },
      ];
    }),
  );
  const regionCodes = [...new Set([...needs, ...apps, ...loans].map((r) => r.enterprise.regionCode))].sort();

  return {
    totals: {
      needsPosted: byBank ? null : needs.length,
      needsPostedFen: byBank ? null : sum(needs, (n) => n.amountFen).toString(),
      needsMatched: matched,
      applied: apps.length,
      appliedFen: sum(apps, (a) => a.requestedAmountFen).toString(),
      accepted: apps.filter((a) => a.acceptedAt).length,
      approved: apps.filter((a) => a.approvedAt).length,
      approvedFen: sum(
        apps.filter((a) => a.approvedAt),
        (a) => a.approvedAmountFen ?? 0n,
      ).toString(),
      disbursed: apps.filter((a) => a.loan).length,
      disbursedFen: sum(apps, (a) => a.loan?.principalFen ?? 0n).toString(),
      declined: apps.filter((a) => a.status === "DECLINED").length,
      withdrawn: apps.filter((a) => a.status === "WITHDRAWN").length,
      answered: answered.length,
      answeredOnTime: answered.filter((a) => a.respondedAt! <= a.respondBy).length,
      onTimeBps: share(BigInt(answered.filter((a) => a.respondedAt! <= a.respondBy).length), BigInt(answered.length)),
      avgResponseMinutes: roundHalfUp(sum(answered, minutes), BigInt(answered.length)),
      overdue: apps.filter((a) => a.overdueSince).length,
      overdueOpen: apps.filter((a) => a.overdueSince && !a.respondedAt && a.status === "SUBMITTED").length,
      loans: loans.length,
      loansFen: principal.toString(),
      avgRateBps: roundHalfUp(
        sum(loans, (l) => l.rateBps),
        BigInt(loans.length),
      ),
      weightedRateBps: roundHalfUp(
        sum(loans, (l) => BigInt(l.rateBps) * l.principalFen),
        principal,
      ),
      pureCredit: loans.filter((l) => l.pureCredit).length,
      pureCreditFen: sum(
        loans.filter((l) => l.pureCredit),
        (l) => l.principalFen,
      ).toString(),
      pureCreditShareBps: share(BigInt(loans.filter((l) => l.pureCredit).length), BigInt(loans.length)),
      firstTime: loans.filter((l) => l.firstTimeBorrower).length,
      firstTimeFen: sum(
        loans.filter((l) => l.firstTimeBorrower),
        (l) => l.principalFen,
      ).toString(),
      firstTimeShareBps: share(BigInt(loans.filter((l) => l.firstTimeBorrower).length), BigInt(loans.length)),
    },
    series: (d: MonitoringDashboard) =>
      d.months.map((month) => {
        const ml = loans.filter((l) => dayMonth(l.disbursedOn) === month);
        const mp = sum(ml, (l) => l.principalFen);
        const mNeeds = needs.filter((n) => monthOf(n.createdAt) === month);
        const mNeedIds = new Set(mNeeds.map((n) => n.id));
        const mHistory = detail.history.filter((h) => mNeedIds.has(h.needId) && bankOk(h.institutionId, h.productId));
        return {
          month,
          needsPosted: byBank ? null : mNeeds.length,
          needsMatched: f.productId ? mHistory.length : new Set(mHistory.map((h) => h.needId)).size,
          applied: apps.filter((a) => monthOf(a.submittedAt) === month).length,
          disbursed: apps.filter((a) => monthOf(a.submittedAt) === month && a.loan).length,
          loans: ml.length,
          loansFen: mp.toString(),
          avgRateBps: roundHalfUp(
            sum(ml, (l) => BigInt(l.rateBps) * l.principalFen),
            mp,
          ),
        };
      }),
    rateBands: Array.from({ length: RATE_BANDS_BPS.length + 1 }, (_, i) => loans.filter((l) => band(l.rateBps) === i).length),
    banks,
    regions: regionCodes.map((regionCode) => ({
      regionCode,
      needsPosted: byBank ? null : needs.filter((n) => n.enterprise.regionCode === regionCode).length,
      applied: apps.filter((a) => a.enterprise.regionCode === regionCode).length,
      loans: loans.filter((l) => l.enterprise.regionCode === regionCode).length,
      loansFen: sum(
        loans.filter((l) => l.enterprise.regionCode === regionCode),
        (l) => l.principalFen,
      ).toString(),
    })),
    book: {
      outstanding: live.length,
      outstandingFen: sum(live, (l) => l.outstandingPrincipalFen).toString(),
      pastDue: loansAll.filter((l) => l.status === "OVERDUE").length,
      pastDueFen: sum(
        loansAll.filter((l) => l.status === "OVERDUE"),
        (l) => l.outstandingPrincipalFen,
      ).toString(),
      defaulted: loansAll.filter((l) => l.status === "DEFAULTED").length,
      defaultedFen: sum(
        loansAll.filter((l) => l.status === "DEFAULTED"),
        (l) => l.outstandingPrincipalFen,
      ).toString(),
      repaid: loansAll.filter((l) => l.status === "REPAID").length,
    },
    claims: {
      claims: claims.length,
      lossFen: sum(claims, (c) => c.lossFen).toString(),
      reservedFen: sum(
        claims.filter((c) => c.status === "RESERVING" || c.status === "RESERVED"),
        (c) => c.reservedFen,
      ).toString(),
      paidFen: sum(
        claims.filter((c) => c.status === "APPROVED" || c.status === "PARTIALLY_APPROVED"),
        (c) => c.approvedFen ?? 0n,
      ).toString(),
      recoveredFen: sum(claims, (c) => sum(c.recoveries, (r) => r.fundShareFen)).toString(),
      refused: claims.filter((c) => c.status === "REFUSED").length,
    },
  };
}

/** Every figure of one dashboard against its direct computation. */
function expectReconciles(detail: Detail, d: MonitoringDashboard, label: string) {
  const want = direct(detail, d.filters);
  expect(d.totals, label).toEqual(want.totals);
  expect(d.series, label).toEqual(want.series(d));
  expect(d.rateBands, label).toEqual(want.rateBands);
  expect(d.regions, label).toEqual(want.regions);
  expect(d.book, label).toEqual(want.book);
  expect(d.claims, label).toEqual(want.claims);
  expect(
    d.funnel.map((s) => s.count),
    label,
  ).toEqual([want.totals.needsMatched, want.totals.applied, want.totals.accepted, want.totals.approved, want.totals.disbursed]);
  expect(new Set(d.banks.map((b) => b.institutionId)), label).toEqual(new Set(want.banks.keys()));
  for (const b of d.banks) {
    const { institutionId, nameZh: _z, nameEn: _e, onTimeBps, ...figures } = b;
    expect(figures, `${label} bank ${institutionId}`).toEqual(want.banks.get(institutionId));
    expect(onTimeBps).toEqual(share(BigInt(figures.answeredOnTime), BigInt(figures.answered)));
  }
  // The league table's order: on time first, then most answered.
  const keys = d.banks.map((b) => [b.onTimeBps ?? -1, b.answered]);
  for (let i = 1; i < keys.length; i++)
    expect(keys[i - 1]![0]! > keys[i]![0]! || (keys[i - 1]![0] === keys[i]![0] && keys[i - 1]![1]! >= keys[i]![1]!)).toBe(true);
}

let pool: pg.Pool;
let combos: { label: string; filters: MonitoringFilters }[];

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  await generateMonitoringData(pool, {
    seed: 7,
    banks: 4,
    productsPerBank: 3,
    enterprises: 300,
    needs: 1_200,
    applications: 2_500,
    loans: 900,
    claims: 25,
    months: 14,
    endMonth: END_MONTH,
  });
  const bank = await prisma.institution.findFirstOrThrow({ where: { kind: "BANK", code: { startsWith: "MB7-" } }, orderBy: { code: "asc" } });
  const product = await prisma.product.findFirstOrThrow({ where: { institutionId: bank.id }, orderBy: { code: "asc" } });
  const otherBank = await prisma.institution.findFirstOrThrow({ where: { kind: "BANK", code: { startsWith: "MB7-" }, id: { not: bank.id } } });
  const whole = { from: "2025-09", to: END_MONTH };
  combos = [
    { label: "everything", filters: whole },
    { label: "region", filters: { ...whole, regionCode: "211103" } },
    { label: "bank", filters: { ...whole, institutionId: bank.id } },
    { label: "region + bank", filters: { ...whole, regionCode: "211102", institutionId: otherBank.id } },
    { label: "product", filters: { ...whole, productId: product.id } },
    { label: "bank + product", filters: { ...whole, institutionId: bank.id, productId: product.id } },
    { label: "industry + size", filters: { ...whole, industryCode: "C13", size: "SMALL" } },
    { label: "size + bank", filters: { ...whole, size: "MICRO", institutionId: bank.id } },
    {
      label: "every dimension",
      filters: { ...whole, regionCode: "211104", industryCode: "F52", size: "MICRO", institutionId: bank.id, productId: product.id },
    },
    { label: "three months", filters: { from: "2026-05", to: "2026-07" } },
    { label: "one month, region", filters: { from: "2026-03", to: "2026-03", regionCode: "211122" } },
    { label: "a period with nothing", filters: { from: "2020-01", to: "2020-06" } },
  ];
}, 120_000);

afterAll(async () => {
  await pool.end();
  await closeQueues();
});

describe("monitoring rollups", () => {
  it("a full refresh: every figure equals its direct computation, for every filter combination", async () => {
    const result = await refreshMonitoring(prisma, { full: true });
    expect(result.mode).toBe("full");
    expect(result.rows).toBeGreaterThan(100);
    const detail = await readDetail();
    // The generated city has something everywhere the combinations look (or the test proves little).
    expect(detail.applications.length).toBe(2_500);
    expect(detail.loans.length).toBe(900);
    for (const { label, filters } of combos) {
      const d = await loadMonitoring(prisma, filters);
      expectReconciles(detail, d, label);
      if (label !== "a period with nothing" && label !== "every dimension") expect(d.totals.applied, label).toBeGreaterThan(0);
    }
  });

  it("an incremental refresh after changes equals the direct computation and a full rebuild", async () => {
    await refreshMonitoring(prisma, { full: true });
    // Changes of every kind the refresh must notice.
    const app = await prisma.application.findFirstOrThrow({
      where: { status: "SUBMITTED", enterprise: { regionCode: { not: "211122" } } },
      orderBy: { id: "asc" },
    });
    await prisma.application.update({ where: { id: app.id }, data: { status: "ACCEPTED", acceptedAt: new Date(), respondedAt: new Date() } });
    const loan = await prisma.loan.findFirstOrThrow({ where: { status: "CURRENT" }, orderBy: { id: "asc" } });
    await prisma.loan.update({ where: { id: loan.id }, data: { status: "OVERDUE", daysPastDue: 12 } });
    // An enterprise moving district moves all its needs, applications and loans.
    const moved = await prisma.enterprise.findFirstOrThrow({ where: { loans: { some: {} }, regionCode: { not: "211122" } }, orderBy: { id: "asc" } });
    await prisma.enterprise.update({ where: { id: moved.id }, data: { regionCode: "211122" } });
    // A need matched for the first time.
    const need = await prisma.financingNeed.findFirstOrThrow({ where: { createdAt: { gte: new Date("2026-01-01T00:00:00Z") } }, orderBy: { id: "asc" } });
    const product = await prisma.product.findFirstOrThrow({ where: { code: { startsWith: "MB7-" } }, orderBy: { code: "desc" } });
    await prisma.needMatchHistory.upsert({
      where: { needId_productId: { needId: need.id, productId: product.id } },
      create: { needId: need.id, productId: product.id, institutionId: product.institutionId, firstMatchedAt: new Date() },
      update: {},
    });

    const incremental = await refreshMonitoring(prisma);
    expect(incremental.mode).toBe("incremental");
    expect(incremental.months).toBeGreaterThan(0);
    const detail = await readDetail();
    const afterIncremental = [];
    for (const { label, filters } of combos) {
      const d = await loadMonitoring(prisma, filters);
      expectReconciles(detail, d, `incremental: ${label}`);
      afterIncremental.push(d);
    }
    await refreshMonitoring(prisma, { full: true });
    for (const [i, { filters }] of combos.entries()) {
      const { refreshedAt: _a, ...full } = await loadMonitoring(prisma, filters);
      const { refreshedAt: _b, ...incr } = afterIncremental[i]!;
      expect(incr).toEqual(full);
    }
  });

  it("a refresh with nothing changed rebuilds nothing, and two at once do not both run", async () => {
    await refreshMonitoring(prisma, { full: true });
    // Beyond the overlap window nothing is dirty: move the watermark forward as if the last run were long after every change.
    await prisma.monitoringRefreshState.update({ where: { id: 1 }, data: { watermark: new Date(Date.now() + 3_600_000) } });
    const quiet = await refreshMonitoring(prisma);
    expect(quiet).toMatchObject({ mode: "incremental", months: 0 });
    const both = await Promise.all([refreshMonitoring(prisma, { full: true }), refreshMonitoring(prisma, { full: true })]);
    expect(both.map((r) => r.mode).sort()).toEqual(["full", "skipped"]);
  });

  it("the public headline figures come from the same rollups", async () => {
    await refreshMonitoring(prisma, { full: true });
    await refreshPlatformStats(prisma);
    const stats = await readPlatformStats(prisma);
    const [needs, financed, banks] = await Promise.all([
      prisma.financingNeed.count(),
      prisma.loan.aggregate({ _sum: { principalFen: true } }),
      prisma.institution.count({ where: { kind: "BANK", status: "ACTIVE" } }),
    ]);
    expect(stats!.values.needsPosted).toBe(BigInt(needs));
    expect(stats!.values.amountFinancedFen).toBe(financed._sum.principalFen);
    expect(stats!.values.banks).toBe(BigInt(banks));
  });
});

describe("worker: refresh-monitoring", () => {
  it("refreshes the rollups, then the headline figures; refuses a bad payload; folds repeats of a kind", async () => {
    const handler = HANDLERS[JOBS.refreshMonitoring.name]!;
    await expect(handler(prisma, { reason: "whenever" }, { finalAttempt: false })).rejects.toBeInstanceOf(ZodError);
    await expect(handler(prisma, { reason: "manual", full: "yes" }, { finalAttempt: false })).rejects.toBeInstanceOf(ZodError);
    const result = (await handler(prisma, { reason: "manual", full: true }, { finalAttempt: false })) as { mode: string };
    expect(result.mode).toBe("full");
    expect((await readPlatformStats(prisma))!.values.needsPosted).toBe(BigInt(await prisma.financingNeed.count()));
    const queue = getQueue(JOBS.refreshMonitoring.queue);
    await queue.obliterate({ force: true });
    await enqueue("refreshMonitoring", { reason: "schedule", full: false });
    await enqueue("refreshMonitoring", { reason: "schedule", full: false });
    await enqueue("refreshMonitoring", { reason: "schedule", full: true });
    expect(await queue.getWaitingCount()).toBe(2);
    await queue.obliterate({ force: true });
  });
});

describe("monitoring page and exports", () => {
  const url = (path: string) => new Request(`http://localhost${path}`);

  it("the finance office and regulators read it; banks and SMEs are refused", async () => {
    const office = await makeActor("finance_office", { institutionId: (await makeInstitution("FINANCE_OFFICE")).id });
    const regulator = await makeActor("regulator", { institutionId: (await makeInstitution("REGULATOR")).id });
    const bank = await makeActor("bank_admin", { institutionId: (await makeInstitution("BANK")).id });
    for (const actor of [office, regulator]) {
      const page = await outcome(() => pageRoute.loader({ request: url("/app/monitoring"), context: routeContext(actor), params: {} } as never));
      expect(page.status).toBe(200);
      expect((page.data as { ok: boolean }).ok).toBe(true);
    }
    const refused = await outcome(() => pageRoute.loader({ request: url("/app/monitoring"), context: routeContext(bank), params: {} } as never));
    expect(refused.status).toBe(403);
    const csv = await outcome(() =>
      exportRoute.loader({ request: url("/app/monitoring/export/banks"), context: routeContext(bank), params: { chart: "banks" } } as never),
    );
    expect(csv.status).toBe(403);
  });

  it("bad filters are refused whole with the reasons, and no figures", async () => {
    const office = await makeActor("finance_office", { institutionId: (await makeInstitution("FINANCE_OFFICE")).id });
    const cases: [string, string][] = [
      ["?from=2026-13", "errors.monitoring.month"],
      ["?from=2026-05&to=2026-01", "errors.monitoring.periodOrder"],
      ["?from=2020-01&to=2026-01", "errors.monitoring.periodTooLong"],
      ["?region=999999", "errors.monitoring.region"],
      ["?bank=not-a-uuid", "errors.monitoring.bank"],
      [`?bank=${office.institution!.id}`, "errors.monitoring.bank"],
      ["?bank=00000000-0000-4000-8000-000000000000", "errors.monitoring.bank"],
      ["?size=HUGE", "errors.monitoring.size"],
      ["?region=211102&region=211103", "errors.monitoring.repeated"],
      ["?colour=red", "errors.monitoring.unknownFilter"],
    ];
    for (const [query, error] of cases) {
      const page = await outcome(() => pageRoute.loader({ request: url(`/app/monitoring${query}`), context: routeContext(office), params: {} } as never));
      expect(page.data, query).toMatchObject({ ok: false, errors: [error] });
      expect(page.data, query).not.toHaveProperty("dashboard");
    }
    const csv = await outcome(() =>
      exportRoute.loader({ request: url("/app/monitoring/export/trend?from=2026-13"), context: routeContext(office), params: { chart: "trend" } } as never),
    );
    expect(csv.status).toBe(400);
  });

  it("every chart downloads as CSV with a BOM and the page's figures", async () => {
    await refreshMonitoring(prisma, { full: true });
    const office = await makeActor("finance_office", { institutionId: (await makeInstitution("FINANCE_OFFICE")).id });
    const query = "?from=2025-09&to=2026-10&region=211103";
    const d = await loadMonitoring(prisma, { from: "2025-09", to: "2026-10", regionCode: "211103" });
    for (const chart of pageRoute.MONITORING_CHARTS) {
      const response = (await exportRoute.loader({
        request: url(`/app/monitoring/export/${chart}${query}`),
        context: routeContext(office),
        params: { chart },
      } as never)) as Response;
      expect(response.status, chart).toBe(200);
      expect(response.headers.get("Content-Type")).toContain("text/csv");
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect([...bytes.slice(0, 3)], chart).toEqual([0xef, 0xbb, 0xbf]);
      const lines = new TextDecoder().decode(bytes).trim().split("\n");
      if (chart === "trend") {
        expect(lines.length).toBe(1 + d.months.length);
        const last = lines.at(-1)!.split(",");
        expect(last[0]).toBe("2026-10");
        expect(Number(last[4])).toBe(d.series.at(-1)!.loans);
        expect(last[6]).toBe(d.series.at(-1)!.loansFen);
      }
      if (chart === "banks") expect(lines.length).toBe(1 + d.banks.length);
      if (chart === "funnel") expect(lines.map((l) => l.split(",")[1]).slice(1)).toEqual(d.funnel.map((s) => String(s.count)));
    }
    const missing = await outcome(() =>
      exportRoute.loader({ request: url("/app/monitoring/export/nope"), context: routeContext(office), params: { chart: "nope" } } as never),
    );
    expect(missing.status).toBe(404);
  });
});

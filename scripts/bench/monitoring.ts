/**
 * `npm run bench:monitoring -- [--applications 2000000] [--loans 1000000] [--needs 500000] [--enterprises 200000]
 *    [--banks 30] [--products-per-bank 5] [--claims 2000] [--months 36] [--samples 400] [--seed 20261122] [--keep] [--reuse]`
 *
 * Benchmarks 融资监测 (financing monitoring) through the code production
 * runs: the worker's rollup refresh, `refreshMonitoring` (full; incremental
 * after a batch of changes spread over every month; a later run after changes
 * in the latest month only; a later run with nothing changed), the
 * dashboard's `loadMonitoring` over a rotating mix of filters, and the public
 * home page's `readPlatformStats`, on the app's Prisma client.
 *
 * Works in its own database, xyd_bench_monitoring on BENCH_DATABASE_URL's
 * server (default: local, user postgres), created and migrated afresh and
 * dropped at the end unless --keep; --reuse runs the measurements again on a
 * database a --keep run left (its data as it was, the rollups rebuilt).
 * Prints a summary and rewrites the section "## Monitoring: rollup refresh and
 * dashboard" of docs/BENCHMARKS.md.
 *
 * Data: scripts/lib/monitoring-data.ts, deterministic from --seed, over the
 * --months calendar months (China time) up to the last complete one: as the
 * app would have left them at the end of that month.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import type { MonitoringFilters } from "../../app/domain/monitoring/filters";
import type { MonitoringRefreshResult } from "../../app/domain/monitoring/refresh-monitoring.server";
import { INDUSTRIES } from "../../app/domain/reference/industries";
import { PREFECTURE, REGIONS } from "../../app/domain/reference/regions";
import { fail, markdownTable, writeBenchmarkSection, dropOnExit } from "../lib/bench-report";
import { createDatabase, databaseExists, dropDatabase, migrateDeploy, withDatabase } from "../lib/db-admin";
import { generateMonitoringData, type MonitoringDataResult } from "../lib/monitoring-data";

const DATABASE = "xyd_bench_monitoring";
const SECTION = "## Monitoring: rollup refresh and dashboard";
/** The issue's goal: the dashboard answers within 200 ms at the 95th percentile. */
const GOAL_P95_MS = 200;
/** The changes the incremental refresh catches up with. */
const CHANGED_APPLICATIONS = 1_000;
const CHANGED_LOANS = 500;

const { values } = parseArgs({
  options: {
    applications: { type: "string", default: "2000000" },
    loans: { type: "string", default: "1000000" },
    needs: { type: "string", default: "500000" },
    enterprises: { type: "string", default: "200000" },
    banks: { type: "string", default: "30" },
    "products-per-bank": { type: "string", default: "5" },
    claims: { type: "string", default: "2000" },
    months: { type: "string", default: "36" },
    samples: { type: "string", default: "400" },
    seed: { type: "string", default: "20261122" },
    keep: { type: "boolean", default: false },
    reuse: { type: "boolean", default: false },
  },
});

const int = (name: keyof typeof values, min: number, max: number): number => {
  const raw = values[name];
  const n = Number(raw);
  if (typeof raw !== "string" || !/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    fail(`--${name} must be an integer from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")} (got ${String(raw)})`);
  }
  return n;
};
const APPLICATIONS = int("applications", 10_000, 20_000_000);
// At least as many as the incremental refresh changes.
const LOANS = int("loans", CHANGED_LOANS, APPLICATIONS);
const NEEDS = int("needs", 0, 10_000_000);
const ENTERPRISES = int("enterprises", 100, 1_000_000);
const BANKS = int("banks", 1, 500);
const PRODUCTS_PER_BANK = int("products-per-bank", 1, 100);
const CLAIMS = int("claims", 0, LOANS);
// The dashboard shows at most 60 months at once (filters.ts MAX_PERIOD_MONTHS): the whole period must fit.
const MONTHS = int("months", 3, 60);
const SAMPLES = int("samples", 10, 100_000);
const SEED = int("seed", 0, 2_000_000_000);
if (APPLICATIONS > ENTERPRISES * BANKS * PRODUCTS_PER_BANK) {
  fail(
    `--applications must not exceed --enterprises × --banks × --products-per-bank (${(ENTERPRISES * BANKS * PRODUCTS_PER_BANK).toLocaleString("en-US")}): one per (enterprise, product)`,
  );
}
if (values.keep && values.reuse) fail("--keep and --reuse: --reuse already keeps the database");

// ─── Set-up ─────────────────────────────────────────────────────────────────

const url = withDatabase(process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres", DATABASE);
// The env module reads this once, when first imported: set it before any app module loads (the fund snapshot reads the ledger through it).
process.env.DATABASE_URL = url;
const cleanUp = dropOnExit(url, DATABASE, Boolean(values.keep || values.reuse));

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const ms1 = (n: number) => (n >= 100 ? fmt(n) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const sec = (ms: number) => (ms / 1000).toFixed(ms >= 100_000 ? 0 : ms >= 10_000 ? 1 : 2);
const loadAtStart = os.loadavg()[0]!;
const commandLine = `npm run bench:monitoring${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;

console.log(
  `monitoring benchmark: ${fmt(APPLICATIONS)} applications, ${fmt(LOANS)} loans, ${fmt(NEEDS)} needs, ${fmt(ENTERPRISES)} enterprises, ` +
    `${BANKS} banks × ${PRODUCTS_PER_BANK} products, ${fmt(CLAIMS)} claims over ${MONTHS} months, ${fmt(SAMPLES)} samples, seed ${SEED}; ` +
    `${os.cpus().length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, load average ${loadAtStart.toFixed(2)}`,
);

let createMs: number | null = null;
if (values.reuse) {
  if (!(await databaseExists(url))) fail(`--reuse: ${DATABASE} does not exist; run once with --keep first`);
} else {
  await dropDatabase(url); // left over from a --keep run
  const t0 = performance.now();
  await createDatabase(url);
  await migrateDeploy(url);
  createMs = performance.now() - t0;
  console.log(`  create + migrate database: ${sec(createMs)} s`);
}

const { createPrismaClient } = await import("../../app/db.server");
const { seedRoles } = await import("../../prisma/seed/seed");
const { refreshMonitoring } = await import("../../app/domain/monitoring/refresh-monitoring.server");
const { loadMonitoring } = await import("../../app/domain/monitoring/load-monitoring.server");
const { readPlatformStats, refreshPlatformStats } = await import("../../app/domain/stats/platform-stats.server");
const db = createPrismaClient(url);

// ─── Measurement helpers ────────────────────────────────────────────────────

type Percentiles = { p50: number; p95: number; p99: number; max: number; mean: number; n: number };
function percentiles(samples: readonly number[]): Percentiles {
  if (samples.length === 0) return { p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN, n: 0 };
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s[s.length - 1]!, mean: s.reduce((a, b) => a + b, 0) / s.length, n: s.length };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await work();
  return { value, ms: performance.now() - t0 };
}

/** "YYYY-MM" of a China month, `back` months before the current one. */
function chinaMonth(back: number, now = new Date()): string {
  const china = new Date(now.getTime() + 8 * 3_600_000);
  const d = new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() - back, 1));
  return d.toISOString().slice(0, 7);
}
const monthsBefore = (month: string, n: number) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 - n, 1)).toISOString().slice(0, 7);
};

// ─── Report ─────────────────────────────────────────────────────────────────

type Refresh = { name: string; result: MonitoringRefreshResult; ms: number };
type Combo = { name: string; make: (k: number) => MonitoringFilters };

const report = {} as {
  pgVersion: string;
  settings: Record<string, string>;
  generated: MonitoringDataResult | null;
  steps: { step: string; rows: number; seconds: number }[];
  vacuumMs: number | null;
  counts: Record<string, number>;
  period: { from: string; to: string };
  refreshes: Refresh[];
  rollupRows: Record<string, number>;
  changes: { applications: number; accepted: number; loans: number; overdue: number };
  latest: { applications: number; loans: number };
  dashboard: { overall: Percentiles; combos: { name: string; p: Percentiles }[]; warmup: number };
  platform: { refreshMs: number; read: Percentiles; figures: boolean };
  loadAtEnd: number;
};

// ─── Main ───────────────────────────────────────────────────────────────────

async function main() {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const setting = async (name: string) => (await db.$queryRaw<{ v: string }[]>`SELECT current_setting(${name}) AS v`)[0]?.v ?? "?";
    report.pgVersion = (await setting("server_version")).split(" ")[0]!;
    report.settings = {};
    for (const name of ["shared_buffers", "work_mem", "jit", "autovacuum"]) report.settings[name] = await setting(name);
    report.steps = [];

    // ── Data ────────────────────────────────────────────────────────────────
    if (!values.reuse) {
      await seedRoles(db);
      const endMonth = chinaMonth(1);
      console.log(`  generating ${MONTHS} months of detail records up to ${endMonth} (China time) …`);
      report.generated = await generateMonitoringData(pool, {
        seed: SEED,
        banks: BANKS,
        productsPerBank: PRODUCTS_PER_BANK,
        enterprises: ENTERPRISES,
        needs: NEEDS,
        applications: APPLICATIONS,
        loans: LOANS,
        claims: CLAIMS,
        months: MONTHS,
        endMonth,
        onStep: (step, rows, seconds) => {
          report.steps.push({ step, rows, seconds });
          console.log(`    ${step}: ${fmt(rows)} rows, ${seconds.toFixed(2)} s`);
        },
      });
      console.log(`  generated in ${report.generated.seconds.toFixed(1)} s: ${countsLine(report.generated.counts)}`);
      const t0 = performance.now();
      await db.$executeRawUnsafe("VACUUM ANALYZE");
      report.vacuumMs = performance.now() - t0;
      console.log(`  VACUUM ANALYZE (what autovacuum would do; it is off on this server): ${sec(report.vacuumMs)} s`);
    } else {
      report.generated = null;
      report.vacuumMs = null;
      console.log("  reusing the kept database: generation skipped");
    }
    report.counts = await tableCounts();
    report.period = await dataPeriod();
    console.log(`  data: ${countsLine(report.counts)}; applications submitted ${report.period.from} … ${report.period.to} (China months)`);

    // ── Refreshes ───────────────────────────────────────────────────────────
    report.refreshes = [];
    report.refreshes.push(await refresh("full", () => refreshMonitoring(db, { full: true })));
    report.rollupRows = await rollupCounts();
    console.log(
      `    rollup rows: ${Object.entries(report.rollupRows)
        .map(([t, n]) => `${t} ${fmt(n)}`)
        .join(", ")}`,
    );
    report.changes = await changeSome();
    console.log(
      `  changed ${fmt(report.changes.applications)} applications (${fmt(report.changes.accepted)} of them SUBMITTED → ACCEPTED) and ` +
        `${fmt(report.changes.loans)} loans (${fmt(report.changes.overdue)} of them CURRENT → OVERDUE), "updatedAt" = now()`,
    );
    report.refreshes.push(
      await refresh(`incremental, after ${fmt(CHANGED_APPLICATIONS)} applications and ${fmt(CHANGED_LOANS)} loans changed`, () => refreshMonitoring(db)),
    );
    // The runs below stand for later runs, as the five-minute schedule makes them: the last run's watermark is moved
    // past the overlap (OVERLAP_MS), so the changes above count as already refreshed, as they would by then.
    await laterRun(10);
    report.latest = await changeLatestMonth(20);
    console.log(`  changed ${fmt(report.latest.applications)} applications and ${fmt(report.latest.loans)} loans of the latest month`);
    report.refreshes.push(
      await refresh(
        `incremental, after ${fmt(report.latest.applications)} applications and ${fmt(report.latest.loans)} loans of the latest month changed`,
        () => refreshMonitoring(db),
      ),
    );
    await laterRun(40);
    report.refreshes.push(await refresh("incremental, nothing changed since the last run", () => refreshMonitoring(db)));

    // ── Dashboard ───────────────────────────────────────────────────────────
    report.dashboard = await dashboardRuns();

    // ── Public headline figures ─────────────────────────────────────────────
    report.platform = await platformRuns();

    report.loadAtEnd = os.loadavg()[0]!;
    const summary = summaryLines();
    console.log(`\n${summary.join("\n")}`);
    writeDoc(summary);
  } finally {
    await pool.end();
    await db.$disconnect();
    await globalThis.__xydPrisma?.$disconnect();
    await cleanUp();
    if (values.keep || values.reuse) console.log(`kept database ${DATABASE}: ${url}`);
  }
}

function countsLine(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t} ${fmt(n)}`)
    .join(", ");
}

const DETAIL_TABLES = [
  "institutions",
  "products",
  "enterprises",
  "financing_needs",
  "need_rankings",
  "matches",
  "need_match_history",
  "applications",
  "loans",
  "claims",
  "recoveries",
];

async function tableCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of DETAIL_TABLES) {
    const exists = (await db.$queryRawUnsafe<{ ok: boolean }[]>(`SELECT to_regclass('${t}') IS NOT NULL AS ok`))[0]?.ok;
    if (exists) out[t] = Number((await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${t}"`))[0]!.n);
  }
  return out;
}

async function rollupCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ["monitoring_need_facts", "monitoring_application_facts", "monitoring_loan_facts", "monitoring_claim_facts"]) {
    out[t] = Number((await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${t}"`))[0]!.n);
  }
  return out;
}

/** The China months the applications were submitted in (the data's period, also for a kept database). */
async function dataPeriod(): Promise<{ from: string; to: string }> {
  const [row] = await db.$queryRaw<{ from: string | null; to: string | null }[]>`
    SELECT to_char(min("submittedAt") + interval '8 hours', 'YYYY-MM') AS "from", to_char(max("submittedAt") + interval '8 hours', 'YYYY-MM') AS "to" FROM applications`;
  if (!row?.from || !row.to) throw new Error("no applications in the database");
  return { from: row.from, to: row.to };
}

async function refresh(name: string, run: () => Promise<MonitoringRefreshResult>): Promise<Refresh> {
  const { value, ms } = await timed(run);
  console.log(
    `  refreshMonitoring (${name}): ${sec(ms)} s — mode ${value.mode}, ${fmt(value.months)} months, ${fmt(value.rows)} rows, durationMs ${fmt(value.durationMs)}`,
  );
  return { name, result: value, ms };
}

/**
 * What happens between two worker runs: banks answer and the delinquency sweep
 * moves loans, each change stamping "updatedAt". Spread over the whole period
 * (by hash order), so the refresh sees many months touched.
 */
async function changeSome(): Promise<{ applications: number; accepted: number; loans: number; overdue: number }> {
  return db.$transaction(
    async (tx) => {
      const accepted = await tx.$executeRaw`
      UPDATE applications SET status = 'ACCEPTED', "respondedAt" = now() AT TIME ZONE 'UTC', "acceptedAt" = now() AT TIME ZONE 'UTC',
             version = version + 1, "updatedAt" = now() AT TIME ZONE 'UTC'
       WHERE id IN (SELECT id FROM applications WHERE status = 'SUBMITTED' ORDER BY md5(id::text) LIMIT ${CHANGED_APPLICATIONS / 5})`;
      const touched = await tx.$executeRaw`
      UPDATE applications SET "updatedAt" = now() AT TIME ZONE 'UTC'
       WHERE id IN (SELECT id FROM applications WHERE "updatedAt" < now() AT TIME ZONE 'UTC' - interval '1 hour' ORDER BY md5(id::text) LIMIT ${CHANGED_APPLICATIONS - accepted})`;
      const overdue = await tx.$executeRaw`
      UPDATE loans SET status = 'OVERDUE', "daysPastDue" = 3, "delinquencyOn" = (now() AT TIME ZONE 'Asia/Shanghai')::date, "updatedAt" = now() AT TIME ZONE 'UTC'
       WHERE id IN (SELECT id FROM loans WHERE status = 'CURRENT' ORDER BY md5(id::text) LIMIT ${CHANGED_LOANS / 5})`;
      const loans = await tx.$executeRaw`
      UPDATE loans SET "updatedAt" = now() AT TIME ZONE 'UTC'
       WHERE id IN (SELECT id FROM loans WHERE "updatedAt" < now() AT TIME ZONE 'UTC' - interval '1 hour' ORDER BY md5(id::text) LIMIT ${CHANGED_LOANS - overdue})`;
      return { applications: accepted + touched, accepted, loans: overdue + loans, overdue };
      // Picking the rows sorts millions by hash: longer than an interactive transaction's default 5 s.
    },
    { timeout: 300_000 },
  );
}

/** As if the last refresh had run `minutes` from now: the next run looks only at what changes after that. */
async function laterRun(minutes: number): Promise<void> {
  await db.$executeRaw`UPDATE monitoring_refresh_state SET watermark = now() AT TIME ZONE 'UTC' + make_interval(mins => ${minutes})`;
}

/**
 * What five minutes of a working day change: applications submitted and loans disbursed in the data's latest month,
 * stamped `minutes` from now (after the moved watermark).
 */
async function changeLatestMonth(minutes: number): Promise<{ applications: number; loans: number }> {
  const { to } = report.period;
  const start = `${to}-01`;
  const applications = await db.$executeRaw`
    UPDATE applications SET "updatedAt" = now() AT TIME ZONE 'UTC' + make_interval(mins => ${minutes})
     WHERE id IN (SELECT id FROM applications
                   WHERE "submittedAt" >= (${start}::date - interval '8 hours') ORDER BY md5(id::text) LIMIT ${CHANGED_APPLICATIONS})`;
  const loans = await db.$executeRaw`
    UPDATE loans SET "updatedAt" = now() AT TIME ZONE 'UTC' + make_interval(mins => ${minutes})
     WHERE id IN (SELECT id FROM loans WHERE "disbursedOn" >= ${start}::date ORDER BY md5(id::text) LIMIT ${CHANGED_LOANS})`;
  return { applications, loans };
}

/** The filter combinations the finance office uses, each with values rotating over the data's regions, banks, products, industries and sizes. */
async function combos(): Promise<Combo[]> {
  const banks = (await db.institution.findMany({ where: { kind: "BANK" }, select: { id: true }, orderBy: { code: "asc" } })).map((b) => b.id);
  const products = (await db.product.findMany({ where: { status: "LISTED" }, select: { id: true }, orderBy: { code: "asc" } })).map((p) => p.id);
  const regions = REGIONS.filter((r) => r.code !== PREFECTURE.code).map((r) => r.code);
  const industries = INDUSTRIES.map((i) => i.code);
  const sizes = ["MICRO", "SMALL", "MEDIUM", "LARGE"] as const;
  const { from, to } = report.period;
  // The dashboard's default period: the last twelve months of the data.
  const year = { from: monthsBefore(to, 11) < from ? from : monthsBefore(to, 11), to };
  const at = <T>(list: readonly T[], k: number) => list[k % list.length]!;
  return [
    { name: "none (12 months)", make: () => ({ ...year }) },
    { name: "region", make: (k) => ({ ...year, regionCode: at(regions, k) }) },
    { name: "bank", make: (k) => ({ ...year, institutionId: at(banks, k) }) },
    { name: "region + bank", make: (k) => ({ ...year, regionCode: at(regions, k), institutionId: at(banks, k * 7) }) },
    { name: "product", make: (k) => ({ ...year, productId: at(products, k * 13) }) },
    { name: "industry + size", make: (k) => ({ ...year, industryCode: at(industries, k * 5), size: at(sizes, k) }) },
    {
      name: "region + industry + size + bank",
      make: (k) => ({ ...year, regionCode: at(regions, k), industryCode: at(industries, k * 3), size: at(sizes, k), institutionId: at(banks, k * 11) }),
    },
    { name: "3 months", make: () => ({ from: monthsBefore(to, 2), to }) },
    { name: `whole period (${MONTHS} months)`, make: () => ({ from, to }) },
  ];
}

async function dashboardRuns(): Promise<typeof report.dashboard> {
  const list = await combos();
  const warmup = list.length * 2;
  for (let k = 0; k < warmup; k++) await loadMonitoring(db, list[k % list.length]!.make(k));
  const all: number[] = [];
  const by = new Map<string, number[]>(list.map((c) => [c.name, []]));
  for (let k = 0; k < SAMPLES; k++) {
    const combo = list[k % list.length]!;
    const filters = combo.make(Math.floor(k / list.length));
    const { ms } = await timed(() => loadMonitoring(db, filters));
    all.push(ms);
    by.get(combo.name)!.push(ms);
  }
  const result = { overall: percentiles(all), combos: list.map((c) => ({ name: c.name, p: percentiles(by.get(c.name)!) })), warmup };
  console.log(
    `  loadMonitoring, ${fmt(SAMPLES)} samples over ${list.length} filter combinations after ${warmup} unrecorded: ` +
      `p50 ${ms1(result.overall.p50)} ms, p95 ${ms1(result.overall.p95)} ms, p99 ${ms1(result.overall.p99)} ms, max ${ms1(result.overall.max)} ms`,
  );
  for (const c of result.combos)
    console.log(`    ${c.name}: p50 ${ms1(c.p.p50)} ms, p95 ${ms1(c.p.p95)} ms, p99 ${ms1(c.p.p99)} ms, max ${ms1(c.p.max)} ms (${c.p.n})`);
  return result;
}

async function platformRuns(): Promise<typeof report.platform> {
  // What the worker's refreshPlatformStats job stores, so the read finds figures.
  const { ms: refreshMs } = await timed(() => refreshPlatformStats(db));
  for (let k = 0; k < 10; k++) await readPlatformStats(db);
  const times: number[] = [];
  let figures = false;
  for (let k = 0; k < SAMPLES; k++) {
    const { value, ms } = await timed(() => readPlatformStats(db));
    figures = value !== null;
    times.push(ms);
  }
  const read = percentiles(times);
  console.log(
    `  refreshPlatformStats (the worker's job): ${sec(refreshMs)} s; readPlatformStats, ${fmt(SAMPLES)} samples: p50 ${ms1(read.p50)} ms, p95 ${ms1(read.p95)} ms` +
      (figures ? "" : " (no figures stored)"),
  );
  return { refreshMs, read, figures };
}

// ─── Output ─────────────────────────────────────────────────────────────────

function goalLine(): string {
  const p95 = report.dashboard.overall.p95;
  const worst = [...report.dashboard.combos].sort((a, b) => b.p.p95 - a.p.p95)[0]!;
  return (
    `- Dashboard (loadMonitoring) p95 ≤ ${GOAL_P95_MS} ms over the filter mix: ${ms1(p95)} ms — **${p95 <= GOAL_P95_MS ? "MET" : "NOT MET"}** ` +
    `(slowest combination: ${worst.name}, p95 ${ms1(worst.p.p95)} ms)`
  );
}

function summaryLines(): string[] {
  const lines = [
    `Monitoring benchmark — ${countsLine(report.counts)}; applications ${report.period.from} … ${report.period.to}, seed ${SEED}`,
    `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "?"}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${report.pgVersion}; ` +
      `load average ${loadAtStart.toFixed(2)} at start, ${report.loadAtEnd.toFixed(2)} at end`,
    "",
    "Goal:",
    goalLine(),
    "",
  ];
  if (report.generated) lines.push(`Generated in ${report.generated.seconds.toFixed(1)} s, then VACUUM ANALYZE ${sec(report.vacuumMs ?? 0)} s`);
  else lines.push("Reused a kept database (generation skipped)");
  for (const r of report.refreshes) {
    lines.push(`refreshMonitoring, ${r.name}: ${sec(r.ms)} s (mode ${r.result.mode}, ${fmt(r.result.months)} months, ${fmt(r.result.rows)} rows)`);
  }
  const d = report.dashboard;
  lines.push(
    `loadMonitoring, ${fmt(SAMPLES)} samples: p50 ${ms1(d.overall.p50)} ms, p95 ${ms1(d.overall.p95)} ms, p99 ${ms1(d.overall.p99)} ms, max ${ms1(d.overall.max)} ms`,
    ...d.combos.map((c) => `  ${c.name}: p50 ${ms1(c.p.p50)}, p95 ${ms1(c.p.p95)}, p99 ${ms1(c.p.p99)}, max ${ms1(c.p.max)} ms`),
    `readPlatformStats, ${fmt(SAMPLES)} samples: p50 ${ms1(report.platform.read.p50)} ms, p95 ${ms1(report.platform.read.p95)} ms` +
      (report.platform.figures ? "" : " (no figures stored)"),
  );
  return lines;
}

function writeDoc(summary: string[]) {
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  const when = new Date().toISOString().slice(0, 16).replace("T", " ");
  const g = report.generated;
  const data = g
    ? `Generated by \`scripts/lib/monitoring-data.ts\` (set-based INSERT … SELECT, deterministic from the seed) in ${g.seconds.toFixed(1)} s on two connections, ` +
      `then \`VACUUM ANALYZE\` ${sec(report.vacuumMs ?? 0)} s (autovacuum is off on this server).`
    : "A kept database, reused: generation skipped, its rollups rebuilt.";
  const refreshTable = markdownTable(
    ["refresh", "s", "mode", "months rebuilt", "rollup rows written"],
    report.refreshes.map((r) => [r.name, sec(r.ms), r.result.mode, fmt(r.result.months), fmt(r.result.rows)]),
    ["l", "r", "l", "r", "r"],
  );
  const latencyTable = markdownTable(
    ["filters", "samples", "p50 ms", "p95 ms", "p99 ms", "max ms"],
    [
      ...report.dashboard.combos.map((c) => [c.name, fmt(c.p.n), ms1(c.p.p50), ms1(c.p.p95), ms1(c.p.p99), ms1(c.p.max)]),
      [
        "**all**",
        fmt(report.dashboard.overall.n),
        ms1(report.dashboard.overall.p50),
        ms1(report.dashboard.overall.p95),
        ms1(report.dashboard.overall.p99),
        ms1(report.dashboard.overall.max),
      ],
      [
        "readPlatformStats (home page)",
        fmt(report.platform.read.n),
        ms1(report.platform.read.p50),
        ms1(report.platform.read.p95),
        ms1(report.platform.read.p99),
        ms1(report.platform.read.max),
      ],
    ],
    ["l", "r", "r", "r", "r", "r"],
  );
  const stepTable = g
    ? markdownTable(
        ["generation step", "rows", "s"],
        report.steps.map((s) => [s.step, fmt(s.rows), s.seconds.toFixed(2)]),
        ["l", "r", "r"],
      )
    : [];
  const section = [
    SECTION,
    "",
    "融资监测 as production runs it: the worker's rollup refresh `refreshMonitoring` (`app/domain/monitoring`) — in full, then",
    `incrementally after ${fmt(CHANGED_APPLICATIONS)} applications and ${fmt(CHANGED_LOANS)} loans changed (a fifth of each with a status change: SUBMITTED → ACCEPTED,`,
    'CURRENT → OVERDUE; the rest only `"updatedAt" = now()`; picked by hash over the whole period, so nearly every month is touched: the',
    "worst case for one run); then, as later runs of the five-minute schedule (the watermark moved past the overlap), after",
    `${fmt(CHANGED_APPLICATIONS)} applications and ${fmt(CHANGED_LOANS)} loans of the latest month changed (a working day's typical run), and with nothing changed — and the finance office's dashboard`,
    "`loadMonitoring` over a rotating mix of filters, timed end to end on the app's Prisma client. Written by",
    "`scripts/bench/monitoring.ts`, which replaces this section on every run:",
    "",
    "```sh",
    "npm run bench:monitoring   # = --applications 2000000 --loans 1000000 --needs 500000 --enterprises 200000 --banks 30 --products-per-bank 5 --claims 2000 --months 36 --samples 400; --keep leaves xyd_bench_monitoring",
    "```",
    "",
    `Last run ${when} UTC (\`${commandLine}\`): ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, ` +
      `PostgreSQL ${report.pgVersion} on the same machine (${Object.entries(report.settings)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}); load average ${loadAtStart.toFixed(2)} at start and ${report.loadAtEnd.toFixed(2)} at end.`,
    "",
    `Data: ${countsLine(report.counts)}; applications submitted ${report.period.from} … ${report.period.to} (China months), as the app would`,
    "have left them at the end of the last month: every status of the state machine, late answers and overdue flags, loans",
    `current, past due, defaulted and repaid, fund claims in every status with recoveries. ${data}`,
    "",
    "### Goal",
    "",
    goalLine(),
    "",
    "### Rollup refresh",
    "",
    ...refreshTable,
    "",
    `Rollup rows after the full refresh: ${Object.entries(report.rollupRows)
      .map(([t, n]) => `${t} ${fmt(n)}`)
      .join(", ")}. An incremental run rebuilds the months (China time) of whatever changed since its last watermark, less a`,
    "few minutes' overlap, so a run right after another sees the same recent changes again.",
    "",
    "### Dashboard latency",
    "",
    `${fmt(SAMPLES)} calls of \`loadMonitoring(db, filters)\` after ${report.dashboard.warmup} unrecorded, one filter combination after another; values`,
    "(region, bank, product, industry, size) rotate over the data's. The period is the last twelve months of the data unless",
    "the row says otherwise. Also: the home page's `readPlatformStats` (after one `refreshPlatformStats`, the worker's job, " +
      `${sec(report.platform.refreshMs)} s).`,
    "",
    ...latencyTable,
    "",
    ...(g ? ["### Generation", "", ...stepTable, ""] : []),
    "### Summary as printed",
    "",
    "```text",
    ...summary,
    "```",
  ].join("\n");
  writeBenchmarkSection(SECTION, section);
}

// Last, so every constant above is initialised before the run starts.
await main();
process.exit(0);

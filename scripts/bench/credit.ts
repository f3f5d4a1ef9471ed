/**
 * `npx tsx scripts/bench/credit.ts [--rows 1000000] [--enterprises 100000] [--seed 20261122] [--keep]`
 *
 * Benchmarks the credit-data pipeline with the code production runs: files are
 * stored with storeSignalBatch (as the upload handler does) and applied with
 * runSignalImport (as the worker does), then every enterprise is evaluated
 * with evaluateEnterprises. Works in its own database, xyd_bench_credit on
 * BENCH_DATABASE_URL's server (default: local, user postgres), dropped at the
 * end unless --keep. Prints a summary and rewrites the section
 * "## Credit data: import and evaluation" of docs/BENCHMARKS.md.
 *
 * Each phase is split with the event loop's utilisation into time Node was
 * busy (parsing, validation, Prisma, scoring, GC) and time it waited (on
 * PostgreSQL: nothing else runs); pg's Client#query is wrapped to time each
 * kind of statement. Profile phases at the end time the pure stages alone on
 * a sample, to split Node's share further.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { SignalRow } from "../../app/domain/credit/build-snapshot";
import type { SignalKindKey } from "../../app/domain/credit/signal-kinds";
import type { Prisma } from "../../app/generated/prisma/client";
import type { Random as Rng } from "../../prisma/seed/random";
import { createDatabase, dropDatabase, migrateDeploy, withDatabase } from "../lib/db-admin";
import { fail, markdownTable, onEveryStatement, writeBenchmarkSection, dropOnExit } from "../lib/bench-report";

const DATABASE = "xyd_bench_credit";
const GOAL_ROWS_PER_SECOND = 1_000_000 / 60;
const GOAL_EVALUATIONS_PER_SECOND = 100_000 / 30;
const SECTION = "## Credit data: import and evaluation";
/** Monthly invoiced sales by enterprise size, in 万元 (as the demo seed has them). */
const SALES_WAN: Record<string, [number, number]> = { MICRO: [5, 40], SMALL: [30, 300], MEDIUM: [200, 2_000], LARGE: [1_500, 8_000] };
/** The profile phases time the pure stages on samples this large and scale up: exact enough, and quick. */
const PROFILE_ROWS = 200_000;
const PROFILE_ENTERPRISES = 20_000;
const PROFILE_WRITE_CHUNKS = 10;
/** Evaluated before any ANALYZE: what the worker meets right after a first bulk import. */
const NO_STATS_SAMPLE = 5_000;

/** Thrown to roll back the profile's trial writes. */
class RolledBack extends Error {}

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    enterprises: { type: "string", default: "100000" },
    seed: { type: "string", default: "20261122" },
    keep: { type: "boolean", default: false },
  },
});
const ROWS = Number(values.rows);
const ENTERPRISES = Number(values.enterprises);
const SEED = Number(values.seed);
if (!Number.isInteger(ROWS) || ROWS < 1 || ROWS > 2_000_000) fail("--rows must be an integer from 1 to 2,000,000 (one batch's limit)");
if (!Number.isInteger(ENTERPRISES) || ENTERPRISES < 1_000 || ENTERPRISES > 2_000_000) fail("--enterprises must be an integer from 1,000 to 2,000,000");
if (!Number.isInteger(SEED) || SEED < 0) fail("--seed must be a non-negative integer");
const MONTHS = Math.ceil(ROWS / ENTERPRISES);
// Periods must stay after 1990 and read as a plausible history.
if (MONTHS > 240) fail(`--rows / --enterprises gives ${MONTHS} months per enterprise; keep it at most 240`);


// ─── Measurement ────────────────────────────────────────────────────────────

type Phase = {
  name: string;
  ms: number;
  items: number | null;
  unit: string;
  busyMs: number;
  waitMs: number;
  peakRssBytes: number;
  byStatement: Map<string, { ms: number; count: number }>;
  marks: Map<string, number>;
  note: string;
};

const phases: Phase[] = [];
let current: Phase | null = null;

function sampleRss() {
  if (current) current.peakRssBytes = Math.max(current.peakRssBytes, process.memoryUsage().rss);
}
setInterval(sampleRss, 100).unref();

/** "INSERT credit_signals", "SELECT enterprises", "COMMIT", …: enough to tell where database time goes. */
function statementLabel(sql: string): string {
  const head = sql.trimStart().slice(0, 2_000);
  if (/^SELECT\s+pg_advisory_xact_lock/i.test(head)) return "audit lock";
  const write = /^(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:"public"\.)?"?(\w+)"?/i.exec(head);
  if (write) return `${write[1]!.split(/\s+/)[0]!.toUpperCase()} ${write[2]}`;
  const read = /^SELECT[\s\S]*?\bFROM\s+(?:"public"\.)?"?(\w+)"?/i.exec(head);
  if (read) return `SELECT ${read[1]}`;
  return head.split(/\s+/)[0]!.toUpperCase();
}

/**
 * Times every statement the pg driver sends (Prisma's adapter included), from
 * send to reply. A statement that is not awaited (the importer's progress
 * writes) also counts the Node work that delayed its reply.
 */
function timeStatements() {
  onEveryStatement((sql, params) => {
    const label = statementLabel(sql);
    const phase = current;
    // The worker's status change is where its validation pass ends and its apply pass starts.
    if (phase && label === "UPDATE credit_signal_batches" && params.includes("APPLYING")) {
      phase.marks.set("applying", performance.now());
    }
    if (!phase) return null;
    const started = performance.now();
    return () => {
      const entry = phase.byStatement.get(label) ?? { ms: 0, count: 0 };
      entry.ms += performance.now() - started;
      entry.count++;
      phase.byStatement.set(label, entry);
    };
  });
}

async function measure<T>(name: string, unit: string, work: (phase: Phase) => Promise<T>, items?: (result: T) => number): Promise<T> {
  const phase: Phase = {
    name,
    ms: 0,
    items: null,
    unit,
    busyMs: 0,
    waitMs: 0,
    peakRssBytes: process.memoryUsage().rss,
    byStatement: new Map(),
    marks: new Map(),
    note: "",
  };
  current = phase;
  const loop = performance.eventLoopUtilization();
  const started = performance.now();
  try {
    const result = await work(phase);
    phase.items = items ? items(result) : null;
    return result;
  } finally {
    phase.ms = performance.now() - started;
    const used = performance.eventLoopUtilization(loop);
    phase.busyMs = used.active;
    phase.waitMs = used.idle;
    sampleRss();
    current = null;
    phases.push(phase);
    const rate = phase.items !== null ? `, ${fmt(phase.items)} ${unit}, ${fmt(rateOf(phase))}/s` : "";
    console.log(
      `  ${name}: ${sec(phase.ms)} s${rate} (Node busy ${sec(phase.busyMs)} s, waiting ${sec(phase.waitMs)} s, ` +
        `peak RSS ${mib(phase.peakRssBytes)} MiB)${phase.note ? ` — ${phase.note}` : ""}`,
    );
  }
}

const rateOf = (p: Phase) => (p.items ?? 0) / (p.ms / 1000);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const sec = (ms: number) => (ms / 1000).toFixed(1);
const mib = (bytes: number) => Math.round(bytes / 1024 / 1024).toLocaleString("en-US");
const pct = (part: number, whole: number) => (whole > 0 ? `${Math.round((part / whole) * 100)} %` : "–");
const phaseNamed = (name: string) => phases.find((p) => p.name === name)!;

// ─── Set-up ─────────────────────────────────────────────────────────────────

const url = withDatabase(process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres", DATABASE);
// The env module reads DATABASE_URL once, when first imported: set it before any app module loads.
process.env.DATABASE_URL = url;
timeStatements();

const cleanUp = dropOnExit(url, DATABASE, Boolean(values.keep));

const loadAtStart = os.loadavg()[0]!;
console.log(
  `credit benchmark: ${fmt(ROWS)} rows, ${fmt(ENTERPRISES)} enterprises, seed ${SEED}; ${os.cpus().length} cores, ` +
    `${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, load average ${loadAtStart.toFixed(2)}`,
);

await dropDatabase(url); // left over from a --keep run
await measure("create + migrate database", "", async () => {
  await createDatabase(url);
  await migrateDeploy(url);
});

const { env } = await import("../../app/config/env.server");
const { createPrismaClient } = await import("../../app/db.server");
const { seedRoles } = await import("../../prisma/seed/seed");
const { generateEnterprise } = await import("../../prisma/seed/city");
const { toCsv, SIGNAL_SOURCES } = await import("../../prisma/seed/credit");
const { Random } = await import("../../prisma/seed/random");
const { storeSignalBatch } = await import("../../app/domain/credit/import/submit-signal-batch.server");
const { runSignalImport } = await import("../../app/domain/credit/import/run-signal-import.server");
const { readCsvRows, validateRow } = await import("../../app/domain/credit/import/read-rows.server");
const { SIGNAL_DEFINITIONS } = await import("../../app/domain/credit/signal-kinds");
const { SIGNAL_VALUE_SELECT } = await import("../../app/domain/credit/signal-select.server");
const { evaluateEnterprises } = await import("../../app/domain/credit/evaluate-enterprises.server");
const { buildSnapshot, platformToday } = await import("../../app/domain/credit/build-snapshot");
const { snapshotSha256 } = await import("../../app/domain/credit/scorecard/hash.server");
const { evaluate } = await import("../../app/domain/credit/scorecard/evaluate");
const { ACTIVE_SCORECARD_VERSION, SCORECARD_MODELS } = await import("../../app/domain/credit/scorecard/models");
const { EVALUATION_CHUNK } = await import("../../app/jobs/definitions");

const db = createPrismaClient(url);

type EvaluationRun = { ms: number; evaluated: number; created: number; changed: number };
const report = {} as {
  pgVersion: string;
  autovacuum: string;
  importMain: { rows: number; storeMs: number; validateMs: number; applyMs: number; totalMs: number; sizeBytes: number };
  duplicate: { ms: number; recognised: boolean };
  modified: { rowsChanged: number; enterprisesChanged: number; enterprisesAffected: number; totalMs: number };
  others: { kind: SignalKindKey; rows: number; ms: number }[];
  noStats: EvaluationRun;
  evaluation1: EvaluationRun;
  evaluation2: EvaluationRun;
  parallel: EvaluationRun & { concurrency: number };
  profileImport: { rows: number; parseMs: number; validateMs: number };
  profileEvaluation: {
    enterprises: number;
    snapshotMs: number;
    hashMs: number;
    scoreMs: number;
    chunks: number;
    readPrismaMs: number;
    readSqlMs: number;
    writePrismaMs: number;
    writeSqlMs: number;
  };
  loadAtEnd: number;
};

try {
  const setting = async (name: string) => (await db.$queryRaw<{ v: string }[]>`SELECT current_setting(${name}) AS v`)[0]?.v ?? "?";
  report.pgVersion = (await setting("server_version")).split(" ")[0]!;
  report.autovacuum = await setting("autovacuum");
  const today = platformToday();
  const analyze = (tables: string[], why: string) =>
    measure(`ANALYZE ${tables.join(", ")}`, "", async (phase) => {
      for (const table of tables) await db.$executeRawUnsafe(`ANALYZE ${table}`);
      phase.note = why;
    });
  const autovacuumNote =
    report.autovacuum === "on" ? "as autovacuum would, at a fixed point so every run sees the same statistics" : "autovacuum's job in production; it is off on this server";

  // ── Seed: roles, one finance office with one user, N enterprises ──────────
  const actor = await measure("seed roles, institution, user", "", async () => {
    await seedRoles(db);
    const institution = await db.institution.create({
      data: { code: "BENCH-JRJ", kind: "FINANCE_OFFICE", nameZh: "基准测试金融局", nameEn: "Benchmark finance office", regionCode: "211100" },
      select: { id: true },
    });
    const user = await db.user.create({
      // Not a valid hash on purpose: nobody signs in to a benchmark database.
      data: {
        username: "bench.finance",
        displayName: "基准测试",
        passwordHash: "!",
        memberships: { create: { roleKey: "finance_office", institutionId: institution.id } },
      },
      select: { id: true },
    });
    return { institutionId: institution.id, userId: user.id };
  });

  const enterprises = await measure(
    "seed enterprises (createMany)",
    "enterprises",
    async () => {
      const rng = new Random(SEED);
      const list: ReturnType<typeof generateEnterprise>[] = [];
      const seen = new Set<string>();
      while (list.length < ENTERPRISES) {
        const e = generateEnterprise(rng);
        if (seen.has(e.uscc)) continue;
        seen.add(e.uscc);
        list.push(e);
      }
      // Larger chunks are no faster through Prisma and cost far more memory.
      for (let i = 0; i < list.length; i += 1_000) await db.enterprise.createMany({ data: list.slice(i, i + 1_000) });
      const ids = new Map((await db.enterprise.findMany({ select: { id: true, uscc: true } })).map((e) => [e.uscc, e.id]));
      return list.map((e) => ({ uscc: e.uscc, size: e.size, id: ids.get(e.uscc)! }));
    },
    (list) => list.length,
  );
  await analyze(["enterprises"], autovacuumNote);

  // ── Files: INVOICED_SALES for R rows, a copy with 1 % of rows changed, other kinds ──
  const files = await measure(
    "generate CSV files",
    "rows",
    async () => {
      const rng = new Random(SEED + 1);
      const periods = monthsBefore(today, MONTHS);
      const sales: Record<string, string>[] = [];
      const salesFen: number[] = [];
      for (const e of enterprises) {
        if (sales.length >= ROWS) break;
        const [lo, hi] = SALES_WAN[e.size] ?? [10, 100];
        let fen = rng.int(lo, hi) * 1_000_000;
        for (const period of periods) {
          if (sales.length >= ROWS) break;
          fen = Math.max(100_000, Math.round(fen * (0.9 + rng.next() * 0.2)));
          salesFen.push(fen);
          sales.push({ uscc: e.uscc, period, amount_yuan: yuan(fen), invoice_count: String(rng.int(5, 80)), as_of: monthEnd(period) });
        }
      }
      const main = toCsv("INVOICED_SALES", sales);

      // Every month of every 100th enterprise: ~1 % of rows, and of enterprises.
      let rowsChanged = 0;
      const touched = new Set<string>();
      sales.forEach((row, i) => {
        if (Math.floor(i / MONTHS) % 100 !== 0) return;
        row.amount_yuan = yuan(Math.round(salesFen[i]! * 1.05));
        rowsChanged++;
        touched.add(row.uscc!);
      });
      const modified = toCsv("INVOICED_SALES", sales);
      sales.length = 0;

      const others = otherKinds(rng, enterprises, today);
      const otherFiles = (Object.keys(others) as SignalKindKey[]).map((kind) => ({ kind, rows: others[kind]!.length, content: toCsv(kind, others[kind]!) }));
      return { main, modified, rowsChanged, enterprisesChanged: touched.size, others: otherFiles };
    },
    (f) => ROWS * 2 + f.others.reduce((s, o) => s + o.rows, 0),
  );
  if (files.main.length > env.IMPORT_MAX_MB * 1024 * 1024) {
    throw new Error(`the CSV is ${mib(files.main.length)} MiB, over IMPORT_MAX_MB (${env.IMPORT_MAX_MB}); use fewer --rows`);
  }

  const submit = (kind: SignalKindKey, content: Buffer, fileName: string) =>
    storeSignalBatch(db, {
      kind,
      source: SIGNAL_SOURCES[kind],
      policy: "ALL_OR_NOTHING",
      fileName,
      format: "CSV",
      content,
      institutionId: actor.institutionId,
      createdById: actor.userId,
      ip: null,
    });

  /** Store (as the upload does), then apply (as the worker does); the bench's files must import cleanly. */
  const importFile = async (phase: Phase, kind: SignalKindKey, content: Buffer, fileName: string) => {
    const t0 = performance.now();
    const stored = await submit(kind, content, fileName);
    const t1 = performance.now();
    if (stored.duplicate) throw new Error(`${fileName} was taken for a duplicate`);
    const outcome = await runSignalImport(db, stored.batchId);
    const t2 = performance.now();
    if (!("rowsAccepted" in outcome) || outcome.status !== "APPLIED" || outcome.rowsRejected > 0) {
      const errors = await db.creditSignalBatchError.findMany({ where: { batchId: stored.batchId }, take: 5 });
      throw new Error(`${fileName}: ${JSON.stringify(outcome)} ${JSON.stringify(errors)}`);
    }
    const applying = phase.marks.get("applying") ?? t2;
    return { outcome, storeMs: t1 - t0, validateMs: applying - t1, applyMs: t2 - applying, totalMs: t2 - t0 };
  };

  // ── Imports ───────────────────────────────────────────────────────────────
  console.log(`importing ${fmt(ROWS)} INVOICED_SALES rows (${mib(files.main.length)} MiB of CSV) …`);
  await measure(
    "import INVOICED_SALES",
    "rows",
    async (phase) => {
      const r = await importFile(phase, "INVOICED_SALES", files.main, "invoiced_sales.csv");
      report.importMain = {
        rows: r.outcome.rowsAccepted,
        storeMs: r.storeMs,
        validateMs: r.validateMs,
        applyMs: r.applyMs,
        totalMs: r.totalMs,
        sizeBytes: files.main.length,
      };
      phase.note = `store ${sec(r.storeMs)} s, validate pass ${sec(r.validateMs)} s, apply pass ${sec(r.applyMs)} s; ${fmt(r.outcome.enterprisesAffected)} enterprises affected`;
      return r.outcome.rowsAccepted;
    },
    (rows) => rows,
  );

  await measure("re-upload identical file", "", async (phase) => {
    const t0 = performance.now();
    const stored = await submit("INVOICED_SALES", files.main, "invoiced_sales-again.csv");
    report.duplicate = { ms: performance.now() - t0, recognised: stored.duplicate };
    phase.note = stored.duplicate ? "recognised as a duplicate, nothing written" : "NOT recognised as a duplicate";
  });

  await measure(
    "import with ~1 % of rows changed",
    "rows",
    async (phase) => {
      const r = await importFile(phase, "INVOICED_SALES", files.modified, "invoiced_sales-corrected.csv");
      report.modified = {
        rowsChanged: files.rowsChanged,
        enterprisesChanged: files.enterprisesChanged,
        enterprisesAffected: r.outcome.enterprisesAffected,
        totalMs: r.totalMs,
      };
      phase.note =
        `${fmt(files.rowsChanged)} rows changed; ${fmt(r.outcome.enterprisesAffected)} enterprises affected ` +
        `(${((r.outcome.enterprisesAffected / ENTERPRISES) * 100).toFixed(2)} %), ${r.outcome.evaluationJobs.length} evaluation jobs`;
      return r.outcome.rowsAccepted;
    },
    (rows) => rows,
  );

  report.others = [];
  for (const file of files.others) {
    await measure(
      `import ${file.kind}`,
      "rows",
      async (phase) => {
        const r = await importFile(phase, file.kind, file.content, `${file.kind.toLowerCase()}.csv`);
        report.others.push({ kind: file.kind, rows: r.outcome.rowsAccepted, ms: r.totalMs });
        return r.outcome.rowsAccepted;
      },
      (rows) => rows,
    );
  }

  // ── Evaluations ─────────────────────────────────────────────────────────
  const ids = enterprises.map((e) => e.id);
  const evaluateAll = (name: string, key: "noStats" | "evaluation1" | "evaluation2", list: string[], asOf?: string) =>
    measure(
      name,
      "evaluations",
      async (phase) => {
        const t0 = performance.now();
        const result = await evaluateEnterprises(db, { enterpriseIds: list, trigger: "bench", asOf });
        report[key] = { ms: performance.now() - t0, ...result };
        phase.note = `${fmt(result.created)} evaluations created, ${fmt(result.changed)} made current`;
        return result.evaluated;
      },
      (n) => n,
    );

  // Another day, so the full run below still creates every evaluation afresh.
  const noStats = ids.slice(0, NO_STATS_SAMPLE);
  await evaluateAll(`evaluate ${fmt(noStats.length)} before ANALYZE`, "noStats", noStats, addDays(today, -1));
  await analyze(["credit_signals", "credit_evaluations"], autovacuumNote);
  await evaluateAll("evaluate all enterprises", "evaluation1", ids);
  await analyze(["credit_evaluations", "enterprises"], autovacuumNote);
  await evaluateAll("evaluate again (nothing changed)", "evaluation2", ids);

  const concurrency = env.WORKER_CONCURRENCY;
  await measure(
    `evaluate all as worker jobs (${EVALUATION_CHUNK} each, ${concurrency} at a time)`,
    "evaluations",
    async (phase) => {
      // The next day, so every job creates evaluations as after a real import.
      const asOf = addDays(today, 1);
      const chunks: string[][] = [];
      for (let i = 0; i < ids.length; i += EVALUATION_CHUNK) chunks.push(ids.slice(i, i + EVALUATION_CHUNK));
      const total = { evaluated: 0, created: 0, changed: 0 };
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
            const r = await evaluateEnterprises(db, { enterpriseIds: chunk, trigger: "bench:worker", asOf });
            total.evaluated += r.evaluated;
            total.created += r.created;
            total.changed += r.changed;
          }
        }),
      );
      report.parallel = { ms: performance.now() - t0, concurrency, ...total };
      phase.note = `${fmt(total.created)} evaluations created`;
      return total.evaluated;
    },
    (n) => n,
  );

  // ── Profile: the pure stages alone, on samples ────────────────────────────
  const definition = SIGNAL_DEFINITIONS.INVOICED_SALES;
  const sample = csvHead(files.main, Math.min(ROWS, PROFILE_ROWS));
  await measure(
    "profile: parse CSV",
    "rows",
    async () => {
      const t0 = performance.now();
      let rows = 0;
      for await (const event of readCsvRows(definition, sample)) if (event.type === "row") rows++;
      report.profileImport = { rows, parseMs: performance.now() - t0, validateMs: 0 };
      return rows;
    },
    (n) => n,
  );
  await measure(
    "profile: parse + validate CSV",
    "rows",
    async () => {
      const t0 = performance.now();
      let rows = 0;
      for await (const event of readCsvRows(definition, sample)) {
        if (event.type === "row" && validateRow(definition, event.row).ok) rows++;
      }
      report.profileImport.validateMs = performance.now() - t0 - report.profileImport.parseMs;
      return rows;
    },
    (n) => n,
  );
  await measure(
    "profile: evaluation stages",
    "enterprises",
    async () => {
      const params = SCORECARD_MODELS[ACTIVE_SCORECARD_VERSION]!;
      const sorted = [...ids].sort().slice(0, PROFILE_ENTERPRISES);
      const p: (typeof report)["profileEvaluation"] = {
        enterprises: 0,
        snapshotMs: 0,
        hashMs: 0,
        scoreMs: 0,
        chunks: 0,
        readPrismaMs: 0,
        readSqlMs: 0,
        writePrismaMs: 0,
        writeSqlMs: 0,
      };
      for (let i = 0; i < sorted.length; i += EVALUATION_CHUNK) {
        const chunk = sorted.slice(i, i + EVALUATION_CHUNK);
        const timed = i / EVALUATION_CHUNK < PROFILE_WRITE_CHUNKS;
        const found = await db.enterprise.findMany({ where: { id: { in: chunk } }, select: { id: true, foundedOn: true, size: true } });
        let t = performance.now();
        // The read evaluateChunk makes, then the same rows through plain SQL.
        const signals = await db.creditSignal.findMany({
          where: { enterpriseId: { in: chunk }, voidedAt: null },
          select: { enterpriseId: true, ...SIGNAL_VALUE_SELECT },
        });
        if (timed) {
          p.readPrismaMs += performance.now() - t;
          t = performance.now();
          await db.$queryRaw`
            SELECT "enterpriseId"::text, kind::text, "naturalKey", period, grade, "amountFen", count, "ratioBps", severity,
                   "startsOn", "endsOn", kept, repaired, details
              FROM credit_signals WHERE "enterpriseId" = ANY(${chunk}::uuid[]) AND "voidedAt" IS NULL`;
          p.readSqlMs += performance.now() - t;
        }
        const byEnterprise = new Map<string, SignalRow[]>();
        for (const s of signals) {
          const list = byEnterprise.get(s.enterpriseId) ?? [];
          list.push(s);
          byEnterprise.set(s.enterpriseId, list);
        }
        t = performance.now();
        const snapshots = found.map((e) => buildSnapshot(e, byEnterprise.get(e.id) ?? [], today));
        p.snapshotMs += performance.now() - t;
        t = performance.now();
        const hashes = snapshots.map((s) => snapshotSha256(s));
        p.hashMs += performance.now() - t;
        t = performance.now();
        const results = snapshots.map((s) => evaluate(s, params));
        p.scoreMs += performance.now() - t;
        p.enterprises += found.length;
        if (timed) {
          // The rows evaluateChunk writes, through Prisma's createMany and through one plain INSERT; rolled back.
          const rows = found.map((e, k) => ({
            id: crypto.randomUUID(),
            enterpriseId: e.id,
            modelVersion: "bench-profile",
            inputSha256: hashes[k]!,
            inputSnapshot: snapshots[k]!,
            evaluatedOn: new Date(`${today}T00:00:00Z`),
            score: results[k]!.score,
            grade: results[k]!.grade,
            excluded: results[k]!.excluded,
            exclusions: results[k]!.exclusions,
            redListed: results[k]!.redListed,
            incentives: results[k]!.incentives,
            reasons: results[k]!.reasons,
            trigger: "bench",
          }));
          await db
            .$transaction(async (tx) => {
              let w = performance.now();
              await tx.creditEvaluation.createMany({ data: rows as unknown as Prisma.CreditEvaluationCreateManyInput[] });
              p.writePrismaMs += performance.now() - w;
              await tx.$executeRaw`DELETE FROM credit_evaluations WHERE "modelVersion" = 'bench-profile'`;
              w = performance.now();
              await tx.$executeRaw`
                INSERT INTO credit_evaluations (id, "enterpriseId", "modelVersion", "inputSha256", "inputSnapshot", "evaluatedOn", score, grade,
                                                excluded, exclusions, "redListed", incentives, reasons, trigger)
                SELECT r.* FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
                  AS r(id uuid, "enterpriseId" uuid, "modelVersion" text, "inputSha256" text, "inputSnapshot" jsonb, "evaluatedOn" date,
                       score int, grade text, excluded boolean, exclusions jsonb, "redListed" boolean, incentives text[], reasons jsonb, trigger text)`;
              p.writeSqlMs += performance.now() - w;
              throw new RolledBack();
            })
            .catch((error: unknown) => {
              if (!(error instanceof RolledBack)) throw error;
            });
          p.chunks++;
        }
      }
      report.profileEvaluation = p;
      return p.enterprises;
    },
    (n) => n,
  );
  report.loadAtEnd = os.loadavg()[0]!;

  printSummary();
  writeDoc();
} finally {
  await db.$disconnect();
  await cleanUp();
  if (values.keep) console.log(`kept database ${DATABASE}: ${url}`);
}
process.exit(0);

// ─── Data ───────────────────────────────────────────────────────────────────

function yuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

function monthEnd(period: string): string {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The `count` closed months before asOf's month, oldest first. */
function monthsBefore(asOf: string, count: number): string[] {
  const y = Number(asOf.slice(0, 4));
  const m = Number(asOf.slice(5, 7)) - 1;
  const out: string[] = [];
  for (let i = count; i >= 1; i--) out.push(new Date(Date.UTC(y, m - i, 1)).toISOString().slice(0, 7));
  return out;
}

/** The header and first `rows` rows of a CSV whose cells hold no line breaks. */
function csvHead(csv: Buffer, rows: number): Buffer {
  let offset = 0;
  for (let i = 0; i <= rows && offset < csv.length; i++) offset = csv.indexOf(10, offset) + 1 || csv.length;
  return csv.subarray(0, offset);
}

/**
 * Enough of the other kinds that scores spread like real ones: a tax grade for
 * everyone, three months of social insurance and of electricity for a sixth
 * each, and the rarer records (dishonest debtors, penalties, red list) at
 * plausible rates.
 */
function otherKinds(rng: Rng, list: { uscc: string; size: string }[], asOf: string): Partial<Record<SignalKindKey, Record<string, string>[]>> {
  const year = Number(asOf.slice(0, 4));
  const recent = monthsBefore(asOf, 3);
  const rows: Partial<Record<SignalKindKey, Record<string, string>[]>> = {
    TAX_GRADE: [],
    SOCIAL_INSURANCE: [],
    UTILITY_PAYMENT: [],
    DISHONEST_DEBTOR: [],
    ADMIN_PENALTY: [],
    RED_LIST: [],
  };
  list.forEach((e, i) => {
    const grade = rng.weighted([["A", 30], ["B", 40], ["M", 15], ["C", 10], ["D", 5]] as const);
    rows.TAX_GRADE!.push({ uscc: e.uscc, year: String(year - 1), grade, as_of: `${year}-04-30` });
    if (i % 6 === 0) {
      const headcount = rng.int(1, e.size === "MICRO" ? 9 : e.size === "SMALL" ? 99 : 500);
      for (const period of recent) {
        const arrears = rng.next() < 0.05 ? rng.int(2_000, 40_000) * 100 : 0;
        rows.SOCIAL_INSURANCE!.push({ uscc: e.uscc, period, headcount: String(headcount), arrears_yuan: yuan(arrears), as_of: monthEnd(period) });
      }
    }
    if (i % 6 === 1) {
      for (const period of recent) {
        rows.UTILITY_PAYMENT!.push({
          uscc: e.uscc,
          period,
          utility: "ELECTRICITY",
          bills_due: "1",
          bills_on_time: rng.next() < 0.05 ? "0" : "1",
          as_of: monthEnd(period),
        });
      }
    }
    if (rng.next() < 0.01) {
      rows.DISHONEST_DEBTOR!.push({
        uscc: e.uscc,
        case_no: `(${year - 1})辽11${rng.int(0, 9)}${rng.int(1, 9)}执${i}号`,
        court: "盘锦市双台子区人民法院",
        starts_on: `${year - 1}-0${rng.int(1, 9)}-15`,
        ends_on: rng.next() < 0.5 ? `${year}-0${rng.int(1, 9)}-01` : "",
        as_of: asOf,
      });
    }
    if (rng.next() < 0.05) {
      rows.ADMIN_PENALTY!.push({
        uscc: e.uscc,
        decision_no: `盘市监罚〔${year - 1}〕${i}号`,
        authority: "盘锦市市场监督管理局",
        decided_on: `${year - 1}-${String(rng.int(1, 12)).padStart(2, "0")}-${String(rng.int(1, 28)).padStart(2, "0")}`,
        severity: rng.weighted([["MINOR", 50], ["GENERAL", 40], ["SEVERE", 10]] as const),
        fine_yuan: String(rng.int(1, 100) * 1000),
        repaired: rng.next() < 0.3 ? "YES" : "NO",
        as_of: asOf,
      });
    }
    if (grade === "A" && rng.next() < 0.4) {
      rows.RED_LIST!.push({
        uscc: e.uscc,
        list_type: "A_TAXPAYER",
        reference: `盘税〔${year}〕${i}号`,
        starts_on: `${year}-04-30`,
        ends_on: `${year + 1}-04-29`,
        as_of: asOf,
      });
    }
  });
  return rows;
}

// ─── Output ─────────────────────────────────────────────────────────────────


function phaseTable(): string[] {
  return markdownTable(
    ["phase", "s", "items", "rate", "Node busy s", "waiting s", "peak RSS MiB"],
    phases.map((p) => [
      p.name,
      sec(p.ms),
      p.items === null ? "" : `${fmt(p.items)} ${p.unit}`,
      p.items === null ? "" : `${fmt(rateOf(p))}/s`,
      sec(p.busyMs),
      sec(p.waitMs),
      mib(p.peakRssBytes),
    ]),
    ["l", "r", "r", "r", "r", "r", "r"],
  );
}

function statementTable(name: string): string[] {
  const phase = phaseNamed(name);
  const rows = [...phase.byStatement.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .filter(([, v]) => v.ms >= 100)
    .map(([label, v]) => [label, fmt(v.count), sec(v.ms), pct(v.ms, phase.ms)]);
  return markdownTable(["statement", "count", "s, send → reply", "share"], rows, ["l", "r", "r", "r"]);
}

function goals() {
  const importRate = report.importMain.rows / (report.importMain.totalMs / 1000);
  const evalRate = report.evaluation1.evaluated / (report.evaluation1.ms / 1000);
  const parallelRate = report.parallel.evaluated / (report.parallel.ms / 1000);
  return {
    importRate,
    evalRate,
    parallelRate,
    importMet: importRate >= GOAL_ROWS_PER_SECOND,
    evalMet: evalRate >= GOAL_EVALUATIONS_PER_SECOND,
    parallelMet: parallelRate >= GOAL_EVALUATIONS_PER_SECOND,
    // The measured rates at the goals' sizes, whatever --rows and --enterprises were.
    importSecondsPerMillion: 1_000_000 / importRate,
    evalSecondsPer100k: 100_000 / evalRate,
    parallelSecondsPer100k: 100_000 / parallelRate,
  };
}

function breakdown(): string[] {
  const m = report.importMain;
  const imp = phaseNamed("import INVOICED_SALES");
  const ev = phaseNamed("evaluate all enterprises");
  const pi = report.profileImport;
  const pe = report.profileEvaluation;
  // runSignalImport reads and validates the whole file twice: once to check it, once to write it.
  const parseMs = 2 * pi.parseMs * (m.rows / pi.rows);
  const validateMs = 2 * pi.validateMs * (m.rows / pi.rows);
  const importOther = Math.max(0, imp.busyMs - parseMs - validateMs);
  const scale = report.evaluation1.evaluated / pe.enterprises;
  const snapshotMs = pe.snapshotMs * scale;
  const hashMs = pe.hashMs * scale;
  const scoreMs = pe.scoreMs * scale;
  const evOther = Math.max(0, ev.busyMs - snapshotMs - hashMs - scoreMs);
  const perChunk = (ms: number) => (pe.chunks > 0 ? (ms / pe.chunks).toFixed(0) : "–");
  const per100k = (ms: number) => (pe.chunks > 0 ? sec(((ms / pe.chunks) * 100_000) / EVALUATION_CHUNK) : "–");
  return [
    `**Import** of ${fmt(m.rows)} rows, ${sec(imp.ms)} s: store ${sec(m.storeMs)} s, validate pass ${sec(m.validateMs)} s, apply pass ${sec(m.applyMs)} s.`,
    "",
    ...markdownTable(
      ["where", "s", "share"],
      [
        ["CSV decode + parse, both passes", sec(parseMs), pct(parseMs, imp.ms)],
        ["row validation (zod), both passes", sec(validateMs), pct(validateMs, imp.ms)],
        ["other Node work (Prisma, pg encoding, lookups, GC)", sec(importOther), pct(importOther, imp.ms)],
        ["waiting on PostgreSQL", sec(imp.waitMs), pct(imp.waitMs, imp.ms)],
      ],
      ["l", "r", "r"],
    ),
    "",
    ...statementTable("import INVOICED_SALES"),
    "",
    `**Evaluation** of ${fmt(report.evaluation1.evaluated)} enterprises in one call, ${sec(ev.ms)} s:`,
    "",
    ...markdownTable(
      ["where", "s", "share"],
      [
        ["build snapshots", sec(snapshotMs), pct(snapshotMs, ev.ms)],
        ["hash snapshots (canonical JSON + SHA-256)", sec(hashMs), pct(hashMs, ev.ms)],
        ["score", sec(scoreMs), pct(scoreMs, ev.ms)],
        ["other Node work (Prisma, pg encoding, GC)", sec(evOther), pct(evOther, ev.ms)],
        ["waiting on PostgreSQL", sec(ev.waitMs), pct(ev.waitMs, ev.ms)],
      ],
      ["l", "r", "r"],
    ),
    "",
    ...statementTable("evaluate all enterprises"),
    "",
    `Prisma against plain SQL for evaluateChunk's two large statements (${pe.chunks} chunks of ${EVALUATION_CHUNK}, same data; the writes rolled back):`,
    "",
    ...markdownTable(
      ["statement", "Prisma ms/chunk", "plain SQL ms/chunk", "Prisma s/100k", "plain SQL s/100k"],
      [
        ["read signals: `creditSignal.findMany` vs `$queryRaw … = ANY($1::uuid[])`", perChunk(pe.readPrismaMs), perChunk(pe.readSqlMs), per100k(pe.readPrismaMs), per100k(pe.readSqlMs)],
        ["write evaluations: `creditEvaluation.createMany` vs `INSERT … SELECT FROM jsonb_to_recordset($1)`", perChunk(pe.writePrismaMs), perChunk(pe.writeSqlMs), per100k(pe.writePrismaMs), per100k(pe.writeSqlMs)],
      ],
      ["l", "r", "r", "r", "r"],
    ),
  ];
}

function goalLines(): string[] {
  const g = goals();
  return [
    `- 1,000,000 rows imported in ≤ 60 s: ${fmt(g.importRate)} rows/s, ${sec(g.importSecondsPerMillion * 1000)} s per million — ${g.importMet ? "**met**" : "**missed**"}.`,
    `- 100,000 evaluations in ≤ 30 s: ${fmt(g.evalRate)} evaluations/s in one evaluateEnterprises call, ${sec(g.evalSecondsPer100k * 1000)} s per 100k — ${g.evalMet ? "**met**" : "**missed**"}; ` +
      `as worker jobs, ${report.parallel.concurrency} at a time: ${fmt(g.parallelRate)}/s, ${sec(g.parallelSecondsPer100k * 1000)} s per 100k — ${g.parallelMet ? "met" : "missed"}.`,
    `- Re-uploading the identical file: ${report.duplicate.recognised ? "recognised as a duplicate" : "**not** recognised"} in ${report.duplicate.ms.toFixed(0)} ms (SHA-256 of the content); nothing written.`,
    `- A file with ${fmt(report.modified.rowsChanged)} of ${fmt(report.importMain.rows)} rows changed (every month of ${fmt(report.modified.enterprisesChanged)} enterprises): ` +
      `${fmt(report.modified.enterprisesAffected)} enterprises affected (${((report.modified.enterprisesAffected / ENTERPRISES) * 100).toFixed(2)} %), ${sec(report.modified.totalMs)} s.`,
    `- Evaluating everyone again with nothing changed: ${fmt(report.evaluation2.created)} evaluations created, ${fmt(report.evaluation2.changed)} made current, ${sec(report.evaluation2.ms)} s.`,
    `- Before ANALYZE (no planner statistics, as right after a first bulk import: signals are read by sequential scan), ` +
      `${fmt(report.noStats.evaluated)} enterprises: ${fmt(report.noStats.evaluated / (report.noStats.ms / 1000))} evaluations/s, against ${fmt(g.evalRate)}/s ` +
      `after it; the gap grows with the tables, as the evaluations lookup also scans.`,
  ];
}

function printSummary() {
  console.log("\nSummary\n");
  for (const l of phaseTable()) console.log(l);
  console.log("");
  for (const l of breakdown()) console.log(l);
  console.log("");
  for (const l of goalLines()) console.log(l);
  console.log(`\nload average: ${loadAtStart.toFixed(2)} at start, ${report.loadAtEnd.toFixed(2)} at end; autovacuum ${report.autovacuum}`);
}

function writeDoc() {
  const when = new Date().toISOString().slice(0, 16).replace("T", " ");
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  const section = [
    SECTION,
    "",
    "The credit-data pipeline as production runs it: each CSV file is stored with `storeSignalBatch` (what the upload does)",
    "and applied with `runSignalImport` (what the worker does: a validate pass, then one transaction of upserts), then",
    "every enterprise is evaluated with `evaluateEnterprises`. Written by `scripts/bench/credit.ts`, which replaces this",
    "section on every run:",
    "",
    "```sh",
    `npx tsx scripts/bench/credit.ts --rows ${ROWS} --enterprises ${ENTERPRISES}   # --keep leaves the database xyd_bench_credit`,
    "```",
    "",
    `Last run ${when} UTC: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, ` +
      `PostgreSQL ${report.pgVersion} on the same machine (autovacuum ${report.autovacuum}), load average ${loadAtStart.toFixed(2)} at start and ` +
      `${report.loadAtEnd.toFixed(2)} at end. ${fmt(ENTERPRISES)} enterprises; INVOICED_SALES with ${MONTHS} months each, ` +
      `${fmt(report.importMain.rows)} rows (${mib(report.importMain.sizeBytes)} MiB of CSV); then ` +
      `${report.others.map((o) => `${fmt(o.rows)} ${o.kind}`).join(", ")} rows.`,
    "",
    "### Goals and checks",
    "",
    ...goalLines(),
    "",
    "### Phases",
    "",
    "\"Node busy\" and \"waiting\" split each phase by the event loop's utilisation: waiting is time Node had nothing to do but",
    "wait for PostgreSQL. Peak RSS is the whole Node process (holding the generated files), sampled every 100 ms. The",
    `ANALYZE phases do ${report.autovacuum === "on" ? "what autovacuum would, at fixed points" : "what autovacuum does in production (it is off on this server)"}; the profile phases time the pure stages on samples.`,
    "",
    ...phaseTable(),
    "",
    "### Where the time goes",
    "",
    "Parsing, validation, snapshots, hashing and scoring are scaled up from the profile phases; \"other Node work\" is the",
    "rest of the busy time. Statement times run from send to reply (the importer's progress writes are not awaited, so",
    "theirs include Node work that delayed the reply).",
    "",
    ...breakdown(),
    "",
  ].join("\n");

  writeBenchmarkSection(SECTION, section);
}

/**
 * `npm run bench:ledger -- [--accounts 1000] [--batched 200000] [--singles 2000] [--concurrency 16] [--keep]`
 *
 * Benchmarks the embedded ledger (LEDGER_BACKEND=postgres) through the
 * Ledger port as the application calls it: createTransfers in full batches
 * (8,189 events, TigerBeetle's batch size), then one transfer per request,
 * one caller at a time and with several callers at once. Every batch is
 * checked: all its transfers created, and debits equal credits at the end.
 *
 * Works in its own database, xyd_bench_ledger on BENCH_DATABASE_URL's server,
 * created and migrated afresh and dropped at the end unless --keep. Prints a
 * summary and rewrites the section "## Ledger: embedded PostgreSQL
 * implementation" of docs/BENCHMARKS.md.
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createDatabase, dropDatabase, migrateDeploy, withDatabase } from "../lib/db-admin";
import { dropOnExit, fail, markdownTable, writeBenchmarkSection } from "../lib/bench-report";

const DATABASE = "xyd_bench_ledger";
const SECTION = "## Ledger: embedded PostgreSQL implementation";
/** The goal: at least 20,000 transfers/s when batched. */
const GOAL_BATCHED_PER_S = 20_000;
const LEDGER = 156;

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "1000" },
    batched: { type: "string", default: "200000" },
    singles: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "16" },
    keep: { type: "boolean", default: false },
  },
});
const ACCOUNTS = Number(values.accounts);
const BATCHED = Number(values.batched);
const SINGLES = Number(values.singles);
const CONCURRENCY = Number(values.concurrency);
if (!Number.isInteger(ACCOUNTS) || ACCOUNTS < 2 || ACCOUNTS > 100_000) fail("--accounts must be an integer from 2 to 100,000");
if (!Number.isInteger(BATCHED) || BATCHED < 1 || BATCHED > 10_000_000) fail("--batched must be an integer from 1 to 10,000,000");
if (!Number.isInteger(SINGLES) || SINGLES < 1 || SINGLES > 1_000_000) fail("--singles must be an integer from 1 to 1,000,000");
if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1 || CONCURRENCY > 256) fail("--concurrency must be an integer from 1 to 256");

const url = withDatabase(process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres", DATABASE);
// The env module reads these once, when first imported: set them before any app module loads.
process.env.DATABASE_URL = url;
process.env.LEDGER_BACKEND = "postgres";
const cleanUp = dropOnExit(url, DATABASE, Boolean(values.keep));

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const ms2 = (n: number) => n.toFixed(2);
const id = () => BigInt(`0x${randomBytes(16).toString("hex")}`) || 1n;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

await dropDatabase(url);
await createDatabase(url);
await migrateDeploy(url);

const { prisma } = await import("../../app/db.server");
const { getLedger } = await import("../../app/domain/ledger/ledger.server");
const { BATCH_MAX } = await import("../../app/domain/ledger/ledger");
const ledger = await getLedger();
const loadAtStart = os.loadavg()[0]!;

try {
  // Accounts, in full batches.
  const accountIds = Array.from({ length: ACCOUNTS }, id);
  for (let i = 0; i < accountIds.length; i += BATCH_MAX) {
    const results = await ledger.createAccounts(accountIds.slice(i, i + BATCH_MAX).map((a) => ({ id: a, ledger: LEDGER, code: 10 })));
    if (results.some((r) => r.status !== "created")) throw new Error("an account was not created");
  }
  const pick = () => accountIds[Math.floor(Math.random() * accountIds.length)]!;
  const transfer = () => {
    const debit = pick();
    let credit = pick();
    while (credit === debit) credit = pick();
    return { id: id(), debit_account_id: debit, credit_account_id: credit, amount: BigInt(1 + Math.floor(Math.random() * 1_000_000)), ledger: LEDGER, code: 1 };
  };

  // 1. Batched.
  const batchMs: number[] = [];
  let done = 0;
  const t0 = performance.now();
  while (done < BATCHED) {
    const batch = Array.from({ length: Math.min(BATCH_MAX, BATCHED - done) }, transfer);
    const s = performance.now();
    const results = await ledger.createTransfers(batch);
    batchMs.push(performance.now() - s);
    if (results.some((r) => r.status !== "created")) throw new Error(`a batched transfer was refused: ${results.find((r) => r.status !== "created")!.status}`);
    done += batch.length;
  }
  const batchedMs = performance.now() - t0;
  const batchedRate = (BATCHED / batchedMs) * 1000;
  batchMs.sort((a, b) => a - b);

  // 2. One transfer per request: one caller, then several at once.
  const singles = async (callers: number) => {
    const latencies: number[] = [];
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (next < SINGLES) {
          next++;
          const s = performance.now();
          const [r] = await ledger.createTransfers([transfer()]);
          latencies.push(performance.now() - s);
          if (r!.status !== "created") throw new Error(`a single transfer was refused: ${r!.status}`);
        }
      }),
    );
    const ms = performance.now() - start;
    latencies.sort((a, b) => a - b);
    return { callers, rate: (SINGLES / ms) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1)! };
  };
  const serial = await singles(1);
  const parallel = await singles(CONCURRENCY);

  // Debits equal credits over every account.
  const [sums] = await prisma.$queryRawUnsafe<{ debits: string; credits: string; transfers: string }[]>(
    `SELECT sum(debits_posted)::text AS debits, sum(credits_posted)::text AS credits, (SELECT count(*) FROM ledger_transfers)::text AS transfers FROM ledger_accounts`,
  );
  if (sums!.debits !== sums!.credits) throw new Error(`debits ${sums!.debits} ≠ credits ${sums!.credits}`);
  if (Number(sums!.transfers) !== BATCHED + 2 * SINGLES) throw new Error(`expected ${BATCHED + 2 * SINGLES} transfers, found ${sums!.transfers}`);

  const met = batchedRate >= GOAL_BATCHED_PER_S;
  const summary = [
    `Ledger benchmark — embedded PostgreSQL ledger, ${fmt(ACCOUNTS)} accounts; ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "?"}, load average ${loadAtStart.toFixed(2)} at start, ${os.loadavg()[0]!.toFixed(2)} at end`,
    `- Batched (${fmt(BATCH_MAX)} per request): ${fmt(BATCHED)} transfers in ${(batchedMs / 1000).toFixed(1)} s = ${fmt(batchedRate)} transfers/s; per batch p50 ${fmt(percentile(batchMs, 50))} ms, p99 ${fmt(percentile(batchMs, 99))} ms — goal ≥ ${fmt(GOAL_BATCHED_PER_S)}/s ${met ? "MET" : "MISSED"}`,
    `- Single, 1 caller: ${fmt(serial.rate)} transfers/s; p50 ${ms2(serial.p50)} ms, p99 ${ms2(serial.p99)} ms, max ${ms2(serial.max)} ms`,
    `- Single, ${CONCURRENCY} callers: ${fmt(parallel.rate)} transfers/s; p50 ${ms2(parallel.p50)} ms, p99 ${ms2(parallel.p99)} ms, max ${ms2(parallel.max)} ms`,
    `- Checked: every transfer created; ${sums!.transfers} transfers stored; debits posted = credits posted = ${sums!.debits} 分`,
  ];
  console.log(summary.join("\n"));
  writeBenchmarkSection(
    SECTION,
    [
      SECTION,
      "",
      "The embedded ledger (`app/domain/ledger/postgres-ledger.server.ts`, ADR 0014) through the `Ledger` port: one",
      "transaction per request under the ledger's advisory lock (one writer at a time, as TigerBeetle applies one batch at",
      "a time). Written by `scripts/bench/ledger.ts`, which replaces this section on every run:",
      "",
      "```sh",
      `npm run bench:ledger   # = --accounts ${ACCOUNTS} --batched ${BATCHED} --singles ${SINGLES} --concurrency ${CONCURRENCY}`,
      "```",
      "",
      `Last run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: ${os.cpus().length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, PostgreSQL on the same machine.`,
      "",
      ...markdownTable(
        ["mode", "transfers", "transfers/s", "p50 ms", "p99 ms", "max ms"],
        [
          [`batched, ${fmt(BATCH_MAX)} per request (latency per batch)`, fmt(BATCHED), fmt(batchedRate), fmt(percentile(batchMs, 50)), fmt(percentile(batchMs, 99)), fmt(batchMs.at(-1)!)],
          ["single, 1 caller", fmt(SINGLES), fmt(serial.rate), ms2(serial.p50), ms2(serial.p99), ms2(serial.max)],
          [`single, ${CONCURRENCY} callers`, fmt(SINGLES), fmt(parallel.rate), ms2(parallel.p50), ms2(parallel.p99), ms2(parallel.max)],
        ],
        ["l", "r", "r", "r", "r", "r"],
      ),
      "",
      `Goal: at least ${fmt(GOAL_BATCHED_PER_S)} transfers/s batched — **${met ? "MET" : "MISSED"}**. Single requests serialise on the ledger's lock, so`,
      "more callers queue rather than add throughput: callers with volume batch, as they would against TigerBeetle.",
      "",
      "```text",
      ...summary,
      "```",
    ].join("\n"),
  );
} finally {
  await ledger.close();
  await prisma.$disconnect();
  await cleanUp();
}

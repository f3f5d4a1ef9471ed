/**
 * The worker killed with SIGKILL in the middle of its three heaviest jobs — a
 * credit-signal import, the full re-match, a large batch of ledger postings —
 * then restarted: each job's effect must be that of one clean run.
 *
 * "In the middle" is made certain, not hoped for with a sleep: a connection
 * of the scenario holds a lock the job needs part-way through (a fact the
 * import's third chunk updates, the re-match lock the rebuild's swap takes,
 * the postings table the second batch marks), the scenario watches the
 * worker's connections (PGAPPNAME) in pg_stat_activity until the job waits
 * there, records how far it got, and kills it. Lock waits are what a busy
 * database gives anyway; the kill comes while the job's transaction is open.
 *
 * Runs against the database and Redis prefix of the environment (set before
 * this module is imported): a Vitest file's own, or the command's scratch ones.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { env } from "~/config/env.server";
import { prisma } from "~/db.server";
import { evaluateEnterprises } from "~/domain/credit/evaluate-enterprises.server";
import { runSignalImport } from "~/domain/credit/import/run-signal-import.server";
import { storeSignalBatch } from "~/domain/credit/import/submit-signal-batch.server";
import { BATCH_MAX } from "~/domain/ledger/ledger";
import { createPostgresLedger } from "~/domain/ledger/postgres-ledger.server";
import { newTransferId, preparePostings, SUBMIT_LOCK_KEY } from "~/domain/ledger/postings.server";
import { rematchAll } from "~/domain/matching/rebuild-rankings.server";
import { REMATCH_LOCK_KEY } from "~/domain/matching/rematch.server";
import { calendarDay } from "~/domain/needs/need-rules";
import { postNeed } from "~/domain/needs/post-need.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { enqueue } from "~/jobs/enqueue.server";
import { makeActor, makeEnterprises, makeProduct } from "../../../tests/helpers";
import { money, Report } from "./checks";
import { logRecords, startWorker, stopProcess, waitFor, type ManagedProcess } from "./processes";

/** How long a restarted worker may take to pick up the killed job: BullMQ's 30 s lock, then a stalled check (every 30 s). */
const RECOVERY_MS = 150_000;
const GATE_MS = 120_000;

export type Scenario = (report: Report) => Promise<void>;

const appName = (what: string) => `xyd-kill-${what}-${randomUUID().slice(0, 8)}`;

/** A connection of the scenario's own, named so it is never mistaken for the worker's. */
async function connect(name: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: env.DATABASE_URL, application_name: name });
  await client.connect();
  // A gate connection whose server goes away must not take the process down with an unhandled 'error'.
  client.on("error", () => undefined);
  return client;
}

type Backend = { pid: number; state: string | null; wait_event_type: string | null; wait_event: string | null; query: string; has_xid: boolean };

function workerBackends(name: string) {
  return prisma.$queryRaw<Backend[]>`
    SELECT pid, state, wait_event_type, wait_event, query, backend_xid IS NOT NULL AS has_xid
      FROM pg_stat_activity WHERE datname = current_database() AND application_name = ${name}`;
}

/** Kills the worker and waits until PostgreSQL has ended every connection it had (their transactions rolled back). */
async function killWorker(report: Report, worker: ManagedProcess, name: string, releaseGate: () => Promise<void>): Promise<void> {
  const exit = await stopProcess(worker, "SIGKILL");
  report.same(exit, { code: null, signal: "SIGKILL" }, "the worker died of SIGKILL (no shutdown handler ran)");
  // A connection waiting on the gate notices its client is gone only when the wait ends.
  await releaseGate();
  await waitFor("the dead worker's connections closed", async () => (await workerBackends(name)).length === 0, 60_000);
}

/** Waits for a "job completed" line for this job name in the worker's log. */
async function jobCompleted(worker: ManagedProcess, jobName: string): Promise<void> {
  await waitFor(`${jobName} completed by the restarted worker`, async () => logRecords(worker, "job completed").some((r) => r.job === jobName), RECOVERY_MS, worker, 500);
}

// ── (a) A credit-signal import ──────────────────────────────────────────────

const IMPORT_ENTERPRISES = 500;
const IMPORT_MONTHS = 30;
const IMPORT_BAD_EVERY = 2_500;
/** Enterprise whose month-0 fact exists before the batch: the batch's third write chunk (rows 10,001–15,000) updates it. */
const GATED_ENTERPRISE = 450;

const month = (m: number) => {
  const y = 2023 + Math.floor(m / 12);
  const mm = (m % 12) + 1;
  return { period: `${y}-${String(mm).padStart(2, "0")}`, asOf: `${y}-${String(mm).padStart(2, "0")}-28` };
};

export const creditImportScenario: Scenario = async (report) => {
  const finance = await makeActor("finance_office");
  const { uscc } = await makeEnterprises(IMPORT_ENTERPRISES, 20261207, "盘锦导入测试");
  const store = (name: string, csv: string) =>
    storeSignalBatch(prisma, {
      kind: "INVOICED_SALES",
      source: "税务局",
      policy: "VALID_ROWS",
      fileName: name,
      format: "CSV",
      content: Buffer.from(csv, "utf8"),
      institutionId: finance.institution!.id,
      createdById: finance.userId,
      ip: null,
    });
  const header = "uscc,period,amount_yuan,invoice_count,as_of";

  // The fact the gate holds: imported (and committed) before the batch, which changes its amount.
  const earlier = await store("earlier.csv", `${header}\n${uscc[GATED_ENTERPRISE]},${month(0).period},1.00,1,${month(0).asOf}`);
  await runSignalImport(prisma, earlier.batchId);
  const gated = await prisma.creditSignal.findFirstOrThrow({ where: { batchId: earlier.batchId }, select: { id: true } });

  const lines = [header];
  let bad = 0;
  for (let e = 0; e < IMPORT_ENTERPRISES; e++) {
    for (let m = 0; m < IMPORT_MONTHS; m++) {
      const { period, asOf } = month(m);
      lines.push(`${uscc[e]},${period},${100_000 + e * 37 + m}.50,${(e + m) % 50},${asOf}`);
      // Rows the validation rejects, spread through the file: they are reported once, never applied.
      if (lines.length % IMPORT_BAD_EVERY === 0) {
        lines.push(`${uscc[e]},${period.slice(0, 4)}-13,不是金额,1,${asOf}`);
        bad++;
      }
    }
  }
  const valid = IMPORT_ENTERPRISES * IMPORT_MONTHS;
  report.figure("import rows in file (valid + rejected)", `${valid} + ${bad}`);
  const batch = await store("big.csv", lines.join("\n"));

  const gate = await connect("xyd-kill-gate-import");
  const name = appName("import");
  let worker = await startWorker({ appName: name });
  let gateOpen = false;
  const releaseGate = async () => {
    if (gateOpen) return;
    gateOpen = true;
    await gate.query("ROLLBACK");
  };
  try {
    await gate.query("BEGIN");
    await gate.query("SELECT 1 FROM credit_signals WHERE id = $1 FOR UPDATE", [gated.id]);
    await enqueue("importSignalBatch", { batchId: batch.batchId });

    await waitFor(
      "the import's apply transaction, with rows written, waiting on the gated fact",
      async () => {
        const state = await prisma.creditSignalBatch.findUniqueOrThrow({ where: { id: batch.batchId }, select: { status: true } });
        if (state.status !== "APPLYING") return false;
        return (await workerBackends(name)).some(
          (b) => b.wait_event_type === "Lock" && b.query.includes("INSERT INTO credit_signals") && b.has_xid,
        );
      },
      GATE_MS,
      worker,
    );
    const atKill = await prisma.creditSignalBatch.findUniqueOrThrow({ where: { id: batch.batchId }, select: { status: true, rowsDone: true, rowsAccepted: true } });
    // The apply writes in chunks of 5,000, one in flight: waiting in the third means the first two (10,000 rows) were written, uncommitted.
    report.figure("import at kill: status", atKill.status);
    report.figure("import at kill: rows written in the open transaction", "≥ 10000 (waiting in the 3rd of 3 chunks)");
    report.figure("import at kill: rows shown done (progress)", `${atKill.rowsDone} of ${atKill.rowsAccepted}`);
    report.check(atKill.rowsDone < atKill.rowsAccepted, "the import was killed before all its rows were written");

    await killWorker(report, worker, name, releaseGate);
  } finally {
    await releaseGate().catch(() => undefined);
    await gate.end();
  }

  const afterKill = await prisma.creditSignalBatch.findUniqueOrThrow({ where: { id: batch.batchId }, select: { status: true } });
  const committedAtKill = await prisma.creditSignal.count({ where: { batchId: batch.batchId } });
  report.figure("import after kill: facts of the batch committed", committedAtKill);
  report.same(afterKill.status, "APPLYING", "the killed import left its batch APPLYING");
  report.same(committedAtKill, 0, "nothing of the killed import's transaction was committed");

  const restartedAt = Date.now();
  worker = await startWorker({ appName: name });
  try {
    await waitFor(
      "the batch applied by the restarted worker",
      async () => (await prisma.creditSignalBatch.findUniqueOrThrow({ where: { id: batch.batchId }, select: { status: true } })).status === "APPLIED",
      RECOVERY_MS,
      worker,
      500,
    );
    report.figure("import: applied after restart in", `${((Date.now() - restartedAt) / 1000).toFixed(1)} s`);
    const enterpriseIds = (await prisma.enterprise.findMany({ where: { uscc: { in: uscc } }, select: { id: true } })).map((e) => e.id);
    const trigger = `batch:${batch.batchId}`;
    await waitFor(
      "the batch's enterprises re-evaluated",
      async () => (await prisma.creditEvaluation.count({ where: { trigger } })) >= IMPORT_ENTERPRISES,
      RECOVERY_MS,
      worker,
      500,
    );
    // Counted once the evaluation job has finished, so a second write of it (a doubled evaluation) would be seen.
    await jobCompleted(worker, "evaluate-enterprises");

    const final = await prisma.creditSignalBatch.findUniqueOrThrow({ where: { id: batch.batchId } });
    const facts = await prisma.creditSignal.count({ where: { enterpriseId: { in: enterpriseIds } } });
    const ofBatch = await prisma.creditSignal.count({ where: { batchId: batch.batchId } });
    // A rejected row here has two bad cells (month 13, amount not a number): two errors, on one line.
    const errorRows = await prisma.creditSignalBatchError.groupBy({ by: ["line"], where: { batchId: batch.batchId }, _count: { _all: true } });
    const errors = errorRows.length;
    const applied = await prisma.auditLog.count({ where: { entityId: batch.batchId, action: "credit-signal-batch.applied" } });
    const evaluations = await prisma.creditEvaluation.groupBy({ by: ["enterpriseId"], where: { trigger }, _count: { _all: true } });
    report.figure("import final: facts (clean run: one per valid row)", `${facts} (expected ${valid})`);
    report.figure("import final: facts carrying the batch", ofBatch);
    report.figure("import final: lines with errors (clean run: the rejected rows)", `${errors} (expected ${bad})`);
    report.figure("import final: batch counts accepted/rejected", `${final.rowsAccepted}/${final.rowsRejected}`);
    report.figure("import final: 'applied' audit records", applied);
    report.figure("import final: evaluations of its enterprises", evaluations.length);
    report.same(facts, valid, "every valid row is one fact, none doubled (the gated fact updated, not added)");
    report.same(ofBatch, valid, "every fact carries the batch (the gated one changed by it)");
    report.same(errors, bad, "each rejected row reported");
    report.check(errorRows.every((r) => r._count._all === 2), "each rejected row's two errors reported once (not once per run)");
    report.same([final.rowsTotal, final.rowsAccepted, final.rowsRejected], [valid + bad, valid, bad], "the batch's counts are a clean run's");
    report.same(applied, 1, "the batch was applied once (one audit record)");
    report.same(evaluations.length, IMPORT_ENTERPRISES, "every enterprise of the batch re-evaluated");
    report.check(evaluations.every((e) => e._count._all === 1), "each enterprise evaluated once for the batch");
    const amount = await prisma.creditSignal.findUniqueOrThrow({ where: { id: gated.id }, select: { amountFen: true } });
    report.same(amount.amountFen, BigInt(100_000 + GATED_ENTERPRISE * 37) * 100n + 50n, "the gated fact holds the batch's amount");
  } finally {
    await stopProcess(worker, "SIGTERM");
  }
};

// ── (b) The full re-match ───────────────────────────────────────────────────

const MATCH_NEEDS = 40;

type MatchRow = { needId: string; productId: string; rank: number; score: number; expectedRateBps: number; bankBest: boolean };

async function rankings(): Promise<{ matches: MatchRow[]; ranked: { needId: string; eligibleCount: number; version: number }[] }> {
  const matches = await prisma.$queryRaw<MatchRow[]>`
    SELECT "needId"::text AS "needId", "productId"::text AS "productId", rank, score, "expectedRateBps", "bankBest"
      FROM matches ORDER BY "needId", rank`;
  const ranked = await prisma.$queryRaw<{ needId: string; eligibleCount: number; version: number }[]>`
    SELECT "needId"::text AS "needId", "eligibleCount", version FROM need_rankings ORDER BY "needId"`;
  return { matches, ranked };
}

/** A listed credit product every size of enterprise may take, at this best rate. */
async function matchableProduct(institutionId: string, userId: string, nameZh: string, minRateBps: number) {
  const product = await makeProduct(institutionId, userId, nameZh);
  await prisma.product.update({ where: { id: product.id }, data: { eligibleSizes: ["MICRO", "SMALL", "MEDIUM"], minRateBps } });
  return product;
}

const tableExists = async (name: string) =>
  (await prisma.$queryRaw<{ ok: boolean }[]>`SELECT to_regclass(${name}) IS NOT NULL AS ok`)[0]!.ok;

export const rematchScenario: Scenario = async (report) => {
  const bank = await makeActor("bank_admin");
  const bankId = bank.institution!.id;
  for (let p = 0; p < 3; p++) await matchableProduct(bankId, bank.userId, `盘锦测试信用贷${p}`, 350 + p * 10);
  const today = calendarDay(platformToday()).getTime();
  const smeEnterprises: string[] = [];
  for (let n = 0; n < MATCH_NEEDS; n++) {
    const sme = await makeActor("sme");
    smeEnterprises.push(sme.enterprise!.id);
    await postNeed({
      actor: sme,
      ip: null,
      input: {
        amount: BigInt(20_000_000 + n * 1_000_000),
        termMonths: 6 + (n % 7),
        purpose: "采购原材料（钢材），用于承接新订单",
        maxRate: 400 + (n % 6) * 10,
        guaranteeTypes: ["CREDIT"],
        urgency: "NORMAL",
        expiresOn: new Date(today + 30 * 86_400_000),
      },
    });
  }
  await evaluateEnterprises(prisma, { enterpriseIds: smeEnterprises, trigger: "manual" });
  await rematchAll(prisma);
  // The needs' and evaluations' own re-match events are covered by the pass just run: left pending, the
  // worker's re-match jobs would bring the new product in before the full re-match does.
  await prisma.$executeRaw`UPDATE outbox_events SET "processedAt" = now() WHERE topic LIKE 'match.%' AND "processedAt" IS NULL`;
  const before = await rankings();
  report.figure("re-match before: needs ranked / match rows", `${before.ranked.length} / ${before.matches.length}`);
  report.check(before.matches.length > 0, "the needs match products before the change");

  // The change the full re-match must bring in: a fourth product, cheaper, ranked everywhere it fits.
  await matchableProduct(bankId, bank.userId, "盘锦测试低息信用贷", 300);

  // The gate: a shared hold on the re-match lock, as an incremental re-match in progress has; the swap waits for it.
  const gate = await connect("xyd-kill-gate-rematch");
  const name = appName("rematch");
  let worker = await startWorker({ appName: name });
  let gateOpen = false;
  const releaseGate = async () => {
    if (gateOpen) return;
    gateOpen = true;
    await gate.query("SELECT pg_advisory_unlock_shared($1::bigint)", [REMATCH_LOCK_KEY]);
  };
  try {
    await gate.query("SELECT pg_advisory_lock_shared($1::bigint)", [REMATCH_LOCK_KEY]);
    await enqueue("matchAll", { reason: "manual" });
    await waitFor(
      "the rebuild ranked into matches_next and waiting to swap",
      async () =>
        (await workerBackends(name)).some((b) => b.wait_event === "advisory" && b.query.includes("pg_advisory_xact_lock")) &&
        (await tableExists("matches_next")),
      GATE_MS,
      worker,
    );
    const staged = (await prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM matches_next`))[0]!.n;
    const live = await rankings();
    report.figure("re-match at kill: rows ranked into matches_next (not swapped in)", staged);
    report.check(staged > 0, "the rebuild had ranked rows when it was killed");
    report.same(live, before, "at the kill the live rankings are still the old ones (the swap had not happened)");
    await killWorker(report, worker, name, releaseGate);
  } finally {
    await releaseGate().catch(() => undefined);
    await gate.end();
  }
  report.same(await rankings(), before, "after the kill the live rankings are still the old ones");
  report.figure("re-match after kill: half-built matches_next left behind", await tableExists("matches_next"));

  const restartedAt = Date.now();
  worker = await startWorker({ appName: name });
  try {
    await jobCompleted(worker, "match-all");
    report.figure("re-match: completed after restart in", `${((Date.now() - restartedAt) / 1000).toFixed(1)} s`);
  } finally {
    await stopProcess(worker, "SIGTERM");
  }
  const recovered = await rankings();
  report.check(!(await tableExists("matches_next")), "no half-built table is left");
  // The clean re-match: the same pass run here, undisturbed, from the same inputs.
  await rematchAll(prisma);
  const clean = await rankings();
  report.figure("re-match final: needs ranked / match rows", `${recovered.ranked.length} / ${recovered.matches.length}`);
  report.figure("re-match clean run: needs ranked / match rows", `${clean.ranked.length} / ${clean.matches.length}`);
  report.same(recovered, clean, "the rankings after the restart equal a clean re-match's");
  report.check(JSON.stringify(clean) !== JSON.stringify(before), "the re-match brought the new product in (the rankings changed)");
};

// ── (c) A large batch of ledger postings ────────────────────────────────────

const POSTINGS = 20_000;
const POSTING_ACCOUNTS = 8;
const POSTING_BUSINESS = "reliability-posting";

export const ledgerPostingsScenario: Scenario = async (report) => {
  const ledger = createPostgresLedger(prisma);
  const accounts = Array.from({ length: POSTING_ACCOUNTS }, () => newTransferId());
  await ledger.createAccounts(accounts.map((id) => ({ id, ledger: 156, code: 10, flags: 0 })));

  // The business records: each posting's amount, between two of the accounts, kept to compute the balances independently.
  const planned: { debit: bigint; credit: bigint; amount: bigint }[] = [];
  for (let i = 0; i < POSTINGS; i++) {
    planned.push({ debit: accounts[i % POSTING_ACCOUNTS]!, credit: accounts[(i * 3 + 1) % POSTING_ACCOUNTS]!, amount: BigInt(100 + ((i * 7_919) % 99_901)) });
  }
  for (const p of planned) if (p.debit === p.credit) p.credit = accounts[(accounts.indexOf(p.debit) + 1) % POSTING_ACCOUNTS]!;
  const ids: bigint[] = [];
  for (let i = 0; i < POSTINGS; i += BATCH_MAX) {
    const chunk = planned.slice(i, i + BATCH_MAX);
    ids.push(
      ...(await prisma.$transaction((tx) =>
        preparePostings(
          tx,
          chunk.map((p, j) => ({
            businessType: POSTING_BUSINESS,
            businessId: `P-${i + j}`,
            transfer: { debit_account_id: p.debit, credit_account_id: p.credit, amount: p.amount, ledger: 156, code: 1 },
          })),
        ),
      )),
    );
  }
  const totalFen = planned.reduce((s, p) => s + p.amount, 0n);
  report.figure("postings prepared (batches of ≤ 8,189)", `${POSTINGS} (${Math.ceil(POSTINGS / BATCH_MAX)} batches)`);
  report.figure("postings: total amount", money(totalFen));

  const refState = async () => {
    const rows = await prisma.ledgerTransferRef.groupBy({ by: ["state"], where: { businessType: POSTING_BUSINESS }, _count: { _all: true } });
    return Object.fromEntries(rows.map((r) => [r.state, r._count._all])) as Record<string, number>;
  };
  const inLedger = async () => {
    let n = 0;
    for (let i = 0; i < ids.length; i += BATCH_MAX) n += (await ledger.lookupTransfers(ids.slice(i, i + BATCH_MAX))).length;
    return n;
  };

  // Two gate connections take turns on the submit lock, so the worker runs batch 1 whole and batch 2 up to
  // the ledger's commit, then waits to mark it — the crash window between the ledger and the records.
  const first = await connect("xyd-kill-gate-ledger-1");
  const second = await connect("xyd-kill-gate-ledger-2");
  const name = appName("ledger");
  let worker: ManagedProcess | undefined;
  let tableHeld = false;
  const releaseGate = async () => {
    if (!tableHeld) return;
    tableHeld = false;
    await second.query("ROLLBACK");
  };
  try {
    await first.query("SELECT pg_advisory_lock($1)", [SUBMIT_LOCK_KEY]);
    // The worker's own schedule submits at start; one submitter only, so the turns below are the worker's batches in order.
    worker = await startWorker({ appName: name });
    const waitingOnSubmitLock = async () =>
      (await workerBackends(name)).filter((b) => b.wait_event === "advisory" && b.query.includes("pg_advisory_xact_lock")).length === 1;
    await waitFor("the worker's submitter queued on the submit lock", waitingOnSubmitLock, GATE_MS, worker);
    // Queued behind the worker: granted when batch 1 commits, before the worker's batch 2 asks.
    const secondGranted = second.query("SELECT pg_advisory_lock($1)", [SUBMIT_LOCK_KEY]);
    await waitFor(
      "the second gate queued behind the worker",
      async () =>
        (await prisma.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid)
           WHERE l.locktype = 'advisory' AND NOT l.granted AND a.application_name = 'xyd-kill-gate-ledger-2'`)[0]!.n === 1,
      GATE_MS,
    );
    await first.query("SELECT pg_advisory_unlock($1)", [SUBMIT_LOCK_KEY]);
    await secondGranted;
    const afterFirst = { refs: await refState(), ledger: await inLedger() };
    report.figure("postings when batch 1 was done: committed / in ledger", `${afterFirst.refs.COMMITTED ?? 0} / ${afterFirst.ledger}`);
    report.same(afterFirst.refs.COMMITTED ?? 0, BATCH_MAX, "batch 1 committed whole before the gate");
    await second.query("BEGIN");
    // SHARE lets the worker read and lock the rows (FOR UPDATE) but not update them.
    await second.query("LOCK TABLE ledger_transfer_refs IN SHARE MODE");
    tableHeld = true;
    await second.query("SELECT pg_advisory_unlock($1)", [SUBMIT_LOCK_KEY]);
    await waitFor(
      "batch 2 accepted by the ledger and waiting to be marked",
      async () => (await workerBackends(name)).some((b) => b.wait_event_type === "Lock" && b.query.includes("UPDATE ledger_transfer_refs")),
      GATE_MS,
      worker,
    );
    const atKill = { refs: await refState(), ledger: await inLedger() };
    report.figure("postings at kill: marked COMMITTED", atKill.refs.COMMITTED ?? 0);
    report.figure("postings at kill: in the ledger", atKill.ledger);
    report.figure("postings at kill: still PREPARED", atKill.refs.PREPARED ?? 0);
    report.same(atKill.ledger, 2 * BATCH_MAX, "at the kill the ledger holds batches 1 and 2");
    report.same(atKill.refs.COMMITTED ?? 0, BATCH_MAX, "at the kill only batch 1 is marked (batch 2 in the crash window)");
    await killWorker(report, worker, name, releaseGate);
  } finally {
    await releaseGate().catch(() => undefined);
    await first.end();
    await second.end();
  }

  const afterKill = { refs: await refState(), ledger: await inLedger() };
  report.same(afterKill.refs.COMMITTED ?? 0, BATCH_MAX, "after the kill batch 2's marks were rolled back with the dead transaction");
  report.same(afterKill.ledger, 2 * BATCH_MAX, "after the kill the ledger still holds batch 2 (its own transaction had committed)");

  const restartedAt = Date.now();
  worker = await startWorker({ appName: name });
  try {
    await enqueue("submitLedgerPostings", { reason: "change" });
    await waitFor("every posting submitted by the restarted worker", async () => ((await refState()).PREPARED ?? 0) === 0, RECOVERY_MS, worker, 500);
    report.figure("postings: all submitted after restart in", `${((Date.now() - restartedAt) / 1000).toFixed(1)} s`);
  } finally {
    await stopProcess(worker, "SIGTERM");
  }

  const final = await refState();
  report.figure("postings final: COMMITTED / FAILED / PREPARED", `${final.COMMITTED ?? 0} / ${final.FAILED ?? 0} / ${final.PREPARED ?? 0}`);
  report.same(final, { COMMITTED: POSTINGS }, "every prepared posting COMMITTED, none FAILED (batch 2 resubmitted as `exists`)");
  const transfers: { id: bigint; amount: bigint }[] = [];
  for (let i = 0; i < ids.length; i += BATCH_MAX) transfers.push(...(await ledger.lookupTransfers(ids.slice(i, i + BATCH_MAX))));
  report.same(transfers.length, POSTINGS, "each posting is in the ledger once");
  report.same(new Set(transfers.map((t) => t.id)).size, POSTINGS, "no transfer id twice");

  const expected = new Map(accounts.map((a) => [a, { debits: 0n, credits: 0n }]));
  for (const p of planned) {
    expected.get(p.debit)!.debits += p.amount;
    expected.get(p.credit)!.credits += p.amount;
  }
  const balances = await ledger.lookupAccounts(accounts);
  const ledgerDebits = balances.reduce((s, a) => s + a.debits_posted, 0n);
  report.figure("ledger final: debits posted (all accounts)", money(ledgerDebits));
  report.figure("business records: sum of the postings", money(totalFen));
  for (const a of balances) {
    const e = expected.get(a.id)!;
    report.same([a.debits_posted, a.credits_posted], [e.debits, e.credits], `account ${a.id} balances equal the sum of its business records`);
  }
  report.same(ledgerDebits, totalFen, "no money lost or doubled: the ledger's debits equal the business records' total");
};

export const WORKER_CRASH_SCENARIOS: { name: string; run: Scenario }[] = [
  { name: "worker killed mid credit-signal import", run: creditImportScenario },
  { name: "worker killed mid full re-match (match-all)", run: rematchScenario },
  { name: "worker killed mid ledger postings (batch 2 of 3, between ledger and records)", run: ledgerPostingsScenario },
];

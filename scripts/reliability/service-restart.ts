/**
 * `tsx scripts/reliability/service-restart.ts`: Redis and PostgreSQL restarted
 * under load; the web server and the worker must recover by themselves.
 *
 * On a PostgreSQL cluster and a Redis server of its own (free ports on
 * 127.0.0.1, temporary directories; the shared 5432/6379 servers are never
 * touched) it migrates and seeds a small city, starts the production web
 * server (server.mjs on build/, built first if missing) and the worker, and
 * drives a bank's systems against the API: repayment reports with an
 * Idempotency-Key each, retried with the same key until answered, plus page
 * and API reads. During the load it kills Redis and starts it again, then
 * restarts PostgreSQL with `pg_ctl restart -m fast` and with `-m immediate`
 * (crash recovery), never restarting the web server or the worker. Then:
 * - the web answers again (GET / 200) within RECOVERY_LIMIT_S of each restart;
 * - the worker works again: its heartbeat returns, its schedules exist again,
 *   and postings made after the last restart reach the ledger;
 * - every report answered 2xx is one repayment, and every report that failed
 *   during an outage took effect once when retried with its key;
 * - the ledger equals the records (reconcileLedger: no difference, nothing
 *   left unposted) and holds each repayment's money once.
 * Prints a PASS/FAIL summary with its figures; exits 1 on failure. Every
 * loop is bounded in count and time; everything it started is stopped and
 * removed on exit, on failure and on SIGINT/SIGTERM.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { migrateDeploy, ROOT, withDatabase } from "../lib/db-admin";
import { CheckFailed, money, printSummary, Report, seconds } from "./lib/checks";
import { freePort, startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from "./lib/private-services";
import { isAlive, killAllProcessesNow, logRecords, sleep, startProcess, startWeb, startWorker, stopAllProcesses, waitFor, type ManagedProcess } from "./lib/processes";

const run = promisify(execFile);
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/** Concurrent clients reporting repayments, and how many reports in all at most. */
const LANES = 6;
const MAX_REPORTS = 600;
/** The load ends this long after the last restart, and in any case after LOAD_LIMIT_MS. */
const TAIL_MS = 8_000;
const LOAD_LIMIT_MS = 240_000;
/** One report is retried with its key for at most this long (an outage lasts seconds). */
const REPORT_RETRY_MS = 90_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** The web must answer again within this many seconds of a restart, without being restarted. */
const RECOVERY_LIMIT_S = 30;
/** Redis stays down this long: long enough for requests and jobs to fail meanwhile. */
const REDIS_DOWN_MS = 3_000;
/** Reports between the disruptions, so each meets traffic before and after it. */
const REPORTS_BETWEEN = 40;

const report = new Report("service restart under load (Redis kill, PostgreSQL restart -m fast and -m immediate)", { stopAtFirstFailure: false });
const started = Date.now();
let postgres: PrivatePostgres | null = null;
let redis: PrivateRedis | null = null;

let cleaning: Promise<void> | null = null;
async function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await stopAllProcesses();
    await redis?.stop().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
  })();
  await cleaning;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the scenario's servers and processes`);
    void cleanUp().finally(() => process.exit(130));
  });
}
// Last resort (an exception past every handler): nothing of ours outlives the process.
process.once("exit", () => {
  killAllProcessesNow();
  redis?.stopNow();
  postgres?.stopNow();
});

type Outcome = { status: number | null; attempts: number; firstFailure: string | null; lastFailure: string | null; ms: number };
type Repayment = { key: string; loanId: string; token: string; amountFen: bigint; ref: string; sentAt: number; outcome?: Outcome };

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, "build", "server", "index.js"))) {
    console.log("build/server/index.js missing: running react-router build (about a minute)");
    await run(process.execPath, [join(ROOT, "node_modules", "@react-router", "dev", "bin.js"), "build"], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  }

  postgres = await startPrivatePostgres();
  redis = await startPrivateRedis();
  const databaseUrl = withDatabase(postgres.baseUrl, "xyd_reliability");
  const prefix = "xyd-reliability";
  const webPort = await freePort(53210);
  const appEnv = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    NODE_ENV: "production",
    SESSION_SECRET: "reliability-session-secret-at-least-32-characters",
    PORT: String(webPort),
    HOST: "127.0.0.1",
  };
  report.figure("private PostgreSQL / Redis / web ports", `${postgres.port} / ${redis.port} / ${webPort}`);
  Object.assign(process.env, appEnv);

  await migrateDeploy(databaseUrl);
  const seedStarted = Date.now();
  await runSeed(appEnv);
  report.figure("setup: migrated and seeded in", seconds(Date.now() - seedStarted));

  // App modules read the environment when first imported: only now, pointing at the private servers.
  const { prisma } = await import("~/db.server");
  const { loadActor } = await import("~/domain/access/actor.server");
  const { createApiKey } = await import("~/domain/auth/api-keys.server");
  const { platformToday } = await import("~/domain/credit/build-snapshot");
  const { getLedger } = await import("~/domain/ledger/ledger.server");
  const { reconcileLedger } = await import("~/domain/ledger/reconcile.server");
  const { HEARTBEAT_KEY, QUEUES } = await import("~/jobs/definitions");
  const { getQueue, closeQueues } = await import("~/jobs/enqueue.server");
  const { getRedis } = await import("~/redis.server");
  const { SCHEDULES } = await import("../../workers/schedules");

  // Every bank with open loans reports their repayments through an API key of its own.
  const books = await prisma.$queryRaw<{ institutionId: string; loanIds: string[] }[]>`
    SELECT "institutionId"::text AS "institutionId", array_agg(id::text ORDER BY id) AS "loanIds" FROM loans
     WHERE status IN ('CURRENT', 'OVERDUE') AND "outstandingPrincipalFen" > 1000000 GROUP BY 1 ORDER BY 1`;
  if (books.length === 0) throw new Error("the seed made no open loan");
  const targets: { loanId: string; token: string }[] = [];
  for (const book of books) {
    const admin = await prisma.membership.findFirstOrThrow({ where: { institutionId: book.institutionId, roleKey: "bank_admin" }, select: { userId: true } });
    const actor = (await loadActor(admin.userId, "reliability"))!;
    const { token } = await createApiKey({ actor, name: "可靠性测试", ip: null });
    for (const loanId of book.loanIds) targets.push({ loanId, token });
  }
  report.figure("banks / open loans receiving repayments", `${books.length} / ${targets.length}`);
  const repaymentsBefore = await prisma.repayment.count();

  const appName = (what: string) => `xyd-reliability-${what}`;
  const web = await startWeb({ appName: appName("web"), env: appEnv });
  const worker = await startWorker({ appName: appName("worker"), env: appEnv });
  const base = `http://127.0.0.1:${webPort}`;
  const receivedOn = platformToday();

  // ── The load ────────────────────────────────────────────────────────────
  const reports: Repayment[] = [];
  const reads = { ok: 0, failed: 0 };
  let loadOver = false;
  const loadDeadline = Date.now() + LOAD_LIMIT_MS;

  const post = async (r: Repayment): Promise<Outcome> => {
    const t0 = Date.now();
    let attempts = 0;
    let firstFailure: string | null = null;
    let lastFailure: string | null = null;
    // The same key and body every time: the server must make one repayment of them, however often asked.
    while (Date.now() - t0 < REPORT_RETRY_MS) {
      attempts++;
      try {
        const response = await fetch(`${base}/api/v1/loans/${r.loanId}/repayments`, {
          method: "POST",
          headers: { Authorization: `Bearer ${r.token}`, "Idempotency-Key": r.key, "Content-Type": "application/json" },
          body: JSON.stringify({ amountFen: Number(r.amountFen), receivedOn, bankReference: r.ref }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        await response.arrayBuffer();
        // 409: the first attempt is still in flight on the server; 429: rate limited; 5xx: the outage.
        if (response.status < 300 || (response.status < 500 && response.status !== 409 && response.status !== 429)) {
          return { status: response.status, attempts, firstFailure, lastFailure, ms: Date.now() - t0 };
        }
        lastFailure = `HTTP ${response.status}`;
      } catch (error) {
        lastFailure = (error as Error).name === "TimeoutError" ? "timeout" : `network: ${(error as Error).message}`;
      }
      firstFailure ??= lastFailure;
      await sleep(Math.min(2_000, 200 * attempts));
    }
    return { status: null, attempts, firstFailure, lastFailure, ms: Date.now() - t0 };
  };

  const lane = async (n: number) => {
    for (let i = n; !loadOver && reports.length < MAX_REPORTS && Date.now() < loadDeadline; i += LANES) {
      const target = targets[reports.length % targets.length]!;
      const r: Repayment = { key: randomUUID(), ...target, amountFen: BigInt(1_000 + (reports.length % 97)), ref: `REL-${reports.length}`, sentAt: Date.now() };
      reports.push(r);
      r.outcome = await post(r);
      await sleep(50);
    }
  };
  const reader = async () => {
    const paths = ["/", `/api/v1/loans/${targets[0]!.loanId}`];
    for (let i = 0; !loadOver && Date.now() < loadDeadline; i++) {
      try {
        const path = paths[i % paths.length]!;
        const response = await fetch(base + path, {
          headers: path.startsWith("/api") ? { Authorization: `Bearer ${targets[0]!.token}` } : {},
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        await response.arrayBuffer();
        if (response.ok) reads.ok++;
        else reads.failed++;
      } catch {
        reads.failed++;
      }
      await sleep(100);
    }
  };
  const answered = () => reports.filter((r) => r.outcome).length;

  /** Seconds until GET / answers 200 again (polled every 250 ms, at most RECOVERY_LIMIT_S * 2). */
  const webRecovery = async (since: number): Promise<number | null> => {
    const deadline = since + RECOVERY_LIMIT_S * 2_000;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`${base}/`, { signal: AbortSignal.timeout(5_000) });
        await response.arrayBuffer();
        if (response.status === 200) return (Date.now() - since) / 1000;
      } catch {
        // Not yet.
      }
      await sleep(250);
    }
    return null;
  };

  const disruptions = async () => {
    const plan: { name: string; act: () => Promise<void> }[] = [
      { name: "Redis killed and started again", act: () => redis!.restart(REDIS_DOWN_MS) },
      { name: "PostgreSQL pg_ctl restart -m fast", act: () => postgres!.restart("fast") },
      { name: "PostgreSQL pg_ctl restart -m immediate", act: () => postgres!.restart("immediate") },
    ];
    let lastRestartAt = 0;
    for (const [i, step] of plan.entries()) {
      await waitFor(`${REPORTS_BETWEEN * (i + 1)} reports answered before: ${step.name}`, async () => answered() >= REPORTS_BETWEEN * (i + 1), LOAD_LIMIT_MS, undefined, 100);
      const at = Date.now();
      await step.act();
      const back = await webRecovery(at);
      lastRestartAt = Date.now();
      report.figure(`${step.name}: outage + web answering again`, back === null ? `not within ${RECOVERY_LIMIT_S * 2} s` : `${back.toFixed(1)} s`);
      report.check(back !== null && back <= RECOVERY_LIMIT_S, `the web answered again within ${RECOVERY_LIMIT_S} s of: ${step.name}`);
      report.check(isAlive(web) && isAlive(worker), `web and worker still the same processes after: ${step.name}`);
    }
    await sleep(TAIL_MS);
    loadOver = true;
    return lastRestartAt;
  };

  const loadStarted = Date.now();
  let lastRestartAt = 0;
  try {
    [lastRestartAt] = await Promise.all([disruptions(), ...Array.from({ length: LANES }, (_, n) => lane(n)), reader()]);
  } finally {
    loadOver = true;
  }
  report.figure("load: duration", seconds(Date.now() - loadStarted));
  report.figure("load: page/API reads ok / failed", `${reads.ok} / ${reads.failed}`);

  // ── What the clients saw ────────────────────────────────────────────────
  const done = reports.filter((r) => r.outcome);
  const created = done.filter((r) => r.outcome!.status === 201);
  const retried = created.filter((r) => r.outcome!.attempts > 1);
  const unanswered = done.filter((r) => r.outcome!.status === null);
  const refused = done.filter((r) => r.outcome!.status !== null && r.outcome!.status !== 201);
  report.figure("reports sent (each with its own Idempotency-Key)", done.length);
  report.figure("reports answered 201", created.length);
  report.figure("  of which failed at first and succeeded on retry", retried.length);
  report.figure("  first failures seen", [...new Set(retried.map((r) => r.outcome!.firstFailure))].join("; ") || "none");
  report.figure("reports refused (4xx) / never answered", `${refused.length} / ${unanswered.length}`);
  for (const r of unanswered) {
    report.figure(`  never answered: ${r.ref}`, `${r.outcome!.attempts} attempts in ${seconds(r.outcome!.ms)}, first ${r.outcome!.firstFailure}, last ${r.outcome!.lastFailure}`);
  }
  report.figure("slowest report incl. retries", seconds(Math.max(...done.map((r) => r.outcome!.ms))));
  const afterLast = done.filter((r) => r.sentAt > lastRestartAt).length;
  report.figure("reports sent after the last restart", afterLast);
  report.check(done.length >= REPORTS_BETWEEN * 3 && afterLast > 0, "the load kept going across all three restarts");
  report.same(refused.map((r) => r.outcome!.status), [], "no report was refused");
  report.same(unanswered.length, 0, "every report was answered in the end (retried with its key)");
  report.check(retried.length > 0, "some reports failed during an outage and were retried (the restarts met traffic)");

  // ── The worker works again ──────────────────────────────────────────────
  await waitFor("the worker's heartbeat written again", async () => (await getRedis().get(HEARTBEAT_KEY(prefix))) !== null, 60_000, worker, 500);
  const healthyAfter = logRecords(worker, "healthy").filter((r) => Date.parse(String(r.at)) > lastRestartAt).length;
  report.figure("worker heartbeats since the last restart", healthyAfter);
  const schedulers = await getQueue(QUEUES.ledger).getJobSchedulers(0, -1);
  const expectedLedgerSchedules = SCHEDULES.filter((s) => s.id.startsWith("submit-ledger") || s.id.includes("delinquency") || s.id.startsWith("reconcile")).length;
  await waitFor(
    "the worker's schedules back in Redis (Redis lost them with everything else)",
    async () => (await getQueue(QUEUES.ledger).getJobSchedulers(0, -1)).length >= expectedLedgerSchedules,
    60_000,
    worker,
    1_000,
  ).catch(() => undefined);
  const schedulersNow = await getQueue(QUEUES.ledger).getJobSchedulers(0, -1);
  report.figure("ledger-queue schedules in Redis after the restarts", `${schedulersNow.length} of ${expectedLedgerSchedules} (right after the load: ${schedulers.length})`);
  report.check(schedulersNow.length >= expectedLedgerSchedules, "the worker put its schedules back after Redis lost them");

  await waitFor(
    "every posting submitted by the worker",
    async () => (await prisma.ledgerTransferRef.count({ where: { state: "PREPARED" } })) === 0,
    90_000,
    worker,
    500,
  ).catch(() => undefined);
  const refStates = await prisma.ledgerTransferRef.groupBy({ by: ["state"], _count: { _all: true } });
  report.figure("postings COMMITTED / FAILED / PREPARED", ["COMMITTED", "FAILED", "PREPARED"].map((s) => refStates.find((r) => r.state === s)?._count._all ?? 0).join(" / "));
  const committedAfterLast = await prisma.ledgerTransferRef.count({ where: { state: "COMMITTED", committedAt: { gt: new Date(lastRestartAt) } } });
  report.figure("postings committed after the last restart", committedAfterLast);
  report.check(committedAfterLast > 0, "the worker committed new postings after the last restart");
  report.same(refStates.find((r) => r.state === "PREPARED")?._count._all ?? 0, 0, "no posting left unsubmitted");
  report.same(refStates.find((r) => r.state === "FAILED")?._count._all ?? 0, 0, "no posting refused by the ledger");

  // ── Exactly once, in the records and in the ledger ──────────────────────
  const rows = await prisma.repayment.findMany({
    where: { bankReference: { startsWith: "REL-" } },
    select: { bankReference: true, amountFen: true, principalFen: true, interestFen: true, ledgerTransferId: true, interestTransferId: true },
  });
  const byRef = new Map<string, typeof rows>();
  for (const row of rows) byRef.set(row.bankReference!, [...(byRef.get(row.bankReference!) ?? []), row]);
  const doubled = [...byRef.values()].filter((r) => r.length > 1).length;
  const missing = created.filter((r) => (byRef.get(r.ref)?.length ?? 0) === 0).length;
  const sentFen = created.reduce((s, r) => s + r.amountFen, 0n);
  const recordedFen = rows.reduce((s, r) => s + r.amountFen, 0n);
  report.figure("repayments recorded (for the 201 reports)", `${rows.length} (expected ${created.length})`);
  report.figure("money reported by the clients (201)", money(sentFen));
  report.figure("money in the repayment records", money(recordedFen));
  report.same(doubled, 0, "no report made two repayments");
  report.same(missing, 0, "every report answered 201 made its repayment");
  report.same(rows.length, created.length, "no repayment without a 201 report");
  report.same(recordedFen, sentFen, "the records hold exactly the money the clients reported");
  report.same(rows.every((r) => r.principalFen + r.interestFen === r.amountFen), true, "each repayment allocated in full (principal + interest = amount)");
  report.same(await prisma.repayment.count(), repaymentsBefore + created.length, "no other repayment appeared");

  const ledger = await getLedger();
  const transferIds = rows.flatMap((r) => [r.ledgerTransferId, ...(r.interestTransferId ? [r.interestTransferId] : [])]).map((id) => BigInt(id));
  const transfers = [];
  for (let i = 0; i < transferIds.length; i += 8_000) transfers.push(...(await ledger.lookupTransfers(transferIds.slice(i, i + 8_000))));
  const ledgerFen = transfers.reduce((s, t) => s + t.amount, 0n);
  report.figure("repayment transfers in the ledger", `${transfers.length} of ${transferIds.length}`);
  report.figure("money in the ledger for these repayments", money(ledgerFen));
  report.same(transfers.length, transferIds.length, "each repayment's transfers are in the ledger once");
  report.same(ledgerFen, recordedFen, "the ledger moved exactly the recorded money");

  const reconciliation = await reconcileLedger(prisma, ledger);
  report.figure("reconciliation: loans checked / differences / not yet posted", `${reconciliation.checked.loans} / ${reconciliation.differenceCount} / ${reconciliation.notYetPostedCount}`);
  report.same(reconciliation.differenceCount, 0, "the ledger's balances equal the business records (reconcileLedger)");
  report.same(reconciliation.notYetPostedCount, 0, "nothing left on its way to the ledger");

  const webErrors = web.output.filter((l) => l.includes("Unhandled") || l.includes("uncaught")).length;
  report.figure("web: unhandled-error lines in its log", webErrors);

  await closeQueues();
  await getRedis().quit();
  await prisma.$disconnect();
}

async function runSeed(appEnv: Record<string, string>): Promise<void> {
  const seed = await startProcess({
    name: "seed",
    args: [TSX, "prisma/seed/main.ts", "--enterprises", "60"],
    env: { ...process.env, ...appEnv },
    startedWhen: "seeded in",
    startupMs: 300_000,
  });
  const exit = await seed.exited;
  if (exit.code !== 0) throw new Error(`seed failed (${exit.code})\n${seed.output.slice(-20).join("\n")}`);
}

let failure: unknown = null;
try {
  await main();
} catch (error) {
  failure = error;
}
await cleanUp();
const passed = printSummary(report, failure, Date.now() - started);
if (!passed && failure instanceof Error && !(failure instanceof CheckFailed) && failure.stack) console.log(failure.stack.split("\n").slice(0, 8).join("\n"));
process.exit(passed ? 0 : 1);

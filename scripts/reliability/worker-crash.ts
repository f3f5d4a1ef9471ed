/**
 * `tsx scripts/reliability/worker-crash.ts`: the worker killed with SIGKILL
 * in the middle of a credit-signal import, the full re-match and a large batch
 * of ledger postings, then restarted; each job's effect must be one clean
 * run's. The same scenarios as tests/reliability/worker-kill.test.ts, here
 * with their figures printed: a scratch database (migrated, roles seeded) and
 * Redis prefix of its own on the usual servers (DATABASE_URL's server, REDIS_URL),
 * dropped and deleted at the end. Exits 1 if any scenario fails.
 */
import { randomBytes } from "node:crypto";
import { createDatabase, dropDatabase, ensureReachable, migrateDeploy, withDatabase } from "../lib/db-admin";
import { printSummary, Report } from "./lib/checks";
import { killAllProcessesNow, stopAllProcesses } from "./lib/processes";

const base = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0";
const suffix = randomBytes(4).toString("hex");
const databaseUrl = withDatabase(base, `xyd_reliability_${suffix}`);
const prefix = `xyd-reliability-${suffix}`;

const problems = await ensureReachable(base, redisUrl);
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}

let cleaning: Promise<void> | null = null;
async function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await stopAllProcesses();
    const { Redis } = await import("ioredis");
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    for (let cursor = "0", rounds = 0; rounds < 10_000; rounds++) {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
      if (cursor === "0") break;
    }
    await redis.quit();
    await globalThis.__xydPrisma?.$disconnect();
    await dropDatabase(databaseUrl).catch((error: Error) => console.error(`could not drop ${databaseUrl}: ${error.message}`));
  })();
  await cleaning;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the worker and dropping the scratch database`);
    void cleanUp().finally(() => process.exit(130));
  });
}
process.once("exit", killAllProcessesNow);

await createDatabase(databaseUrl);
await migrateDeploy(databaseUrl);
// The worker spawned by the scenarios inherits these, as the app modules imported below read them.
Object.assign(process.env, { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, REDIS_PREFIX: prefix });
const { prisma } = await import("~/db.server");
const { seedRoles } = await import("../../prisma/seed/seed");
await seedRoles(prisma);
const { WORKER_CRASH_SCENARIOS } = await import("./lib/worker-crash-scenarios");
const { closeQueues } = await import("~/jobs/enqueue.server");

let failed = 0;
for (const scenario of WORKER_CRASH_SCENARIOS) {
  const report = new Report(scenario.name);
  const startedAt = Date.now();
  let error: unknown = null;
  try {
    await scenario.run(report);
  } catch (caught) {
    error = caught;
    await stopAllProcesses();
  }
  if (!printSummary(report, error, Date.now() - startedAt)) failed++;
}
await closeQueues();
await globalThis.__xydRedis?.quit();
await cleanUp();
console.log(`\n${failed === 0 ? "PASS" : "FAIL"}  worker crash: ${WORKER_CRASH_SCENARIOS.length - failed} of ${WORKER_CRASH_SCENARIOS.length} scenarios passed`);
process.exit(failed === 0 ? 0 : 1);

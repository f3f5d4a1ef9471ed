/**
 * The worker process: consumes every BullMQ queue, separately from the web
 * server so it can drain, restart and scale on its own.
 */
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { ZodError } from "zod";
import { env } from "~/config/env.server";
import { prisma } from "~/db.server";
import { rebuildEmptySearchIndexes } from "~/domain/outbox/search-outbox.server";
import { getSearchIndex } from "~/domain/search/search.server";
import { HEARTBEAT_KEY, JOBS, QUEUES } from "~/jobs/definitions";
import { closeQueues, enqueue, getQueue } from "~/jobs/enqueue.server";
import { createRedis, getRedis } from "~/redis.server";
import { HANDLERS } from "./handlers";
import { SCHEDULES } from "./schedules";

function log(message: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ at: new Date().toISOString(), service: "worker", message, ...fields }));
}

async function runJob(job: Job): Promise<unknown> {
  const handler = HANDLERS[job.name];
  if (!handler) throw new UnrecoverableError(`unknown job ${job.name}`);
  try {
    return await handler(prisma, job.data, { finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) });
  } catch (error) {
    // A payload that fails its schema will never succeed: give up at once, with the reason recorded.
    if (error instanceof ZodError) throw new UnrecoverableError(`invalid payload: ${error.issues.map((i) => i.path.join(".") + " " + i.message).join("; ")}`);
    throw error;
  }
}

/**
 * Puts back every schedule Redis no longer has. Schedules live in Redis: one
 * restarted without persistence (or a failover to an empty replica) loses
 * them with everything else, and nothing recurring — the postings' safety
 * net, the imports' resume, the nightly passes — would run again until the
 * worker restarted. Checked with each heartbeat; an existing schedule is left
 * as it is (upserting it would move its next run).
 */
async function restoreLostSchedules(): Promise<string[]> {
  const restored: string[] = [];
  for (const { id, job, repeat, data } of SCHEDULES) {
    const queue = getQueue(JOBS[job].queue);
    if (await queue.getJobScheduler(id)) continue;
    await queue.upsertJobScheduler(id, repeat, { name: JOBS[job].name, data });
    restored.push(id);
  }
  return restored;
}

async function main(): Promise<void> {
  const workers = Object.values(QUEUES).map(
    (queue) =>
      new Worker(queue, runJob, {
        connection: createRedis(),
        prefix: env.REDIS_PREFIX,
        concurrency: env.WORKER_CONCURRENCY,
      }),
  );
  for (const worker of workers) {
    worker.on("completed", (job) => log("job completed", { queue: worker.name, job: job.name, id: job.id }));
    // Only ids and reasons are logged: payloads may grow to hold business data.
    worker.on("failed", (job, error) =>
      log("job failed", { queue: worker.name, job: job?.name, id: job?.id, attempt: job?.attemptsMade, reason: error.message }),
    );
    worker.on("error", (error) => log("worker error", { queue: worker.name, reason: error.message }));
  }

  // Index settings are code (search/indexes.ts): applied at every start, idempotently.
  const search = await getSearchIndex();
  await search.applySettings();
  const rebuilt = await rebuildEmptySearchIndexes(prisma, search);
  if (Object.keys(rebuilt).length > 0) log("search indexes rebuilt", rebuilt);
  // Schedules start once the indexes are complete, so a scheduled drain never runs into a rebuild.
  for (const { id, job, repeat, data } of SCHEDULES) {
    await getQueue(JOBS[job].queue).upsertJobScheduler(id, repeat, { name: JOBS[job].name, data });
  }
  // What changed while no worker ran is applied now, not at the schedules' next slot:
  // pending search events, rankings made stale (or by another model), banks' records.
  await enqueue("drainSearchOutbox", { reason: "schedule" });
  await enqueue("matchStale", { reason: "startup" });
  await enqueue("refreshResponseRecords", { reason: "schedule" });

  const heartbeat = async () => {
    const restored = await restoreLostSchedules();
    if (restored.length > 0) log("schedules restored", { schedules: restored });
    const counts = await getQueue(QUEUES.platform).getJobCounts("waiting", "active", "failed", "delayed");
    await getRedis().set(HEARTBEAT_KEY(env.REDIS_PREFIX), new Date().toISOString(), "EX", 90);
    log("healthy", { queues: Object.values(QUEUES), concurrency: env.WORKER_CONCURRENCY, counts });
  };
  await heartbeat();
  const timer = setInterval(() => void heartbeat().catch((e: Error) => log("heartbeat failed", { reason: e.message })), 30_000);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log("shutting down", { signal });
    clearInterval(timer);
    // close() waits for jobs in progress to finish; new jobs are not taken.
    await Promise.all(workers.map((w) => w.close()));
    await closeQueues();
    await getRedis().quit();
    await prisma.$disconnect();
    log("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  log("started", { queues: Object.values(QUEUES) });
}

main().catch((error: unknown) => {
  log("failed to start", { reason: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});

import { Queue } from "bullmq";
import { env } from "~/config/env.server";
import { getRedis } from "~/redis.server";
import { DEFAULT_JOB_OPTIONS, JOBS, type JobKey, type JobPayload, type QueueName } from "./definitions";

const queues = new Map<QueueName, Queue>();

export function getQueue(name: QueueName): Queue {
  let queue = queues.get(name);
  if (!queue) {
    queue = new Queue(name, { connection: getRedis(), prefix: env.REDIS_PREFIX, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    queues.set(name, queue);
  }
  return queue;
}

/** Validates the payload and enqueues with the job's business id (idempotent). */
export async function enqueue<K extends JobKey>(key: K, payload: JobPayload<K>): Promise<void> {
  const job = JOBS[key];
  const data = job.payload.parse(payload) as JobPayload<K>;
  await getQueue(job.queue).add(job.name, data, jobIdentity(key, data));
}

/**
 * A job either has a business job id (BullMQ adds it once while it exists) or
 * folds into one pending run (deduplication), as its definition says.
 */
function jobIdentity<K extends JobKey>(key: K, data: JobPayload<K>): { jobId: string } | { deduplication: { id: string } } {
  const job = JOBS[key] as { jobId?: (p: JobPayload<K>) => string; dedupeId?: (p: JobPayload<K>) => string };
  if (job.jobId) return { jobId: job.jobId(data) };
  return { deduplication: { id: job.dedupeId!(data) } };
}

/** Enqueues many jobs of one kind in one round trip, each with its business id. */
export async function enqueueMany<K extends JobKey>(key: K, payloads: JobPayload<K>[]): Promise<void> {
  if (payloads.length === 0) return;
  const job = JOBS[key];
  await getQueue(job.queue).addBulk(
    payloads.map((p) => {
      const data = job.payload.parse(p) as JobPayload<K>;
      return { name: job.name, data, opts: jobIdentity(key, data) };
    }),
  );
}

export async function closeQueues(): Promise<void> {
  await Promise.all([...queues.values()].map((q) => q.close()));
  queues.clear();
}

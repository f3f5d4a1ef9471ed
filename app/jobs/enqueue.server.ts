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
  const data = job.payload.parse(payload);
  await getQueue(job.queue).add(job.name, data, { deduplication: { id: job.dedupeId() } });
}

export async function closeQueues(): Promise<void> {
  await Promise.all([...queues.values()].map((q) => q.close()));
  queues.clear();
}

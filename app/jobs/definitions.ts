import { z } from "zod";

/**
 * Every background job: its queue, name, payload schema and business job id.
 * The id makes enqueueing idempotent: the same business event enqueues once.
 * Payloads carry ids only — never secrets or personal data.
 */
export const QUEUES = { platform: "platform" } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOBS = {
  refreshPlatformStats: {
    queue: QUEUES.platform,
    name: "refresh-platform-stats",
    payload: z.object({ reason: z.enum(["schedule", "seed", "registration", "manual"]) }).strict(),
    /** One pending refresh at a time is enough: later requests fold into it. */
    dedupeId: () => "refresh-platform-stats",
  },
} as const;

export type JobKey = keyof typeof JOBS;
export type JobPayload<K extends JobKey> = z.infer<(typeof JOBS)[K]["payload"]>;

export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: "exponential" as const, delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export const HEARTBEAT_KEY = (prefix: string) => `${prefix}:worker:heartbeat`;

import { z } from "zod";

/**
 * Every background job: its queue, name, payload schema and business job id.
 * The id makes enqueueing idempotent: the same business event enqueues once.
 * Payloads carry ids only — never secrets or personal data.
 */
/** What a re-match job was asked to follow: the record whose change it re-ranks. */
export const MATCH_CHANGE_KINDS = ["need", "product", "enterprise", "institution"] as const;
export type MatchChangeKind = (typeof MATCH_CHANGE_KINDS)[number];
/** Needs or enterprises re-matched per job: a credit import re-evaluating 100,000 enterprises makes 200 jobs, not 100,000. */
export const MATCH_CHANGE_BATCH = 500;

/** Enterprises evaluated per job: large enough to batch queries, small enough to retry cheaply. */
export const EVALUATION_CHUNK = 500;

export const QUEUES = { platform: "platform", credit: "credit", search: "search", matching: "matching", ledger: "ledger" } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOBS = {
  refreshPlatformStats: {
    queue: QUEUES.platform,
    name: "refresh-platform-stats",
    payload: z.object({ reason: z.enum(["schedule", "seed", "registration", "manual"]) }).strict(),
    /** One pending refresh at a time is enough: later requests fold into it. */
    dedupeId: () => "refresh-platform-stats",
  },
  refreshMonitoring: {
    queue: QUEUES.platform,
    name: "refresh-monitoring",
    /** `full` rebuilds every month (nightly, and when asked); otherwise only the months touched since the last run. */
    payload: z.object({ reason: z.enum(["schedule", "seed", "manual"]), full: z.boolean().default(false) }).strict(),
    /** A full and an incremental request may both wait; two of a kind fold into one. */
    dedupeId: (p: { full?: boolean }) => (p.full ? "refresh-monitoring-full" : "refresh-monitoring"),
  },
  importSignalBatch: {
    queue: QUEUES.credit,
    name: "import-signal-batch",
    payload: z.object({ batchId: z.uuid() }).strict(),
    /** One job per batch, whoever enqueues it and however often. */
    jobId: (p: { batchId: string }) => `import-${p.batchId}`,
  },
  evaluateEnterprises: {
    queue: QUEUES.credit,
    name: "evaluate-enterprises",
    payload: z
      .object({
        enterpriseIds: z.array(z.uuid()).min(1).max(EVALUATION_CHUNK),
        /** What caused it, e.g. `batch:<id>`; also recorded on each evaluation. */
        trigger: z.string().regex(/^[a-z-]+(:[0-9a-f-]{1,64})?$/),
        /** The business key of this chunk: the same event and chunk enqueue once. */
        key: z.string().regex(/^[a-z0-9-]{1,120}$/),
      })
      .strict(),
    jobId: (p: { key: string }) => `evaluate-${p.key}`,
  },
  drainSearchOutbox: {
    queue: QUEUES.search,
    name: "drain-search-outbox",
    payload: z.object({ reason: z.enum(["schedule", "change"]) }).strict(),
    /** One pending drain is enough: it takes every event waiting when it runs. */
    dedupeId: () => "drain-search-outbox",
  },
  expireNeeds: {
    queue: QUEUES.platform,
    name: "expire-needs",
    payload: z.object({ reason: z.enum(["schedule", "manual"]) }).strict(),
    /** One pending run is enough: it expires every need past due when it runs. */
    dedupeId: () => "expire-needs",
  },
  dispatchMatchChanges: {
    queue: QUEUES.matching,
    name: "dispatch-match-changes",
    payload: z.object({ reason: z.enum(["schedule", "change"]) }).strict(),
    /** One pending dispatch is enough: it takes every event waiting when it runs. */
    dedupeId: () => "dispatch-match-changes",
  },
  matchChange: {
    queue: QUEUES.matching,
    name: "match-change",
    payload: z
      .object({
        kind: z.enum(MATCH_CHANGE_KINDS),
        /** The records that changed: one product or bank, or up to a batch of needs or enterprises. */
        ids: z.array(z.uuid()).min(1).max(MATCH_CHANGE_BATCH),
        /** The latest outbox event among them: the same events enqueue one job, a later change another. */
        eventId: z.string().regex(/^[1-9]\d{0,18}$/),
      })
      .strict(),
    jobId: (p: { kind: string; eventId: string }) => `match-${p.kind}-e${p.eventId}`,
  },
  matchStale: {
    queue: QUEUES.matching,
    name: "match-stale",
    payload: z.object({ reason: z.enum(["startup", "schedule", "model", "manual"]) }).strict(),
    /** One pending run is enough: it re-ranks every need whose ranking is out of date when it runs. */
    dedupeId: () => "match-stale",
  },
  matchAll: {
    queue: QUEUES.matching,
    name: "match-all",
    payload: z.object({ reason: z.enum(["schedule", "model", "manual"]) }).strict(),
    /** One pending full re-match is enough: it ranks every open need when it runs. */
    dedupeId: () => "match-all",
  },
  refreshResponseRecords: {
    queue: QUEUES.matching,
    name: "refresh-response-records",
    payload: z.object({ reason: z.enum(["schedule", "manual"]) }).strict(),
    dedupeId: () => "refresh-response-records",
  },
  resumeSignalImports: {
    queue: QUEUES.credit,
    name: "resume-signal-imports",
    payload: z.object({}).strict(),
    dedupeId: () => "resume-signal-imports",
  },
  submitLedgerPostings: {
    queue: QUEUES.ledger,
    name: "submit-ledger-postings",
    payload: z.object({ reason: z.enum(["schedule", "change"]) }).strict(),
    /** One pending run is enough: it submits every prepared posting, oldest first. */
    dedupeId: () => "submit-ledger-postings",
  },
  sweepApplications: {
    queue: QUEUES.platform,
    name: "sweep-applications",
    payload: z.object({ reason: z.enum(["schedule", "manual"]) }).strict(),
    /** One pending run is enough: it flags every overdue application and lapses every expired offer. */
    dedupeId: () => "sweep-applications",
  },
  updateLoanDelinquency: {
    queue: QUEUES.ledger,
    name: "update-loan-delinquency",
    payload: z.object({ reason: z.enum(["schedule", "manual"]) }).strict(),
    /** Recomputes from the schedules: running it twice in a day changes nothing the second time. */
    dedupeId: () => "update-loan-delinquency",
  },
  reconcileLedger: {
    queue: QUEUES.ledger,
    name: "reconcile-ledger",
    payload: z.object({ reason: z.enum(["schedule", "manual"]) }).strict(),
    /** One pending run is enough: it compares everything when it runs. */
    dedupeId: () => "reconcile-ledger",
  },
  purgeIdempotencyRecords: {
    queue: QUEUES.platform,
    name: "purge-idempotency-records",
    payload: z.object({ reason: z.enum(["schedule", "manual"]) }).strict(),
    dedupeId: () => "purge-idempotency-records",
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

import { JOBS, type JobKey, type JobPayload } from "~/jobs/definitions";

/**
 * Every recurring job, as data: the worker upserts each scheduler at start
 * (BullMQ keeps one per id, so restarts and several workers do not multiply them).
 */
export type Schedule = {
  id: string;
  job: JobKey;
  repeat: { every: number } | { pattern: string; tz: string };
  data: unknown;
};

function schedule<K extends JobKey>(job: K, id: string, repeat: Schedule["repeat"], data: JobPayload<K>): Schedule {
  return { id, job, repeat, data: JOBS[job].payload.parse(data) };
}

const MINUTE = 60_000;

export const SCHEDULES: readonly Schedule[] = [
  // Monitoring rollups (and the public headline figures from them): the months touched since the last run every five
  // minutes; every month nightly, which also catches anything changed without its updatedAt moving.
  schedule("refreshMonitoring", "refresh-monitoring-every-5-minutes", { every: 5 * MINUTE }, { reason: "schedule", full: false }),
  schedule("refreshMonitoring", "refresh-monitoring-nightly-full", { pattern: "45 3 * * *", tz: "Asia/Shanghai" }, { reason: "schedule", full: true }),
  // The safety net under the drain the web process requests after every change.
  schedule("drainSearchOutbox", "drain-search-outbox-every-10-seconds", { every: 10_000 }, { reason: "schedule" }),
  // Catches a batch whose enqueue was lost between the upload's commit and Redis.
  schedule("resumeSignalImports", "resume-signal-imports-every-minute", { every: MINUTE }, {}),
  // Needs expire by themselves: hourly is well within a day's granularity, and a run finding nothing costs one query.
  schedule("expireNeeds", "expire-needs-every-hour", { every: 60 * MINUTE }, { reason: "schedule" }),
  // Matching: events become re-match jobs within seconds; anything stale (a lost event, a new model) is caught
  // every ten minutes; a nightly full pass keeps years in operation current; bank records hourly.
  schedule("dispatchMatchChanges", "dispatch-match-changes-every-10-seconds", { every: 10_000 }, { reason: "schedule" }),
  schedule("matchStale", "match-stale-every-10-minutes", { every: 10 * MINUTE }, { reason: "schedule" }),
  schedule("matchAll", "match-all-nightly", { pattern: "30 2 * * *", tz: "Asia/Shanghai" }, { reason: "schedule" }),
  schedule("refreshResponseRecords", "refresh-response-records-hourly", { every: 60 * MINUTE }, { reason: "schedule" }),
  // Ledger postings are submitted right after each commit; this catches one whose request was lost or whose worker died.
  schedule("submitLedgerPostings", "submit-ledger-postings-every-30-seconds", { every: 30_000 }, { reason: "schedule" }),
  // Response deadlines end at midnight in China; a five-minute sweep flags them promptly and lapses expired offers.
  schedule("sweepApplications", "sweep-applications-every-5-minutes", { every: 5 * MINUTE }, { reason: "schedule" }),
  // Days past due move at midnight in China: just after it, and hourly in case a run was missed.
  schedule("updateLoanDelinquency", "update-loan-delinquency-after-midnight", { pattern: "5 0 * * *", tz: "Asia/Shanghai" }, { reason: "schedule" }),
  schedule("updateLoanDelinquency", "update-loan-delinquency-hourly", { every: 60 * MINUTE }, { reason: "schedule" }),
  // The ledger against the records, nightly, after the delinquency sweep; differences are reported.
  schedule("reconcileLedger", "reconcile-ledger-nightly", { pattern: "30 1 * * *", tz: "Asia/Shanghai" }, { reason: "schedule" }),
  schedule("purgeIdempotencyRecords", "purge-idempotency-records-hourly", { every: 60 * MINUTE }, { reason: "schedule" }),
];

import type { Db } from "~/db.server";
import { refreshPlatformStats } from "~/domain/stats/platform-stats.server";
import { refreshMonitoring } from "~/domain/monitoring/refresh-monitoring.server";
import { evaluateEnterprises } from "~/domain/credit/evaluate-enterprises.server";
import { resumeQueuedImports } from "~/domain/credit/import/resume-queued-imports.server";
import { markImportFailed, runSignalImport } from "~/domain/credit/import/run-signal-import.server";
import { expireNeeds } from "~/domain/needs/expire-needs.server";
import { rematchAll } from "~/domain/matching/rebuild-rankings.server";
import { rematchForChange, rematchStale } from "~/domain/matching/rematch.server";
import { refreshResponseRecords } from "~/domain/matching/refresh-response-records.server";
import { dispatchMatchChanges } from "~/domain/outbox/match-outbox.server";
import { drainSearchOutbox } from "~/domain/outbox/search-outbox.server";
import { getSearchIndex } from "~/domain/search/search.server";
import { sweepApplications } from "~/domain/applications/sweep-applications.server";
import { settleClaimReservations } from "~/domain/fund/claims.server";
import { getLedger } from "~/domain/ledger/ledger.server";
import { runScheduledReconciliation } from "~/domain/ledger/run-reconciliation.server";
import { submitPostings } from "~/domain/ledger/postings.server";
import { updateLoanDelinquency } from "~/domain/loans/update-delinquency.server";
import { JOBS } from "~/jobs/definitions";
import { purgeIdempotencyRecords } from "~/web/idempotency.server";
import { enqueue, enqueueMany } from "~/jobs/enqueue.server";

/** What a handler knows of its delivery: whether a failure now is the last one BullMQ will retry. */
export type JobMeta = { finalAttempt: boolean };
export type Handler = (db: Db, data: unknown, meta: JobMeta) => Promise<unknown>;

/**
 * Job name → handler. Each handler validates its payload with the job's schema
 * and is safe to run twice (it recomputes, it does not accumulate).
 */
export const HANDLERS: Record<string, Handler> = {
  [JOBS.refreshPlatformStats.name]: async (db, data) => {
    JOBS.refreshPlatformStats.payload.parse(data);
    const values = await refreshPlatformStats(db);
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.toString()]));
  },
  [JOBS.refreshMonitoring.name]: async (db, data) => {
    const { full } = JOBS.refreshMonitoring.payload.parse(data);
    const result = await refreshMonitoring(db, { full });
    // The public headline figures come from the same rollups.
    if (result.mode !== "skipped") await refreshPlatformStats(db);
    return result;
  },
  [JOBS.importSignalBatch.name]: async (db, data, meta) => {
    const { batchId } = JOBS.importSignalBatch.payload.parse(data);
    let outcome;
    try {
      outcome = await runSignalImport(db, batchId);
    } catch (error) {
      // Out of retries: the batch says so instead of showing "validating" for ever.
      if (meta.finalAttempt) await markImportFailed(db, batchId, error);
      throw error;
    }
    // After the commit: a crash here retries the job, which finds the batch applied and enqueues again (same job ids).
    if ("evaluationJobs" in outcome) {
      await enqueueMany("evaluateEnterprises", outcome.evaluationJobs);
      const { evaluationJobs, ...summary } = outcome;
      return { ...summary, evaluationJobs: evaluationJobs.length };
    }
    return outcome;
  },
  [JOBS.evaluateEnterprises.name]: async (db, data) => {
    const payload = JOBS.evaluateEnterprises.payload.parse(data);
    const result = await evaluateEnterprises(db, { enterpriseIds: payload.enterpriseIds, trigger: payload.trigger });
    // Changed evaluations wrote match events: have them dispatched now rather than at the next scheduled run.
    if (result.changed > 0) await enqueue("dispatchMatchChanges", { reason: "change" });
    return result;
  },
  [JOBS.drainSearchOutbox.name]: async (db, data) => {
    JOBS.drainSearchOutbox.payload.parse(data);
    return drainSearchOutbox(db, await getSearchIndex());
  },
  [JOBS.expireNeeds.name]: async (db, data) => {
    JOBS.expireNeeds.payload.parse(data);
    const result = await expireNeeds(db);
    await enqueue("dispatchMatchChanges", { reason: "change" });
    return result;
  },
  [JOBS.dispatchMatchChanges.name]: async (db, data) => {
    JOBS.dispatchMatchChanges.payload.parse(data);
    return dispatchMatchChanges(db);
  },
  [JOBS.matchChange.name]: async (db, data) => {
    const { kind, ids } = JOBS.matchChange.payload.parse(data);
    return rematchForChange(db, { kind, ids });
  },
  [JOBS.matchStale.name]: async (db, data) => {
    const { reason } = JOBS.matchStale.payload.parse(data);
    const result = await rematchStale(db);
    // At start-up the catch-up may rank a whole city: monitoring's "matched" follows now, not at its next slot.
    if (reason === "startup" && result.needs > 0) await enqueue("refreshMonitoring", { reason: "schedule", full: false });
    return result;
  },
  [JOBS.matchAll.name]: async (db, data) => {
    JOBS.matchAll.payload.parse(data);
    return rematchAll(db);
  },
  [JOBS.refreshResponseRecords.name]: async (db, data) => {
    JOBS.refreshResponseRecords.payload.parse(data);
    const result = await refreshResponseRecords(db);
    if (result.rerank > 0) await enqueue("dispatchMatchChanges", { reason: "change" });
    return result;
  },
  [JOBS.resumeSignalImports.name]: async (db, data) => {
    JOBS.resumeSignalImports.payload.parse(data);
    const batchIds = await resumeQueuedImports(db);
    for (const batchId of batchIds) await enqueue("importSignalBatch", { batchId });
    return { resumed: batchIds.length };
  },
  [JOBS.submitLedgerPostings.name]: async (db, data) => {
    JOBS.submitLedgerPostings.payload.parse(data);
    const result = await submitPostings(db, await getLedger());
    // Claims filed by a request that died before the ledger answered are settled here.
    await settleClaimReservations(db);
    // A refused posting is a difference between the records and the ledger: logged loudly, and shown FAILED on the loan's page.
    if (result.failed.length > 0) console.error(JSON.stringify({ message: "ledger refused postings", failed: result.failed }));
    return { committed: result.committed, failed: result.failed.length };
  },
  [JOBS.sweepApplications.name]: async (db, data) => {
    JOBS.sweepApplications.payload.parse(data);
    return sweepApplications(db);
  },
  [JOBS.updateLoanDelinquency.name]: async (db, data) => {
    JOBS.updateLoanDelinquency.payload.parse(data);
    return updateLoanDelinquency(db);
  },
  [JOBS.reconcileLedger.name]: async (db, data) => {
    JOBS.reconcileLedger.payload.parse(data);
    return runScheduledReconciliation(db);
  },
  [JOBS.purgeIdempotencyRecords.name]: async (db, data) => {
    JOBS.purgeIdempotencyRecords.payload.parse(data);
    return { deleted: await purgeIdempotencyRecords(db) };
  },
};

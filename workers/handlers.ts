import type { Db } from "~/db.server";
import { refreshPlatformStats } from "~/domain/stats/platform-stats.server";
import { evaluateEnterprises } from "~/domain/credit/evaluate-enterprises.server";
import { resumeQueuedImports } from "~/domain/credit/import/resume-queued-imports.server";
import { runSignalImport } from "~/domain/credit/import/run-signal-import.server";
import { JOBS } from "~/jobs/definitions";
import { enqueue, enqueueMany } from "~/jobs/enqueue.server";

export type Handler = (db: Db, data: unknown) => Promise<unknown>;

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
  [JOBS.importSignalBatch.name]: async (db, data) => {
    const { batchId } = JOBS.importSignalBatch.payload.parse(data);
    const outcome = await runSignalImport(db, batchId);
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
    return evaluateEnterprises(db, { enterpriseIds: payload.enterpriseIds, trigger: payload.trigger });
  },
  [JOBS.resumeSignalImports.name]: async (db, data) => {
    JOBS.resumeSignalImports.payload.parse(data);
    const batchIds = await resumeQueuedImports(db);
    for (const batchId of batchIds) await enqueue("importSignalBatch", { batchId });
    return { resumed: batchIds.length };
  },
};

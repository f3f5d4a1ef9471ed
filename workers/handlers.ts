import type { Db } from "~/db.server";
import { refreshPlatformStats } from "~/domain/stats/platform-stats.server";
import { JOBS } from "~/jobs/definitions";

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
};

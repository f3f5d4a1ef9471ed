import type { Db } from "~/db.server";
import { recordMatchChange } from "~/domain/outbox/match-outbox.server";
import { ACTIVE_MATCHING_PARAMS } from "./models";
import { responsePoints } from "./score";

type RecordRow = { institutionId: string; decided: number; onTime: number; medianResponseMinutes: number | null };

/**
 * Recomputes every bank's response record from its applications over the
 * trailing window: how many were answered by their deadline, out of those
 * answered or already past it unanswered, and the median time to answer.
 * A bank whose record changed enough to move its response points gets a
 * `match.institution` event in the same transaction, so its products are
 * re-ranked wherever they appear.
 */
export async function refreshResponseRecords(db: Db, now: Date = new Date()): Promise<{ banks: number; changed: number; rerank: number }> {
  const windowDays = ACTIVE_MATCHING_PARAMS.response.windowDays;
  const since = new Date(now.getTime() - windowDays * 86_400_000);
  return db.$transaction(async (tx) => {
    const fresh = await tx.$queryRaw<RecordRow[]>`
      SELECT i.id::text AS "institutionId",
             count(a.id) FILTER (WHERE a."respondedAt" IS NOT NULL OR a."respondBy" < ${now})::int AS decided,
             count(a.id) FILTER (WHERE a."respondedAt" IS NOT NULL AND a."respondedAt" <= a."respondBy")::int AS "onTime",
             round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a."respondedAt" - a."submittedAt") / 60)
                   FILTER (WHERE a."respondedAt" IS NOT NULL))::int AS "medianResponseMinutes"
        FROM institutions i
        LEFT JOIN applications a ON a."institutionId" = i.id AND a."submittedAt" >= ${since} AND a."submittedAt" <= ${now}
       WHERE i.kind = 'BANK'
       GROUP BY i.id`;
    const stored = await tx.$queryRaw<RecordRow[]>`
      SELECT "institutionId"::text AS "institutionId", decided, "onTime", "medianResponseMinutes" FROM bank_response_records FOR UPDATE`;
    const before = new Map(stored.map((r) => [r.institutionId, r]));
    const changed = fresh.filter((r) => {
      const old = before.get(r.institutionId);
      return !old || old.decided !== r.decided || old.onTime !== r.onTime || old.medianResponseMinutes !== r.medianResponseMinutes;
    });
    if (changed.length > 0) {
      await tx.$executeRaw`
        INSERT INTO bank_response_records ("institutionId", decided, "onTime", "medianResponseMinutes", "windowDays", "computedAt")
        SELECT u.id, u.decided, u.on_time, u.median, ${windowDays}, ${now}
          FROM unnest(${changed.map((r) => r.institutionId)}::uuid[], ${changed.map((r) => r.decided)}::int[],
                      ${changed.map((r) => r.onTime)}::int[], ${changed.map((r) => r.medianResponseMinutes)}::int[]) AS u(id, decided, on_time, median)
        ON CONFLICT ("institutionId") DO UPDATE
           SET decided = excluded.decided, "onTime" = excluded."onTime", "medianResponseMinutes" = excluded."medianResponseMinutes",
               "windowDays" = excluded."windowDays", "computedAt" = excluded."computedAt"`;
      // Only a change that moves the bank's response points can move a ranking: the others re-rank nothing.
      const moved = changed.filter((r) => responsePoints(before.get(r.institutionId), ACTIVE_MATCHING_PARAMS) !== responsePoints(r, ACTIVE_MATCHING_PARAMS));
      await recordMatchChange(tx, "institution", moved.map((r) => r.institutionId));
      return { banks: fresh.length, changed: changed.length, rerank: moved.length };
    }
    return { banks: fresh.length, changed: 0, rerank: 0 };
  });
}

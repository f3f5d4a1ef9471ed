import type { Db } from "~/db.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { recordMatchChange } from "~/domain/outbox/match-outbox.server";
import { recordSearchChange } from "~/domain/outbox/search-outbox.server";

/** Needs expired per transaction: one audit record and one short lock each. */
export const EXPIRY_BATCH = 500;
/** Bound on one run; the hourly schedule picks up anything left over. */
const MAX_BATCHES = 200;

/**
 * Marks EXPIRED every OPEN or IN_PROGRESS need whose expiry date is before
 * today in Asia/Shanghai (a need stays valid through its expiry day). Run by
 * the worker on a schedule; running it twice changes nothing the second time.
 * Each batch writes its status changes, search events and one audit record in
 * one transaction; rows locked by a concurrent edit are skipped, not waited on,
 * and found on the next run.
 */
export async function expireNeeds(db: Db, options: { today?: string; batchSize?: number } = {}): Promise<{ expired: number; batches: number }> {
  const today = options.today ?? platformToday();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new Error(`expireNeeds: "${today}" is not a calendar day`);
  const batchSize = Math.min(Math.max(options.batchSize ?? EXPIRY_BATCH, 1), EXPIRY_BATCH);
  let expired = 0;
  let batches = 0;
  for (let b = 0; b < MAX_BATCHES; b++) {
    const done = await db.$transaction(async (tx) => {
      const due = await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text AS id FROM financing_needs
         WHERE status IN ('OPEN', 'IN_PROGRESS') AND "expiresOn" < ${today}::date
         ORDER BY "expiresOn", id
         LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
      if (due.length === 0) return 0;
      const ids = due.map((r) => r.id);
      const now = new Date();
      const updated = await tx.financingNeed.updateMany({
        where: { id: { in: ids }, status: { in: ["OPEN", "IN_PROGRESS"] } },
        data: { status: "EXPIRED", closedAt: now, version: { increment: 1 } },
      });
      await recordSearchChange(tx, "needs", ids);
      await recordMatchChange(tx, "need", ids);
      await appendAudit(tx, {
        action: "need.expired",
        entityType: "need-batch",
        entityId: `expiry:${today}:${ids[0]}`,
        summary: { today, count: updated.count, needIds: ids },
      });
      return updated.count;
    });
    if (done === 0) break;
    expired += done;
    batches++;
  }
  return { expired, batches };
}

import type { Tx } from "~/db.server";
import { enqueue } from "~/jobs/enqueue.server";

/**
 * The transactional outbox (outbox_events): a change writes its event in the
 * same transaction, and the worker consumes it after the commit. Two
 * consumers read it, each its own topics: search (`search.*`, applied to the
 * SearchIndex) and matching (`match.*`, turned into re-match jobs).
 */

export type ClaimedEvent = { id: bigint; topic: string; aggregateId: string };

/**
 * Claims up to `limit` pending events whose topic starts with `prefix`, oldest
 * first, locked with SKIP LOCKED so that several workers never take the same
 * event. The caller marks them processed in the same transaction.
 */
export async function claimEvents(tx: Tx, prefix: string, limit: number): Promise<ClaimedEvent[]> {
  return tx.$queryRaw<ClaimedEvent[]>`
    SELECT id, topic, "aggregateId" FROM outbox_events
     WHERE "processedAt" IS NULL AND topic LIKE ${`${prefix}%`}
     ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
}

export async function markProcessed(tx: Tx, ids: readonly bigint[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.$executeRaw`UPDATE outbox_events SET "processedAt" = now(), attempts = attempts + 1 WHERE id = ANY(${ids}::bigint[])`;
}

/**
 * Asks the worker to consume the outbox now instead of at its next scheduled
 * run, so a change shows in search and in rankings within moments. Best
 * effort by design: the events are already committed with the change, and
 * the scheduled runs apply them if this request is lost — so a failure here
 * is logged, not raised to the user.
 */
export async function requestOutboxDrain(): Promise<void> {
  const results = await Promise.allSettled([
    enqueue("drainSearchOutbox", { reason: "change" }),
    enqueue("dispatchMatchChanges", { reason: "change" }),
  ]);
  for (const result of results) {
    if (result.status === "rejected") {
      console.warn(
        JSON.stringify({
          message: "outbox drain request failed; the scheduled run will apply the change",
          reason: result.reason instanceof Error ? result.reason.message : String(result.reason),
        }),
      );
    }
  }
}

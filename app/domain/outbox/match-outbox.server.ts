import type { Db, Tx } from "~/db.server";
import { enqueueMany } from "~/jobs/enqueue.server";
import type { MatchChangeKind } from "~/jobs/definitions";
import { claimEvents, markProcessed } from "./outbox.server";

/**
 * Rankings follow changes through the outbox: whatever changes what a need
 * could match (the need, a product's status, an enterprise's evaluation, a
 * bank's status or response record) writes a `match.<kind>` event in its own
 * transaction. The dispatcher turns each event into a re-match job whose id
 * names the record and the event, so dispatching the same event twice (a
 * crash between enqueueing and marking it processed) enqueues it once.
 */

const TOPIC_PREFIX = "match.";
const BATCH = 500;

export async function recordMatchChange(tx: Tx, kind: MatchChangeKind, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.outboxEvent.createMany({ data: [...new Set(ids)].map((id) => ({ topic: `${TOPIC_PREFIX}${kind}`, aggregateId: id })) });
}

const KINDS: readonly MatchChangeKind[] = ["need", "product", "enterprise", "institution"];

/** Turns pending match events into re-match jobs, oldest first, and marks them processed. */
export async function dispatchMatchChanges(db: Db, maxBatches = 20): Promise<{ dispatched: number }> {
  let dispatched = 0;
  for (let b = 0; b < maxBatches; b++) {
    const done = await db.$transaction(async (tx) => {
      const claimed = await claimEvents(tx, TOPIC_PREFIX, BATCH);
      if (claimed.length === 0) return 0;
      // Several events for one record in a batch: one job, named by the latest event.
      const latest = new Map<string, { kind: MatchChangeKind; id: string; eventId: string }>();
      for (const e of claimed) {
        const kind = e.topic.slice(TOPIC_PREFIX.length) as MatchChangeKind;
        if (!KINDS.includes(kind)) continue;
        latest.set(`${kind}:${e.aggregateId}`, { kind, id: e.aggregateId, eventId: e.id.toString() });
      }
      // Enqueued before the commit: if the commit fails, the events stay pending and the same job ids are enqueued again.
      await enqueueMany("matchChange", [...latest.values()]);
      await markProcessed(tx, claimed.map((e) => e.id));
      return claimed.length;
    });
    if (done === 0) break;
    dispatched += done;
  }
  return { dispatched };
}

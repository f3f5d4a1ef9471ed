import type { Db, Tx } from "~/db.server";
import { enqueueMany } from "~/jobs/enqueue.server";
import { MATCH_CHANGE_BATCH, MATCH_CHANGE_KINDS, type MatchChangeKind } from "~/jobs/definitions";
import { claimEvents, markProcessed } from "./outbox.server";

/**
 * Rankings follow changes through the outbox: whatever changes what a need
 * could match (the need, a product's status, an enterprise's evaluation, a
 * bank's status or response record) writes a `match.<kind>` event in its own
 * transaction. The dispatcher turns the events into re-match jobs — one per
 * product or bank, one per batch of needs or enterprises — named by the
 * latest event they carry, so dispatching the same events twice (a crash
 * between enqueueing and marking them processed) enqueues them once.
 */

const TOPIC_PREFIX = "match.";
const BATCH = 500;

export async function recordMatchChange(tx: Tx, kind: MatchChangeKind, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.outboxEvent.createMany({ data: [...new Set(ids)].map((id) => ({ topic: `${TOPIC_PREFIX}${kind}`, aggregateId: id })) });
}

/** A product's or a bank's change can move thousands of needs: one job each. */
const ONE_PER_JOB: readonly MatchChangeKind[] = ["product", "institution"];

type MatchChange = { kind: MatchChangeKind; ids: string[]; eventId: string };

/**
 * Claimed events (oldest first) as jobs: records deduplicated, products and
 * banks one per job, needs and enterprises in batches, each job named by the
 * latest event it carries — the same events always make the same jobs.
 */
export function groupChanges(events: readonly { id: bigint; topic: string; aggregateId: string }[]): MatchChange[] {
  const latest = new Map<string, { kind: MatchChangeKind; id: string; eventId: bigint }>();
  for (const e of events) {
    const kind = e.topic.slice(TOPIC_PREFIX.length) as MatchChangeKind;
    if (!MATCH_CHANGE_KINDS.includes(kind)) continue;
    const key = `${kind}:${e.aggregateId}`;
    const seen = latest.get(key);
    if (!seen || seen.eventId < e.id) latest.set(key, { kind, id: e.aggregateId, eventId: e.id });
  }
  const jobs: MatchChange[] = [];
  for (const kind of MATCH_CHANGE_KINDS) {
    const records = [...latest.values()].filter((r) => r.kind === kind).sort((a, b) => (a.eventId < b.eventId ? -1 : 1));
    const size = ONE_PER_JOB.includes(kind) ? 1 : MATCH_CHANGE_BATCH;
    for (let i = 0; i < records.length; i += size) {
      const batch = records.slice(i, i + size);
      jobs.push({ kind, ids: batch.map((r) => r.id), eventId: batch[batch.length - 1]!.eventId.toString() });
    }
  }
  return jobs;
}

/** Turns pending match events into re-match jobs, oldest first, and marks them processed. */
export async function dispatchMatchChanges(db: Db, maxBatches = 20): Promise<{ dispatched: number }> {
  let dispatched = 0;
  for (let b = 0; b < maxBatches; b++) {
    const done = await db.$transaction(async (tx) => {
      const claimed = await claimEvents(tx, TOPIC_PREFIX, BATCH);
      if (claimed.length === 0) return 0;
      await enqueueMany("matchChange", groupChanges(claimed));
      await markProcessed(tx, claimed.map((e) => e.id));
      return claimed.length;
    });
    if (done === 0) break;
    dispatched += done;
  }
  return { dispatched };
}

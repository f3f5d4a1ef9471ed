import type { Db, Tx } from "~/db.server";
import { INDEXES, type IndexName } from "../../../search/indexes";
import { currentDocuments, searchableIds } from "../search/documents.server";
import type { SearchIndex } from "../search/search-index";
import { claimEvents, markProcessed, type ClaimedEvent } from "./outbox.server";

/**
 * Search stays in step with the database through a transactional outbox: a
 * change to a product or a need writes an event in the same transaction, and
 * the worker drains the events into the SearchIndex. A crash between the
 * database write and the index write loses nothing — the event is still
 * there — and draining an event twice is harmless, because the index is set
 * from the record's current state, not from the event.
 */

const TOPIC_PREFIX = "search.";
const BATCH = 500;

export async function recordSearchChange(tx: Tx, index: IndexName, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.outboxEvent.createMany({ data: ids.map((id) => ({ topic: `${TOPIC_PREFIX}${index}`, aggregateId: id })) });
}

/**
 * Applies pending search events, oldest first, in batches. Events are claimed
 * with SKIP LOCKED, so several workers can drain at once without doing the
 * same work; a batch whose index write fails stays pending (and counts an attempt).
 */
export async function drainSearchOutbox(db: Db, search: SearchIndex, maxBatches = 20): Promise<{ applied: number }> {
  let applied = 0;
  for (let b = 0; b < maxBatches; b++) {
    let claimed: ClaimedEvent[] = [];
    try {
      const done = await db.$transaction(
        async (tx) => {
          claimed = await claimEvents(tx, TOPIC_PREFIX, BATCH);
          if (claimed.length === 0) return 0;
          for (const index of Object.keys(INDEXES) as IndexName[]) {
            const ids = claimed.filter((e) => e.topic === `${TOPIC_PREFIX}${index}`).map((e) => e.aggregateId);
            if (ids.length === 0) continue;
            const { upsert, remove } = await currentDocuments(db, index, ids);
            await search.upsert(index, upsert);
            await search.remove(index, remove);
          }
          await markProcessed(tx, claimed.map((e) => e.id));
          return claimed.length;
        },
        { timeout: 120_000 },
      );
      if (done === 0) break;
      applied += done;
    } catch (error) {
      if (claimed.length > 0) {
        const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
        await db.$executeRaw`UPDATE outbox_events SET attempts = attempts + 1, "lastError" = ${reason} WHERE id = ANY(${claimed.map((e) => e.id)}::bigint[])`;
      }
      throw error;
    }
  }
  return { applied };
}

/** Empties an index and fills it again from the database: after a model change, a lost index, or a new backend. */
export async function rebuildSearchIndex(db: Db, search: SearchIndex, index: IndexName): Promise<{ documents: number }> {
  await search.applySettings();
  await search.clear(index);
  let documents = 0;
  for await (const ids of searchableIds(db, index)) {
    const { upsert } = await currentDocuments(db, index, ids);
    await search.upsert(index, upsert);
    documents += upsert.length;
  }
  return { documents };
}

/**
 * At start-up: an index with no documents while the database has searchable
 * records (a new backend, a lost Meilisearch volume, a migration that reset the
 * embedded index) is rebuilt, so search never silently shows nothing.
 */
export async function rebuildEmptySearchIndexes(db: Db, search: SearchIndex): Promise<Partial<Record<IndexName, number>>> {
  const rebuilt: Partial<Record<IndexName, number>> = {};
  for (const index of Object.keys(INDEXES) as IndexName[]) {
    const probe = await search.search(index, { q: "", page: 1, pageSize: 1 });
    if (probe.total > 0) continue;
    const first = await searchableIds(db, index, 1).next();
    if (first.done) continue;
    rebuilt[index] = (await rebuildSearchIndex(db, search, index)).documents;
  }
  return rebuilt;
}

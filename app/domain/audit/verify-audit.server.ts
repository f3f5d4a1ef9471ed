import type { Db, Tx } from "~/db.server";
import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit, auditRecordHash, GENESIS_HASH } from "./append-audit.server";

export const DEFAULT_VERIFY_BATCH_SIZE = 5_000;
const MAX_VERIFY_BATCH_SIZE = 50_000;

/**
 * Why a record breaks the chain:
 * - `hashMismatch`: its stored hash is not the hash of its own fields and its
 *   prevHash — the record was changed after it was written;
 * - `prevHashMismatch`: its prevHash is not the hash of the record before it —
 *   a record in between was deleted, inserted or re-hashed.
 * A gap in `seq` is not a reason by itself: bigserial skips numbers whenever an
 * appending transaction rolls back, so only prevHash continuity decides.
 */
export type ChainBreakReason = "hashMismatch" | "prevHashMismatch";

export type ChainBreak = {
  seq: string;
  reason: ChainBreakReason;
  expected: string;
  found: string;
  /** The record before the broken one (null for the first): with `seq`, the range a deletion happened in. */
  previousSeq: string | null;
  action: string;
  entityType: string;
  entityId: string;
};

export type ChainVerification =
  | { ok: true; checked: number; lastSeq: string | null; lastHash: string }
  | { ok: false; checked: number; brokenAt: ChainBreak };

const RECORD_FIELDS = {
  seq: true,
  at: true,
  actorUserId: true,
  actorInstitutionId: true,
  actorEnterpriseId: true,
  action: true,
  entityType: true,
  entityId: true,
  summary: true,
  ip: true,
  prevHash: true,
  hash: true,
} as const;

/**
 * Walks the whole audit chain in seq order, a bounded batch at a time (keyset
 * pagination on the primary key, never the whole table in memory), and
 * recomputes every hash with the writer's own function. Stops at the first
 * broken record. Records appended while it runs are left for the next run:
 * the walk ends at the last record that existed when it began.
 *
 * Deleting or rewriting the newest records (and their hashes) is invisible to
 * the chain alone; compare `lastSeq`/`lastHash` with a value noted earlier.
 */
export async function verifyAuditChain(
  db: Db | Tx,
  options: { batchSize?: number; onProgress?: (checked: number, total: number) => void } = {},
): Promise<ChainVerification> {
  const batchSize = options.batchSize ?? DEFAULT_VERIFY_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_VERIFY_BATCH_SIZE) {
    throw new RangeError(`batchSize must be an integer in 1..${MAX_VERIFY_BATCH_SIZE}, got ${batchSize}`);
  }
  const newest = await db.auditLog.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
  if (!newest) return { ok: true, checked: 0, lastSeq: null, lastHash: GENESIS_HASH };
  const upTo = newest.seq;
  const total = await db.auditLog.count({ where: { seq: { lte: upTo } } });
  options.onProgress?.(0, total);

  let checked = 0;
  let previousHash = GENESIS_HASH;
  let previousSeq: bigint | null = null;
  // Bounded: every pass advances the cursor past at least one record, and the walk stops at `upTo`.
  for (;;) {
    const range: { gt?: bigint; lte: bigint } = previousSeq === null ? { lte: upTo } : { gt: previousSeq, lte: upTo };
    const rows = await db.auditLog.findMany({
      where: { seq: range },
      orderBy: { seq: "asc" },
      take: batchSize,
      select: RECORD_FIELDS,
    });
    for (const row of rows) {
      const where = {
        seq: row.seq.toString(),
        previousSeq: previousSeq?.toString() ?? null,
        action: row.action,
        entityType: row.entityType,
        entityId: row.entityId,
      };
      if (row.prevHash !== previousHash) {
        return { ok: false, checked, brokenAt: { ...where, reason: "prevHashMismatch", expected: previousHash, found: row.prevHash } };
      }
      const recomputed = auditRecordHash(row.prevHash, row);
      if (recomputed !== row.hash) {
        return { ok: false, checked, brokenAt: { ...where, reason: "hashMismatch", expected: recomputed, found: row.hash } };
      }
      checked++;
      previousHash = row.hash;
      previousSeq = row.seq;
    }
    options.onProgress?.(checked, total);
    if (rows.length < batchSize || previousSeq === upTo) break;
  }
  return { ok: true, checked, lastSeq: previousSeq?.toString() ?? null, lastHash: previousHash };
}

/**
 * A regulator's or platform administrator's check of the whole chain, itself
 * recorded in the audit log (`audit.verified`) whatever the outcome.
 */
export async function verifyAuditLog(options: { actor: Actor; ip: string | null; db?: Db }): Promise<ChainVerification> {
  const { actor, ip } = options;
  const db = options.db ?? prisma;
  assertCan(actor, "verify:audit-log:any");
  const result = await verifyAuditChain(db);
  await db.$transaction((tx) =>
    appendAudit(tx, {
      actorUserId: actor.userId,
      actorInstitutionId: actor.institution?.id ?? null,
      actorEnterpriseId: actor.enterprise?.id ?? null,
      action: "audit.verified",
      entityType: "audit-log",
      entityId: result.ok ? (result.lastSeq ?? "0") : result.brokenAt.seq,
      summary: result.ok
        ? { ok: true, checked: result.checked, brokenAt: null, lastSeq: result.lastSeq, lastHash: result.lastHash }
        : { ok: false, checked: result.checked, brokenAt: { seq: result.brokenAt.seq, reason: result.brokenAt.reason } },
      ip,
    }),
  );
  return result;
}

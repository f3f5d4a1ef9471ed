import { randomBytes } from "node:crypto";
import type { Db, Tx } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { BATCH_MAX, TransferFlags, succeeded, type Ledger, type NewTransfer } from "./ledger";

/**
 * Exactly-once postings (CONVENTIONS "Ledger discipline"): a business action
 * stores its transfers — ids included — in `ledger_transfer_refs` in the same
 * transaction as its own record, and only then are they submitted. A crash
 * before submission leaves them PREPARED, to be submitted later; a crash
 * after the ledger accepted them but before they were marked leaves them
 * PREPARED too, and resubmitting the same events gets `exists`, which counts
 * as done. The ledger never sees a transfer twice under two ids.
 */

/**
 * A 128-bit transfer id: milliseconds since the epoch in the high 48 bits
 * (TigerBeetle stores time-ordered ids most efficiently), 80 random bits below.
 */
export function newTransferId(now: number = Date.now()): bigint {
  return (BigInt(now) << 80n) | BigInt(`0x${randomBytes(10).toString("hex")}`);
}

export type Posting = {
  /** The business record the transfer belongs to, e.g. `loan` and its id. */
  businessType: string;
  businessId: string;
  transfer: Omit<NewTransfer, "id">;
};

const FIELDS = ["debit_account_id", "credit_account_id", "amount", "pending_id", "user_data_128", "user_data_64"] as const;

function toPayload(t: NewTransfer): Prisma.InputJsonValue {
  const out: Record<string, string | number> = { id: t.id.toString() };
  for (const f of FIELDS) if (t[f] !== undefined) out[f] = t[f]!.toString();
  for (const f of ["user_data_32", "ledger", "code", "flags"] as const) if (t[f] !== undefined) out[f] = t[f]!;
  return out;
}

function fromPayload(p: Record<string, string | number>): NewTransfer {
  const t: NewTransfer = { id: BigInt(p.id!) };
  for (const f of FIELDS) if (p[f] !== undefined) t[f] = BigInt(p[f]!);
  for (const f of ["user_data_32", "ledger", "code", "flags"] as const) if (p[f] !== undefined) t[f] = Number(p[f]);
  return t;
}

/**
 * In the caller's transaction: gives each transfer its id and stores it with
 * its business record, in order. Returns the ids, for the business record to
 * keep (e.g. a loan's disbursement transfer id).
 */
export async function preparePostings(tx: Tx, postings: readonly Posting[]): Promise<bigint[]> {
  if (postings.length === 0) return [];
  if (postings.length > BATCH_MAX) throw new RangeError(`at most ${BATCH_MAX} postings at once`);
  const now = Date.now();
  const prepared = postings.map((p) => ({ ...p, transfer: { ...p.transfer, id: newTransferId(now) } as NewTransfer }));
  await tx.ledgerTransferRef.createMany({
    data: prepared.map((p) => ({
      transferId: p.transfer.id.toString(),
      ledger: p.transfer.ledger ?? 0,
      code: p.transfer.code ?? 0,
      businessType: p.businessType,
      businessId: p.businessId,
      amountFen: p.transfer.amount ?? 0n,
      payload: toPayload(p.transfer),
    })),
  });
  return prepared.map((p) => p.transfer.id);
}

export type SubmitResult = { committed: number; failed: { transferId: string; status: string }[] };

/**
 * Submits prepared postings, oldest first, in batches that never split a
 * linked chain. Rows are claimed with SKIP LOCKED, so two workers never
 * submit the same posting at once. `created` and `exists` mark a posting
 * COMMITTED; anything else FAILED with TigerBeetle's status, for the business
 * action to act on.
 */
export async function submitPostings(db: Db, ledger: Ledger, maxBatches = 50): Promise<SubmitResult> {
  const total: SubmitResult = { committed: 0, failed: [] };
  for (let b = 0; b < maxBatches; b++) {
    const done = await db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<{ transferId: string; payload: Record<string, string | number> }[]>`
          SELECT "transferId", payload FROM ledger_transfer_refs
           WHERE state = 'PREPARED' ORDER BY seq LIMIT ${BATCH_MAX} FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        let batch = rows.map((r) => ({ transferId: r.transferId, transfer: fromPayload(r.payload) }));
        // A chain cut by the batch's end waits for the next batch, whole.
        while (batch.length > 0 && ((batch[batch.length - 1]!.transfer.flags ?? 0) & TransferFlags.linked) !== 0) batch = batch.slice(0, -1);
        if (batch.length === 0) throw new Error("a linked chain of postings longer than one ledger batch");
        const results = await ledger.createTransfers(batch.map((r) => r.transfer));
        const ok = batch.filter((_, i) => succeeded(results[i]!));
        const failed = batch.flatMap((r, i) => (succeeded(results[i]!) ? [] : [{ transferId: r.transferId, status: results[i]!.status }]));
        if (ok.length > 0) {
          await tx.$executeRaw`UPDATE ledger_transfer_refs SET state = 'COMMITTED', "committedAt" = now()
                                WHERE "transferId" = ANY(${ok.map((r) => r.transferId)}::text[])`;
        }
        for (const f of failed) {
          await tx.$executeRaw`UPDATE ledger_transfer_refs SET state = 'FAILED', failure = ${f.status} WHERE "transferId" = ${f.transferId}`;
        }
        total.committed += ok.length;
        total.failed.push(...failed);
        return batch.length;
      },
      { timeout: 120_000 },
    );
    if (done === 0) break;
  }
  return total;
}

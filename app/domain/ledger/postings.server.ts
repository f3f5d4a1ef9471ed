import { randomBytes } from "node:crypto";
import type { Db, Tx } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { LEDGER_CNY, type AccountSpec } from "./chart";
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

/**
 * In the caller's transaction: the ledger accounts the postings need, each
 * stored (id, ledger, code, flags) once per owner and purpose before it is
 * created in the ledger. An account prepared before keeps its id. Returns the
 * ids in the order of `specs`.
 */
export async function prepareAccounts(tx: Tx, specs: readonly AccountSpec[]): Promise<bigint[]> {
  if (specs.length === 0) return [];
  const now = Date.now();
  await tx.ledgerAccountRef.createMany({
    data: specs.map((s) => ({
      accountId: newTransferId(now).toString(),
      ledger: LEDGER_CNY,
      code: s.code,
      flags: s.flags,
      ownerType: s.ownerType,
      ownerId: s.ownerId,
      purpose: s.purpose,
    })),
    skipDuplicates: true,
  });
  const rows = await tx.ledgerAccountRef.findMany({
    where: { OR: specs.map((s) => ({ ownerType: s.ownerType, ownerId: s.ownerId, purpose: s.purpose })) },
    select: { accountId: true, ownerType: true, ownerId: true, purpose: true, code: true, flags: true },
  });
  const byKey = new Map(rows.map((r) => [`${r.ownerType}/${r.ownerId}/${r.purpose}`, r]));
  return specs.map((s) => {
    const row = byKey.get(`${s.ownerType}/${s.ownerId}/${s.purpose}`);
    if (!row) throw new Error(`ledger account ${s.ownerType}/${s.ownerId}/${s.purpose} was not prepared`);
    // The chart is code: an account's code and flags never change once prepared.
    if (row.code !== s.code || row.flags !== s.flags) throw new Error(`ledger account ${row.accountId} was prepared with other code or flags`);
    return BigInt(row.accountId);
  });
}

export type SubmitResult = { committed: number; failed: { transferId: string; status: string }[]; busy?: boolean };

/** Serialises submitters: a transfer is never sent before the accounts it names were created. */
export const SUBMIT_LOCK_KEY = 0x5842_4c47; // "XBLG"

/** Creates the prepared accounts in the ledger (`created` or `exists`), in batches, under the submit lock. */
async function submitAccounts(tx: Tx, ledger: Ledger): Promise<{ failed: { accountId: string; status: string }[] }> {
  const failed: { accountId: string; status: string }[] = [];
  for (;;) {
    const rows = await tx.$queryRaw<{ accountId: string; ledger: number; code: number; flags: number }[]>`
      SELECT "accountId", ledger, code, flags FROM ledger_account_refs
       WHERE state = 'PREPARED' ORDER BY "createdAt", "accountId" LIMIT ${BATCH_MAX}`;
    if (rows.length === 0) return { failed };
    const results = await ledger.createAccounts(rows.map((r) => ({ id: BigInt(r.accountId), ledger: r.ledger, code: r.code, flags: r.flags })));
    const ok = rows.filter((_, i) => succeeded(results[i]!)).map((r) => r.accountId);
    if (ok.length > 0) await tx.$executeRaw`UPDATE ledger_account_refs SET state = 'COMMITTED' WHERE "accountId" = ANY(${ok}::text[])`;
    for (const [i, r] of rows.entries()) {
      if (succeeded(results[i]!)) continue;
      failed.push({ accountId: r.accountId, status: results[i]!.status });
      await tx.$executeRaw`UPDATE ledger_account_refs SET state = 'FAILED', failure = ${results[i]!.status} WHERE "accountId" = ${r.accountId}`;
    }
  }
}

/**
 * Submits prepared postings, oldest first, in batches that never split a
 * linked chain, after creating any accounts prepared with them. Submitters
 * take turns on an advisory lock, so two workers never submit the same
 * posting at once and a transfer never overtakes its accounts. `created` and `exists` mark a posting
 * COMMITTED; anything else FAILED with TigerBeetle's status, for the business
 * action to act on.
 */
export async function submitPostings(db: Db, ledger: Ledger, maxBatches = 50, options: { wait?: boolean } = {}): Promise<SubmitResult> {
  const total: SubmitResult = { committed: 0, failed: [] };
  for (let b = 0; b < maxBatches; b++) {
    const done = await db.$transaction(
      async (tx) => {
        if (options.wait === false) {
          // Another submitter at work will take these postings too: do not queue behind it holding a connection.
          const [lock] = await tx.$queryRaw<{ ok: boolean }[]>`SELECT pg_try_advisory_xact_lock(${SUBMIT_LOCK_KEY}) AS ok`;
          if (!lock?.ok) {
            total.busy = true;
            return 0;
          }
        } else {
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SUBMIT_LOCK_KEY})`;
        }
        await submitAccounts(tx, ledger);
        const rows = await tx.$queryRaw<{ transferId: string; payload: Record<string, string | number> }[]>`
          SELECT "transferId", payload FROM ledger_transfer_refs
           WHERE state = 'PREPARED' ORDER BY seq LIMIT ${BATCH_MAX} FOR UPDATE`;
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
      // Submitters queue on the submit lock: a busy moment waits for its turn rather than failing.
      { maxWait: 60_000, timeout: 120_000 },
    );
    if (done === 0) break;
  }
  return total;
}

/**
 * Submits what is prepared now (in the caller's request, rather than waiting
 * for the worker) and returns the states of one business record's postings:
 * for actions whose answer depends on the ledger's verdict, such as a
 * reservation against the fund's balance and caps.
 */
export async function postNow(
  db: Db,
  ledger: Ledger,
  businessType: string,
  businessId: string,
): Promise<{ transferId: string; state: string; failure: string | null }[]> {
  const states = () =>
    db.ledgerTransferRef.findMany({ where: { businessType, businessId }, orderBy: { seq: "asc" }, select: { transferId: true, state: true, failure: true } });
  const deadline = Date.now() + POST_NOW_WAIT_MS;
  for (;;) {
    const result = await submitPostings(db, ledger, 50, { wait: false });
    const current = await states();
    if (current.every((p) => p.state !== "PREPARED") || Date.now() > deadline) return current;
    // A submitter is at work and will reach these postings: wait a moment and look again.
    if (result.busy) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** How long a request waits for the ledger's verdict before answering with the postings still on their way. */
const POST_NOW_WAIT_MS = 30_000;

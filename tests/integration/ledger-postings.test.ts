/**
 * Postings reach the ledger exactly once: prepared with their business record,
 * submitted after it commits, and resubmitted as the same events after a crash
 * at either side of the ledger call.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { AccountFlags, TransferFlags } from "~/domain/ledger/ledger";
import { createPostgresLedger } from "~/domain/ledger/postgres-ledger.server";
import { newTransferId, preparePostings, submitPostings } from "~/domain/ledger/postings.server";

const ledger = createPostgresLedger(prisma);
const LEDGER = 156;

async function accounts(...flags: number[]): Promise<bigint[]> {
  const ids = flags.map(() => newTransferId());
  await ledger.createAccounts(ids.map((id, i) => ({ id, ledger: LEDGER, code: 10, flags: flags[i] })));
  return ids;
}

describe("ledger postings", () => {
  it("are stored with the business record, submitted once, and a resubmission after a crash is `exists`", async () => {
    const [bank, loan] = await accounts(0, 0);
    // The business transaction: its own record (here only the postings) and the transfer, id included.
    const [transferId] = await prisma.$transaction((tx) =>
      preparePostings(tx, [{ businessType: "loan", businessId: "L-1", transfer: { debit_account_id: loan, credit_account_id: bank, amount: 500_000n, ledger: LEDGER, code: 1 } }]),
    );
    // Crash before submission: nothing in the ledger yet, the posting waits.
    expect(await ledger.lookupTransfers([transferId!])).toEqual([]);
    expect(await submitPostings(prisma, ledger)).toEqual({ committed: 1, failed: [] });
    expect(await ledger.lookupTransfers([transferId!])).toHaveLength(1);
    expect(await submitPostings(prisma, ledger)).toEqual({ committed: 0, failed: [] });

    // Crash after the ledger accepted it but before it was marked: the same event again is `exists`, money moves once.
    await prisma.ledgerTransferRef.update({ where: { transferId: transferId!.toString() }, data: { state: "PREPARED", committedAt: null } });
    expect(await submitPostings(prisma, ledger)).toEqual({ committed: 1, failed: [] });
    const [after] = await ledger.lookupAccounts([loan!]);
    expect(after!.debits_posted).toBe(500_000n);
    expect(await prisma.ledgerTransferRef.findUniqueOrThrow({ where: { transferId: transferId!.toString() } })).toMatchObject({ state: "COMMITTED", amountFen: 500_000n });
  });

  it("a refused posting is marked FAILED with the ledger's reason, and a linked chain goes all or nothing", async () => {
    const [source, capped, payee] = await accounts(0, AccountFlags.debits_must_not_exceed_credits, 0);
    await prisma.$transaction((tx) =>
      preparePostings(tx, [
        { businessType: "claim", businessId: "C-1", transfer: { debit_account_id: source, credit_account_id: payee, amount: 10n, ledger: LEDGER, code: 2, flags: TransferFlags.linked } },
        { businessType: "claim", businessId: "C-1", transfer: { debit_account_id: capped, credit_account_id: payee, amount: 10n, ledger: LEDGER, code: 2 } },
      ]),
    );
    const result = await submitPostings(prisma, ledger);
    expect(result.committed).toBe(0);
    expect(result.failed.map((f) => f.status)).toEqual(["linked_event_failed", "exceeds_credits"]);
    const refs = await prisma.ledgerTransferRef.findMany({ where: { businessId: "C-1" }, orderBy: { seq: "asc" } });
    expect(refs.map((r) => [r.state, r.failure])).toEqual([
      ["FAILED", "linked_event_failed"],
      ["FAILED", "exceeds_credits"],
    ]);
    expect((await ledger.lookupAccounts([payee!]))[0]!.credits_posted).toBe(0n);
  });

  it("ids are time-ordered 128-bit numbers, unique", () => {
    const a = newTransferId(1_000);
    const b = newTransferId(2_000);
    expect(b > a).toBe(true);
    expect(a >> 80n).toBe(1_000n);
    expect(new Set(Array.from({ length: 1_000 }, () => newTransferId())).size).toBe(1_000);
  });
});

/**
 * The risk-compensation fund against the embedded ledger: caps and solvency
 * are balances the ledger itself guards, so 100 claims racing for a fund with
 * room for 10 reserve exactly 10; approval in part releases the rest,
 * rejection releases everything; a recovery shares back in proportion and
 * never more than the fund paid; balances at a past moment equal the sum of
 * the transfers up to it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { isDomainError } from "~/domain/errors";
import { decideClaim, fileClaim, recordRecovery } from "~/domain/fund/claims.server";
import { recordContribution, setBankSuspension } from "~/domain/fund/fund-admin.server";
import { compensationFen, recoveryShareFen } from "~/domain/fund/fund-rules";
import { LEDGER_CNY, TRANSFER_CODES } from "~/domain/ledger/chart";
import { AccountFilterFlags, TransferFlags } from "~/domain/ledger/ledger";
import { getLedger } from "~/domain/ledger/ledger.server";
import { newTransferId } from "~/domain/ledger/postings.server";
import { closeQueues } from "~/jobs/enqueue.server";
import { makeActor, makeDefaultedLoan, makeFund } from "../helpers";

let office: Actor;
let bank: Actor;

async function codeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    if (isDomainError(error)) return error.code;
    throw error;
  }
  return "ok";
}

const newFund = async (options: { poolFen: bigint; capPerLoanFen?: bigint; capPerBankYearFen?: bigint; ratioBps?: number }) =>
  (await makeFund({ office, bank, ...options })).fundId;

const defaultedLoan = (fundId: string, principalFen = 10_000_000n, owner: Actor = bank) =>
  makeDefaultedLoan({ fundId, institutionId: owner.institution!.id, principalFen });

async function account(ownerType: string, ownerId: string, purpose: string) {
  const ref = await prisma.ledgerAccountRef.findUniqueOrThrow({ where: { ownerType_ownerId_purpose: { ownerType, ownerId, purpose } } });
  const [found] = await (await getLedger()).lookupAccounts([BigInt(ref.accountId)]);
  return found!;
}

beforeAll(async () => {
  office = await makeActor("finance_office");
  bank = await makeActor("bank_admin");
});

afterAll(async () => {
  await closeQueues();
});

describe("fund arithmetic", () => {
  it("takes the ratio of the loss within every cap, and shares recoveries in proportion, never beyond what is recoverable", () => {
    expect(compensationFen({ lossFen: 10_000_000n, ratioBps: 4_000, loanRoomFen: 9_000_000n, bankYearRoomFen: 9_000_000n })).toBe(4_000_000n);
    expect(compensationFen({ lossFen: 10_000_000n, ratioBps: 4_000, loanRoomFen: 3_000_000n, bankYearRoomFen: 9_000_000n })).toBe(3_000_000n);
    expect(compensationFen({ lossFen: 10_000_000n, ratioBps: 4_000, loanRoomFen: 9_000_000n, bankYearRoomFen: -5n })).toBe(0n);
    expect(compensationFen({ lossFen: 3n, ratioBps: 3_333, loanRoomFen: 100n, bankYearRoomFen: 100n })).toBe(0n);
    expect(recoveryShareFen({ recoveredFen: 1_000_000n, paidFen: 4_000_000n, lossFen: 10_000_000n, recoverableFen: 4_000_000n })).toBe(400_000n);
    expect(recoveryShareFen({ recoveredFen: 50_000_000n, paidFen: 4_000_000n, lossFen: 10_000_000n, recoverableFen: 1_000n })).toBe(1_000n);
  });
});

describe("claims against the fund", () => {
  it("100 concurrent claims against a fund with room for 10 reserve exactly what fits and nothing beyond", async () => {
    // Each claim: 40 % of ¥100,000 = ¥40,000; the pool holds ¥400,000.
    const fundId = await newFund({ poolFen: 40_000_000n });
    const loans = [];
    for (let i = 0; i < 100; i++) loans.push(await defaultedLoan(fundId));
    const results = await Promise.all(
      loans.map((loan) =>
        fileClaim({ actor: bank, loanId: loan.id, input: { lossFen: 10_000_000n, recoveryActions: "已起诉，申请强制执行", evidence: ["判决书"] }, ip: null }),
      ),
    );
    expect(results.filter((r) => r.status === "RESERVED")).toHaveLength(10);
    expect(results.filter((r) => r.status === "REFUSED")).toHaveLength(90);
    expect(new Set(results.filter((r) => r.status === "REFUSED").map((r) => r.refusal))).toEqual(new Set(["fund.poolInsufficient"]));
    const pool = await account("fund", fundId, "FUND_POOL");
    expect(pool.credits_posted).toBe(40_000_000n);
    expect(pool.debits_pending).toBe(40_000_000n);
    expect(pool.debits_posted).toBe(0n);
    // Refused claims hold nothing: no loan cap or bank account has anything pending beyond the ten.
    const bankAccount = await account("fund-bank", `${fundId}:${bank.institution!.id}`, "FUND_BANK_COMPENSATION");
    expect(bankAccount.credits_pending).toBe(40_000_000n);
  }, 120_000);

  it("approval in part posts what is approved and releases the rest; rejection releases everything", async () => {
    const fundId = await newFund({ poolFen: 100_000_000n });
    const [a, b] = [await defaultedLoan(fundId), await defaultedLoan(fundId)];
    const claimA = await fileClaim({ actor: bank, loanId: a.id, input: { lossFen: 10_000_000n, recoveryActions: "催收", evidence: [] }, ip: null });
    const claimB = await fileClaim({ actor: bank, loanId: b.id, input: { lossFen: 10_000_000n, recoveryActions: "催收", evidence: [] }, ip: null });
    expect([claimA.status, claimB.status]).toEqual(["RESERVED", "RESERVED"]);
    expect((await account("fund", fundId, "FUND_POOL")).debits_pending).toBe(8_000_000n);

    const partial = await decideClaim({
      actor: office,
      claimId: claimA.id,
      decision: { kind: "approve", approvedFen: 2_500_000n, reason: "部分损失已由担保覆盖" },
      ip: null,
    });
    expect(partial).toMatchObject({ status: "PARTIALLY_APPROVED", approvedFen: 2_500_000n });
    let pool = await account("fund", fundId, "FUND_POOL");
    expect(pool.debits_posted).toBe(2_500_000n);
    expect(pool.debits_pending).toBe(4_000_000n);
    const rejected = await decideClaim({ actor: office, claimId: claimB.id, decision: { kind: "reject", reason: "未提供追偿证明" }, ip: null });
    expect(rejected.status).toBe("REJECTED");
    pool = await account("fund", fundId, "FUND_POOL");
    expect(pool.debits_pending).toBe(0n);
    expect(pool.debits_posted).toBe(2_500_000n);
    // The loan caps follow: A's cap used by what was paid, B's untouched.
    expect((await account("fund-loan", `${fundId}:${a.id}`, "FUND_LOAN_CAP")).debits_posted).toBe(2_500_000n);
    const capB = await account("fund-loan", `${fundId}:${b.id}`, "FUND_LOAN_CAP");
    expect([capB.debits_pending, capB.debits_posted]).toEqual([0n, 0n]);
    // Decided once.
    expect(await codeOf(() => decideClaim({ actor: office, claimId: claimA.id, decision: { kind: "approve" }, ip: null }))).toBe("fund.claimNotReserved");
    // A bank cannot decide, the office cannot file.
    expect(await codeOf(() => decideClaim({ actor: bank, claimId: claimA.id, decision: { kind: "approve" }, ip: null }))).toBe("forbidden");
    expect(await codeOf(() => fileClaim({ actor: office, loanId: a.id, input: { lossFen: 1n, recoveryActions: "", evidence: [] }, ip: null }))).toBe(
      "forbidden",
    );
  }, 60_000);

  it("limits a claim by the loan's cap and the bank's yearly cap, and refuses a suspended bank", async () => {
    const fundId = await newFund({ poolFen: 100_000_000n, capPerLoanFen: 3_000_000n, capPerBankYearFen: 5_000_000n });
    const first = await fileClaim({
      actor: bank,
      loanId: (await defaultedLoan(fundId)).id,
      input: { lossFen: 10_000_000n, recoveryActions: "诉讼", evidence: [] },
      ip: null,
    });
    expect(first.reservedFen).toBe(3_000_000n); // 40 % = 4,000,000, cut to the loan's cap
    const second = await fileClaim({
      actor: bank,
      loanId: (await defaultedLoan(fundId)).id,
      input: { lossFen: 10_000_000n, recoveryActions: "诉讼", evidence: [] },
      ip: null,
    });
    expect(second.reservedFen).toBe(2_000_000n); // what is left of the bank's year
    const third = await defaultedLoan(fundId);
    expect(
      await codeOf(() => fileClaim({ actor: bank, loanId: third.id, input: { lossFen: 10_000_000n, recoveryActions: "诉讼", evidence: [] }, ip: null })),
    ).toBe("fund.noRoom");
    await setBankSuspension({ actor: office, fundId, institutionId: bank.institution!.id, suspend: true, reason: "逾期未报送追偿进展", ip: null });
    expect(await codeOf(() => fileClaim({ actor: bank, loanId: third.id, input: { lossFen: 1_000n, recoveryActions: "诉讼", evidence: [] }, ip: null }))).toBe(
      "fund.bankSuspended",
    );
  }, 60_000);

  it("even a reservation the records think fits is refused by the ledger when the cap's balance has no room", async () => {
    const fundId = await newFund({ poolFen: 100_000_000n, capPerBankYearFen: 5_000_000n });
    const loan = await defaultedLoan(fundId);
    await fileClaim({ actor: bank, loanId: loan.id, input: { lossFen: 10_000_000n, recoveryActions: "诉讼", evidence: [] }, ip: null });
    // Behind the application's back: a transfer drawing the bank's year cap beyond its balance.
    const ledger = await getLedger();
    const cap = await prisma.ledgerAccountRef.findFirstOrThrow({
      where: { ownerType: "fund-bank-year", purpose: "FUND_BANK_YEAR_CAP", ownerId: { startsWith: `${fundId}:` } },
    });
    const used = await prisma.ledgerAccountRef.findFirstOrThrow({ where: { ownerType: "fund", ownerId: fundId, purpose: "FUND_CAP_USED" } });
    const [result] = await ledger.createTransfers([
      {
        id: newTransferId(),
        debit_account_id: BigInt(cap.accountId),
        credit_account_id: BigInt(used.accountId),
        amount: 1_000_001n,
        ledger: LEDGER_CNY,
        code: TRANSFER_CODES.CLAIM_BANK_YEAR_CAP,
        flags: TransferFlags.pending,
      },
    ]);
    expect(result!.status).toBe("exceeds_credits");
  });
});

describe("recoveries", () => {
  it("share back in proportion to what the fund paid, never more, and the ledger refuses more whatever the code does", async () => {
    const fundId = await newFund({ poolFen: 100_000_000n });
    const loan = await defaultedLoan(fundId);
    const claim = await fileClaim({ actor: bank, loanId: loan.id, input: { lossFen: 10_000_000n, recoveryActions: "诉讼", evidence: [] }, ip: null });
    await decideClaim({ actor: office, claimId: claim.id, decision: { kind: "approve" }, ip: null });
    // Paid 4,000,000 of a 10,000,000 loss: 40 % of each recovery goes back.
    const first = await recordRecovery({
      actor: bank,
      loanId: loan.id,
      input: { amountFen: 5_000_000n, receivedOn: "2026-11-01" },
      idempotencyKey: "R1",
      ip: null,
    });
    expect(first.fundShareFen).toBe(2_000_000n);
    expect(
      (await recordRecovery({ actor: bank, loanId: loan.id, input: { amountFen: 5_000_000n, receivedOn: "2026-11-01" }, idempotencyKey: "R1", ip: null }))
        .replayed,
    ).toBe(true);
    const second = await recordRecovery({
      actor: bank,
      loanId: loan.id,
      input: { amountFen: 20_000_000n, receivedOn: "2026-11-10" },
      idempotencyKey: "R2",
      ip: null,
    });
    expect(second.fundShareFen).toBe(2_000_000n); // 40 % would be 8,000,000: cut to what is left of 4,000,000
    const third = await recordRecovery({
      actor: bank,
      loanId: loan.id,
      input: { amountFen: 1_000_000n, receivedOn: "2026-11-12" },
      idempotencyKey: "R3",
      ip: null,
    });
    expect(third.fundShareFen).toBe(0n);
    const recoverable = await account("fund-loan", `${fundId}:${loan.id}`, "FUND_LOAN_RECOVERABLE");
    expect(recoverable.credits_posted - recoverable.debits_posted).toBe(0n);
    const pool = await account("fund", fundId, "FUND_POOL");
    expect(pool.credits_posted - pool.debits_posted).toBe(100_000_000n);

    // Another loan of the same bank compensated, so the bank's account has money: only the loan's recoverable balance stands in the way.
    const other = await defaultedLoan(fundId);
    const otherClaim = await fileClaim({ actor: bank, loanId: other.id, input: { lossFen: 10_000_000n, recoveryActions: "诉讼", evidence: [] }, ip: null });
    await decideClaim({ actor: office, claimId: otherClaim.id, decision: { kind: "approve" }, ip: null });
    // Straight to the ledger, one fen more than recoverable for the first loan: refused, and its linked share with it.
    const ledger = await getLedger();
    const refs = await prisma.ledgerAccountRef.findMany({
      where: { OR: [{ ownerId: `${fundId}:${loan.id}` }, { ownerId: fundId }, { ownerId: `${fundId}:${bank.institution!.id}` }] },
    });
    const id = (purpose: string) => BigInt(refs.find((r) => r.purpose === purpose)!.accountId);
    const results = await ledger.createTransfers([
      {
        id: newTransferId(),
        debit_account_id: id("FUND_BANK_COMPENSATION"),
        credit_account_id: id("FUND_POOL"),
        amount: 1n,
        ledger: LEDGER_CNY,
        code: TRANSFER_CODES.RECOVERY_SHARE,
        flags: TransferFlags.linked,
      },
      {
        id: newTransferId(),
        debit_account_id: id("FUND_LOAN_RECOVERABLE"),
        credit_account_id: id("FUND_QUOTA"),
        amount: 1n,
        ledger: LEDGER_CNY,
        code: TRANSFER_CODES.RECOVERY_RECOVERABLE,
      },
    ]);
    expect(results.map((r) => r.status)).toEqual(["linked_event_failed", "exceeds_credits"]);
  }, 60_000);
});

describe("balances at a past moment", () => {
  it("equal the sum of the account's transfers up to that moment", async () => {
    const fundId = await newFund({ poolFen: 50_000_000n });
    await recordContribution({
      actor: office,
      fundId,
      input: { amountFen: 7_000_000n, receivedOn: "2026-04-01", reference: `CZ-${crypto.randomUUID()}` },
      ip: null,
    });
    const loan = await defaultedLoan(fundId);
    const claim = await fileClaim({ actor: bank, loanId: loan.id, input: { lossFen: 10_000_000n, recoveryActions: "诉讼", evidence: [] }, ip: null });
    await decideClaim({ actor: office, claimId: claim.id, decision: { kind: "approve", approvedFen: 1_234_567n }, ip: null });
    const ledger = await getLedger();
    const poolId = BigInt((await prisma.ledgerAccountRef.findFirstOrThrow({ where: { ownerType: "fund", ownerId: fundId, purpose: "FUND_POOL" } })).accountId);
    const transfers = await ledger.getAccountTransfers({ account_id: poolId, flags: AccountFilterFlags.debits | AccountFilterFlags.credits, limit: 100 });
    const balances = await ledger.getAccountBalances({ account_id: poolId, flags: AccountFilterFlags.debits | AccountFilterFlags.credits, limit: 100 });
    expect(balances.length).toBe(transfers.length);
    for (const at of balances) {
      const upTo = transfers.filter((t) => t.timestamp <= at.timestamp);
      const credits = upTo.filter((t) => t.credit_account_id === poolId && !(t.flags & TransferFlags.pending)).reduce((s, t) => s + t.amount, 0n);
      const debitsPosted = upTo
        .filter((t) => t.debit_account_id === poolId && !(t.flags & TransferFlags.pending) && !(t.flags & TransferFlags.void_pending_transfer))
        .reduce((s, t) => s + t.amount, 0n);
      expect(at.credits_posted).toBe(credits);
      expect(at.debits_posted).toBe(debitsPosted);
    }
    expect(balances.at(-1)!.credits_posted - balances.at(-1)!.debits_posted).toBe(57_000_000n - 1_234_567n);
  }, 60_000);
});

describe("scheduled reconciliation", () => {
  it("chains its result into the audit log and tells the office and regulators of any difference", async () => {
    const { runScheduledReconciliation } = await import("~/domain/ledger/run-reconciliation.server");
    await makeActor("regulator");
    // This file's loans are written without their disbursements (no ledger accounts): each is a difference already.
    const clean = await runScheduledReconciliation(prisma);
    const fundId = await newFund({ poolFen: 100_000_000n });
    const loan = await defaultedLoan(fundId);
    const filed = await fileClaim({ actor: bank, loanId: loan.id, input: { lossFen: 10_000_000n, recoveryActions: "诉讼", evidence: [] }, ip: null });
    await decideClaim({ actor: office, claimId: filed.id, decision: { kind: "approve" }, ip: null });
    const base = await runScheduledReconciliation(prisma);
    const claim = await prisma.claim.findUniqueOrThrow({ where: { id: filed.id } });
    await prisma.claim.update({ where: { id: claim.id }, data: { approvedFen: claim.approvedFen! + 1n } });
    const before = await prisma.notification.count({ where: { kind: "ledger.differences" } });
    const dirty = await runScheduledReconciliation(prisma);
    expect(clean.differences).toBeGreaterThanOrEqual(0);
    expect(dirty.differences).toBe(base.differences + 1);
    expect(await prisma.notification.count({ where: { kind: "ledger.differences" } })).toBeGreaterThan(before);
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: "ledger.reconciled" }, orderBy: { seq: "desc" } });
    expect((audit.summary as { differences: number }).differences).toBe(dirty.differences);
    await prisma.claim.update({ where: { id: claim.id }, data: { approvedFen: claim.approvedFen } });
  }, 60_000);
});

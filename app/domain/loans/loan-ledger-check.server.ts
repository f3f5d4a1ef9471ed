import { prisma } from "~/db.server";
import { getLedger } from "~/domain/ledger/ledger.server";

export type LoanLedgerCheck =
  /** Every posting is in the ledger and its balances equal the loan's records. */
  | { state: "agrees"; principalFen: string; interestFen: string }
  /** Postings made with the records are still on their way to the ledger. */
  | { state: "posting"; pending: number }
  /** The ledger refused a posting, or its balances differ from the records. */
  | { state: "differs"; principalFen: string; interestFen: string; expectedPrincipalFen: string; expectedInterestFen: string; failed: number };

/**
 * One loan reconciled with the ledger: its principal account's balance
 * (debits − credits posted) against the outstanding principal on record, and
 * its interest account's credits against the interest repaid on record, read
 * from the ledger itself (TigerBeetle or the embedded one), not from the
 * posting records.
 */
export async function checkLoanLedger(loan: { id: string; outstandingPrincipalFen: bigint }): Promise<LoanLedgerCheck> {
  // The loan's repayments once: their ids find their postings, their interest is what the interest account should hold.
  const repayments = await prisma.repayment.findMany({ where: { loanId: loan.id }, select: { id: true, interestFen: true }, take: 10_000 });
  const repaymentIds = repayments.map((r) => r.id);
  const interestRepaidFen = repayments.reduce((sum, r) => sum + r.interestFen, 0n);
  const postings = await prisma.ledgerTransferRef.groupBy({
    by: ["state"],
    where: {
      OR: [
        { businessType: "loan", businessId: loan.id },
        { businessType: "repayment", businessId: { in: repaymentIds } },
      ],
    },
    _count: { _all: true },
  });
  const count = (state: string) => postings.find((p) => p.state === state)?._count._all ?? 0;
  const accounts = await prisma.ledgerAccountRef.findMany({
    where: { ownerType: "loan", ownerId: loan.id },
    select: { accountId: true, purpose: true, state: true },
  });
  if (count("PREPARED") > 0 || accounts.some((a) => a.state === "PREPARED")) return { state: "posting", pending: count("PREPARED") };
  const principalRef = accounts.find((a) => a.purpose === "LOAN_PRINCIPAL");
  const interestRef = accounts.find((a) => a.purpose === "LOAN_INTEREST");
  const ledger = await getLedger();
  const found = await ledger.lookupAccounts([principalRef, interestRef].flatMap((a) => (a ? [BigInt(a.accountId)] : [])));
  const byId = new Map(found.map((a) => [a.id.toString(), a]));
  const principal = principalRef ? byId.get(principalRef.accountId) : undefined;
  const interest = interestRef ? byId.get(interestRef.accountId) : undefined;
  const principalFen = principal ? principal.debits_posted - principal.credits_posted : 0n;
  const interestFen = interest ? interest.credits_posted - interest.debits_posted : 0n;
  const agrees = count("FAILED") === 0 && principalFen === loan.outstandingPrincipalFen && interestFen === interestRepaidFen;
  return agrees
    ? { state: "agrees", principalFen: principalFen.toString(), interestFen: interestFen.toString() }
    : {
        state: "differs",
        principalFen: principalFen.toString(),
        interestFen: interestFen.toString(),
        expectedPrincipalFen: loan.outstandingPrincipalFen.toString(),
        expectedInterestFen: interestRepaidFen.toString(),
        failed: count("FAILED"),
      };
}

import { env } from "~/config/env.server";
import { isUniqueViolation, prisma, type Tx } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { assertRecordId, DomainError } from "~/domain/errors";
import { bankSettlementAccount, LEDGER_CNY, loanInterestAccount, loanPrincipalAccount, TRANSFER_CODES, valueDate } from "~/domain/ledger/chart";
import { TransferFlags } from "~/domain/ledger/ledger";
import { uuidToU128 } from "~/domain/ledger/postgres-ledger.server";
import { prepareAccounts, preparePostings, type Posting } from "~/domain/ledger/postings.server";
import { formatCalendarDate, formatMoneyFen } from "~/i18n/format";
import { daysPastDue, loanStateFor } from "./delinquency";
import { requestLedgerSubmission } from "./ledger-submission.server";
import { allocateRepayment, RepaymentError, type InstalmentState } from "./repayment";
import { calendarDay } from "~/domain/needs/need-rules";

export type RepaymentInput = {
  amountFen: bigint;
  /** YYYY-MM-DD: the value date; not in the future, not before disbursement or the loan's last repayment. */
  receivedOn: string;
  bankReference?: string | null;
};

export type RepaymentResult = { repaymentId: string; loanId: string; principalFen: bigint; interestFen: bigint; loanStatus: string; replayed: boolean };

/** A loan's instalments as the allocation reads them, in order. */
export async function loadInstalmentStates(tx: Tx, loanId: string): Promise<(InstalmentState & { id: string })[]> {
  const rows = await tx.instalment.findMany({
    where: { loanId },
    orderBy: { seq: "asc" },
    select: { id: true, seq: true, dueOn: true, principalFen: true, interestFen: true, paidPrincipalFen: true, paidInterestFen: true },
  });
  return rows.map((r) => ({ ...r, dueOn: formatCalendarDate(r.dueOn) }));
}

/**
 * The bank reports money received from the borrower. Under the loan's row
 * lock, in one transaction: the amount is allocated in the stated order
 * (docs/loans.md: interest then principal of what is due, the current
 * period's interest, then early repayment from the last instalment back),
 * the instalments and the loan's outstanding principal and status change,
 * and the ledger transfers — principal and interest, linked so they stand or
 * fall together — are stored with their ids, to be submitted after the commit.
 *
 * Idempotent on `idempotencyKey`: the same report again returns the first
 * repayment; the same key with a different amount or date is refused.
 */
export async function recordRepayment(options: {
  actor: Actor;
  loanId: string;
  input: RepaymentInput;
  idempotencyKey: string;
  ip: string | null;
  now?: Date;
}): Promise<RepaymentResult> {
  const { actor, input } = options;
  assertCan(actor, "manage:loan:institution");
  const institutionId = actor.institution?.id;
  if (!institutionId) throw new DomainError("forbidden", { status: 403 });
  assertRecordId(options.loanId);
  const today = platformToday(options.now);
  const key = `${options.loanId}:${options.idempotencyKey}`;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.receivedOn)) throw new DomainError("invalidDate");
  if (input.receivedOn > today) throw new DomainError("loan.receivedInFuture", { status: 422 });

  const replayOf = async (): Promise<RepaymentResult | null> => {
    const found = await prisma.repayment.findUnique({
      where: { idempotencyKey: key },
      select: {
        id: true,
        loanId: true,
        amountFen: true,
        receivedOn: true,
        principalFen: true,
        interestFen: true,
        loan: { select: { status: true, institutionId: true } },
      },
    });
    if (!found) return null;
    // Another bank's repayment is not found, whatever key names it.
    if (found.loan.institutionId !== institutionId) throw new DomainError("notFound", { status: 404 });
    if (found.amountFen !== input.amountFen || formatCalendarDate(found.receivedOn) !== input.receivedOn) {
      throw new DomainError("loan.repaymentKeyReused", { status: 409 });
    }
    return {
      repaymentId: found.id,
      loanId: found.loanId,
      principalFen: found.principalFen,
      interestFen: found.interestFen,
      loanStatus: found.loan.status,
      replayed: true,
    };
  };

  const earlier = await replayOf();
  if (earlier) return earlier;

  try {
    const result = await prisma.$transaction(
      async (tx) => {
        const [loan] = await tx.$queryRaw<
          { id: string; institutionId: string; enterpriseId: string; status: string; rateBps: number; disbursedOn: Date; defaultedAt: Date | null }[]
        >`
          SELECT id::text, "institutionId"::text, "enterpriseId"::text, status::text, "rateBps", "disbursedOn", "defaultedAt"
            FROM loans WHERE id = ${options.loanId}::uuid FOR UPDATE`;
        if (!loan || loan.institutionId !== institutionId) throw new DomainError("notFound", { status: 404 });
        const raced = await tx.repayment.findUnique({ where: { idempotencyKey: key }, select: { id: true } });
        if (raced) return null;
        if (input.receivedOn < formatCalendarDate(loan.disbursedOn)) throw new DomainError("loan.receivedBeforeDisbursement", { status: 422 });
        const last = await tx.repayment.findFirst({ where: { loanId: loan.id }, orderBy: { receivedOn: "desc" }, select: { receivedOn: true } });
        // Allocation depends on what was due on the day: reports come in date order.
        if (last && input.receivedOn < formatCalendarDate(last.receivedOn)) {
          throw new DomainError("loan.receivedBeforeLastRepayment", { status: 422, params: { day: formatCalendarDate(last.receivedOn) } });
        }

        const instalments = await loadInstalmentStates(tx, loan.id);
        let allocation;
        try {
          allocation = allocateRepayment(instalments, input.amountFen, input.receivedOn, loan.rateBps);
        } catch (error) {
          if (error instanceof RepaymentError) {
            throw new DomainError(`loan.${error.code}`, {
              status: 422,
              params: { payoffFen: error.payoffFen.toString(), payoff: formatMoneyFen(error.payoffFen, "en") },
            });
          }
          throw error;
        }

        const repaymentId = crypto.randomUUID();
        const [principalAccount, interestAccount, settlementAccount] = await prepareAccounts(tx, [
          loanPrincipalAccount(loan.id),
          loanInterestAccount(loan.id),
          bankSettlementAccount(loan.institutionId),
        ]);
        const legs: Posting[] = [];
        const common = { ledger: LEDGER_CNY, user_data_128: uuidToU128(repaymentId), user_data_64: valueDate(input.receivedOn) };
        if (allocation.principalFen > 0n) {
          legs.push({
            businessType: "repayment",
            businessId: repaymentId,
            transfer: {
              ...common,
              debit_account_id: settlementAccount!,
              credit_account_id: principalAccount!,
              amount: allocation.principalFen,
              code: TRANSFER_CODES.REPAYMENT_PRINCIPAL,
            },
          });
        }
        if (allocation.interestFen > 0n) {
          legs.push({
            businessType: "repayment",
            businessId: repaymentId,
            transfer: {
              ...common,
              debit_account_id: settlementAccount!,
              credit_account_id: interestAccount!,
              amount: allocation.interestFen,
              code: TRANSFER_CODES.REPAYMENT_INTEREST,
            },
          });
        }
        // Both legs or neither: the first carries `linked`, closing the chain at the second.
        if (legs.length === 2) legs[0]!.transfer.flags = TransferFlags.linked;
        const transferIds = await preparePostings(tx, legs);

        await tx.repayment.create({
          data: {
            id: repaymentId,
            loanId: loan.id,
            idempotencyKey: key,
            amountFen: input.amountFen,
            principalFen: allocation.principalFen,
            interestFen: allocation.interestFen,
            receivedOn: calendarDay(input.receivedOn),
            ledgerTransferId: transferIds[0]!.toString(),
            interestTransferId: transferIds[1]?.toString() ?? null,
            allocation: allocation.lines.map((l) => ({ seq: l.seq, principalFen: l.principalFen.toString(), interestFen: l.interestFen.toString() })),
            bankReference: input.bankReference || null,
            recordedById: actor.userId,
          },
        });
        for (const [i, after] of allocation.instalments.entries()) {
          const before = instalments[i]!;
          if (
            after.paidPrincipalFen === before.paidPrincipalFen &&
            after.paidInterestFen === before.paidInterestFen &&
            after.interestFen === before.interestFen &&
            after.principalFen === before.principalFen
          ) {
            continue;
          }
          const settled = after.paidPrincipalFen === after.principalFen && after.paidInterestFen === after.interestFen;
          await tx.instalment.update({
            where: { id: before.id },
            data: {
              principalFen: after.principalFen,
              interestFen: after.interestFen,
              paidPrincipalFen: after.paidPrincipalFen,
              paidInterestFen: after.paidInterestFen,
              status: settled ? "PAID" : after.paidPrincipalFen > 0n || after.paidInterestFen > 0n ? "PARTIALLY_PAID" : "DUE",
            },
          });
        }
        const outstanding = allocation.instalments.reduce((sum, i) => sum + (i.principalFen - i.paidPrincipalFen), 0n);
        const computed = loanStateFor({
          instalments: allocation.instalments,
          today,
          defaultAfterDays: env.LOAN_DEFAULT_AFTER_DAYS,
          defaulted: loan.defaultedAt !== null,
        });
        // Default is declared in one place, the delinquency sweep, which records when and tells both sides.
        const state = computed === "DEFAULTED" && loan.defaultedAt === null ? "OVERDUE" : computed;
        const now = options.now ?? new Date();
        await tx.loan.update({
          where: { id: loan.id },
          data: {
            outstandingPrincipalFen: outstanding,
            status: state,
            daysPastDue: daysPastDue(allocation.instalments, today),
            delinquencyOn: calendarDay(today),
            repaidAt: state === "REPAID" ? now : null,
          },
        });
        await appendAudit(tx, {
          actorUserId: actor.userId,
          actorInstitutionId: institutionId,
          action: "loan.repayment-recorded",
          entityType: "loan",
          entityId: loan.id,
          summary: {
            repaymentId,
            amountFen: input.amountFen.toString(),
            principalFen: allocation.principalFen.toString(),
            interestFen: allocation.interestFen.toString(),
            receivedOn: input.receivedOn,
            statusBefore: loan.status,
            statusAfter: state,
            outstandingFen: outstanding.toString(),
          },
          ip: options.ip,
        });
        await tx.notification.create({
          data: {
            enterpriseId: loan.enterpriseId,
            kind: "loan.repayment-recorded",
            payload: { loanId: loan.id, repaymentId, amountFen: input.amountFen.toString() },
          },
        });
        return { repaymentId, loanId: loan.id, principalFen: allocation.principalFen, interestFen: allocation.interestFen, loanStatus: state, replayed: false };
      },
      { timeout: 30_000 },
    );
    if (result === null) return (await replayOf())!;
    await requestLedgerSubmission();
    return result;
  } catch (error) {
    if (isUniqueViolation(error)) {
      const replay = await replayOf();
      if (replay) return replay;
    }
    throw error;
  }
}

import { isUniqueViolation, prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { lockApplication, moveApplication } from "~/domain/applications/application-access.server";
import { commandEventKey } from "~/domain/applications/run-application-command.server";
import { nextStatus } from "~/domain/applications/lifecycle";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { DomainError } from "~/domain/errors";
import { bankSettlementAccount, LEDGER_CNY, loanInterestAccount, loanPrincipalAccount, TRANSFER_CODES, valueDate } from "~/domain/ledger/chart";
import { uuidToU128 } from "~/domain/ledger/postgres-ledger.server";
import { prepareAccounts, preparePostings } from "~/domain/ledger/postings.server";
import { recordMatchChange } from "~/domain/outbox/match-outbox.server";
import { requestOutboxDrain } from "~/domain/outbox/outbox.server";
import { recordSearchChange } from "~/domain/outbox/search-outbox.server";
import { requestLedgerSubmission } from "./ledger-submission.server";
import { buildSchedule, type RepaymentMethod } from "./schedule";
import { formatCalendarDate } from "~/i18n/format";
import { calendarDay } from "~/domain/needs/need-rules";

export type DisburseInput = {
  /** YYYY-MM-DD: the value date, not in the future and not before the bank approved the terms. */
  disbursedOn: string;
  bankReference?: string | null;
};

export type DisburseResult = { loanId: string; applicationId: string; replayed: boolean };

/**
 * The bank reports that it paid out an accepted offer: the application
 * becomes DISBURSED and, in the same transaction, the loan is created with its
 * repayment schedule, the loan's ledger accounts are prepared, and the
 * disbursement transfer (loan principal ← bank settlement) is stored with its
 * id, to be submitted to the ledger after the commit (exactly once: a retry
 * resubmits the same id and the ledger answers `exists`).
 *
 * One loan per application whatever happens: the row lock serialises
 * concurrent reports, a repeated report with the same key returns the loan,
 * and `loans.applicationId` is unique underneath.
 */
export async function disburseLoan(options: {
  actor: Actor;
  applicationId: string;
  input: DisburseInput;
  commandKey: string;
  ip: string | null;
  now?: Date;
}): Promise<DisburseResult> {
  const { actor, input } = options;
  assertCan(actor, "manage:loan:institution");
  const now = options.now ?? new Date();
  const today = platformToday(now);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.disbursedOn)) throw new DomainError("invalidDate");
  if (input.disbursedOn > today) throw new DomainError("loan.disbursedInFuture", { status: 422 });
  const eventKey = commandEventKey(options.applicationId, "disburse", options.commandKey);

  try {
    const result = await prisma.$transaction(
      async (tx) => {
        const app = await lockApplication(tx, actor, options.applicationId, "bank");
        const replay = await tx.applicationEvent.findUnique({ where: { idempotencyKey: eventKey }, select: { id: true } });
        if (replay) {
          const loan = await tx.loan.findUniqueOrThrow({ where: { applicationId: app.id }, select: { id: true, disbursedOn: true } });
          // The same key for another report is a client's mistake, not a retry.
          if (formatCalendarDate(loan.disbursedOn) !== input.disbursedOn) throw new DomainError("loan.disbursementKeyReused", { status: 409 });
          return { loanId: loan.id, applicationId: app.id, replayed: true };
        }
        // Refused first: an application not at OFFER_ACCEPTED gets no schedule built for it.
        nextStatus(app.status, "disburse");
        if (app.approvedAmountFen === null || app.approvedRateBps === null || app.approvedTermMonths === null || !app.approvedRepaymentMethod) {
          throw new DomainError("application.illegalTransition", { status: 409, params: { from: app.status, command: "disburse" } });
        }
        const approvedOn = app.approvedAt ? platformToday(app.approvedAt) : today;
        if (input.disbursedOn < approvedOn) throw new DomainError("loan.disbursedBeforeApproval", { status: 422, params: { day: approvedOn } });

        const product = await tx.product.findUniqueOrThrow({ where: { id: app.productId }, select: { type: true, fundId: true } });
        // Enrolled in the fund when the rules in force name the product and the fund covers the day (ADR 0015).
        const disbursedDay = calendarDay(input.disbursedOn);
        const inForce = product.fundId
          ? await tx.fundRuleVersion.findFirst({
              where: { fundId: product.fundId, effectiveFrom: { lte: now } },
              orderBy: { version: "desc" },
              select: { id: true, eligibleProductIds: true, fund: { select: { status: true, validFrom: true, validTo: true } } },
            })
          : null;
        const fundRule =
          inForce &&
          inForce.eligibleProductIds.includes(app.productId) &&
          inForce.fund.status === "ACTIVE" &&
          inForce.fund.validFrom <= disbursedDay &&
          disbursedDay <= inForce.fund.validTo
            ? inForce
            : null;
        // 首贷户: no loan through the platform before this one.
        const earlier = await tx.loan.count({ where: { enterpriseId: app.enterpriseId } });
        const schedule = buildSchedule({
          principalFen: app.approvedAmountFen,
          rateBps: app.approvedRateBps,
          termMonths: app.approvedTermMonths,
          method: app.approvedRepaymentMethod as RepaymentMethod,
          disbursedOn: input.disbursedOn,
        });

        const loanId = crypto.randomUUID();
        const [principalAccount, , settlementAccount] = await prepareAccounts(tx, [
          loanPrincipalAccount(loanId),
          loanInterestAccount(loanId),
          bankSettlementAccount(app.institutionId),
        ]);
        const [transferId] = await preparePostings(tx, [
          {
            businessType: "loan",
            businessId: loanId,
            transfer: {
              debit_account_id: principalAccount!,
              credit_account_id: settlementAccount!,
              amount: app.approvedAmountFen,
              ledger: LEDGER_CNY,
              code: TRANSFER_CODES.LOAN_DISBURSEMENT,
              user_data_128: uuidToU128(loanId),
              user_data_64: valueDate(input.disbursedOn),
            },
          },
        ]);
        const disbursedOn = calendarDay(input.disbursedOn);
        await tx.loan.create({
          data: {
            id: loanId,
            applicationId: app.id,
            institutionId: app.institutionId,
            enterpriseId: app.enterpriseId,
            productId: app.productId,
            fundId: fundRule ? product.fundId : null,
            fundRuleVersionId: fundRule?.id ?? null,
            principalFen: app.approvedAmountFen,
            rateBps: app.approvedRateBps,
            termMonths: app.approvedTermMonths,
            repaymentMethod: app.approvedRepaymentMethod as RepaymentMethod,
            pureCredit: product.type === "CREDIT",
            firstTimeBorrower: earlier === 0,
            disbursedOn,
            maturityOn: calendarDay(schedule[schedule.length - 1]!.dueOn),
            outstandingPrincipalFen: app.approvedAmountFen,
            delinquencyOn: disbursedOn,
            disbursementTransferId: transferId!.toString(),
            bankReference: input.bankReference || null,
            disbursedById: actor.userId,
          },
        });
        await tx.instalment.createMany({
          data: schedule.map((i) => ({
            loanId,
            seq: i.seq,
            dueOn: calendarDay(i.dueOn),
            principalFen: i.principalFen,
            interestFen: i.interestFen,
            // Rounding can clear a tiny balance early, leaving empty instalments: nothing is owed on them.
            status: i.principalFen === 0n && i.interestFen === 0n ? "PAID" : "DUE",
          })),
        });
        await moveApplication(tx, { app, command: "disburse", actorId: actor.userId, eventKey, now });
        // The need is met: it leaves the banks' search and the matching.
        if (app.needId) {
          const fulfilled = await tx.financingNeed.updateMany({
            where: { id: app.needId, status: { in: ["OPEN", "IN_PROGRESS"] } },
            data: { status: "FULFILLED", closedAt: now, version: { increment: 1 } },
          });
          if (fulfilled.count > 0) {
            await recordSearchChange(tx, "needs", [app.needId]);
            await recordMatchChange(tx, "need", [app.needId]);
          }
        }
        await appendAudit(tx, {
          actorUserId: actor.userId,
          actorInstitutionId: app.institutionId,
          action: "loan.disbursed",
          entityType: "loan",
          entityId: loanId,
          summary: {
            applicationId: app.id,
            principalFen: app.approvedAmountFen.toString(),
            rateBps: app.approvedRateBps,
            termMonths: app.approvedTermMonths,
            repaymentMethod: app.approvedRepaymentMethod,
            disbursedOn: input.disbursedOn,
            instalments: schedule.length,
            transferId: transferId!.toString(),
          },
          ip: options.ip,
        });
        await tx.notification.create({
          data: { enterpriseId: app.enterpriseId, kind: "loan.disbursed", payload: { applicationId: app.id, loanId } },
        });
        return { loanId, applicationId: app.id, replayed: false };
      },
      { timeout: 30_000 },
    );
    if (!result.replayed) await Promise.all([requestLedgerSubmission(), requestOutboxDrain()]);
    return result;
  } catch (error) {
    if (isUniqueViolation(error)) {
      const event = await prisma.applicationEvent.findUnique({ where: { idempotencyKey: eventKey }, select: { id: true } });
      const loan = await prisma.loan.findUnique({ where: { applicationId: options.applicationId }, select: { id: true } });
      if (event && loan) return { loanId: loan.id, applicationId: options.applicationId, replayed: true };
    }
    throw error;
  }
}

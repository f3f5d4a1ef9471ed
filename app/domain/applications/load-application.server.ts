import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { assertRecordId, DomainError } from "~/domain/errors";
import { checkLoanLedger } from "~/domain/loans/loan-ledger-check.server";
import { payoffAmountFen } from "~/domain/loans/repayment";
import { buildSchedule, type RepaymentMethod } from "~/domain/loans/schedule";
import { platformToday } from "~/domain/credit/build-snapshot";
import { userDisplayNames } from "~/domain/users/list-users.server";
import { actorSide, applicationScope } from "./application-access.server";
import { canReroute, commandsFor, isOverdue, type ApplicationStatus } from "./lifecycle";
import { rerouteOptions, type RerouteOption } from "./reroute-application.server";
import { PRODUCT_TERMS_SELECT } from "~/domain/products/product-data";
import { formatCalendarDate } from "~/i18n/format";

/** Events and repayments shown: far more than any application or loan has. */
const MAX_EVENTS = 200;
const MAX_REPAYMENTS = 500;

/**
 * One application as its page shows it to the actor: terms, the timeline of
 * who did what and why, the commands the actor's side may run now, and once
 * disbursed the loan with its schedule, repayments and the ledger state of
 * each posting. Outside the actor's scope it is "not found".
 */
export async function loadApplication(options: { actor: Actor; applicationId: string; now?: Date }) {
  const { actor } = options;
  const scope = applicationScope(actor);
  if (!scope) throw new DomainError("forbidden", { status: 403 });
  assertRecordId(options.applicationId);
  const now = options.now ?? new Date();
  const app = await prisma.application.findFirst({
    where: { AND: [scope, { id: options.applicationId }] },
    select: {
      id: true,
      status: true,
      needId: true,
      reroutedFromId: true,
      requestedAmountFen: true,
      requestedTermMonths: true,
      declineReasonCode: true,
      declineNote: true,
      approvedAmountFen: true,
      approvedRateBps: true,
      approvedTermMonths: true,
      approvedRepaymentMethod: true,
      approvedAt: true,
      submittedAt: true,
      respondBy: true,
      respondedAt: true,
      overdueSince: true,
      offerExpiresAt: true,
      version: true,
      enterprise: { select: { id: true, name: true, uscc: true, currentEvaluation: { select: { grade: true, score: true } } } },
      institution: { select: { id: true, nameZh: true, nameEn: true } },
      product: {
        select: {
          id: true,
          nameZh: true,
          nameEn: true,
          ...PRODUCT_TERMS_SELECT,
          requiredMaterials: true,
          responseDeadlineWorkingDays: true,
        },
      },
      authorisation: { select: { id: true, expiresAt: true, revokedAt: true } },
      reroutedTo: { select: { id: true, institution: { select: { nameZh: true, nameEn: true } } }, take: 10 },
      events: {
        orderBy: { at: "asc" },
        take: MAX_EVENTS,
        select: { id: true, fromStatus: true, toStatus: true, actorId: true, reasonCode: true, note: true, at: true },
      },
      loan: {
        select: {
          id: true,
          principalFen: true,
          rateBps: true,
          termMonths: true,
          repaymentMethod: true,
          disbursedOn: true,
          maturityOn: true,
          status: true,
          outstandingPrincipalFen: true,
          daysPastDue: true,
          defaultedAt: true,
          bankReference: true,
          disbursementTransferId: true,
          pureCredit: true,
          firstTimeBorrower: true,
          instalments: {
            orderBy: { seq: "asc" },
            select: { seq: true, dueOn: true, principalFen: true, interestFen: true, paidPrincipalFen: true, paidInterestFen: true, status: true },
          },
          repayments: {
            orderBy: [{ receivedOn: "desc" }, { createdAt: "desc" }],
            take: MAX_REPAYMENTS,
            select: {
              id: true,
              amountFen: true,
              principalFen: true,
              interestFen: true,
              receivedOn: true,
              bankReference: true,
              ledgerTransferId: true,
              interestTransferId: true,
              createdAt: true,
            },
          },
        },
      },
    },
  });
  if (!app) throw new DomainError("notFound", { status: 404 });
  const status = app.status as ApplicationStatus;
  const side = actorSide(actor);
  const names = await userDisplayNames(app.events.flatMap((e) => (e.actorId ? [e.actorId] : [])));
  const transferIds = app.loan
    ? [app.loan.disbursementTransferId, ...app.loan.repayments.flatMap((r) => [r.ledgerTransferId, ...(r.interestTransferId ? [r.interestTransferId] : [])])]
    : [];
  const postings = transferIds.length
    ? await prisma.ledgerTransferRef.findMany({ where: { transferId: { in: transferIds } }, select: { transferId: true, state: true, failure: true } })
    : [];
  const postingOf = new Map(postings.map((p) => [p.transferId, { state: p.state, failure: p.failure }]));
  const reroutable = side === "sme" && canReroute({ status, respondBy: app.respondBy, respondedAt: app.respondedAt }, now);
  const alternatives: RerouteOption[] = reroutable ? await rerouteOptions({ actor, applicationId: app.id }) : [];
  const today = platformToday(now);
  const instalmentStates = app.loan?.instalments.map((i) => ({ ...i, dueOn: formatCalendarDate(i.dueOn) })) ?? [];
  // Before the SME accepts: what the offer would cost, as if disbursed today (the bank's date decides the real schedule).
  const offerPreview =
    status === "APPROVED" && app.approvedAmountFen !== null
      ? (() => {
          const plan = buildSchedule({
            principalFen: app.approvedAmountFen,
            rateBps: app.approvedRateBps!,
            termMonths: app.approvedTermMonths!,
            method: app.approvedRepaymentMethod as RepaymentMethod,
            disbursedOn: today,
          });
          return {
            instalments: plan.length,
            firstFen: (plan[0]!.principalFen + plan[0]!.interestFen).toString(),
            lastFen: (plan[plan.length - 1]!.principalFen + plan[plan.length - 1]!.interestFen).toString(),
            interestFen: plan.reduce((sum, i) => sum + i.interestFen, 0n).toString(),
          };
        })()
      : null;
  const ledgerCheck = app.loan ? await checkLoanLedger({ id: app.loan.id, outstandingPrincipalFen: app.loan.outstandingPrincipalFen }) : null;
  const settled = instalmentStates.every((i) => i.paidPrincipalFen === i.principalFen && i.paidInterestFen === i.interestFen);

  return {
    id: app.id,
    status,
    side,
    commands: side ? commandsFor(status, side) : [],
    needId: app.needId,
    reroutedFromId: app.reroutedFromId,
    reroutedTo: app.reroutedTo.map((r) => ({ id: r.id, bankNameZh: r.institution.nameZh, bankNameEn: r.institution.nameEn })),
    enterprise: {
      id: app.enterprise.id,
      name: app.enterprise.name,
      uscc: app.enterprise.uscc,
      grade: app.enterprise.currentEvaluation?.grade ?? null,
      score: app.enterprise.currentEvaluation?.score ?? null,
    },
    bank: app.institution,
    product: {
      id: app.product.id,
      nameZh: app.product.nameZh,
      nameEn: app.product.nameEn,
      minAmountFen: app.product.minAmountFen.toString(),
      maxAmountFen: app.product.maxAmountFen.toString(),
      minTermMonths: app.product.minTermMonths,
      maxTermMonths: app.product.maxTermMonths,
      minRateBps: app.product.minRateBps,
      maxRateBps: app.product.maxRateBps,
      repaymentMethods: app.product.repaymentMethods,
      requiredMaterials: app.product.requiredMaterials,
      responseDeadlineWorkingDays: app.product.responseDeadlineWorkingDays,
    },
    requested: { amountFen: app.requestedAmountFen.toString(), termMonths: app.requestedTermMonths },
    decline: app.declineReasonCode ? { reasonCode: app.declineReasonCode, note: app.declineNote } : null,
    approved:
      app.approvedAmountFen !== null
        ? {
            amountFen: app.approvedAmountFen.toString(),
            rateBps: app.approvedRateBps!,
            termMonths: app.approvedTermMonths!,
            repaymentMethod: app.approvedRepaymentMethod!,
            approvedAt: app.approvedAt?.toISOString() ?? null,
            offerExpiresAt: app.offerExpiresAt?.toISOString() ?? null,
          }
        : null,
    submittedAt: app.submittedAt.toISOString(),
    respondBy: app.respondBy.toISOString(),
    respondedAt: app.respondedAt?.toISOString() ?? null,
    overdue: isOverdue({ status, respondBy: app.respondBy, respondedAt: app.respondedAt }, now),
    overdueSince: app.overdueSince?.toISOString() ?? null,
    respondedLate: app.respondedAt !== null && app.respondedAt > app.respondBy,
    authorisationLive: app.authorisation !== null && app.authorisation.revokedAt === null && app.authorisation.expiresAt > now,
    version: app.version,
    events: app.events.map((e) => ({
      id: e.id,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      actor: e.actorId ? (names.get(e.actorId) ?? null) : null,
      reasonCode: e.reasonCode,
      note: e.note,
      at: e.at.toISOString(),
    })),
    reroutable,
    alternatives,
    offerPreview,
    loan: app.loan
      ? {
          id: app.loan.id,
          principalFen: app.loan.principalFen.toString(),
          rateBps: app.loan.rateBps,
          termMonths: app.loan.termMonths,
          repaymentMethod: app.loan.repaymentMethod,
          disbursedOn: formatCalendarDate(app.loan.disbursedOn),
          maturityOn: formatCalendarDate(app.loan.maturityOn),
          status: app.loan.status,
          outstandingPrincipalFen: app.loan.outstandingPrincipalFen.toString(),
          daysPastDue: app.loan.daysPastDue,
          defaultedAt: app.loan.defaultedAt?.toISOString() ?? null,
          bankReference: app.loan.bankReference,
          pureCredit: app.loan.pureCredit,
          firstTimeBorrower: app.loan.firstTimeBorrower,
          disbursementPosting: postingOf.get(app.loan.disbursementTransferId) ?? null,
          ledgerCheck,
          payoffFen: settled ? null : payoffAmountFen(instalmentStates, today).toString(),
          today,
          instalments: app.loan.instalments.map((i) => ({
            seq: i.seq,
            dueOn: formatCalendarDate(i.dueOn),
            principalFen: i.principalFen.toString(),
            interestFen: i.interestFen.toString(),
            paidPrincipalFen: i.paidPrincipalFen.toString(),
            paidInterestFen: i.paidInterestFen.toString(),
            status: i.status,
            pastDue: formatCalendarDate(i.dueOn) < today && (i.paidPrincipalFen < i.principalFen || i.paidInterestFen < i.interestFen),
          })),
          repayments: app.loan.repayments.map((r) => ({
            id: r.id,
            amountFen: r.amountFen.toString(),
            principalFen: r.principalFen.toString(),
            interestFen: r.interestFen.toString(),
            receivedOn: formatCalendarDate(r.receivedOn),
            bankReference: r.bankReference,
            posting: postingOf.get(r.ledgerTransferId) ?? null,
          })),
        }
      : null,
  };
}

export type ApplicationDetail = Awaited<ReturnType<typeof loadApplication>>;

import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { applicationScope } from "~/domain/applications/application-access.server";
import type { ApplicationStatus } from "~/domain/applications/lifecycle";
import { assertRecordId, DomainError } from "~/domain/errors";
import type { Prisma } from "~/generated/prisma/client";
import { fenNumber } from "~/schemas/api/common";
import type { ApiApplication, ApiLoan } from "~/schemas/api/applications";
import { formatCalendarDate } from "~/i18n/format";

/**
 * The bank API's views of applications and loans, in API units (money in 分
 * as JSON integers, days as YYYY-MM-DD), always within the key's bank.
 */

export const APPLICATION_API_SELECT = {
  id: true,
  status: true,
  productId: true,
  requestedAmountFen: true,
  requestedTermMonths: true,
  submittedAt: true,
  respondBy: true,
  respondedAt: true,
  declineReasonCode: true,
  approvedAmountFen: true,
  approvedRateBps: true,
  approvedTermMonths: true,
  approvedRepaymentMethod: true,
  offerExpiresAt: true,
  enterprise: { select: { id: true, name: true, uscc: true } },
  loan: { select: { id: true } },
} as const satisfies Prisma.ApplicationSelect;

type ApplicationRow = Prisma.ApplicationGetPayload<{ select: typeof APPLICATION_API_SELECT }>;

export function applicationUrl(request: Request, id: string): string {
  return new URL(`/api/v1/applications/${id}`, request.url).href;
}

export function loanUrl(request: Request, id: string): string {
  return new URL(`/api/v1/loans/${id}`, request.url).href;
}

/** The API's applications are the bank's own: a key of any other kind sees none. */
export function bankScope(actor: Actor): Prisma.ApplicationWhereInput {
  const scope = applicationScope(actor);
  if (!scope || !actor.institution || actor.institution.kind !== "BANK") throw new DomainError("forbidden", { status: 403 });
  return scope;
}

export function applicationToApi(request: Request, a: ApplicationRow, now: Date = new Date()): ApiApplication {
  return {
    id: a.id,
    status: a.status as ApplicationStatus,
    productId: a.productId,
    enterprise: a.enterprise,
    requestedAmountFen: fenNumber(a.requestedAmountFen),
    requestedTermMonths: a.requestedTermMonths,
    submittedAt: a.submittedAt.toISOString(),
    respondBy: a.respondBy.toISOString(),
    respondedAt: a.respondedAt?.toISOString() ?? null,
    overdue: a.status === "SUBMITTED" && a.respondedAt === null && a.respondBy < now,
    declineReasonCode: (a.declineReasonCode as ApiApplication["declineReasonCode"]) ?? null,
    approved:
      a.approvedAmountFen !== null
        ? {
            amountFen: fenNumber(a.approvedAmountFen),
            rateBps: a.approvedRateBps!,
            termMonths: a.approvedTermMonths!,
            repaymentMethod: a.approvedRepaymentMethod!,
            offerExpiresAt: a.offerExpiresAt?.toISOString() ?? null,
          }
        : null,
    loanId: a.loan?.id ?? null,
    url: applicationUrl(request, a.id),
  };
}

/** One of the bank's applications, or 404. */
export async function findBankApplication(request: Request, actor: Actor, applicationId: string): Promise<ApiApplication> {
  assertRecordId(applicationId);
  const row = await prisma.application.findFirst({ where: { AND: [bankScope(actor), { id: applicationId }] }, select: APPLICATION_API_SELECT });
  if (!row) throw new DomainError("notFound", { status: 404 });
  return applicationToApi(request, row);
}

/** One of the bank's loans with its schedule, or 404. */
export async function findBankLoan(request: Request, actor: Actor, loanId: string): Promise<ApiLoan> {
  assertRecordId(loanId);
  const institutionId = actor.institution?.kind === "BANK" ? actor.institution.id : null;
  if (!institutionId) throw new DomainError("forbidden", { status: 403 });
  const loan = await prisma.loan.findFirst({
    where: { id: loanId, institutionId },
    include: { instalments: { orderBy: { seq: "asc" } } },
  });
  if (!loan) throw new DomainError("notFound", { status: 404 });
  return {
    id: loan.id,
    applicationId: loan.applicationId,
    status: loan.status,
    principalFen: fenNumber(loan.principalFen),
    outstandingPrincipalFen: fenNumber(loan.outstandingPrincipalFen),
    rateBps: loan.rateBps,
    termMonths: loan.termMonths,
    repaymentMethod: loan.repaymentMethod,
    disbursedOn: formatCalendarDate(loan.disbursedOn),
    maturityOn: formatCalendarDate(loan.maturityOn),
    daysPastDue: loan.daysPastDue,
    bankReference: loan.bankReference,
    ledgerTransferId: loan.disbursementTransferId,
    instalments: loan.instalments.map((i) => ({
      seq: i.seq,
      dueOn: formatCalendarDate(i.dueOn),
      principalFen: fenNumber(i.principalFen),
      interestFen: fenNumber(i.interestFen),
      paidPrincipalFen: fenNumber(i.paidPrincipalFen),
      paidInterestFen: fenNumber(i.paidInterestFen),
      status: i.status,
    })),
    url: loanUrl(request, loan.id),
  };
}

import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { DomainError } from "~/domain/errors";
import type { Prisma } from "~/generated/prisma/client";
import { LOAN_VIEWS, type LoanView } from "./delinquency";
import { formatCalendarDate } from "~/i18n/format";

export const LOAN_PAGE_SIZE = 20;

/** An SME sees its own loans, a bank its own book, the finance office and regulators every loan. */
function loanScope(actor: Actor): Prisma.LoanWhereInput | null {
  if (actor.enterprise && actor.permissions.has("manage:application:own")) return { enterpriseId: actor.enterprise.id };
  if (actor.institution?.kind === "BANK" && actor.permissions.has("manage:loan:institution")) return { institutionId: actor.institution.id };
  if (actor.permissions.has("read:monitoring:any")) return {};
  return null;
}

export async function listLoans(options: { actor: Actor; view: LoanView; page: number; pageSize?: number }) {
  const pageSize = Math.min(Math.max(options.pageSize ?? LOAN_PAGE_SIZE, 1), 100);
  const scope = loanScope(options.actor);
  if (!scope) throw new DomainError("forbidden", { status: 403 });
  const where: Prisma.LoanWhereInput = { AND: [scope, options.view === "all" ? {} : { status: options.view }] };
  const [total, rows, byStatus, sums] = await Promise.all([
    prisma.loan.count({ where }),
    prisma.loan.findMany({
      where,
      orderBy: [{ disbursedOn: "desc" }, { id: "desc" }],
      skip: (options.page - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        applicationId: true,
        principalFen: true,
        outstandingPrincipalFen: true,
        rateBps: true,
        termMonths: true,
        repaymentMethod: true,
        disbursedOn: true,
        maturityOn: true,
        status: true,
        daysPastDue: true,
        enterprise: { select: { name: true } },
        institution: { select: { nameZh: true, nameEn: true } },
        product: { select: { nameZh: true, nameEn: true } },
      },
    }),
    prisma.loan.groupBy({ by: ["status"], where: scope, _count: { _all: true } }),
    prisma.loan.aggregate({ where: scope, _sum: { principalFen: true, outstandingPrincipalFen: true } }),
  ]);
  const counts = Object.fromEntries(LOAN_VIEWS.map((v) => [v, 0])) as Record<LoanView, number>;
  for (const g of byStatus) {
    counts[g.status as LoanView] = g._count._all;
    counts.all += g._count._all;
  }
  return {
    total,
    page: options.page,
    pageSize,
    counts,
    principalFen: (sums._sum.principalFen ?? 0n).toString(),
    outstandingFen: (sums._sum.outstandingPrincipalFen ?? 0n).toString(),
    items: rows.map((r) => ({
      id: r.id,
      applicationId: r.applicationId,
      principalFen: r.principalFen.toString(),
      outstandingFen: r.outstandingPrincipalFen.toString(),
      rateBps: r.rateBps,
      termMonths: r.termMonths,
      repaymentMethod: r.repaymentMethod,
      disbursedOn: formatCalendarDate(r.disbursedOn),
      maturityOn: formatCalendarDate(r.maturityOn),
      status: r.status,
      daysPastDue: r.daysPastDue,
      enterpriseName: r.enterprise.name,
      bankNameZh: r.institution.nameZh,
      bankNameEn: r.institution.nameEn,
      productNameZh: r.product.nameZh,
      productNameEn: r.product.nameEn,
    })),
  };
}

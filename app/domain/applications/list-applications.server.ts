import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { DomainError } from "~/domain/errors";
import type { Prisma } from "~/generated/prisma/client";
import { applicationScope } from "./application-access.server";
import { APPLICATION_STATUSES, APPLICATION_VIEWS, LIVE_APPLICATION_STATUSES, type ApplicationStatus, type ApplicationView } from "./lifecycle";

export const APPLICATION_PAGE_SIZE = 20;

const OPEN: ApplicationStatus[] = ["SUBMITTED", "ACCEPTED", "APPROVED", "OFFER_ACCEPTED"];
const CLOSED: ApplicationStatus[] = ["DECLINED", "OFFER_LAPSED", "DISBURSED", "WITHDRAWN"];

/** The filter of one of the lists' views. */
export function listApplicationsWhere(view: ApplicationView, now: Date): Prisma.ApplicationWhereInput {
  switch (view) {
    case "all":
      return {};
    case "open":
      return { status: { in: OPEN } };
    case "closed":
      return { status: { in: CLOSED } };
    case "overdue":
      // Unanswered past the deadline now, whether or not the sweep has flagged it yet.
      return { status: "SUBMITTED", respondedAt: null, respondBy: { lt: now } };
  }
}

export type ApplicationRow = {
  id: string;
  status: ApplicationStatus;
  productId: string;
  productNameZh: string;
  productNameEn: string | null;
  bankNameZh: string;
  bankNameEn: string;
  enterpriseName: string;
  amountFen: string;
  approvedAmountFen: string | null;
  termMonths: number;
  submittedAt: string;
  respondBy: string;
  overdue: boolean;
  loanId: string | null;
};

/**
 * The applications the actor may see (an SME its own, a bank its own, the
 * finance office and regulators all), newest first, a page at a time, with
 * the count of each view for the tabs.
 */
export async function listApplications(options: { actor: Actor; view: ApplicationView; page: number; pageSize?: number; now?: Date }) {
  const pageSize = Math.min(Math.max(options.pageSize ?? APPLICATION_PAGE_SIZE, 1), 100);
  const scope = applicationScope(options.actor);
  if (!scope) throw new DomainError("forbidden", { status: 403 });
  const now = options.now ?? new Date();
  const where = { AND: [scope, listApplicationsWhere(options.view, now)] };
  const [total, rows, counts] = await Promise.all([
    prisma.application.count({ where }),
    prisma.application.findMany({
      where,
      orderBy: [{ submittedAt: "desc" }, { id: "desc" }],
      skip: (options.page - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        status: true,
        requestedAmountFen: true,
        approvedAmountFen: true,
        requestedTermMonths: true,
        submittedAt: true,
        respondBy: true,
        respondedAt: true,
        product: { select: { id: true, nameZh: true, nameEn: true } },
        institution: { select: { nameZh: true, nameEn: true } },
        enterprise: { select: { name: true } },
        loan: { select: { id: true } },
      },
    }),
    Promise.all(APPLICATION_VIEWS.map((v) => prisma.application.count({ where: { AND: [scope, listApplicationsWhere(v, now)] } }))),
  ]);
  const items: ApplicationRow[] = rows.map((r) => ({
    id: r.id,
    status: r.status,
    productId: r.product.id,
    productNameZh: r.product.nameZh,
    productNameEn: r.product.nameEn,
    bankNameZh: r.institution.nameZh,
    bankNameEn: r.institution.nameEn,
    enterpriseName: r.enterprise.name,
    amountFen: r.requestedAmountFen.toString(),
    approvedAmountFen: r.approvedAmountFen?.toString() ?? null,
    termMonths: r.requestedTermMonths,
    submittedAt: r.submittedAt.toISOString(),
    respondBy: r.respondBy.toISOString(),
    overdue: r.status === "SUBMITTED" && r.respondedAt === null && r.respondBy < now,
    loanId: r.loan?.id ?? null,
  }));
  return {
    items,
    total,
    page: options.page,
    pageSize,
    counts: Object.fromEntries(APPLICATION_VIEWS.map((v, i) => [v, counts[i]!])) as Record<ApplicationView, number>,
  };
}

export function isApplicationStatus(value: string): value is ApplicationStatus {
  return (APPLICATION_STATUSES as readonly string[]).includes(value);
}

/**
 * What the SME's recommendations for one need mark as applied, by product:
 * its latest application under this need, or a live one under another need
 * (one live application per product, so applying again would be refused).
 */
export async function listNeedApplications(options: { actor: Actor; needId: string }): Promise<Record<string, { id: string; status: ApplicationStatus }>> {
  const enterpriseId = options.actor.enterprise?.id;
  if (!enterpriseId) return {};
  const rows = await prisma.application.findMany({
    where: { enterpriseId, OR: [{ needId: options.needId }, { status: { in: [...LIVE_APPLICATION_STATUSES] } }] },
    orderBy: { submittedAt: "asc" },
    take: 500,
    select: { id: true, productId: true, status: true, needId: true },
  });
  const byProduct: Record<string, { id: string; status: ApplicationStatus }> = {};
  // This need's latest wins (a withdrawn or declined one still shows, so the SME sees what happened); a live one elsewhere fills the gaps.
  for (const r of rows) if (r.needId !== options.needId && !byProduct[r.productId]) byProduct[r.productId] = { id: r.id, status: r.status };
  for (const r of rows) if (r.needId === options.needId) byProduct[r.productId] = { id: r.id, status: r.status };
  return byProduct;
}

import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { DomainError } from "~/domain/errors";
import { NEED_STATUSES, type NeedStatus } from "./need-rules";

const MAX_PAGE_SIZE = 100;

/** The SME's own needs, newest first, one page at a time, optionally of one status; with how many each status has. */
export async function listOwnNeeds(options: { actor: Actor; status?: NeedStatus; page: number; pageSize: number }) {
  const { actor } = options;
  assertCan(actor, "manage:need:own");
  const enterpriseId = actor.enterprise?.id;
  if (!enterpriseId) throw new DomainError("forbidden", { status: 403 });
  const pageSize = Math.min(Math.max(Math.trunc(options.pageSize), 1), MAX_PAGE_SIZE);
  const page = Math.max(Math.trunc(options.page), 1);
  const where = { enterpriseId, ...(options.status ? { status: options.status } : {}) };
  const [total, rows, grouped] = await Promise.all([
    prisma.financingNeed.count({ where }),
    prisma.financingNeed.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        amountFen: true,
        termMonths: true,
        purpose: true,
        maxRateBps: true,
        guaranteeTypes: true,
        urgency: true,
        expiresOn: true,
        status: true,
        createdAt: true,
        _count: { select: { claims: true } },
      },
    }),
    prisma.financingNeed.groupBy({ by: ["status"], where: { enterpriseId }, _count: { _all: true } }),
  ]);
  const byStatus = Object.fromEntries(NEED_STATUSES.map((s) => [s, 0])) as Record<NeedStatus, number>;
  for (const g of grouped) byStatus[g.status] = g._count._all;
  return { total, page, pageSize, byStatus, rows: rows.map(({ _count, ...r }) => ({ ...r, claims: _count.claims })) };
}

import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { DomainError } from "~/domain/errors";
import type { ProductStatus } from "~/schemas/products";

export const PRODUCTS_PAGE_SIZE = 20;

const pageSizeOf = (o: { pageSize?: number }) => Math.min(Math.max(o.pageSize ?? PRODUCTS_PAGE_SIZE, 10), 100);

const ROW = {
  id: true,
  code: true,
  nameZh: true,
  nameEn: true,
  type: true,
  status: true,
  minAmountFen: true,
  maxAmountFen: true,
  minRateBps: true,
  maxRateBps: true,
  minTermMonths: true,
  maxTermMonths: true,
  submittedAt: true,
  listedAt: true,
  updatedAt: true,
  institution: { select: { nameZh: true, nameEn: true } },
} as const;

type Row = {
  minAmountFen: bigint;
  maxAmountFen: bigint;
  submittedAt: Date | null;
  listedAt: Date | null;
  updatedAt: Date;
};

function serialiseRow<T extends Row>(r: T) {
  return {
    ...r,
    minAmountFen: r.minAmountFen.toString(),
    maxAmountFen: r.maxAmountFen.toString(),
    submittedAt: r.submittedAt?.toISOString() ?? null,
    listedAt: r.listedAt?.toISOString() ?? null,
    updatedAt: r.updatedAt.toISOString(),
  };
}

async function countsByStatus(where: object): Promise<Record<ProductStatus, number>> {
  const groups = await prisma.product.groupBy({ by: ["status"], where, _count: { _all: true } });
  const counts: Record<ProductStatus, number> = { DRAFT: 0, UNDER_REVIEW: 0, LISTED: 0, DELISTED: 0 };
  for (const g of groups) counts[g.status] = g._count._all;
  return counts;
}

/** The actor's bank's products, newest change first, with a count per status for the tabs. */
export async function listInstitutionProducts(actor: Actor, options: { status?: ProductStatus; page: number; pageSize?: number }) {
  assertCan(actor, "manage:product:institution");
  const institutionId = actor.institution?.id;
  if (!institutionId) throw new DomainError("forbidden", { status: 403 });
  const where = { institutionId, ...(options.status ? { status: options.status } : {}) };
  const [rows, total, counts] = await Promise.all([
    prisma.product.findMany({
      where,
      orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
      skip: (options.page - 1) * pageSizeOf(options),
      take: pageSizeOf(options),
      select: ROW,
    }),
    prisma.product.count({ where }),
    countsByStatus({ institutionId }),
  ]);
  return { rows: rows.map(serialiseRow), total, counts, pageSize: pageSizeOf(options) };
}

/**
 * The finance office's review queue: products under review, longest waiting
 * first; other tabs show what is listed or delisted. Drafts are the banks' own.
 */
export async function listProductsForReview(actor: Actor, options: { status: Exclude<ProductStatus, "DRAFT">; page: number; pageSize?: number }) {
  assertCan(actor, "review:product:any");
  const where = { status: options.status };
  const orderBy =
    options.status === "UNDER_REVIEW"
      ? [{ submittedAt: "asc" as const }, { id: "asc" as const }]
      : [{ updatedAt: "desc" as const }, { id: "asc" as const }];
  const [rows, total, counts] = await Promise.all([
    prisma.product.findMany({ where, orderBy, skip: (options.page - 1) * pageSizeOf(options), take: pageSizeOf(options), select: ROW }),
    prisma.product.count({ where }),
    countsByStatus({ status: { not: "DRAFT" } }),
  ]);
  return { rows: rows.map(serialiseRow), total, counts, pageSize: pageSizeOf(options) };
}

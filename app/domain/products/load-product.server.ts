import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { assertRecordId, DomainError } from "~/domain/errors";
import { userDisplayNames } from "~/domain/users/list-users.server";
import type { ProductStatus, ProductTransition } from "~/schemas/products";
import { availableTransitions } from "./product-lifecycle";
import { PRODUCT_TERMS_SELECT } from "./product-data";

const PRODUCT_DETAIL = {
  id: true,
  code: true,
  nameZh: true,
  nameEn: true,
  type: true,
  scenarioTags: true,
  description: true,
  ...PRODUCT_TERMS_SELECT,
  guaranteeTypes: true,
  eligibleRegionCodes: true,
  eligibleIndustryCodes: true,
  eligibleSizes: true,
  minCreditGrade: true,
  minTaxGrade: true,
  minYearsInOperation: true,
  fundId: true,
  redListRateDiscountBps: true,
  redListLimitUpliftBps: true,
  requiredMaterials: true,
  responseDeadlineWorkingDays: true,
  status: true,
  version: true,
  listedAt: true,
  updatedAt: true,
  institutionId: true,
  institution: { select: { nameZh: true, nameEn: true, status: true } },
  fund: { select: { nameZh: true, nameEn: true } },
} as const;

/** A product as the pages show it: money as strings (JSON has no bigint), dates as ISO text. */
function serialise<T extends { minAmountFen: bigint; maxAmountFen: bigint; listedAt: Date | null; updatedAt: Date }>(p: T) {
  return {
    ...p,
    minAmountFen: p.minAmountFen.toString(),
    maxAmountFen: p.maxAmountFen.toString(),
    listedAt: p.listedAt?.toISOString() ?? null,
    updatedAt: p.updatedAt.toISOString(),
  };
}

export type ProductView = ReturnType<typeof serialise<Awaited<ReturnType<typeof findProduct>> & object>>;

function findProduct(productId: string) {
  assertRecordId(productId);
  return prisma.product.findUnique({ where: { id: productId }, select: PRODUCT_DETAIL });
}

/** A listed product of an active bank, as anyone (signed in or not) may read it. */
export async function loadListedProduct(productId: string): Promise<ProductView> {
  const product = await findProduct(productId);
  if (!product || product.status !== "LISTED" || product.institution.status !== "ACTIVE") {
    throw new DomainError("notFound", { status: 404 });
  }
  return serialise(product);
}

/**
 * A product as its bank or the finance office sees it: every field, its whole
 * history, and the commands the actor may give now. A bank sees only its own
 * products; the finance office sees what has been submitted to it (never a
 * bank's unsubmitted first draft).
 */
export async function loadProductForStaff(actor: Actor, productId: string) {
  const product = await findProduct(productId);
  if (!product) throw new DomainError("notFound", { status: 404 });
  const ownBank = actor.permissions.has("manage:product:institution") && actor.institution?.id === product.institutionId;
  const reviewer = actor.permissions.has("review:product:any");
  if (!ownBank && !reviewer) throw new DomainError("notFound", { status: 404 });
  const events = await prisma.productEvent.findMany({
    where: { productId },
    orderBy: { at: "desc" },
    take: 200,
    select: { id: true, fromStatus: true, toStatus: true, actorId: true, comment: true, at: true },
  });
  if (!ownBank && !events.some((e) => e.toStatus === "UNDER_REVIEW")) throw new DomainError("notFound", { status: 404 });
  const names = await userDisplayNames(events.map((e) => e.actorId));
  const commands: ProductTransition[] = availableTransitions(
    product.status as ProductStatus,
    { permissions: actor.permissions, institutionId: actor.institution?.id ?? null },
    product.institutionId,
  );
  return {
    product: serialise(product),
    ownBank,
    commands,
    events: events.map((e) => ({ ...e, at: e.at.toISOString(), actorName: names.get(e.actorId) ?? "" })),
  };
}

/** Risk-compensation funds a product may enrol in. */
export async function listActiveFunds() {
  return prisma.fund.findMany({ where: { status: "ACTIVE" }, orderBy: { nameZh: "asc" }, take: 100, select: { id: true, nameZh: true, nameEn: true } });
}

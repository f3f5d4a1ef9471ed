import type { Route } from "./+types/products";
import { isUniqueViolation, prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { DomainError, isDomainError } from "~/domain/errors";
import { changeProductStatus } from "~/domain/products/change-product-status.server";
import { EDITABLE_STATUSES } from "~/domain/products/product-lifecycle";
import { createProduct, updateProduct } from "~/domain/products/save-product.server";
import { PRODUCT_TERMS_SELECT } from "~/domain/products/product-data";
import { fenNumber } from "~/schemas/api/common";
import { ProductRefParamsSchema, ProductUpsertBodySchema, type ProductResponse } from "~/schemas/api/products";
import type { ProductFormInput, ProductStatus } from "~/schemas/products";
import { apiError, apiIssues, apiJson, apiLocale, handleApi, methodNotAllowed, readJsonBody, requireApiActor } from "~/web/api.server";
import { withIdempotency } from "~/web/idempotency.server";
import { clientIp } from "~/web/request.server";

/**
 * PUT /api/v1/products/:externalRef — create or update a product of the
 * caller's bank by the bank's own code: no such product → a new draft (201);
 * a draft → saved (200); under review, listed or delisted → 409
 * `productNotEditable` (the web console withdraws or revises it first).
 * `submitForReview: true` then submits the draft to the finance office.
 * GET /api/v1/products/:externalRef — the product in API units, or 404.
 * Another bank's codes do not exist for the caller. Permission
 * `manage:product:institution` (docs/api.md).
 */

/** A product is a few kilobytes of JSON; this leaves room for every list at its longest. */
const PRODUCT_MAX_BODY_BYTES = 256 * 1024;

const PRODUCT_API_SELECT = {
  id: true,
  code: true,
  externalRef: true,
  status: true,
  version: true,
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
  updatedAt: true,
  listedAt: true,
} as const;

type StoredProduct = NonNullable<Awaited<ReturnType<typeof findByRef>>>;

function productUrl(request: Request, externalRef: string): string {
  return new URL(`/api/v1/products/${encodeURIComponent(externalRef)}`, request.url).href;
}

/** The caller's bank: a product belongs to a bank, whatever else the key may do. */
function bankOf(actor: Actor): string {
  if (!actor.institution || actor.institution.kind !== "BANK") throw new DomainError("forbidden", { status: 403 });
  return actor.institution.id;
}

function findByRef(institutionId: string, externalRef: string) {
  return prisma.product.findUnique({ where: { institutionId_externalRef: { institutionId, externalRef } }, select: PRODUCT_API_SELECT });
}

function productToApi(request: Request, p: StoredProduct, externalRef: string): ProductResponse {
  return {
    id: p.id,
    code: p.code,
    externalRef,
    status: p.status,
    version: p.version,
    url: productUrl(request, externalRef),
    nameZh: p.nameZh,
    nameEn: p.nameEn,
    type: p.type,
    scenarioTags: p.scenarioTags,
    description: p.description,
    minAmountFen: fenNumber(p.minAmountFen),
    maxAmountFen: fenNumber(p.maxAmountFen),
    minTermMonths: p.minTermMonths,
    maxTermMonths: p.maxTermMonths,
    minRateBps: p.minRateBps,
    maxRateBps: p.maxRateBps,
    repaymentMethods: p.repaymentMethods,
    guaranteeTypes: p.guaranteeTypes,
    eligibleRegionCodes: p.eligibleRegionCodes,
    eligibleIndustryCodes: p.eligibleIndustryCodes,
    eligibleSizes: p.eligibleSizes,
    minCreditGrade: p.minCreditGrade as ProductResponse["minCreditGrade"],
    minTaxGrade: p.minTaxGrade as ProductResponse["minTaxGrade"],
    minYearsInOperation: p.minYearsInOperation,
    fundId: p.fundId,
    redListRateDiscountBps: p.redListRateDiscountBps,
    // Kept in bps, typed (and so only ever saved) as whole percent.
    redListLimitUpliftPercent: Math.round(p.redListLimitUpliftBps / 100),
    requiredMaterials: p.requiredMaterials,
    responseDeadlineWorkingDays: p.responseDeadlineWorkingDays,
    updatedAt: p.updatedAt.toISOString(),
    listedAt: p.listedAt?.toISOString() ?? null,
  };
}

/**
 * Creates the draft or saves over it. The edit is made from the version
 * read here; a colleague saving in between makes it 409 `product.stale`
 * rather than overwriting their change. Two first PUTs of one code race on
 * the (bank, code) unique key: the loser saves over the winner's draft.
 */
async function saveByRef(options: { actor: Actor; institutionId: string; externalRef: string; input: ProductFormInput; ip: string }) {
  const { actor, institutionId, externalRef, input, ip } = options;
  for (let attempt = 1; ; attempt++) {
    const existing = await prisma.product.findUnique({
      where: { institutionId_externalRef: { institutionId, externalRef } },
      select: { id: true, status: true, version: true },
    });
    if (!existing) {
      try {
        const { id } = await createProduct({ actor, input, ip, externalRef });
        return { id, created: true };
      } catch (error) {
        if (isUniqueViolation(error) && attempt < 3) continue;
        throw error;
      }
    }
    if (!EDITABLE_STATUSES.includes(existing.status as ProductStatus)) throw new DomainError("productNotEditable", { status: 409 });
    try {
      await updateProduct({ actor, productId: existing.id, input: { ...input, version: existing.version }, ip });
    } catch (error) {
      // Submitted by someone else since it was read.
      if (isDomainError(error) && error.code === "product.notEditable") throw new DomainError("productNotEditable", { status: 409 });
      throw error;
    }
    return { id: existing.id, created: false };
  }
}

export async function loader({ request, params }: Route.LoaderArgs) {
  return handleApi(request, async () => {
    const actor = await requireApiActor(request, "manage:product:institution");
    const institutionId = bankOf(actor);
    const ref = ProductRefParamsSchema.safeParse(params);
    if (!ref.success) return apiError(404, "notFound", {}, request);
    const product = await findByRef(institutionId, ref.data.externalRef);
    if (!product) return apiError(404, "notFound", {}, request);
    return apiJson(productToApi(request, product, ref.data.externalRef));
  });
}

export async function action({ request, params }: Route.ActionArgs) {
  return handleApi(request, async () => {
    if (request.method !== "PUT") return methodNotAllowed(request, ["GET", "PUT"]);
    const actor = await requireApiActor(request, "manage:product:institution");
    const institutionId = bankOf(actor);
    return withIdempotency(
      request,
      actor,
      async () => {
        const ref = ProductRefParamsSchema.safeParse(params);
        if (!ref.success) {
          return apiError(422, "validationFailed", {}, request, { issues: apiIssues(ref.error.issues, apiLocale(request)) });
        }
        const { externalRef } = ref.data;
        const body = await readJsonBody(request, PRODUCT_MAX_BODY_BYTES, ProductUpsertBodySchema);
        const ip = clientIp(request);
        const { id, created } = await saveByRef({ actor, institutionId, externalRef, input: body.input, ip });

        let saved = await prisma.product.findUniqueOrThrow({ where: { id }, select: { id: true, code: true, status: true, version: true } });
        if (body.submitForReview && saved.status === "DRAFT") {
          const submitted = await changeProductStatus({ actor, productId: id, command: { intent: "submit", version: saved.version }, ip });
          saved = { ...saved, ...submitted };
        }
        const url = productUrl(request, externalRef);
        return apiJson(
          { id: saved.id, code: saved.code, externalRef, status: saved.status, version: saved.version, url },
          created ? { status: 201, headers: { Location: url } } : {},
        );
      },
      { maxBodyBytes: PRODUCT_MAX_BODY_BYTES },
    );
  });
}

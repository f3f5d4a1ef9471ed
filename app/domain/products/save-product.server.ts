import { randomBytes } from "node:crypto";
import { prisma, type Tx } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { assertRecordId, DomainError } from "~/domain/errors";
import type { ProductFormInput } from "~/schemas/products";
import { productColumns } from "./product-data";
import { EDITABLE_STATUSES } from "./product-lifecycle";

/** The bank the actor manages products for; only an active bank drafts products. */
function actingBank(actor: Actor): { id: string } {
  assertCan(actor, "manage:product:institution");
  if (!actor.institution || actor.institution.kind !== "BANK") throw new DomainError("forbidden", { status: 403 });
  return { id: actor.institution.id };
}

async function assertFundUsable(tx: Tx, fundId: string | undefined): Promise<void> {
  if (!fundId) return;
  const fund = await tx.fund.findUnique({ where: { id: fundId }, select: { status: true } });
  if (!fund || fund.status !== "ACTIVE") throw new DomainError("product.fundInactive");
}

/**
 * A new product, as a draft of the actor's bank. Nobody but the bank sees it until it is submitted.
 * `externalRef` is the bank's own code for it (API upserts), unique within the bank.
 */
export async function createProduct(options: {
  actor: Actor;
  input: ProductFormInput;
  ip: string | null;
  externalRef?: string;
}): Promise<{ id: string }> {
  const { actor, input } = options;
  const bank = actingBank(actor);
  return prisma.$transaction(async (tx) => {
    const institution = await tx.institution.findUniqueOrThrow({ where: { id: bank.id }, select: { code: true, status: true } });
    if (institution.status !== "ACTIVE") throw new DomainError("product.bankInactive");
    await assertFundUsable(tx, input.fundId);
    const created = await tx.product.create({
      data: {
        ...productColumns(input),
        institutionId: bank.id,
        // The bank's code and a random suffix: readable in exports, unique without a counter.
        code: `${institution.code}-${randomBytes(3).toString("hex").toUpperCase()}`,
        externalRef: options.externalRef ?? null,
        createdById: actor.userId,
        events: { create: { fromStatus: null, toStatus: "DRAFT", actorId: actor.userId } },
      },
      select: { id: true, code: true },
    });
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorInstitutionId: bank.id,
      action: "product.created",
      entityType: "product",
      entityId: created.id,
      summary: { code: created.code, nameZh: input.nameZh, ...(options.externalRef ? { externalRef: options.externalRef } : {}) },
      ip: options.ip,
    });
    return { id: created.id };
  });
}

/**
 * Saves an edit of a draft. The edit names the version it was made from; if
 * the product changed since (another colleague saved, or it was submitted),
 * the edit is refused rather than silently overwriting.
 */
export async function updateProduct(options: {
  actor: Actor;
  productId: string;
  input: ProductFormInput;
  ip: string | null;
}): Promise<{ version: number }> {
  const { actor, input } = options;
  const bank = actingBank(actor);
  if (input.version === undefined) throw new DomainError("product.stale", { status: 409 });
  assertRecordId(options.productId);
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM products WHERE id = ${options.productId}::uuid FOR UPDATE`;
    const before = await tx.product.findUnique({ where: { id: options.productId } });
    if (!before || before.institutionId !== bank.id) throw new DomainError("notFound", { status: 404 });
    if (!EDITABLE_STATUSES.includes(before.status)) throw new DomainError("product.notEditable", { status: 409 });
    if (before.version !== input.version) throw new DomainError("product.stale", { status: 409 });
    await assertFundUsable(tx, input.fundId);
    const columns = productColumns(input);
    const changed = (Object.keys(columns) as (keyof typeof columns)[]).filter(
      (k) => JSON.stringify(columns[k], (_, v) => (typeof v === "bigint" ? v.toString() : v)) !==
        JSON.stringify(before[k], (_, v) => (typeof v === "bigint" ? v.toString() : v)),
    );
    const after = await tx.product.update({
      where: { id: before.id },
      data: { ...columns, version: { increment: 1 } },
      select: { version: true },
    });
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorInstitutionId: bank.id,
      action: "product.updated",
      entityType: "product",
      entityId: before.id,
      summary: { changed, version: after.version },
      ip: options.ip,
    });
    return { version: after.version };
  });
}

import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { assertRecordId, DomainError } from "~/domain/errors";
import { requestOutboxDrain } from "~/domain/outbox/outbox.server";
import { recordMatchChange } from "~/domain/outbox/match-outbox.server";
import { recordSearchChange } from "~/domain/outbox/search-outbox.server";
import type { ProductStatus, ProductTransitionInput } from "~/schemas/products";
import { allowedBy, PRODUCT_TRANSITIONS } from "./product-lifecycle";

/**
 * Moves a product along its lifecycle (product-lifecycle.ts). The row is
 * locked, the command must name the version the actor saw, and the status
 * change, its event, the audit record, the bank's notification and the search
 * outbox event are written in one transaction: the supermarket's index follows
 * the product even if the worker is down when it happens.
 */
export async function changeProductStatus(options: {
  actor: Actor;
  productId: string;
  command: ProductTransitionInput;
  ip: string | null;
}): Promise<{ status: ProductStatus; version: number }> {
  const { actor, command } = options;
  const rule = PRODUCT_TRANSITIONS[command.intent];
  const who = { permissions: actor.permissions, institutionId: actor.institution?.id ?? null };
  if (!rule.by.some((b) => actor.permissions.has(b.permission))) throw new DomainError("forbidden", { status: 403 });

  assertRecordId(options.productId);
  const result = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM products WHERE id = ${options.productId}::uuid FOR UPDATE`;
    const product = await tx.product.findUnique({
      where: { id: options.productId },
      select: {
        id: true,
        code: true,
        status: true,
        version: true,
        institutionId: true,
        institution: { select: { status: true } },
        fund: { select: { status: true } },
      },
    });
    // Another bank's product does not exist as far as this bank can tell.
    if (!product || !rule.by.some((b) => allowedBy(b, who, product.institutionId))) throw new DomainError("notFound", { status: 404 });
    if (product.status !== rule.from) throw new DomainError("product.wrongStatus", { status: 409, params: { status: product.status } });
    if (product.version !== command.version) throw new DomainError("product.stale", { status: 409 });
    if (command.intent === "approve") {
      if (product.institution.status !== "ACTIVE") throw new DomainError("product.bankInactive");
      if (product.fund && product.fund.status !== "ACTIVE") throw new DomainError("product.fundInactive");
    }

    const now = new Date();
    const updated = await tx.product.update({
      where: { id: product.id },
      data: {
        status: rule.to,
        version: { increment: 1 },
        ...(command.intent === "submit" ? { submittedAt: now } : {}),
        ...(command.intent === "approve" ? { listedAt: now } : {}),
      },
      select: { status: true, version: true },
    });
    const comment = "comment" in command && command.comment ? command.comment : null;
    await tx.productEvent.create({
      data: { productId: product.id, fromStatus: product.status, toStatus: rule.to, actorId: actor.userId, comment, at: now },
    });
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorInstitutionId: actor.institution?.id ?? null,
      action: `product.${command.intent}`,
      entityType: "product",
      entityId: product.id,
      summary: { code: product.code, from: product.status, to: rule.to, comment },
      ip: options.ip,
    });
    // The bank hears of what the finance office decided about its product.
    if (actor.institution?.id !== product.institutionId) {
      await tx.notification.create({
        data: { institutionId: product.institutionId, kind: `product.${command.intent}`, payload: { productId: product.id, comment } },
      });
    }
    await recordSearchChange(tx, "products", [product.id]);
    // Listing, delisting or revising changes which needs the product can be recommended for.
    await recordMatchChange(tx, "product", [product.id]);
    return updated;
  });
  await requestOutboxDrain();
  return result;
}

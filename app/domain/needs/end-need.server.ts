import type { Tx } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { DomainError } from "~/domain/errors";
import { recordMatchChange } from "~/domain/outbox/match-outbox.server";
import { recordSearchChange } from "~/domain/outbox/search-outbox.server";
import { ACTIVE_NEED_STATUSES, isNeedId } from "./need-rules";

/**
 * Ends one of the SME's own active needs (closed or fulfilled), inside the
 * caller's transaction: version check, status change, audit record, search
 * event, and a notification to every bank that took the need up, so none
 * keeps working on it unaware.
 */
export async function endOwnNeed(
  tx: Tx,
  options: { actor: Actor; enterpriseId: string; needId: string; version: number; to: "CLOSED" | "FULFILLED"; reason: string | null; ip: string | null },
) {
  if (!isNeedId(options.needId)) throw new DomainError("notFound", { status: 404 });
  const found = await tx.financingNeed.findFirst({
    where: { id: options.needId, enterpriseId: options.enterpriseId },
    select: { id: true, status: true, version: true, claims: { select: { institutionId: true }, take: 100 } },
  });
  if (!found) throw new DomainError("notFound", { status: 404 });
  if (!ACTIVE_NEED_STATUSES.includes(found.status)) throw new DomainError("need.notActive", { status: 409 });
  if (found.version !== options.version) throw new DomainError("need.stale", { status: 409 });
  const now = new Date();
  const updated = await tx.financingNeed.updateMany({
    where: { id: found.id, version: options.version, status: { in: ["OPEN", "IN_PROGRESS"] } },
    data: { status: options.to, closedAt: now, closeReason: options.reason, version: { increment: 1 } },
  });
  if (updated.count !== 1) throw new DomainError("need.stale", { status: 409 });
  await appendAudit(tx, {
    actorUserId: options.actor.userId,
    actorEnterpriseId: options.enterpriseId,
    action: options.to === "CLOSED" ? "need.closed" : "need.fulfilled",
    entityType: "need",
    entityId: found.id,
    summary: { from: found.status, to: options.to, reason: options.reason },
    ip: options.ip,
  });
  await recordSearchChange(tx, "needs", [found.id]);
  await recordMatchChange(tx, "need", [found.id]);
  const kind = options.to === "CLOSED" ? "need.closed" : "need.fulfilled";
  if (found.claims.length > 0) {
    await tx.notification.createMany({
      data: found.claims.map((c) => ({ institutionId: c.institutionId, kind, payload: { needId: found.id } })),
    });
  }
  return { id: found.id, status: options.to, version: found.version + 1 };
}

import { isUniqueViolation, prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { DomainError } from "~/domain/errors";
import { requestOutboxDrain } from "~/domain/outbox/outbox.server";
import { recordMatchChange } from "~/domain/outbox/match-outbox.server";
import { recordSearchChange } from "~/domain/outbox/search-outbox.server";
import { ACTIVE_NEED_STATUSES, isNeedId, isPastDue } from "./need-rules";

/**
 * A bank takes up (接单) a need: OPEN → IN_PROGRESS, with a claim recording
 * which bank and who. Other banks may take it up too (the SME chooses among
 * them); the same bank taking it up twice changes nothing. A need that is
 * closed, fulfilled or past its expiry date cannot be taken up. The
 * enterprise is told through a notification.
 */
export async function claimNeed(options: { actor: Actor; needId: string; ip: string | null }): Promise<{ claimId: string; alreadyClaimed: boolean }> {
  const { actor } = options;
  assertCan(actor, "read:need-inbox:institution");
  const institution = actor.institution;
  if (!institution || institution.kind !== "BANK") throw new DomainError("forbidden", { status: 403 });
  if (!isNeedId(options.needId)) throw new DomainError("notFound", { status: 404 });

  const existing = await prisma.needClaim.findUnique({
    where: { needId_institutionId: { needId: options.needId, institutionId: institution.id } },
    select: { id: true },
  });
  if (existing) return { claimId: existing.id, alreadyClaimed: true };

  try {
    const claimed = await prisma.$transaction(async (tx) => {
      const need = await tx.financingNeed.findUnique({
        where: { id: options.needId },
        select: { id: true, status: true, expiresOn: true, enterpriseId: true },
      });
      if (!need) throw new DomainError("notFound", { status: 404 });
      if (!ACTIVE_NEED_STATUSES.includes(need.status) || isPastDue(need.expiresOn, platformToday())) {
        throw new DomainError("need.notClaimable", { status: 409 });
      }
      // Conditional on the status still being active: a close committed meanwhile wins, and this claim is refused.
      const moved = await tx.financingNeed.updateMany({
        where: { id: need.id, status: { in: ["OPEN", "IN_PROGRESS"] } },
        data: { status: "IN_PROGRESS", version: { increment: 1 } },
      });
      if (moved.count !== 1) throw new DomainError("need.notClaimable", { status: 409 });
      const claim = await tx.needClaim.create({
        data: { needId: need.id, institutionId: institution.id, userId: actor.userId },
        select: { id: true },
      });
      await appendAudit(tx, {
        actorUserId: actor.userId,
        actorInstitutionId: institution.id,
        action: "need.claimed",
        entityType: "need",
        entityId: need.id,
        summary: { from: need.status, to: "IN_PROGRESS", claimId: claim.id },
        ip: options.ip,
      });
      await recordSearchChange(tx, "needs", [need.id]);
      // Still matched while in progress (other banks may take it up too); re-ranked at its new version.
      await recordMatchChange(tx, "need", [need.id]);
      await tx.notification.create({
        data: { enterpriseId: need.enterpriseId, kind: "need.claimed", payload: { needId: need.id, institutionId: institution.id } },
      });
      return { claimId: claim.id, alreadyClaimed: false };
    });
    await requestOutboxDrain();
    return claimed;
  } catch (error) {
    // Two officers of the same bank clicked at once: the other click's claim stands.
    if (isUniqueViolation(error)) {
      const claim = await prisma.needClaim.findUniqueOrThrow({
        where: { needId_institutionId: { needId: options.needId, institutionId: institution.id } },
        select: { id: true },
      });
      return { claimId: claim.id, alreadyClaimed: true };
    }
    throw error;
  }
}

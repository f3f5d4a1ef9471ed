import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { DomainError } from "~/domain/errors";

/** Revocation takes effect at once: the bank's next request is refused. Revoking twice changes nothing. */
export async function revokeAuthorisation(options: { actor: Actor; authorisationId: string; ip: string | null }) {
  const { actor } = options;
  assertCan(actor, "manage:authorisation:own");
  const enterpriseId = actor.enterprise?.id;
  if (!enterpriseId) throw new DomainError("forbidden", { status: 403 });
  return prisma.$transaction(async (tx) => {
    const found = await tx.authorisation.findFirst({
      where: { id: options.authorisationId, enterpriseId },
      select: { id: true, revokedAt: true, institutionId: true },
    });
    if (!found) throw new DomainError("notFound", { status: 404 });
    if (found.revokedAt) return { id: found.id, alreadyRevoked: true };
    await tx.authorisation.update({ where: { id: found.id }, data: { revokedAt: new Date(), revokedById: actor.userId } });
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorEnterpriseId: enterpriseId,
      action: "authorisation.revoked",
      entityType: "authorisation",
      entityId: found.id,
      summary: { institutionId: found.institutionId },
      ip: options.ip,
    });
    return { id: found.id, alreadyRevoked: false };
  });
}

import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { DomainError } from "~/domain/errors";
import { MAX_AUTHORISATION_DAYS, type GrantAuthorisationInput } from "~/schemas/credit";

const DAY_MS = 86_400_000;

/**
 * An enterprise lets one bank read its credit report, for a purpose, with the
 * scopes it chooses, until the end of the chosen day (Asia/Shanghai).
 */
export async function grantAuthorisation(options: { actor: Actor; input: GrantAuthorisationInput; ip: string | null }) {
  const { actor, input } = options;
  assertCan(actor, "manage:authorisation:own");
  const enterpriseId = actor.enterprise?.id;
  if (!enterpriseId) throw new DomainError("forbidden", { status: 403 });

  const today = new Date(`${platformToday()}T00:00:00Z`);
  const days = Math.round((input.expiresOn.getTime() - today.getTime()) / DAY_MS);
  if (days < 1) throw new DomainError("consent.expiryInPast");
  if (days > MAX_AUTHORISATION_DAYS) throw new DomainError("consent.expiryTooFar", { params: { days: MAX_AUTHORISATION_DAYS } });

  const bank = await prisma.institution.findUnique({ where: { id: input.institutionId }, select: { id: true, kind: true, status: true } });
  if (!bank || bank.kind !== "BANK" || bank.status !== "ACTIVE") throw new DomainError("consent.notABank");

  // End of the chosen day in China (UTC+8): 16:00 UTC of that date.
  const expiresAt = new Date(input.expiresOn.getTime() + 16 * 3_600_000);
  return prisma.$transaction(async (tx) => {
    const created = await tx.authorisation.create({
      data: {
        enterpriseId,
        institutionId: bank.id,
        scopes: [...new Set(input.scopes)].sort(),
        purpose: input.purpose,
        note: input.note || null,
        grantedById: actor.userId,
        expiresAt,
      },
      select: { id: true },
    });
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorEnterpriseId: enterpriseId,
      action: "authorisation.granted",
      entityType: "authorisation",
      entityId: created.id,
      summary: { institutionId: bank.id, scopes: input.scopes, purpose: input.purpose, expiresAt: expiresAt.toISOString() },
      ip: options.ip,
    });
    await tx.notification.create({
      data: { institutionId: bank.id, kind: "authorisation.granted", payload: { authorisationId: created.id, enterpriseId } },
    });
    return created;
  });
}

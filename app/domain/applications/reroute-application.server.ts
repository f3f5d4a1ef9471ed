import { isUniqueViolation, prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { assertRecordId, DomainError } from "~/domain/errors";
import { lockApplication, moveApplication } from "./application-access.server";
import { canReroute, REROUTE_MAX_PICKS, type ApplicationStatus } from "./lifecycle";
import { checkApplicationTarget, openApplication, type ApplicationTarget } from "./submit-application.server";

/** Offered alternatives. */
const REROUTE_CHOICES = 5;

export type RerouteOption = {
  productId: string;
  productNameZh: string;
  productNameEn: string | null;
  bankNameZh: string;
  bankNameEn: string;
  rank: number;
  score: number;
  expectedRateBps: number;
};

/**
 * The next-best matches for an application's need: its stored ranking, best
 * first, without the bank that declined or did not answer and without any
 * product the enterprise already applied for under this need.
 */
export async function rerouteOptions(options: { actor: Actor; applicationId: string }): Promise<RerouteOption[]> {
  const { actor } = options;
  assertCan(actor, "manage:application:own");
  assertRecordId(options.applicationId);
  const app = await prisma.application.findFirst({
    where: { id: options.applicationId, enterpriseId: actor.enterprise?.id ?? "00000000-0000-0000-0000-000000000000" },
    select: { needId: true, institutionId: true },
  });
  if (!app?.needId) return [];
  const applied = await prisma.application.findMany({ where: { needId: app.needId }, select: { productId: true }, take: 500 });
  const matches = await prisma.match.findMany({
    where: { needId: app.needId, institutionId: { not: app.institutionId }, productId: { notIn: applied.map((a) => a.productId) } },
    orderBy: { rank: "asc" },
    take: REROUTE_CHOICES,
    select: { productId: true, rank: true, score: true, expectedRateBps: true },
  });
  const products = await prisma.product.findMany({
    where: { id: { in: matches.map((m) => m.productId) }, status: "LISTED" },
    select: { id: true, nameZh: true, nameEn: true, institution: { select: { nameZh: true, nameEn: true } } },
  });
  const byId = new Map(products.map((p) => [p.id, p]));
  return matches.flatMap((m) => {
    const p = byId.get(m.productId);
    return p
      ? [
          {
            productId: p.id,
            productNameZh: p.nameZh,
            productNameEn: p.nameEn,
            bankNameZh: p.institution.nameZh,
            bankNameEn: p.institution.nameEn,
            rank: m.rank,
            score: m.score,
            expectedRateBps: m.expectedRateBps,
          },
        ]
      : [];
  });
}

/**
 * Re-routes an application the bank declined, let lapse, or did not answer
 * in time: in one step and one transaction, new applications for the chosen
 * next-best products with the same amount and term, each bank under a new
 * authorisation of its own; an unanswered original is withdrawn, so the late
 * bank stops working on it. Each new application points back to the original.
 * Safe to retry: the command key makes the same re-route return the same
 * applications.
 */
export async function rerouteApplication(options: {
  actor: Actor;
  applicationId: string;
  productIds: string[];
  commandKey: string;
  ip: string | null;
  now?: Date;
}): Promise<{ applicationIds: string[]; replayed: boolean }> {
  const { actor } = options;
  assertCan(actor, "manage:application:own");
  const enterpriseId = actor.enterprise?.id;
  if (!enterpriseId) throw new DomainError("forbidden", { status: 403 });
  const picks = [...new Set(options.productIds)];
  if (picks.length === 0) throw new DomainError("application.rerouteNoChoice", { status: 422 });
  if (picks.length > REROUTE_MAX_PICKS) throw new DomainError("application.rerouteTooMany", { status: 422, params: { max: REROUTE_MAX_PICKS } });
  picks.forEach(assertRecordId);
  const now = options.now ?? new Date();
  const keyOf = (productId: string) => `reroute:${options.applicationId}:${options.commandKey}:${productId}`;

  // Only this enterprise's own earlier re-route counts as a replay.
  const earlier = await prisma.application.findMany({ where: { enterpriseId, submitKey: { in: picks.map(keyOf) } }, select: { id: true } });
  if (earlier.length === picks.length) return { applicationIds: earlier.map((a) => a.id), replayed: true };

  const original = await prisma.application.findFirst({
    where: { id: options.applicationId, enterpriseId },
    select: { needId: true, requestedAmountFen: true, requestedTermMonths: true, status: true, respondBy: true, respondedAt: true },
  });
  if (!original) throw new DomainError("notFound", { status: 404 });
  if (!original.needId) throw new DomainError("application.rerouteNoNeed", { status: 409 });
  if (!canReroute({ ...original, status: original.status as ApplicationStatus }, now)) throw new DomainError("application.notReroutable", { status: 409 });
  const allowed = new Set((await rerouteOptions({ actor, applicationId: options.applicationId })).map((o) => o.productId));
  const targets: ApplicationTarget[] = [];
  for (const productId of picks) {
    if (!allowed.has(productId)) throw new DomainError("application.rerouteNotOffered", { status: 422 });
    targets.push(
      await checkApplicationTarget({
        enterpriseId,
        needId: original.needId,
        productId,
        amountFen: original.requestedAmountFen,
        termMonths: original.requestedTermMonths,
        now,
      }),
    );
  }

  let applicationIds: string[];
  try {
    applicationIds = await prisma.$transaction(async (tx) => {
      const app = await lockApplication(tx, actor, options.applicationId, "sme");
      if (!canReroute(app, now)) throw new DomainError("application.notReroutable", { status: 409 });
      if (app.status === "SUBMITTED") {
        const to = await moveApplication(tx, {
          app,
          command: "withdraw",
          actorId: actor.userId,
          eventKey: `${app.id}:withdraw:reroute:${options.commandKey}`,
          now,
          reasonCode: "REROUTED",
        });
        await tx.notification.create({
          data: { institutionId: app.institutionId, kind: "application.withdraw", payload: { applicationId: app.id, status: to } },
        });
      }
      const ids: string[] = [];
      for (const target of targets) {
        ids.push(
          await openApplication(tx, {
            actor,
            enterpriseId,
            target,
            amountFen: app.requestedAmountFen,
            termMonths: app.requestedTermMonths,
            submitKey: keyOf(target.productId),
            reroutedFromId: app.id,
            now,
            ip: options.ip,
          }),
        );
      }
      await appendAudit(tx, {
        actorUserId: actor.userId,
        actorEnterpriseId: enterpriseId,
        action: "application.reroute",
        entityType: "application",
        entityId: app.id,
        summary: { from: app.status, to: app.status === "SUBMITTED" ? "WITHDRAWN" : app.status, newApplicationIds: ids },
        ip: options.ip,
      });
      return ids;
    });
  } catch (error) {
    // The same re-route submitted twice at once: the other request's applications stand.
    if (!isUniqueViolation(error)) throw error;
    const same = await prisma.application.findMany({ where: { enterpriseId, submitKey: { in: picks.map(keyOf) } }, select: { id: true } });
    if (same.length === picks.length) return { applicationIds: same.map((a) => a.id), replayed: true };
    throw new DomainError("application.alreadyLive", { status: 409 });
  }
  return { applicationIds, replayed: false };
}

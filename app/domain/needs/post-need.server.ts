import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { DomainError } from "~/domain/errors";
import { requestOutboxDrain } from "~/domain/outbox/outbox.server";
import { recordMatchChange } from "~/domain/outbox/match-outbox.server";
import { recordSearchChange } from "~/domain/outbox/search-outbox.server";
import type { NeedFormInput } from "~/schemas/needs";
import { assertNeedTerms, needAuditSummary } from "./need-terms.server";

/**
 * An SME posts a financing need for its own enterprise. It starts OPEN and
 * becomes searchable by banks once the search outbox is drained.
 */
export async function postNeed(options: { actor: Actor; input: NeedFormInput; ip: string | null }) {
  const { actor, input } = options;
  assertCan(actor, "manage:need:own");
  const enterpriseId = actor.enterprise?.id;
  if (!enterpriseId) throw new DomainError("forbidden", { status: 403 });
  assertNeedTerms(input, platformToday());

  const posted = await prisma.$transaction(async (tx) => {
    const created = await tx.financingNeed.create({
      data: {
        enterpriseId,
        amountFen: input.amount,
        termMonths: input.termMonths,
        purpose: input.purpose,
        maxRateBps: input.maxRate,
        guaranteeTypes: input.guaranteeTypes,
        urgency: input.urgency,
        expiresOn: input.expiresOn,
        createdById: actor.userId,
      },
      select: { id: true, version: true },
    });
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorEnterpriseId: enterpriseId,
      action: "need.posted",
      entityType: "need",
      entityId: created.id,
      summary: needAuditSummary(input),
      ip: options.ip,
    });
    await recordSearchChange(tx, "needs", [created.id]);
    await recordMatchChange(tx, "need", [created.id]);
    return created;
  });
  await requestOutboxDrain();
  return posted;
}

import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { DomainError } from "~/domain/errors";
import { requestOutboxDrain } from "~/domain/outbox/outbox.server";
import { recordMatchChange } from "~/domain/outbox/match-outbox.server";
import { recordSearchChange } from "~/domain/outbox/search-outbox.server";
import type { NeedFormInput } from "~/schemas/needs";
import { EDITABLE_NEED_STATUSES, isNeedId, isPastDue } from "./need-rules";
import { assertNeedTerms, needAuditSummary } from "./need-terms.server";

/**
 * The SME edits its own need while it is still OPEN. The edit names the
 * version it was made from; if the need changed since (another edit, a bank
 * taking it up), the edit is refused rather than silently overwriting what
 * someone else saw.
 */
export async function updateNeed(options: { actor: Actor; needId: string; input: NeedFormInput; ip: string | null }) {
  const { actor, input } = options;
  assertCan(actor, "manage:need:own");
  const enterpriseId = actor.enterprise?.id;
  if (!enterpriseId) throw new DomainError("forbidden", { status: 403 });
  if (!isNeedId(options.needId)) throw new DomainError("notFound", { status: 404 });
  if (input.version === undefined) throw new DomainError("need.stale");
  const today = platformToday();
  assertNeedTerms(input, today);

  const saved = await prisma.$transaction(async (tx) => {
    const found = await tx.financingNeed.findFirst({
      where: { id: options.needId, enterpriseId },
      select: { id: true, status: true, version: true, amountFen: true, termMonths: true, purpose: true, maxRateBps: true, guaranteeTypes: true, urgency: true, expiresOn: true },
    });
    if (!found) throw new DomainError("notFound", { status: 404 });
    if (!EDITABLE_NEED_STATUSES.includes(found.status)) throw new DomainError("need.notOpen", { status: 409 });
    if (found.version !== input.version) throw new DomainError("need.stale", { status: 409 });
    // Past due but not yet marked by the hourly job: it has expired, and an edit must not revive it.
    if (isPastDue(found.expiresOn, today)) throw new DomainError("need.expired", { status: 409 });
    // The version and status in the WHERE make a concurrent change lose the race visibly, not silently.
    const updated = await tx.financingNeed.updateMany({
      where: { id: found.id, version: input.version, status: "OPEN" },
      data: {
        amountFen: input.amount,
        termMonths: input.termMonths,
        purpose: input.purpose,
        maxRateBps: input.maxRate,
        guaranteeTypes: input.guaranteeTypes,
        urgency: input.urgency,
        expiresOn: input.expiresOn,
        version: { increment: 1 },
      },
    });
    if (updated.count !== 1) throw new DomainError("need.stale", { status: 409 });
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorEnterpriseId: enterpriseId,
      action: "need.updated",
      entityType: "need",
      entityId: found.id,
      summary: {
        before: needAuditSummary({
          amount: found.amountFen,
          termMonths: found.termMonths,
          purpose: found.purpose,
          maxRate: found.maxRateBps,
          guaranteeTypes: found.guaranteeTypes,
          urgency: found.urgency,
          expiresOn: found.expiresOn,
        }),
        after: needAuditSummary(input),
      },
      ip: options.ip,
    });
    await recordSearchChange(tx, "needs", [found.id]);
    await recordMatchChange(tx, "need", [found.id]);
    return { id: found.id, version: found.version + 1 };
  });
  await requestOutboxDrain();
  return saved;
}

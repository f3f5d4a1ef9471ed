import { env } from "~/config/env.server";
import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { DomainError } from "~/domain/errors";
import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from "~/schemas/credit";
import { platformToday } from "../build-snapshot";

export type Attachment = { name: string; type: string; bytes: Uint8Array };

export type RaiseObjectionInput = {
  actor: Actor;
  signalId: string;
  reason: string;
  attachment: Attachment | null;
  ip: string | null;
} & ({ kind: "OBJECTION" } | { kind: "REPAIR"; commitment: string });

const DAY_MS = 86_400_000;

/**
 * An enterprise disputes one of its own facts (异议), or asks for credit repair
 * (信用修复) of an administrative penalty it has rectified, with a credit
 * commitment. The finance office must answer by the due date shown to both.
 * One open request per fact at a time.
 */
export async function raiseObjection(input: RaiseObjectionInput) {
  const { actor } = input;
  assertCan(actor, "raise:objection:own");
  const enterpriseId = actor.enterprise?.id;
  if (!enterpriseId) throw new DomainError("forbidden", { status: 403 });
  if (input.attachment) {
    if (input.attachment.bytes.length > MAX_ATTACHMENT_BYTES) throw new DomainError("objection.attachmentTooLarge", { params: { maxMb: 5 } });
    if (!(ATTACHMENT_TYPES as readonly string[]).includes(input.attachment.type)) throw new DomainError("objection.attachmentType");
  }

  const dueOn = new Date(Date.parse(`${platformToday()}T00:00:00Z`) + env.OBJECTION_RESPONSE_DAYS * DAY_MS);
  return prisma.$transaction(async (tx) => {
    // Scoped to the caller's enterprise: another enterprise's fact is simply not found.
    const signal = await tx.creditSignal.findFirst({
      where: { id: input.signalId, enterpriseId },
      select: { id: true, kind: true, repaired: true, voidedAt: true, objections: { where: { status: "OPEN" }, select: { id: true } } },
    });
    if (!signal) throw new DomainError("notFound", { status: 404 });
    if (signal.voidedAt) throw new DomainError("objection.signalWithdrawn");
    if (signal.objections.length > 0) throw new DomainError("objection.alreadyOpen");
    if (input.kind === "REPAIR" && (signal.kind !== "ADMIN_PENALTY" || signal.repaired)) throw new DomainError("objection.notRepairable");

    const created = await tx.creditObjection.create({
      data: {
        kind: input.kind,
        enterpriseId,
        signalId: signal.id,
        reason: input.reason,
        commitment: input.kind === "REPAIR" ? input.commitment : null,
        attachmentName: input.attachment?.name.slice(0, 200) ?? null,
        attachmentType: input.attachment?.type ?? null,
        attachment: input.attachment ? Buffer.from(input.attachment.bytes) : null,
        dueOn,
        raisedById: actor.userId,
      },
      select: { id: true, dueOn: true },
    });
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorEnterpriseId: enterpriseId,
      action: input.kind === "REPAIR" ? "credit-repair.requested" : "objection.raised",
      entityType: "credit-objection",
      entityId: created.id,
      summary: { signalId: signal.id, kind: signal.kind, attachment: input.attachment ? input.attachment.name : null },
      ip: input.ip,
    });
    return created;
  });
}

import { requestOutboxDrain } from "~/domain/outbox/outbox.server";
import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { DomainError } from "~/domain/errors";
import { endOwnNeed } from "./end-need.server";

/**
 * The SME closes a need it no longer pursues (OPEN or IN_PROGRESS → CLOSED),
 * with an optional reason. Banks stop finding it.
 */
export async function closeNeed(options: { actor: Actor; needId: string; version: number; reason?: string; ip: string | null }) {
  const { actor } = options;
  assertCan(actor, "manage:need:own");
  const enterpriseId = actor.enterprise?.id;
  if (!enterpriseId) throw new DomainError("forbidden", { status: 403 });
  const reason = options.reason?.trim() || null;
  const result = await prisma.$transaction((tx) =>
    endOwnNeed(tx, { actor, enterpriseId, needId: options.needId, version: options.version, to: "CLOSED", reason, ip: options.ip }),
  );
  await requestOutboxDrain();
  return result;
}

import { requestOutboxDrain } from "~/domain/outbox/outbox.server";
import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { DomainError } from "~/domain/errors";
import { endOwnNeed } from "./end-need.server";

/**
 * The SME confirms it got the financing (OPEN or IN_PROGRESS → FULFILLED),
 * through the platform or not: the need leaves the banks' search either way.
 */
export async function fulfilNeed(options: { actor: Actor; needId: string; version: number; ip: string | null }) {
  const { actor } = options;
  assertCan(actor, "manage:need:own");
  const enterpriseId = actor.enterprise?.id;
  if (!enterpriseId) throw new DomainError("forbidden", { status: 403 });
  const result = await prisma.$transaction((tx) =>
    endOwnNeed(tx, { actor, enterpriseId, needId: options.needId, version: options.version, to: "FULFILLED", reason: null, ip: options.ip }),
  );
  await requestOutboxDrain();
  return result;
}

import type { Tx } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { assertRecordId, DomainError } from "~/domain/errors";
import type { Prisma } from "~/generated/prisma/client";
import { nextStatus, type ApplicationCommand, type ApplicationSide, type ApplicationStatus } from "./lifecycle";

/**
 * Who sees which applications: an SME its own enterprise's, a bank its own
 * institution's, the finance office and regulators every one (read only).
 * Anyone else sees none. Used by every list, page and command, so tenancy is
 * decided in one place.
 */
export function applicationScope(actor: Actor): Prisma.ApplicationWhereInput | null {
  if (actor.enterprise && actor.permissions.has("manage:application:own")) return { enterpriseId: actor.enterprise.id };
  if (actor.institution?.kind === "BANK" && actor.permissions.has("decide:application:institution")) return { institutionId: actor.institution.id };
  if (actor.permissions.has("read:monitoring:any")) return {};
  return null;
}

/** The side an actor acts on in an application's commands, or null for read-only viewers. */
export function actorSide(actor: Actor): Exclude<ApplicationSide, "system"> | null {
  if (actor.enterprise && actor.permissions.has("manage:application:own")) return "sme";
  if (actor.institution?.kind === "BANK" && actor.permissions.has("decide:application:institution")) return "bank";
  return null;
}

export type LockedApplication = {
  id: string;
  enterpriseId: string;
  institutionId: string;
  productId: string;
  needId: string | null;
  status: ApplicationStatus;
  version: number;
  requestedAmountFen: bigint;
  requestedTermMonths: number;
  respondBy: Date;
  respondedAt: Date | null;
  offerExpiresAt: Date | null;
  approvedAmountFen: bigint | null;
  approvedRateBps: number | null;
  approvedTermMonths: number | null;
  approvedRepaymentMethod: string | null;
  approvedAt: Date | null;
};

/**
 * Takes the application's row lock for the caller's transaction, after
 * checking the actor may act on it as `side`. Another tenant's application is
 * "not found", never "forbidden": its existence is not theirs to learn.
 */
export async function lockApplication(tx: Tx, actor: Actor, applicationId: string, side: ApplicationSide): Promise<LockedApplication> {
  assertRecordId(applicationId);
  const [row] = await tx.$queryRaw<LockedApplication[]>`
    SELECT id::text, "enterpriseId"::text, "institutionId"::text, "productId"::text, "needId"::text, status::text AS status, version,
           "requestedAmountFen", "requestedTermMonths", "respondBy", "respondedAt", "offerExpiresAt",
           "approvedAmountFen", "approvedRateBps", "approvedTermMonths", "approvedRepaymentMethod"::text, "approvedAt"
      FROM applications WHERE id = ${applicationId}::uuid FOR UPDATE`;
  if (!row) throw new DomainError("notFound", { status: 404 });
  if (side === "sme" && row.enterpriseId !== actor.enterprise?.id) throw new DomainError("notFound", { status: 404 });
  if (side === "bank" && row.institutionId !== actor.institution?.id) throw new DomainError("notFound", { status: 404 });
  return row;
}

/**
 * An application that ends without a loan (declined, withdrawn, lapsed) ends
 * the bank's access to the enterprise's data it carried: the authorisation
 * was for this application alone. A disbursed loan keeps it, for monitoring.
 */
export async function endApplicationAuthorisation(tx: Tx, applicationId: string, actorId: string | null, now: Date): Promise<void> {
  await tx.$executeRaw`
    UPDATE authorisations SET "revokedAt" = ${now}, "revokedById" = ${actorId}::uuid
     WHERE id = (SELECT "authorisationId" FROM applications WHERE id = ${applicationId}::uuid) AND "revokedAt" IS NULL`;
}

/** Final statuses without a loan: the application's authorisation ends with it. */
const ENDS_WITHOUT_LOAN: readonly ApplicationStatus[] = ["DECLINED", "WITHDRAWN", "OFFER_LAPSED"];

/**
 * Moves a locked application by one command of the state machine, in the
 * caller's transaction: the status (conditional on the status and version
 * read, else `application.stale`), the event that records who, when and why,
 * and — when it ends without a loan — the end of its authorisation. Every
 * transition goes through here; the caller adds its audit record and notices.
 */
export async function moveApplication(
  tx: Tx,
  options: {
    app: { id: string; status: ApplicationStatus; version: number };
    command: ApplicationCommand;
    actorId: string | null;
    eventKey: string;
    now: Date;
    reasonCode?: string | null;
    note?: string | null;
    data?: Prisma.ApplicationUpdateManyMutationInput;
  },
): Promise<ApplicationStatus> {
  const { app, now } = options;
  const to = nextStatus(app.status, options.command);
  const moved = await tx.application.updateMany({
    where: { id: app.id, status: app.status, version: app.version },
    // acceptedAt stays when a later decline ends it: monitoring counts how many were ever accepted.
    data: { ...options.data, status: to, version: { increment: 1 }, ...(to === "ACCEPTED" ? { acceptedAt: now } : {}) },
  });
  if (moved.count !== 1) throw new DomainError("application.stale", { status: 409 });
  await tx.applicationEvent.create({
    data: {
      applicationId: app.id,
      fromStatus: app.status,
      toStatus: to,
      actorId: options.actorId,
      reasonCode: options.reasonCode ?? null,
      note: options.note || null,
      idempotencyKey: options.eventKey,
      at: now,
    },
  });
  if (ENDS_WITHOUT_LOAN.includes(to)) await endApplicationAuthorisation(tx, app.id, options.actorId, now);
  return to;
}

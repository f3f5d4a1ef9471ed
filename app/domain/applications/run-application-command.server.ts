import { env } from "~/config/env.server";
import { isUniqueViolation, prisma, type Tx } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { DomainError } from "~/domain/errors";
import type { Prisma } from "~/generated/prisma/client";
import type { RepaymentMethod } from "~/domain/loans/schedule";
import { lockApplication, moveApplication, type LockedApplication } from "./application-access.server";
import { APPLICATION_COMMANDS, approvalProblems, nextStatus, type ApplicationCommand, type ApplicationStatus, type DeclineReason } from "./lifecycle";
import { PRODUCT_TERMS_SELECT } from "~/domain/products/product-data";

const DAY_MS = 86_400_000;

export type ApplicationCommandInput =
  | { command: "accept"; note?: string }
  | { command: "decline"; reasonCode: DeclineReason; note?: string }
  | { command: "approve"; amountFen: bigint; rateBps: number; termMonths: number; repaymentMethod: RepaymentMethod; note?: string }
  | { command: "acceptOffer" }
  | { command: "withdraw"; note?: string };

export type CommandResult = { applicationId: string; status: ApplicationStatus; replayed: boolean };

/** An event's idempotency key: per application and command, so one client's key can never replay another's command. */
export function commandEventKey(applicationId: string, command: ApplicationCommand, key: string): string {
  return `${applicationId}:${command}:${key}`;
}

/**
 * Runs a bank's or an SME's command on an application: accept, decline (with
 * a reason code), approve with terms, accept the offer, withdraw. In one
 * transaction under the application's row lock: the transition is checked
 * against the state machine, the row changes, and an event (who, when, why),
 * an audit record and the other side's notification are written.
 *
 * Safe to retry: `commandKey` identifies the command, and the same key again
 * returns the first outcome without changing anything. Two different commands
 * racing are serialised by the lock; the second meets the new status and is
 * refused as an illegal transition.
 */
export async function runApplicationCommand(options: {
  actor: Actor;
  applicationId: string;
  input: ApplicationCommandInput;
  commandKey: string;
  ip: string | null;
  now?: Date;
}): Promise<CommandResult> {
  const { actor, input } = options;
  const rule = APPLICATION_COMMANDS[input.command];
  if (rule.by === "bank") assertCan(actor, "decide:application:institution");
  else assertCan(actor, "manage:application:own");
  const eventKey = commandEventKey(options.applicationId, input.command, options.commandKey);
  const now = options.now ?? new Date();

  try {
    return await prisma.$transaction(async (tx) => {
      const app = await lockApplication(tx, actor, options.applicationId, rule.by);
      const replay = await tx.applicationEvent.findUnique({ where: { idempotencyKey: eventKey }, select: { toStatus: true } });
      if (replay) return { applicationId: app.id, status: replay.toStatus, replayed: true };
      // Refused before anything else is judged: an illegal step is illegal whatever its terms.
      nextStatus(app.status, input.command);
      const changes = await changesFor(tx, app, input, now);
      const to = await moveApplication(tx, {
        app,
        command: input.command,
        actorId: actor.userId,
        eventKey,
        now,
        reasonCode: input.command === "decline" ? input.reasonCode : null,
        note: "note" in input ? input.note : null,
        data: changes.data,
      });
      await appendAudit(tx, {
        actorUserId: actor.userId,
        actorInstitutionId: rule.by === "bank" ? app.institutionId : undefined,
        actorEnterpriseId: rule.by === "sme" ? app.enterpriseId : undefined,
        action: `application.${input.command}`,
        entityType: "application",
        entityId: app.id,
        summary: { from: app.status, to, ...changes.summary },
        ip: options.ip,
      });
      // The other side hears of it.
      await tx.notification.create({
        data:
          rule.by === "bank"
            ? { enterpriseId: app.enterpriseId, kind: `application.${input.command}`, payload: { applicationId: app.id, status: to } }
            : { institutionId: app.institutionId, kind: `application.${input.command}`, payload: { applicationId: app.id, status: to } },
      });
      return { applicationId: app.id, status: to, replayed: false };
    });
  } catch (error) {
    // The same command key raced itself: the first one's outcome stands.
    if (isUniqueViolation(error)) {
      const event = await prisma.applicationEvent.findUnique({ where: { idempotencyKey: eventKey }, select: { toStatus: true } });
      if (event) return { applicationId: options.applicationId, status: event.toStatus, replayed: true };
    }
    throw error;
  }
}

/** The columns a command sets besides the status, and what the audit record says of them. */
async function changesFor(
  tx: Tx,
  app: LockedApplication,
  input: ApplicationCommandInput,
  now: Date,
): Promise<{ data: Prisma.ApplicationUpdateManyMutationInput; summary: Record<string, unknown> }> {
  switch (input.command) {
    case "accept":
      return { data: { respondedAt: app.respondedAt ?? now }, summary: { onTime: app.respondedAt !== null || now <= app.respondBy } };
    case "decline":
      return {
        data: { respondedAt: app.respondedAt ?? now, declineReasonCode: input.reasonCode, declineNote: input.note || null },
        summary: { reasonCode: input.reasonCode },
      };
    case "approve": {
      const product = await tx.product.findUniqueOrThrow({
        where: { id: app.productId },
        select: {
          ...PRODUCT_TERMS_SELECT,
          redListLimitUpliftBps: true,
        },
      });
      const evaluation = await tx.enterprise.findUniqueOrThrow({
        where: { id: app.enterpriseId },
        select: { currentEvaluation: { select: { redListed: true } } },
      });
      const problems = approvalProblems(input, product, evaluation.currentEvaluation?.redListed ?? false);
      if (problems.length > 0) throw new DomainError(problems[0]!.code, { status: 422, params: problems[0]!.params });
      return {
        data: {
          approvedAmountFen: input.amountFen,
          approvedRateBps: input.rateBps,
          approvedTermMonths: input.termMonths,
          approvedRepaymentMethod: input.repaymentMethod,
          approvedAt: now,
          offerExpiresAt: new Date(now.getTime() + env.OFFER_VALID_DAYS * DAY_MS),
        },
        summary: { amountFen: input.amountFen.toString(), rateBps: input.rateBps, termMonths: input.termMonths, repaymentMethod: input.repaymentMethod },
      };
    }
    case "acceptOffer":
      if (!app.offerExpiresAt || app.offerExpiresAt.getTime() < now.getTime()) throw new DomainError("application.offerLapsed", { status: 409 });
      return { data: {}, summary: {} };
    case "withdraw":
      return { data: {}, summary: {} };
  }
}

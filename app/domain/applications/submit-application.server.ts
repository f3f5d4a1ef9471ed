import { isUniqueViolation, prisma, type Tx } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { loadResponseDeadline } from "~/domain/calendar/calendar.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { assertRecordId, DomainError } from "~/domain/errors";
import { isActiveNeed, loadMatchProducts, loadNeedInputs, matchingContext } from "~/domain/matching/match-inputs.server";
import { checkPair } from "~/domain/matching/rules";
import { Prisma } from "~/generated/prisma/client";
import { AUTHORISATION_SCOPES } from "~/schemas/credit";

/** The authorisation an application carries: long enough for review, disbursement and the first months of monitoring. */
export const APPLICATION_AUTHORISATION_DAYS = 180;
const DAY_MS = 86_400_000;

export type SubmitApplicationInput = {
  needId: string;
  productId: string;
  amountFen: bigint;
  termMonths: number;
  /** The form's one-time key: submitting the same form twice finds the first application. */
  submitKey: string;
};

/**
 * The SME applies for a product against one of its open needs. The product
 * must pass every hard rule of matching for the amount and term applied for
 * (the bank would have to decline otherwise, and the SME sees why now). The
 * bank gets, in the same transaction, an authorisation to read the
 * enterprise's credit report for this application, and a response deadline in
 * working days on the platform's calendar.
 */
export async function submitApplication(options: {
  actor: Actor;
  input: SubmitApplicationInput;
  ip: string | null;
  now?: Date;
}): Promise<{ applicationId: string; created: boolean }> {
  const { actor, input } = options;
  assertCan(actor, "manage:application:own");
  const enterpriseId = actor.enterprise?.id;
  if (!enterpriseId) throw new DomainError("forbidden", { status: 403 });
  const now = options.now ?? new Date();
  assertRecordId(input.needId);
  assertRecordId(input.productId);

  const previous = await prisma.application.findUnique({ where: { submitKey: input.submitKey }, select: { id: true, enterpriseId: true } });
  if (previous) {
    if (previous.enterpriseId !== enterpriseId) throw new DomainError("invalid");
    return { applicationId: previous.id, created: false };
  }

  const target = await checkApplicationTarget({
    enterpriseId,
    needId: input.needId,
    productId: input.productId,
    amountFen: input.amountFen,
    termMonths: input.termMonths,
    now,
  });

  try {
    const applicationId = await prisma.$transaction((tx) =>
      openApplication(tx, {
        actor,
        enterpriseId,
        target,
        amountFen: input.amountFen,
        termMonths: input.termMonths,
        submitKey: input.submitKey,
        reroutedFromId: null,
        now,
        ip: options.ip,
      }),
    );
    return { applicationId, created: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // The same form submitted twice at once: the other request's application stands.
    const same = await prisma.application.findUnique({ where: { submitKey: input.submitKey }, select: { id: true } });
    if (same) return { applicationId: same.id, created: false };
    // Otherwise the partial unique index: a live application for this product already exists.
    throw new DomainError("application.alreadyLive", { status: 409 });
  }
}

export type ApplicationTarget = { needId: string; productId: string; institutionId: string; respondBy: Date };

/**
 * Whether the enterprise may apply for the product against the need with this
 * amount and term — the need is its own and active, and the product passes
 * every hard rule of matching — and the bank's response deadline if it does.
 */
export async function checkApplicationTarget(options: {
  enterpriseId: string;
  needId: string;
  productId: string;
  amountFen: bigint;
  termMonths: number;
  now: Date;
}): Promise<ApplicationTarget> {
  const { enterpriseId, now } = options;
  const asOf = platformToday(now);
  const [needInput] = await loadNeedInputs(prisma, Prisma.sql`n.id = ${options.needId}::uuid AND n."enterpriseId" = ${enterpriseId}::uuid`);
  if (!needInput) throw new DomainError("notFound", { status: 404 });
  if (!isActiveNeed(needInput, asOf)) throw new DomainError("application.needNotActive", { status: 409 });
  const [product] = await loadMatchProducts(prisma, [options.productId]);
  if (!product) throw new DomainError("notFound", { status: 404 });
  // The rules judge what is applied for: the need's other terms, this amount and term.
  const failures = checkPair(
    { ...needInput.need, amountFen: Number(options.amountFen), termMonths: options.termMonths },
    needInput.enterprise,
    product,
    matchingContext(asOf),
  );
  if (failures.length > 0) {
    throw new DomainError("application.notEligible", { status: 409, params: { rules: failures.map((f) => f.rule).join(",") } });
  }
  const row = await prisma.product.findUniqueOrThrow({ where: { id: product.id }, select: { responseDeadlineWorkingDays: true, institutionId: true } });
  const respondBy = await loadResponseDeadline(prisma, now, row.responseDeadlineWorkingDays);
  return { needId: needInput.need.id, productId: product.id, institutionId: row.institutionId, respondBy };
}

/**
 * In the caller's transaction: the bank's authorisation to read the
 * enterprise's credit data for this application, the application, its first
 * event, the audit record and the bank's notification.
 */
export async function openApplication(
  tx: Tx,
  options: {
    actor: Actor;
    enterpriseId: string;
    target: ApplicationTarget;
    amountFen: bigint;
    termMonths: number;
    submitKey: string | null;
    reroutedFromId: string | null;
    now: Date;
    ip: string | null;
  },
): Promise<string> {
  const { actor, enterpriseId, target, now } = options;
  const authorisation = await tx.authorisation.create({
    data: {
      enterpriseId,
      institutionId: target.institutionId,
      scopes: [...AUTHORISATION_SCOPES].sort(),
      purpose: "LOAN_APPLICATION",
      note: null,
      grantedById: actor.userId,
      grantedAt: now,
      expiresAt: new Date(now.getTime() + APPLICATION_AUTHORISATION_DAYS * DAY_MS),
    },
    select: { id: true },
  });
  const application = await tx.application.create({
    data: {
      enterpriseId,
      productId: target.productId,
      institutionId: target.institutionId,
      needId: target.needId,
      authorisationId: authorisation.id,
      reroutedFromId: options.reroutedFromId,
      requestedAmountFen: options.amountFen,
      requestedTermMonths: options.termMonths,
      submitKey: options.submitKey,
      submittedAt: now,
      respondBy: target.respondBy,
    },
    select: { id: true },
  });
  await tx.applicationEvent.create({
    data: {
      applicationId: application.id,
      fromStatus: null,
      toStatus: "SUBMITTED",
      actorId: actor.userId,
      idempotencyKey: `${application.id}:submit`,
      at: now,
    },
  });
  await appendAudit(tx, {
    actorUserId: actor.userId,
    actorEnterpriseId: enterpriseId,
    action: options.reroutedFromId ? "application.rerouted" : "application.submitted",
    entityType: "application",
    entityId: application.id,
    summary: {
      productId: target.productId,
      needId: target.needId,
      amountFen: options.amountFen.toString(),
      termMonths: options.termMonths,
      respondBy: target.respondBy.toISOString(),
      authorisationId: authorisation.id,
      reroutedFromId: options.reroutedFromId,
    },
    ip: options.ip,
  });
  await tx.notification.create({
    data: { institutionId: target.institutionId, kind: "application.submitted", payload: { applicationId: application.id, enterpriseId } },
  });
  return application.id;
}

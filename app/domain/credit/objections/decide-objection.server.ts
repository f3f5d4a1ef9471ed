import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { DomainError } from "~/domain/errors";
import type { Prisma } from "~/generated/prisma/client";
import type { DecideObjectionInput } from "~/schemas/credit";
import { platformToday } from "../build-snapshot";
import { evaluateEnterprises } from "../evaluate-enterprises.server";
import { validateRow } from "../import/read-rows.server";
import { SIGNAL_DEFINITIONS, isSignalKind, signalToCells, type SignalFields } from "../signal-kinds";

/** The source recorded on commitments made through a credit-repair request. */
export const REPAIR_COMMITMENT_SOURCE = "信易贷平台信用修复";

/**
 * The finance office answers an objection or repair request:
 * - DISMISS: nothing changes but the request's state and the stated reason;
 * - WITHDRAW: the fact stops counting (kept, marked withdrawn, for the record);
 * - CORRECT: the fact's values are replaced, validated by its kind's import rules,
 *   and later imports no longer overwrite them;
 * - REPAIR (repair requests only): the penalty is marked repaired and the
 *   enterprise's commitment is recorded as a credit-commitment fact.
 * Any change re-evaluates the enterprise in the same transaction, so the new
 * grade is in force the moment the decision is.
 */
export async function decideObjection(options: { actor: Actor; objectionId: string; input: DecideObjectionInput; ip: string | null }) {
  const { actor, input } = options;
  assertCan(actor, "handle:objection:any");
  return prisma.$transaction(
    async (tx) => {
      // Row lock first, then read: two officers deciding at once cannot both see it open.
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM credit_objections WHERE id = ${options.objectionId}::uuid FOR UPDATE`;
      if (locked.length === 0) throw new DomainError("notFound", { status: 404 });
      const objection = await tx.creditObjection.findUniqueOrThrow({
        where: { id: options.objectionId },
        select: {
          id: true,
          kind: true,
          status: true,
          enterpriseId: true,
          commitment: true,
          enterprise: { select: { uscc: true } },
          signal: true,
        },
      });
      if (objection.status !== "OPEN") throw new DomainError("objection.alreadyDecided");
      if (input.decision === "REPAIR" && objection.kind !== "REPAIR") throw new DomainError("objection.notRepairable");
      if ((input.decision === "WITHDRAW" || input.decision === "CORRECT") && objection.kind !== "OBJECTION") {
        throw new DomainError("objection.wrongRemedy");
      }

      const signal = objection.signal;
      const now = new Date();
      let remedy: "CORRECTED" | "WITHDRAWN" | "REPAIRED" | null = null;
      let correction: Prisma.InputJsonValue | undefined;

      if (input.decision === "WITHDRAW") {
        remedy = "WITHDRAWN";
        await tx.creditSignal.update({ where: { id: signal.id }, data: { voidedAt: now, voidReason: `objection:${objection.id}` } });
      } else if (input.decision === "CORRECT") {
        if (!isSignalKind(signal.kind)) throw new Error(`unknown signal kind ${signal.kind}`);
        const definition = SIGNAL_DEFINITIONS[signal.kind];
        const before = signalToCells(signal.kind, signal, objection.enterprise.uscc);
        const editable = new Set(definition.columns.filter((c) => c.correctable).map((c) => c.key));
        const after = { ...before };
        for (const [key, value] of Object.entries(input.cells)) if (editable.has(key)) after[key] = value;
        const checked = validateRow(definition, { line: 1, cells: after });
        if (!checked.ok) {
          const first = checked.errors[0]!;
          throw new DomainError("objection.invalidCorrection", { params: { column: first.column ?? "", reason: first.code } });
        }
        const f: SignalFields = checked.fields;
        remedy = "CORRECTED";
        correction = { before, after } as Prisma.InputJsonValue;
        await tx.creditSignal.update({
          where: { id: signal.id },
          data: {
            asOf: f.asOf,
            period: f.period,
            grade: f.grade,
            amountFen: f.amountFen,
            count: f.count,
            ratioBps: f.ratioBps,
            severity: f.severity,
            startsOn: f.startsOn,
            endsOn: f.endsOn,
            kept: f.kept,
            repaired: f.repaired,
            details: f.details,
            correctedAt: now,
          },
        });
      } else if (input.decision === "REPAIR") {
        remedy = "REPAIRED";
        await tx.creditSignal.update({ where: { id: signal.id }, data: { repaired: true } });
        const today = new Date(`${platformToday()}T00:00:00Z`);
        await tx.creditSignal.upsert({
          where: { enterpriseId_kind_naturalKey: { enterpriseId: objection.enterpriseId, kind: "CREDIT_COMMITMENT", naturalKey: `repair-${objection.id}` } },
          create: {
            enterpriseId: objection.enterpriseId,
            kind: "CREDIT_COMMITMENT",
            naturalKey: `repair-${objection.id}`,
            source: REPAIR_COMMITMENT_SOURCE,
            asOf: today,
            startsOn: today,
            grade: "PENDING",
            kept: null,
            details: { matter: (objection.commitment ?? "").slice(0, 200) },
          },
          update: {},
        });
      }

      await tx.creditObjection.update({
        where: { id: objection.id },
        data: {
          status: remedy ? "UPHELD" : "DISMISSED",
          remedy,
          correction,
          resolution: input.resolution,
          handledById: actor.userId,
          handledAt: now,
        },
      });
      await appendAudit(tx, {
        actorUserId: actor.userId,
        actorInstitutionId: actor.institution?.id ?? null,
        action: remedy ? "objection.upheld" : "objection.dismissed",
        entityType: "credit-objection",
        entityId: objection.id,
        summary: { signalId: signal.id, remedy, correction: correction ?? null },
        ip: options.ip,
      });
      await tx.notification.create({
        data: { enterpriseId: objection.enterpriseId, kind: "objection.decided", payload: { objectionId: objection.id, remedy } },
      });
      const evaluation = remedy
        ? await evaluateEnterprises(prisma, { enterpriseIds: [objection.enterpriseId], trigger: `${objection.kind === "REPAIR" ? "repair" : "objection"}:${objection.id}`, tx })
        : null;
      return { remedy, evaluation };
    },
    { timeout: 30_000 },
  );
}

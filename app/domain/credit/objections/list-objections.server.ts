import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { recordDataAccess } from "~/domain/consent/record-data-access.server";
import { DomainError } from "~/domain/errors";
import type { Prisma } from "~/generated/prisma/client";

const SELECT = {
  id: true,
  kind: true,
  status: true,
  remedy: true,
  reason: true,
  commitment: true,
  resolution: true,
  attachmentName: true,
  dueOn: true,
  createdAt: true,
  handledAt: true,
  enterprise: { select: { id: true, name: true, uscc: true } },
  signal: { select: { id: true, kind: true, naturalKey: true, source: true } },
} satisfies Prisma.CreditObjectionSelect;

/**
 * Objections and repair requests: the enterprise sees its own, the finance
 * office sees all (open first, the nearest due date first).
 */
export async function listObjections(options: { actor: Actor; scope: "own" | "any"; status?: "OPEN" | "DECIDED"; page: number; pageSize: number }) {
  const { actor } = options;
  const where: Prisma.CreditObjectionWhereInput = {};
  if (options.scope === "own") {
    assertCan(actor, "raise:objection:own");
    if (!actor.enterprise) throw new DomainError("forbidden", { status: 403 });
    where.enterpriseId = actor.enterprise.id;
  } else {
    assertCan(actor, "handle:objection:any");
  }
  if (options.status === "OPEN") where.status = "OPEN";
  if (options.status === "DECIDED") where.status = { not: "OPEN" };
  const [total, rows] = await Promise.all([
    prisma.creditObjection.count({ where }),
    prisma.creditObjection.findMany({
      where,
      orderBy: [{ status: "asc" }, { dueOn: "asc" }, { createdAt: "asc" }],
      skip: (options.page - 1) * options.pageSize,
      take: options.pageSize,
      select: SELECT,
    }),
  ]);
  return { total, rows };
}

/**
 * One objection with the fact it disputes, for the office deciding it.
 * Reviewing the record is a view of the enterprise's data, so it is logged
 * where the enterprise can see it.
 */
export async function getObjection(options: { actor: Actor; objectionId: string; ip: string | null }) {
  assertCan(options.actor, "handle:objection:any");
  const objection = await prisma.creditObjection.findUnique({
    where: { id: options.objectionId },
    select: { ...SELECT, correction: true, signal: true, attachmentType: true },
  });
  if (!objection) throw new DomainError("notFound", { status: 404 });
  await recordDataAccess({
    actor: options.actor,
    enterpriseId: objection.enterprise.id,
    resource: "objection-review",
    purpose: "objection-review",
    ip: options.ip,
  });
  return objection;
}

/** The evidence file, for the enterprise that sent it or the office deciding it. */
export async function getObjectionAttachment(options: { actor: Actor; objectionId: string }) {
  const { actor } = options;
  const where: Prisma.CreditObjectionWhereInput = { id: options.objectionId };
  if (!actor.permissions.has("handle:objection:any")) {
    assertCan(actor, "raise:objection:own");
    where.enterpriseId = actor.enterprise?.id ?? "00000000-0000-0000-0000-000000000000";
  }
  const found = await prisma.creditObjection.findFirst({ where, select: { attachment: true, attachmentName: true, attachmentType: true } });
  if (!found?.attachment) throw new DomainError("notFound", { status: 404 });
  return { bytes: found.attachment, name: found.attachmentName ?? "attachment", type: found.attachmentType ?? "application/octet-stream" };
}

import { isUniqueViolation, prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { DomainError } from "~/domain/errors";
import type { InstitutionKind, Prisma } from "~/generated/prisma/client";
import type { CreateInstitutionInput, ListQuery } from "~/schemas/admin";

export async function listInstitutions(options: { actor: Actor; query: ListQuery; kind?: InstitutionKind }) {
  const { actor, query, kind } = options;
  assertCan(actor, "read:institution:any");
  const where: Prisma.InstitutionWhereInput = {
    ...(kind ? { kind } : {}),
    ...(query.q
      ? {
          OR: [
            { nameZh: { contains: query.q } },
            { nameEn: { contains: query.q, mode: "insensitive" } },
            { code: { contains: query.q.toUpperCase() } },
          ],
        }
      : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.institution.count({ where }),
    prisma.institution.findMany({
      where,
      orderBy: [{ kind: "asc" }, { code: "asc" }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
      select: {
        id: true,
        code: true,
        kind: true,
        nameZh: true,
        nameEn: true,
        regionCode: true,
        status: true,
        createdAt: true,
        _count: { select: { memberships: true } },
      },
    }),
  ]);
  return { total, rows };
}

/** One institution, if the actor may see it; otherwise "not found" so existence is not revealed. */
export async function getInstitution(options: { actor: Actor; institutionId: string }) {
  const { actor, institutionId } = options;
  assertCan(actor, "read:institution:any", "read:institution:institution");
  if (!actor.permissions.has("read:institution:any") && actor.institution?.id !== institutionId) {
    throw new DomainError("notFound", { status: 404 });
  }
  const institution = await prisma.institution.findUnique({
    where: { id: institutionId },
    select: { id: true, code: true, kind: true, nameZh: true, nameEn: true, regionCode: true, status: true, createdAt: true },
  });
  if (!institution) throw new DomainError("notFound", { status: 404 });
  return institution;
}

/** Institutions the actor may assign new users to (for the create-user form). */
export async function listAssignableInstitutions(actor: Actor) {
  assertCan(actor, "create:user:any", "create:user:institution");
  if (!actor.permissions.has("create:user:any")) {
    return actor.institution ? [{ id: actor.institution.id, kind: actor.institution.kind, nameZh: actor.institution.nameZh, nameEn: actor.institution.nameEn }] : [];
  }
  return prisma.institution.findMany({
    where: actor.permissions.has("manage:role:any") ? {} : { kind: { not: "PLATFORM" } },
    orderBy: [{ kind: "asc" }, { code: "asc" }],
    take: 500,
    select: { id: true, kind: true, nameZh: true, nameEn: true },
  });
}

export async function createInstitution(options: { actor: Actor; input: CreateInstitutionInput; ip: string | null }) {
  const { actor, input, ip } = options;
  assertCan(actor, "create:institution:any");
  try {
    return await prisma.$transaction(async (tx) => {
      const institution = await tx.institution.create({ data: input, select: { id: true, code: true, nameZh: true, nameEn: true } });
      await appendAudit(tx, {
        actorUserId: actor.userId,
        actorInstitutionId: actor.institution?.id ?? null,
        action: "institution.create",
        entityType: "institution",
        entityId: institution.id,
        summary: { code: input.code, kind: input.kind, nameZh: input.nameZh },
        ip,
      });
      return institution;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError("institution.codeTaken", { status: 409 });
    throw error;
  }
}

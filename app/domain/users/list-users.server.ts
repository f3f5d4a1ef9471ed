import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { DomainError } from "~/domain/errors";
import type { Prisma } from "~/generated/prisma/client";
import type { ListQuery } from "~/schemas/admin";

/**
 * Users visible to the actor: every user for the finance office and platform
 * admins, the actor's own institution's users for bank staff.
 */
export async function listUsers(options: { actor: Actor; query: ListQuery; institutionId?: string }) {
  const { actor, query } = options;
  assertCan(actor, "read:user:any", "read:user:institution");
  let institutionId = options.institutionId;
  if (!actor.permissions.has("read:user:any")) {
    if (institutionId && institutionId !== actor.institution?.id) throw new DomainError("notFound", { status: 404 });
    institutionId = actor.institution?.id;
    if (!institutionId) throw new DomainError("forbidden", { status: 403 });
  }
  const where: Prisma.UserWhereInput = {
    ...(institutionId ? { memberships: { some: { institutionId } } } : { memberships: { some: { institutionId: { not: null } } } }),
    ...(query.q
      ? { OR: [{ username: { contains: query.q, mode: "insensitive" } }, { displayName: { contains: query.q } }] }
      : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.user.count({ where }),
    prisma.user.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
      select: {
        id: true,
        username: true,
        displayName: true,
        phone: true,
        status: true,
        lastSignInAt: true,
        createdAt: true,
        memberships: {
          take: 1,
          select: { roleKey: true, institution: { select: { id: true, nameZh: true, nameEn: true } } },
        },
      },
    }),
  ]);
  return { total, rows };
}

/** Display names by user id, for lists that show who did something (one query, however many rows). */
export async function userDisplayNames(ids: readonly string[]): Promise<Map<string, string>> {
  const users = await prisma.user.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, displayName: true } });
  return new Map(users.map((u) => [u.id, u.displayName]));
}

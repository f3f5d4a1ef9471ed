import { prisma } from "~/db.server";
import { DomainError } from "~/domain/errors";
import { isPermission, type Permission, type RoleKey } from "./permissions";

export type Actor = {
  userId: string;
  sessionId: string;
  username: string;
  displayName: string;
  locale: string;
  roleKey: RoleKey;
  /** The bank, finance office, regulator or platform the user acts for. */
  institution: { id: string; kind: string; nameZh: string; nameEn: string } | null;
  /** The enterprise an SME user acts for. */
  enterprise: { id: string; name: string; uscc: string } | null;
  permissions: ReadonlySet<Permission>;
};

/**
 * Loads the user's membership and its role's permissions from the database on
 * every request: a role edited or a user disabled takes effect at once.
 */
export async function loadActor(userId: string, sessionId: string): Promise<Actor | null> {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      username: true,
      displayName: true,
      locale: true,
      status: true,
      memberships: {
        orderBy: { createdAt: "asc" },
        take: 1,
        select: {
          roleKey: true,
          role: { select: { permissions: true } },
          institution: { select: { id: true, kind: true, nameZh: true, nameEn: true, status: true } },
          enterprise: { select: { id: true, name: true, uscc: true } },
        },
      },
    },
  });
  const membership = user?.memberships[0];
  if (!user || user.status !== "ACTIVE" || !membership) return null;
  const { institution } = membership;
  return {
    userId: user.id,
    sessionId,
    username: user.username,
    displayName: user.displayName,
    locale: user.locale,
    roleKey: membership.roleKey as RoleKey,
    institution: institution
      ? { id: institution.id, kind: institution.kind, nameZh: institution.nameZh, nameEn: institution.nameEn }
      : null,
    enterprise: membership.enterprise,
    permissions: new Set(membership.role.permissions.filter(isPermission)),
  };
}

export function can(actor: Actor | null, permission: Permission): boolean {
  return actor?.permissions.has(permission) ?? false;
}

/** Throws a 403 domain error unless the actor holds at least one of the permissions. */
export function assertCan(actor: Actor, ...permissions: Permission[]): void {
  if (!permissions.some((p) => actor.permissions.has(p))) {
    throw new DomainError("forbidden", { status: 403 });
  }
}

/** The name of what the actor acts for, in both languages (an enterprise has one name). */
export function actorOrganisation(actor: Actor): { zh: string; en: string } {
  if (actor.enterprise) return { zh: actor.enterprise.name, en: actor.enterprise.name };
  return { zh: actor.institution?.nameZh ?? "", en: actor.institution?.nameEn ?? "" };
}

import { hashPassword } from "~/domain/auth/password.server";
import { isUniqueViolation, prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { ROLE_HOME, type RoleKey } from "~/domain/access/permissions";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { DomainError } from "~/domain/errors";
import type { CreateUserInput } from "~/schemas/admin";

/**
 * Creates a staff user in an institution. The finance office and platform
 * admins create users anywhere (platform staff only by platform admins); a bank
 * admin creates colleagues in its own bank only. The role must belong to the
 * institution's kind: no loan officer in a regulator, no SME user here.
 */
export async function createUser(options: { actor: Actor; input: CreateUserInput; ip: string | null }) {
  const { actor, input, ip } = options;
  assertCan(actor, "create:user:any", "create:user:institution");

  const institution = await prisma.institution.findUnique({
    where: { id: input.institutionId },
    select: { id: true, kind: true },
  });
  const anyInstitution = actor.permissions.has("create:user:any");
  if (!institution || (!anyInstitution && institution.id !== actor.institution?.id)) {
    throw new DomainError("user.institutionNotFound", { status: 404 });
  }
  if (ROLE_HOME[input.roleKey] !== institution.kind) throw new DomainError("user.roleNotAllowed");
  if (institution.kind === "PLATFORM" && !actor.permissions.has("manage:role:any")) {
    throw new DomainError("user.roleNotAllowed");
  }

  const passwordHash = await hashPassword(input.password);
  try {
    return await prisma.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: {
          username: input.username,
          displayName: input.displayName,
          phone: input.phone ?? null,
          passwordHash,
          memberships: { create: { roleKey: input.roleKey, institutionId: institution.id, createdById: actor.userId } },
        },
        select: { id: true, username: true, displayName: true },
      });
      await appendAudit(tx, {
        actorUserId: actor.userId,
        actorInstitutionId: actor.institution?.id ?? null,
        action: "user.create",
        entityType: "user",
        entityId: user.id,
        summary: { username: user.username, roleKey: input.roleKey, institutionId: institution.id },
        ip,
      });
      return user;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError("register.usernameTaken", { status: 409 });
    throw error;
  }
}

/** Roles the actor may give to a new user (the form's choices; createUser checks again). */
export function creatableRoles(actor: Actor): RoleKey[] {
  if (actor.permissions.has("create:user:any")) {
    const roles: RoleKey[] = ["bank_admin", "loan_officer", "finance_office", "regulator"];
    return actor.permissions.has("manage:role:any") ? [...roles, "platform_admin"] : roles;
  }
  if (actor.permissions.has("create:user:institution") && actor.institution?.kind === "BANK") return ["bank_admin", "loan_officer"];
  return [];
}

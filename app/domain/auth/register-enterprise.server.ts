import { isUniqueViolation, prisma } from "~/db.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { DomainError } from "~/domain/errors";
import type { RegisterEnterpriseInput } from "~/schemas/auth";
import { hashPassword } from "./password.server";
import { createSession } from "./session.server";

function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.normalize("NFKC").replace(/[\s()（）]/g, "");
  return norm(a) === norm(b);
}

/**
 * Self-registration of an SME by its USCC. An enterprise the finance office has
 * already imported is claimed when the name matches its registered name and it
 * has no account yet; otherwise the enterprise is created. Signs the user in.
 */
export async function registerEnterprise(options: {
  input: RegisterEnterpriseInput;
  ip: string;
  userAgent: string | null;
}): Promise<{ token: string; userId: string; enterpriseId: string }> {
  const { input, ip, userAgent } = options;
  const passwordHash = await hashPassword(input.password);

  try {
    return await registerInTransaction(input, passwordHash, ip, userAgent);
  } catch (error) {
    // Two people registering the same username or USCC at once: running again gives the
    // loser the answer a later attempt would get (taken / already registered).
    if (!isUniqueViolation(error)) throw error;
    return registerInTransaction(input, passwordHash, ip, userAgent);
  }
}

async function registerInTransaction(
  input: RegisterEnterpriseInput,
  passwordHash: string,
  ip: string,
  userAgent: string | null,
) {
  return prisma.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { username: input.username }, select: { id: true } })) {
      throw new DomainError("register.usernameTaken", { status: 409 });
    }
    const existing = await tx.enterprise.findUnique({
      where: { uscc: input.uscc },
      select: { id: true, name: true, _count: { select: { memberships: true } } },
    });
    if (existing && existing._count.memberships > 0) throw new DomainError("register.alreadyRegistered", { status: 409 });
    if (existing && !sameName(existing.name, input.name)) throw new DomainError("register.nameMismatch", { status: 409 });

    const enterprise =
      existing ??
      (await tx.enterprise.create({
        data: {
          uscc: input.uscc,
          name: input.name,
          regionCode: input.regionCode,
          industryCode: input.industryCode,
          size: input.size,
          foundedOn: input.foundedOn,
          registeredCapitalFen: input.registeredCapitalYuan,
          legalRepName: input.legalRepName,
          contactPhone: input.phone,
        },
        select: { id: true, name: true },
      }));

    const user = await tx.user.create({
      data: {
        username: input.username,
        displayName: input.displayName,
        phone: input.phone,
        passwordHash,
        lastSignInAt: new Date(),
        memberships: { create: { roleKey: "sme", enterpriseId: enterprise.id } },
      },
      select: { id: true },
    });
    await appendAudit(tx, {
      actorUserId: user.id,
      actorEnterpriseId: enterprise.id,
      action: "enterprise.register",
      entityType: "enterprise",
      entityId: enterprise.id,
      summary: { uscc: input.uscc, name: enterprise.name, claimedExisting: Boolean(existing), username: input.username },
      ip,
    });
    const token = await createSession(tx, { userId: user.id, ip, userAgent });
    return { token, userId: user.id, enterpriseId: enterprise.id };
  });
}

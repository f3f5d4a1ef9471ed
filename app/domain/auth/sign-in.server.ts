import { prisma } from "~/db.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { DomainError } from "~/domain/errors";
import { burnPasswordCheck, verifyPassword } from "./password.server";
import { clearSignInFailures, recordSignInFailure, signInBlockedForSeconds } from "./rate-limit.server";
import { createSession } from "./session.server";

export type SignInOptions = { username: string; password: string; ip: string; userAgent: string | null };

/** Checks the password, opens a new session and records the sign-in. Returns the session token. */
export async function signIn({ username, password, ip, userAgent }: SignInOptions): Promise<{ token: string; userId: string }> {
  const key = username.trim().toLowerCase();
  const blockedSeconds = await signInBlockedForSeconds(key, ip);
  if (blockedSeconds > 0) {
    throw new DomainError("auth.rateLimited", { params: { minutes: Math.ceil(blockedSeconds / 60) }, status: 429 });
  }

  const user = await prisma.user.findUnique({
    where: { username: key },
    select: { id: true, passwordHash: true, status: true, memberships: { select: { institutionId: true, enterpriseId: true }, take: 1 } },
  });
  const valid = user ? await verifyPassword(user.passwordHash, password) : (await burnPasswordCheck(password), false);
  if (!user || !valid) {
    await recordSignInFailure(key, ip);
    throw new DomainError("auth.invalidCredentials", { status: 401 });
  }
  if (user.status !== "ACTIVE") throw new DomainError("auth.disabled", { status: 403 });
  await clearSignInFailures(key, ip);

  const membership = user.memberships[0];
  const token = await prisma.$transaction(async (tx) => {
    const sessionToken = await createSession(tx, { userId: user.id, ip, userAgent });
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
    await appendAudit(tx, {
      actorUserId: user.id,
      actorInstitutionId: membership?.institutionId ?? null,
      actorEnterpriseId: membership?.enterpriseId ?? null,
      action: "user.sign_in",
      entityType: "user",
      entityId: user.id,
      ip,
    });
    return sessionToken;
  });
  return { token, userId: user.id };
}

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { hashPassword } from "~/domain/auth/password.server";
import { getActor, sessionSetCookie } from "~/domain/auth/session.server";
import { signIn } from "~/domain/auth/sign-in.server";
import { DomainError } from "~/domain/errors";
import { makeInstitution, makeUser, uniqueSuffix } from "../helpers";

async function bankUser(password: string) {
  const bank = await makeInstitution("BANK");
  return makeUser({ roleKey: "loan_officer", institutionId: bank.id, passwordHash: await hashPassword(password) });
}

async function requestWith(token: string) {
  const cookie = (await sessionSetCookie(token)).split(";")[0]!;
  return new Request("http://localhost/app", { headers: { Cookie: cookie } });
}

describe("sign-in", () => {
  it("opens a server-side session, stores only the token's hash, and records the sign-in", async () => {
    const user = await bankUser("correct horse battery");
    const { token } = await signIn({ username: user.username, password: "correct horse battery", ip: "10.0.0.1", userAgent: "test" });

    const stored = await prisma.session.findMany({ where: { userId: user.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id).toBe(createHash("sha256").update(token).digest("hex"));
    expect(stored[0]!.id).not.toContain(token);

    const actor = await getActor(await requestWith(token));
    expect(actor?.userId).toBe(user.id);
    expect(actor?.permissions.has("read:need-inbox:institution")).toBe(true);

    const audit = await prisma.auditLog.findFirst({ where: { action: "user.sign_in", entityId: user.id } });
    expect(audit?.ip).toBe("10.0.0.1");
  });

  it("issues a new token at every sign-in (no session fixation)", async () => {
    const user = await bankUser("correct horse battery");
    const a = await signIn({ username: user.username, password: "correct horse battery", ip: "10.0.0.2", userAgent: null });
    const b = await signIn({ username: user.username.toUpperCase(), password: "correct horse battery", ip: "10.0.0.2", userAgent: null });
    expect(a.token).not.toBe(b.token);
  });

  it("refuses a wrong password with the same error as an unknown user, and writes nothing", async () => {
    const user = await bankUser("correct horse battery");
    const before = await prisma.auditLog.count();
    await expect(signIn({ username: user.username, password: "wrong", ip: "10.0.0.3", userAgent: null })).rejects.toMatchObject({
      code: "auth.invalidCredentials",
    });
    await expect(signIn({ username: `nobody-${uniqueSuffix()}`, password: "x", ip: "10.0.0.3", userAgent: null })).rejects.toMatchObject({
      code: "auth.invalidCredentials",
    });
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma.auditLog.count()).toBe(before);
  });

  it("blocks further attempts after too many failures, even with the right password", async () => {
    const user = await bankUser("correct horse battery");
    const ip = `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 3; i++) {
      await expect(signIn({ username: user.username, password: "wrong", ip, userAgent: null })).rejects.toBeInstanceOf(DomainError);
    }
    const blocked = signIn({ username: user.username, password: "correct horse battery", ip, userAgent: null });
    await expect(blocked).rejects.toMatchObject({ code: "auth.rateLimited", status: 429 });
    // Another address is not blocked by this one's failures.
    await expect(signIn({ username: user.username, password: "correct horse battery", ip: "10.9.9.9", userAgent: null })).resolves.toBeTruthy();
  });

  it("refuses a disabled account and ends its sessions' effect at once", async () => {
    const user = await bankUser("correct horse battery");
    const { token } = await signIn({ username: user.username, password: "correct horse battery", ip: "10.0.0.4", userAgent: null });
    await prisma.user.update({ where: { id: user.id }, data: { status: "DISABLED" } });
    expect(await getActor(await requestWith(token))).toBeNull();
    await expect(signIn({ username: user.username, password: "correct horse battery", ip: "10.0.0.4", userAgent: null })).rejects.toMatchObject({
      code: "auth.disabled",
    });
  });

  it("ignores tampered, expired and unknown session cookies", async () => {
    const user = await bankUser("correct horse battery");
    const { token } = await signIn({ username: user.username, password: "correct horse battery", ip: "10.0.0.5", userAgent: null });
    const good = (await sessionSetCookie(token)).split(";")[0]!;
    const tampered = good.slice(0, -3) + (good.endsWith("A") ? "BBB" : "AAA");
    expect(await getActor(new Request("http://localhost/", { headers: { Cookie: tampered } }))).toBeNull();
    await prisma.session.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await getActor(await requestWith(token))).toBeNull();
  });
});

import { createHash, randomBytes } from "node:crypto";
import { createCookie } from "react-router";
import { env } from "~/config/env.server";
import { prisma, type Tx } from "~/db.server";
import { loadActor, type Actor } from "~/domain/access/actor.server";

/**
 * Server-side sessions. The cookie holds a random 256-bit token, signed; the
 * database stores only its SHA-256, so a copy of the table cannot be replayed.
 * A new token is issued at every sign-in (no session fixation).
 */
export const sessionCookie = createCookie("xyd_session", {
  httpOnly: true,
  secure: env.COOKIE_SECURE,
  sameSite: "lax",
  path: "/",
  secrets: [env.SESSION_SECRET],
  maxAge: env.SESSION_TTL_HOURS * 3600,
});

function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function createSession(
  tx: Tx,
  options: { userId: string; ip: string | null; userAgent: string | null },
): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await tx.session.create({
    data: {
      id: tokenHash(token),
      userId: options.userId,
      expiresAt: new Date(Date.now() + env.SESSION_TTL_HOURS * 3600_000),
      ip: options.ip?.slice(0, 64) ?? null,
      userAgent: options.userAgent?.slice(0, 256) ?? null,
    },
  });
  return token;
}

async function readToken(request: Request): Promise<string | null> {
  const value: unknown = await sessionCookie.parse(request.headers.get("Cookie"));
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

/** The signed-in actor, or null when there is no live session. */
export async function getActor(request: Request): Promise<Actor | null> {
  const token = await readToken(request);
  if (!token) return null;
  const session = await prisma.session.findUnique({
    where: { id: tokenHash(token) },
    select: { id: true, userId: true, expiresAt: true, lastSeenAt: true },
  });
  if (!session || session.expiresAt <= new Date()) return null;
  const actor = await loadActor(session.userId, session.id);
  if (!actor) return null;
  // Sliding expiry, written at most once a minute.
  if (Date.now() - session.lastSeenAt.getTime() > 60_000) {
    await prisma.session.update({
      where: { id: session.id },
      data: { lastSeenAt: new Date(), expiresAt: new Date(Date.now() + env.SESSION_TTL_HOURS * 3600_000) },
    });
  }
  return actor;
}

export async function destroySession(request: Request): Promise<void> {
  const token = await readToken(request);
  if (token) await prisma.session.deleteMany({ where: { id: tokenHash(token) } });
}

export async function sessionSetCookie(token: string): Promise<string> {
  return sessionCookie.serialize(token);
}

export async function sessionClearCookie(): Promise<string> {
  return sessionCookie.serialize("", { maxAge: 0 });
}

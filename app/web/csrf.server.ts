import { randomBytes, timingSafeEqual } from "node:crypto";
import { createCookie } from "react-router";
import { env } from "~/config/env.server";

/**
 * CSRF protection by signed double-submit token: a signed, HTTP-only cookie
 * holds a random token; every form carries the same token in the `csrf` field;
 * a mutation is refused unless both match and the request is same-origin.
 */
export const CSRF_FIELD = "csrf";

const csrfCookie = createCookie("xyd_csrf", {
  httpOnly: true,
  secure: env.COOKIE_SECURE,
  sameSite: "lax",
  path: "/",
  secrets: [env.SESSION_SECRET],
});

export async function readCsrfToken(request: Request): Promise<string | null> {
  const value: unknown = await csrfCookie.parse(request.headers.get("Cookie"));
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

/** The request's token, or a new one with the Set-Cookie header that issues it. */
export async function ensureCsrfToken(request: Request): Promise<{ token: string; setCookie: string | null }> {
  const existing = await readCsrfToken(request);
  if (existing) return { token: existing, setCookie: null };
  const token = randomBytes(32).toString("base64url");
  return { token, setCookie: await csrfCookie.serialize(token) };
}

function sameOrigin(request: Request): boolean {
  const site = request.headers.get("Sec-Fetch-Site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = request.headers.get("Origin");
  if (!origin) return true;
  const host = request.headers.get("X-Forwarded-Host") ?? request.headers.get("Host") ?? new URL(request.url).host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export async function verifyCsrf(request: Request): Promise<boolean> {
  if (!sameOrigin(request)) return false;
  const cookieToken = await readCsrfToken(request);
  if (!cookieToken) return false;
  const type = request.headers.get("Content-Type") ?? "";
  if (!type.includes("application/x-www-form-urlencoded") && !type.includes("multipart/form-data")) return false;
  const form = await request.clone().formData();
  const submitted = form.get(CSRF_FIELD);
  if (typeof submitted !== "string" || submitted.length !== cookieToken.length) return false;
  return timingSafeEqual(Buffer.from(submitted), Buffer.from(cookieToken));
}

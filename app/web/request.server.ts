import { parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";
import { redirect } from "react-router";
import { isDomainError } from "~/domain/errors";
import type { Actor } from "~/domain/access/actor.server";
import type { Permission } from "~/domain/access/permissions";
import { actorContext } from "./context";

type ContextReader = { get<T>(ctx: import("react-router").RouterContext<T>): T };

/** The client address set by server.mjs (never taken from the client). */
export function clientIp(request: Request): string {
  return request.headers.get("x-xyd-client-ip")?.slice(0, 64) ?? "unknown";
}

export function userAgent(request: Request): string | null {
  return request.headers.get("User-Agent")?.slice(0, 256) ?? null;
}

/** The signed-in actor, or a redirect to sign-in that comes back here afterwards. */
export function requireActor(request: Request, context: ContextReader): Actor {
  const actor = context.get(actorContext);
  if (actor) return actor;
  const url = new URL(request.url);
  throw redirect(`/sign-in?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
}

/** Checked on the server in every loader and action of a protected route. */
export function requirePermission(request: Request, context: ContextReader, ...permissions: Permission[]): Actor {
  const actor = requireActor(request, context);
  if (!permissions.some((p) => actor.permissions.has(p))) {
    throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
  }
  return actor;
}

/** Only same-site relative paths, so sign-in cannot be turned into an open redirect. */
export function safeRedirectPath(value: string | null | undefined, fallback = "/app"): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  // Read as a browser would (it drops tabs and newlines, so "/\t/host" is "//host"); the answer is
  // percent-encoded, as a Location header must be.
  const base = "http://same-site.invalid";
  const url = new URL(value, base);
  return url.origin === base ? url.pathname + url.search + url.hash : fallback;
}

/** Parses a submitted form with its schema (the same the browser uses). */
export async function parseForm<S extends z.ZodType>(request: Request, schema: S) {
  const formData = await request.formData();
  return parseWithZod(formData, { schema });
}

/**
 * Runs a domain call; a domain error becomes a form-level error for the
 * submission (shown in the user's language), anything else propagates.
 */
export async function withDomainErrors<T>(
  call: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; status: number; formError: string }> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (isDomainError(error)) {
      if (error.code === "forbidden") throw new Response("Forbidden", { status: 403 });
      if (error.code === "notFound") throw new Response("Not Found", { status: 404 });
      const params = Object.keys(error.params).length ? `|${JSON.stringify(error.params)}` : "";
      return { ok: false, status: error.status, formError: `${error.code}${params}` };
    }
    throw error;
  }
}

/** Loader-side: domain 403/404 become HTTP responses the error boundary shows. */
export async function orHttpError<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isDomainError(error)) {
      throw new Response(error.code, { status: error.status === 403 ? 403 : error.status === 404 ? 404 : error.status });
    }
    throw error;
  }
}

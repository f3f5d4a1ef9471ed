import type { i18n as I18n } from "i18next";
import type { z } from "zod";
import type { Actor } from "~/domain/access/actor.server";
import type { Permission } from "~/domain/access/permissions";
import { authenticateApiKey } from "~/domain/auth/api-keys.server";
import { isDomainError } from "~/domain/errors";
import { createI18n, type Locale } from "~/i18n/i18n";
import { clientIp } from "./request.server";

/**
 * Helpers for the JSON API under /api: key authentication, bounded JSON
 * bodies, and errors shaped `{ error: { code, message, issues? } }` with the
 * message in the caller's language. Every response is JSON and never cached:
 * it is per-key data.
 */

const BASE_HEADERS = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } as const;
const BEARER_CHALLENGE = 'Bearer realm="xinyidai"';

export type ApiIssue = { path: (string | number)[]; code: string; message: string };

const translators = new Map<Locale, I18n>();
function translator(locale: Locale): I18n {
  let instance = translators.get(locale);
  if (!instance) {
    instance = createI18n(locale);
    translators.set(locale, instance);
  }
  return instance;
}

/**
 * The API's language: Chinese when the caller prefers Chinese (or says
 * nothing, the platform's default), English when it names any other language
 * first — a client that asks for French reads English better than Chinese.
 */
export function apiLocale(request: Request): Locale {
  const header = request.headers.get("Accept-Language");
  if (!header?.trim()) return "zh-CN";
  const ranges = header
    .split(",")
    .slice(0, 20)
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/i.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.tag && r.tag !== "*" && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  if (ranges.length === 0) return "zh-CN";
  return ranges[0]!.tag === "zh" || ranges[0]!.tag.startsWith("zh-") ? "zh-CN" : "en";
}

/**
 * A code's message in the locale: API codes (`api.errors.<code>`) first unless
 * only domain codes are wanted, then the shared `errors.<code>`; null if neither exists.
 */
export function translateCode(
  locale: Locale,
  code: string,
  params: Record<string, unknown> = {},
  options: { apiCodes?: boolean } = {},
): string | null {
  const t = translator(locale);
  const keys = options.apiCodes === false ? [`errors.${code}`] : [`api.errors.${code}`, `errors.${code}`];
  const key = keys.find((k) => t.exists(k));
  return key ? t.t(key, params) : null;
}

export function apiMessage(request: Request, key: string, params: Record<string, unknown> = {}): string {
  return translator(apiLocale(request)).t(key, params);
}

/** A JSON response with the API's headers. */
export function apiJson(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return Response.json(body, { status: init.status ?? 200, headers: { ...BASE_HEADERS, ...init.headers } });
}

/** An error response: a stable code, its message in the caller's language, and any field issues. */
export function apiError(
  status: number,
  code: string,
  params: Record<string, unknown> = {},
  request: Request,
  extra: { issues?: ApiIssue[]; headers?: Record<string, string> } = {},
): Response {
  const message = translateCode(apiLocale(request), code, params) ?? code;
  const error = extra.issues ? { code, message, issues: extra.issues } : { code, message };
  return apiJson({ error }, { status, headers: extra.headers });
}

/**
 * The actor of the request's API key, or a thrown response: 401 (with a
 * Bearer challenge) without a valid key, 429 while the address is blocked for
 * too many failures, 403 when the key holds none of the permissions.
 */
export async function requireApiActor(request: Request, ...permissions: Permission[]): Promise<Actor> {
  const header = request.headers.get("Authorization");
  if (!header?.trim()) throw apiError(401, "unauthorized", {}, request, { headers: { "WWW-Authenticate": BEARER_CHALLENGE } });
  let actor: Actor | null;
  try {
    actor = await authenticateApiKey(header, clientIp(request));
  } catch (error) {
    if (isDomainError(error) && error.code === "rateLimited") {
      const seconds = Number(error.params.retryAfterSeconds) || 1;
      throw apiError(429, "rateLimited", { seconds }, request, { headers: { "Retry-After": String(seconds) } });
    }
    throw error;
  }
  if (!actor) {
    throw apiError(401, "invalidApiKey", {}, request, {
      headers: { "WWW-Authenticate": `${BEARER_CHALLENGE}, error="invalid_token"` },
    });
  }
  if (permissions.length > 0 && !permissions.some((p) => actor.permissions.has(p))) {
    throw apiError(403, "forbidden", {}, request);
  }
  return actor;
}

function isJsonMediaType(contentType: string | null): boolean {
  if (!contentType) return false;
  const [mediaType = "", ...params] = contentType.split(";").map((p) => p.trim().toLowerCase());
  const json = mediaType === "application/json" || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(mediaType);
  // JSON is UTF-8 (RFC 8259); a body declared otherwise would be misread.
  const charset = params.map((p) => /^charset="?([^"]+)"?$/.exec(p)?.[1]).find(Boolean);
  return json && (charset === undefined || charset === "utf-8" || charset === "utf8");
}

function tooLarge(request: Request, maxBytes: number): Response {
  const maxMb = Math.round((maxBytes / (1024 * 1024)) * 100) / 100;
  return apiError(413, "payloadTooLarge", { maxMb, maxBytes }, request);
}

/** zod issues as `{ path, code, message }`; codes are the shared message keys where the schema names one. */
export function apiIssues(issues: readonly z.core.$ZodIssue[], locale: Locale): ApiIssue[] {
  const t = translator(locale);
  return issues.slice(0, 100).map((issue) => {
    const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
    const bar = issue.message.indexOf("|");
    const key = bar < 0 ? issue.message : issue.message.slice(0, bar);
    let params: Record<string, unknown> = {};
    if (bar >= 0) {
      try {
        params = JSON.parse(issue.message.slice(bar + 1)) as Record<string, unknown>;
      } catch {
        params = {};
      }
    }
    const known = translateCode(locale, key, params, { apiCodes: false });
    if (known !== null) return { path, code: key, message: known };
    // A check with no message key of ours: described by zod's issue code.
    const details: Record<string, unknown> = {
      expected: "expected" in issue ? String(issue.expected) : "",
      keys: "keys" in issue && Array.isArray(issue.keys) ? issue.keys.join(", ") : "",
    };
    const issueKey = `api.issues.${issue.code}`;
    return { path, code: issue.code, message: t.t(t.exists(issueKey) ? issueKey : "api.issues.fallback", details) };
  });
}

/**
 * Reads a JSON body of at most `maxBytes`: 415 unless the content type is
 * JSON, 413 when the declared or the streamed length exceeds the bound (checked
 * before anything is parsed), 400 when it is not valid UTF-8 JSON. With a
 * schema, 422 with the issues when the body does not match it.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown>;
export async function readJsonBody<S extends z.ZodType>(request: Request, maxBytes: number, schema: S): Promise<z.output<S>>;
export async function readJsonBody(request: Request, maxBytes: number, schema?: z.ZodType): Promise<unknown> {
  if (!isJsonMediaType(request.headers.get("Content-Type"))) throw apiError(415, "unsupportedMediaType", {}, request);
  const declared = Number(request.headers.get("Content-Length") ?? "");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(request, maxBytes);
  if (!request.body) throw apiError(400, "invalidJson", {}, request);

  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(request, maxBytes);
    }
    chunks.push(value);
  }

  let body: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks, total));
    body = JSON.parse(text);
  } catch {
    throw apiError(400, "invalidJson", {}, request);
  }
  if (!schema) return body;

  // A missing field reads "required" rather than zod's "expected X, received undefined".
  const result = schema.safeParse(body, {
    error: (issue) => (issue.code === "invalid_type" && issue.input === undefined ? "required" : undefined),
  });
  if (!result.success) {
    throw apiError(422, "validationFailed", {}, request, { issues: apiIssues(result.error.issues, apiLocale(request)) });
  }
  return result.data;
}

/**
 * Runs an API handler: a thrown response is returned as is, a domain error
 * becomes its status and translated code, anything else a logged 500 that
 * tells the caller nothing internal.
 */
export async function handleApi(request: Request, run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Response) return error;
    if (isDomainError(error)) return apiError(error.status, error.code, error.params, request);
    console.error(error);
    return apiError(500, "server", {}, request);
  }
}

export function methodNotAllowed(request: Request, allow: string[]): Response {
  return apiError(405, "methodNotAllowed", {}, request, { headers: { Allow: allow.join(", ") } });
}

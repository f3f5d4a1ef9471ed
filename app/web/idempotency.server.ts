import { createHash } from "node:crypto";
import { prisma, type Db } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { IdempotencyKeySchema } from "~/schemas/api/common";
import { apiError, handleApi } from "./api.server";

/**
 * `Idempotency-Key` for every API mutation (docs/api.md): a client that
 * retries after a timeout or a dropped connection gets the first attempt's
 * answer instead of doing the work twice.
 *
 * The first request with a key claims it with a row whose status is null
 * while it runs (the primary key makes the claim atomic), runs, and stores
 * its status and body. A retry with the same key and the same request gets
 * the stored answer; while the first still runs, 409; with a different
 * request, 422. A 5xx or a crash releases the key, so a retry runs again:
 * nothing was done, or the handler rolled back. Keys belong to one API key
 * and are kept 24 hours.
 */

export const IDEMPOTENCY_HEADER = "Idempotency-Key";
export const REPLAYED_HEADER = "Idempotent-Replayed";
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
/**
 * A first request still unfinished after this long is taken for lost (its
 * process stopped mid-request), and a retry of the same request may run.
 * Far longer than any API request takes.
 */
export const IDEMPOTENCY_LEASE_MS = 10 * 60 * 1000;
/** Larger responses are not kept (none of today's mutations comes near it); see storedResponse. */
export const MAX_STORED_RESPONSE_BYTES = 1024 * 1024;
const PURGE_BATCH = 10_000;
const PURGE_MAX_BATCHES = 100;
const CLAIM_ATTEMPTS = 3;

const MUTATIONS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** The response headers a replay repeats; the rest are the API's fixed ones. */
const KEPT_HEADERS = ["Content-Type", "Location"] as const;
const REPLAY_HEADERS = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } as const;

type StoredResponse = { body: string; headers: Record<string, string> } | { notStored: true; bytes: number };

/**
 * The domain command key of a mutation that `withIdempotency` admitted: the
 * request's key within its API key, so the domain does the work once even
 * after the stored response is gone, and two API keys never meet each other's
 * commands (ADR 0016).
 */
export function idempotencyCommandKey(request: Request, actor: Actor): string {
  return `api-key:${apiKeyIdOf(actor)}:${request.headers.get(IDEMPOTENCY_HEADER)}`;
}

function apiKeyIdOf(actor: Actor): string {
  const match = /^api-key:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(actor.sessionId);
  // Only the API authenticates by key; a web session reaching this is a programming error.
  if (!match) throw new Error("withIdempotency needs an actor authenticated by an API key");
  return match[1]!.toLowerCase();
}

function tooLarge(request: Request, maxBytes: number): Response {
  return apiError(413, "payloadTooLarge", { maxMb: Math.round((maxBytes / (1024 * 1024)) * 100) / 100, maxBytes }, request);
}

/**
 * SHA-256 of the method, the path with its query, and the raw body bytes,
 * read from a clone (the handler reads the original) under the handler's own
 * size bound: a body too large for the handler is refused here, before
 * anything is claimed.
 */
async function fingerprint(request: Request, maxBodyBytes: number): Promise<string> {
  const url = new URL(request.url);
  const hash = createHash("sha256").update(`${request.method}\n${url.pathname}${url.search}\n`, "utf8");
  const declared = Number(request.headers.get("Content-Length") ?? "");
  if (Number.isFinite(declared) && declared > maxBodyBytes) throw tooLarge(request, maxBodyBytes);
  const body = request.clone().body;
  if (!body) return hash.digest("hex");
  const reader = body.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBodyBytes) {
      // A branch of a clone is cancelled only with the other: cancel both (the handler will not run), without waiting.
      void reader.cancel().catch(() => undefined);
      void request.body?.cancel().catch(() => undefined);
      throw tooLarge(request, maxBodyBytes);
    }
    hash.update(value);
  }
  return hash.digest("hex");
}

/** The answer to a retry: the first response as it was, marked as replayed. */
function replay(request: Request, status: number, stored: StoredResponse): Response {
  if ("notStored" in stored) {
    return apiError(409, "idempotencyResponseNotStored", { status }, request, { headers: { [REPLAYED_HEADER]: "true" } });
  }
  return new Response(stored.body, { status, headers: { ...REPLAY_HEADERS, ...stored.headers, [REPLAYED_HEADER]: "true" } });
}

/**
 * Runs an API mutation at most once per `Idempotency-Key`. Call it after the
 * key is authenticated (the actor names the API key that owns the key space),
 * with the body bound the handler reads under. Safe methods run as they are.
 * The handler's thrown responses and domain errors are its answers (and are
 * kept) as with handleApi.
 */
export async function withIdempotency(request: Request, actor: Actor, run: () => Promise<Response>, options: { maxBodyBytes: number }): Promise<Response> {
  if (!MUTATIONS.has(request.method)) return handleApi(request, run);
  const apiKeyId = apiKeyIdOf(actor);
  const key = request.headers.get(IDEMPOTENCY_HEADER);
  if (key === null || key === "") return apiError(400, "idempotencyKeyRequired", {}, request);
  if (!IdempotencyKeySchema.safeParse(key).success) return apiError(400, "idempotencyKeyInvalid", {}, request);

  let requestHash: string;
  try {
    requestHash = await fingerprint(request, options.maxBodyBytes);
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  const url = new URL(request.url);
  const path = `${url.pathname}${url.search}`;

  for (let attempt = 1; ; attempt++) {
    // Millisecond precision, as the column keeps it: the claim is then ours by (key, createdAt).
    const startedAt = new Date();
    const now = startedAt.getTime();
    const claimed = await prisma.$executeRaw`
      INSERT INTO api_idempotency_records ("apiKeyId", key, method, path, "requestHash", status, response, "createdAt", "completedAt")
      VALUES (${apiKeyId}::uuid, ${key}, ${request.method}, ${path}, ${requestHash}, NULL, NULL, ${startedAt}, NULL)
      ON CONFLICT ("apiKeyId", key) DO UPDATE
         SET method = EXCLUDED.method, path = EXCLUDED.path, "requestHash" = EXCLUDED."requestHash",
             status = NULL, response = NULL, "createdAt" = EXCLUDED."createdAt", "completedAt" = NULL
       WHERE api_idempotency_records."createdAt" < ${new Date(now - IDEMPOTENCY_RETENTION_MS)}
          OR (api_idempotency_records.status IS NULL
              AND api_idempotency_records."requestHash" = EXCLUDED."requestHash"
              AND api_idempotency_records."createdAt" < ${new Date(now - IDEMPOTENCY_LEASE_MS)})`;
    if (claimed === 1) return runClaimed(request, run, { apiKeyId, key, startedAt });

    const existing = await prisma.apiIdempotencyRecord.findUnique({
      where: { apiKeyId_key: { apiKeyId, key } },
      select: { requestHash: true, status: true, response: true },
    });
    if (!existing) {
      // The first request failed and released the key between our claim and this read: claim again.
      if (attempt < CLAIM_ATTEMPTS) continue;
      return apiError(409, "idempotencyKeyInFlight", {}, request, { headers: { "Retry-After": "1" } });
    }
    if (existing.requestHash !== requestHash) return apiError(422, "idempotencyKeyReused", {}, request);
    if (existing.status === null || existing.response === null) {
      return apiError(409, "idempotencyKeyInFlight", {}, request, { headers: { "Retry-After": "1" } });
    }
    return replay(request, existing.status, existing.response as StoredResponse);
  }
}

async function runClaimed(request: Request, run: () => Promise<Response>, claim: { apiKeyId: string; key: string; startedAt: Date }): Promise<Response> {
  const ours = { apiKeyId: claim.apiKeyId, key: claim.key, createdAt: claim.startedAt, status: null };
  const release = () => settleClaim("release", () => prisma.apiIdempotencyRecord.deleteMany({ where: ours }));

  let response: Response;
  try {
    response = await handleApi(request, run);
  } catch (error) {
    await release();
    throw error;
  }
  if (response.status >= 500) {
    await release();
    return response;
  }

  const body = await response.text();
  const stored = storedResponse(body, response.headers);
  const completedAt = new Date();
  await settleClaim("store", () => prisma.apiIdempotencyRecord.updateMany({ where: ours, data: { status: response.status, response: stored, completedAt } }));
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * How long a claim's release or stored answer that the database refused is
 * retried, in the background. The request that failed is very often failing
 * because the database is away for a moment (a restart, a failover): its
 * claim must not then stand for the whole lease, answering every retry of the
 * client 409 for ten minutes after the database is back.
 */
const SETTLE_RETRY_MS = 60_000;
const SETTLE_BACKOFF_MAX_MS = 2_000;

/**
 * Writes the end of a claim (its release, or the answer kept for replay):
 * once now, and if the database refuses, again in the background with
 * backoff while SETTLE_RETRY_MS lasts — the caller gets its answer at once
 * either way. Both writes are conditional on the claim still being ours, so
 * a late one changes nothing another request has claimed since. Past that
 * time (or if this process ends) the claim expires with its lease.
 */
async function settleClaim(what: "release" | "store", write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
    return;
  } catch (error) {
    console.error(JSON.stringify({ message: `idempotency ${what} failed; retrying in the background`, reason: reasonOf(error) }));
  }
  void (async () => {
    const deadline = Date.now() + SETTLE_RETRY_MS;
    let lastError: unknown = null;
    for (let attempt = 1; Date.now() < deadline; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(SETTLE_BACKOFF_MAX_MS, 250 * attempt)));
      try {
        await write();
        console.log(JSON.stringify({ message: `idempotency ${what} done after retrying`, attempts: attempt + 1 }));
        return;
      } catch (error) {
        lastError = error;
      }
    }
    console.error(JSON.stringify({ message: `idempotency ${what} abandoned; the claim expires with its lease`, reason: reasonOf(lastError) }));
  })();
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

/**
 * The response as kept for replay: its exact text and the headers that
 * matter. A body over MAX_STORED_RESPONSE_BYTES is not kept; the key then
 * records only that the request completed, and a retry is told so (409
 * `idempotencyResponseNotStored`) rather than running it again.
 */
function storedResponse(body: string, headers: Headers): StoredResponse {
  const bytes = Buffer.byteLength(body, "utf8");
  // jsonb cannot hold U+0000; JSON.stringify escapes it, so only a non-JSON body could contain one.
  if (bytes > MAX_STORED_RESPONSE_BYTES || body.includes("\u0000")) return { notStored: true, bytes };
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers.get(name);
    if (value !== null) kept[name] = value;
  }
  return { body, headers: kept };
}

/** When the records of requests made before now stop being kept. */
export function idempotencyCutoff(now = Date.now()): Date {
  return new Date(now - IDEMPOTENCY_RETENTION_MS);
}

/**
 * Deletes the records made before `olderThan` (for the scheduled purge; by
 * default those past the 24-hour retention), in bounded batches. A key past
 * retention is reusable even before the purge runs. Returns how many went.
 */
export async function purgeIdempotencyRecords(db: Db, olderThan: Date = idempotencyCutoff()): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < PURGE_MAX_BATCHES; batch++) {
    const count = await db.$executeRaw`
      DELETE FROM api_idempotency_records
       WHERE ("apiKeyId", key) IN (SELECT "apiKeyId", key FROM api_idempotency_records WHERE "createdAt" < ${olderThan} LIMIT ${PURGE_BATCH})`;
    deleted += count;
    if (count < PURGE_BATCH) break;
  }
  return deleted;
}

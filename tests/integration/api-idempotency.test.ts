/**
 * Idempotency-Key on the API's mutations: a retry gets the first answer, byte
 * for byte, and does nothing again; a key reused for another request, or
 * sent while the first is still running, is refused; a failure releases the
 * key; keys belong to one API key and expire after 24 hours.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { authenticateApiKey, createApiKey } from "~/domain/auth/api-keys.server";
import { JOBS } from "~/jobs/definitions";
import { closeQueues, getQueue } from "~/jobs/enqueue.server";
import * as batchesRoute from "~/routes/api/v1/credit-signal-batches";
import * as productsRoute from "~/routes/api/v1/products";
import {
  IDEMPOTENCY_LEASE_MS,
  IDEMPOTENCY_RETENTION_MS,
  MAX_STORED_RESPONSE_BYTES,
  purgeIdempotencyRecords,
  withIdempotency,
} from "~/web/idempotency.server";
import { makeActor, makeEnterprise, routeContext, uniqueSuffix } from "../helpers";

type ErrorBody = { error: { code: string; message: string } };

let bankAdmin: Actor;
let bankToken: string;
let bankKeyId: string;
let secondBankToken: string;
let financeToken: string;

function apiRequest(path: string, options: { token?: string; method?: string; body?: unknown; key?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { Authorization: `Bearer ${options.token ?? bankToken}`, "x-xyd-client-ip": "10.201.0.1", ...options.headers };
  if (options.key !== null) headers["Idempotency-Key"] = options.key ?? randomUUID();
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  return new Request(`http://localhost${path}`, {
    method: options.method ?? "PUT",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

const putProduct = (ref: string, body: unknown, options: { token?: string; key?: string | null; headers?: Record<string, string> } = {}) =>
  productsRoute.action({ request: apiRequest(`/api/v1/products/${ref}`, { ...options, body }), context: routeContext(null), params: { externalRef: ref } } as never);

function productBody(over: Record<string, unknown> = {}) {
  return {
    nameZh: "税易贷",
    type: "CREDIT",
    minAmountFen: 10_000_000,
    maxAmountFen: 300_000_000,
    minTermMonths: 3,
    maxTermMonths: 12,
    minRateBps: 350,
    maxRateBps: 450,
    repaymentMethods: ["EQUAL_INSTALMENT"],
    guaranteeTypes: ["CREDIT"],
    eligibleSizes: ["MICRO", "SMALL"],
    responseDeadlineWorkingDays: 5,
    ...over,
  };
}

const productsWithRef = (externalRef: string) => prisma.product.count({ where: { institutionId: bankAdmin.institution!.id, externalRef } });
const ref = () => `REF-${uniqueSuffix()}`;

beforeAll(async () => {
  bankAdmin = await makeActor("bank_admin");
  const key = await createApiKey({ actor: bankAdmin, name: "信贷系统", ip: null });
  bankToken = key.token;
  bankKeyId = key.id;
  secondBankToken = (await createApiKey({ actor: bankAdmin, name: "另一套系统", ip: null })).token;
  financeToken = (await createApiKey({ actor: await makeActor("finance_office"), name: "数据交换平台", ip: null })).token;
});

afterAll(async () => {
  await getQueue(JOBS.importSignalBatch.queue).obliterate({ force: true });
  await closeQueues();
});

describe("Idempotency-Key", () => {
  it("replays the first response byte for byte, marked as replayed, and does nothing again", async () => {
    const externalRef = ref();
    const key = randomUUID();
    const first = await putProduct(externalRef, productBody(), { key });
    expect(first.status).toBe(201);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    const firstText = await first.text();
    const created = JSON.parse(firstText) as { id: string; version: number };

    const again = await putProduct(externalRef, productBody(), { key });
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.text()).toBe(firstText);
    expect(again.headers.get("Location")).toBe(first.headers.get("Location"));
    expect(again.headers.get("Content-Type")).toBe(first.headers.get("Content-Type"));
    expect(again.headers.get("Cache-Control")).toBe("no-store");

    expect(await productsWithRef(externalRef)).toBe(1);
    const product = await prisma.product.findUniqueOrThrow({ where: { id: created.id }, select: { version: true } });
    expect(product.version).toBe(created.version);
    expect(await prisma.auditLog.count({ where: { action: "product.created", entityId: created.id } })).toBe(1);
    expect(await prisma.auditLog.count({ where: { action: "product.updated", entityId: created.id } })).toBe(0);

    const record = await prisma.apiIdempotencyRecord.findUniqueOrThrow({ where: { apiKeyId_key: { apiKeyId: bankKeyId, key } } });
    expect(record).toMatchObject({ method: "PUT", path: `/api/v1/products/${externalRef}`, status: 201 });
    expect(record.requestHash).toMatch(/^[0-9a-f]{64}$/);
    expect(record.completedAt).not.toBeNull();
  });

  it("refuses a key reused for another body or another path with 422, changing nothing", async () => {
    const externalRef = ref();
    const key = randomUUID();
    expect((await putProduct(externalRef, productBody(), { key })).status).toBe(201);

    const otherBody = await putProduct(externalRef, productBody({ nameZh: "改过的名字" }), { key, headers: { "Accept-Language": "en" } });
    expect(otherBody.status).toBe(422);
    const body = (await otherBody.json()) as ErrorBody;
    expect(body.error.code).toBe("idempotencyKeyReused");
    expect(body.error.message).toMatch(/different request/);

    const otherRef = ref();
    const otherPath = await putProduct(otherRef, productBody(), { key });
    expect(otherPath.status).toBe(422);
    expect(((await otherPath.json()) as ErrorBody).error.code).toBe("idempotencyKeyReused");

    expect(await productsWithRef(otherRef)).toBe(0);
    const product = await prisma.product.findFirstOrThrow({ where: { externalRef }, select: { nameZh: true, version: true } });
    expect(product).toEqual({ nameZh: "税易贷", version: 1 });
  });

  it("runs ten concurrent identical requests once: the others are told it is in flight, or get its answer", async () => {
    const externalRef = ref();
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 10 }, () => putProduct(externalRef, productBody(), { key })));
    const outcomes = await Promise.all(
      responses.map(async (r) => ({
        status: r.status,
        replayed: r.headers.get("Idempotent-Replayed") === "true",
        retryAfter: r.headers.get("Retry-After"),
        body: (await r.json()) as { id?: string; error?: { code: string } },
      })),
    );
    const ran = outcomes.filter((o) => o.status === 201 && !o.replayed);
    expect(ran).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 201) expect(o.body.id).toBe(ran[0]!.body.id);
      else expect(o).toMatchObject({ status: 409, retryAfter: "1", body: { error: { code: "idempotencyKeyInFlight" } } });
    }
    expect(await productsWithRef(externalRef)).toBe(1);
    expect(await prisma.auditLog.count({ where: { action: "product.created", entityId: ran[0]!.body.id } })).toBe(1);
  });

  it("requires a well-formed key on every mutation and writes nothing without one", async () => {
    const externalRef = ref();
    const missing = await putProduct(externalRef, productBody(), { key: null });
    expect(missing.status).toBe(400);
    const body = (await missing.json()) as ErrorBody;
    expect(body.error.code).toBe("idempotencyKeyRequired");
    expect(body.error.message).toContain("Idempotency-Key");

    for (const key of ["has space", "tab\tinside", "x".repeat(256)]) {
      const invalid = await putProduct(externalRef, productBody(), { key });
      expect({ key, status: invalid.status }).toEqual({ key, status: 400 });
      expect(((await invalid.json()) as ErrorBody).error.code).toBe("idempotencyKeyInvalid");
    }
    expect((await putProduct(externalRef, productBody(), { key: "x".repeat(255) })).status).toBe(201);
    expect(await productsWithRef(externalRef)).toBe(1);

    // The credit-signal batch POST is under the same rule.
    const post = (key: string | null) =>
      batchesRoute.action({
        request: apiRequest("/api/v1/credit-signal-batches", {
          method: "POST",
          token: financeToken,
          key,
          body: { kind: "TAX_GRADE", source: "市税务局", rows: [{ uscc: "91211100MA0Q5X8K3A", year: "2025", grade: "A", as_of: "2026-01-31" }] },
        }),
        context: routeContext(null),
        params: {},
      } as never);
    const before = await prisma.creditSignalBatch.count();
    expect((await post(null)).status).toBe(400);
    expect(await prisma.creditSignalBatch.count()).toBe(before);
  });

  it("keeps a 4xx answer for its key, and gives the batch POST's 202 back on a retry", async () => {
    const externalRef = ref();
    const key = randomUUID();
    const invalid = await putProduct(externalRef, productBody({ maxAmountFen: 1 }), { key });
    expect(invalid.status).toBe(422);
    const text = await invalid.text();
    const retry = await putProduct(externalRef, productBody({ maxAmountFen: 1 }), { key });
    expect(retry.status).toBe(422);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await retry.text()).toBe(text);
    expect(await productsWithRef(externalRef)).toBe(0);

    const { uscc } = await makeEnterprise();
    const batchKey = randomUUID();
    const post = () =>
      batchesRoute.action({
        request: apiRequest("/api/v1/credit-signal-batches", {
          method: "POST",
          token: financeToken,
          key: batchKey,
          body: { kind: "TAX_GRADE", source: "市税务局", rows: [{ uscc, year: "2025", grade: "B", as_of: "2026-01-31" }] },
        }),
        context: routeContext(null),
        params: {},
      } as never);
    const first = await post();
    expect(first.status).toBe(202);
    const firstText = await first.text();
    const second = await post();
    expect(second.status).toBe(202);
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    expect(second.headers.get("Location")).toBe(first.headers.get("Location"));
    expect(await second.text()).toBe(firstText);
  });

  it("keeps keys apart per API key", async () => {
    const key = randomUUID();
    const mine = ref();
    const theirs = ref();
    expect((await putProduct(mine, productBody(), { key })).status).toBe(201);
    // The same key string from another API key is another key altogether.
    const other = await putProduct(theirs, productBody(), { key, token: secondBankToken });
    expect(other.status).toBe(201);
    expect(other.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await productsWithRef(theirs)).toBe(1);
  });
});

describe("withIdempotency", () => {
  let actor: Actor;
  beforeAll(async () => {
    actor = (await authenticateApiKey(`Bearer ${bankToken}`, "10.201.0.2"))!;
  });

  const request = (key: string, body = "{}") =>
    new Request("http://localhost/api/v1/test", { method: "POST", headers: { "Idempotency-Key": key, "Content-Type": "application/json" }, body });
  const json = (status: number, body: unknown) => Response.json(body, { status });

  it("releases the key on a 5xx or a thrown error, so a retry runs again", async () => {
    const key = randomUUID();
    let runs = 0;
    const failing = await withIdempotency(request(key), actor, async () => {
      runs++;
      throw new Error("simulated failure");
    }, { maxBodyBytes: 1024 });
    expect(failing.status).toBe(500);
    expect(await prisma.apiIdempotencyRecord.count({ where: { apiKeyId: bankKeyId, key } })).toBe(0);

    const unavailable = await withIdempotency(request(key), actor, async () => {
      runs++;
      return json(503, { error: { code: "server" } });
    }, { maxBodyBytes: 1024 });
    expect(unavailable.status).toBe(503);

    const ok = await withIdempotency(request(key), actor, async () => {
      runs++;
      return json(201, { done: true });
    }, { maxBodyBytes: 1024 });
    expect(ok.status).toBe(201);
    expect(runs).toBe(3);
    expect(await prisma.apiIdempotencyRecord.findUniqueOrThrow({ where: { apiKeyId_key: { apiKeyId: bankKeyId, key } } })).toMatchObject({ status: 201 });
  });

  it("refuses a body over the handler's bound before claiming the key", async () => {
    const key = randomUUID();
    let ran = false;
    const response = await withIdempotency(request(key, JSON.stringify({ pad: "x".repeat(2048) })), actor, async () => {
      ran = true;
      return json(200, {});
    }, { maxBodyBytes: 1024 });
    expect(response.status).toBe(413);
    expect(ran).toBe(false);
    expect(await prisma.apiIdempotencyRecord.count({ where: { apiKeyId: bankKeyId, key } })).toBe(0);
  });

  it("lets a retry take over a first request lost for longer than the lease", async () => {
    const key = randomUUID();
    let finishFirst!: () => void;
    const first = withIdempotency(request(key), actor, () => new Promise<Response>((resolve) => (finishFirst = () => resolve(json(201, { run: "first" })))), {
      maxBodyBytes: 1024,
    });
    // Wait until the first has claimed the key.
    for (let i = 0; i < 100 && (await prisma.apiIdempotencyRecord.count({ where: { apiKeyId: bankKeyId, key } })) === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const inFlight = await withIdempotency(request(key), actor, async () => json(201, { run: "second" }), { maxBodyBytes: 1024 });
    expect(inFlight.status).toBe(409);

    await prisma.apiIdempotencyRecord.update({
      where: { apiKeyId_key: { apiKeyId: bankKeyId, key } },
      data: { createdAt: new Date(Date.now() - IDEMPOTENCY_LEASE_MS - 1000) },
    });
    const takeover = await withIdempotency(request(key), actor, async () => json(201, { run: "third" }), { maxBodyBytes: 1024 });
    expect(await takeover.json()).toEqual({ run: "third" });

    // The lost request finishing late does not overwrite the answer now kept.
    finishFirst();
    expect(await (await first).json()).toEqual({ run: "first" });
    const replay = await withIdempotency(request(key), actor, async () => json(201, { run: "fourth" }), { maxBodyBytes: 1024 });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await replay.json()).toEqual({ run: "third" });
  });

  it("does not keep a response over the size bound, and says so on a retry instead of running again", async () => {
    const key = randomUUID();
    let runs = 0;
    const big = () =>
      withIdempotency(request(key), actor, async () => {
        runs++;
        return json(200, { pad: "x".repeat(MAX_STORED_RESPONSE_BYTES) });
      }, { maxBodyBytes: 1024 });
    const first = await big();
    expect(first.status).toBe(200);
    expect((await first.text()).length).toBeGreaterThan(MAX_STORED_RESPONSE_BYTES);
    const retry = await big();
    expect(retry.status).toBe(409);
    expect(((await retry.json()) as ErrorBody).error.code).toBe("idempotencyResponseNotStored");
    expect(runs).toBe(1);
  });

  it("expires keys after 24 hours, and the purge deletes exactly the expired records", async () => {
    const oldKey = randomUUID();
    const freshKey = randomUUID();
    await withIdempotency(request(oldKey), actor, async () => json(201, { n: 1 }), { maxBodyBytes: 1024 });
    await withIdempotency(request(freshKey), actor, async () => json(201, { n: 2 }), { maxBodyBytes: 1024 });
    await prisma.apiIdempotencyRecord.update({
      where: { apiKeyId_key: { apiKeyId: bankKeyId, key: oldKey } },
      data: { createdAt: new Date(Date.now() - IDEMPOTENCY_RETENTION_MS - 60_000) },
    });

    // Past retention the key is free again, even before the purge: another body runs.
    const reused = await withIdempotency(request(oldKey, '{"other":true}'), actor, async () => json(201, { n: 3 }), { maxBodyBytes: 1024 });
    expect(reused.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await reused.json()).toEqual({ n: 3 });

    await prisma.apiIdempotencyRecord.update({
      where: { apiKeyId_key: { apiKeyId: bankKeyId, key: oldKey } },
      data: { createdAt: new Date(Date.now() - IDEMPOTENCY_RETENTION_MS - 60_000) },
    });
    const purged = await purgeIdempotencyRecords(prisma, new Date(Date.now() - IDEMPOTENCY_RETENTION_MS));
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await prisma.apiIdempotencyRecord.count({ where: { apiKeyId: bankKeyId, key: oldKey } })).toBe(0);
    expect(await prisma.apiIdempotencyRecord.count({ where: { apiKeyId: bankKeyId, key: freshKey } })).toBe(1);
  });

  it("lets safe methods through untouched and refuses an actor that is not an API key", async () => {
    let ran = 0;
    const get = await withIdempotency(new Request("http://localhost/api/v1/test"), actor, async () => {
      ran++;
      return json(200, {});
    }, { maxBodyBytes: 1024 });
    expect(get.status).toBe(200);
    expect(ran).toBe(1);
    await expect(withIdempotency(request(randomUUID()), bankAdmin, async () => json(200, {}), { maxBodyBytes: 1024 })).rejects.toThrow(/API key/);
  });
});

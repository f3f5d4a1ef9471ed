/**
 * API keys and the credit-signal batch API: keys carry only machine
 * permissions their creator holds, stop working when revoked or when their
 * creator or institution does, resist guessing, and the JSON endpoints keep
 * each institution to its own batches and answer in the caller's language.
 */
import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import {
  authenticateApiKey,
  createApiKey,
  listApiKeys,
  MAX_LIVE_API_KEYS_PER_INSTITUTION,
  revokeApiKey,
} from "~/domain/auth/api-keys.server";
import { API_AUTH_MAX_FAILURES } from "~/domain/auth/api-rate-limit.server";
import { JOBS } from "~/jobs/definitions";
import { closeQueues, getQueue } from "~/jobs/enqueue.server";
import * as batchRoute from "~/routes/api/v1/credit-signal-batch";
import * as batchesRoute from "~/routes/api/v1/credit-signal-batches";
import * as apiKeysPage from "~/routes/app/api-keys";
import { readJsonBody } from "~/web/api.server";
import { makeActor, makeEnterprise, outcome, routeContext, uniqueSuffix } from "../helpers";

let financeA: Actor;
let financeB: Actor;
let bankAdmin: Actor;
let tokenA: string;
let tokenB: string;
let bankToken: string;
let uscc: string;

function freshIp(): string {
  const b = Buffer.from(uniqueSuffix(), "hex");
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

function apiRequest(
  path: string,
  options: { token?: string | null; method?: string; body?: unknown; rawBody?: BodyInit; headers?: Record<string, string>; ip?: string } = {},
): Request {
  const headers: Record<string, string> = { "x-xyd-client-ip": options.ip ?? "10.200.0.1", "Idempotency-Key": randomUUID(), ...options.headers };
  if (options.token !== null) headers.Authorization = `Bearer ${options.token ?? tokenA}`;
  const hasBody = options.body !== undefined || options.rawBody !== undefined;
  if (hasBody && !headers["Content-Type"]) headers["Content-Type"] = "application/json";
  return new Request(`http://localhost${path}`, {
    method: options.method ?? (hasBody ? "POST" : "GET"),
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    ...(options.rawBody instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

const postBatches = (request: Request) => batchesRoute.action({ request, context: routeContext(null), params: {} } as never);
const getBatches = (request: Request) => batchesRoute.loader({ request, context: routeContext(null), params: {} } as never);
const getBatch = (request: Request, batchId: string) =>
  batchRoute.loader({ request, context: routeContext(null), params: { batchId } } as never);

type ErrorBody = { error: { code: string; message: string; issues?: { path: (string | number)[]; code: string; message: string }[] } };

function taxGradeRows(year: string) {
  return [{ uscc, year, grade: "A", as_of: "2026-01-31" }];
}

beforeAll(async () => {
  financeA = await makeActor("finance_office");
  financeB = await makeActor("finance_office");
  bankAdmin = await makeActor("bank_admin");
  tokenA = (await createApiKey({ actor: financeA, name: "数据交换平台", ip: "10.0.0.1" })).token;
  tokenB = (await createApiKey({ actor: financeB, name: "Other city", ip: "10.0.0.2" })).token;
  bankToken = (await createApiKey({ actor: bankAdmin, name: "信贷系统", ip: "10.0.0.3" })).token;
  uscc = (await makeEnterprise()).uscc;
});

afterAll(async () => {
  await getQueue(JOBS.importSignalBatch.queue).obliterate({ force: true });
  await closeQueues();
});

describe("API keys", () => {
  it("authenticate as the creator's institution with only the machine permissions the creator holds", async () => {
    const created = await createApiKey({ actor: financeA, name: "  征信对接  ", ip: "10.0.0.9" });
    expect(created.token).toMatch(/^xyd_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.token.startsWith(`xyd_${created.prefix}_`)).toBe(true);
    expect(created.name).toBe("征信对接");

    const stored = await prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    const secret = created.token.slice(`xyd_${created.prefix}_`.length);
    expect(stored.secretHash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(stored)).not.toContain(secret);
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: "api-key.created", entityId: created.id } });
    expect(JSON.stringify(audit.summary)).not.toContain(secret);
    expect(audit.ip).toBe("10.0.0.9");

    const actor = await authenticateApiKey(`Bearer ${created.token}`, freshIp());
    expect(actor).toMatchObject({
      userId: financeA.userId,
      sessionId: `api-key:${created.id}`,
      username: `api:${created.prefix}`,
      displayName: "征信对接",
      roleKey: "finance_office",
      institution: { id: financeA.institution!.id },
      enterprise: null,
    });
    // The finance office role can read the audit log and manage keys; its key can only import.
    expect([...actor!.permissions]).toEqual(["import:credit-signal:any"]);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).not.toBeNull();

    const bank = await authenticateApiKey(`Bearer ${bankToken}`, freshIp());
    expect([...bank!.permissions].sort()).toEqual(
      [
        "decide:application:institution",
        "file:claim:institution",
        "manage:loan:institution",
        "manage:product:institution",
        "read:need-inbox:institution",
      ].sort(),
    );
    for (const p of ["manage:api-key:institution", "create:user:institution", "read:credit-report:authorised"] as const) {
      expect(bank!.permissions.has(p)).toBe(false);
    }

    const listed = await listApiKeys(financeA);
    expect(listed.map((k) => k.id)).toContain(created.id);
    expect(JSON.stringify(listed)).not.toContain(stored.secretHash);
    expect(listed.every((k) => !("secretHash" in k))).toBe(true);
    expect((await listApiKeys(financeB)).map((k) => k.id)).not.toContain(created.id);

    const officer = await makeActor("loan_officer", { institutionId: bankAdmin.institution!.id });
    await expect(createApiKey({ actor: officer, name: "x", ip: null })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("refuses a revoked key; revoking is idempotent, audited once, and only within the institution", async () => {
    const created = await createApiKey({ actor: financeA, name: "即将吊销", ip: null });
    expect(await authenticateApiKey(`Bearer ${created.token}`, freshIp())).not.toBeNull();

    await expect(revokeApiKey({ actor: financeB, apiKeyId: created.id, ip: null })).rejects.toMatchObject({ status: 404 });
    const first = await revokeApiKey({ actor: financeA, apiKeyId: created.id, ip: "10.0.0.4" });
    const second = await revokeApiKey({ actor: financeA, apiKeyId: created.id, ip: "10.0.0.4" });
    expect(second.revokedAt.getTime()).toBe(first.revokedAt.getTime());
    expect(await prisma.auditLog.count({ where: { action: "api-key.revoked", entityId: created.id } })).toBe(1);

    expect(await authenticateApiKey(`Bearer ${created.token}`, freshIp())).toBeNull();
    const response = await getBatches(apiRequest("/api/v1/credit-signal-batches", { token: created.token }));
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
  });

  it("stops working when the creator is disabled or the institution suspended", async () => {
    const creator = await makeActor("finance_office");
    const { token } = await createApiKey({ actor: creator, name: "停用测试", ip: null });
    expect(await authenticateApiKey(`Bearer ${token}`, freshIp())).not.toBeNull();

    await prisma.user.update({ where: { id: creator.userId }, data: { status: "DISABLED" } });
    expect(await authenticateApiKey(`Bearer ${token}`, freshIp())).toBeNull();
    await prisma.user.update({ where: { id: creator.userId }, data: { status: "ACTIVE" } });
    expect(await authenticateApiKey(`Bearer ${token}`, freshIp())).not.toBeNull();

    await prisma.institution.update({ where: { id: creator.institution!.id }, data: { status: "SUSPENDED" } });
    expect(await authenticateApiKey(`Bearer ${token}`, freshIp())).toBeNull();
  });

  it(`allows at most ${MAX_LIVE_API_KEYS_PER_INSTITUTION} live keys per institution`, async () => {
    const admin = await makeActor("bank_admin");
    const keys = [];
    for (let i = 0; i < MAX_LIVE_API_KEYS_PER_INSTITUTION; i++) keys.push(await createApiKey({ actor: admin, name: `key ${i}`, ip: null }));
    await expect(createApiKey({ actor: admin, name: "one too many", ip: null })).rejects.toMatchObject({
      code: "apiKeys.limitReached",
      params: { max: MAX_LIVE_API_KEYS_PER_INSTITUTION },
    });
    await revokeApiKey({ actor: admin, apiKeyId: keys[0]!.id, ip: null });
    await expect(createApiKey({ actor: admin, name: "after a revocation", ip: null })).resolves.toMatchObject({ name: "after a revocation" });
  });

  it("refuses a wrong secret, and blocks an address after repeated failures even with a valid key", async () => {
    const ip = freshIp();
    const prefix = tokenA.split("_")[1]!;
    const wrong = `xyd_${prefix}_${"A".repeat(43)}`;
    expect(await authenticateApiKey(`Bearer ${wrong}`, ip)).toBeNull();
    expect(await authenticateApiKey("Bearer not-a-key", ip)).toBeNull();
    for (let i = 2; i < API_AUTH_MAX_FAILURES; i++) expect(await authenticateApiKey(`Bearer ${wrong}`, ip)).toBeNull();

    const blocked = await getBatches(apiRequest("/api/v1/credit-signal-batches", { token: tokenA, ip, headers: { "Accept-Language": "en" } }));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(blocked.headers.get("Cache-Control")).toBe("no-store");
    const body = (await blocked.json()) as ErrorBody;
    expect(body.error.code).toBe("rateLimited");
    expect(body.error.message).toMatch(/Too many failed/);

    // Another address is unaffected.
    expect((await getBatches(apiRequest("/api/v1/credit-signal-batches", { token: tokenA, ip: freshIp() }))).status).toBe(200);
  });
});

describe("credit-signal batch API", () => {
  it("accepts a JSON batch with 202, and a repeat of the same rows changes nothing", async () => {
    const rows = taxGradeRows("2025");
    const first = await postBatches(apiRequest("/api/v1/credit-signal-batches", { body: { kind: "TAX_GRADE", source: "市税务局", rows } }));
    expect(first.status).toBe(202);
    expect(first.headers.get("Cache-Control")).toBe("no-store");
    const created = (await first.json()) as { batchId: string; duplicate: boolean; status: string; statusUrl: string };
    expect(created).toMatchObject({ duplicate: false, status: "QUEUED" });
    expect(created.statusUrl).toBe(`http://localhost/api/v1/credit-signal-batches/${created.batchId}`);
    expect(first.headers.get("Location")).toBe(created.statusUrl);

    const batch = await prisma.creditSignalBatch.findUniqueOrThrow({ where: { id: created.batchId } });
    expect(batch).toMatchObject({ kind: "TAX_GRADE", format: "JSON", policy: "ALL_OR_NOTHING", institutionId: financeA.institution!.id, createdById: financeA.userId });
    expect(await prisma.auditLog.count({ where: { action: "credit-signal-batch.submitted", entityId: created.batchId } })).toBe(1);

    // Same rows, keys in another order: the same content.
    const again = await postBatches(
      apiRequest("/api/v1/credit-signal-batches", {
        body: { rows: rows.map((r) => ({ as_of: r.as_of, grade: r.grade, year: r.year, uscc: r.uscc })), source: "市税务局", kind: "TAX_GRADE" },
      }),
    );
    expect(again.status).toBe(200);
    const repeat = (await again.json()) as { batchId: string; duplicate: boolean; message: string };
    expect(repeat).toMatchObject({ batchId: created.batchId, duplicate: true });
    expect(repeat.message).toContain("未做任何更改");
    expect(await prisma.creditSignalBatch.count({ where: { institutionId: financeA.institution!.id, kind: "TAX_GRADE", fileSha256: batch.fileSha256 } })).toBe(1);

    const status = await getBatch(apiRequest(`/api/v1/credit-signal-batches/${created.batchId}`), created.batchId);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ batchId: created.batchId, status: "QUEUED", progress: { phase: "QUEUED", percent: 0 }, errors: [], errorsTotal: 0 });

    const list = (await (await getBatches(apiRequest("/api/v1/credit-signal-batches?page=1&pageSize=5"))).json()) as {
      total: number;
      items: { batchId: string }[];
    };
    expect(list.items.map((i) => i.batchId)).toContain(created.batchId);
  });

  it("shows a batch only to its own institution", async () => {
    const posted = await postBatches(apiRequest("/api/v1/credit-signal-batches", { body: { kind: "TAX_GRADE", source: "市税务局", rows: taxGradeRows("2024") } }));
    const { batchId } = (await posted.json()) as { batchId: string };

    const other = await getBatch(apiRequest(`/api/v1/credit-signal-batches/${batchId}`, { token: tokenB }), batchId);
    expect(other.status).toBe(404);
    expect(((await other.json()) as ErrorBody).error.code).toBe("notFound");
    const otherList = (await (await getBatches(apiRequest("/api/v1/credit-signal-batches", { token: tokenB }))).json()) as { items: { batchId: string }[] };
    expect(otherList.items.map((i) => i.batchId)).not.toContain(batchId);

    expect((await getBatch(apiRequest("/api/v1/credit-signal-batches/nope"), "nope")).status).toBe(404);
  });

  it("lists row errors with translated messages, a page at a time, each page ending on a whole line", async () => {
    const posted = await postBatches(apiRequest("/api/v1/credit-signal-batches", { body: { kind: "TAX_GRADE", source: "市税务局", rows: taxGradeRows("2023") } }));
    const { batchId } = (await posted.json()) as { batchId: string };
    // Two problems on each of 150 lines: 300 errors, so the first page of 200 ends on line 100.
    await prisma.creditSignalBatchError.createMany({
      data: Array.from({ length: 150 }, (_, i) => [
        { batchId, line: i + 1, column: "uscc", code: "uscc.length", params: { length: 16 } },
        { batchId, line: i + 1, column: "grade", code: "required", params: {} },
      ]).flat(),
    });
    await prisma.creditSignalBatch.update({ where: { id: batchId }, data: { status: "REJECTED", rowsTotal: 150, rowsRejected: 150 } });

    const zh = (await (await getBatch(apiRequest(`/api/v1/credit-signal-batches/${batchId}`), batchId)).json()) as {
      status: string;
      counts: { rowsRejected: number };
      errorsTotal: number;
      errors: { line: number; column: string; code: string; message: string }[];
      nextErrorsAfterLine: number | null;
    };
    expect(zh).toMatchObject({ status: "REJECTED", counts: { rowsRejected: 150 }, errorsTotal: 300, nextErrorsAfterLine: 100 });
    expect(zh.errors).toHaveLength(200);
    expect(zh.errors[0]).toEqual({ line: 1, column: "uscc", code: "uscc.length", message: "统一社会信用代码应为 18 位，您输入了 16 位" });

    const en = (await (
      await getBatch(apiRequest(`/api/v1/credit-signal-batches/${batchId}?errorsAfterLine=100`, { headers: { "Accept-Language": "en-US,en;q=0.9" } }), batchId)
    ).json()) as typeof zh;
    expect(en.errors).toHaveLength(100);
    expect(en.errors[0]!.line).toBe(101);
    expect(en.errors.find((e) => e.code === "required")!.message).toBe("Please fill this in");
    expect(en.nextErrorsAfterLine).toBeNull();
  });

  it("refuses an invalid body with 422 and issues in the caller's language", async () => {
    const before = await prisma.creditSignalBatch.count();
    const body = { kind: "NOT_A_KIND", source: "", extra: true };
    const zhResponse = await postBatches(apiRequest("/api/v1/credit-signal-batches", { body, headers: { "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8" } }));
    expect(zhResponse.status).toBe(422);
    const zh = (await zhResponse.json()) as ErrorBody;
    expect(zh.error.code).toBe("validationFailed");
    expect(zh.error.message).toBe("请求内容未通过校验，详见 issues");
    expect(zh.error.issues).toEqual(
      expect.arrayContaining([
        { path: ["kind"], code: "invalidChoice", message: "请从列表中选择" },
        { path: ["source"], code: "required", message: "请填写此项" },
        { path: ["rows"], code: "required", message: "请填写此项" },
        { path: [], code: "unrecognized_keys", message: "不支持的字段：extra" },
      ]),
    );

    const enResponse = await postBatches(apiRequest("/api/v1/credit-signal-batches", { body, headers: { "Accept-Language": "en" } }));
    expect(enResponse.status).toBe(422);
    const en = (await enResponse.json()) as ErrorBody;
    expect(en.error.message).toBe("The request is invalid; see issues");
    expect(en.error.issues).toContainEqual({ path: ["kind"], code: "invalidChoice", message: "Choose an option from the list" });

    const notJson = await postBatches(apiRequest("/api/v1/credit-signal-batches", { rawBody: "{", headers: { "Accept-Language": "en" } }));
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as ErrorBody).error.code).toBe("invalidJson");
    expect(await prisma.creditSignalBatch.count()).toBe(before);
  });

  it("refuses a non-JSON body with 415 and an oversized one with 413, before reading it", async () => {
    const csv = await postBatches(apiRequest("/api/v1/credit-signal-batches", { rawBody: "uscc,year\n", headers: { "Content-Type": "text/csv" } }));
    expect(csv.status).toBe(415);
    expect(((await csv.json()) as ErrorBody).error.code).toBe("unsupportedMediaType");

    const declared = await postBatches(
      apiRequest("/api/v1/credit-signal-batches", { rawBody: "{}", headers: { "Content-Length": String(1024 * 1024 * 1024), "Accept-Language": "en" } }),
    );
    expect(declared.status).toBe(413);
    const body = (await declared.json()) as ErrorBody;
    expect(body.error.code).toBe("payloadTooLarge");
    expect(body.error.message).toMatch(/exceeds the limit of 128 MB/);

    // A body that declares no length is counted as it streams and cut off at the bound.
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1024;
        controller.enqueue(new Uint8Array(1024).fill(0x20));
        if (sent > 1024 * 1024) controller.close();
      },
    });
    const streamed = apiRequest("/api/v1/credit-signal-batches", { rawBody: stream });
    await expect(readJsonBody(streamed, 64 * 1024)).rejects.toMatchObject({ status: 413 });
    expect(sent).toBeLessThan(1024 * 1024);
  });

  it("requires a key that may import: none is 401, a bank's key is 403", async () => {
    const anonymous = await postBatches(apiRequest("/api/v1/credit-signal-batches", { token: null, body: { kind: "TAX_GRADE", source: "x", rows: [{}] } }));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect(((await anonymous.json()) as ErrorBody).error.code).toBe("unauthorized");

    const bank = await postBatches(
      apiRequest("/api/v1/credit-signal-batches", { token: bankToken, body: { kind: "TAX_GRADE", source: "x", rows: taxGradeRows("2022") } }),
    );
    expect(bank.status).toBe(403);
    expect(((await bank.json()) as ErrorBody).error).toMatchObject({ code: "forbidden", message: "此 API 密钥没有执行该操作的权限" });
    expect((await getBatches(apiRequest("/api/v1/credit-signal-batches", { token: bankToken }))).status).toBe(403);

    const put = await postBatches(apiRequest("/api/v1/credit-signal-batches", { method: "PUT", body: {} }));
    expect(put.status).toBe(405);
    expect(put.headers.get("Allow")).toBe("GET, POST");
  });
});

describe("the API-keys page", () => {
  const page = (actor: Actor | null, form?: Record<string, string>) => {
    const request = new Request("http://localhost/app/api-keys", form ? { method: "POST", body: new URLSearchParams(form) } : undefined);
    const args = { request, context: routeContext(actor), params: {} } as never;
    return outcome(() => (form ? apiKeysPage.action(args) : apiKeysPage.loader(args)));
  };

  it("is for bank administrators and the finance office only", async () => {
    expect((await page(bankAdmin)).status).toBe(200);
    expect((await page(financeA)).status).toBe(200);
    for (const role of ["loan_officer", "sme", "regulator", "platform_admin"] as const) {
      expect({ role, status: (await page(await makeActor(role))).status }).toEqual({ role, status: 403 });
      expect({ role, status: (await page(await makeActor(role), { intent: "create", name: "x" })).status }).toEqual({ role, status: 403 });
    }
    expect((await page(null)).status).toBe(302);
  });

  it("shows the token once on creation, lists keys without secrets, and revokes through the form", async () => {
    const admin = await makeActor("bank_admin");
    const invalid = await page(admin, { intent: "create", name: "   " });
    expect((invalid.data as { init: { status: number } }).init.status).toBe(400);

    const created = (await page(admin, { intent: "create", name: "核心系统" })).data as {
      data: { created: { name: string; prefix: string; token: string } };
      init: { headers: Record<string, string> };
    };
    expect(created.data.created.token).toMatch(/^xyd_/);
    expect(created.init.headers["Cache-Control"]).toBe("no-store");

    const listed = (await page(admin)).data as { keys: { id: string; prefix: string; revokedAt: string | null }[]; live: number };
    expect(listed.live).toBe(1);
    expect(listed.keys[0]!.prefix).toBe(created.data.created.prefix);
    expect(JSON.stringify(listed)).not.toContain(created.data.created.token.split("_").slice(2).join("_"));

    const revoked = (await page(admin, { intent: "revoke", apiKeyId: listed.keys[0]!.id })).data as { data: { revoked: string } };
    expect(revoked.data.revoked).toBe("核心系统");
    expect(((await page(admin)).data as { live: number }).live).toBe(0);
    expect(await authenticateApiKey(`Bearer ${created.data.created.token}`, freshIp())).toBeNull();

    // Another bank's key id is simply not found.
    const other = await createApiKey({ actor: bankAdmin, name: "别家的", ip: null });
    expect((await page(admin, { intent: "revoke", apiKeyId: other.id })).status).toBe(404);
  });
});

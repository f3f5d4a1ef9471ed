/**
 * A bank's systems keep its products in step through the API, by the bank's
 * own product code: create a draft, save over it, submit it; a product in
 * review or on the shelf is refused. Each bank sees only its own codes. The
 * needs inbox is readable the same way, and the OpenAPI document describes
 * every endpoint, browsable at /api/docs without anything from elsewhere.
 */
import { randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { createApiKey } from "~/domain/auth/api-keys.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { rematchNeeds } from "~/domain/matching/rematch.server";
import { calendarDay } from "~/domain/needs/need-rules";
import { postNeed } from "~/domain/needs/post-need.server";
import { closeQueues } from "~/jobs/enqueue.server";
import * as docsAssetRoute from "~/routes/api/docs-asset";
import * as docsRoute from "~/routes/api/docs";
import * as inboxRoute from "~/routes/api/v1/inbox";
import * as openApiRoute from "~/routes/api/v1/openapi-json";
import * as productsRoute from "~/routes/api/v1/products";
import { API_OPERATIONS } from "~/web/api-operations";
import { openApiDocument } from "~/web/openapi.server";
import { makeActor, makeProduct, routeContext, uniqueSuffix } from "../helpers";

type ErrorBody = { error: { code: string; message: string; issues?: { path: (string | number)[]; code: string; message: string }[] } };
type Saved = { id: string; code: string; externalRef: string; status: string; version: number; url: string };

let bankAdmin: Actor;
let bankToken: string;
let otherBankToken: string;
let financeToken: string;

function apiRequest(path: string, options: { token?: string | null; method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { "x-xyd-client-ip": "10.202.0.1", ...options.headers };
  if (options.token !== null) headers.Authorization = `Bearer ${options.token ?? bankToken}`;
  const method = options.method ?? (options.body === undefined ? "GET" : "PUT");
  if (method !== "GET") headers["Idempotency-Key"] ??= randomUUID();
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  return new Request(`http://localhost${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
}

const args = (request: Request, params: Record<string, string> = {}) => ({ request, context: routeContext(null), params }) as never;
const put = (ref: string, body: unknown, options: { token?: string | null; headers?: Record<string, string> } = {}) =>
  productsRoute.action(args(apiRequest(`/api/v1/products/${encodeURIComponent(ref)}`, { ...options, body }), { externalRef: ref }));
const get = (ref: string, options: { token?: string | null } = {}) =>
  productsRoute.loader(args(apiRequest(`/api/v1/products/${encodeURIComponent(ref)}`, options), { externalRef: ref }));
const inbox = (query = "", options: { token?: string | null } = {}) => inboxRoute.loader(args(apiRequest(`/api/v1/inbox${query}`, options)));

function productBody(over: Record<string, unknown> = {}) {
  return {
    nameZh: "辽河口稻蟹贷",
    nameEn: "Rice-crab loan",
    type: "CREDIT",
    scenarioTags: ["AGRI"],
    description: "服务稻蟹种养主体的信用贷款",
    minAmountFen: 5_000_000,
    maxAmountFen: "200000000",
    minTermMonths: 6,
    maxTermMonths: 24,
    minRateBps: 360,
    maxRateBps: 600,
    repaymentMethods: ["INTEREST_ONLY_BULLET"],
    guaranteeTypes: ["CREDIT", "GUARANTOR"],
    eligibleSizes: ["MICRO", "SMALL"],
    minYearsInOperation: 1,
    redListRateDiscountBps: 20,
    redListLimitUpliftPercent: 10,
    requiredMaterials: ["营业执照", "土地流转合同"],
    responseDeadlineWorkingDays: 5,
    ...over,
  };
}

beforeAll(async () => {
  bankAdmin = await makeActor("bank_admin");
  bankToken = (await createApiKey({ actor: bankAdmin, name: "信贷系统", ip: null })).token;
  otherBankToken = (await createApiKey({ actor: await makeActor("bank_admin"), name: "别家银行", ip: null })).token;
  financeToken = (await createApiKey({ actor: await makeActor("finance_office"), name: "数据交换平台", ip: null })).token;
});

afterAll(async () => {
  await closeQueues();
});

describe("PUT/GET /api/v1/products/{externalRef}", () => {
  it("creates a draft, saves over it, submits it, then refuses edits while it is under review", async () => {
    const ref = `RICE-CRAB.${uniqueSuffix()}`;
    expect((await get(ref)).status).toBe(404);

    const created = await put(ref, productBody());
    expect(created.status).toBe(201);
    const first = (await created.json()) as Saved;
    expect(first).toMatchObject({ externalRef: ref, status: "DRAFT", version: 1, url: `http://localhost/api/v1/products/${ref}` });
    expect(created.headers.get("Location")).toBe(first.url);
    const stored = await prisma.product.findUniqueOrThrow({ where: { id: first.id } });
    expect(stored).toMatchObject({
      institutionId: bankAdmin.institution!.id,
      externalRef: ref,
      code: first.code,
      createdById: bankAdmin.userId,
      minAmountFen: 5_000_000n,
      maxAmountFen: 200_000_000n,
      minRateBps: 360,
      redListLimitUpliftBps: 1000,
      requiredMaterials: ["营业执照", "土地流转合同"],
    });

    const read = await get(ref);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({
      id: first.id,
      status: "DRAFT",
      minAmountFen: 5_000_000,
      maxAmountFen: 200_000_000,
      minRateBps: 360,
      maxRateBps: 600,
      redListLimitUpliftPercent: 10,
      minCreditGrade: null,
      fundId: null,
    });

    const updated = await put(ref, productBody({ nameZh: "稻蟹贷（第二版）", maxRateBps: 580 }));
    expect(updated.status).toBe(200);
    const second = (await updated.json()) as Saved;
    expect(second).toMatchObject({ id: first.id, status: "DRAFT", version: 2 });
    expect(await prisma.product.findUniqueOrThrow({ where: { id: first.id }, select: { nameZh: true, maxRateBps: true } })).toEqual({
      nameZh: "稻蟹贷（第二版）",
      maxRateBps: 580,
    });
    expect(await prisma.auditLog.count({ where: { entityId: first.id, action: "product.updated" } })).toBe(1);

    const submitted = await put(ref, productBody({ nameZh: "稻蟹贷（第二版）", maxRateBps: 580, submitForReview: true }));
    expect(submitted.status).toBe(200);
    expect(await submitted.json()).toMatchObject({ id: first.id, status: "UNDER_REVIEW", version: 4 });
    expect(await prisma.productEvent.count({ where: { productId: first.id, toStatus: "UNDER_REVIEW" } })).toBe(1);

    const refused = await put(ref, productBody({ nameZh: "审核中又改" }));
    expect(refused.status).toBe(409);
    const zh = (await refused.json()) as ErrorBody;
    expect(zh.error.code).toBe("productNotEditable");
    expect(zh.error.message).toContain("撤回");
    const en = (await (await put(ref, productBody({ nameZh: "again" }), { headers: { "Accept-Language": "en" } })).json()) as ErrorBody;
    expect(en.error.message).toMatch(/withdraw it .* in the web console/);
    expect(await prisma.product.findUniqueOrThrow({ where: { id: first.id }, select: { nameZh: true, status: true } })).toEqual({
      nameZh: "稻蟹贷（第二版）",
      status: "UNDER_REVIEW",
    });
    expect(await prisma.product.count({ where: { externalRef: ref } })).toBe(1);
  });

  it("can create and submit in one request", async () => {
    const ref = `SUBMIT-${uniqueSuffix()}`;
    const response = await put(ref, productBody({ submitForReview: true }));
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ status: "UNDER_REVIEW", version: 2 });
  });

  it("keeps each bank to its own codes: another bank reads 404 and its PUT makes its own product", async () => {
    const ref = `SHARED-${uniqueSuffix()}`;
    const mine = (await (await put(ref, productBody())).json()) as Saved;

    const read = await get(ref, { token: otherBankToken });
    expect(read.status).toBe(404);
    expect(((await read.json()) as ErrorBody).error.code).toBe("notFound");

    const theirs = await put(ref, productBody({ nameZh: "别家的产品" }), { token: otherBankToken });
    expect(theirs.status).toBe(201);
    expect(((await theirs.json()) as Saved).id).not.toBe(mine.id);
    expect(await prisma.product.findUniqueOrThrow({ where: { id: mine.id }, select: { nameZh: true, version: true } })).toEqual({
      nameZh: "辽河口稻蟹贷",
      version: 1,
    });
  });

  it("checks the body with the product form's rules, reported under the API's field names", async () => {
    const ref = `INVALID-${uniqueSuffix()}`;
    const response = await put(ref, productBody({ minAmountFen: 3_000_000_00, maxAmountFen: 1_000_000, minRateBps: 600, maxRateBps: 500 }));
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("validationFailed");
    expect(body.error.issues).toEqual(
      expect.arrayContaining([
        { path: ["maxAmountFen"], code: "rangeInverted", message: "不能小于对应的最低值" },
        { path: ["maxRateBps"], code: "rangeInverted", message: "不能小于对应的最低值" },
      ]),
    );

    const typed = (await (
      await put(ref, { ...productBody({ minAmountFen: 12.5, minRateBps: 5000, eligibleSizes: [] }), nameZh: undefined, colour: "red" })
    ).json()) as ErrorBody;
    expect(typed.error.issues).toEqual(
      expect.arrayContaining([
        { path: ["minAmountFen"], code: "invalidNumber", message: "请输入整数" },
        { path: ["minRateBps"], code: "numberOutOfRange", message: "请输入 1 到 2400 之间的整数" },
        { path: ["eligibleSizes"], code: "chooseAtLeastOne", message: "请至少选择一项" },
        { path: ["nameZh"], code: "required", message: "请填写此项" },
        { path: [], code: "unrecognized_keys", message: "不支持的字段：colour" },
      ]),
    );

    const badRef = await put("has space", productBody());
    expect(badRef.status).toBe(422);
    expect(((await badRef.json()) as ErrorBody).error.issues![0]!.path).toEqual(["externalRef"]);
    expect((await get("has space")).status).toBe(404);
    expect(await prisma.product.count({ where: { externalRef: ref } })).toBe(0);
  });

  it("accepts money as a JSON integer or a string of digits, beyond 2^53 only as a string", async () => {
    const ref = `BIG-${uniqueSuffix()}`;
    const response = await put(ref, productBody({ minAmountFen: "100", maxAmountFen: "1000000000000" }));
    expect(response.status).toBe(201);
    expect(await (await get(ref)).json()).toMatchObject({ minAmountFen: 100, maxAmountFen: 1_000_000_000_000 });
    const tooLarge = (await (await put(ref, productBody({ maxAmountFen: "1000000000001" }))).json()) as ErrorBody;
    expect(tooLarge.error.issues).toContainEqual({ path: ["maxAmountFen"], code: "moneyTooLarge", message: "金额过大" });
  });

  it("needs a key that manages products: none is 401, the finance office's is 403, and only PUT and GET are allowed", async () => {
    expect((await put("X1", productBody(), { token: null })).status).toBe(401);
    expect((await put("X1", productBody(), { token: financeToken })).status).toBe(403);
    expect((await get("X1", { token: financeToken })).status).toBe(403);
    const post = await productsRoute.action(args(apiRequest("/api/v1/products/X1", { method: "POST", body: productBody() }), { externalRef: "X1" }));
    expect(post.status).toBe(405);
    expect(post.headers.get("Allow")).toBe("GET, PUT");
  });
});

describe("GET /api/v1/inbox", () => {
  it("lists the needs the bank's products match, amounts in integer fen", async () => {
    const product = await makeProduct(bankAdmin.institution!.id, bankAdmin.userId, "收件箱测试信用贷");
    await prisma.product.update({ where: { id: product.id }, data: { eligibleSizes: ["MICRO", "SMALL", "MEDIUM"] } });
    const sme = await makeActor("sme");
    const { id: needId } = await postNeed({
      actor: sme,
      input: {
        amount: 50_000_000n,
        termMonths: 12,
        purpose: "采购原材料（钢材），用于承接新订单",
        maxRate: 450,
        guaranteeTypes: ["CREDIT"],
        urgency: "NORMAL",
        expiresOn: new Date(calendarDay(platformToday()).getTime() + 30 * 86_400_000),
      },
      ip: null,
    });
    await rematchNeeds(prisma, [needId]);

    const response = await inbox(`?pageSize=5&productId=${product.id}&claimed=false`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { page: number; pageSize: number; total: number; items: { needId: string; amountFen: unknown; product: { id: string } }[] };
    expect(page).toMatchObject({ page: 1, pageSize: 5, total: 1 });
    expect(page.items[0]).toMatchObject({ needId, amountFen: 50_000_000, product: { id: product.id }, claimedAt: null });

    expect(((await (await inbox("?claimed=true")).json()) as { total: number }).total).toBe(0);
    expect(((await (await inbox("", { token: otherBankToken })).json()) as { items: { needId: string }[] }).items.map((i) => i.needId)).not.toContain(needId);
  });

  it("refuses a bad query with 422 and a key without the permission with 403", async () => {
    const bad = await inbox("?pageSize=500&claimed=maybe");
    expect(bad.status).toBe(422);
    const paths = ((await bad.json()) as ErrorBody).error.issues!.map((i) => i.path[0]);
    expect(paths.sort()).toEqual(["claimed", "pageSize"]);
    expect((await inbox("", { token: financeToken })).status).toBe(403);
  });
});

/** Every `$ref` in the document, with where it was found. */
function refs(value: unknown, at = "#"): { ref: string; at: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => refs(v, `${at}/${i}`));
  if (!value || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => (k === "$ref" && typeof v === "string" ? [{ ref: v, at }] : refs(v, `${at}/${k}`)));
}

function resolve(document: object, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), document);
}

describe("the OpenAPI document", () => {
  const METHODS = ["get", "put", "post", "patch", "delete"] as const;

  it("is structurally valid OpenAPI 3.1: responses on every operation, every $ref resolves, path parameters declared", () => {
    for (const locale of ["zh-CN", "en"] as const) {
      const document = openApiDocument(locale) as unknown as {
        openapi: string;
        info: { title: string; version: string };
        paths: Record<string, Record<string, { operationId: string; responses: Record<string, { description: string }>; parameters?: { in: string; name: string; required?: boolean }[]; security?: unknown[] }>>;
        components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; scheme: string }> };
      };
      expect(document.openapi).toMatch(/^3\.1\.\d+$/);
      expect(document.info).toMatchObject({ title: "信易贷 Bank API", version: "v1" });
      expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
      expect(document.components.schemas.ApiError).toBeDefined();

      const operationIds = new Set<string>();
      for (const [path, item] of Object.entries(document.paths)) {
        expect(path.startsWith("/")).toBe(true);
        for (const [method, op] of Object.entries(item)) {
          expect(METHODS).toContain(method);
          expect(operationIds.has(op.operationId)).toBe(false);
          operationIds.add(op.operationId);
          const statuses = Object.keys(op.responses);
          expect(statuses.length, `${method} ${path}`).toBeGreaterThan(0);
          for (const status of statuses) {
            expect(status).toMatch(/^[1-5]\d\d$/);
            expect(op.responses[status]!.description, `${method} ${path} ${status}`).toBeTruthy();
          }
          expect(statuses.some((s) => s.startsWith("2"))).toBe(true);
          const declared = (op.parameters ?? []).filter((p) => p.in === "path");
          const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
          expect(declared.map((p) => p.name).sort()).toEqual(inPath.sort());
          expect(declared.every((p) => p.required === true)).toBe(true);
          const headers = (op.parameters ?? []).filter((p) => p.in === "header").map((p) => p.name);
          if (method !== "get") expect(headers).toContain("Idempotency-Key");
          if (op.security?.length) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["401", "403"]));
        }
      }

      const all = refs(document);
      expect(all.length).toBeGreaterThan(0);
      for (const { ref, at } of all) expect(resolve(document, ref), `${ref} at ${at}`).toBeDefined();
      // Every error response uses the shared error body.
      const errorRef = document.paths["/api/v1/products/{externalRef}"]!.put!.responses["409"] as unknown as { content: { "application/json": { schema: { $ref: string } } } };
      expect(errorRef.content["application/json"].schema.$ref).toBe("#/components/schemas/ApiError");
    }
  });

  it("lists every registered operation, and every route module under routes/api/v1 is registered for each method it serves", async () => {
    const document = openApiDocument("en") as unknown as { paths: Record<string, Record<string, { operationId: string }>> };
    for (const op of API_OPERATIONS) expect(document.paths[op.path]?.[op.method]?.operationId, `${op.method} ${op.path}`).toBe(op.operationId);
    const listed = Object.values(document.paths).flatMap((item) => Object.keys(item));
    expect(listed).toHaveLength(API_OPERATIONS.length);

    const dir = join(process.cwd(), "app/routes/api/v1");
    const files = (await readdir(dir)).filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const route = `routes/api/v1/${file}`;
      const ops = API_OPERATIONS.filter((op) => op.route === route);
      expect(ops.length, `${route} has no operation in app/web/api-operations.ts`).toBeGreaterThan(0);
      const module = (await import(/* @vite-ignore */ join(dir, file))) as { loader?: unknown; action?: unknown };
      // A GET is a loader; any other method an action.
      if (ops.some((op) => op.method === "get")) expect(typeof module.loader, route).toBe("function");
      if (ops.some((op) => op.method !== "get")) expect(typeof module.action, route).toBe("function");
    }
    for (const op of API_OPERATIONS) expect(files.map((f) => `routes/api/v1/${f}`)).toContain(op.route);
  });

  it("is served publicly at /api/v1/openapi.json, cacheable for five minutes, in the caller's language", async () => {
    const response = await openApiRoute.loader(args(new Request("http://localhost/api/v1/openapi.json", { headers: { "Accept-Language": "en" } })));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(response.headers.get("Vary")).toBe("Accept-Language");
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { summary: string }>> };
    expect(document.paths["/api/v1/inbox"]!.get!.summary).toBe("Financing needs matched to the bank's products");
    const zh = (await (await openApiRoute.loader(args(new Request("http://localhost/api/v1/openapi.json")))).json()) as typeof document;
    expect(zh.paths["/api/v1/inbox"]!.get!.summary).toBe("与本行产品匹配的融资需求");
  });

  it("is browsable at /api/docs from same-origin files only, under a CSP without inline scripts", async () => {
    const page = await docsRoute.loader(args(new Request("http://localhost/api/docs")));
    expect(page.status).toBe(200);
    const csp = (page.headers.get("Content-Security-Policy") ?? "").split(";").map((d) => d.trim());
    const scripts = csp.find((d) => d.startsWith("script-src")) ?? "";
    expect(scripts).toMatch(/^script-src 'self'/);
    expect(scripts).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
    expect(csp).toContain("connect-src 'self'");
    const html = await page.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) expect(src.startsWith("/api/docs/assets/"), src).toBe(true);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    const asset = (file: string) => docsAssetRoute.loader(args(new Request(`http://localhost/api/docs/assets/${file}`), { file }));
    for (const src of sources) {
      const file = src.slice("/api/docs/assets/".length);
      const response = await asset(file);
      expect({ file, status: response.status }).toEqual({ file, status: 200 });
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    }
    const init = await (await asset("init.js")).text();
    expect(init).toContain('url: "/api/v1/openapi.json"');
    expect(init).toContain("validatorUrl: null");
    expect((await asset("swagger-ui-bundle.js")).headers.get("Content-Type")).toMatch(/^text\/javascript/);
    for (const file of ["package.json", "index.html", "../../package.json", "swagger-ui.js.map", "constructor"]) {
      expect({ file, status: (await asset(file)).status }).toEqual({ file, status: 404 });
    }
  });
});

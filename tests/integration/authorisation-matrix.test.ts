/**
 * The authorisation matrix, generated: every route of app/routes.ts × every
 * role (and anonymous visitors, and for the API every kind of key) × the
 * caller's own and another institution's or enterprise's record, allowed or
 * refused exactly as the permission table (ROLE_DEFINITIONS) says.
 *
 * The access table below says, per route, which permissions its loader and
 * its action (and each intent the action dispatches on) require — as
 * permission strings, read off each route module. Which roles may pass is
 * derived from ROLE_DEFINITIONS, so a change to a role's permissions changes
 * the expectations, and a route that checks something else fails.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import routeConfig from "~/routes";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { ROLE_DEFINITIONS, ROLE_KEYS, type Permission, type RoleKey } from "~/domain/access/permissions";
import { API_KEY_PERMISSIONS, apiKeyPermissionsFor } from "~/domain/auth/api-keys.server";
import { grantAuthorisation } from "~/domain/consent/grant-authorisation.server";
import { revokeAuthorisation } from "~/domain/consent/revoke-authorisation.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { closeQueues } from "~/jobs/enqueue.server";
import { ApplicationCommandFormSchema } from "~/schemas/applications";
import { ClaimCommandFormSchema } from "~/schemas/claims";
import { ProductTransitionSchema } from "~/schemas/products";
import { rematchNeeds } from "~/domain/matching/rematch.server";
import * as creditReport from "~/routes/app/credit-report";
import * as creditPage from "~/routes/app/credit";
import * as dataAccessPage from "~/routes/app/data-access";
import { actorOf, makeEnterprise, makeUser, openNeed, outcome, routeContext } from "../helpers";
import { installWriteCounter, writeCounts } from "../write-counter";
import { buildFixtures, flattenRoutes, type Fixtures } from "./authorisation-fixtures";

type Body = Record<string, string | string[]>;
type Target = { params?: Record<string, string>; search?: string };
type Targets = (f: Fixtures) => { own: Target; other?: Target };
type Perms = readonly Permission[];

type Intent = {
  permissions: Perms;
  /** A body that passes the form's schema, so a refusal can only come from the permission check. */
  body: (f: Fixtures, which: "own" | "other") => Body | Promise<Body>;
  /** The record the intent acts on, when it is not the route's own target. */
  targets?: Targets;
};

type PageAccess = {
  kind: "page";
  /** What the loader requires; "signed-in" for a loader that only needs an actor. */
  loader: Perms | "signed-in";
  /** What the action requires before it reads the body (the route's requirePermission). */
  action?: Perms;
  /** What each intent the action dispatches on requires (checked after the body is parsed, in the route or the domain). */
  intents?: Record<string, Intent>;
  /** A valid body sent by A's staff against B's record: at B's URL, or at the route's own URL where the body names the record. */
  crossBody?: (f: Fixtures) => Body | Promise<Body>;
  /** The refusals that answer such a post, when 404 alone is not what the route says (each entry says why). */
  crossRefusals?: readonly number[];
  targets?: Targets;
  /** For a list: the records of A and of B it may show, and the query that lists everything the caller may see. */
  lists?: ListCheck;
};

/** A list shows A's record to A's people and never B's to them; with an `any` scope it shows both. */
type ListCheck = { pair: (f: Fixtures) => { own: string; other: string }; search?: string };

type PublicAccess = {
  kind: "public";
  /** What an anonymous visitor's GET gets, and a signed-in user's (the same unless said). */
  anonymous: number;
  signedIn?: number;
  /** What an anonymous POST with an empty body gets. */
  anonymousAction?: number;
  target?: (f: Fixtures) => Target;
};

type ApiMethod = "GET" | "POST" | "PUT";
type ApiAccess = {
  kind: "api";
  methods: Partial<Record<ApiMethod, Permission>>;
  targets?: Targets;
  /** A valid body for each mutation, sent with an allowed key against the other bank's record. */
  crossBody?: (f: Fixtures) => unknown;
  /** An API key acts for its own institution only, whatever its permission's scope: a list shows its records, never another's. */
  lists?: ListCheck;
};

type Access = PageAccess | PublicAccess | ApiAccess;

const page = (access: Omit<PageAccess, "kind">): PageAccess => ({ kind: "page", ...access });
const api = (access: Omit<ApiAccess, "kind">): ApiAccess => ({ kind: "api", ...access });

const APPLICATION_VIEW: Perms = ["manage:application:own", "decide:application:institution", "read:monitoring:any"];
const CLAIM_VIEW: Perms = ["file:claim:institution", "decide:claim:any", "read:ledger:any"];
const key = () => randomUUID();
const productVersion = async (id: string) => String((await prisma.product.findUniqueOrThrow({ where: { id } })).version);

const pair =
  (pick: (f: Fixtures) => { own: string; other: string }, param: string): Targets =>
  (f) => ({ own: { params: { [param]: pick(f).own } }, other: { params: { [param]: pick(f).other } } });

/**
 * The access table: one entry per route of app/routes.ts, read off the route
 * modules (loader and action) and the domain functions they call.
 */
const ACCESS: Record<string, Access> = {
  "/": { kind: "public", anonymous: 200 },
  "/sign-in": { kind: "public", anonymous: 200, signedIn: 302, anonymousAction: 400 },
  "/sign-out": { kind: "public", anonymous: 302, anonymousAction: 302 },
  "/register": { kind: "public", anonymous: 200, signedIn: 302, anonymousAction: 400 },
  "/locale": { kind: "public", anonymous: 302, anonymousAction: 302 },
  "/products": { kind: "public", anonymous: 200 },
  "/products/:productId": { kind: "public", anonymous: 200, target: (f) => ({ params: { productId: f.listedProducts.own } }) },
  "/api/v1/openapi.json": { kind: "public", anonymous: 200 },
  "/api/docs": { kind: "public", anonymous: 200 },
  "/api/docs/assets/:file": { kind: "public", anonymous: 200, target: () => ({ params: { file: "init.js" } }) },
  "/*": { kind: "public", anonymous: 404, target: () => ({ params: { "*": "no-such-page" } }) },

  "layout routes/app/layout.tsx": page({ loader: "signed-in" }),
  "/app": page({ loader: "signed-in" }),
  "/app/enterprise": page({ loader: ["read:enterprise:own"] }),
  "/app/institution": page({ loader: ["read:institution:institution"], action: ["create:user:institution"] }),
  "/app/institutions": page({ loader: ["read:institution:any"], action: ["create:institution:any"] }),
  "/app/institutions/:institutionId": page({
    loader: ["read:institution:any", "read:institution:institution"],
    targets: (f) => ({ own: { params: { institutionId: f.bankA } }, other: { params: { institutionId: f.bankB } } }),
  }),
  "/app/users": page({ loader: ["read:user:any"], action: ["create:user:any"] }),
  "/app/enterprises": page({ loader: ["read:enterprise:any"] }),
  "/app/audit": page({ loader: ["read:audit-log:any"], action: ["verify:audit-log:any"] }),
  "/app/health": page({ loader: ["read:system-health:any"] }),
  "/app/api-keys": page({
    loader: ["manage:api-key:institution"],
    lists: { pair: (f) => f.apiKeys },
    action: ["manage:api-key:institution"],
    crossBody: (f) => ({ intent: "revoke", apiKeyId: f.bodyRecordsOfB.apiKeyId }),
  }),
  "/app/credit": page({ loader: ["read:credit-profile:own"] }),
  "/app/credit/objections": page({
    loader: ["raise:objection:own"],
    lists: { pair: (f) => f.objections, search: "?pageSize=100" },
    action: ["raise:objection:own"],
    crossBody: (f) => ({ kind: "OBJECTION", signalId: f.bodyRecordsOfB.signalId, reason: "并非本企业" }),
  }),
  "/app/authorisations": page({
    loader: ["manage:authorisation:own"],
    lists: { pair: (f) => f.authorisations },
    action: ["manage:authorisation:own"],
    crossBody: (f) => ({ intent: "revoke", authorisationId: f.bodyRecordsOfB.authorisationId }),
  }),
  "/app/data-access": page({ loader: ["read:data-access-log:own"], lists: { pair: (f) => f.dataAccessLogs, search: "?pageSize=100" } }),
  "/app/data-access-log": page({ loader: ["read:data-access-log:any"], lists: { pair: (f) => f.dataAccessLogs, search: "?pageSize=100" } }),
  "/app/signal-imports": page({
    loader: ["import:credit-signal:any"],
    action: ["import:credit-signal:any"],
    lists: { pair: (f) => f.batches, search: "?pageSize=100" },
  }),
  "/app/signal-imports/:batchId": page({ loader: ["import:credit-signal:any"], targets: pair((f) => f.batches, "batchId") }),
  "/app/signal-imports/:batchId/errors.csv": page({ loader: ["import:credit-signal:any"], targets: pair((f) => f.batches, "batchId") }),
  "/app/signal-templates/:kind": page({ loader: ["import:credit-signal:any"], targets: () => ({ own: { params: { kind: "TAX_GRADE" } } }) }),
  "/app/objections": page({ loader: ["handle:objection:any"], lists: { pair: (f) => f.objections, search: "?pageSize=100" } }),
  "/app/objections/:objectionId": page({
    loader: ["handle:objection:any"],
    action: ["handle:objection:any"],
    targets: pair((f) => f.objections, "objectionId"),
  }),
  // The loader only requires an actor; getObjectionAttachment lets the office through and scopes everyone else to their own enterprise.
  "/app/objections/:objectionId/attachment": page({
    loader: ["handle:objection:any", "raise:objection:own"],
    targets: pair((f) => f.objections, "objectionId"),
  }),
  "/app/credit-reports": page({ loader: ["read:credit-report:authorised"], lists: { pair: (f) => f.enterprises, search: "?pageSize=100" } }),
  "/app/credit-reports/:enterpriseId": page({ loader: ["read:credit-report:authorised"], targets: pair((f) => f.enterprises, "enterpriseId") }),
  "/app/supermarket": page({ loader: ["read:product:listed"] }),
  "/app/supermarket/:productId": page({ loader: ["read:product:listed"], targets: pair((f) => f.listedProducts, "productId") }),
  "/app/products": page({ loader: ["manage:product:institution"], lists: { pair: (f) => f.draftProducts, search: "?pageSize=100" } }),
  "/app/products/new": page({ loader: ["manage:product:institution"], action: ["manage:product:institution"] }),
  "/app/products/:productId": page({
    loader: ["manage:product:institution", "review:product:any"],
    action: ["manage:product:institution", "review:product:any"],
    targets: pair((f) => f.reviewProducts, "productId"),
    intents: {
      submit: { permissions: ["manage:product:institution"], body: () => ({ intent: "submit", version: "1" }) },
      withdraw: {
        permissions: ["manage:product:institution"],
        body: async (f, which) => ({ intent: "withdraw", version: await productVersion(f.reviewProducts[which]) }),
      },
      approve: { permissions: ["review:product:any"], body: async (f, which) => ({ intent: "approve", version: await productVersion(f.reviewProducts[which]) }) },
      return: {
        permissions: ["review:product:any"],
        body: async (f, which) => ({ intent: "return", version: await productVersion(f.reviewProducts[which]), comment: "请补充材料" }),
      },
      delist: { permissions: ["manage:product:institution", "review:product:any"], body: () => ({ intent: "delist", version: "1", comment: "下架" }) },
      revise: { permissions: ["manage:product:institution"], body: () => ({ intent: "revise", version: "1" }) },
    },
  }),
  "/app/products/:productId/edit": page({
    loader: ["manage:product:institution"],
    action: ["manage:product:institution"],
    targets: pair((f) => f.draftProducts, "productId"),
    // B's own form, as its edit page fills it in for bank B: valid, so only the product's bank can refuse it.
    crossBody: async (f) => {
      const edit = await callLoader(await moduleOf("routes/app/product-edit.tsx"), f.bankBAdmin, "/app/products/:productId/edit", {
        params: { productId: f.draftProducts.other },
      });
      return (edit.data as { defaults: Body }).defaults;
    },
  }),
  "/app/product-reviews": page({ loader: ["review:product:any"], lists: { pair: (f) => f.reviewProducts, search: "?pageSize=100" } }),
  "/app/needs": page({ loader: ["manage:need:own"], lists: { pair: (f) => f.needs, search: "?pageSize=100" } }),
  "/app/needs/new": page({ loader: ["manage:need:own"], action: ["manage:need:own"] }),
  "/app/needs/:needId": page({
    loader: ["manage:need:own"],
    action: ["manage:need:own"],
    targets: pair((f) => f.needs, "needId"),
    intents: {
      close: { permissions: ["manage:need:own"], body: (f, which) => ({ intent: "close", version: String(f.needVersions[which]), reason: "已解决" }) },
      fulfil: { permissions: ["manage:need:own"], body: (f, which) => ({ intent: "fulfil", version: String(f.needVersions[which]) }) },
    },
  }),
  "/app/need-inbox": page({ loader: ["read:need-inbox:institution"], action: ["read:need-inbox:institution"] }),
  "/app/need-inbox.csv": page({ loader: ["read:need-inbox:institution"] }),
  "/app/need-search": page({ loader: ["read:need-inbox:institution"] }),
  "/app/need-search/:needId": page({
    loader: ["read:need-inbox:institution"],
    action: ["read:need-inbox:institution"],
    targets: pair((f) => f.claimedNeeds, "needId"),
    crossBody: () => ({ intent: "claim" }),
    // The other bank's need was open to every bank while it was active; taking it up once it closed is refused as
    // "no longer claimable" (needs.test.ts asserts that code), which says nothing of the bank that took it up.
    crossRefusals: [404, 409],
  }),
  "/app/applications": page({ loader: APPLICATION_VIEW, lists: { pair: (f) => f.applications, search: "?view=all&pageSize=100" } }),
  "/app/applications/new": page({
    loader: ["manage:application:own"],
    action: ["manage:application:own"],
    targets: (f) => ({
      own: { search: `?needId=${f.needs.own}&productId=${f.listedProducts.other}` },
      other: { search: `?needId=${f.needs.other}&productId=${f.listedProducts.other}` },
    }),
    crossBody: (f) => ({ needId: f.needs.other, productId: f.listedProducts.own, amount: "500000", termMonths: "12", submitKey: key() }),
  }),
  "/app/applications/:applicationId": page({
    loader: APPLICATION_VIEW,
    action: APPLICATION_VIEW,
    targets: pair((f) => f.applications, "applicationId"),
    intents: {
      accept: { permissions: ["decide:application:institution"], body: () => ({ intent: "accept", commandKey: key() }) },
      decline: { permissions: ["decide:application:institution"], body: () => ({ intent: "decline", commandKey: key(), reasonCode: "OTHER" }) },
      approve: {
        permissions: ["decide:application:institution"],
        body: () => ({ intent: "approve", commandKey: key(), amount: "500000", rate: "4.00", termMonths: "12", repaymentMethod: "EQUAL_INSTALMENT" }),
      },
      withdraw: { permissions: ["manage:application:own"], body: () => ({ intent: "withdraw", commandKey: key() }) },
      acceptOffer: { permissions: ["manage:application:own"], body: () => ({ intent: "acceptOffer", commandKey: key() }) },
      reroute: { permissions: ["manage:application:own"], body: (f) => ({ intent: "reroute", commandKey: key(), productIds: [f.listedProducts.own] }) },
      disburse: { permissions: ["manage:loan:institution"], body: () => ({ intent: "disburse", commandKey: key(), disbursedOn: platformToday() }) },
      repay: {
        permissions: ["manage:loan:institution"],
        body: () => ({ intent: "repay", commandKey: key(), amount: "1000", receivedOn: platformToday() }),
        targets: pair((f) => f.loanApplications, "applicationId"),
      },
    },
  }),
  "/app/loans": page({
    loader: ["manage:application:own", "manage:loan:institution", "read:monitoring:any"],
    lists: { pair: (f) => f.loans, search: "?view=all&pageSize=100" },
  }),
  "/app/calendar": page({ loader: ["manage:calendar:any"], action: ["manage:calendar:any"] }),
  "/app/funds": page({ loader: ["manage:fund:any"], action: ["manage:fund:any"], lists: { pair: (f) => f.funds } }),
  "/app/funds/:fundId": page({ loader: ["manage:fund:any", "read:ledger:any"], action: ["manage:fund:any"], targets: pair((f) => f.funds, "fundId") }),
  "/app/claims": page({ loader: CLAIM_VIEW, lists: { pair: (f) => f.claims, search: "?view=all&pageSize=100" } }),
  "/app/claims/new": page({
    loader: ["file:claim:institution"],
    action: ["file:claim:institution"],
    targets: (f) => ({ own: { search: `?loanId=${f.claimableLoans.own}` }, other: { search: `?loanId=${f.claimableLoans.other}` } }),
    crossBody: (f) => ({ loanId: f.claimableLoans.other, loss: "100000", recoveryActions: "已起诉并取得胜诉判决。", evidence: "贷款合同" }),
  }),
  "/app/claims/:claimId": page({
    loader: CLAIM_VIEW,
    action: CLAIM_VIEW,
    targets: pair((f) => f.claims, "claimId"),
    intents: {
      approveFull: { permissions: ["decide:claim:any"], body: () => ({ intent: "approveFull" }) },
      approvePart: { permissions: ["decide:claim:any"], body: () => ({ intent: "approvePart", amount: "100", reason: "部分认可" }) },
      reject: { permissions: ["decide:claim:any"], body: () => ({ intent: "reject", reason: "材料不全" }) },
      recover: {
        permissions: ["file:claim:institution"],
        body: () => ({ intent: "recover", commandKey: key(), amount: "100", receivedOn: platformToday() }),
      },
    },
  }),
  "/app/monitoring": page({ loader: ["read:monitoring:any"] }),
  "/app/monitoring/export/:chart": page({ loader: ["read:monitoring:any"], targets: () => ({ own: { params: { chart: "summary" } } }) }),
  "/app/ledger": page({ loader: ["read:ledger:any"] }),
  "/app/ledger/transfers": page({ loader: ["read:ledger:any"] }),
  "/app/ledger/reconciliation": page({ loader: ["read:ledger:any"] }),
  "/app/ledger/export/:report": page({ loader: ["read:ledger:any"], targets: () => ({ own: { params: { report: "accounts" } } }) }),

  "/api/v1/credit-signal-batches": api({
    methods: { GET: "import:credit-signal:any", POST: "import:credit-signal:any" },
    lists: { pair: (f) => f.batches, search: "?pageSize=100" },
  }),
  "/api/v1/credit-signal-batches/:batchId": api({ methods: { GET: "import:credit-signal:any" }, targets: pair((f) => f.batches, "batchId") }),
  "/api/v1/products/:externalRef": api({
    methods: { GET: "manage:product:institution", PUT: "manage:product:institution" },
    targets: pair((f) => f.productRefs, "externalRef"),
  }),
  "/api/v1/inbox": api({ methods: { GET: "read:need-inbox:institution" } }),
  "/api/v1/applications": api({
    methods: { GET: "decide:application:institution" },
    lists: { pair: (f) => f.applications, search: "?view=all&pageSize=100" },
  }),
  "/api/v1/applications/:applicationId": api({ methods: { GET: "decide:application:institution" }, targets: pair((f) => f.applications, "applicationId") }),
  "/api/v1/applications/:applicationId/decision": api({
    methods: { POST: "decide:application:institution" },
    targets: pair((f) => f.applications, "applicationId"),
    crossBody: () => ({ action: "accept" }),
  }),
  "/api/v1/applications/:applicationId/disbursement": api({
    methods: { POST: "manage:loan:institution" },
    targets: pair((f) => f.applications, "applicationId"),
    crossBody: () => ({ disbursedOn: platformToday() }),
  }),
  "/api/v1/loans/:loanId": api({ methods: { GET: "manage:loan:institution" }, targets: pair((f) => f.loans, "loanId") }),
  "/api/v1/loans/:loanId/repayments": api({
    methods: { POST: "manage:loan:institution" },
    targets: pair((f) => f.loans, "loanId"),
    crossBody: () => ({ amountFen: 100_000, receivedOn: platformToday() }),
  }),
};

// ─── Deriving the expectations from the permission table ──────────────────

const ROUTES = flattenRoutes(routeConfig);
const ROLE_PERMISSIONS = new Map(ROLE_DEFINITIONS.map((r) => [r.key, new Set<Permission>(r.permissions)]));

function holds(role: RoleKey, permissions: Perms | "signed-in"): Permission[] {
  if (permissions === "signed-in") return [];
  return permissions.filter((p) => ROLE_PERMISSIONS.get(role)!.has(p));
}
const allowed = (role: RoleKey, permissions: Perms | "signed-in") => permissions === "signed-in" || holds(role, permissions).length > 0;

/**
 * How far a role reaches with the permissions it holds: `any` and `listed`
 * reach every record; `institution` and `own` only the caller's; `authorised`
 * only what an enterprise authorised (another's report opens empty).
 */
function reach(role: RoleKey, permissions: Perms | "signed-in"): "all" | "authorised" | "home" {
  const scopes = holds(role, permissions).map((p) => p.split(":")[2]);
  if (permissions === "signed-in" || scopes.some((s) => s === "any" || s === "listed")) return "all";
  if (scopes.includes("authorised")) return "authorised";
  return "home";
}

/** The roles whose home is institution or enterprise A in the fixtures: for them "own" records are A's. */
const AT_HOME_IN_A: readonly RoleKey[] = ["sme", "bank_admin", "loan_officer"];

/** Whether a list's data names A's record and B's (ids anywhere in it). */
function listedRecords(data: unknown, pair: { own: string; other: string }): { own: boolean; other: boolean } {
  const text = JSON.stringify(data ?? null, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return { own: text.includes(pair.own), other: text.includes(pair.other) };
}

// ─── Calling routes ────────────────────────────────────────────────────────

type RouteModule = { loader?: (args: never) => Promise<unknown>; action?: (args: never) => Promise<unknown> };
type Result = { status: number; location?: string; data?: unknown; error?: string };

const modules = new Map<string, RouteModule>();
async function moduleOf(file: string): Promise<RouteModule> {
  let module = modules.get(file);
  if (!module) {
    // The file comes from app/routes.ts at run time, so the import cannot be analysed ahead.
    module = (await import(/* @vite-ignore */ `../../app/${file}`)) as RouteModule;
    modules.set(file, module);
  }
  return module;
}

function urlOf(pattern: string, target: Target = {}): string {
  const path = pattern.replace(/:(\w+)|\*/g, (whole, name: string | undefined) => target.params?.[name ?? "*"] ?? whole);
  return `http://localhost${path}${target.search ?? ""}`;
}

/** What a browser would get: a thrown or returned response's status, a `data(…, { status })` reply's status, or 500 for anything thrown. */
async function run(call: () => Promise<unknown>): Promise<Result> {
  try {
    const result = await outcome(call);
    const value = result.data as { type?: string; init?: { status?: number } | null; data?: unknown } | undefined;
    if (value?.type === "DataWithResponseInit") return { status: value.init?.status ?? 200, data: value.data };
    return result;
  } catch (error) {
    return { status: 500, error: error instanceof Error ? error.message : String(error) };
  }
}

function callLoader(module: RouteModule, actor: Actor | null, pattern: string, target?: Target) {
  const request = new Request(urlOf(pattern, target), { headers: { "x-xyd-client-ip": "10.200.0.1" } });
  return run(() => module.loader!({ request, context: routeContext(actor), params: target?.params ?? {} } as never));
}

function callAction(module: RouteModule, actor: Actor | null, pattern: string, target: Target | undefined, body: Body) {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) for (const v of [value].flat()) form.append(name, v);
  const request = new Request(urlOf(pattern, target), { method: "POST", body: form, headers: { "x-xyd-client-ip": "10.200.0.1" } });
  return run(() => module.action!({ request, context: routeContext(actor), params: target?.params ?? {} } as never));
}

let apiAddress = 0;
/** A fresh client address per request: failed key checks are rate limited per address. */
function nextAddress(): string {
  apiAddress += 1;
  return `10.${201 + Math.floor(apiAddress / 65_536)}.${Math.floor(apiAddress / 256) % 256}.${apiAddress % 256}`;
}

async function callApi(module: RouteModule, method: string, token: string | null, pattern: string, target: Target | undefined, body?: unknown) {
  const headers: Record<string, string> = { "x-xyd-client-ip": nextAddress() };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (method !== "GET") {
    headers["Idempotency-Key"] = randomUUID();
    headers["Content-Type"] = "application/json";
  }
  const request = new Request(urlOf(pattern, target), { method, headers, body: method === "GET" ? undefined : JSON.stringify(body ?? {}) });
  const handler = method === "GET" ? module.loader! : module.action!;
  let json: unknown = null;
  const result = await run(async () => {
    const response = (await handler({ request, context: routeContext(null), params: target?.params ?? {} } as never)) as Response;
    json = await response.clone().json().catch(() => null);
    return response;
  });
  return { ...result, data: json };
}

// ─── The matrix ────────────────────────────────────────────────────────────

let f: Fixtures;
const ACTORS = {} as Record<RoleKey, Actor>;
const cells = { checked: 0, allowed: 0, refused: 0 };

type Cell = { route: string; who: string; what: string; expected: string; got: number; detail?: string };
const mismatches: Cell[] = [];

/** Records one cell: `ok` says whether what came back (and what was written, if anything) is what the permission table says. */
function cell(entry: Omit<Cell, "got" | "detail">, result: Result, ok: boolean, wasAllowed: boolean, written: string[] = []) {
  cells.checked += 1;
  if (wasAllowed) cells.allowed += 1;
  else cells.refused += 1;
  if (!ok) mismatches.push({ ...entry, got: result.status, detail: result.error ?? (written.length ? `wrote ${written.join(", ")}` : result.location) });
}

/** Writes that do not count against a refused API call: a key's last use, and the stored answer of an idempotent request. */
const API_BOOKKEEPING = ["api_keys", "api_idempotency_records"];

/** The tables written to since `before` was counted. */
async function tablesWritten(before: Record<string, number>, ignore: readonly string[] = []): Promise<string[]> {
  const after = await writeCounts(ignore);
  return Object.keys({ ...before, ...after }).filter((t) => (before[t] ?? 0) !== (after[t] ?? 0));
}

beforeAll(async () => {
  f = await buildFixtures();
  Object.assign(ACTORS, f.actors);
  await installWriteCounter();
}, 180_000);

afterAll(async () => {
  console.log(
    `authorisation matrix: ${ROUTES.length} routes × ${ROLE_KEYS.length} roles + anonymous (API: 6 kinds of key), ` +
      `${cells.checked} cells checked — ${cells.allowed} allowed, ${cells.refused} refused`,
  );
  await closeQueues();
});

describe("the access table", () => {
  it("names every route of app/routes.ts, and no route that is not there", () => {
    const inConfig = ROUTES.map((r) => r.key).sort();
    const inTable = Object.keys(ACCESS).sort();
    expect({ missingFromTable: inConfig.filter((k) => !(k in ACCESS)), notInRoutes: inTable.filter((k) => !inConfig.includes(k)) }).toEqual({
      missingFromTable: [],
      notInRoutes: [],
    });
  });

  it("lists every intent of the actions that dispatch on one, as their form schemas define them", () => {
    const intentsOf = (schema: { options: readonly { shape: { intent: { value: unknown } } }[] }) => schema.options.map((o) => String(o.shape.intent.value)).sort();
    const tableIntents = (route: string) => Object.keys((ACCESS[route] as PageAccess).intents ?? {}).sort();
    expect(tableIntents("/app/applications/:applicationId")).toEqual(intentsOf(ApplicationCommandFormSchema));
    expect(tableIntents("/app/claims/:claimId")).toEqual(intentsOf(ClaimCommandFormSchema));
    expect(tableIntents("/app/products/:productId")).toEqual(intentsOf(ProductTransitionSchema));
  });

  it("states real permissions, and every API permission a key may carry", () => {
    const known = new Set(ROLE_DEFINITIONS.flatMap((r) => r.permissions));
    for (const access of Object.values(ACCESS)) {
      if (access.kind === "page") {
        for (const p of [...(access.loader === "signed-in" ? [] : access.loader), ...(access.action ?? []), ...Object.values(access.intents ?? {}).flatMap((i) => i.permissions)]) {
          expect(known.has(p), p).toBe(true);
        }
      }
      if (access.kind === "api") for (const p of Object.values(access.methods)) expect((API_KEY_PERMISSIONS as readonly string[]).includes(p!), p).toBe(true);
    }
  });
});

describe("the write counter", () => {
  it("sees every committed write, in any table", async () => {
    const before = await writeCounts();
    await prisma.notification.create({ data: { institutionId: f.bankA, kind: "matrix.probe", payload: {} } });
    expect(await tablesWritten(before)).toEqual(["notifications"]);
  });
});

describe("web routes × roles", () => {
  it("public routes answer anonymous visitors, and signed-in users alike", async () => {
    for (const route of ROUTES) {
      const access = ACCESS[route.key];
      if (access?.kind !== "public") continue;
      const module = await moduleOf(route.file);
      const target = access.target?.(f);
      const anonymous = await callLoader(module, null, route.path, target);
      cell({ route: route.key, who: "anonymous", what: "GET", expected: String(access.anonymous) }, anonymous, anonymous.status === access.anonymous, true);
      for (const role of ROLE_KEYS) {
        const expected = access.signedIn ?? access.anonymous;
        const result = await callLoader(module, ACTORS[role], route.path, target);
        cell({ route: route.key, who: role, what: "GET", expected: String(expected) }, result, result.status === expected, true);
      }
      if (access.anonymousAction !== undefined) {
        const result = await callAction(module, null, route.path, target, {});
        cell({ route: route.key, who: "anonymous", what: "POST", expected: String(access.anonymousAction) }, result, result.status === access.anonymousAction, true);
      }
    }
    expect(mismatches.filter((m) => ACCESS[m.route]?.kind === "public")).toEqual([]);
  });

  it("loaders: allowed roles 200 on their own records (and on others' only with an `any` scope), refused roles 403, anonymous visitors sent to sign in", async () => {
    for (const route of ROUTES) {
      const access = ACCESS[route.key];
      if (access?.kind !== "page") continue;
      const module = await moduleOf(route.file);
      const targets = access.targets?.(f) ?? { own: {} };
      const own = targets.own;
      const anonymous = await callLoader(module, null, route.path, own);
      const path = urlOf(route.path, own).slice("http://localhost".length);
      cell(
        { route: route.key, who: "anonymous", what: "GET", expected: "302 to sign-in" },
        anonymous,
        anonymous.status === 302 && anonymous.location === `/sign-in?redirectTo=${encodeURIComponent(path)}`,
        false,
      );
      for (const role of ROLE_KEYS) {
        const may = allowed(role, access.loader);
        const result = await callLoader(module, ACTORS[role], route.path, own);
        cell({ route: route.key, who: role, what: "GET own", expected: may ? "200" : "403" }, result, result.status === (may ? 200 : 403), may);
        if (access.lists && may) {
          const listed = await callLoader(module, ACTORS[role], route.path, { ...own, search: access.lists.search });
          const shown = listedRecords(listed.data, access.lists.pair(f));
          const everything = reach(role, access.loader) === "all";
          // A's record is expected only of A's own people; anyone else at home elsewhere just must not see B's.
          const expected = { own: everything || AT_HOME_IN_A.includes(role) ? true : shown.own, other: everything };
          cell({ route: route.key, who: role, what: "GET list", expected: JSON.stringify(expected) }, listed, listed.status === 200 && shown.own === expected.own && shown.other === expected.other, everything);
        }
        if (!targets.other) continue;
        const other = await callLoader(module, ACTORS[role], route.path, targets.other);
        const scope = may ? reach(role, access.loader) : null;
        const expected = scope === null ? 403 : scope === "home" ? 404 : 200;
        let ok = other.status === expected;
        // Without a live authorisation the report page says so and shows nothing of the report.
        if (scope === "authorised") ok = ok && (other.data as { authorised?: boolean } | undefined)?.authorised === false;
        cell({ route: route.key, who: role, what: "GET other's", expected: scope === "authorised" ? "200, not authorised" : String(expected) }, other, ok, scope === "all");
      }
    }
    expect(mismatches.filter((m) => ACCESS[m.route]?.kind === "page" && m.what.startsWith("GET"))).toEqual([]);
  });

  it("actions: refused roles 403 and nothing written; allowed roles get past the check; anonymous visitors sent to sign in", async () => {
    for (const route of ROUTES) {
      const access = ACCESS[route.key];
      if (access?.kind !== "page" || !access.action) continue;
      const module = await moduleOf(route.file);
      const targets = access.targets?.(f) ?? { own: {} };
      const anonymous = await callAction(module, null, route.path, targets.own, {});
      cell({ route: route.key, who: "anonymous", what: "POST", expected: "302 to sign-in" }, anonymous, anonymous.status === 302 && Boolean(anonymous.location?.startsWith("/sign-in?redirectTo=")), false);

      for (const role of ROLE_KEYS) {
        const may = allowed(role, access.action);
        const before = await writeCounts();
        const result = await callAction(module, ACTORS[role], route.path, targets.own, {});
        if (may) {
          cell({ route: route.key, who: role, what: "POST {}", expected: "not 403" }, result, result.status !== 403 && result.status < 500, true);
          continue;
        }
        const written = await tablesWritten(before);
        cell({ route: route.key, who: role, what: "POST {}", expected: "403, nothing written" }, result, result.status === 403 && written.length === 0, false, written);
      }

      for (const [intent, spec] of Object.entries(access.intents ?? {})) {
        const intentTargets = spec.targets?.(f) ?? targets;
        for (const role of ROLE_KEYS) {
          if (!allowed(role, access.action)) continue;
          const may = allowed(role, spec.permissions);
          if (may) {
            // Only the intent: the form is incomplete, so nothing is done, but the permission check is passed.
            const result = await callAction(module, ACTORS[role], route.path, intentTargets.own, { intent });
            cell({ route: route.key, who: role, what: `POST ${intent}`, expected: "not 403" }, result, result.status !== 403 && result.status < 500, true);
            continue;
          }
          const before = await writeCounts();
          const result = await callAction(module, ACTORS[role], route.path, intentTargets.own, await spec.body(f, "own"));
          const written = await tablesWritten(before);
          cell({ route: route.key, who: role, what: `POST ${intent}`, expected: "403, nothing written" }, result, result.status === 403 && written.length === 0, false, written);
        }
      }
    }
    expect(mismatches.filter((m) => ACCESS[m.route]?.kind === "page" && m.what.startsWith("POST"))).toEqual([]);
  });

  it("actions against another institution's or enterprise's record: not found, and nothing written", async () => {
    for (const route of ROUTES) {
      const access = ACCESS[route.key];
      if (access?.kind !== "page" || !access.action) continue;
      const module = await moduleOf(route.file);
      const bodies: [string, Perms, Body | Promise<Body>, Targets | undefined][] = [
        ...Object.entries(access.intents ?? {}).map(([name, spec]) => [name, spec.permissions, spec.body(f, "other"), spec.targets] as [string, Perms, Promise<Body> | Body, Targets | undefined]),
        ...(access.crossBody ? [["POST", access.action, access.crossBody(f), undefined] as [string, Perms, Promise<Body> | Body, undefined]] : []),
      ];
      for (const [what, permissions, bodyOf, ownTargets] of bodies) {
        const targets = (ownTargets ?? access.targets)?.(f);
        // A body that names B's record is posted at the route's own URL; otherwise the URL names B's record.
        const other = targets?.other ?? (what === "POST" ? (targets?.own ?? {}) : undefined);
        if (!other) continue;
        const body = await bodyOf;
        for (const role of ROLE_KEYS) {
          if (!allowed(role, access.action) || !allowed(role, permissions) || reach(role, permissions) === "all") continue;
          const before = await writeCounts();
          const result = await callAction(module, ACTORS[role], route.path, other, body);
          const written = await tablesWritten(before);
          const refusals = access.crossRefusals ?? [404];
          cell(
            { route: route.key, who: role, what: `POST ${what} on other's`, expected: `${refusals.join(" or ")}, nothing written` },
            result,
            refusals.includes(result.status) && written.length === 0,
            false,
            written,
          );
        }
      }
    }
    expect(mismatches.filter((m) => m.what.endsWith("on other's"))).toEqual([]);
  });
});

describe("API endpoints × keys", () => {
  type KeyKind = { name: string; token: () => string | null; creator: RoleKey | null };
  const KEYS: KeyKind[] = [
    { name: "no Authorization", token: () => null, creator: null },
    { name: "malformed key", token: () => "not-a-key", creator: null },
    { name: "unknown key", token: () => `xyd_${"0".repeat(12)}_${"A".repeat(43)}`, creator: null },
    { name: "revoked key", token: () => f.tokens.revoked, creator: null },
    { name: "bank A admin's key", token: () => f.tokens.bankA, creator: "bank_admin" },
    { name: "finance office's key", token: () => f.tokens.office, creator: "finance_office" },
  ];

  it("no key, a bad key or a revoked one 401; a live key exactly its derived permissions; the other bank's records 404, changing nothing", async () => {
    const keyPermissions = new Map<RoleKey, Set<string>>();
    for (const kind of KEYS) if (kind.creator) keyPermissions.set(kind.creator, new Set(apiKeyPermissionsFor(await actorOf(ACTORS[kind.creator].userId))));

    for (const route of ROUTES) {
      const access = ACCESS[route.key];
      if (access?.kind !== "api") continue;
      const module = await moduleOf(route.file);
      const targets = access.targets?.(f) ?? { own: {} };
      for (const [method, permission] of Object.entries(access.methods) as [ApiMethod, Permission][]) {
        for (const kind of KEYS) {
          const may = kind.creator !== null && keyPermissions.get(kind.creator)!.has(permission);
          const before = await writeCounts(API_BOOKKEEPING);
          const result = await callApi(module, method, kind.token(), route.path, targets.own, method === "GET" ? undefined : {});
          const written = await tablesWritten(before, API_BOOKKEEPING);
          if (may) {
            const expected = method === "GET" ? result.status === 200 : result.status !== 401 && result.status !== 403 && result.status < 500;
            cell({ route: route.key, who: kind.name, what: method, expected: method === "GET" ? "200" : "not 401/403" }, result, expected, true);
            if (method === "GET" && access.lists) {
              const listed = await callApi(module, "GET", kind.token(), route.path, { ...targets.own, search: access.lists.search });
              const shown = listedRecords(listed.status === 200 ? listed.data : null, access.lists.pair(f));
              cell({ route: route.key, who: kind.name, what: "GET list", expected: "own only" }, listed, shown.own && !shown.other, false);
            }
          } else {
            const status = kind.creator === null ? 401 : 403;
            cell({ route: route.key, who: kind.name, what: method, expected: `${status}, nothing written` }, result, result.status === status && written.length === 0, false, written);
          }
          // A mutation is tried on the other bank's record only where the endpoint addresses a record (a product's
          // reference is the caller's own name for it, so another bank's reference is simply a new one).
          if (!may || !targets.other || (method !== "GET" && !access.crossBody)) continue;
          const otherBefore = await writeCounts(API_BOOKKEEPING);
          const other = await callApi(module, method, kind.token(), route.path, targets.other, method === "GET" ? undefined : (access.crossBody?.(f) ?? {}));
          const otherWritten = await tablesWritten(otherBefore, API_BOOKKEEPING);
          cell(
            { route: route.key, who: kind.name, what: `${method} other's`, expected: "404, nothing written" },
            other,
            other.status === 404 && otherWritten.length === 0,
            false,
            otherWritten,
          );
        }
      }
    }
    expect(mismatches.filter((m) => ACCESS[m.route]?.kind === "api")).toEqual([]);
  });

  it("every method the table does not list answers 405 (so the table lists every method an endpoint accepts)", async () => {
    for (const route of ROUTES) {
      const access = ACCESS[route.key];
      if (access?.kind !== "api") continue;
      const module = await moduleOf(route.file);
      const target = access.targets?.(f).own;
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"] as const) {
        if (method in access.methods) continue;
        const result = await callApi(module, method, f.tokens.bankA, route.path, target, {});
        cell({ route: route.key, who: "bank A admin's key", what: `${method} (not listed)`, expected: "405" }, result, result.status === 405, false);
      }
    }
    expect(mismatches.filter((m) => m.what.endsWith("(not listed)"))).toEqual([]);
  });
});

describe("credit reports", () => {
  it("no credit report is readable without a live authorisation of the caller's bank that covers the report; every reading is logged once", async () => {
    const officer = ACTORS.loan_officer;
    const bankA = f.bankA;
    const e = await makeEnterprise();
    await prisma.enterprise.update({ where: { id: e.id }, data: { contactPhone: "13800138000", legalRepIdNumber: "211102198001011234" } });
    const owner = await actorOf((await makeUser({ roleKey: "sme", enterpriseId: e.id })).id);
    const expiresOn = new Date(Date.parse(`${platformToday()}T00:00:00Z`) + 30 * 86_400_000);
    const grant = (institutionId: string, scopes: ("CREDIT_REPORT" | "SIGNALS" | "CONTACT")[]) =>
      grantAuthorisation({ actor: owner, input: { institutionId, scopes, purpose: "LOAN_APPLICATION", expiresOn }, ip: null });
    const views = () => prisma.dataAccessLog.count({ where: { enterpriseId: e.id } });
    const open = () => callLoader(creditReport, officer, "/app/credit-reports/:enterpriseId", { params: { enterpriseId: e.id } });
    const refused = async (why: string) => {
      const before = await views();
      const result = await open();
      const body = result.data as Record<string, unknown> | undefined;
      expect({ why, status: result.status, authorised: body?.authorised, keys: Object.keys(body ?? {}).sort() }).toEqual({
        why,
        status: 200,
        authorised: false,
        keys: ["authorised", "name"],
      });
      expect(await views(), why).toBe(before);
    };

    await refused("no authorisation");
    await grant(f.bankB, ["CREDIT_REPORT", "SIGNALS", "CONTACT"]);
    await refused("an authorisation granted to another bank");
    const expired = await grant(bankA, ["CREDIT_REPORT", "SIGNALS"]);
    await prisma.authorisation.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await refused("an expired authorisation");
    const revoked = await grant(bankA, ["CREDIT_REPORT", "SIGNALS"]);
    await revokeAuthorisation({ actor: owner, authorisationId: revoked.id, ip: null });
    await refused("a revoked authorisation");
    const contactOnly = await grant(bankA, ["CONTACT"]);
    await refused("an authorisation whose scopes leave out the report (contact details only)");
    // The bank's inbox, which links a need to its enterprise's report, does not offer the report either.
    const need = await openNeed(owner);
    await rematchNeeds(prisma, [need.id]);
    const inboxRow = async () => {
      const inbox = await callLoader(await moduleOf("routes/app/need-inbox.tsx"), officer, "/app/need-inbox", { search: "?pageSize=100" });
      return (inbox.data as { rows: { needId: string; authorised: boolean }[] }).rows.find((r) => r.needId === need.id);
    };
    expect(await inboxRow()).toMatchObject({ authorised: false });
    await revokeAuthorisation({ actor: owner, authorisationId: contactOnly.id, ip: null });
    const signalsOnly = await grant(bankA, ["SIGNALS"]);
    await refused("an authorisation whose scopes leave out the report (records only)");
    await revokeAuthorisation({ actor: owner, authorisationId: signalsOnly.id, ip: null });
    // Nor does the bank's list offer the enterprise under those.
    const list = await callLoader(await moduleOf("routes/app/credit-reports.tsx"), officer, "/app/credit-reports");
    expect((list.data as { rows: { enterpriseId: string }[] }).rows.map((r) => r.enterpriseId)).not.toContain(e.id);

    const live = await grant(bankA, ["CREDIT_REPORT"]);
    expect(await inboxRow()).toMatchObject({ authorised: true });
    const before = await views();
    const opened = await open();
    expect(opened.status).toBe(200);
    const report = opened.data as { authorised: boolean; current: unknown; signals: unknown; enterprise: { contactPhone: string } };
    expect(report.authorised).toBe(true);
    // The report's scope only: no records, personal data masked.
    expect({ signals: report.signals, phone: report.enterprise.contactPhone }).toEqual({ signals: null, phone: "138****8000" });
    expect(await views()).toBe(before + 1);
    expect(await prisma.dataAccessLog.findFirstOrThrow({ where: { enterpriseId: e.id }, orderBy: { at: "desc" } })).toMatchObject({
      institutionId: bankA,
      authorisationId: live.id,
    });

    // A nonexistent enterprise is not found, and nothing is logged.
    const missing = await callLoader(creditReport, officer, "/app/credit-reports/:enterpriseId", { params: { enterpriseId: randomUUID() } });
    expect(missing.status).toBe(404);

    // The SME reads its own profile only — the report page is not its to open, for itself or anyone else.
    const ownProfile = await callLoader(creditPage, owner, "/app/credit");
    expect({ status: ownProfile.status, name: (ownProfile.data as { name: string }).name }).toEqual({ status: 200, name: e.name });
    for (const enterpriseId of [e.id, f.enterprises.other]) {
      expect((await callLoader(creditReport, owner, "/app/credit-reports/:enterpriseId", { params: { enterpriseId } })).status).toBe(403);
    }
    // It sees who read its data: exactly the one reading.
    const log = await callLoader(dataAccessPage, owner, "/app/data-access");
    expect((log.data as { total: number }).total).toBe(1);

    // The finance office holds no `read:credit-report:authorised`: it never opens a report; it reads a record only when reviewing an objection (logged as such).
    expect((await callLoader(creditReport, ACTORS.finance_office, "/app/credit-reports/:enterpriseId", { params: { enterpriseId: e.id } })).status).toBe(403);
    const reviewed = await callLoader(await moduleOf("routes/app/objection.tsx"), ACTORS.finance_office, "/app/objections/:objectionId", {
      params: { objectionId: f.objections.own },
    });
    expect(reviewed.status).toBe(200);
    expect(
      await prisma.dataAccessLog.count({ where: { enterpriseId: f.enterprises.own, resource: "objection-review", userId: ACTORS.finance_office.userId } }),
    ).toBeGreaterThan(0);
    expect(await views()).toBe(before + 1);
  });
});

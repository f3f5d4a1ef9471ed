/**
 * Request layer, pages: every page route of app/routes.ts (the JSON API has
 * its own suite) called in-process as a random caller — anonymous or any
 * role, at home in institution or enterprise A — with generated path
 * parameters (real records of A and of B, and hostile text), query strings
 * and, where the route has an action, form bodies built from the field names
 * and choices of every schema module. No answer is a 500; a refused form
 * explains itself in both languages; and a refusal writes nothing.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import routeConfig from "~/routes";
import type { Actor } from "~/domain/access/actor.server";
import { ROLE_KEYS } from "~/domain/access/permissions";
import { SIGNAL_KINDS } from "~/domain/credit/signal-kinds";
import { closeQueues } from "~/jobs/enqueue.server";
import { MONITORING_CHARTS } from "~/routes/app/monitoring";
import { buildFixtures, flattenRoutes, type FlatRoute, type Fixtures } from "../integration/authorisation-fixtures";
import { routeContext } from "../helpers";
import {
  answerOf,
  fcOptions,
  formErrorEntriesOf,
  formErrorsOf,
  formMessageProblem,
  FUZZ_RUNS,
  fuzzTimeout,
  hostileString,
  installWriteCounter,
  isZodSchema,
  MACHINE_FIELDS,
  schemaVocabulary,
  shownFormMessageProblem,
  Tally,
  writeCount,
} from "./helpers";

type RouteModule = { loader?: (args: unknown) => Promise<unknown>; action?: (args: unknown) => Promise<unknown> };

/** Calls per page route: a tenth of the other layers' (a page call does a page's worth of queries), never fewer than 30. */
const PAGE_RUNS = Math.max(30, Math.round(FUZZ_RUNS / 10));

const PAGES: FlatRoute[] = flattenRoutes(routeConfig).filter((r) => !r.key.startsWith("layout ") && !r.file.startsWith("routes/api/"));

const SCHEMA_MODULES = import.meta.glob<Record<string, unknown>>("../../app/schemas/**/*.ts", { eager: true });
/** Every field name and every choice any schema module mentions, and the names forms add of their own. */
const VOCABULARY = (() => {
  const keys = new Set(["intent", "locale", "redirectTo", "page", "pageSize", "q", "sort", "status", "version"]);
  const values = new Set<string>();
  for (const [path, exports] of Object.entries(SCHEMA_MODULES)) {
    if (path.endsWith(".test.ts")) continue;
    for (const value of Object.values(exports)) {
      if (!isZodSchema(value)) continue;
      const found = schemaVocabulary(value);
      found.keys.forEach((k) => keys.add(k));
      found.values.forEach((v) => values.add(v));
    }
  }
  return { keys: [...keys], values: [...values] };
})();

const callers: (Actor | null)[] = [null];
/** Ids of real records of A and of B, so generated paths and fields often name something that exists. */
const realIds: string[] = [];
/** Per path parameter, the records of A and of B of that kind, so most generated paths reach the route's own checks. */
const idsByParam: Record<string, string[]> = {};

beforeAll(async () => {
  const f = await buildFixtures();
  callers.push(...ROLE_KEYS.map((role) => f.actors[role as keyof Fixtures["actors"]]));
  const both = (...pairs: { own: string; other: string }[]) => pairs.flatMap((p) => [p.own, p.other]);
  Object.assign(idsByParam, {
    applicationId: both(f.applications, f.loanApplications),
    batchId: both(f.batches),
    claimId: both(f.claims),
    enterpriseId: both(f.enterprises),
    externalRef: both(f.productRefs),
    fundId: both(f.funds),
    institutionId: [f.bankA, f.bankB],
    loanId: both(f.loans, f.claimableLoans),
    needId: both(f.needs, f.claimedNeeds),
    objectionId: both(f.objections),
    productId: both(f.listedProducts, f.draftProducts, f.reviewProducts),
  });
  realIds.push(...new Set(Object.values(idsByParam).flat()));
  await installWriteCounter();
}, 180_000);

afterAll(async () => {
  await closeQueues();
});

const PARAM_WORDS = [...MONITORING_CHARTS, ...SIGNAL_KINDS, "accounts", "transfers", "reconciliation", "init.js", "no-such-page"];

function pathOf(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:(\w+)|\*/g, (_, name: string | undefined) => {
    const value = params[name ?? "*"]!;
    try {
      return encodeURIComponent(value);
    } catch {
      return "%ED%A0%80"; // a lone surrogate, as a broken client would send it
    }
  });
}

function encoded(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return "%ED%A0%80";
  }
}

function pageRequest(route: FlatRoute) {
  const paramNames = [...route.path.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? "*");
  const paramValue = (name: string) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...(idsByParam[name] ?? PARAM_WORDS)) },
      { weight: 1, arbitrary: fc.constantFrom(...realIds, ...PARAM_WORDS) },
      { weight: 2, arbitrary: hostileString() },
      { weight: 1, arbitrary: fc.uuid() },
    );
  const field = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...VOCABULARY.keys) }, { weight: 1, arbitrary: hostileString() });
  const fieldValue = fc.oneof({ weight: 3, arbitrary: hostileString(VOCABULARY.values) }, { weight: 1, arbitrary: fc.constantFrom(...realIds) });
  return fc.record({
    caller: fc.nat({ max: callers.length - 1 }),
    params: fc.tuple(...paramNames.map(paramValue)).map((values) => Object.fromEntries(paramNames.map((n, i) => [n, values[i]!]))),
    query: fc.array(fc.tuple(field, fc.oneof({ weight: 6, arbitrary: fieldValue.map(encoded) }, { weight: 1, arbitrary: fc.constantFrom("%FF", "%00", "%", "a%2") })), { maxLength: 5 }),
    body: fc.array(fc.tuple(field, fieldValue), { maxLength: 12 }),
    language: fc.constantFrom("zh-CN", "en", "en-US,en;q=0.9", "fr", ""),
  });
}

type Generated = ReturnType<typeof pageRequest> extends fc.Arbitrary<infer T> ? T : never;

function requestOf(route: FlatRoute, g: Generated, method: "GET" | "POST"): Request {
  const search = g.query.map(([k, v]) => `${encoded(k)}=${v}`).join("&");
  const headers: Record<string, string> = { "x-xyd-client-ip": "10.210.0.1" };
  if (g.language) headers["Accept-Language"] = g.language;
  let body: URLSearchParams | undefined;
  if (method === "POST") {
    body = new URLSearchParams();
    for (const [name, value] of g.body) body.append(name, value);
  }
  return new Request(`http://localhost${pathOf(route.path, g.params)}${search ? `?${search}` : ""}`, { method, headers, body });
}

/** A refusal: an error status, a form's errors, or the redirect to sign in that a caller without a session gets. */
function isRefusal(answer: { status: number; body: unknown; location?: string }): boolean {
  return answer.status >= 400 || formErrorsOf(answer.body) !== null || (answer.location ?? "").startsWith("/sign-in?redirectTo=");
}

describe("pages under generated requests", () => {
  const tallies: Tally[] = [];
  afterAll(() => {
    for (const tally of tallies) tally.flush();
  });

  for (const route of PAGES) {
    it(`${route.key}: ${PAGE_RUNS} callers × generated paths, queries and forms, no 500, no write on refusal`, { timeout: fuzzTimeout(PAGE_RUNS, 1_000) }, async () => {
      const module = (await import(/* @vite-ignore */ `../../app/${route.file}`)) as RouteModule;
      const tally = new Tally(`page ${route.key}`);
      tallies.push(tally);
      await fc.assert(
        fc.asyncProperty(pageRequest(route), async (g) => {
          const actor = callers[g.caller]!;
          for (const [method, handler] of [["GET", module.loader], ["POST", module.action]] as const) {
            if (!handler) continue;
            const before = await writeCount();
            const answer = await answerOf(() => handler({ request: requestOf(route, g, method), params: g.params, context: routeContext(actor) }));
            if (answer.status >= 500) {
              tally.record("serverError");
              throw new Error(`${method} answered ${answer.status}: ${String(answer.thrown ?? JSON.stringify(answer.body)).slice(0, 300)}`);
            }
            if (!isRefusal(answer)) {
              tally.record("accepted");
              continue;
            }
            const after = await writeCount();
            const wrote = after.writes !== before.writes;
            tally.record("refused", wrote);
            if (wrote) throw new Error(`${method} refused with ${answer.status} but wrote to ${after.lastTable}`);
            for (const [field, messages] of formErrorEntriesOf(answer.body) ?? []) {
              for (const message of messages) {
                // Shown as real text in both languages; and a field someone types gets its own message, not the generic one.
                const problem = shownFormMessageProblem(message) ?? (MACHINE_FIELDS.has(field.split(/[.[]/)[0]!) ? null : formMessageProblem(message));
                if (problem) throw new Error(`${method} refused ${field || "the form"} with an unclear message: ${problem}`);
              }
            }
          }
        }),
        fcOptions(PAGE_RUNS),
      );
      expect(tally.figures.tried, "a route with neither loader nor action").toBeGreaterThan(0);
    });
  }
});

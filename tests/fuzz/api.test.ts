/**
 * Request layer, JSON API: every operation of the registry (API_OPERATIONS)
 * called in-process with a real API key, generated path parameters, query
 * strings and bodies, in Chinese and in English. No answer is a 500; every
 * refusal is `{ error: { code, message } }` in the caller's language; and a
 * refused request writes nothing (counted by triggers on every table).
 * Bodies over an endpoint's limit are refused with 413 without being read
 * to the end.
 */
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  // A small import limit, so an oversized body is cheap to send.
  process.env.IMPORT_MAX_MB = "1";
});

import { createApiKey } from "~/domain/auth/api-keys.server";
import { JOBS } from "~/jobs/definitions";
import { closeQueues, getQueue } from "~/jobs/enqueue.server";
import { API_OPERATIONS, type ApiOperation } from "~/web/api-operations";
import { apiLocale } from "~/web/api.server";
import { makeActor, makeEnterprise, makeProduct, routeContext } from "../helpers";
import { answerOf, FUZZ_RUNS, fcOptions, fuzzTimeout, hostileString, installWriteCounter, schemaInput, schemaVocabulary, Tally, userMessageProblem, VALID_USCC, writeCount } from "./helpers";

type RouteModule = { loader?: (args: unknown) => Promise<unknown>; action?: (args: unknown) => Promise<unknown> };

const ROUTE_MODULES = import.meta.glob<RouteModule>("../../app/routes/api/v1/*.ts");
const moduleOf = (route: string) => ROUTE_MODULES[`../../app/${route}`]!();

let tokens: Record<"finance" | "bank", string>;
const realIds: string[] = [];

beforeAll(async () => {
  await installWriteCounter();
  const finance = await makeActor("finance_office");
  const bank = await makeActor("bank_admin");
  tokens = {
    finance: (await createApiKey({ actor: finance, name: "模糊测试", ip: null })).token,
    bank: (await createApiKey({ actor: bank, name: "模糊测试", ip: null })).token,
  };
  // Real records of the bank, so some generated ids name something that exists.
  const product = await makeProduct(bank.institution!.id, bank.userId, "模糊测试产品");
  realIds.push(product.id, (await makeEnterprise()).id);
});

afterAll(async () => {
  await getQueue(JOBS.importSignalBatch.queue).obliterate({ force: true });
  await closeQueues();
});

const LANGUAGES = ["zh-CN", "en", "en-US,en;q=0.9", "zh-TW", "fr", "", "zh;q=0.1, en;q=0.9", "*"] as const;

function tokenFor(op: ApiOperation): string | null {
  if (op.security === "public") return null;
  return op.security.permission === "import:credit-signal:any" ? tokens.finance : tokens.bank;
}

/** A path segment or query value as a client might put it on the wire, raw percent escapes included. */
function onTheWire(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    // A lone surrogate has no UTF-8 form: send the bytes a broken client would.
    return "%ED%A0%80";
  }
}

function requestArbitrary(op: ApiOperation) {
  const paramValue = fc.oneof({ weight: 3, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.constantFrom(...realIds) }, { weight: 3, arbitrary: hostileString(["SME-TAX-2026", "abc"]) });
  const paramNames = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const queryKeys = op.query ? schemaVocabulary(op.query).keys : [];
  const query = fc.array(
    fc.tuple(fc.oneof(fc.constantFrom(...queryKeys, "x"), hostileString()), fc.oneof({ weight: 5, arbitrary: hostileString(schemaVocabulary(op.query).values) }, { weight: 1, arbitrary: fc.constantFrom("%FF", "%00", "%", "a%2") })),
    { maxLength: 4 },
  );
  const body = op.body
    ? fc.oneof(
        { weight: 8, arbitrary: schemaInput(op.body, "json").map((v) => ({ kind: "json" as const, value: v })) },
        { weight: 1, arbitrary: fc.constantFrom("{", "[1,", "\uFEFF{}", "null", "", "{\"rows\":[{\"uscc\":\"" + VALID_USCC + "\"}]}").map((raw) => ({ kind: "raw" as const, raw, type: "application/json" })) },
        { weight: 1, arbitrary: fc.tuple(hostileString(), fc.constantFrom("text/plain", "application/json; charset=gbk", "multipart/form-data", "application/x-www-form-urlencoded")).map(([raw, type]) => ({ kind: "raw" as const, raw, type })) },
      )
    : fc.constant(null);
  const idempotencyKey = fc.oneof({ weight: 6, arbitrary: fc.constant("fresh") }, { weight: 1, arbitrary: hostileString() }, { weight: 1, arbitrary: fc.constant(null) });
  return fc.record({
    params: fc.tuple(...paramNames.map(() => paramValue)).map((values) => Object.fromEntries(paramNames.map((n, i) => [n, values[i]!]))),
    query,
    body,
    language: fc.constantFrom(...LANGUAGES),
    idempotencyKey,
  });
}

type Generated = ReturnType<typeof requestArbitrary> extends fc.Arbitrary<infer T> ? T : never;

function buildRequest(op: ApiOperation, g: Generated): Request {
  let path = op.path;
  for (const [name, value] of Object.entries(g.params)) path = path.replace(`{${name}}`, onTheWire(value));
  const search = g.query.map(([k, v]) => `${onTheWire(k)}=${/^%/.test(v) ? v : onTheWire(v)}`).join("&");
  const headers: Record<string, string> = { "x-xyd-client-ip": "10.77.0.1" };
  const token = tokenFor(op);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (g.language) headers["Accept-Language"] = g.language;
  if (g.idempotencyKey === "fresh") headers["Idempotency-Key"] = randomUUID();
  else if (g.idempotencyKey !== null && /^[\x20-\x7E]*$/.test(g.idempotencyKey)) headers["Idempotency-Key"] = g.idempotencyKey;
  let body: string | undefined;
  if (g.body?.kind === "json") {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(g.body.value) ?? "null";
  } else if (g.body?.kind === "raw") {
    headers["Content-Type"] = g.body.type;
    body = g.body.raw;
  }
  return new Request(`http://localhost${path}${search ? `?${search}` : ""}`, { method: op.method.toUpperCase(), headers, body });
}

async function call(op: ApiOperation, request: Request, params: Record<string, string>) {
  const module = await moduleOf(op.route);
  const handler = op.method === "get" ? module.loader : module.action;
  return answerOf(() => handler!({ request, params, context: routeContext(null) }));
}

/** Why an error answer would not tell the caller what went wrong, in their language; null when it does. */
function errorBodyProblem(body: unknown, locale: "zh-CN" | "en"): string | null {
  const error = (body as { error?: { code?: unknown; message?: unknown; issues?: { message?: unknown }[] } })?.error;
  if (!error || typeof error.code !== "string" || error.code === "") return `no { error: { code } } in ${JSON.stringify(body).slice(0, 200)}`;
  const problem = userMessageProblem(error.message, locale);
  if (problem) return `${error.code}: ${problem}`;
  for (const issue of error.issues ?? []) {
    const issueProblem = userMessageProblem(issue.message, locale);
    if (issueProblem) return `${error.code} issue: ${issueProblem}`;
  }
  return null;
}

const OPERATIONS = API_OPERATIONS.filter((op) => op.method !== "get" || op.query || op.pathParams || op.path.includes("{"));

describe("JSON API under generated requests", () => {
  const tallies: Tally[] = [];
  afterAll(() => tallies.forEach((t) => t.flush()));

  for (const op of OPERATIONS) {
    it(`${op.method.toUpperCase()} ${op.path}: ${FUZZ_RUNS} requests, no 500, refusals explained in the caller's language, no write on refusal`, { timeout: fuzzTimeout(FUZZ_RUNS, 120) }, async () => {
      const tally = new Tally(`api ${op.method.toUpperCase()} ${op.path}`);
      tallies.push(tally);
      await fc.assert(
        fc.asyncProperty(requestArbitrary(op), async (g) => {
          const request = buildRequest(op, g);
          const locale = apiLocale(request);
          const before = await writeCount();
          const answer = await call(op, request, g.params);
          const after = await writeCount();
          if (answer.status >= 500) {
            tally.record("serverError");
            throw new Error(`${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)} ${answer.thrown ? String((answer.thrown as Error).stack) : ""}`);
          }
          if (answer.status < 400) {
            tally.record("accepted");
            return;
          }
          const wrote = after.writes !== before.writes;
          tally.record("refused", wrote);
          if (wrote) throw new Error(`refused with ${answer.status} but wrote ${after.writes - before.writes} row(s), last in ${after.lastTable}`);
          const problem = errorBodyProblem(answer.body, locale);
          if (problem) throw new Error(`refused with ${answer.status}: ${problem}`);
        }),
        fcOptions(FUZZ_RUNS),
      );
      expect(tally.figures.serverErrors).toBe(0);
    });
  }
});

describe("oversized API bodies", () => {
  /** A body that never ends, counting what the handler pulled from it. */
  function endlessBody(): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        // Far past every limit: a reader that does not stop fails the test rather than hanging it.
        if (pulled > 64 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    return { stream, pulled: () => pulled };
  }

  for (const op of API_OPERATIONS.filter((o) => o.body)) {
    for (const language of ["zh-CN", "en"] as const) {
      it(`${op.method.toUpperCase()} ${op.path} refuses a body over its limit with 413 in ${language}, declared or streamed, without reading it whole or writing`, async () => {
        const params = Object.fromEntries([...op.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, randomUUID()]));
        const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name]!);
        const headers = { Authorization: `Bearer ${tokenFor(op)}`, "Content-Type": "application/json", "Accept-Language": language, "x-xyd-client-ip": "10.77.0.2" };
        const before = await writeCount();

        const declared = endlessBody();
        const declaredAnswer = await call(
          op,
          new Request(`http://localhost${path}`, {
            method: op.method.toUpperCase(),
            headers: { ...headers, "Idempotency-Key": randomUUID(), "Content-Length": String(2 * 1024 * 1024 * 1024) },
            body: declared.stream,
            duplex: "half",
          } as RequestInit),
          params,
        );
        expect(declaredAnswer.status).toBe(413);
        expect(declared.pulled(), "a declared length over the limit is refused before reading").toBeLessThanOrEqual(64 * 1024 * 2);
        expect(errorBodyProblem(declaredAnswer.body, language)).toBeNull();
        expect((declaredAnswer.body as { error: { code: string } }).error.code).toBe("payloadTooLarge");

        const streamed = endlessBody();
        const streamedAnswer = await call(
          op,
          new Request(`http://localhost${path}`, {
            method: op.method.toUpperCase(),
            headers: { ...headers, "Idempotency-Key": randomUUID() },
            body: streamed.stream,
            duplex: "half",
          } as RequestInit),
          params,
        );
        expect(streamedAnswer.status).toBe(413);
        // The largest limit is the import's IMPORT_MAX_MB (1 MB here); reading stops at the first chunk past it.
        expect(streamed.pulled()).toBeLessThanOrEqual(1024 * 1024 + 4 * 64 * 1024);
        expect(errorBodyProblem(streamedAnswer.body, language)).toBeNull();
        expect((await writeCount()).writes).toBe(before.writes);
      });
    }
  }
});

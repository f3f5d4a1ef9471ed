/**
 * Shared pieces of the fuzz suites: hostile inputs (Unicode edge cases,
 * injection-looking text, numbers at and past every bound), a write counter
 * installed as triggers in the test file's own database, a classifier of what
 * a loader or action answered, and the figures each target reports to
 * scripts/fuzz.ts.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import fc from "fast-check";
import { z } from "zod";
import { prisma } from "~/db.server";
import { translateError } from "~/components/forms";
import { createI18n, resources } from "~/i18n/i18n";
import { enterpriseUscc } from "../../prisma/seed/city";
import { Random } from "../../prisma/seed/random";
import { installWriteCounter, writeTotal } from "../write-counter";

const configuredRuns = Number(process.env.FUZZ_RUNS);
/**
 * Inputs per target. `npm run fuzz` sets FUZZ_RUNS=10000 for every layer; the
 * full test run keeps to a sample (200 requests or files, 1,000 schema inputs)
 * so it stays within its time budget.
 */
export const FUZZ_RUNS = configuredRuns >= 1 ? Math.floor(configuredRuns) : 200;
export const SCHEMA_RUNS = configuredRuns >= 1 ? Math.floor(configuredRuns) : 1_000;

// ─── Hostile text ────────────────────────────────────────────────────────────

const rng = new Random(20_260_101);
export const VALID_USCC = enterpriseUscc(rng, "211103");

/** Text every field should survive: the Unicode edge cases users and attackers actually send. */
export const HOSTILE_STRINGS: readonly string[] = [
  "",
  " ",
  "\u3000",
  "\t\r\n",
  "１２３",
  "１２３．４５",
  "１，２３４，５６７．８９",
  "３．８５％",
  "２０２６-０１-３１",
  "２０２６－０１－３１",
  "盘锦abcАБВ١٢٣",
  "中文 English 日本語 한국어 עברית العربية",
  "😀",
  "👨‍👩‍👧‍👦",
  "🇨🇳🏳️‍🌈",
  "a😀b".repeat(30),
  "\uD800",
  "\uDC00x",
  "x\uD83D",
  "\u0000",
  "abc\u0000def",
  "\u200F\u202Eabc\u202C",
  "\u200B\u200C\u200D\uFEFF",
  "e\u0301",
  "a\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308",
  "Ａｂｃ－１２３",
  "=cmd|' /C calc'!A0",
  "+SUM(1+1)*cmd|' /C calc'!A0",
  "-2+3",
  "@SUM(A1)",
  "'; DROP TABLE users; --",
  "<script>alert(1)</script>",
  "{{constructor.constructor('x')()}}",
  "__proto__",
  "constructor",
  "../../etc/passwd",
  "%00%0d%0a",
  "null",
  "undefined",
  "true",
  "on",
  "0",
  "-0",
  "-1",
  "1",
  "01",
  "1e3",
  "1e309",
  "NaN",
  "Infinity",
  "0x10",
  "12.345",
  "1,234.5",
  "9999999999999.99",
  "10000000000.00",
  "99999999999999999999",
  "2400",
  "24.01",
  "24",
  "0.01",
  "100",
  "100.5",
  "2026-01-31",
  "2026-02-30",
  "2099-12-31",
  "1999-12-31",
  "0000-01-01",
  "+275760-09-13",
  "2026-13",
  "2026-09",
  "2025",
  "00000000-0000-0000-0000-000000000000",
  "3F2504E0-4F89-11D3-9A0C-0305E82C3301",
  "３f2504e0-4f89-11d3-9a0c-0305e82c3301",
  VALID_USCC,
  VALID_USCC.toLowerCase(),
  ` ${VALID_USCC} `,
  VALID_USCC.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
  `${VALID_USCC.slice(0, 17)}${VALID_USCC.endsWith("0") ? "1" : "0"}`,
  "91110000600037341L",
  "13800138000",
  "１３８００１３８０００",
  "138-0013-8000",
  "211103",
  "211100",
  "C34",
  "c34",
  "A",
  "M",
  "CREDIT",
  "SMALL",
  "zh-CN",
  "a".repeat(64),
  "a".repeat(65),
  "中".repeat(61),
  "😀".repeat(501),
];

/** Very long text, up to 100,000 characters, in a few scripts. */
const longString = fc
  .tuple(fc.constantFrom("a", "中", "😀", "1", " ", "👨‍👩‍👧", "e\u0301", "\u0000"), fc.integer({ min: 1_000, max: 100_000 }))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

/** A UUID in the canonical form (fast-check's own), to get past id checks. */
const uuidString = fc.uuid();

/** Strings of every kind: the hostile list, valid-looking values of the schema, random Unicode, long text. */
export function hostileString(pool: readonly string[] = []): fc.Arbitrary<string> {
  const known = [...HOSTILE_STRINGS, ...pool];
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...known) },
    { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom("1", "２", ".", ",", "-", "%", " ", "0"), maxLength: 20 }) },
    { weight: 1, arbitrary: uuidString },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...known), fc.constantFrom(...known)).map(([a, b]) => `${a}${b}`) },
    { weight: 1, arbitrary: longString },
  );
}

/** JSON values of every type, hostile strings inside. */
export function hostileJson(pool: readonly string[] = []): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    { weight: 6, arbitrary: hostileString(pool) },
    {
      weight: 3,
      arbitrary: fc.oneof(
        fc.integer(),
        fc.constantFrom(0, -0, 1, -1, 2_400, 10_000, 1e12, 1e12 + 1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e308, 0.5, 3.45),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
      ),
    },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  return fc.oneof(
    { weight: 8, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(leaf, { maxLength: 6 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...pool, "__proto__", "constructor", "x"), leaf, { maxKeys: 3 }) },
  );
}

// ─── What a schema looks like ────────────────────────────────────────────────

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def | null => ((schema as { _zod?: { def?: Def } })?._zod?.def ?? null) as Def | null;

export function isZodSchema(value: unknown): value is z.ZodType {
  return value instanceof z.ZodType || defOf(value) !== null;
}

/**
 * The field names and the literal and enum values a schema mentions anywhere,
 * so generated objects carry the right keys and often a right discriminator
 * or choice, and parsing gets past the first check.
 */
export function schemaVocabulary(schema: unknown): { keys: string[]; values: string[] } {
  const keys = new Set<string>();
  const values = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (node: unknown) => {
    const def = defOf(node);
    if (!def || seen.has(node)) return;
    seen.add(node);
    const nested: unknown[] = [];
    if (def.type === "object") {
      for (const [key, child] of Object.entries(def.shape as Record<string, unknown>)) {
        keys.add(key);
        nested.push(child);
      }
    }
    if (def.type === "enum") for (const v of Object.values(def.entries as Record<string, unknown>)) values.add(String(v));
    if (def.type === "literal") for (const v of def.values as unknown[]) values.add(String(v));
    for (const field of ["innerType", "in", "out", "element", "keyType", "valueType", "schema"]) if (def[field]) nested.push(def[field]);
    if (Array.isArray(def.options)) nested.push(...def.options);
    if (Array.isArray(def.items)) nested.push(...def.items);
    if (def.left) nested.push(def.left, def.right);
    for (const child of nested) walk(child);
  };
  walk(schema);
  return { keys: [...keys], values: [...values] };
}

/**
 * Inputs for one schema: objects with its keys (each present or not) and
 * hostile values — strings as a form sends them, or any JSON for an API body
 * — plus wholly random JSON.
 */
export function schemaInput(schema: unknown, mode: "form" | "json"): fc.Arbitrary<unknown> {
  const { keys, values } = schemaVocabulary(schema);
  const value = mode === "form" ? fc.oneof({ weight: 8, arbitrary: hostileString(values) }, { weight: 1, arbitrary: fc.array(hostileString(values), { maxLength: 4 }) }) : hostileJson(values);
  const shaped =
    keys.length === 0
      ? value
      : fc.record(Object.fromEntries(keys.map((k) => [k, value])), { requiredKeys: [] }).chain((record) =>
          // Often also an unknown key, as a hand-made request would carry.
          fc.boolean().map((extra) => (extra ? { ...record, ["x-extra"]: "1" } : record)),
        );
  return fc.oneof({ weight: 8, arbitrary: shaped }, { weight: 1, arbitrary: hostileJson(values) }, { weight: 1, arbitrary: fc.anything() });
}

// ─── Messages ────────────────────────────────────────────────────────────────

type Catalog = Record<string, unknown>;
const CATALOGS = { "zh-CN": resources["zh-CN"].translation as Catalog, en: resources.en.translation as Catalog } as const;

/** The catalog string at a dotted key, or undefined. */
export function catalogEntry(locale: keyof typeof CATALOGS, key: string): string | undefined {
  let node: unknown = CATALOGS[locale];
  for (const part of key.split(".")) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Catalog)[part];
  }
  return typeof node === "string" ? node : undefined;
}

/**
 * Why a form issue's message (an `errors.` key with `|{json}` parameters, as
 * app/components/forms.tsx translates it) would not show as real text in both
 * languages; null when it would.
 */
export function formMessageProblem(message: unknown): string | null {
  if (typeof message !== "string" || message === "") return "empty message";
  const bar = message.indexOf("|");
  const key = bar < 0 ? message : message.slice(0, bar);
  if (bar >= 0) {
    try {
      const params: unknown = JSON.parse(message.slice(bar + 1));
      if (!params || typeof params !== "object") return `parameters of ${key} are not an object`;
    } catch {
      return `parameters of ${key} are not JSON`;
    }
  }
  for (const locale of ["zh-CN", "en"] as const) {
    if (!catalogEntry(locale, `errors.${key}`)) return `"${message}" is not an errors.* entry in ${locale}`;
  }
  return null;
}

/**
 * Fields no one types: hidden inputs the page renders (which command, the
 * version edited, one-time keys, where to return to). A tampered value there
 * reads as the generic "invalid" message, which is enough.
 */
export const MACHINE_FIELDS = new Set(["redirectTo", "decision", "intent", "version", "baseVersion", "createKey", "submitKey", "commandKey", "signalId", "apiKeyId", "authorisationId"]);

const TRANSLATORS = [
  ["zh-CN", createI18n("zh-CN").t],
  ["en", createI18n("en").t],
] as const;

/** Why what a page shows for a form issue (app/components/forms.tsx) would not be real text in both languages, or would throw. */
export function shownFormMessageProblem(message: string): string | null {
  for (const [locale, t] of TRANSLATORS) {
    let shown: string | undefined;
    try {
      shown = translateError(t, message);
    } catch (error) {
      return `translating "${message}" threw ${String(error)}`;
    }
    const problem = userMessageProblem(shown, locale);
    if (problem) return `${locale}: ${problem}`;
  }
  return null;
}

const HAN = /\p{Script=Han}/u;

/** A message shown to a caller: real text, in Chinese when the caller reads Chinese, no placeholders or raw keys left. */
export function userMessageProblem(message: unknown, locale: "zh-CN" | "en"): string | null {
  if (typeof message !== "string" || message.trim() === "") return "empty message";
  // A placeholder of the catalog left unfilled ({{name}}); a caller's own text echoed back may contain braces.
  if (/\{\{\s*[A-Za-z]+\s*\}\}/.test(message)) return `placeholder left in "${message}"`;
  if (/^[a-z][A-Za-z]*(\.[A-Za-z]+)+$/.test(message) || /^[a-z]+[A-Z][A-Za-z]*$/.test(message)) return `raw key "${message}"`;
  if (locale === "zh-CN" && !HAN.test(message)) return `untranslated text in Chinese: "${message}"`;
  if (locale === "en" && HAN.test(message.replace(/[“”]/g, "")) && !/[A-Za-z]{3}/.test(message)) return `Chinese text in English: "${message}"`;
  return null;
}

// ─── Writes ──────────────────────────────────────────────────────────────────

/**
 * Tables a refused request writes by design, so they are not counted:
 * - api_idempotency_records: the API stores its first answer below 500, 4xx
 *   included, so a retry gets the same refusal (app/web/idempotency.server.ts);
 * - api_keys: authenticating a key stamps its lastUsedAt, refused request or not.
 */
export const WRITES_EXPECTED_ON_REFUSAL = ["api_idempotency_records", "api_keys"] as const;

export { installWriteCounter };

/** Rows written so far, and the table written last, not counting the tables a refusal writes by design. */
export const writeCount = () => writeTotal(WRITES_EXPECTED_ON_REFUSAL);

// ─── Answers ─────────────────────────────────────────────────────────────────

export type Answer = {
  status: number;
  /** Form errors, the API's `{ error }`, or a response's text: whatever tells the user why. */
  body: unknown;
  /** Where a redirect sends the caller. */
  location?: string;
};

type DataWithInit = { type: "DataWithResponseInit"; data: unknown; init: ResponseInit | null };
const isDataWithInit = (v: unknown): v is DataWithInit => !!v && typeof v === "object" && (v as DataWithInit).type === "DataWithResponseInit";

async function responseAnswer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get("Content-Type") ?? "").includes("json")) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, body, location: response.headers.get("Location") ?? undefined };
}

/**
 * Runs a loader or action and reports what the browser or client would get.
 * A thrown Response is an answer; anything else thrown would be a 500 from
 * React Router, so it is reported as one.
 */
export async function answerOf(call: () => Promise<unknown>): Promise<Answer & { thrown?: unknown }> {
  try {
    const value = await call();
    if (value instanceof Response) return responseAnswer(value);
    if (isDataWithInit(value)) return { status: value.init?.status ?? 200, body: value.data };
    return { status: 200, body: value };
  } catch (thrown) {
    if (thrown instanceof Response) return responseAnswer(thrown);
    if (isDataWithInit(thrown)) return { status: thrown.init?.status ?? 500, body: thrown.data };
    return { status: 500, body: String(thrown), thrown };
  }
}

/** conform's reply: `{ status: "error", error: { field: [keys] } }`, somewhere in the action's data; the messages of every field. */
export function formErrorsOf(body: unknown): string[] | null {
  const entries = formErrorEntriesOf(body);
  return entries && entries.flatMap(([, messages]) => messages);
}

/** The same reply's errors per field ("" for the form as a whole). */
export function formErrorEntriesOf(body: unknown): [string, string[]][] | null {
  if (!body || typeof body !== "object") return null;
  const record = body as Record<string, unknown>;
  const reply = (record.result ?? record.reply ?? record.submission ?? record) as { status?: string; error?: Record<string, string[] | null> | null };
  if (reply && typeof reply === "object" && reply.status === "error" && reply.error) {
    return Object.entries(reply.error).map(([field, messages]) => [field, messages ?? []]);
  }
  for (const value of Object.values(record)) {
    if (value && typeof value === "object" && (value as { status?: string }).status === "error") {
      const found = formErrorEntriesOf({ result: value });
      if (found) return found;
    }
  }
  return null;
}

// ─── Figures for scripts/fuzz.ts ─────────────────────────────────────────────

export type TargetFigures = { target: string; tried: number; refused: number; accepted: number; serverErrors: number; writesOnRefusal: number };

export class Tally {
  readonly figures: TargetFigures;
  constructor(target: string) {
    this.figures = { target, tried: 0, refused: 0, accepted: 0, serverErrors: 0, writesOnRefusal: 0 };
  }
  record(outcome: "refused" | "accepted" | "serverError", wroteOnRefusal = false): void {
    this.figures.tried += 1;
    if (outcome === "refused") this.figures.refused += 1;
    if (outcome === "accepted") this.figures.accepted += 1;
    if (outcome === "serverError") this.figures.serverErrors += 1;
    if (wroteOnRefusal) this.figures.writesOnRefusal += 1;
  }
  /** Appends this target's figures to FUZZ_RESULTS (one JSON line each), when the runner asked for them. */
  flush(): void {
    const file = process.env.FUZZ_RESULTS;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, `${JSON.stringify(this.figures)}\n`);
  }
}

/** fast-check's options for a layer: a fixed seed when FUZZ_SEED says so, to replay a failure. */
/** A test's time limit: ten minutes, or more where the runs asked for need it at `msPerInput` each (a CSV file is imported twice, a page is a page's worth of queries). */
export function fuzzTimeout(runs: number, msPerInput: number): number {
  return Math.max(600_000, runs * msPerInput);
}

export function fcOptions(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
  return { numRuns, ...(seed === undefined ? {} : { seed }), endOnFailure: true };
}

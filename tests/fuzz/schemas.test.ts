/**
 * Schema layer: every exported zod schema of every form and API payload gets
 * 10,000 generated inputs — objects with its keys and hostile values, and
 * wholly random data. Parsing never throws; a refusal names each problem with
 * a message the user reads in their language; an acceptance keeps the field
 * rules' promises (money in 分 within bounds, rates in integer bps, a valid
 * USCC, text trimmed, bounded and storable).
 *
 * A schema module that exports a schema not listed here fails the suite, so a
 * new form cannot be left out.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { parseUscc } from "~/domain/identity/uscc";
import * as admin from "~/schemas/admin";
import * as apiApplications from "~/schemas/api/applications";
import * as apiCommon from "~/schemas/api/common";
import * as apiBatches from "~/schemas/api/credit-signal-batches";
import * as apiInbox from "~/schemas/api/inbox";
import * as apiProducts from "~/schemas/api/products";
import * as apiKeys from "~/schemas/api-keys";
import * as applications from "~/schemas/applications";
import * as auth from "~/schemas/auth";
import * as calendar from "~/schemas/calendar";
import * as claims from "~/schemas/claims";
import * as credit from "~/schemas/credit";
import * as fields from "~/schemas/fields";
import * as funds from "~/schemas/funds";
import * as matching from "~/schemas/matching";
import * as needs from "~/schemas/needs";
import * as products from "~/schemas/products";
import { apiIssues } from "~/web/api.server";
import { fcOptions, formMessageProblem, isZodSchema, MACHINE_FIELDS, SCHEMA_RUNS, schemaInput, hostileString, shownFormMessageProblem, Tally, userMessageProblem } from "./helpers";

/**
 * How a schema's input arrives and how its messages are shown:
 * - form: form fields as strings, messages are `errors.` keys (app/components/forms.tsx);
 * - query: a URL's parameters, same messages;
 * - field: one form field's string, same messages;
 * - api: a JSON body, messages through apiIssues (app/web/api.server.ts);
 * - apiQuery: an API's URL parameters, messages through apiIssues;
 * - response: describes what the API answers (for the OpenAPI document); only never-throws applies.
 */
type Kind = "form" | "query" | "field" | "api" | "apiQuery" | "response";

const MODULES: Record<string, { exports: Record<string, unknown>; schemas: Record<string, Kind> }> = {
  "schemas/admin": { exports: admin, schemas: { CreateUserSchema: "form", CreateInstitutionSchema: "form", ListQuerySchema: "query" } },
  "schemas/api-keys": { exports: apiKeys, schemas: { CreateApiKeySchema: "form", RevokeApiKeySchema: "form", ApiKeyActionSchema: "form" } },
  "schemas/applications": { exports: applications, schemas: { ApplyFormSchema: "form", ApplicationCommandFormSchema: "form" } },
  "schemas/auth": { exports: auth, schemas: { SignInSchema: "form", RegisterEnterpriseSchema: "form" } },
  "schemas/calendar": {
    exports: calendar,
    schemas: {
      calendarDayString: "field",
      CalendarDaySchema: "form",
      CalendarDayRemoveSchema: "form",
      CalendarActionSchema: "form",
      CalendarYearSchema: "field",
      CalendarPageQuerySchema: "query",
    },
  },
  "schemas/claims": { exports: claims, schemas: { ClaimListQuerySchema: "query", FileClaimFormSchema: "form", ClaimCommandFormSchema: "form" } },
  "schemas/credit": {
    exports: credit,
    schemas: {
      ImportPolicySchema: "field",
      SignalKindSchema: "field",
      SignalUploadSchema: "form",
      SignalBatchApiSchema: "api",
      GrantAuthorisationSchema: "form",
      RevokeAuthorisationSchema: "form",
      RaiseObjectionSchema: "form",
      RequestRepairSchema: "form",
      DecideObjectionSchema: "form",
    },
  },
  "schemas/fields": {
    exports: fields,
    // passwordField is kept as typed: see UNTRIMMED_KEYS.
    schemas: {
      usccField: "field",
      usernameField: "field",
      passwordField: "field",
      redirectPathField: "field",
      mobilePhoneField: "field",
      regionCodeField: "field",
      industryCodeField: "field",
      enterpriseSizeField: "field",
      yuanToFenField: "field",
      calendarDateField: "field",
      pastCalendarDateField: "field",
      mustBeCheckedField: "field",
      percentToBpsField: "field",
    },
  },
  "schemas/funds": {
    exports: funds,
    schemas: {
      ratioPercentToBpsField: "field",
      FundCreateSchema: "form",
      FundActionSchema: "form",
      FundPageQuerySchema: "query",
      FundRulesSchema: "form",
      FundContributionSchema: "form",
      FundSuspensionSchema: "form",
    },
  },
  "schemas/matching": { exports: matching, schemas: { InboxQuerySchema: "query", InboxClaimSchema: "form" } },
  "schemas/needs": {
    exports: needs,
    schemas: { NeedFormSchema: "form", CloseNeedSchema: "form", FulfilNeedSchema: "form", ClaimNeedSchema: "form", NeedSearchParamsSchema: "query" },
  },
  "schemas/products": {
    exports: products,
    schemas: { ProductFormSchema: "form", ProductTransitionSchema: "form", SupermarketQuerySchema: "query", ProductListQuerySchema: "query" },
  },
  "schemas/api/applications": {
    exports: apiApplications,
    schemas: {
      ApplicationIdParamsSchema: "apiQuery",
      LoanIdParamsSchema: "apiQuery",
      ApplicationListQuerySchema: "apiQuery",
      ApplicationDecisionBodySchema: "api",
      DisbursementBodySchema: "api",
      RepaymentBodySchema: "api",
      ApplicationResponseSchema: "response",
      ApplicationListResponseSchema: "response",
      LoanResponseSchema: "response",
      RepaymentResponseSchema: "response",
    },
  },
  "schemas/api/common": {
    exports: apiCommon,
    schemas: {
      ApiErrorSchema: "response",
      PaginationQuerySchema: "apiQuery",
      FenAmountSchema: "api",
      FenSchema: "response",
      DaySchema: "api",
      InstantSchema: "response",
      // A header, answered by the idempotency layer's own codes (idempotencyKeyInvalid), not by issues.
      IdempotencyKeySchema: "response",
    },
  },
  "schemas/api/credit-signal-batches": {
    exports: apiBatches,
    schemas: {
      SignalBatchApiSchema: "api",
      ListBatchesQuerySchema: "apiQuery",
      BatchQuerySchema: "apiQuery",
      BatchIdParamsSchema: "apiQuery",
      SubmitBatchResponseSchema: "response",
      BatchListItemSchema: "response",
      BatchListResponseSchema: "response",
      BatchDetailResponseSchema: "response",
    },
  },
  "schemas/api/inbox": { exports: apiInbox, schemas: { InboxApiQuerySchema: "apiQuery", InboxItemSchema: "response", InboxResponseSchema: "response" } },
  "schemas/api/products": {
    exports: apiProducts,
    schemas: { ExternalRefSchema: "apiQuery", ProductRefParamsSchema: "apiQuery", ProductUpsertBodySchema: "api", ProductSavedResponseSchema: "response", ProductResponseSchema: "response" },
  },
};

/** Schemas made by the field builders (functions, so not found among the exports), at sizes the forms use. */
const BUILT: Record<string, { schema: z.ZodType; kind: Kind }> = {
  "requiredText(50)": { schema: fields.requiredText(50), kind: "field" },
  "optionalText(500)": { schema: fields.optionalText(500), kind: "field" },
  "wholeNumberField(1, 360)": { schema: fields.wholeNumberField(1, 360), kind: "field" },
  "linesField(20, 60)": { schema: fields.linesField(20, 60), kind: "field" },
  "listField(regionCodeField, 1..3)": { schema: fields.listField(fields.regionCodeField, { min: 1, max: 3 }), kind: "field" },
  "lenient(yuanToFenField)": { schema: fields.lenient(fields.yuanToFenField), kind: "query" },
  "intSchema(1, 360)": { schema: apiCommon.intSchema(1, 360), kind: "api" },
  "bpsSchema(1, 2400)": { schema: apiCommon.bpsSchema(1, 2_400), kind: "api" },
};

// ─── What an accepted value must look like ───────────────────────────────────

/** Text kept as typed on purpose: a password is compared as the user typed it, and where sign-in returns to is a path. */
const UNTRIMMED_KEYS = new Set(["password", "confirmPassword", "redirectTo", "passwordField", "redirectPathField"]);
/** Cells of credit-signal rows and corrections: checked after parsing by the signal kind's own row schema (signal-kinds.ts). */
const ROW_CONTAINERS = new Set(["rows", "cells"]);
/** The longest text any form or payload field accepts (a claim's recovery actions). */
const MAX_TEXT_CODE_POINTS = 2_000;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function invariantProblems(value: unknown, path: string[]): string[] {
  const key = path.at(-1) ?? "";
  if (path.some((p) => ROW_CONTAINERS.has(p))) return [];
  const at = path.join(".") || "(value)";
  if (typeof value === "bigint") {
    return value < 0n || value > fields.MAX_AMOUNT_FEN ? [`${at}: amount ${value} 分 outside 0..${fields.MAX_AMOUNT_FEN}`] : [];
  }
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) return [`${at}: ${value} is not a whole number`];
    if (/bps$|rate$/i.test(key) && (value < 0 || value > 10_000)) return [`${at}: ${value} bps outside 0..10000`];
    return [];
  }
  if (typeof value === "string") {
    const problems: string[] = [];
    if (/uscc/i.test(key)) {
      const parsed = parseUscc(value);
      if (!parsed.ok || parsed.value !== value) problems.push(`${at}: "${value}" is not a valid USCC`);
    }
    if (value.includes("\u0000")) problems.push(`${at}: contains NUL, which PostgreSQL text cannot store`);
    if (LONE_SURROGATE.test(value)) problems.push(`${at}: contains a lone surrogate`);
    if ([...value].length > MAX_TEXT_CODE_POINTS) problems.push(`${at}: ${[...value].length} characters, unbounded`);
    if (!UNTRIMMED_KEYS.has(key) && value !== value.trim()) problems.push(`${at}: not trimmed: ${JSON.stringify(value.slice(0, 40))}`);
    return problems;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? [`${at}: invalid date`] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => invariantProblems(v, [...path, String(i)]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => invariantProblems(v, [...path, k]));
  return [];
}

// ─── How a refusal reads ─────────────────────────────────────────────────────

/** The body reader's own error option (readJsonBody in app/web/api.server.ts): a missing field reads "required". */
const apiParseOptions = {
  error: (issue: { code: string; input?: unknown }) => (issue.code === "invalid_type" && issue.input === undefined ? "required" : undefined),
};


/**
 * A browser form sends strings only: a value of another type (an array from a
 * repeated field, a whole body that is not an object) comes from a tampered
 * request, and the generic message is enough there too.
 */
function isMachineProblem(issue: z.core.$ZodIssue): boolean {
  if (issue.path.some((p) => typeof p === "string" && MACHINE_FIELDS.has(p))) return true;
  if (issue.code === "invalid_type" && (issue as { input?: unknown }).input !== undefined && typeof (issue as { input?: unknown }).input !== "string") return true;
  // A form of nested fields (a correction's cells) read as one plain field: the shape was tampered with.
  if (issue.code === "invalid_type" && issue.expected !== "string") return true;
  return issue.path.length === 0 && issue.code === "invalid_type";
}

function messageProblems(kind: Kind, issues: readonly z.core.$ZodIssue[]): string[] {
  if (issues.length === 0) return ["a refusal without issues"];
  if (kind === "api" || kind === "apiQuery") {
    return (["zh-CN", "en"] as const).flatMap((locale) =>
      apiIssues(issues, locale).flatMap((issue) => {
        const problem = userMessageProblem(issue.message, locale);
        return problem ? [`${locale} ${issue.path.join(".")} (${issue.code}): ${problem}`] : [];
      }),
    );
  }
  return issues.flatMap((issue) => {
    const at = `${issue.path.join(".") || "(form)"} [${issue.code}]`;
    const shown = shownFormMessageProblem(issue.message);
    if (shown) return [`${at} ${shown}`];
    // And it must be the field's own message, not the generic fallback, for anything a person types into the form.
    const problem = formMessageProblem(issue.message);
    if (problem && !isMachineProblem(issue)) return [`${at}: ${problem}`];
    return [];
  });
}

const targets = [
  ...Object.entries(MODULES).flatMap(([module, { exports, schemas }]) =>
    Object.entries(schemas).map(([name, kind]) => ({ name: `${module}.${name}`, schema: exports[name] as z.ZodType, kind })),
  ),
  ...Object.entries(BUILT).map(([name, { schema, kind }]) => ({ name: `schemas/fields.${name}`, schema, kind })),
];

describe("schema layer", () => {
  it("lists every exported zod schema of every schema module", () => {
    const unlisted = Object.entries(MODULES).flatMap(([module, { exports, schemas }]) =>
      Object.entries(exports)
        .filter(([name, value]) => isZodSchema(value) && !(name in schemas))
        .map(([name]) => `${module}.${name}`),
    );
    const missing = Object.entries(MODULES).flatMap(([module, { exports, schemas }]) =>
      Object.keys(schemas)
        .filter((name) => !isZodSchema(exports[name]))
        .map((name) => `${module}.${name}`),
    );
    expect(unlisted, "schemas exported but not fuzzed: add them to MODULES").toEqual([]);
    expect(missing, "listed but not exported as a schema").toEqual([]);
  });

  const tallies: Tally[] = [];
  afterAll(() => {
    for (const tally of tallies) tally.flush();
  });

  for (const { name, schema, kind } of targets) {
    it(`${name}: ${SCHEMA_RUNS} inputs never throw, refusals read in both languages, acceptances keep the field rules`, { timeout: 600_000 }, () => {
      const tally = new Tally(`schema ${name}`);
      tallies.push(tally);
      const mode = kind === "api" || kind === "response" ? "json" : "form";
      const input = kind === "field" ? fc.oneof({ weight: 9, arbitrary: hostileString() }, { weight: 1, arbitrary: fc.anything() }) : schemaInput(schema, mode);
      fc.assert(
        fc.property(input, (value) => {
          let result: ReturnType<z.ZodType["safeParse"]>;
          try {
            // reportInput keeps each issue's input, so a message can be judged by what was sent.
            result = schema.safeParse(value, kind === "api" || kind === "apiQuery" ? { ...apiParseOptions, reportInput: true } : { reportInput: true });
          } catch (error) {
            tally.record("serverError");
            throw new Error(`safeParse threw: ${String(error)}`);
          }
          if (kind === "response") {
            tally.record(result.success ? "accepted" : "refused");
            return;
          }
          if (result.success) {
            tally.record("accepted");
            // A single field's value is checked under the field's own name.
            const problems = invariantProblems(result.data, kind === "field" ? [name.split(".").at(-1)!] : []);
            if (problems.length) throw new Error(`accepted but: ${problems.join("; ")}`);
          } else {
            tally.record("refused");
            const problems = messageProblems(kind, result.error.issues);
            if (problems.length) throw new Error(`refused with unclear messages: ${problems.slice(0, 5).join("; ")}`);
          }
        }),
        fcOptions(SCHEMA_RUNS),
      );
    });
  }
});

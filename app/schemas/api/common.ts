import { z } from "zod";
import { MAX_AMOUNT_FEN } from "~/schemas/fields";

/**
 * Building blocks of the JSON API's payloads (docs/api.md). The handlers
 * validate with these schemas and the OpenAPI document is generated from
 * them, so what is documented is what is enforced. Request schemas may
 * transform (text → bigint); response schemas describe plain JSON.
 */

/**
 * A field's message key for a wrong value, or "required" when the field is
 * missing (a schema's own message would otherwise win over the body reader's).
 */
export const orRequired = (key: string) => (issue: { input?: unknown }) => (issue.input === undefined ? "required" : key);

const range = (min: number | bigint, max: number | bigint) =>
  `numberOutOfRange|${JSON.stringify({ min, max }, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`;
const fenRange = range(0, MAX_AMOUNT_FEN);

/** The error body of every API error response. */
export const ApiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Stable code to match on, e.g. `validationFailed`" }),
      message: z.string().meta({ description: "Message in the caller's language (Accept-Language)" }),
      issues: z
        .array(
          z.object({
            path: z.array(z.union([z.string(), z.number().int()])),
            code: z.string(),
            message: z.string(),
          }),
        )
        .optional()
        .meta({ description: "Field problems, with `validationFailed`" }),
    }),
  })
  .meta({ id: "ApiError", description: "Error body: `{ error: { code, message, issues? } }`" });
export type ApiErrorBody = z.infer<typeof ApiErrorSchema>;

export const MAX_PAGE_SIZE = 100;
export const MAX_PAGE = 100_000;

const blankAsMissing = (v: unknown) => (v === "" ? undefined : v);

/** `?page=&pageSize=`: 1-based page, at most 100 items per page. An empty value means the default. */
export const PaginationQuerySchema = z.object({
  page: z.preprocess(blankAsMissing, z.coerce.number().int().min(1).max(MAX_PAGE).default(1)).meta({ description: "1-based page" }),
  pageSize: z
    .preprocess(blankAsMissing, z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20))
    .meta({ description: `Items per page, at most ${MAX_PAGE_SIZE}` }),
});

/** A page of a list, as every list endpoint answers. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    page: z.number().int().min(1),
    pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE),
    total: z.number().int().min(0),
    items: z.array(item),
  });
}

/**
 * An amount in 分 (fen), in a request: an integer as a JSON number (up to
 * Number.MAX_SAFE_INTEGER) or as a string of digits, for clients whose JSON
 * numbers are doubles. Either way it becomes an exact bigint, at most
 * MAX_AMOUNT_FEN.
 */
export const FenAmountSchema = z
  .union(
    [
      z
        .number()
        .int({ error: "invalidNumber" })
        .min(0, { error: fenRange })
        .max(Number.MAX_SAFE_INTEGER, { error: "moneyTooLarge" }),
      z.string().regex(/^\d{1,19}$/, { error: "invalidNumber" }),
    ],
    { error: orRequired("invalidNumber") },
  )
  .transform((v, ctx) => {
    const fen = BigInt(v);
    if (fen > MAX_AMOUNT_FEN) {
      ctx.addIssue({ code: "custom", message: "moneyTooLarge" });
      return z.NEVER;
    }
    return fen;
  })
  .meta({ description: "Amount in 分 (fen): an integer, as a JSON number or a string of digits", example: 50_000_000 });

/** An amount in 分 in a response: always a JSON integer (every amount on the platform is below 2^53). */
export const FenSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).meta({ description: "Amount in 分 (fen)", example: 50_000_000 });

/** A stored amount as a JSON number: asserted exact, never silently rounded. */
export function fenNumber(fen: bigint): number {
  if (fen < 0n || fen > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`amount out of JSON range: ${fen}`);
  return Number(fen);
}

/** A whole number within bounds, with the platform's range message. */
export const intSchema = (min: number, max: number) =>
  z
    .number({ error: orRequired("invalidNumber") })
    .int({ error: "invalidNumber" })
    .min(min, { error: range(min, max) })
    .max(max, { error: range(min, max) });

/** A rate or share in basis points (1 bp = 0.01 %), an integer. */
export const bpsSchema = (min = 0, max = 10_000) => intSchema(min, max).meta({ description: "Basis points (1 bp = 0.01 %)" });

/** A calendar day, `YYYY-MM-DD`. */
export const DaySchema = z.iso.date({ error: orRequired("invalidDate") }).meta({ description: "Calendar day, YYYY-MM-DD", example: "2026-03-31" });

/** A moment, ISO 8601 in UTC. */
export const InstantSchema = z.iso.datetime().meta({ example: "2026-02-01T02:00:00.000Z" });

/**
 * The `Idempotency-Key` request header of every mutation: 1–255 visible
 * ASCII characters (a UUID is a good choice), chosen by the client per
 * logical operation and reused for its retries.
 */
export const IdempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7E]{1,255}$/)
  .meta({ description: "1–255 visible ASCII characters, unique per operation; reuse it when retrying", example: "6d0c7f4e-8a21-4c55-9b1e-3c0f2a7d9e10" });

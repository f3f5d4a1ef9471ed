import { z } from "zod";
import { INBOX_SORTS, type InboxQuery } from "~/schemas/matching";
import { URGENCIES } from "~/domain/needs/need-rules";
import { DaySchema, FenSchema, InstantSchema, pageOf, PaginationQuerySchema } from "./common";

/**
 * `GET /api/v1/inbox`: the open financing needs the bank's listed products
 * match, best match first — the web console's 需求池 / needs inbox, for the
 * bank's own systems. Unlike the page's URL, a bad query value is an error
 * here, not silently dropped: a machine should hear that it asked wrongly.
 */

const blankAsMissing = (v: unknown) => (v === "" ? undefined : v);

export const InboxApiQuerySchema = PaginationQuerySchema.extend({
  productId: z.preprocess(blankAsMissing, z.uuid({ error: "invalidChoice" }).optional()).meta({ description: "Only needs matched to this product of the bank" }),
  claimed: z
    .preprocess(blankAsMissing, z.enum(["true", "false"], { error: "invalidChoice" }).optional())
    .meta({ description: "true: only needs the bank has taken up; false: only those it has not; absent: both" }),
  sort: z
    .preprocess(blankAsMissing, z.enum(INBOX_SORTS, { error: "invalidChoice" }).default("score"))
    .meta({ description: "score: best match first; newest: newest need first; expiring: soonest to expire first" }),
});

/** The API's query as the inbox's domain query. */
export function inboxQueryOf(query: z.output<typeof InboxApiQuerySchema>): InboxQuery {
  return {
    page: query.page,
    // The domain uses the page size as a bound only; the web page offers four sizes, the API any up to 100.
    pageSize: query.pageSize as InboxQuery["pageSize"],
    product: query.productId,
    claimed: query.claimed === undefined ? "all" : query.claimed === "true" ? "claimed" : "unclaimed",
    sort: query.sort,
  };
}

export const InboxItemSchema = z.object({
  needId: z.uuid(),
  product: z.object({ id: z.uuid(), nameZh: z.string(), nameEn: z.string().nullable() }).meta({ description: "The bank's best-matching product for the need" }),
  score: z.number().int().min(0).max(1000).meta({ description: "Match score, 0–1000" }),
  rank: z.number().int().min(1).meta({ description: "The product's position among every product the need is eligible for" }),
  expectedRateBps: z.number().int(),
  matchedAt: InstantSchema,
  amountFen: FenSchema,
  termMonths: z.number().int(),
  purpose: z.string(),
  maxRateBps: z.number().int().meta({ description: "The highest annual rate the enterprise accepts, in basis points" }),
  urgency: z.enum(URGENCIES),
  expiresOn: DaySchema,
  status: z.enum(["OPEN", "IN_PROGRESS"]),
  createdAt: InstantSchema,
  enterprise: z.object({
    id: z.uuid(),
    name: z.string(),
    regionCode: z.string(),
    industryCode: z.string(),
    size: z.enum(["MICRO", "SMALL", "MEDIUM", "LARGE"]),
    grade: z.string().nullable().meta({ description: "The enterprise's current credit grade, as its posting shows every bank" }),
  }),
  claimedAt: InstantSchema.nullable().meta({ description: "When the bank took the need up; null if it has not" }),
  authorised: z.boolean().meta({ description: "Whether the enterprise has authorised the bank to read its credit report now" }),
});

export const InboxResponseSchema = pageOf(InboxItemSchema).meta({ id: "NeedInbox" });

import { z } from "zod";

export const INBOX_PAGE_SIZE = 20;
/** Rows in one CSV export of the inbox: far more than a bank works through in a day. */
export const INBOX_EXPORT_LIMIT = 5_000;
export const INBOX_CLAIM_FILTERS = ["all", "unclaimed", "claimed"] as const;
export const INBOX_SORTS = ["score", "newest", "expiring"] as const;
export type InboxClaimFilter = (typeof INBOX_CLAIM_FILTERS)[number];

/**
 * The bank inbox's URL: page, one of the bank's products, taken-up or not, and the order.
 * Lenient like every search URL: a stale or hand-edited value falls back to
 * its default instead of failing the page.
 */
export const InboxQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000).catch(1).default(1),
  pageSize: z.coerce
    .number()
    .pipe(z.union([z.literal(10), z.literal(20), z.literal(50), z.literal(100)]))
    .catch(INBOX_PAGE_SIZE)
    .default(INBOX_PAGE_SIZE),
  product: z.uuid().optional().catch(undefined),
  claimed: z.enum(INBOX_CLAIM_FILTERS).catch("all").default("all"),
  sort: z.enum(INBOX_SORTS).catch("score").default("score"),
});
export type InboxQuery = z.infer<typeof InboxQuerySchema>;

/** Taking up a need from the inbox row. */
export const InboxClaimSchema = z.object({ intent: z.literal("claim"), needId: z.uuid({ error: "notFound" }) });

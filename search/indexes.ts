/**
 * The search indexes, as code: which attributes are searched (in ranking
 * order), filtered, faceted and sorted, and how typos are tolerated. Both
 * SearchIndex adapters read these definitions — Meilisearch applies them as
 * index settings, the PostgreSQL adapter builds its weighted text and its
 * filters from them — so the two cannot disagree about what a query means.
 */

export type FieldKind = "keyword" | "number";

export type IndexDefinition = {
  uid: string;
  primaryKey: "id";
  /** Most important first: a match in an earlier attribute ranks higher. At most four. */
  searchable: readonly string[];
  /** Attributes a query may filter on: keywords (string or string[]) by equality, numbers by range. */
  filterable: Readonly<Record<string, FieldKind>>;
  /** Keyword attributes whose value counts are returned with results. */
  facets: readonly string[];
  /** Number attributes a query may sort by. */
  sortable: readonly string[];
  rankingRules: readonly string[];
  typoTolerance: { enabled: boolean; minWordSizeForTypos: { oneTypo: number; twoTypos: number } };
};

const RANKING = ["words", "typo", "proximity", "attribute", "sort", "exactness"] as const;
// Chinese words are short: a one-character typo in a two-character word is another word. Typos only in longer (Latin) words.
const TYPOS = { enabled: true, minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 } };

export const PRODUCTS_INDEX: IndexDefinition = {
  uid: "products",
  primaryKey: "id",
  searchable: ["name", "bankName", "tagNames", "description"],
  filterable: {
    bankId: "keyword",
    type: "keyword",
    guaranteeTypes: "keyword",
    scenarioTags: "keyword",
    regionCodes: "keyword",
    repaymentMethods: "keyword",
    fundEnrolled: "keyword",
    minAmountFen: "number",
    maxAmountFen: "number",
    minTermMonths: "number",
    maxTermMonths: "number",
    minRateBps: "number",
    maxRateBps: "number",
  },
  facets: ["bankId", "type", "guaranteeTypes", "scenarioTags", "regionCodes"],
  sortable: ["minRateBps", "maxAmountFen", "maxTermMonths", "listedAt"],
  rankingRules: RANKING,
  typoTolerance: TYPOS,
};

export const NEEDS_INDEX: IndexDefinition = {
  uid: "needs",
  primaryKey: "id",
  searchable: ["purpose", "enterpriseName", "industryName"],
  filterable: {
    regionCode: "keyword",
    industryCode: "keyword",
    size: "keyword",
    guaranteeTypes: "keyword",
    urgency: "keyword",
    status: "keyword",
    amountFen: "number",
    termMonths: "number",
    maxRateBps: "number",
  },
  facets: ["regionCode", "industryCode", "size", "guaranteeTypes", "urgency"],
  sortable: ["amountFen", "termMonths", "maxRateBps", "postedAt", "expiresAt"],
  rankingRules: RANKING,
  typoTolerance: TYPOS,
};

export const INDEXES = { products: PRODUCTS_INDEX, needs: NEEDS_INDEX } as const;
export type IndexName = keyof typeof INDEXES;

/**
 * The number attributes of an index (filterable, then sortable), in a fixed
 * order: the embedded adapter stores them as one array in this order.
 */
export function numberAttributes(definition: IndexDefinition): string[] {
  const filterable = Object.entries(definition.filterable)
    .filter(([, kind]) => kind === "number")
    .map(([field]) => field);
  return [...filterable, ...definition.sortable.filter((f) => !filterable.includes(f))];
}

import { prisma } from "~/db.server";
import { getSearchIndex } from "~/domain/search/search.server";
import type { Highlight, SearchQuery } from "~/domain/search/search-index";
import { SUPERMARKET_PAGE_SIZE, type SupermarketQuery, type SupermarketSort } from "~/schemas/products";

const SORTS: Record<Exclude<SupermarketSort, "relevance">, NonNullable<SearchQuery["sort"]>> = {
  rate: { field: "minRateBps", direction: "asc" },
  amount: { field: "maxAmountFen", direction: "desc" },
  term: { field: "maxTermMonths", direction: "desc" },
  newest: { field: "listedAt", direction: "desc" },
};

export const SUPERMARKET_FACETS = ["bankId", "type", "guaranteeTypes", "scenarioTags", "regionCodes"] as const;

/** The URL's query as a SearchIndex query: ranges keep the products whose ranges cover what the SME asked for. */
export function supermarketSearchQuery(query: SupermarketQuery): SearchQuery {
  const equals: Record<string, string[]> = {};
  if (query.bank.length) equals.bankId = query.bank;
  if (query.type.length) equals.type = query.type;
  if (query.guarantee.length) equals.guaranteeTypes = query.guarantee;
  if (query.tag.length) equals.scenarioTags = query.tag;
  // A product open to the whole city ("ANY") serves every district.
  if (query.region.length) equals.regionCodes = [...query.region, "ANY"];
  if (query.fund) equals.fundEnrolled = ["yes"];
  const ranges: Record<string, { min?: number; max?: number }> = {};
  if (query.amount !== undefined) {
    const fen = Number(query.amount);
    ranges.minAmountFen = { max: fen };
    ranges.maxAmountFen = { min: fen };
  }
  if (query.term !== undefined) {
    ranges.minTermMonths = { max: query.term };
    ranges.maxTermMonths = { min: query.term };
  }
  if (query.rate !== undefined) ranges.minRateBps = { max: query.rate };
  return {
    q: query.q,
    equals,
    ranges,
    facets: SUPERMARKET_FACETS,
    ...(query.sort !== "relevance" ? { sort: SORTS[query.sort] } : {}),
    page: query.page,
    pageSize: SUPERMARKET_PAGE_SIZE,
  };
}

export type SupermarketHit = {
  id: string;
  name: string;
  bankId: string;
  bankName: string;
  type: string;
  scenarioTags: string[];
  guaranteeTypes: string[];
  fundEnrolled: boolean;
  minAmountFen: number;
  maxAmountFen: number;
  minTermMonths: number;
  maxTermMonths: number;
  minRateBps: number;
  maxRateBps: number;
  highlights: Record<string, Highlight>;
};

/**
 * Searches the listed products (through the SearchIndex port, whichever
 * backend is configured) and names the banks in the results and the bank facet.
 */
export async function searchProducts(query: SupermarketQuery) {
  const search = await getSearchIndex();
  const result = await search.search("products", supermarketSearchQuery(query));
  const hits: SupermarketHit[] = result.hits.map(({ document: d, highlights }) => ({
    id: d.id,
    name: String(d.name),
    bankId: String(d.bankId),
    bankName: String(d.bankName),
    type: String(d.type),
    scenarioTags: (d.scenarioTags as string[]) ?? [],
    guaranteeTypes: (d.guaranteeTypes as string[]) ?? [],
    fundEnrolled: d.fundEnrolled === "yes",
    minAmountFen: Number(d.minAmountFen),
    maxAmountFen: Number(d.maxAmountFen),
    minTermMonths: Number(d.minTermMonths),
    maxTermMonths: Number(d.maxTermMonths),
    minRateBps: Number(d.minRateBps),
    maxRateBps: Number(d.maxRateBps),
    highlights,
  }));
  const bankIds = [...new Set([...Object.keys(result.facets.bankId ?? {}), ...query.bank, ...hits.map((h) => h.bankId)])];
  const banks = await prisma.institution.findMany({
    where: { id: { in: bankIds } },
    select: { id: true, nameZh: true, nameEn: true },
  });
  return {
    hits,
    total: result.total,
    facets: result.facets,
    banks: Object.fromEntries(banks.map((b) => [b.id, { nameZh: b.nameZh, nameEn: b.nameEn }])),
    page: query.page,
    pageSize: SUPERMARKET_PAGE_SIZE,
  };
}
export type SupermarketResult = Awaited<ReturnType<typeof searchProducts>>;

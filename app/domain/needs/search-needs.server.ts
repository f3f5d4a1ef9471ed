import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { DomainError } from "~/domain/errors";
import type { Highlight, SearchIndex, SearchQuery } from "~/domain/search/search-index";
import { getSearchIndex } from "~/domain/search/search.server";
import type { NeedSearchParams, NeedSort } from "~/schemas/needs";

export const NEED_SEARCH_PAGE_SIZE = 20;

/** URL parameter → index attribute, for each facet of the needs marketplace. */
export const NEED_FACETS = {
  region: "regionCode",
  industry: "industryCode",
  size: "size",
  guarantee: "guaranteeTypes",
  urgency: "urgency",
} as const;
export type NeedFacetParam = keyof typeof NEED_FACETS;
const FACET_PARAMS = Object.keys(NEED_FACETS) as NeedFacetParam[];

const SORTS: Record<Exclude<NeedSort, "relevance">, NonNullable<SearchQuery["sort"]>> = {
  newest: { field: "postedAt", direction: "desc" },
  amountDesc: { field: "amountFen", direction: "desc" },
  amountAsc: { field: "amountFen", direction: "asc" },
  expiring: { field: "expiresAt", direction: "asc" },
};

export type NeedHit = {
  id: string;
  purpose: string;
  enterpriseName: string;
  industryName: string;
  regionCode: string;
  industryCode: string;
  size: string;
  guaranteeTypes: string[];
  urgency: string;
  status: string;
  amountFen: number;
  termMonths: number;
  maxRateBps: number;
  postedAt: number;
  expiresAt: number;
  highlights: Record<"purpose" | "enterpriseName" | "industryName", Highlight | undefined>;
  /** This bank has already taken the need up. */
  claimed: boolean;
};

const str = (v: unknown) => (typeof v === "string" ? v : "");
const num = (v: unknown) => (typeof v === "number" ? v : 0);

function range(min: number | bigint | undefined, max: number | bigint | undefined): { min?: number; max?: number } | undefined {
  let lo = min === undefined ? undefined : Number(min);
  let hi = max === undefined ? undefined : Number(max);
  if (lo === undefined && hi === undefined) return undefined;
  // A range typed the wrong way round means the same range.
  if (lo !== undefined && hi !== undefined && lo > hi) [lo, hi] = [hi, lo];
  return { ...(lo !== undefined ? { min: lo } : {}), ...(hi !== undefined ? { max: hi } : {}) };
}

/**
 * The banks' needs marketplace: full text over the purpose, enterprise and
 * industry names, facet filters, ranges and sorting, through the SearchIndex
 * port. Facet counts are disjunctive — a facet's counts ignore that facet's
 * own selection — so choosing one region still shows how many needs the
 * other regions have.
 */
export async function searchNeeds(options: { actor: Actor; params: NeedSearchParams; search?: SearchIndex }) {
  const { actor, params } = options;
  assertCan(actor, "read:need-inbox:institution");
  const institutionId = actor.institution?.id;
  if (!institutionId || actor.institution?.kind !== "BANK") throw new DomainError("forbidden", { status: 403 });
  const search = options.search ?? (await getSearchIndex());

  const equalsExcept = (skip?: NeedFacetParam): Record<string, readonly string[]> => {
    // Only active needs are ever indexed; the filter says so again in case an event is still pending.
    const equals: Record<string, readonly string[]> = { status: ["OPEN", "IN_PROGRESS"] };
    for (const p of FACET_PARAMS) if (p !== skip && params[p].length > 0) equals[NEED_FACETS[p]] = params[p];
    return equals;
  };
  const ranges: Record<string, { min?: number; max?: number }> = {};
  const amount = range(params.amountMin, params.amountMax);
  if (amount) ranges.amountFen = amount;
  const term = range(params.termMin, params.termMax);
  if (term) ranges.termMonths = term;
  if (params.rateMin !== undefined) ranges.maxRateBps = { min: params.rateMin };

  const sort = params.sort === "relevance" ? (params.q ? undefined : SORTS.newest) : SORTS[params.sort];
  const base = { q: params.q, ranges, pageSize: NEED_SEARCH_PAGE_SIZE };
  const selected = FACET_PARAMS.filter((p) => params[p].length > 0);
  const [result, ...own] = await Promise.all([
    search.search("needs", {
      ...base,
      equals: equalsExcept(),
      facets: FACET_PARAMS.filter((p) => !selected.includes(p)).map((p) => NEED_FACETS[p]),
      ...(sort ? { sort } : {}),
      page: params.page,
    }),
    ...selected.map((p) => search.search("needs", { ...base, equals: equalsExcept(p), facets: [NEED_FACETS[p]], page: 1, pageSize: 1 })),
  ]);
  const facets = { ...result.facets };
  selected.forEach((p, i) => Object.assign(facets, own[i]!.facets));

  const ids = result.hits.map((h) => h.id);
  const claims = ids.length
    ? await prisma.needClaim.findMany({ where: { institutionId, needId: { in: ids } }, select: { needId: true } })
    : [];
  const claimed = new Set(claims.map((c) => c.needId));

  const hits: NeedHit[] = result.hits.map((h) => {
    const d = h.document;
    return {
      id: h.id,
      purpose: str(d.purpose),
      enterpriseName: str(d.enterpriseName),
      industryName: str(d.industryName),
      regionCode: str(d.regionCode),
      industryCode: str(d.industryCode),
      size: str(d.size),
      guaranteeTypes: Array.isArray(d.guaranteeTypes) ? d.guaranteeTypes : [],
      urgency: str(d.urgency),
      status: str(d.status),
      amountFen: num(d.amountFen),
      termMonths: num(d.termMonths),
      maxRateBps: num(d.maxRateBps),
      postedAt: num(d.postedAt),
      expiresAt: num(d.expiresAt),
      highlights: { purpose: h.highlights.purpose, enterpriseName: h.highlights.enterpriseName, industryName: h.highlights.industryName },
      claimed: claimed.has(h.id),
    };
  });
  const facetCounts = Object.fromEntries(FACET_PARAMS.map((p) => [p, facets[NEED_FACETS[p]] ?? {}])) as Record<NeedFacetParam, Record<string, number>>;
  return { total: result.total, page: params.page, pageSize: NEED_SEARCH_PAGE_SIZE, hits, facets: facetCounts };
}

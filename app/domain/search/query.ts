import type { IndexDefinition } from "../../../search/indexes";
import { MAX_PAGE_SIZE, MAX_QUERY_LENGTH, MAX_RESULT_WINDOW, type SearchQuery } from "./search-index";

/**
 * What every adapter checks and bounds the same way before it asks its
 * backend anything: the attributes a query names must be declared for that use
 * in search/indexes.ts, and text, page and page size are bounded.
 */

/** How the elements of an array attribute (scenario tags) are joined into one text. */
export const ARRAY_JOINER = "、";

/** The text an attribute shows as: strings as they are, numbers and booleans written out, arrays joined; undefined otherwise. */
export function attributeText(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    const texts = value.map(attributeText);
    // Only flat arrays of scalars have a text; nested arrays do not.
    return value.every((v) => !Array.isArray(v)) && texts.every((t) => t !== undefined) ? texts.join(ARRAY_JOINER) : undefined;
  }
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function filterKind(def: IndexDefinition, field: string): "keyword" | "number" | undefined {
  return Object.hasOwn(def.filterable, field) ? def.filterable[field] : undefined;
}

export function assertFilter(def: IndexDefinition, field: string, kind: "keyword" | "number"): void {
  if (filterKind(def, field) !== kind) throw new Error(`"${field}" is not a ${kind} filter of the ${def.uid} index`);
}

/** The requested facets, each declared, without repeats. */
export function checkFacets(def: IndexDefinition, facets: readonly string[]): string[] {
  for (const f of facets) {
    if (!def.facets.includes(f)) throw new Error(`"${f}" is not a facet of the ${def.uid} index`);
  }
  return [...new Set(facets)];
}

export function assertSort(def: IndexDefinition, sort: NonNullable<SearchQuery["sort"]>): void {
  if (!def.sortable.includes(sort.field)) throw new Error(`"${sort.field}" is not sortable in the ${def.uid} index`);
  if (sort.direction !== "asc" && sort.direction !== "desc") throw new Error(`unknown sort direction "${String(sort.direction)}"`);
}

function clampInt(n: number, min: number, max: number): number {
  if (!Number.isFinite(n)) return min;
  return Math.min(max, Math.max(min, Math.trunc(n)));
}

/** Page size within 1..MAX_PAGE_SIZE; pages past the result window are empty anyway, so page × size stays an ordinary number. */
export function pageWindow(query: Pick<SearchQuery, "page" | "pageSize">): { page: number; pageSize: number } {
  const pageSize = clampInt(query.pageSize, 1, MAX_PAGE_SIZE);
  return { page: clampInt(query.page, 1, Math.ceil(MAX_RESULT_WINDOW / pageSize) + 1), pageSize };
}

/** The query text cut to MAX_QUERY_LENGTH characters (code points, so no surrogate pair is split). */
export function truncateQuery(q: string): string {
  return [...q].slice(0, MAX_QUERY_LENGTH).join("");
}

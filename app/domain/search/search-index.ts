import type { IndexName } from "../../../search/indexes";

/**
 * The search port. Two adapters implement it — Meilisearch (production) and
 * PostgreSQL (embedded default) — and one contract test suite holds both to
 * the same behaviour.
 *
 * Documents are flat JSON objects with an `id`; keyword attributes are strings
 * or string arrays, number attributes are safe integers (money in 分 fits:
 * at most 10^12 < 2^53).
 */
export type SearchDocument = { id: string } & Record<string, string | number | boolean | string[] | null>;

export type SearchQuery = {
  /** Free text (Chinese or Latin); empty means "everything that passes the filters". */
  q: string;
  /** Keyword filters: a document passes when its attribute (or one of its values) is one of the listed values. */
  equals?: Record<string, readonly string[]>;
  /** Number filters, inclusive. */
  ranges?: Record<string, { min?: number; max?: number }>;
  /** Keyword attributes to count values of, over the documents that pass the query and filters. */
  facets?: readonly string[];
  /** Relevance when absent. */
  sort?: { field: string; direction: "asc" | "desc" };
  page: number;
  pageSize: number;
};

/** A highlighted attribute: its text cut into plain and matched parts (never HTML). */
export type Highlight = { text: string; match: boolean }[];

export type SearchHit = { id: string; document: SearchDocument; highlights: Record<string, Highlight> };

export type SearchResult = {
  hits: SearchHit[];
  total: number;
  facets: Record<string, Record<string, number>>;
};

export interface SearchIndex {
  readonly backend: "postgres" | "meilisearch";
  /** Creates the indexes and applies their settings; safe to call at every start-up. */
  applySettings(): Promise<void>;
  /** Inserts or replaces documents by id. */
  upsert(index: IndexName, documents: readonly SearchDocument[]): Promise<void>;
  remove(index: IndexName, ids: readonly string[]): Promise<void>;
  /** Removes every document of an index (before a rebuild). */
  clear(index: IndexName): Promise<void>;
  search(index: IndexName, query: SearchQuery): Promise<SearchResult>;
}

/** Query limits every adapter enforces (TIGER_STYLE: bound everything). */
export const MAX_PAGE_SIZE = 100;
export const MAX_QUERY_LENGTH = 100;
export const MAX_UPSERT_BATCH = 1_000;
/** How far into a result list a query may page (Meilisearch's maxTotalHits is set to it). */
export const MAX_RESULT_WINDOW = 100_000;

import { ErrorStatusCode, Meilisearch, MeilisearchApiError } from "meilisearch";
import type { EnqueuedTaskPromise, Index, Settings, SearchParams, Task } from "meilisearch";
import { INDEXES } from "../../../search/indexes";
import type { IndexDefinition, IndexName } from "../../../search/indexes";
import { ARRAY_JOINER, assertFilter, assertSort, attributeText, checkFacets, pageWindow, truncateQuery } from "./query";
import { MAX_RESULT_WINDOW, MAX_UPSERT_BATCH } from "./search-index";
import type { Highlight, SearchDocument, SearchHit, SearchIndex, SearchQuery, SearchResult } from "./search-index";

/**
 * The Meilisearch adapter of the search port. Index settings come from
 * search/indexes.ts; every write waits for its task, so a caller that has
 * awaited `upsert` reads its own writes (the contract tests rely on it).
 */

export type MeiliSearchOptions = {
  host: string;
  apiKey?: string;
  /** Prepended to every index uid, so tests and several installations can share one server. */
  indexPrefix?: string;
};

/** Control characters no product text contains, so they cannot be confused with the document's own text. */
export const HIGHLIGHT_PRE = "\u0002";
export const HIGHLIGHT_POST = "\u0003";
/** Exact `totalHits` needs every match ranked; our indexes hold tens of thousands of documents at most. */
export const MAX_TOTAL_HITS = MAX_RESULT_WINDOW;
export const MAX_VALUES_PER_FACET = 200;
/** Chinese text with Latin names (bank abbreviations, "ETC"): jieba for Han, the Latin pipeline for the rest. */
export const SEARCH_LOCALES = ["cmn", "eng"] as const;

// Settings changes re-index the whole index; document batches are at most MAX_UPSERT_BATCH.
const SETTINGS_TIMEOUT_MS = 10 * 60_000;
const DOCUMENTS_TIMEOUT_MS = 2 * 60_000;
const TASK_POLL_MS = 50;
const INDEX_UID = /^[A-Za-z0-9_-]*$/;
/** Keys Meilisearch adds to a hit; they are not part of the document. */
const RESPONSE_KEYS = new Set(["_formatted", "_matchesPosition", "_rankingScore", "_rankingScoreDetails", "_federation"]);

/** Meilisearch accepts `localizedAttributes` (and the `locales` search parameter) from v1.10. */
export function supportsLocalizedAttributes(pkgVersion: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(pkgVersion);
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 1 || (major === 1 && minor >= 10);
}

/** The index settings a definition stands for. */
export function settingsFor(def: IndexDefinition, options: { localized: boolean }): Settings {
  const settings: Settings = {
    searchableAttributes: [...def.searchable],
    // Facet counts need the attribute filterable too.
    filterableAttributes: [...new Set([...Object.keys(def.filterable), ...def.facets])],
    sortableAttributes: [...def.sortable],
    rankingRules: [...def.rankingRules],
    typoTolerance: {
      enabled: def.typoTolerance.enabled,
      minWordSizeForTypos: { ...def.typoTolerance.minWordSizeForTypos },
    },
    pagination: { maxTotalHits: MAX_TOTAL_HITS },
    faceting: { maxValuesPerFacet: MAX_VALUES_PER_FACET },
  };
  if (options.localized) {
    // Without it charabia guesses the language of each text, and short Han strings can be taken for Japanese.
    settings.localizedAttributes = [{ attributePatterns: [...def.searchable], locales: [...SEARCH_LOCALES] }];
  }
  return settings;
}

/**
 * A string value in a filter expression. JSON's quoting is what Meilisearch's
 * filter parser unescapes (quotes, backslashes and \n, \uXXXX since v1.4), so a
 * value can never end the string early or inject an `OR`.
 */
export function quoteFilterValue(value: string): string {
  return JSON.stringify(value);
}

/** A number in a filter expression: plain decimal digits, since the parser has no exponent syntax. */
export function formatFilterNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`search range bound must be a finite number, got ${n}`);
  if (Number.isSafeInteger(n)) return String(n);
  return n.toLocaleString("en-US", { useGrouping: false, maximumFractionDigits: 20 });
}

/**
 * The filter array for a query: one condition per element, which Meilisearch
 * ANDs together. Refuses any attribute the definition does not declare with
 * the right kind, rather than letting the server answer with a 400.
 */
export function buildFilter(def: IndexDefinition, query: Pick<SearchQuery, "equals" | "ranges">): string[] {
  const filter: string[] = [];
  for (const [field, values] of Object.entries(query.equals ?? {})) {
    assertFilter(def, field, "keyword");
    filter.push(`${field} IN [${values.map(quoteFilterValue).join(", ")}]`);
  }
  for (const [field, range] of Object.entries(query.ranges ?? {})) {
    assertFilter(def, field, "number");
    if (range.min !== undefined) filter.push(`${field} >= ${formatFilterNumber(range.min)}`);
    if (range.max !== undefined) filter.push(`${field} <= ${formatFilterNumber(range.max)}`);
  }
  return filter;
}

export function buildSort(def: IndexDefinition, sort: SearchQuery["sort"]): string[] | undefined {
  if (!sort) return undefined;
  assertSort(def, sort);
  return [`${sort.field}:${sort.direction}`];
}

/** The complete search request for a query (validated, bounded). */
export type PagedSearchParams = SearchParams & { page: number; hitsPerPage: number };

export function buildSearchParams(def: IndexDefinition, query: SearchQuery): { q: string; params: PagedSearchParams } {
  const filter = buildFilter(def, query);
  const facets = checkFacets(def, query.facets ?? []);
  const sort = buildSort(def, query.sort);
  const { page, pageSize: hitsPerPage } = pageWindow(query);
  const params: PagedSearchParams = {
    // page/hitsPerPage (not offset/limit) make Meilisearch count totalHits exactly.
    page,
    hitsPerPage,
    attributesToHighlight: [...def.searchable],
    highlightPreTag: HIGHLIGHT_PRE,
    highlightPostTag: HIGHLIGHT_POST,
  };
  if (filter.length > 0) params.filter = filter;
  if (facets.length > 0) params.facets = facets;
  if (sort) params.sort = sort;
  return { q: truncateQuery(query.q), params };
}

/** Appends a part, merging it into the previous one when both are (un)matched. */
function pushPart(parts: Highlight, text: string, match: boolean): void {
  if (text === "") return;
  const last = parts[parts.length - 1];
  if (last && last.match === match) last.text += text;
  else parts.push({ text, match });
}

/** Cuts a Meilisearch-highlighted string at the pre/post tags into plain and matched parts. */
export function parseHighlighted(formatted: string, pre = HIGHLIGHT_PRE, post = HIGHLIGHT_POST): Highlight {
  const parts: Highlight = [];
  let match = false;
  let rest = formatted;
  while (rest !== "") {
    const tag = match ? post : pre;
    const at = rest.indexOf(tag);
    if (at < 0) {
      pushPart(parts, rest, match);
      break;
    }
    pushPart(parts, rest.slice(0, at), match);
    rest = rest.slice(at + tag.length);
    match = !match;
  }
  return parts;
}

/** A scalar's text (an array element or a whole attribute); undefined for anything else. */
function asText(value: unknown): string | undefined {
  return Array.isArray(value) ? undefined : attributeText(value);
}

function highlightValue(formatted: unknown): Highlight | undefined {
  if (Array.isArray(formatted)) {
    const parts: Highlight = [];
    for (const [i, element] of formatted.entries()) {
      const text = asText(element);
      if (text === undefined) return undefined;
      if (i > 0) pushPart(parts, ARRAY_JOINER, false);
      for (const p of parseHighlighted(text)) pushPart(parts, p.text, p.match);
    }
    return parts;
  }
  const text = asText(formatted);
  return text === undefined ? undefined : parseHighlighted(text);
}

/**
 * The highlights of one hit, for each searchable attribute the document has.
 * If the parts do not add up to the document's own text (it contained a tag
 * character itself), the attribute is shown plain rather than wrongly marked.
 */
export function highlightsFromFormatted(
  searchable: readonly string[],
  document: Record<string, unknown>,
  formatted: Record<string, unknown> | undefined,
): Record<string, Highlight> {
  const out: Record<string, Highlight> = {};
  for (const attribute of searchable) {
    const original = attributeText(document[attribute]);
    if (original === undefined) continue;
    const parts = formatted ? highlightValue(formatted[attribute]) : undefined;
    const joined = parts?.map((p) => p.text).join("");
    out[attribute] = parts && joined === original ? parts : original === "" ? [] : [{ text: original, match: false }];
  }
  return out;
}

function stripResponseKeys(hit: Record<string, unknown>): SearchDocument {
  const document: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(hit)) if (!RESPONSE_KEYS.has(k)) document[k] = v;
  return document as SearchDocument;
}

/** Converts a search response into the port's result. */
export function toSearchResult(
  def: IndexDefinition,
  requestedFacets: readonly string[],
  response: { hits: Record<string, unknown>[]; totalHits?: number; facetDistribution?: Record<string, Record<string, number>> },
): SearchResult {
  const hits: SearchHit[] = response.hits.map((hit) => {
    const document = stripResponseKeys(hit);
    const formatted = hit._formatted as Record<string, unknown> | undefined;
    return { id: String(document.id), document, highlights: highlightsFromFormatted(def.searchable, document, formatted) };
  });
  const facets: Record<string, Record<string, number>> = {};
  for (const f of requestedFacets) facets[f] = { ...(response.facetDistribution?.[f] ?? {}) };
  return { hits, total: response.totalHits ?? 0, facets };
}

/** Throws with the task's own error unless it succeeded. */
export function assertTaskSucceeded(task: Task, what: string): void {
  if (task.status === "succeeded") return;
  const reason = task.error ? `${task.error.code}: ${task.error.message}` : task.status;
  throw new Error(`Meilisearch ${what} (task ${task.uid}) ${task.status}: ${reason}`);
}

async function runTask(enqueued: EnqueuedTaskPromise, what: string, timeout: number): Promise<Task> {
  const task = await enqueued.waitTask({ timeout, interval: TASK_POLL_MS });
  assertTaskSucceeded(task, what);
  return task;
}

function definition(name: IndexName): IndexDefinition {
  if (!Object.hasOwn(INDEXES, name)) throw new Error(`unknown search index "${String(name)}"`);
  return INDEXES[name];
}

export function createMeiliSearchIndex(options: MeiliSearchOptions): SearchIndex {
  const prefix = options.indexPrefix ?? "";
  if (!INDEX_UID.test(prefix)) throw new Error(`index prefix may only hold letters, digits, "-" and "_": "${prefix}"`);
  const client = new Meilisearch({
    host: options.host,
    apiKey: options.apiKey,
    defaultWaitOptions: { timeout: DOCUMENTS_TIMEOUT_MS, interval: TASK_POLL_MS },
  });
  const uid = (name: IndexName) => prefix + definition(name).uid;
  const index = (name: IndexName): Index<SearchDocument> => client.index<SearchDocument>(uid(name));

  async function ensureIndex(indexUid: string, primaryKey: string): Promise<void> {
    let existing: { primaryKey?: string } | undefined;
    try {
      existing = await client.getRawIndex(indexUid);
    } catch (error) {
      if (!(error instanceof MeilisearchApiError && error.cause?.code === ErrorStatusCode.INDEX_NOT_FOUND)) throw error;
    }
    if (!existing) {
      const task = await client.createIndex(indexUid, { primaryKey }).waitTask({ timeout: SETTINGS_TIMEOUT_MS, interval: TASK_POLL_MS });
      // Another process starting at the same moment may have created it first.
      if (task.error?.code !== ErrorStatusCode.INDEX_ALREADY_EXISTS) assertTaskSucceeded(task, `creating index ${indexUid}`);
      return;
    }
    if (existing.primaryKey == null) {
      await runTask(client.updateIndex(indexUid, { primaryKey }), `setting the primary key of ${indexUid}`, SETTINGS_TIMEOUT_MS);
    } else if (existing.primaryKey !== primaryKey) {
      throw new Error(`index ${indexUid} has primary key "${existing.primaryKey}", expected "${primaryKey}"`);
    }
  }

  return {
    backend: "meilisearch",

    async applySettings() {
      const { pkgVersion } = await client.getVersion();
      const localized = supportsLocalizedAttributes(pkgVersion);
      for (const name of Object.keys(INDEXES) as IndexName[]) {
        const def = definition(name);
        await ensureIndex(uid(name), def.primaryKey);
        await runTask(index(name).updateSettings(settingsFor(def, { localized })), `settings of ${uid(name)}`, SETTINGS_TIMEOUT_MS);
      }
    },

    async upsert(name, documents) {
      const target = index(name);
      for (let i = 0; i < documents.length; i += MAX_UPSERT_BATCH) {
        const batch = documents.slice(i, i + MAX_UPSERT_BATCH) as SearchDocument[];
        // addDocuments replaces whole documents, so an attribute removed at the source disappears here too.
        await runTask(target.addDocuments(batch, { primaryKey: "id" }), `upsert into ${uid(name)}`, DOCUMENTS_TIMEOUT_MS);
      }
    },

    async remove(name, ids) {
      const target = index(name);
      for (let i = 0; i < ids.length; i += MAX_UPSERT_BATCH) {
        await runTask(target.deleteDocuments(ids.slice(i, i + MAX_UPSERT_BATCH)), `delete from ${uid(name)}`, DOCUMENTS_TIMEOUT_MS);
      }
    },

    async clear(name) {
      await runTask(index(name).deleteAllDocuments(), `clearing ${uid(name)}`, DOCUMENTS_TIMEOUT_MS);
    },

    async search(name, query) {
      const def = definition(name);
      const { q, params } = buildSearchParams(def, query);
      const requestedFacets = params.facets ?? [];
      // "One of no values" lets nothing through; `IN []` is not something to rely on the parser for.
      if (Object.values(query.equals ?? {}).some((values) => values.length === 0)) {
        return toSearchResult(def, requestedFacets, { hits: [], totalHits: 0 });
      }
      const response = await index(name).search(q, params);
      return toSearchResult(def, requestedFacets, {
        hits: response.hits as Record<string, unknown>[],
        totalHits: response.totalHits,
        facetDistribution: response.facetDistribution,
      });
    },
  };
}

import type { Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { INDEXES, numberAttributes, type IndexDefinition, type IndexName } from "../../../search/indexes";
import { highlight } from "./highlight";
import { assertFilter, assertSort, attributeText, checkFacets, pageWindow, truncateQuery } from "./query";
import { MAX_UPSERT_BATCH, type SearchDocument, type SearchIndex, type SearchQuery, type SearchResult } from "./search-index";
import { documentTokens, highlightNeedles, queryTerms } from "./segment";

/**
 * The embedded SearchIndex on PostgreSQL (SEARCH_BACKEND=postgres): documents
 * in `search_documents` as JSONB, with a tsvector of segmented words and
 * Chinese bigrams built here (no PostgreSQL text parser involved, so Chinese is
 * cut exactly as the query is). Searchable attributes get weights A–D in
 * ranking order; relevance is ts_rank over those weights.
 *
 * Filters and facets never read the JSON: each row also carries its keyword
 * values as "attribute\u001fvalue" strings (GIN-indexed, `&&` for any-of) and
 * its numbers in one array, and a search is ONE statement — the matching rows
 * are found once, then counted, paged and faceted from that set; only the
 * page's rows are read whole.
 */

const SEP = "\u001f";

/** The keyword strings of a document: one per value of each filterable keyword attribute. */
function keywordsOf(definition: IndexDefinition, doc: SearchDocument): string[] {
  const out: string[] = [];
  for (const [field, kind] of Object.entries(definition.filterable)) {
    if (kind !== "keyword") continue;
    const value = doc[field];
    const values = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
    for (const v of values) out.push(`${field}${SEP}${String(v)}`);
  }
  return out;
}

/** The document's numbers in numberAttributes order (null where it has none). */
function numbersOf(definition: IndexDefinition, doc: SearchDocument): (string | null)[] {
  return numberAttributes(definition).map((field) => {
    const v = doc[field];
    return typeof v === "number" && Number.isSafeInteger(v) ? String(v) : null;
  });
}

const WEIGHTS = ["A", "B", "C", "D"] as const;

/** An attribute's text for indexing and highlighting ("" when it has none). */
const textOf = (value: unknown) => attributeText(value) ?? "";

/** A tsquery in its literal syntax from lexemes that hold only letters and digits (so nothing needs quoting). */
function tsquery(q: string): string | null {
  const terms = queryTerms(q);
  const parts = terms.flatMap((t) => t.lexemes.map((l) => `'${l}'${t.prefix ? ":*" : ""}`));
  return parts.length > 0 ? parts.join(" & ") : null;
}

/** Results kept per process, reused only at the index version they were computed at. */
const RESULT_CACHE_ENTRIES = 500;

export function createPostgresSearchIndex(db: Db): SearchIndex {
  // Every write bumps its index's version in the same transaction: a reader that sees the new version sees the new documents.
  const bump = (uid: string) =>
    db.$executeRaw`INSERT INTO search_index_versions ("indexName", version) VALUES (${uid}, 1)
                   ON CONFLICT ("indexName") DO UPDATE SET version = search_index_versions.version + 1`;
  const cache = new Map<string, { version: string; result: Promise<SearchResult> }>();
  const remember = (key: string, version: string, result: Promise<SearchResult>) => {
    cache.delete(key);
    cache.set(key, { version, result });
    if (cache.size > RESULT_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    // A failed search is not remembered.
    result.catch(() => {
      if (cache.get(key)?.result === result) cache.delete(key);
    });
  };

  const where = (definition: IndexDefinition, query: SearchQuery, text: string | null) => {
    const conditions: Prisma.Sql[] = [Prisma.sql`d."indexName" = ${definition.uid}`];
    if (text) conditions.push(Prisma.sql`d."searchText" @@ ${text}::tsquery`);
    for (const [field, values] of Object.entries(query.equals ?? {})) {
      assertFilter(definition, field, "keyword");
      // Any of the values, for a scalar attribute or one holding an array.
      conditions.push(Prisma.sql`d.keywords && ${values.map((v) => `${field}${SEP}${v}`)}::text[]`);
    }
    const positions = numberAttributes(definition);
    for (const [field, range] of Object.entries(query.ranges ?? {})) {
      assertFilter(definition, field, "number");
      const at = positions.indexOf(field) + 1; // PostgreSQL arrays count from 1
      if (range.min !== undefined) conditions.push(Prisma.sql`d.numbers[${at}::int] >= ${Math.ceil(range.min)}::bigint`);
      if (range.max !== undefined) conditions.push(Prisma.sql`d.numbers[${at}::int] <= ${Math.floor(range.max)}::bigint`);
    }
    return Prisma.join(conditions, " AND ");
  };

  return {
    backend: "postgres",

    async applySettings() {
      // The table and its indexes come with the migrations; nothing to apply at run time.
    },

    async upsert(index, documents) {
      const definition = INDEXES[index];
      for (let i = 0; i < documents.length; i += MAX_UPSERT_BATCH) {
        const batch = documents.slice(i, i + MAX_UPSERT_BATCH);
        const rows = batch.map((doc) => {
          // One lexeme list per weight: the first searchable attribute ranks highest.
          const tokens = WEIGHTS.map((_, w) => {
            const field = definition.searchable[w];
            return field ? documentTokens(textOf(doc[field])) : [];
          });
          return {
            id: doc.id,
            document: JSON.stringify(doc),
            a: tokens[0],
            b: tokens[1],
            c: tokens[2],
            d: tokens[3],
            keywords: keywordsOf(definition, doc),
            numbers: numbersOf(definition, doc),
          };
        });
        await db.$transaction([
          db.$executeRaw`
          INSERT INTO search_documents ("indexName", id, document, "searchText", keywords, numbers, "updatedAt")
          SELECT ${definition.uid}, r.id, r.document::jsonb,
                 setweight(array_to_tsvector(r.a), 'A') || setweight(array_to_tsvector(r.b), 'B') ||
                 setweight(array_to_tsvector(r.c), 'C') || setweight(array_to_tsvector(r.d), 'D'),
                 r.keywords, r.numbers, now()
            FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
              AS r(id text, document text, a text[], b text[], c text[], d text[], keywords text[], numbers bigint[])
          ON CONFLICT ("indexName", id) DO UPDATE
             SET document = EXCLUDED.document, "searchText" = EXCLUDED."searchText",
                 keywords = EXCLUDED.keywords, numbers = EXCLUDED.numbers, "updatedAt" = now()`,
          bump(definition.uid),
        ]);
      }
    },

    async remove(index, ids) {
      if (ids.length === 0) return;
      await db.$transaction([
        db.$executeRaw`DELETE FROM search_documents WHERE "indexName" = ${INDEXES[index].uid} AND id = ANY(${[...ids]}::text[])`,
        bump(INDEXES[index].uid),
      ]);
    },

    async clear(index) {
      await db.$transaction([db.$executeRaw`DELETE FROM search_documents WHERE "indexName" = ${INDEXES[index].uid}`, bump(INDEXES[index].uid)]);
    },

    /**
     * Popular searches repeat (the supermarket's first page, common keywords)
     * while the index changes a few times a day: a result is reused, and
     * identical concurrent searches share one computation, for as long as the
     * index's version is the one it was computed at — never a stale answer.
     */
    async search(index: IndexName, query: SearchQuery): Promise<SearchResult> {
      const [row] = await db.$queryRaw<{ version: bigint }[]>`
        SELECT version FROM search_index_versions WHERE "indexName" = ${INDEXES[index].uid}`;
      const version = String(row?.version ?? 0n);
      const key = `${index}\u0000${canonicalQuery(query)}`;
      const cached = cache.get(key);
      if (cached && cached.version === version) return cached.result;
      const result = compute(index, query);
      remember(key, version, result);
      return result;
    },
  };

  async function compute(index: IndexName, query: SearchQuery): Promise<SearchResult> {
    const definition = INDEXES[index];
    const q = truncateQuery(query.q);
    const text = tsquery(q);
    const filter = where(definition, query, text);
    const facetFields = checkFacets(definition, query.facets ?? []);
    const { page, pageSize } = pageWindow(query);
    const offset = (page - 1) * pageSize;

    // What the matching set carries to order by: a number attribute, the text's rank, or recency.
    let key: Prisma.Sql;
    let direction: Prisma.Sql;
    if (query.sort) {
      assertSort(definition, query.sort);
      key = Prisma.sql`d.numbers[${numberAttributes(definition).indexOf(query.sort.field) + 1}::int]::float8`;
      direction = query.sort.direction === "desc" ? Prisma.sql`DESC` : Prisma.sql`ASC`;
    } else if (text) {
      key = Prisma.sql`ts_rank(d."searchText", ${text}::tsquery)::float8`;
      direction = Prisma.sql`DESC`;
    } else {
      key = Prisma.sql`extract(epoch FROM d."updatedAt")::float8`;
      direction = Prisma.sql`DESC`;
    }
    const facetCounts =
      facetFields.length > 0
        ? // Unnest in the select list and filter after grouping: one pass over the set, one split per distinct value.
          Prisma.sql`(SELECT coalesce(json_object_agg(f.k, f.n), '{}'::json) FROM (
             SELECT u.k, count(*)::int AS n FROM (SELECT unnest(m.keywords) AS k FROM m) AS u GROUP BY u.k) f
            WHERE split_part(f.k, ${SEP}, 1) = ANY(${facetFields}::text[]))`
        : Prisma.sql`'{}'::json`;

    const [row] = await db.$queryRaw<{ total: number; hits: { id: string; document: SearchDocument }[]; facets: Record<string, number> }[]>`
      WITH m AS MATERIALIZED (
        SELECT d.id, d.keywords, ${key} AS key FROM search_documents d WHERE ${filter}
      ),
      page AS (
        SELECT m.id, row_number() OVER (ORDER BY m.key ${direction} NULLS LAST, m.id) AS ord
          FROM m ORDER BY m.key ${direction} NULLS LAST, m.id LIMIT ${pageSize} OFFSET ${offset}
      )
      SELECT (SELECT count(*)::int FROM m) AS total,
             (SELECT coalesce(json_agg(json_build_object('id', d.id, 'document', d.document) ORDER BY p.ord), '[]'::json)
                FROM page p JOIN search_documents d ON d."indexName" = ${definition.uid} AND d.id = p.id) AS hits,
             ${facetCounts} AS facets`;

    const facets: Record<string, Record<string, number>> = Object.fromEntries(facetFields.map((f) => [f, {}]));
    for (const [k, n] of Object.entries(row?.facets ?? {})) {
      const cut = k.indexOf(SEP);
      const counts = facets[k.slice(0, cut)];
      if (counts) counts[k.slice(cut + 1)] = n;
    }
    for (const f of facetFields) {
      facets[f] = Object.fromEntries(Object.entries(facets[f]!).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)));
    }

    const needles = text ? highlightNeedles(q) : [];
    return {
      total: row?.total ?? 0,
      facets,
      hits: (row?.hits ?? []).map((r) => ({
        id: r.id,
        document: r.document,
        highlights: Object.fromEntries(definition.searchable.map((f) => [f, highlight(textOf(r.document[f]), needles)])),
      })),
    };
  }
}

/** A query as a stable string: the same search with its filters in another order is the same entry. */
function canonicalQuery(query: SearchQuery): string {
  const sorted = <T>(r: Record<string, T> | undefined) => Object.entries(r ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([
    query.q,
    sorted(query.equals).map(([k, v]) => [k, [...v].sort()]),
    sorted(query.ranges).map(([k, v]) => [k, v.min ?? null, v.max ?? null]),
    [...(query.facets ?? [])].sort(),
    query.sort ?? null,
    query.page,
    query.pageSize,
  ]);
}

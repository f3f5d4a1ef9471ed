import type { Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { INDEXES, type IndexDefinition, type IndexName } from "../../../search/indexes";
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
 */

const WEIGHTS = ["A", "B", "C", "D"] as const;

/** An attribute's text for indexing and highlighting ("" when it has none). */
const textOf = (value: unknown) => attributeText(value) ?? "";

/** A tsquery in its literal syntax from lexemes that hold only letters and digits (so nothing needs quoting). */
function tsquery(q: string): string | null {
  const terms = queryTerms(q);
  const parts = terms.flatMap((t) => t.lexemes.map((l) => `'${l}'${t.prefix ? ":*" : ""}`));
  return parts.length > 0 ? parts.join(" & ") : null;
}

export function createPostgresSearchIndex(db: Db): SearchIndex {
  const where = (definition: IndexDefinition, query: SearchQuery, text: string | null) => {
    const conditions: Prisma.Sql[] = [Prisma.sql`d."indexName" = ${definition.uid}`];
    if (text) conditions.push(Prisma.sql`d."searchText" @@ ${text}::tsquery`);
    for (const [field, values] of Object.entries(query.equals ?? {})) {
      assertFilter(definition, field, "keyword");
      // `?|` is true for a string equal to one of the values and for an array holding one of them.
      conditions.push(Prisma.sql`(d.document -> ${field}) ?| ${[...values]}::text[]`);
    }
    for (const [field, range] of Object.entries(query.ranges ?? {})) {
      assertFilter(definition, field, "number");
      if (range.min !== undefined) conditions.push(Prisma.sql`(d.document ->> ${field})::numeric >= ${range.min}`);
      if (range.max !== undefined) conditions.push(Prisma.sql`(d.document ->> ${field})::numeric <= ${range.max}`);
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
        const rows = batch.map((doc) => ({
          id: doc.id,
          document: JSON.stringify(doc),
          // One lexeme list per weight: the first searchable attribute ranks highest.
          tokens: WEIGHTS.map((_, w) => {
            const field = definition.searchable[w];
            return field ? documentTokens(textOf(doc[field])) : [];
          }),
        }));
        await db.$executeRaw`
          INSERT INTO search_documents ("indexName", id, document, "searchText", "updatedAt")
          SELECT ${definition.uid}, r.id, r.document::jsonb,
                 setweight(array_to_tsvector(r.a), 'A') || setweight(array_to_tsvector(r.b), 'B') ||
                 setweight(array_to_tsvector(r.c), 'C') || setweight(array_to_tsvector(r.d), 'D'),
                 now()
            FROM jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ id: r.id, document: r.document, a: r.tokens[0], b: r.tokens[1], c: r.tokens[2], d: r.tokens[3] })))}::jsonb)
              AS r(id text, document text, a text[], b text[], c text[], d text[])
          ON CONFLICT ("indexName", id) DO UPDATE SET document = EXCLUDED.document, "searchText" = EXCLUDED."searchText", "updatedAt" = now()`;
      }
    },

    async remove(index, ids) {
      if (ids.length === 0) return;
      await db.$executeRaw`DELETE FROM search_documents WHERE "indexName" = ${INDEXES[index].uid} AND id = ANY(${[...ids]}::text[])`;
    },

    async clear(index) {
      await db.$executeRaw`DELETE FROM search_documents WHERE "indexName" = ${INDEXES[index].uid}`;
    },

    async search(index: IndexName, query: SearchQuery): Promise<SearchResult> {
      const definition = INDEXES[index];
      const q = truncateQuery(query.q);
      const text = tsquery(q);
      const filter = where(definition, query, text);
      const facetFields = checkFacets(definition, query.facets ?? []);
      const { page, pageSize } = pageWindow(query);
      const offset = (page - 1) * pageSize;

      let order: Prisma.Sql;
      if (query.sort) {
        assertSort(definition, query.sort);
        const direction = query.sort.direction === "desc" ? Prisma.sql`DESC` : Prisma.sql`ASC`;
        order = Prisma.sql`(d.document ->> ${query.sort.field})::numeric ${direction} NULLS LAST, d.id`;
      } else if (text) {
        order = Prisma.sql`ts_rank(d."searchText", ${text}::tsquery) DESC, d.id`;
      } else {
        order = Prisma.sql`d."updatedAt" DESC, d.id`;
      }

      const [rows, counted] = await Promise.all([
        db.$queryRaw<{ id: string; document: SearchDocument }[]>`
          SELECT d.id, d.document FROM search_documents d WHERE ${filter} ORDER BY ${order} LIMIT ${pageSize} OFFSET ${offset}`,
        db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM search_documents d WHERE ${filter}`,
      ]);

      const facets: Record<string, Record<string, number>> = {};
      for (const field of facetFields) {
        const counts = await db.$queryRaw<{ value: string; n: number }[]>`
          SELECT v.value, count(*)::int AS n
            FROM search_documents d
            CROSS JOIN LATERAL jsonb_array_elements_text(
              CASE jsonb_typeof(d.document -> ${field})
                WHEN 'array' THEN d.document -> ${field}
                WHEN 'string' THEN jsonb_build_array(d.document -> ${field})
                ELSE '[]'::jsonb END) AS v(value)
           WHERE ${filter}
           GROUP BY v.value ORDER BY n DESC, v.value`;
        facets[field] = Object.fromEntries(counts.map((c) => [c.value, c.n]));
      }

      const needles = text ? highlightNeedles(q) : [];
      return {
        total: counted[0]?.n ?? 0,
        facets,
        hits: rows.map((r) => ({
          id: r.id,
          document: r.document,
          highlights: Object.fromEntries(definition.searchable.map((f) => [f, highlight(textOf(r.document[f]), needles)])),
        })),
      };
    },
  };
}

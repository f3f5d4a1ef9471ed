import { afterEach, describe, expect, it, vi } from "vitest";
import { NEEDS_INDEX, PRODUCTS_INDEX } from "../../../search/indexes";
import {
  buildFilter,
  buildSearchParams,
  createMeiliSearchIndex,
  formatFilterNumber,
  highlightsFromFormatted,
  parseHighlighted,
  quoteFilterValue,
  settingsFor,
  supportsLocalizedAttributes,
  toSearchResult,
} from "./meili-search.server";
import { MAX_PAGE_SIZE, MAX_QUERY_LENGTH, MAX_UPSERT_BATCH } from "./search-index";

const S = "\u0002";
const E = "\u0003";

describe("filter building", () => {
  it("JSON-quotes keyword values so quotes and backslashes stay inside the string", () => {
    expect(quoteFilterValue('a"b')).toBe('"a\\"b"');
    expect(quoteFilterValue("a\\")).toBe('"a\\\\"');
    expect(quoteFilterValue('x" OR bankId = "y')).toBe('"x\\" OR bankId = \\"y"');
    expect(buildFilter(PRODUCTS_INDEX, { equals: { bankId: ['a"b', "工商银行"] } })).toEqual(['bankId IN ["a\\"b", "工商银行"]']);
  });

  it("turns ranges into inclusive comparisons, one condition per bound", () => {
    expect(
      buildFilter(PRODUCTS_INDEX, {
        equals: { type: ["credit"], regionCodes: ["330100", "330200"] },
        ranges: { maxAmountFen: { min: 100_000_00 }, minRateBps: { min: 300, max: 450 } },
      }),
    ).toEqual([
      'type IN ["credit"]',
      'regionCodes IN ["330100", "330200"]',
      "maxAmountFen >= 10000000",
      "minRateBps >= 300",
      "minRateBps <= 450",
    ]);
    expect(buildFilter(PRODUCTS_INDEX, { ranges: { minTermMonths: {} } })).toEqual([]);
    expect(buildFilter(PRODUCTS_INDEX, {})).toEqual([]);
  });

  it("writes numbers as plain decimals and refuses NaN and infinities", () => {
    expect(formatFilterNumber(-5)).toBe("-5");
    expect(formatFilterNumber(3.5)).toBe("3.5");
    expect(formatFilterNumber(1e21)).toBe("1000000000000000000000");
    expect(formatFilterNumber(1e-7)).toBe("0.0000001");
    expect(() => formatFilterNumber(Number.NaN)).toThrow();
    expect(() => formatFilterNumber(Number.POSITIVE_INFINITY)).toThrow();
  });

  it("refuses attributes the definition does not declare, or declares with the other kind", () => {
    expect(() => buildFilter(PRODUCTS_INDEX, { equals: { secret: ["x"] } })).toThrow(/secret/);
    expect(() => buildFilter(PRODUCTS_INDEX, { equals: { minRateBps: ["1"] } })).toThrow(/minRateBps/);
    expect(() => buildFilter(PRODUCTS_INDEX, { ranges: { bankId: { min: 1 } } })).toThrow(/bankId/);
    expect(() => buildFilter(PRODUCTS_INDEX, { equals: { toString: ["x"] } })).toThrow(/toString/);
    expect(() => buildFilter(NEEDS_INDEX, { equals: { bankId: ["x"] } })).toThrow(/bankId/);
  });
});

describe("search parameters", () => {
  const base = { q: "税易贷", page: 1, pageSize: 20 };

  it("pages with page/hitsPerPage, highlights the searchable attributes and sorts by field:direction", () => {
    const { q, params } = buildSearchParams(PRODUCTS_INDEX, { ...base, page: 3, facets: ["bankId", "type"], sort: { field: "minRateBps", direction: "asc" } });
    expect(q).toBe("税易贷");
    expect(params).toEqual({
      page: 3,
      hitsPerPage: 20,
      attributesToHighlight: ["name", "bankName", "tagNames", "description"],
      highlightPreTag: S,
      highlightPostTag: E,
      facets: ["bankId", "type"],
      sort: ["minRateBps:asc"],
    });
  });

  it("clamps page size and page, and cuts an over-long query", () => {
    expect(buildSearchParams(PRODUCTS_INDEX, { ...base, pageSize: 10_000 }).params.hitsPerPage).toBe(MAX_PAGE_SIZE);
    expect(buildSearchParams(PRODUCTS_INDEX, { ...base, pageSize: 0 }).params.hitsPerPage).toBe(1);
    expect(buildSearchParams(PRODUCTS_INDEX, { ...base, page: -2 }).params.page).toBe(1);
    expect([...buildSearchParams(PRODUCTS_INDEX, { ...base, q: "贷".repeat(500) }).q]).toHaveLength(MAX_QUERY_LENGTH);
  });

  it("refuses unknown facets and sort fields", () => {
    expect(() => buildSearchParams(PRODUCTS_INDEX, { ...base, facets: ["minRateBps"] })).toThrow(/minRateBps/);
    expect(() => buildSearchParams(PRODUCTS_INDEX, { ...base, sort: { field: "name", direction: "asc" } })).toThrow(/name/);
    expect(() => buildSearchParams(NEEDS_INDEX, { ...base, sort: { field: "listedAt", direction: "desc" } })).toThrow(/listedAt/);
  });
});

describe("highlight parsing", () => {
  it("cuts the text at the tags into plain and matched parts", () => {
    expect(parseHighlighted(`前${S}税易贷${E}后`)).toEqual([
      { text: "前", match: false },
      { text: "税易贷", match: true },
      { text: "后", match: false },
    ]);
    expect(parseHighlighted(`${S}税${E}${S}易贷${E}`)).toEqual([{ text: "税易贷", match: true }]);
    expect(parseHighlighted("没有命中")).toEqual([{ text: "没有命中", match: false }]);
    expect(parseHighlighted("")).toEqual([]);
  });

  it("joins the elements of an array attribute with 、", () => {
    const doc = { id: "p1", name: "税易贷", tagNames: ["纳税信用", "小微企业"] };
    const formatted = { id: "p1", name: `${S}税易贷${E}`, tagNames: [`${S}纳税${E}信用`, "小微企业"] };
    expect(highlightsFromFormatted(["name", "bankName", "tagNames"], doc, formatted)).toEqual({
      name: [{ text: "税易贷", match: true }],
      tagNames: [
        { text: "纳税", match: true },
        { text: "信用、小微企业", match: false },
      ],
    });
  });

  it("shows an attribute plain when the parts do not add up to the document's text", () => {
    const doc = { id: "p1", name: `奇怪${S}名字`, description: "" };
    const formatted = { id: "p1", name: `奇怪${S}名字`, description: "" };
    expect(highlightsFromFormatted(["name", "description"], doc, formatted)).toEqual({
      name: [{ text: `奇怪${S}名字`, match: false }],
      description: [],
    });
  });

  it("returns documents without _formatted and facets only as requested", () => {
    const result = toSearchResult(PRODUCTS_INDEX, ["bankId", "type"], {
      hits: [{ id: "p1", name: "税易贷", _formatted: { id: "p1", name: `${S}税易贷${E}` } }],
      totalHits: 41,
      facetDistribution: { bankId: { b1: 3 }, regionCodes: { "330100": 1 } },
    });
    expect(result).toEqual({
      hits: [{ id: "p1", document: { id: "p1", name: "税易贷" }, highlights: { name: [{ text: "税易贷", match: true }] } }],
      total: 41,
      facets: { bankId: { b1: 3 }, type: {} },
    });
  });
});

describe("settings", () => {
  it("follow the index definition", () => {
    const s = settingsFor(PRODUCTS_INDEX, { localized: true });
    expect(s.searchableAttributes).toEqual(["name", "bankName", "tagNames", "description"]);
    expect(s.filterableAttributes).toEqual(Object.keys(PRODUCTS_INDEX.filterable));
    expect(s.sortableAttributes).toEqual(["minRateBps", "maxAmountFen", "maxTermMonths", "listedAt"]);
    expect(s.typoTolerance).toEqual({ enabled: true, minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 } });
    expect(s.pagination?.maxTotalHits).toBeGreaterThanOrEqual(100_000);
    expect(s.faceting?.maxValuesPerFacet).toBe(200);
    expect(s.localizedAttributes).toEqual([{ attributePatterns: PRODUCTS_INDEX.searchable, locales: ["cmn", "eng"] }]);
    expect(settingsFor(PRODUCTS_INDEX, { localized: false })).not.toHaveProperty("localizedAttributes");
  });

  it("localise only on servers that know localizedAttributes (v1.10+)", () => {
    expect(supportsLocalizedAttributes("1.9.0")).toBe(false);
    expect(supportsLocalizedAttributes("1.10.0")).toBe(true);
    expect(supportsLocalizedAttributes("1.12.3")).toBe(true);
    expect(supportsLocalizedAttributes("2.0.0")).toBe(true);
    expect(supportsLocalizedAttributes("nightly")).toBe(false);
  });
});

/**
 * No Meilisearch server runs here, so the adapter's use of the client is
 * checked against a stand-in for `fetch` that answers like the HTTP API.
 */
describe("adapter over a stand-in HTTP API", () => {
  type Call = { method: string; path: string; body: unknown };

  function fakeServer(options: { failTaskTypes?: string[]; existing?: string[]; searchResponse?: unknown } = {}) {
    const calls: Call[] = [];
    const tasks = new Map<number, { type: string; indexUid: string | null }>();
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
    const enqueue = (type: string, indexUid: string | null) => {
      const taskUid = tasks.size + 1;
      tasks.set(taskUid, { type, indexUid });
      return json(202, { taskUid, indexUid, status: "enqueued", type, enqueuedAt: new Date().toISOString() });
    };
    vi.stubGlobal("fetch", async (input: URL, init: RequestInit) => {
      const url = new URL(input);
      const method = init.method ?? "GET";
      const body = typeof init.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
      calls.push({ method, path: url.pathname + url.search, body });
      const parts = url.pathname.split("/").filter(Boolean);
      if (parts[0] === "version") return json(200, { pkgVersion: "1.12.0", commitSha: "x", commitDate: "x" });
      if (parts[0] === "tasks") {
        const uid = Number(parts[1]);
        const t = tasks.get(uid)!;
        const failed = options.failTaskTypes?.includes(t.type);
        return json(200, {
          uid,
          batchUid: uid,
          indexUid: t.indexUid,
          status: failed ? "failed" : "succeeded",
          type: t.type,
          canceledBy: null,
          error: failed ? { message: "Document identifier `a b` is invalid.", code: "invalid_document_id", type: "invalid_request", link: "" } : null,
          duration: "PT0.01S",
          enqueuedAt: "",
          startedAt: "",
          finishedAt: "",
        });
      }
      if (parts[0] === "indexes" && parts.length === 1 && method === "POST") return enqueue("indexCreation", (body as { uid: string }).uid);
      if (parts[0] === "indexes" && parts.length === 2 && method === "GET") {
        return options.existing?.includes(parts[1]!)
          ? json(200, { uid: parts[1], primaryKey: "id", createdAt: "", updatedAt: "" })
          : json(404, { message: `Index \`${parts[1]}\` not found.`, code: "index_not_found", type: "invalid_request", link: "" });
      }
      if (parts[2] === "settings") return enqueue("settingsUpdate", parts[1]!);
      if (parts[2] === "documents" && method === "POST" && parts.length === 3) return enqueue("documentAdditionOrUpdate", parts[1]!);
      if (parts[2] === "documents" && (method === "DELETE" || parts[3] === "delete-batch")) return enqueue("documentDeletion", parts[1]!);
      if (parts[2] === "search") return json(200, options.searchResponse);
      return json(500, { message: `unexpected ${method} ${url.pathname}`, code: "internal", type: "internal", link: "" });
    });
    return calls;
  }

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("creates missing indexes with primary key id and applies the settings, prefixed", async () => {
    const calls = fakeServer({ existing: ["t_needs"] });
    const search = createMeiliSearchIndex({ host: "http://meili.test:7700", apiKey: "k", indexPrefix: "t_" });
    expect(search.backend).toBe("meilisearch");
    await search.applySettings();
    const writes = calls.filter((c) => c.method !== "GET");
    expect(writes.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /indexes", "PATCH /indexes/t_products/settings", "PATCH /indexes/t_needs/settings"]);
    expect(writes[0]!.body).toEqual({ uid: "t_products", primaryKey: "id" });
    expect(writes[1]!.body).toEqual(settingsFor(PRODUCTS_INDEX, { localized: true }));
  });

  it("upserts in batches with replace semantics and reports a failed task with its error", async () => {
    const calls = fakeServer();
    const search = createMeiliSearchIndex({ host: "http://meili.test:7700" });
    const docs = Array.from({ length: MAX_UPSERT_BATCH + 1 }, (_, i) => ({ id: `p${i}`, name: "税易贷" }));
    await search.upsert("products", docs);
    const posts = calls.filter((c) => c.method === "POST");
    expect(posts.map((c) => c.path)).toEqual(["/indexes/products/documents?primaryKey=id", "/indexes/products/documents?primaryKey=id"]);
    expect((posts[1]!.body as unknown[]).length).toBe(1);
    await search.remove("needs", ["n1", "n2"]);
    expect(calls.at(-2)).toMatchObject({ method: "POST", path: "/indexes/needs/documents/delete-batch", body: ["n1", "n2"] });
    await search.clear("needs");
    expect(calls.at(-2)).toMatchObject({ method: "DELETE", path: "/indexes/needs/documents" });

    fakeServer({ failTaskTypes: ["documentAdditionOrUpdate"] });
    await expect(search.upsert("products", [{ id: "a b" }])).rejects.toThrow(/invalid_document_id/);
  });

  it("searches with the built parameters and maps the response", async () => {
    const calls = fakeServer({
      searchResponse: {
        hits: [{ id: "p1", name: "税易贷", _formatted: { id: "p1", name: `${S}税易贷${E}` } }],
        query: "税易贷",
        processingTimeMs: 1,
        hitsPerPage: 10,
        page: 1,
        totalPages: 1,
        totalHits: 1,
        facetDistribution: { bankId: { b1: 1 } },
      },
    });
    const search = createMeiliSearchIndex({ host: "http://meili.test:7700" });
    const result = await search.search("products", { q: "税易贷", equals: { bankId: ["b1"] }, facets: ["bankId", "type"], page: 1, pageSize: 10 });
    expect(calls[0]).toMatchObject({ method: "POST", path: "/indexes/products/search" });
    expect(calls[0]!.body).toMatchObject({ q: "税易贷", filter: ['bankId IN ["b1"]'], page: 1, hitsPerPage: 10 });
    expect(result).toEqual({
      hits: [{ id: "p1", document: { id: "p1", name: "税易贷" }, highlights: { name: [{ text: "税易贷", match: true }] } }],
      total: 1,
      facets: { bankId: { b1: 1 }, type: {} },
    });
  });

  it("answers an empty value list with nothing, without asking the server", async () => {
    const calls = fakeServer();
    const search = createMeiliSearchIndex({ host: "http://meili.test:7700" });
    const result = await search.search("needs", { q: "", equals: { urgency: [] }, facets: ["urgency"], page: 1, pageSize: 10 });
    expect(result).toEqual({ hits: [], total: 0, facets: { urgency: {} } });
    expect(calls).toEqual([]);
    await expect(search.search("needs", { q: "", equals: { nope: [] }, page: 1, pageSize: 10 })).rejects.toThrow(/nope/);
  });

  it("refuses an index prefix Meilisearch would not accept as a uid", () => {
    expect(() => createMeiliSearchIndex({ host: "http://meili.test:7700", indexPrefix: "bad prefix/" })).toThrow(/prefix/);
  });
});

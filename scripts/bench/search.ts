/**
 * `npm run bench:search -- [--products 10000] [--needs 100000] [--enterprises 5000] [--banks 40]
 *    [--duration 15] [--warmup 3] [--rate 200] [--seed 20261122] [--keep] [--reuse]`
 *
 * Benchmarks the embedded SearchIndex (SEARCH_BACKEND=postgres) with the code
 * production runs: the process's own index from getSearchIndex() on the app's
 * Prisma client (its pg pool as configured in app/db.server.ts), filled by
 * rebuildSearchIndex from realistic products and financing needs.
 *
 * Works in its own database, xyd_bench_search on BENCH_DATABASE_URL's server
 * (default: local, user postgres), created and migrated afresh and dropped at
 * the end unless --keep; --reuse runs the load again on a database a --keep
 * run left. Prints a summary and rewrites the section
 * "## Search: embedded PostgreSQL adapter" of docs/BENCHMARKS.md.
 *
 * Load: closed loop (N callers, each sending its next query when the last one
 * answers) at 50 and 200 callers for products and needs, and an open loop at
 * --rate requests/s for products (arrivals on a fixed schedule, latency from
 * the scheduled time, so a slow answer cannot hide the queue behind it).
 * Every query goes through SearchIndex#search as a page would send it, facets
 * included. A serial profile then times each SQL statement a search sends, and
 * the statements of four typical searches are EXPLAIN ANALYZEd.
 */
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import type { SearchIndex, SearchQuery } from "../../app/domain/search/search-index";
import type { Random as Rng } from "../../prisma/seed/random";
import type { IndexName } from "../../search/indexes";
import { createDatabase, databaseExists, dropDatabase, migrateDeploy, withDatabase } from "../lib/db-admin";
import { fail, markdownTable, onEveryStatement, writeBenchmarkSection, dropOnExit } from "../lib/bench-report";

const DATABASE = "xyd_bench_search";
/** The issue's goal: product search at 200 req/s with p95 ≤ 30 ms. */
const GOAL_P95_MS = 30;
const GOAL_RATE = 200;
const SECTION = "## Search: embedded PostgreSQL adapter";
const CONCURRENCIES = [50, 200] as const;
/** What the supermarket and the needs hall ask for with every search. */
const PRODUCT_FACETS = ["bankId", "type", "guaranteeTypes", "scenarioTags", "regionCodes"] as const;
const NEED_FACETS = ["regionCode", "industryCode", "size", "guaranteeTypes", "urgency"] as const;
const PAGE_SIZE = 20;
/** Open loop: an arrival finding this many searches unanswered is turned away (and counted), so an overloaded run still ends. */
const MAX_IN_FLIGHT = 400;
/** Open loop: how long searches may still take after the last arrival before they are abandoned (and counted). */
const DRAIN_MS = 5_000;
const PROFILE_PRODUCT_QUERIES = 100;
const PROFILE_NEED_QUERIES = 25;

const { values } = parseArgs({
  options: {
    products: { type: "string", default: "10000" },
    needs: { type: "string", default: "100000" },
    enterprises: { type: "string", default: "5000" },
    banks: { type: "string", default: "40" },
    duration: { type: "string", default: "15" },
    warmup: { type: "string", default: "3" },
    rate: { type: "string", default: String(GOAL_RATE) },
    seed: { type: "string", default: "20261122" },
    keep: { type: "boolean", default: false },
    reuse: { type: "boolean", default: false },
  },
});
const PRODUCTS = Number(values.products);
const NEEDS = Number(values.needs);
const ENTERPRISES = Number(values.enterprises);
const BANK_COUNT = Number(values.banks);
const DURATION_MS = Number(values.duration) * 1000;
const WARMUP_MS = Number(values.warmup) * 1000;
const RATE = Number(values.rate);
const SEED = Number(values.seed);
if (!Number.isInteger(PRODUCTS) || PRODUCTS < 100 || PRODUCTS > 1_000_000) fail("--products must be an integer from 100 to 1,000,000");
if (!Number.isInteger(NEEDS) || NEEDS < 100 || NEEDS > 2_000_000) fail("--needs must be an integer from 100 to 2,000,000");
if (!Number.isInteger(ENTERPRISES) || ENTERPRISES < 10 || ENTERPRISES > 1_000_000) fail("--enterprises must be an integer from 10 to 1,000,000");
if (!Number.isInteger(BANK_COUNT) || BANK_COUNT < 1 || BANK_COUNT > 16 + EXTRA_BANKS().length) fail(`--banks must be from 1 to ${16 + EXTRA_BANKS().length}`);
if (!(DURATION_MS >= 1_000 && DURATION_MS <= 120_000)) fail("--duration must be 1 to 120 seconds");
if (!(WARMUP_MS >= 0 && WARMUP_MS <= 60_000)) fail("--warmup must be 0 to 60 seconds");
if (!(RATE >= 1 && RATE <= 5_000)) fail("--rate must be 1 to 5,000 requests/s");
if (!Number.isInteger(SEED) || SEED < 0) fail("--seed must be a non-negative integer");


// ─── Statement capture ──────────────────────────────────────────────────────

/** Which of a search's statements this is (told apart by shape, not exact text, so a changed adapter still reads right). */
function statementLabel(sql: string): string {
  if (!/\bFROM search_documents\b/.test(sql) || !/^\s*(SELECT|WITH)\b/i.test(sql)) return "other";
  const page = /\bLIMIT\b/i.test(sql);
  const facets = /\bGROUP BY\b/i.test(sql);
  const total = /\bcount\(\*\)/i.test(sql);
  if (page && (facets || total)) return `page${total ? " + total" : ""}${facets ? " + facets" : ""} (one statement)`;
  if (facets) return "facet counts";
  if (page) return "page of hits";
  if (total) return "total (count)";
  return "other search statement";
}

type Captured = { label: string; text: string; values: unknown[] };
/** When set, every statement's time from send to reply is added here, by label. */
let statementTimes: Map<string, { ms: number; count: number }> | null = null;
/** When set, every statement sent is recorded (to EXPLAIN it afterwards). */
let captured: Captured[] | null = null;

/** Wraps pg's Client#query (which Prisma's adapter uses) to time and capture statements. */
function instrumentPg() {
  onEveryStatement((sql, params) => {
    if (!statementTimes && !captured) return null;
    const label = statementLabel(sql);
    if (captured && label !== "other") captured.push({ label, text: sql, values: params });
    const times = statementTimes;
    if (!times) return null;
    const started = performance.now();
    return () => {
      const entry = times.get(label) ?? { ms: 0, count: 0 };
      entry.ms += performance.now() - started;
      entry.count++;
      times.set(label, entry);
    };
  });
}

// ─── Set-up ─────────────────────────────────────────────────────────────────

const url = withDatabase(process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres", DATABASE);
// The env module reads these once, when first imported: set them before any app module loads.
process.env.DATABASE_URL = url;
process.env.SEARCH_BACKEND = "postgres";
instrumentPg();

const cleanUp = dropOnExit(url, DATABASE, Boolean(values.keep || values.reuse));

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const ms1 = (n: number) => (n >= 100 ? fmt(n) : n.toFixed(1));
const sec = (ms: number) => (ms / 1000).toFixed(1);
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const loadAtStart = os.loadavg()[0]!;
console.log(
  `search benchmark: ${fmt(PRODUCTS)} products, ${fmt(NEEDS)} needs, ${fmt(ENTERPRISES)} enterprises, ${BANK_COUNT} banks, seed ${SEED}; ` +
    `${os.cpus().length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, load average ${loadAtStart.toFixed(2)}`,
);

if (values.reuse) {
  if (!(await databaseExists(url))) fail(`--reuse: ${DATABASE} does not exist; run once with --keep first`);
} else {
  await dropDatabase(url); // left over from a --keep run
  const t0 = performance.now();
  await createDatabase(url);
  await migrateDeploy(url);
  console.log(`  create + migrate database: ${sec(performance.now() - t0)} s`);
}

const { prisma: db } = await import("../../app/db.server");
const { getSearchIndex } = await import("../../app/domain/search/search.server");
const { rebuildSearchIndex } = await import("../../app/domain/outbox/search-outbox.server");
const { seedRoles } = await import("../../prisma/seed/seed");
const { BANKS, generateEnterprise } = await import("../../prisma/seed/city");
const { generateProducts, shortBankName } = await import("../../prisma/seed/products");
const { Random } = await import("../../prisma/seed/random");
const { REGIONS } = await import("../../app/domain/reference/regions");
const { INDUSTRIES } = await import("../../app/domain/reference/industries");
const { SCENARIO_TAG_CODES } = await import("../../app/domain/reference/product-tags");

const DISTRICT_CODES = REGIONS.filter((r) => r.code !== "211100").map((r) => r.code);
const GUARANTEES = ["CREDIT", "MORTGAGE", "PLEDGE", "GUARANTOR", "GUARANTEE_COMPANY"] as const;

type Percentiles = { p50: number; p95: number; p99: number; max: number; mean: number };
type RunResult = {
  name: string;
  index: IndexName;
  mode: "closed" | "open";
  /** Callers (closed loop) or requests/s offered (open loop). */
  level: number;
  ms: number;
  completed: number;
  errors: number;
  rejected: number;
  unfinished: number;
  latency: Percentiles;
  byKind: Map<string, number[]>;
  cpuBusy: number | null;
  nodeCpu: number;
  connections: { max: number; activeMean: number };
  firstError: string | null;
};

const report = {} as {
  pgVersion: string;
  settings: Record<string, string>;
  poolMax: number;
  counts: { banks: number; enterprises: number; products: number; needs: number };
  seedMs: { products: number; needs: number; other: number } | null;
  indexing: { index: IndexName; documents: number; ms: number }[];
  sizes: Awaited<ReturnType<typeof sizes>>;
  runs: RunResult[];
  profile: { index: IndexName; queries: number; ms: number; statements: Map<string, { ms: number; count: number }> }[];
  explains: {
    title: string;
    rows: { label: string; node: string; planMs: number; execMs: number; jitMs: number; rows: number; hit: number; read: number }[];
  }[];
  loadAtEnd: number;
};

async function main() {
  try {
    const setting = async (name: string) => (await db.$queryRaw<{ v: string }[]>`SELECT current_setting(${name}) AS v`)[0]?.v ?? "?";
    report.pgVersion = (await setting("server_version")).split(" ")[0]!;
    report.settings = {};
    for (const name of ["shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather", "random_page_cost", "autovacuum"]) {
      report.settings[name] = await setting(name);
    }
    report.poolMax = poolMax();

    // ── Seed ────────────────────────────────────────────────────────────────
    if (!values.reuse) {
      report.seedMs = await seed();
    } else {
      report.seedMs = null;
      console.log("  reusing the kept database: seeding and indexing skipped");
    }
    report.counts = {
      banks: await db.institution.count({ where: { kind: "BANK" } }),
      enterprises: await db.enterprise.count(),
      products: await db.product.count({ where: { status: "LISTED" } }),
      needs: await db.financingNeed.count({ where: { status: "OPEN" } }),
    };

    // ── Index ───────────────────────────────────────────────────────────────
    const search = await getSearchIndex();
    if (search.backend !== "postgres") throw new Error(`expected the postgres search backend, got ${search.backend}`);
    report.indexing = [];
    if (!values.reuse) {
      for (const index of ["products", "needs"] as const) {
        const t0 = performance.now();
        const { documents } = await rebuildSearchIndex(db, search, index);
        const ms = performance.now() - t0;
        report.indexing.push({ index, documents, ms });
        console.log(`  rebuildSearchIndex ${index}: ${fmt(documents)} documents in ${sec(ms)} s, ${fmt(documents / (ms / 1000))} documents/s`);
      }
      // What autovacuum does after a bulk load (visibility map, planner statistics), at a fixed point so every run sees the same.
      const t0 = performance.now();
      await db.$executeRawUnsafe("VACUUM ANALYZE search_documents");
      console.log(`  VACUUM ANALYZE search_documents: ${sec(performance.now() - t0)} s`);
    }
    report.sizes = await sizes();
    console.log(
      `  search_documents: ${mib(report.sizes.total)} MiB in all, table ${mib(report.sizes.heap)} MiB, indexes ${indexSizes()}; ` +
        `lexemes per document: products ${report.sizes.productsTokens.toFixed(0)}, needs ${report.sizes.needsTokens.toFixed(0)}`,
    );
    console.log(
      `  pg pool: max ${report.poolMax} connections (pg.Pool default; app/db.server.ts passes only a connection string); ` +
        `PostgreSQL ${report.pgVersion}, ${Object.entries(report.settings).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    );

    // ── Query mixes ─────────────────────────────────────────────────────────
    const bankIds = (await db.institution.findMany({ where: { kind: "BANK" }, select: { id: true }, orderBy: { code: "asc" } })).map((b) => b.id);
    const mixes = queryMixes(bankIds);

    // ── Load ────────────────────────────────────────────────────────────────
    report.runs = [];
    const monitor = await connectionMonitor();
    try {
      for (const concurrency of CONCURRENCIES) {
        report.runs.push(await closedLoop(search, "products", mixes.products, concurrency, monitor));
      }
      report.runs.push(await openLoop(search, "products", mixes.products, RATE, monitor));
      for (const concurrency of CONCURRENCIES) {
        report.runs.push(await closedLoop(search, "needs", mixes.needs, concurrency, monitor));
      }
    } finally {
      await monitor.close();
    }

    // ── Profile: each statement of a search, one search at a time ──────────
    report.profile = [];
    for (const [index, count] of [["products", PROFILE_PRODUCT_QUERIES], ["needs", PROFILE_NEED_QUERIES]] as const) {
      const rng = new Random(SEED + 7);
      const statements = new Map<string, { ms: number; count: number }>();
      statementTimes = statements;
      const t0 = performance.now();
      for (let i = 0; i < count; i++) await search.search(index, mixes[index](rng).query);
      const ms = performance.now() - t0;
      statementTimes = null;
      report.profile.push({ index, queries: count, ms, statements });
    }

    // ── EXPLAIN ANALYZE the statements of typical searches ────────────────
    report.explains = [];
    const typical: { title: string; index: IndexName; query: SearchQuery }[] = [
      {
        title: "products, browsing: no text, every facet, page 1",
        index: "products",
        query: { q: "", facets: [...PRODUCT_FACETS], page: 1, pageSize: PAGE_SIZE },
      },
      {
        title: "products, 「税易贷」, every facet, page 1",
        index: "products",
        query: { q: "税易贷", facets: [...PRODUCT_FACETS], page: 1, pageSize: PAGE_SIZE },
      },
      {
        title: "needs, browsing: open needs, newest first, every facet, page 1",
        index: "needs",
        query: { q: "", equals: { status: ["OPEN"] }, sort: { field: "postedAt", direction: "desc" }, facets: [...NEED_FACETS], page: 1, pageSize: PAGE_SIZE },
      },
      {
        title: "needs, 「采购原材料」 in one district, every facet, page 1",
        index: "needs",
        query: { q: "采购原材料", equals: { regionCode: [DISTRICT_CODES[0]!] }, facets: [...NEED_FACETS], page: 1, pageSize: PAGE_SIZE },
      },
    ];
    for (const t of typical) report.explains.push({ title: t.title, rows: await explain(search, t.index, t.query) });

    report.loadAtEnd = os.loadavg()[0]!;
    printSummary();
    writeDoc();
  } finally {
    await db.$disconnect();
    await cleanUp();
    if (values.keep || values.reuse) console.log(`kept database ${DATABASE}: ${url}`);
  }
}

// ─── Seeding ────────────────────────────────────────────────────────────────

/** Banks beyond the demo city's sixteen, so the bank facet and bank names look like a province's. */
function EXTRA_BANKS(): [string, string][] {
  return [
    ["SPDB-PJ", "浦发银行盘锦分行"],
    ["CMBC-PJ", "中国民生银行盘锦分行"],
    ["HXB-PJ", "华夏银行盘锦分行"],
    ["PAB-PJ", "平安银行盘锦分行"],
    ["CGB-PJ", "广发银行盘锦分行"],
    ["CZB-PJ", "浙商银行盘锦分行"],
    ["CBHB-PJ", "渤海银行盘锦分行"],
    ["EGB-PJ", "恒丰银行盘锦分行"],
    ["BOB-PJ", "北京银行盘锦分行"],
    ["BOS-PJ", "上海银行盘锦分行"],
    ["JSB-PJ", "江苏银行盘锦分行"],
    ["NBB-PJ", "宁波银行盘锦分行"],
    ["YKB-PJ", "营口银行盘锦分行"],
    ["ASB-PJ", "鞍山银行盘锦分行"],
    ["FSB-PJ", "抚顺银行盘锦分行"],
    ["HLDB-PJ", "葫芦岛银行盘锦分行"],
    ["DHRCB", "大洼恒丰村镇银行"],
    ["PSCZ", "盘山安泰村镇银行"],
    ["XLTRCB", "兴隆台农村商业银行"],
    ["STZRCB", "双台子农村商业银行"],
    ["LNRCB-PJ", "辽宁农村商业银行盘锦分行"],
    ["EXIM-LN", "中国进出口银行辽宁省分行"],
    ["ADBC-PJ", "中国农业发展银行盘锦市分行"],
    ["CDB-LN", "国家开发银行辽宁省分行"],
  ];
}

/** More product lines than the demo's eight, in the same shape. */
const EXTRA_LINES = [
  {
    nameZh: "绿色信贷", type: "CREDIT", tags: ["GREEN"], amountWan: [50, 2000], termMonths: [12, 60], rateBps: [330, 520],
    methods: ["EQUAL_INSTALMENT", "EQUAL_PRINCIPAL"], guarantees: ["CREDIT", "MORTGAGE"],
    description: "支持节能环保、清洁能源、光伏和生态修复项目，享受碳减排支持工具优惠利率。",
  },
  {
    nameZh: "供应链e融", type: "PLEDGE", tags: ["SUPPLY_CHAIN"], amountWan: [10, 1000], termMonths: [1, 12], rateBps: [350, 600],
    methods: ["INTEREST_ONLY_BULLET"], guarantees: ["PLEDGE"],
    description: "基于核心企业应付账款确权的线上保理融资，应收账款质押，全流程线上办理。",
  },
  {
    nameZh: "订单贷", type: "CREDIT", tags: ["SUPPLY_CHAIN", "FIRST_LOAN"], amountWan: [10, 500], termMonths: [3, 12], rateBps: [380, 650],
    methods: ["INTEREST_ONLY_BULLET"], guarantees: ["CREDIT", "GUARANTOR"],
    description: "凭真实订单合同授信，订单回款自动还款，解决备货采购资金缺口。",
  },
  {
    nameZh: "设备按揭贷", type: "MORTGAGE", tags: ["TECH"], amountWan: [30, 2000], termMonths: [12, 60], rateBps: [360, 600],
    methods: ["EQUAL_INSTALMENT"], guarantees: ["MORTGAGE", "GUARANTEE_COMPANY"],
    description: "购置生产设备可按揭，以所购设备抵押，首付比例低，期限最长五年。",
  },
  {
    nameZh: "仓单质押贷", type: "PLEDGE", tags: ["SUPPLY_CHAIN"], amountWan: [50, 3000], termMonths: [3, 12], rateBps: [350, 580],
    methods: ["INTEREST_ONLY_BULLET"], guarantees: ["PLEDGE"],
    description: "以标准仓单或存货质押融资，适合石化、粮油等大宗商品贸易企业。",
  },
  {
    nameZh: "首贷通", type: "CREDIT", tags: ["FIRST_LOAN"], amountWan: [5, 100], termMonths: [3, 12], rateBps: [360, 600],
    methods: ["EQUAL_INSTALMENT", "INTEREST_ONLY_BULLET"], guarantees: ["CREDIT"],
    description: "面向首次贷款的小微企业和个体工商户，纯信用、免抵押、当天审批。",
  },
  {
    nameZh: "科技人才贷", type: "CREDIT", tags: ["TECH"], amountWan: [50, 500], termMonths: [12, 36], rateBps: [350, 550],
    methods: ["EQUAL_PRINCIPAL", "INTEREST_ONLY_BULLET"], guarantees: ["CREDIT", "GUARANTOR"],
    description: "为高层次人才创办的科技型企业提供信用贷款，可叠加人才专项贴息。",
  },
  {
    nameZh: "助农e贷", type: "CREDIT", tags: ["AGRI"], amountWan: [3, 100], termMonths: [6, 24], rateBps: [340, 580],
    methods: ["INTEREST_ONLY_BULLET", "EQUAL_INSTALMENT"], guarantees: ["CREDIT", "GUARANTOR"],
    description: "面向家庭农场、农民专业合作社和农业龙头企业，按种养周期放款。",
  },
] as const;

const QUALIFIERS = ["", "", "", "普惠", "小微", "线上", "惠企", "快捷"];
const EDITIONS = ["", "", "", "", "（升级版）", "2.0", "·专享版", "（园区版）", "（线上版）"];
const EXTRA_SENTENCES = [
  "线上申请，最快当天放款。",
  "支持随借随还，按日计息。",
  "可叠加政府风险补偿金，降低担保要求。",
  "对纳税信用A级企业给予利率优惠。",
  "额度循环使用，授信有效期三年。",
  "适用于在盘锦市登记注册的小微企业。",
  "符合条件的可申请财政贴息，降低综合融资成本。",
  "客户经理上门服务，三个工作日内答复。",
  "专精特新企业额度上浮百分之二十。",
  "支持续贷，到期无需还本。",
];

function productRow(rng: Rng, bank: { id: string; code: string; shortName: string }, seq: number, createdById: string) {
  const useDemo = rng.next() < 0.6;
  const base = useDemo ? rng.pick(generateProducts(rng, bank.code, "")) : null;
  const line = base ? null : rng.pick(EXTRA_LINES);
  const coreName = base ? base.nameZh : line!.nameZh;
  const name = `${bank.shortName}${rng.pick(QUALIFIERS)}${coreName}${rng.pick(EDITIONS)}`;
  const description = [base ? base.description : line!.description, ...rng.sample(EXTRA_SENTENCES, rng.int(0, 2))].join("");
  const tags = new Set<string>(base ? base.scenarioTags : line!.tags);
  if (rng.next() < 0.15) tags.add(rng.pick(SCENARIO_TAG_CODES));
  const [minWan, maxWan] = base ? [Number(base.minAmountFen / 1_000_000n), Number(base.maxAmountFen / 1_000_000n)] : line!.amountWan;
  const lo = Math.max(1, Math.round(minWan * rng.pick([0.5, 1, 1, 2])));
  const hi = Math.max(lo + 5, Math.round(maxWan * rng.pick([0.5, 1, 1, 1.5, 2])));
  const [minTerm, maxTerm] = base ? [base.minTermMonths, base.maxTermMonths] : line!.termMonths;
  const spread = rng.int(-40, 40);
  const [minRate, maxRate] = base ? [base.minRateBps, base.maxRateBps] : [line!.rateBps[0] + spread, line!.rateBps[1] + spread];
  const regional = rng.next() < 0.25;
  const listedAt = new Date(Date.now() - rng.int(0, 365 * 86_400) * 1000);
  return {
    institutionId: bank.id,
    code: `${bank.code}-P${String(seq).padStart(6, "0")}`,
    nameZh: name,
    nameEn: null,
    type: (base ? base.type : line!.type) as "CREDIT" | "MORTGAGE" | "PLEDGE" | "GUARANTEE",
    scenarioTags: [...tags],
    description,
    minAmountFen: BigInt(lo) * 1_000_000n,
    maxAmountFen: BigInt(hi) * 1_000_000n,
    minTermMonths: minTerm,
    maxTermMonths: maxTerm,
    minRateBps: minRate,
    maxRateBps: Math.max(minRate + 10, maxRate),
    repaymentMethods: [...(base ? base.repaymentMethods : line!.methods)] as ("EQUAL_INSTALMENT" | "EQUAL_PRINCIPAL" | "INTEREST_ONLY_BULLET")[],
    guaranteeTypes: [...(base ? base.guaranteeTypes : line!.guarantees)] as (typeof GUARANTEES)[number][],
    eligibleRegionCodes: regional ? rng.sample(DISTRICT_CODES, rng.int(1, 3)) : [],
    eligibleIndustryCodes: base ? base.eligibleIndustryCodes : [],
    eligibleSizes: (rng.next() < 0.7 ? ["MICRO", "SMALL", "MEDIUM"] : ["MICRO", "SMALL"]) as ("MICRO" | "SMALL" | "MEDIUM")[],
    minCreditGrade: base ? base.minCreditGrade : "C",
    minTaxGrade: base ? base.minTaxGrade : null,
    minYearsInOperation: base ? base.minYearsInOperation : rng.int(0, 3),
    requiredMaterials: base ? base.requiredMaterials : ["营业执照", "近一年财务报表"],
    responseDeadlineWorkingDays: rng.pick([3, 5, 7]),
    status: "LISTED" as const,
    listedAt,
    createdById,
    createdAt: listedAt,
  };
}

/** What an enterprise wants the money for, as people write it on the form. */
const PURPOSE_CORES = [
  "采购原材料", "支付货款", "扩大产能购置设备", "支付工人工资", "补充流动资金", "承接政府采购项目垫资", "购买种苗化肥",
  "河蟹养殖投苗", "厂房改造升级", "新产品研发投入", "支付进口关税", "春耕备货", "冬储原料", "到期贷款周转", "新建生产线",
  "购置冷链运输车辆", "生产线数字化改造", "建设屋顶光伏电站", "采购石化原料", "承接工程项目备料", "支付房租和水电",
  "采购包装材料", "专利技术产业化", "大米加工设备更新", "仓储物流中心建设", "增加库存应对旺季", "偿还供应商欠款",
];
const PURPOSE_LEADS = ["", "", "", "因订单增加，", "旺季来临，", "为履行销售合同，", "中标后", "受回款周期影响，", "为扩大经营规模，"];
const PURPOSE_TAILS = ["", "", "", "，急需资金", "，希望尽快放款", "，可提供房产抵押", "，有政府采购合同", "，可提供专利质押", "，纳税信用A级", "，有稳定回款"];
const SIZE_AMOUNT_WAN: Record<string, [number, number]> = { MICRO: [5, 200], SMALL: [30, 800], MEDIUM: [200, 3000], LARGE: [1000, 10000] };

async function seed(): Promise<{ products: number; needs: number; other: number }> {
  const rng = new Random(SEED);
  let t0 = performance.now();
  await seedRoles(db);
  const banks = [...BANKS.map(([code, nameZh]) => [code, nameZh] as [string, string]), ...EXTRA_BANKS()].slice(0, BANK_COUNT);
  await db.institution.createMany({
    data: banks.map(([code, nameZh]) => ({ code, kind: "BANK" as const, nameZh, nameEn: code, regionCode: "211100" })),
  });
  const bankRows = await db.institution.findMany({ where: { kind: "BANK" }, select: { id: true, code: true, nameZh: true } });
  const bankUsers = new Map<string, string>();
  for (const b of bankRows) {
    // Not a valid hash on purpose: nobody signs in to a benchmark database.
    const user = await db.user.create({
      data: {
        username: `${b.code.toLowerCase()}.admin`,
        displayName: `${b.nameZh}管理员`,
        passwordHash: "!",
        memberships: { create: { roleKey: "bank_admin", institutionId: b.id } },
      },
      select: { id: true },
    });
    bankUsers.set(b.id, user.id);
  }
  const smeUser = await db.user.create({ data: { username: "bench.sme", displayName: "基准测试企业", passwordHash: "!" }, select: { id: true } });

  const list: ReturnType<typeof generateEnterprise>[] = [];
  const seen = new Set<string>();
  while (list.length < ENTERPRISES) {
    const e = generateEnterprise(rng);
    if (seen.has(e.uscc)) continue;
    seen.add(e.uscc);
    list.push(e);
  }
  for (let i = 0; i < list.length; i += 1_000) await db.enterprise.createMany({ data: list.slice(i, i + 1_000) });
  const enterprises = await db.enterprise.findMany({ select: { id: true, size: true } });
  const other = performance.now() - t0;
  console.log(`  seed roles, ${bankRows.length} banks with a user each, ${fmt(enterprises.length)} enterprises: ${sec(other)} s`);

  // Products: big banks carry more lines than village banks.
  t0 = performance.now();
  const weighted = bankRows.map((b, i) => [{ id: b.id, code: b.code, shortName: shortBankName(b.nameZh) }, i < 10 ? 3 : i < 20 ? 2 : 1] as const);
  const products = [];
  for (let i = 0; i < PRODUCTS; i++) {
    const bank = rng.weighted(weighted);
    products.push(productRow(rng, bank, i, bankUsers.get(bank.id)!));
  }
  for (let i = 0; i < products.length; i += 1_000) await db.product.createMany({ data: products.slice(i, i + 1_000) });
  const productsMs = performance.now() - t0;
  console.log(`  seed ${fmt(products.length)} products (createMany): ${sec(productsMs)} s`);

  // Needs: one INSERT … SELECT FROM jsonb_to_recordset per 10,000, far faster than createMany for 100,000 rows.
  t0 = performance.now();
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  for (let i = 0; i < NEEDS; i += 10_000) {
    const rows = [];
    for (let k = i; k < Math.min(NEEDS, i + 10_000); k++) {
      const e = rng.pick(enterprises);
      const [lo, hi] = SIZE_AMOUNT_WAN[e.size] ?? [10, 500];
      const createdAt = new Date(Date.now() - rng.int(0, 90 * 86_400) * 1000);
      rows.push({
        id: crypto.randomUUID(),
        e: e.id,
        a: String(rng.int(lo, hi) * 1_000_000),
        t: rng.pick([3, 6, 6, 12, 12, 12, 18, 24, 36, 60]),
        p: `${rng.pick(PURPOSE_LEADS)}${rng.pick(PURPOSE_CORES)}${rng.pick(PURPOSE_TAILS)}`,
        m: rng.int(70, 160) * 5,
        g: rng.next() < 0.5 ? ["CREDIT"] : rng.sample(GUARANTEES, rng.int(1, 2)),
        u: rng.weighted([["LOW", 20], ["NORMAL", 60], ["HIGH", 20]] as const),
        x: new Date(today + rng.int(7, 120) * 86_400_000).toISOString().slice(0, 10),
        c: createdAt.toISOString(),
      });
    }
    await db.$executeRaw`
      INSERT INTO financing_needs (id, "enterpriseId", "amountFen", "termMonths", purpose, "maxRateBps", "guaranteeTypes", urgency,
                                   "expiresOn", status, "createdById", "createdAt", "updatedAt")
      SELECT r.id::uuid, r.e::uuid, r.a::bigint, r.t, r.p, r.m, r.g::"GuaranteeType"[], r.u::"Urgency",
             r.x::date, 'OPEN', ${smeUser.id}::uuid, r.c::timestamptz AT TIME ZONE 'UTC', r.c::timestamptz AT TIME ZONE 'UTC'
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          AS r(id text, e text, a text, t int, p text, m int, g text[], u text, x text, c text)`;
  }
  const needsMs = performance.now() - t0;
  console.log(`  seed ${fmt(NEEDS)} needs (INSERT … jsonb_to_recordset): ${sec(needsMs)} s`);
  await db.$executeRawUnsafe("ANALYZE institutions, enterprises, products, financing_needs");
  return { products: productsMs, needs: needsMs, other };
}

// ─── Queries ────────────────────────────────────────────────────────────────

type Pick = { kind: string; query: SearchQuery };
type Mix = (rng: Rng) => Pick;

const PRODUCT_WORDS = [
  "税易贷", "科创", "抵押", "知识产权", "政采贷", "关税", "首贷", "涉农", "绿色", "供应链", "信用贷款", "随借随还", "稻蟹",
  "专利", "工商银行", "建设银行", "农商行", "招商银行", "盛京银行", "担保", "仓单质押", "设备", "贴息", "税", "e融",
];
const NEED_WORDS = [
  "采购", "原材料", "设备", "货款", "工资", "流动资金", "养殖", "研发", "厂房", "政府采购", "冷链", "光伏", "河蟹", "春耕",
  "生产线", "盘锦", "石化", "鑫源", "物流", "周转",
];

function page(rng: Rng): number {
  return rng.weighted([[1, 75], [2, 17], [3, 8]] as const);
}

function queryMixes(bankIds: string[]): Record<IndexName, Mix> {
  const productFilters = (rng: Rng, n: number): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    const fields = rng.sample(["type", "guaranteeTypes", "scenarioTags", "regionCodes", "bankId"], n);
    for (const f of fields) {
      if (f === "type") out.type = [rng.pick(["CREDIT", "MORTGAGE", "PLEDGE", "GUARANTEE"])];
      if (f === "guaranteeTypes") out.guaranteeTypes = rng.sample(GUARANTEES, rng.int(1, 2));
      if (f === "scenarioTags") out.scenarioTags = [rng.pick(SCENARIO_TAG_CODES)];
      // The region facet: a district, and "anywhere" products, as the supermarket asks for an SME's district.
      if (f === "regionCodes") out.regionCodes = [rng.pick(DISTRICT_CODES), "ANY"];
      if (f === "bankId") out.bankId = [rng.pick(bankIds)];
    }
    return out;
  };
  const products: Mix = (rng) => {
    const kind = rng.weighted([["browse", 35], ["keyword", 45], ["keyword + ranges", 20]] as const);
    const query: SearchQuery = { q: "", facets: [...PRODUCT_FACETS], page: page(rng), pageSize: PAGE_SIZE };
    if (kind === "browse") {
      query.equals = productFilters(rng, rng.weighted([[0, 40], [1, 40], [2, 20]] as const));
      if (rng.next() < 0.5) query.sort = { field: "minRateBps", direction: "asc" };
    } else if (kind === "keyword") {
      query.q = rng.pick(PRODUCT_WORDS);
      query.equals = productFilters(rng, rng.weighted([[0, 70], [1, 30]] as const));
      if (rng.next() < 0.3) query.sort = { field: "minRateBps", direction: "asc" };
    } else {
      query.q = rng.next() < 0.7 ? rng.pick(PRODUCT_WORDS) : "";
      query.equals = productFilters(rng, rng.int(0, 1));
      query.ranges = {
        maxAmountFen: { min: rng.pick([50, 100, 300, 500]) * 1_000_000 },
        ...(rng.next() < 0.5 ? { minRateBps: { max: rng.pick([380, 420, 450, 500]) } } : {}),
      };
      if (rng.next() < 0.5) query.sort = { field: "minRateBps", direction: "asc" };
    }
    return { kind, query };
  };
  const needFilters = (rng: Rng, n: number): Record<string, string[]> => {
    const out: Record<string, string[]> = { status: ["OPEN"] };
    for (const f of rng.sample(["regionCode", "industryCode", "size", "guaranteeTypes", "urgency"], n)) {
      if (f === "regionCode") out.regionCode = [rng.pick(DISTRICT_CODES)];
      if (f === "industryCode") out.industryCode = [rng.pick(INDUSTRIES).code];
      if (f === "size") out.size = rng.sample(["MICRO", "SMALL", "MEDIUM", "LARGE"], rng.int(1, 2));
      if (f === "guaranteeTypes") out.guaranteeTypes = [rng.pick(GUARANTEES)];
      if (f === "urgency") out.urgency = ["HIGH"];
    }
    return out;
  };
  const needSort = (rng: Rng): SearchQuery["sort"] =>
    rng.weighted([
      [{ field: "postedAt", direction: "desc" }, 40],
      [{ field: "amountFen", direction: "desc" }, 20],
      [{ field: "expiresAt", direction: "asc" }, 20],
      [undefined, 20],
    ] as const);
  const needs: Mix = (rng) => {
    const kind = rng.weighted([["browse", 40], ["keyword", 40], ["keyword + ranges", 20]] as const);
    const query: SearchQuery = { q: "", facets: [...NEED_FACETS], page: page(rng), pageSize: PAGE_SIZE };
    if (kind === "browse") {
      query.equals = needFilters(rng, rng.weighted([[0, 30], [1, 40], [2, 30]] as const));
      query.sort = needSort(rng);
    } else if (kind === "keyword") {
      query.q = rng.pick(NEED_WORDS);
      query.equals = needFilters(rng, rng.int(0, 1));
      if (rng.next() < 0.5) query.sort = needSort(rng);
    } else {
      query.q = rng.next() < 0.6 ? rng.pick(NEED_WORDS) : "";
      query.equals = needFilters(rng, rng.int(0, 1));
      query.ranges = {
        amountFen: { min: rng.pick([10, 50, 100]) * 1_000_000, max: rng.pick([300, 1000, 5000]) * 1_000_000 },
        ...(rng.next() < 0.5 ? { maxRateBps: { min: rng.pick([400, 500, 600]) } } : {}),
        ...(rng.next() < 0.3 ? { termMonths: { max: 12 } } : {}),
      };
      query.sort = needSort(rng);
    }
    return { kind, query };
  };
  return { products, needs };
}

// ─── Load ───────────────────────────────────────────────────────────────────

function percentiles(samples: number[]): Percentiles {
  if (samples.length === 0) return { p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s[s.length - 1]!, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** The whole machine's CPU time from /proc/stat (Linux), busy and total, in jiffies. */
function machineCpu(): { busy: number; total: number } | null {
  if (!existsSync("/proc/stat")) return null;
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

type Monitor = {
  start(): void;
  stop(): { max: number; activeMean: number };
  /** Cancels every statement the benchmark's pool has running (pg_cancel_backend). */
  cancelActive(): Promise<void>;
  close(): Promise<void>;
};

/** Samples the benchmark database's connections (other than its own) every 200 ms during a run. */
async function connectionMonitor(): Promise<Monitor> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const others = "datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'";
  let timer: NodeJS.Timeout | null = null;
  let samples: { total: number; active: number }[] = [];
  const sample = async () => {
    const r = await client.query<{ total: number; active: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE state = 'active')::int AS active FROM pg_stat_activity WHERE ${others}`,
    );
    samples.push(r.rows[0]!);
  };
  return {
    start() {
      samples = [];
      timer = setInterval(() => void sample().catch(() => undefined), 200);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      return {
        max: Math.max(0, ...samples.map((s) => s.total)),
        activeMean: samples.length ? samples.reduce((a, s) => a + s.active, 0) / samples.length : 0,
      };
    },
    async cancelActive() {
      await client.query(`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE ${others} AND state = 'active'`);
    },
    async close() {
      if (timer) clearInterval(timer);
      await client.end();
    },
  };
}

/** Latencies of the searches answered while `recording`; what ends after it is neither counted nor an error. */
type Recorder = {
  recording: boolean;
  samples: number[];
  byKind: Map<string, number[]>;
  errors: number;
  firstError: string | null;
  lastAt: number;
};
const newRecorder = (recording = true): Recorder => ({ recording, samples: [], byKind: new Map(), errors: 0, firstError: null, lastAt: 0 });

async function timedSearch(search: SearchIndex, index: IndexName, pick: Pick, from: number, rec: Recorder) {
  try {
    await search.search(index, pick.query);
    if (!rec.recording) return;
    rec.lastAt = performance.now();
    const ms = rec.lastAt - from;
    rec.samples.push(ms);
    const list = rec.byKind.get(pick.kind) ?? [];
    list.push(ms);
    rec.byKind.set(pick.kind, list);
  } catch (error) {
    if (!rec.recording) return;
    rec.errors++;
    rec.firstError ??= error instanceof Error ? error.message.slice(0, 300) : String(error);
  }
}

/**
 * Ends a run: the searches still under way are not counted, and their
 * statements are cancelled until every one has given up, so the next run
 * starts on an idle database (what a load generator closing its connections
 * does; a search's statements cannot be withdrawn any other way).
 */
async function abandon(work: Promise<unknown>, monitor: Monitor): Promise<void> {
  let done = false;
  void work.finally(() => {
    done = true;
  });
  for (;;) {
    await Promise.race([work, sleep(10)]);
    if (done) return;
    await monitor.cancelActive();
  }
}

type Outcome = { rec: Recorder; windowMs: number; rejected: number; unfinished: number };

/** Measures a run from when its work calls `begin` (after any warm-up): the machine's and Node's CPU, and the database's connections. */
async function measured(
  name: string,
  index: IndexName,
  mode: "closed" | "open",
  level: number,
  monitor: Monitor,
  work: (begin: () => void) => Promise<Outcome>,
): Promise<RunResult> {
  let cpu0 = machineCpu();
  let node0 = process.cpuUsage();
  let t0 = performance.now();
  const { rec, windowMs, rejected, unfinished } = await work(() => {
    cpu0 = machineCpu();
    node0 = process.cpuUsage();
    t0 = performance.now();
    monitor.start();
  });
  const wallMs = performance.now() - t0;
  const connections = monitor.stop();
  const node = process.cpuUsage(node0);
  const cpu1 = machineCpu();
  const result: RunResult = {
    name,
    index,
    mode,
    level,
    ms: windowMs,
    completed: rec.samples.length,
    errors: rec.errors,
    rejected,
    unfinished,
    latency: percentiles(rec.samples),
    byKind: rec.byKind,
    cpuBusy: cpu0 && cpu1 ? (cpu1.busy - cpu0.busy) / (cpu1.total - cpu0.total) : null,
    nodeCpu: (node.user + node.system) / 1000 / wallMs / os.cpus().length,
    connections,
    firstError: rec.firstError,
  };
  const l = result.latency;
  console.log(
    `  ${name}: ${fmt(result.completed)} searches in ${sec(windowMs)} s, ${fmt(result.completed / (windowMs / 1000))} req/s; ` +
      `p50 ${ms1(l.p50)} ms, p95 ${ms1(l.p95)} ms, p99 ${ms1(l.p99)} ms, max ${ms1(l.max)} ms` +
      `${result.errors ? `; ${result.errors} errors (${result.firstError})` : ""}${rejected ? `; ${fmt(rejected)} turned away` : ""}` +
      `${unfinished ? `; ${fmt(unfinished)} unanswered after ${DRAIN_MS / 1000} s` : ""}; ` +
      `machine CPU ${result.cpuBusy === null ? "?" : `${Math.round(result.cpuBusy * 100)} %`} (Node ${Math.round(result.nodeCpu * 100)} %), ` +
      `connections ≤ ${connections.max}, ${connections.activeMean.toFixed(1)} active on average`,
  );
  return result;
}

/**
 * N callers, each sending its next search as soon as the last one answers,
 * for the warm-up and the measured window in one go. Searches answered within
 * the window count (with their whole latency, also if sent during the
 * warm-up); those under way at its end are abandoned.
 */
async function closedLoop(search: SearchIndex, index: IndexName, mix: Mix, concurrency: number, monitor: Monitor): Promise<RunResult> {
  const rng = new Random(SEED + concurrency + (index === "needs" ? 1_000 : 0));
  return measured(`${index}, ${concurrency} concurrent (closed loop)`, index, "closed", concurrency, monitor, async (begin) => {
    const rec = newRecorder(false);
    const until = performance.now() + WARMUP_MS + DURATION_MS;
    const callers = Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) await timedSearch(search, index, mix(rng), performance.now(), rec);
      }),
    );
    await Promise.race([callers, sleep(WARMUP_MS)]);
    rec.recording = true;
    begin();
    await Promise.race([callers, sleep(until - performance.now())]);
    rec.recording = false;
    await abandon(callers, monitor);
    return { rec, windowMs: DURATION_MS, rejected: 0, unfinished: 0 };
  });
}

/**
 * Arrivals at a fixed rate whatever the answers do; each latency runs from the
 * arrival's scheduled time, so time spent queued in Node or for one of the
 * pool's connections counts. An arrival that finds MAX_IN_FLIGHT searches
 * unanswered is turned away; searches unanswered DRAIN_MS after the last
 * arrival are abandoned. Both are counted, and either misses the goal. It
 * follows the closed-loop runs on the same index, which warm it up.
 */
async function openLoop(search: SearchIndex, index: IndexName, mix: Mix, rate: number, monitor: Monitor): Promise<RunResult> {
  const rng = new Random(SEED + 99);
  const interval = 1000 / rate;
  return measured(`${index}, ${rate} req/s offered (open loop)`, index, "open", rate, monitor, async (begin) => {
    begin();
    const rec = newRecorder();
    const pending = new Set<Promise<void>>();
    let rejected = 0;
    const start = performance.now();
    for (let i = 0; ; i++) {
      const due = start + i * interval;
      if (due - start >= DURATION_MS) break;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      if (pending.size >= MAX_IN_FLIGHT) {
        rejected++;
        continue;
      }
      const p: Promise<void> = timedSearch(search, index, mix(rng), due, rec).finally(() => pending.delete(p));
      pending.add(p);
    }
    const all = Promise.all(pending);
    await Promise.race([all, sleep(DRAIN_MS)]);
    rec.recording = false;
    const unfinished = pending.size;
    await abandon(all, monitor);
    return { rec, windowMs: Math.max(DURATION_MS, rec.lastAt - start), rejected, unfinished };
  });
}

// ─── Inspection ─────────────────────────────────────────────────────────────

/** The pg pool's size as app/db.server.ts makes it: PrismaPg hands its config to pg.Pool, whose default max is 10. */
function poolMax(): number {
  const pool = new pg.Pool({ connectionString: url });
  const max = (pool as unknown as { options: { max: number } }).options.max;
  void pool.end();
  return max;
}

/** The table's size with its TOAST and indexes, each index's size (whatever indexes the migrations made), and lexemes per document. */
async function sizes() {
  const [r] = await db.$queryRaw<{ total: bigint; heap: bigint; pt: number | null; nt: number | null }[]>`
    SELECT pg_total_relation_size('search_documents') AS total,
           pg_relation_size('search_documents') AS heap,
           (SELECT avg(length("searchText"))::float8 FROM search_documents WHERE "indexName" = 'products') AS pt,
           (SELECT avg(length("searchText"))::float8 FROM search_documents WHERE "indexName" = 'needs') AS nt`;
  const indexes = await db.$queryRaw<{ name: string; bytes: bigint }[]>`
    SELECT c.relname AS name, pg_relation_size(c.oid) AS bytes
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'search_documents'::regclass ORDER BY c.relname`;
  return {
    total: Number(r!.total),
    heap: Number(r!.heap),
    indexes: indexes.map((i) => ({ name: i.name.replace(/^search_documents_/, ""), bytes: Number(i.bytes) })),
    productsTokens: r!.pt ?? 0,
    needsTokens: r!.nt ?? 0,
  };
}

type PlanNode = {
  "Node Type": string;
  "Index Name"?: string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
  "Actual Rows"?: number;
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
};

/** The plan's scans of search_documents, e.g. "Bitmap Index Scan on searchText_idx + Seq Scan". */
function scans(node: PlanNode, out: string[] = []): string[] {
  if (/Scan/.test(node["Node Type"]) && (node["Relation Name"] === "search_documents" || node["Index Name"])) {
    const name = node["Index Name"] ? ` on ${node["Index Name"].replace(/^search_documents_/, "")}` : "";
    out.push(`${node["Node Type"]}${name}`);
  }
  for (const child of node.Plans ?? []) scans(child, out);
  return out;
}

/** Runs one search with its statements captured, then EXPLAIN ANALYZEs each with the same parameters. */
async function explain(search: SearchIndex, index: IndexName, query: SearchQuery) {
  captured = [];
  await search.search(index, query);
  const statements = captured;
  captured = null;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = [];
    for (const s of statements) {
      const r = await client.query<{ "QUERY PLAN": unknown }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${s.text}`, s.values);
      const plan = (r.rows[0]!["QUERY PLAN"] as { Plan: PlanNode; "Planning Time": number; "Execution Time": number; JIT?: { Timing?: { Total?: number } } }[])[0]!;
      rows.push({
        label: s.label,
        node: [...new Set(scans(plan.Plan))].join(" + ") || plan.Plan["Node Type"],
        planMs: plan["Planning Time"],
        execMs: plan["Execution Time"],
        jitMs: plan.JIT?.Timing?.Total ?? 0,
        rows: plan.Plan["Actual Rows"] ?? 0,
        hit: plan.Plan["Shared Hit Blocks"] ?? 0,
        read: plan.Plan["Shared Read Blocks"] ?? 0,
      });
    }
    return rows;
  } finally {
    await client.end();
  }
}

// ─── Report ─────────────────────────────────────────────────────────────────

const indexSizes = () => report.sizes.indexes.map((i) => `${i.name} ${mib(i.bytes)} MiB`).join(", ");


const goalRun = () => report.runs.find((r) => r.index === "products" && r.mode === "open")!;

function goalLines(): string[] {
  const g = goalRun();
  const met = g.latency.p95 <= GOAL_P95_MS && g.errors === 0 && g.rejected === 0 && g.unfinished === 0 && RATE >= GOAL_RATE;
  const served = g.completed / (g.ms / 1000);
  const lines = [
    `- Product search, p95 ≤ ${GOAL_P95_MS} ms at ${GOAL_RATE} req/s: ${RATE} req/s offered, ${fmt(served)} req/s served, ` +
      `p95 ${ms1(g.latency.p95)} ms (p50 ${ms1(g.latency.p50)} ms, p99 ${ms1(g.latency.p99)} ms)` +
      `${g.rejected ? `, ${fmt(g.rejected)} of ${fmt((RATE * DURATION_MS) / 1000)} arrivals turned away with ${MAX_IN_FLIGHT} unanswered` : ""}` +
      `${g.unfinished ? `, ${fmt(g.unfinished)} unanswered ${DRAIN_MS / 1000} s after the last arrival` : ""} — ${met ? "**met**" : "**missed**"}.`,
  ];
  const profile = report.profile.find((p) => p.index === "products");
  if (profile && profile.queries > 0) {
    const perSearch = profile.ms / profile.queries;
    const statementMs = [...profile.statements.values()].reduce((sum, x) => sum + x.ms, 0) / profile.queries;
    const top = [...profile.statements.entries()].sort((x, y) => y[1].ms - x[1].ms)[0];
    lines.push(
      `- One product search at a time: ${ms1(perSearch)} ms, its statements ${ms1(statementMs)} ms from send to reply` +
        `${top ? ` (${top[0]}: ${Math.round((top[1].ms / profile.queries / statementMs) * 100)} %, ${(top[1].count / profile.queries).toFixed(1)} statements per search)` : ""}. ` +
        `The statements are CPU-bound (their pages are cached: see the buffers read below), so at that cost ${os.cpus().length} cores run at most about ` +
        `${fmt((os.cpus().length * 1000) / statementMs)} searches/s, however large the pool.`,
    );
  }
  const best = report.runs.filter((r) => r.index === "products" && r.mode === "closed").sort((a, b) => b.completed / b.ms - a.completed / a.ms)[0];
  if (best) {
    lines.push(
      `- Most product searches served: ${fmt(best.completed / (best.ms / 1000))} req/s with ${best.level} callers ` +
        `(machine CPU ${best.cpuBusy === null ? "?" : `${Math.round(best.cpuBusy * 100)} %`}, of which Node ${Math.round(best.nodeCpu * 100)} %).`,
    );
  }
  return lines;
}

function runTable(): string[] {
  return markdownTable(
    ["run", "searches", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "callers ÷ req/s, ms", "errors / not served", "machine CPU", "Node CPU", "connections (max / mean active)"],
    report.runs.map((r) => [
      r.name,
      fmt(r.completed),
      fmt(r.completed / (r.ms / 1000)),
      ms1(r.latency.p50),
      ms1(r.latency.p95),
      ms1(r.latency.p99),
      ms1(r.latency.max),
      r.mode === "closed" && r.completed > 0 ? ms1((r.level / (r.completed / (r.ms / 1000))) * 1000) : "",
      `${r.errors}${r.rejected ? `, ${fmt(r.rejected)} turned away` : ""}${r.unfinished ? `, ${fmt(r.unfinished)} unanswered` : ""}`,
      r.cpuBusy === null ? "?" : `${Math.round(r.cpuBusy * 100)} %`,
      `${Math.round(r.nodeCpu * 100)} %`,
      `${r.connections.max} / ${r.connections.activeMean.toFixed(1)}`,
    ]),
    ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
  );
}

function kindTable(): string[] {
  const rows: string[][] = [];
  for (const r of report.runs) {
    if (r.mode !== "open" && r.level !== CONCURRENCIES[0]) continue;
    for (const [kind, samples] of [...r.byKind.entries()].sort()) {
      const p = percentiles(samples);
      rows.push([r.name, kind, fmt(samples.length), ms1(p.p50), ms1(p.p95), ms1(p.p99)]);
    }
  }
  return markdownTable(["run", "kind of query", "searches", "p50 ms", "p95 ms", "p99 ms"], rows, ["l", "l", "r", "r", "r", "r"]);
}

function profileTable(): string[] {
  const rows: string[][] = [];
  for (const p of report.profile) {
    rows.push([`**${p.index}**, ${p.queries} searches one at a time`, "", `${ms1(p.ms / p.queries)} per search`, ""]);
    for (const [label, s] of [...p.statements.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
      rows.push([label, (s.count / p.queries).toFixed(1), ms1(s.ms / p.queries), `${Math.round((s.ms / p.ms) * 100)} %`]);
    }
  }
  return markdownTable(["statement", "per search", "ms per search", "share of the search"], rows, ["l", "r", "r", "r"]);
}

function explainTables(): string[] {
  const out: string[] = [];
  for (const e of report.explains) {
    out.push(`${e.title}:`, "");
    out.push(
      ...markdownTable(
        ["statement", "scans", "rows out", "buffers hit / read", "planning ms", "execution ms", "of which JIT ms"],
        e.rows.map((r) => [r.label, r.node, fmt(r.rows), `${fmt(r.hit)} / ${fmt(r.read)}`, r.planMs.toFixed(1), r.execMs.toFixed(1), r.jitMs.toFixed(1)]),
        ["l", "l", "r", "r", "r", "r", "r"],
      ),
      "",
    );
  }
  return out;
}

function printSummary() {
  console.log("\nSummary\n");
  for (const l of goalLines()) console.log(l);
  console.log("");
  for (const l of runTable()) console.log(l);
  console.log("");
  for (const l of kindTable()) console.log(l);
  console.log("");
  for (const l of profileTable()) console.log(l);
  console.log("");
  for (const l of explainTables()) console.log(l);
  console.log(`load average: ${loadAtStart.toFixed(2)} before the run (other work), ${report.loadAtEnd.toFixed(2)} at its end (its own busy connections count there)`);
}

function writeDoc() {
  const when = new Date().toISOString().slice(0, 16).replace("T", " ");
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  const s = report.settings;
  const indexing = report.indexing.length
    ? report.indexing.map((i) => `${i.index}: ${fmt(i.documents)} documents in ${sec(i.ms)} s (${fmt(i.documents / (i.ms / 1000))} documents/s)`).join("; ")
    : "not measured (a --reuse run)";
  const seeded = report.seedMs
    ? ` Seeding took ${sec(report.seedMs.other + report.seedMs.products + report.seedMs.needs)} s (products by createMany ${sec(report.seedMs.products)} s, needs by one INSERT per 10,000 ${sec(report.seedMs.needs)} s).`
    : "";
  const section = [
    SECTION,
    "",
    "The embedded `SearchIndex` (`SEARCH_BACKEND=postgres`, `app/domain/search/postgres-search.server.ts`) as the web",
    "server runs it: the process's index from `getSearchIndex()` on the app's Prisma client, filled by",
    "`rebuildSearchIndex` from listed products and open financing needs, and asked through `SearchIndex#search` in",
    "the same process (no HTTP in front). Written by `scripts/bench/search.ts`, which replaces this section on every run:",
    "",
    "```sh",
    `npm run bench:search   # = npx tsx scripts/bench/search.ts --products ${PRODUCTS} --needs ${NEEDS} --duration ${DURATION_MS / 1000} --rate ${RATE}; --keep leaves xyd_bench_search`,
    "```",
    "",
    `Last run ${when} UTC: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, ` +
      `PostgreSQL ${report.pgVersion} on the same machine (shared_buffers ${s.shared_buffers}, work_mem ${s.work_mem}, jit ${s.jit}, ` +
      `max_parallel_workers_per_gather ${s.max_parallel_workers_per_gather}), load average ${loadAtStart.toFixed(2)} before the run ` +
      `(other work on the machine, which takes CPU from Node and PostgreSQL alike: compare runs that started at a similar load) ` +
      `and ${report.loadAtEnd.toFixed(2)} at its end (the run's own busy connections count there). The app's pg pool holds at most ` +
      `**${report.poolMax} connections** (pg.Pool's default: \`app/db.server.ts\` gives \`PrismaPg\` only a connection string).`,
    "",
    `Data: ${report.counts.banks} banks, ${fmt(report.counts.enterprises)} enterprises, ${fmt(report.counts.products)} listed products ` +
      "(the demo seed's eight product lines and eight more, each bank's name, qualifiers, editions, extra sentences, tags, " +
      `amounts, rates and regions varied) and ${fmt(report.counts.needs)} open needs (purposes such as 采购原材料, 支付货款, ` +
      `扩大产能购置设备 with lead-ins and tails; amounts by enterprise size, terms, rates, guarantees, urgency). ` +
      `Indexing with \`rebuildSearchIndex\`: ${indexing}.${seeded} \`search_documents\` then takes ${mib(report.sizes.total)} MiB ` +
      `in all (table ${mib(report.sizes.heap)} MiB; indexes ${indexSizes()}); a product ` +
      `has ${report.sizes.productsTokens.toFixed(0)} lexemes on average, a need ${report.sizes.needsTokens.toFixed(0)}. ` +
      "`VACUUM ANALYZE search_documents` runs once after indexing, as autovacuum would.",
    "",
    `Load: every search asks for all five facets and a page of ${PAGE_SIZE}, as the supermarket and the needs hall do. ` +
      "Products mix browsing without text (35 %: filters on type, guarantee, scenario tag, region or bank, sorted by " +
      "relevance or lowest rate), keywords (45 %: 税易贷, 科创, 抵押, 知识产权, 政采贷, bank names, single characters …) and " +
      "keywords with amount and rate ranges (20 %); pages 1–3. Needs mix browsing (status OPEN plus region, industry, size, " +
      "guarantee or urgency; newest, largest or soonest-expiring first), purpose keywords and ranges on amount, rate and term. " +
      `Closed loop: N callers each send the next search when the last is answered; ${WARMUP_MS / 1000} s of warm-up, then ` +
      `${DURATION_MS / 1000} s in which every search answered counts (with its whole latency); those still under way at the end are ` +
      "abandoned and their statements cancelled, so the next run starts on an idle database. When the database cannot keep up, " +
      "latency grows until it equals callers ÷ throughput (Little's law); a window shorter than that shows less, so that " +
      `column is given too. Open loop: an arrival every ${(1000 / RATE).toFixed(1)} ms for ${DURATION_MS / 1000} s whatever the answers ` +
      `do, right after the closed-loop product runs (which warm it up), latency counted from the scheduled arrival (so waiting ` +
      `for one of the ${report.poolMax} pooled connections counts); an arrival finding ${MAX_IN_FLIGHT} searches unanswered is ` +
      `turned away, and searches unanswered ${DRAIN_MS / 1000} s after the last arrival are abandoned; both are counted. ` +
      "Machine CPU is the whole machine's (Node, PostgreSQL, and whatever else ran) from /proc/stat; Node CPU is this " +
      "process's share of both cores. The adapter reuses a result it computed at the same index version (per process, at most " +
      "500 entries; `search_index_versions` is bumped with every write), so a repeated search costs one primary-key read; " +
      "this mix is mostly distinct searches (the statements-per-search figure below shows how many missed).",
    "",
    "### Goal",
    "",
    ...goalLines(),
    "",
    "### Runs",
    "",
    ...runTable(),
    "",
    `By kind of query (the ${CONCURRENCIES[0]}-caller and open-loop runs):`,
    "",
    ...kindTable(),
    "",
    "### Where the time goes",
    "",
    "Each statement a search sends, timed from send to reply with one search at a time (statements a search sends side",
    "by side overlap, so their shares can add up to more than 100 %):",
    "",
    ...profileTable(),
    "",
    "`EXPLAIN (ANALYZE, BUFFERS)` of the statements of typical searches, with the parameters the adapter sent:",
    "",
    ...explainTables(),
  ].join("\n");

  writeBenchmarkSection(SECTION, section);
}

// Last, so every constant above is initialised before the run starts.
await main();
process.exit(0);

/**
 * `npm run bench:load -- [--enterprises 10000] [--duration 10] [--concurrency 1,4,16,64] [--targets search,api] [--keep]`
 *
 * HTTP load on the running platform as users and banks' systems reach it:
 * the production build served by server.mjs with its worker, on a demo city
 * seeded by prisma/seed (the same seed as `npm run demo`, scaled by
 * --enterprises). autocannon holds N keep-alive connections per run, each
 * sending its next request when the last is answered, for --duration seconds
 * per level, at every --concurrency level of every target:
 *
 *   search           products (public /products), supermarket (/app/supermarket as the demo SME): Chinese keywords with facets
 *   recommendations  need (/app/needs/:needId as the demo SME: its ranked products)
 *   inbox            need-inbox (/app/need-inbox as a loan officer), applications (/app/applications as the same officer)
 *   api              api-inbox (GET /api/v1/inbox), api-applications (GET /api/v1/applications), api-replay (PUT
 *                    /api/v1/products/… with one Idempotency-Key: the stored answer replayed), with a bank's API key
 *
 * Before measuring it checks that every target shows real data (products found,
 * ranked recommendations, needs in the inbox, applications) and fails if not;
 * while measuring, every answer's status and body are checked, and answers
 * that are not 2xx, that show no data, and connection errors are counted and
 * reported, never dropped.
 *
 * Works in its own database, xyd_bench_load on BENCH_DATABASE_URL's server,
 * and its own Redis prefix; server and worker listen on 127.0.0.1 only. Both
 * are stopped and the database dropped (unless --keep) at the end, on failure
 * and on Ctrl-C; the prefix is cleared at the start and the end of a run (an
 * interrupted run's keys go at the next start). Prints a table, rewrites the section
 * "## Load: HTTP throughput and latency" of docs/BENCHMARKS.md, then the summary
 * at its top (scripts/bench/summary.ts).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { QUEUES } from "../../app/jobs/definitions";
import { dropOnExit, fail, markdownTable, writeBenchmarkSection } from "../lib/bench-report";
import { createDatabase, dropDatabase, migrateDeploy, ROOT, withDatabase } from "../lib/db-admin";
import { writeBenchmarkSummary } from "./summary";

const DATABASE = "xyd_bench_load";
const SECTION = "## Load: HTTP throughput and latency";
const REDIS_PREFIX = "xyd-bench-load";
/** The demo seed's bank whose officer and admin act here: the demo SME's need is taken up by it. */
const BANK_SLUG = "icbc-pj";
/** Limits that keep a run from hanging: start-up work, one request, the pause between runs. */
const SERVER_READY_TIMEOUT_MS = 60_000;
const WORKER_IDLE_TIMEOUT_MS = 20 * 60_000;
const WORKER_IDLE_POLLS = 3;
const REQUEST_TIMEOUT_S = 30;
const SETTLE_MS = 1_000;
const WARM_UP_S = 2;
const CHILD_STOP_TIMEOUT_MS = 15_000;
const LOG_TAIL_LINES = 40;

const GROUPS = {
  search: ["products", "supermarket"],
  recommendations: ["need"],
  inbox: ["need-inbox", "applications"],
  api: ["api-inbox", "api-applications", "api-replay"],
} as const;
type Group = keyof typeof GROUPS;
type TargetName = (typeof GROUPS)[Group][number];
const TARGET_NAMES = Object.values(GROUPS).flat() as TargetName[];

// ─── Options ────────────────────────────────────────────────────────────────

const { values } = parseArgs({
  options: {
    enterprises: { type: "string", default: "10000" },
    duration: { type: "string", default: "10" },
    concurrency: { type: "string", default: "1,4,16,64" },
    targets: { type: "string", default: TARGET_NAMES.join(",") },
    keep: { type: "boolean", default: false },
  },
});

function integer(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    fail(`--${name} must be an integer from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")} (got ${raw})`);
  }
  return n;
}
// The demo seed needs a few hundred enterprises for the demo SME's need to be taken up and applications to exist.
const ENTERPRISES = integer("enterprises", values.enterprises!, 300, 200_000);
const DURATION_S = integer("duration", values.duration!, 1, 300);
const LEVELS = values.concurrency!.split(",").map((c) => integer("concurrency", c.trim(), 1, 256));
if (LEVELS.length > 8) fail("--concurrency: at most 8 levels");
if (LEVELS.some((c, i) => i > 0 && c <= LEVELS[i - 1]!)) fail("--concurrency: rising levels, each once (e.g. 1,4,16,64)");
const SELECTED = new Set<TargetName>();
for (const raw of values.targets!.split(",").map((t) => t.trim())) {
  if (raw in GROUPS) for (const t of GROUPS[raw as Group]) SELECTED.add(t);
  else if ((TARGET_NAMES as string[]).includes(raw)) SELECTED.add(raw as TargetName);
  else fail(`--targets: "${raw}" is neither a group (${Object.keys(GROUPS).join(", ")}) nor a target (${TARGET_NAMES.join(", ")})`);
}

// ─── Set-up ─────────────────────────────────────────────────────────────────

const url = withDatabase(process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres", DATABASE);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0";
const redisHost = new URL(REDIS_URL).hostname;
if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(redisHost)) fail(`REDIS_URL must be local (got ${redisHost}): this benchmark sends traffic to 127.0.0.1 only`);
// The app modules this script calls (API key creation) read these once, when first imported.
process.env.DATABASE_URL = url;
process.env.REDIS_URL = REDIS_URL;
process.env.REDIS_PREFIX = REDIS_PREFIX;

const children: { name: string; child: ChildProcess; tail: string[] }[] = [];
// Registered before dropOnExit's handlers, so the server and worker are told to stop before their database goes.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => children.forEach((c) => c.child.exitCode === null && c.child.kill("SIGTERM")));
// Whatever way this process ends, it leaves no server or worker behind.
process.on("exit", () => children.forEach((c) => c.child.exitCode === null && c.child.kill("SIGKILL")));
const cleanUp = dropOnExit(url, DATABASE, Boolean(values.keep));

const tsx = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => (n >= 100 ? fmt(n) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const sec = (n: number) => (n / 1000).toFixed(1);
/** autocannon's latency histogram records whole milliseconds: shown as such, without false decimals. */
const wholeMs = (n: number) => fmt(n);
const kibText = (bytes: number) => (bytes < 10 * 1024 ? (bytes / 1024).toFixed(1) : fmt(bytes / 1024));
const loadAtStart = os.loadavg()[0]!;
const commandLine = `npm run bench:load${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;

class BenchFailure extends Error {}
function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new BenchFailure(message);
}

/** Runs a child process to the end, its output shown with a prefix. */
async function runToEnd(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on("line", (line) => console.log(`  ${name} │ ${line}`));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  check(code === 0, `${name} failed (exit ${code})`);
}

/** Starts a long-running child; its last lines are kept to show if the run fails. */
function startChild(name: string, args: string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void = () => undefined): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const entry = { name, child, tail: [] as string[] };
  children.push(entry);
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on("line", (line) => {
      entry.tail.push(line);
      if (entry.tail.length > LOG_TAIL_LINES) entry.tail.shift();
      onLine(line);
    });
  }
  return child;
}

async function stopChildren(): Promise<void> {
  await Promise.all(
    children.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }),
  );
}

function childDied(): string | null {
  const dead = children.find((c) => c.child.exitCode !== null || c.child.signalCode !== null);
  return dead ? `${dead.name} stopped (exit ${dead.child.exitCode ?? dead.child.signalCode})` : null;
}

/** Queued jobs and rate-limit counters of an earlier run name rows of a dropped database: every run starts and ends clean. */
async function clearRedisPrefix(): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    for (let cursor = "0", rounds = 0; rounds < 100_000; rounds++) {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${REDIS_PREFIX}:*`, "COUNT", 1000);
      if (keys.length) deleted += await redis.del(...keys);
      cursor = next;
      if (cursor === "0") break;
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
      .once("error", reject)
      .listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
  });
}

const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));

/** CPU time of the whole machine (/proc/stat) and of one process (/proc/<pid>/stat), in clock ticks. */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3]! + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}
function processTicks(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return NaN;
  }
}
const TICKS_PER_S = 100;

// ─── HTTP helpers ───────────────────────────────────────────────────────────

const cookiePairs = (response: Response) => response.headers.getSetCookie().map((c) => c.split(";")[0]!);

/**
 * Signs in through the real form: the sign-in page issues the CSRF cookie and
 * token, the form post returns the session cookie. Valid credentials only, so
 * neither sign-in limiter counts anything (they count failures).
 */
async function signIn(base: string, username: string, password: string): Promise<string> {
  const page = await fetch(`${base}/sign-in`, { redirect: "manual" });
  check(page.status === 200, `GET /sign-in answered ${page.status}`);
  const csrfCookie = cookiePairs(page).find((c) => c.startsWith("xyd_csrf="));
  const token = /name="csrf" value="([A-Za-z0-9_-]{43})"/.exec(await page.text())?.[1];
  check(csrfCookie && token, "the sign-in page issued no CSRF cookie and token");
  const response = await fetch(`${base}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: csrfCookie },
    body: new URLSearchParams({ csrf: token, username, password, redirectTo: "" }),
  });
  const session = cookiePairs(response).filter((c) => !c.startsWith("xyd_csrf="));
  check(response.status === 302 && session.length > 0, `signing in as ${username} answered ${response.status} with no session cookie`);
  return [csrfCookie, ...session].join("; ");
}

type HttpRequest = { method: "GET" | "PUT"; path: string; headers: Record<string, string>; body?: string };
type Target = {
  name: TargetName;
  group: Group;
  what: string;
  requests: HttpRequest[];
  status: number;
  /** Every answer must contain this: the page's or list's data, not an empty state or an error page. */
  marker: string;
  /** What the pre-check counts in one answer (products found, recommendations, rows, items). */
  items: (body: string) => number;
  itemsName: string;
};

const occurrences = (body: string, marker: string) => body.split(marker).length - 1;
const jsonItems = (body: string) => {
  const parsed = JSON.parse(body) as { items?: unknown[]; total?: number };
  return Array.isArray(parsed.items) ? parsed.items.length : 0;
};

/**
 * No Accept-Encoding: every answer's body is checked for its data while measuring, which a compressed body
 * would hide. Browsers ask for gzip, so a browser's page costs the server its compression on top of this.
 */
const PAGE_HEADERS = { Accept: "text/html", "Accept-Language": "zh-CN,zh;q=0.9" };

/** Chinese keywords with facets, each with hits in the demo catalogue (checked before measuring). */
const PRODUCT_QUERIES: Record<string, string>[] = [
  { q: "税易贷", type: "CREDIT", guarantee: "CREDIT" },
  { q: "科创", tag: "TECH" },
  { q: "抵押", type: "MORTGAGE", sort: "rate" },
  { q: "知识产权", guarantee: "PLEDGE" },
  { q: "政采贷", amount: "100" },
  { q: "兴农", tag: "AGRI", sort: "amount" },
  { q: "信用", term: "12" },
  { q: "工商银行", sort: "rate" },
];
const searchPath = (path: string, query: Record<string, string>) => `${path}?${new URLSearchParams(query).toString()}`;

// ─── Measurement ────────────────────────────────────────────────────────────

type Run = {
  target: TargetName;
  connections: number;
  answered: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  wrongBody: number;
  statuses: string;
  machineCpu: number;
  webCpu: number;
  workerCpu: number;
  /** This process: autocannon sending the requests and reading (and checking) every answer. */
  loadCpu: number;
};

async function measure(base: string, target: Target, connections: number, durationS: number, pids: { web?: number; worker?: number }): Promise<Run> {
  let wrongBody = 0;
  const requests = target.requests.map((r) => ({
    ...r,
    onResponse: (status: number, body: string) => {
      if (status === target.status && !body.includes(target.marker)) wrongBody++;
    },
  }));
  const machine0 = machineTicks();
  const web0 = processTicks(pids.web);
  const worker0 = processTicks(pids.worker);
  const load0 = process.cpuUsage();
  const result = await autocannon({ url: base, connections, duration: durationS, timeout: REQUEST_TIMEOUT_S, requests, pipelining: 1 });
  const machine1 = machineTicks();
  const wall = result.duration;
  const answered = result["1xx"] + result["2xx"] + result["3xx"] + result["4xx"] + result["5xx"];
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => Number(code) !== target.status)
    .map(([code, s]) => `${code}×${s.count ?? 0}`)
    .join(" ");
  return {
    target: target.name,
    connections,
    answered,
    perSecond: answered / wall,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    // Answered with another 2xx than expected counts as wrong too: the replay must be its stored 201.
    non2xx: result.non2xx + (result["2xx"] - (result.statusCodeStats?.[`${target.status}`]?.count ?? 0)),
    errors: result.errors,
    timeouts: result.timeouts,
    wrongBody,
    statuses,
    machineCpu: (machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total),
    webCpu: (processTicks(pids.web) - web0) / TICKS_PER_S / wall,
    workerCpu: (processTicks(pids.worker) - worker0) / TICKS_PER_S / wall,
    loadCpu: (({ user, system }) => (user + system) / 1e6 / wall)(process.cpuUsage(load0)),
  };
}

// ─── The run ────────────────────────────────────────────────────────────────

type Report = {
  counts: Record<string, number>;
  pgVersion: string;
  createMs: number;
  seedMs: number;
  buildMs: number | null;
  workerStartMs: number;
  failedJobs: number;
  needItems: number;
  targets: Target[];
  preChecks: { target: TargetName; items: number; bytes: number }[];
  replayedHeader: string | null;
  runs: Run[];
  loadAtEnd: number;
  totalMs: number;
};

async function main(): Promise<Report> {
  const started = performance.now();
  console.log(
    `load benchmark: demo seed with ${fmt(ENTERPRISES)} enterprises; ${DURATION_S} s per level at ${LEVELS.join(", ")} connections; ` +
      `targets ${[...SELECTED].join(", ")}; ${os.cpus().length} cores, load average ${loadAtStart.toFixed(2)}`,
  );
  const cleared = await clearRedisPrefix();
  if (cleared) console.log(`  cleared ${fmt(cleared)} Redis keys under ${REDIS_PREFIX}: (an earlier run's)`);

  await dropDatabase(url); // left over from a --keep run
  let t0 = performance.now();
  await createDatabase(url);
  await migrateDeploy(url);
  const createMs = performance.now() - t0;
  console.log(`• create + migrate database: ${sec(createMs)} s`);

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: url,
    REDIS_URL,
    REDIS_PREFIX,
    NODE_ENV: "production",
    SESSION_SECRET: "bench-load-session-secret-not-for-production-use",
    // The embedded adapters, as the other benchmarks measure them.
    SEARCH_BACKEND: "postgres",
    LEDGER_BACKEND: "postgres",
  };

  // The seed asks the worker (through Redis, under this prefix) to post and re-match: the worker started below does it.
  t0 = performance.now();
  await runToEnd("seed", process.execPath, [tsx, "prisma/seed/main.ts", "--enterprises", String(ENTERPRISES)], childEnv);
  const seedMs = performance.now() - t0;
  console.log(`• seeded in ${sec(seedMs)} s`);

  let buildMs: number | null = null;
  if (!existsSync(join(ROOT, "build", "server", "index.js"))) {
    t0 = performance.now();
    const build = spawnSync(join(ROOT, "node_modules", ".bin", "react-router"), ["build"], { cwd: ROOT, env: childEnv, encoding: "utf8" });
    check(build.status === 0, `react-router build failed:\n${build.stdout}\n${build.stderr}`);
    buildMs = performance.now() - t0;
    console.log(`• built the app in ${sec(buildMs)} s`);
  }

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  t0 = performance.now();
  let workerStarted = false;
  // tsx as a loader rather than its CLI (which runs the script in a child of its own): the pid is the worker's, for its CPU time.
  const worker = startChild("worker", ["--import", "tsx", "workers/main.ts"], childEnv, (line) => {
    if (line.includes('"message":"started"')) workerStarted = true;
  });
  const web = startChild("web", ["server.mjs"], { ...childEnv, PORT: String(port), HOST: "127.0.0.1" });

  for (let waited = 0; ; waited += 250) {
    const dead = childDied();
    check(!dead, dead ?? "");
    if (await fetch(`${base}/`).then((r) => r.ok, () => false)) break;
    check(waited < SERVER_READY_TIMEOUT_MS, `the web server did not answer at ${base}/ within ${SERVER_READY_TIMEOUT_MS / 1000} s`);
    await sleep(250);
  }
  console.log(`• web server answering at ${base}`);

  // The worker's start-up work (search indexes, re-matching every stale need, the seed's jobs) is done when
  // it has started and no queue holds a waiting or active job several polls in a row.
  const queues = Object.values(QUEUES).map((name) => new Queue(name, { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix: REDIS_PREFIX }));
  let failedJobs = 0;
  try {
    for (let idlePolls = 0, waited = 0; idlePolls < WORKER_IDLE_POLLS; waited += 1000) {
      const dead = childDied();
      check(!dead, dead ?? "");
      check(waited < WORKER_IDLE_TIMEOUT_MS, `the worker did not finish its start-up work within ${WORKER_IDLE_TIMEOUT_MS / 60_000} minutes`);
      await sleep(1000);
      const counts = await Promise.all(queues.map((q) => q.getJobCounts("waiting", "active", "prioritized", "waiting-children", "failed")));
      const busy = counts.reduce((n, c) => n + (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) + (c["waiting-children"] ?? 0), 0);
      failedJobs = counts.reduce((n, c) => n + (c.failed ?? 0), 0);
      idlePolls = workerStarted && busy === 0 ? idlePolls + 1 : 0;
      if (waited % 15_000 === 0 && waited > 0) console.log(`  worker: ${busy} jobs waiting or active after ${waited / 1000} s`);
    }
  } finally {
    await Promise.all(queues.map(async (q) => q.close()));
  }
  const workerStartMs = performance.now() - t0;
  console.log(`• worker idle after ${sec(workerStartMs)} s${failedJobs ? ` (${failedJobs} failed jobs: see the worker's log)` : ""}`);

  // ── Who acts, and on what ─────────────────────────────────────────────────
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  let counts: Record<string, number>;
  let pgVersion: string;
  let needId: string;
  let needItems: number;
  let adminId: string;
  try {
    pgVersion = (await db.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
    const count = async (sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);
    counts = {
      enterprises: await count("SELECT count(*) AS n FROM enterprises"),
      "listed products": await count("SELECT count(*) AS n FROM products WHERE status = 'LISTED'"),
      "open needs": await count("SELECT count(*) AS n FROM financing_needs WHERE status = 'OPEN'"),
      "ranked needs": await count("SELECT count(*) AS n FROM need_rankings"),
      "match rows": await count("SELECT count(*) AS n FROM matches"),
      applications: await count("SELECT count(*) AS n FROM applications"),
      loans: await count("SELECT count(*) AS n FROM loans"),
      "search documents": await count("SELECT count(*) AS n FROM search_documents"),
    };
    const need = await db.query<{ id: string; matched: string }>(
      `SELECT n.id, (SELECT count(*) FROM matches m WHERE m."needId" = n.id) AS matched
         FROM financing_needs n
         JOIN memberships ms ON ms."enterpriseId" = n."enterpriseId"
         JOIN users u ON u.id = ms."userId"
        WHERE u.username = 'sme' AND n.status = 'OPEN'
        ORDER BY matched DESC LIMIT 1`,
    );
    check(need.rows[0], "the demo SME has no open need");
    needId = need.rows[0].id;
    needItems = Number(need.rows[0].matched);
    check(needItems > 0, `the demo SME's open need ${needId} has no ranked products: the worker's re-match did not run`);
    const admin = await db.query<{ id: string }>("SELECT id FROM users WHERE username = $1", [`${BANK_SLUG}.admin`]);
    check(admin.rows[0], `no user ${BANK_SLUG}.admin in the seed`);
    adminId = admin.rows[0].id;
  } finally {
    await db.end();
  }
  console.log(`• data: ${Object.entries(counts).map(([k, n]) => `${k} ${fmt(n)}`).join(", ")}`);

  const { DEMO_PASSWORD } = await import("../../prisma/seed/seed");
  const smeCookie = await signIn(base, "sme", DEMO_PASSWORD);
  const officerCookie = await signIn(base, `${BANK_SLUG}.officer`, DEMO_PASSWORD);
  // A key the bank's administrator creates, as on the API keys page; it acts with the administrator's machine permissions.
  const { loadActor } = await import("../../app/domain/access/actor.server");
  const { createApiKey } = await import("../../app/domain/auth/api-keys.server");
  const actor = await loadActor(adminId, "bench-load");
  check(actor, `${BANK_SLUG}.admin could not be loaded as an actor`);
  const apiKey = await createApiKey({ actor, name: "负载测试 load benchmark", ip: "127.0.0.1" });
  await globalThis.__xydPrisma?.$disconnect();
  console.log(`• signed in as sme and ${BANK_SLUG}.officer; API key ${apiKey.prefix} for ${BANK_SLUG}.admin (${apiKey.permissions.join(", ")})`);

  const api = (extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${apiKey.token}`, Accept: "application/json", "Accept-Language": "zh-CN", ...extra });
  const replayRef = "LOAD-REPLAY-1";
  const replayBody = JSON.stringify({
    nameZh: "压测税易贷",
    type: "CREDIT",
    minAmountFen: 10_000_000,
    maxAmountFen: 300_000_000,
    minTermMonths: 3,
    maxTermMonths: 12,
    minRateBps: 350,
    maxRateBps: 450,
    repaymentMethods: ["EQUAL_INSTALMENT"],
    guaranteeTypes: ["CREDIT"],
    eligibleSizes: ["MICRO", "SMALL"],
    responseDeadlineWorkingDays: 5,
  });
  const replayKey = `load-benchmark-${apiKey.prefix}`;

  const allTargets: Target[] = [
    {
      name: "products",
      group: "search",
      what: `GET /products?q=… (public, ${PRODUCT_QUERIES.length} Chinese keywords with facets in turn)`,
      requests: PRODUCT_QUERIES.map((q) => ({ method: "GET", path: searchPath("/products", q), headers: PAGE_HEADERS })),
      status: 200,
      marker: 'data-testid="product-hit"',
      items: (b) => occurrences(b, 'data-testid="product-hit"'),
      itemsName: "products found",
    },
    {
      name: "supermarket",
      group: "search",
      what: "GET /app/supermarket?q=… as the demo SME (the same queries)",
      requests: PRODUCT_QUERIES.map((q) => ({ method: "GET", path: searchPath("/app/supermarket", q), headers: { ...PAGE_HEADERS, Cookie: smeCookie } })),
      status: 200,
      marker: 'data-testid="product-hit"',
      items: (b) => occurrences(b, 'data-testid="product-hit"'),
      itemsName: "products found",
    },
    {
      name: "need",
      group: "recommendations",
      what: "GET /app/needs/:needId as the demo SME (its open need with ranked products)",
      requests: [{ method: "GET", path: `/app/needs/${needId}`, headers: { ...PAGE_HEADERS, Cookie: smeCookie } }],
      status: 200,
      marker: 'data-testid="recommendation"',
      items: (b) => occurrences(b, 'data-testid="recommendation"'),
      itemsName: "recommendations shown",
    },
    {
      name: "need-inbox",
      group: "inbox",
      what: `GET /app/need-inbox as ${BANK_SLUG}.officer (first page, best match first)`,
      requests: [{ method: "GET", path: "/app/need-inbox", headers: { ...PAGE_HEADERS, Cookie: officerCookie } }],
      status: 200,
      marker: "data-row-key=",
      items: (b) => (b.includes('data-testid="inbox-empty"') ? 0 : occurrences(b, "data-row-key=")),
      itemsName: "needs listed",
    },
    {
      name: "applications",
      group: "inbox",
      what: `GET /app/applications as ${BANK_SLUG}.officer (all, newest first)`,
      requests: [{ method: "GET", path: "/app/applications", headers: { ...PAGE_HEADERS, Cookie: officerCookie } }],
      status: 200,
      marker: 'data-testid="application-link"',
      items: (b) => occurrences(b, 'data-testid="application-link"'),
      itemsName: "applications listed",
    },
    {
      name: "api-inbox",
      group: "api",
      what: "GET /api/v1/inbox?pageSize=20 with the bank's API key",
      requests: [{ method: "GET", path: "/api/v1/inbox?page=1&pageSize=20&sort=score", headers: api() }],
      status: 200,
      marker: '"items":[{',
      items: jsonItems,
      itemsName: "items",
    },
    {
      name: "api-applications",
      group: "api",
      what: "GET /api/v1/applications?view=all&pageSize=20 with the bank's API key",
      requests: [{ method: "GET", path: "/api/v1/applications?view=all&page=1&pageSize=20", headers: api() }],
      status: 200,
      marker: '"items":[{',
      items: jsonItems,
      itemsName: "items",
    },
    {
      name: "api-replay",
      group: "api",
      what: `PUT /api/v1/products/${replayRef} with one Idempotency-Key: after the first, every answer is the stored 201, replayed`,
      requests: [
        { method: "PUT", path: `/api/v1/products/${replayRef}`, headers: api({ "Content-Type": "application/json", "Idempotency-Key": replayKey }), body: replayBody },
      ],
      status: 201,
      marker: `"externalRef":"${replayRef}"`,
      items: (b) => (b.includes(`"externalRef":"${replayRef}"`) ? 1 : 0),
      itemsName: "product answered",
    },
  ];
  const targets = allTargets.filter((t) => SELECTED.has(t.name));

  // ── The pages show real data, or there is nothing worth measuring ─────────
  const preChecks: Report["preChecks"] = [];
  let replayedHeader: string | null = null;
  for (const target of targets) {
    let least = Infinity;
    let bytes = 0;
    const problems: string[] = [];
    for (const request of target.requests) {
      const response = await fetch(`${base}${request.path}`, { method: request.method, headers: request.headers, body: request.body, redirect: "manual" });
      const body = await response.text();
      const items = response.status === target.status ? target.items(body) : 0;
      if (response.status !== target.status) problems.push(`${request.method} ${decodeURI(request.path)} answered ${response.status}, not ${target.status}: ${body.slice(0, 300)}`);
      else if (items === 0 || !body.includes(target.marker)) problems.push(`${request.method} ${decodeURI(request.path)} shows no ${target.itemsName}`);
      least = Math.min(least, items);
      bytes = Math.max(bytes, body.length);
    }
    check(problems.length === 0, `${target.name}:\n  ${problems.join("\n  ")}`);
    if (target.name === "api-replay") {
      const again = await fetch(`${base}${target.requests[0]!.path}`, { method: "PUT", headers: target.requests[0]!.headers, body: replayBody });
      replayedHeader = again.headers.get("Idempotent-Replayed");
      check(again.status === 201 && replayedHeader === "true", `api-replay: the second PUT with the same Idempotency-Key answered ${again.status}, Idempotent-Replayed: ${replayedHeader}`);
      await again.text();
    }
    preChecks.push({ target: target.name, items: least, bytes });
    console.log(`  check ${target.name}: ${target.status}, at least ${least} ${target.itemsName} per answer (${kibText(bytes)} KiB uncompressed at most)`);
  }
  if (SELECTED.has("need")) {
    const need = preChecks.find((p) => p.target === "need")!;
    check(need.items <= needItems, `the need page shows ${need.items} recommendations but the database ranks ${needItems}`);
  }

  // ── Load ──────────────────────────────────────────────────────────────────
  const runs: Run[] = [];
  const pids = { web: web.pid, worker: worker.pid };
  console.log(`\n${"target".padEnd(17)} ${"conn".padStart(4)} ${"req/s".padStart(8)} ${"p50".padStart(7)} ${"p90".padStart(7)} ${"p99".padStart(7)} ${"max".padStart(7)}  non-2xx errors wrong-body  web CPU`);
  for (const target of targets) {
    await measure(base, target, LEVELS[0]!, Math.min(WARM_UP_S, DURATION_S), pids); // warm-up, not recorded
    for (const connections of LEVELS) {
      await sleep(SETTLE_MS);
      const dead = childDied();
      check(!dead, dead ?? "");
      const run = await measure(base, target, connections, DURATION_S, pids);
      runs.push(run);
      console.log(
        `${target.name.padEnd(17)} ${String(connections).padStart(4)} ${run.perSecond.toFixed(1).padStart(8)} ${wholeMs(run.p50).padStart(7)} ${wholeMs(run.p90).padStart(7)} ${wholeMs(run.p99).padStart(7)} ${wholeMs(run.max).padStart(7)}  ` +
          `${String(run.non2xx).padStart(7)} ${String(run.errors).padStart(6)} ${String(run.wrongBody).padStart(10)}  ${(run.webCpu * 100).toFixed(0).padStart(5)} %${run.statuses ? `  (${run.statuses})` : ""}`,
      );
    }
  }

  if (SELECTED.has("api-replay")) {
    // The replays must not have run the command again: one product under the reference, whatever the number of requests.
    const db2 = new pg.Client({ connectionString: url });
    await db2.connect();
    try {
      const n = Number((await db2.query<{ n: string }>(`SELECT count(*) AS n FROM products WHERE "externalRef" = $1`, [replayRef])).rows[0]!.n);
      check(n === 1, `api-replay: ${n} products under ${replayRef} after the replays; expected exactly 1`);
    } finally {
      await db2.end();
    }
  }

  return {
    counts,
    pgVersion,
    createMs,
    seedMs,
    buildMs,
    workerStartMs,
    failedJobs,
    needItems,
    targets,
    preChecks,
    replayedHeader,
    runs,
    loadAtEnd: os.loadavg()[0]!,
    totalMs: performance.now() - started,
  };
}

// ─── The section ────────────────────────────────────────────────────────────

function headline(report: Report): string {
  const peaks = (Object.keys(GROUPS) as Group[]).flatMap((group) => {
    const runs = report.runs.filter((r) => report.targets.find((t) => t.name === r.target)?.group === group);
    return runs.length === 0 ? [] : [{ group, best: runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a)) }];
  });
  const bad = report.runs.reduce((n, r) => n + r.non2xx + r.errors + r.wrongBody, 0);
  return (
    `peak req/s ${peaks.map(({ group, best }) => `${group} ${fmt(best.perSecond)}`).join(", ")} ` +
    `(p99 there ${peaks.map(({ best }) => wholeMs(best.p99)).join(", ")} ms); ` +
    (bad === 0 ? "every answer 2xx with data" : `with errors: ${fmt(bad)} answers non-2xx, failed or without data`)
  );
}

function writeDoc(report: Report): void {
  const when = new Date().toISOString().slice(0, 16).replace("T", " ");
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  const totalBad = report.runs.reduce((n, r) => n + r.non2xx + r.errors + r.wrongBody, 0);
  const rows = report.runs.map((r) => [
    r.target,
    String(r.connections),
    fmt(r.answered),
    r.perSecond.toFixed(1),
    wholeMs(r.p50),
    wholeMs(r.p90),
    wholeMs(r.p99),
    wholeMs(r.max),
    `${fmt(r.non2xx)}${r.statuses ? ` (${r.statuses})` : ""}`,
    `${fmt(r.errors)}${r.timeouts ? ` (${fmt(r.timeouts)} timeouts)` : ""}`,
    fmt(r.wrongBody),
    `${(r.machineCpu * 100).toFixed(0)} %`,
    `${(r.webCpu * 100).toFixed(0)} %`,
    `${(r.workerCpu * 100).toFixed(0)} %`,
    `${(r.loadCpu * 100).toFixed(0)} %`,
  ]);
  const targetRows = report.targets.map((t) => {
    const pre = report.preChecks.find((p) => p.target === t.name)!;
    return [t.name, t.group, t.what, `${pre.items} ${t.itemsName}, ${kibText(pre.bytes)} KiB`];
  });
  const section = [
    SECTION,
    "",
    "The platform over HTTP as users and banks' systems reach it: the production build served by `server.mjs` (one Node",
    "process, Express in front of React Router, pages rendered on the server) with its worker, on the demo city that",
    "`prisma/seed` makes (`npm run demo`'s, scaled up), with the embedded search and ledger adapters. autocannon",
    "(in the benchmark's own process, on the same machine) holds N keep-alive connections, each sending its next request",
    "when the last is answered, for a fixed time per level; latency runs from sending to the last byte. Written by",
    "`scripts/bench/load.ts`, which replaces this section on every run:",
    "",
    "```sh",
    "npm run bench:load   # = npx tsx scripts/bench/load.ts --enterprises 10000 --duration 10 --concurrency 1,4,16,64; --targets search,need,api-inbox …; --keep leaves xyd_bench_load",
    "```",
    "",
    `Last run ${when} UTC (\`${commandLine}\`): ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, ` +
      `PostgreSQL ${report.pgVersion} on the same machine; load average ${loadAtStart.toFixed(2)} at start and ${report.loadAtEnd.toFixed(2)} at end ` +
      "(other work on the machine takes CPU from the server, PostgreSQL and autocannon alike: compare runs that started at a similar load). " +
      `${DURATION_S} s per level after ${Math.min(WARM_UP_S, DURATION_S)} s of unrecorded warm-up per target and ${SETTLE_MS / 1000} s of pause between levels; ` +
      `the whole run took ${sec(report.totalMs)} s.`,
    "",
    `Data: the demo seed with ${fmt(ENTERPRISES)} enterprises: ${Object.entries(report.counts).map(([k, n]) => `${k} ${fmt(n)}`).join(", ")}. ` +
      `Creating and migrating the database took ${sec(report.createMs)} s, seeding ${sec(report.seedMs)} s` +
      `${report.buildMs === null ? "" : `, building the app ${sec(report.buildMs)} s`}; the worker was idle (search indexes built, every stale need re-ranked, ` +
      `the seed's jobs done${report.failedJobs ? `; ${report.failedJobs} jobs failed` : ""}) ${sec(report.workerStartMs)} s after it started, before any measurement.`,
    "",
    "Targets, each checked once before measuring (status, and the data it must show; a target without data fails the run):",
    "",
    ...markdownTable(["target", "group", "request", "checked before measuring"], targetRows, ["l", "l", "l", "l"]),
    "",
    "Sessions come from the real sign-in form (the CSRF cookie and token from `/sign-in`, then the form post); the API key",
    `is created for ${BANK_SLUG}.admin by \`createApiKey\`, as the API keys page does. Every credential is valid, so neither the`,
    "sign-in limiter nor the API-key failure limiter (both count failures only) comes into play: no limit is raised",
    "(`SIGN_IN_MAX_FAILURES`, `SIGN_IN_WINDOW_SECONDS` at their defaults). The replayed PUT is checked afterwards to have",
    `created exactly one product${report.replayedHeader ? " (the replays answer `Idempotent-Replayed: true`)" : ""}. The product searches reuse`,
    "the adapter's per-process result cache after their first round (the index does not change during the run): what",
    "they measure beyond that is the page, not the search statement (see the search section for that). Pages are asked",
    "for without `Accept-Encoding`, so that every answer's body can be checked for its data: a browser asks for gzip,",
    "which costs `server.mjs` the compression of the sizes above on top of what is measured here.",
    "",
    "### Results",
    "",
    "Non-2xx counts any status other than the target's (200; 201 for the replay); errors are connection errors and",
    `timeouts (${REQUEST_TIMEOUT_S} s); wrong body counts answers with the right status whose body lacks the target's data. Latency is in`,
    "whole milliseconds (autocannon's histogram). Machine CPU is both cores (autocannon, PostgreSQL and whatever else ran",
    "included); web, worker and autocannon CPU are those processes' CPU time over the wall time (100 % = one core; Node's",
    "GC and I/O threads can take it past 100 %).",
    "",
    ...markdownTable(
      ["target", "connections", "answered", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "non-2xx", "errors", "wrong body", "machine CPU", "web CPU", "worker CPU", "autocannon CPU"],
      rows,
      ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
    ),
    "",
    "Closed loop: once the server is saturated, more connections only queue, and latency grows towards connections ÷",
    "req/s (Little's law); a level's window shorter than that shows less than the steady state.",
    "",
    `Headline: ${headline(report)}`,
    "",
    totalBad === 0
      ? "Every answer of every run had the expected status and showed its data."
      : `**This run had errors**: ${fmt(totalBad)} answers were non-2xx, failed or showed no data (see the columns above); its figures are not a clean measurement.`,
    "",
  ].join("\n");
  writeBenchmarkSection(SECTION, section);
}

let exitCode = 0;
try {
  const report = await main();
  writeDoc(report);
  writeBenchmarkSummary();
  console.log(`\nHeadline: ${headline(report)}`);
  if (report.runs.some((r) => r.non2xx + r.errors + r.wrongBody > 0)) {
    console.error("Some runs had non-2xx answers, errors or answers without data: see the table.");
    exitCode = 1;
  }
} catch (error) {
  exitCode = 1;
  console.error(`\nload benchmark failed: ${error instanceof BenchFailure ? error.message : (error as Error).stack}`);
  for (const { name, tail } of children) if (tail.length) console.error(`\nlast lines of ${name}:\n${tail.join("\n")}`);
} finally {
  await stopChildren();
  await clearRedisPrefix().catch((e: Error) => console.error(`clearing Redis keys under ${REDIS_PREFIX}: failed (${e.message})`));
  await cleanUp();
  if (values.keep) console.log(`kept database ${DATABASE}: ${url}`);
}
process.exit(exitCode);

/**
 * Synthetic detail records for 融资监测 (financing monitoring): banks and their
 * listed products, a finance office running a risk-compensation fund,
 * enterprises, financing needs with their rankings and match history,
 * applications through every status of the state machine, the loans of the
 * disbursed ones, and fund claims with recoveries — as the app itself would
 * have left them at the end of `endMonth` (China time).
 *
 * Set-based and deterministic: every row comes from INSERT … SELECT over
 * generate_series, its randomness from hashint8extended(row number, seed ×
 * 1000 + stream) and its ids from md5(seed:kind:row) shaped as v4 uuids, so the
 * same options give the same rows, ids included, in any database. Codes,
 * usernames and keys carry the prefix MB<seed>-, so a run never collides with
 * other rows; running the same seed twice in one database is refused.
 *
 * The state as of the end of `endMonth`: nothing happened after it (every
 * event time, createdAt, updatedAt, decidedAt, … is before it); only
 * deadlines and due dates (respondBy, offerExpiresAt, expiresOn, maturityOn,
 * decideBy, the fund's validTo) may lie beyond it.
 *
 * As the matching worker leaves them, an ended need (fulfilled, closed,
 * expired) keeps a ranking with eligibleCount 0 and no matches rows; what it
 * was matched to while open is in need_match_history (filled when the table
 * exists), as are the open needs' current matches.
 *
 * Not written (the rollups do not read them): instalments, repayments,
 * ledger accounts and transfers (the ids in disbursementTransferId,
 * reservationTransferId, … are unique decimal strings naming no ledger row,
 * so the fund's ledger balances read as nothing contributed or paid), fund
 * contributions, application events, authorisations (authorisationId is
 * null), credit evaluations, audit records and notifications. Working days
 * skip weekends only (no calendar_days holidays). Products are open to every
 * region, industry and size, so any enterprise may apply to any product.
 *
 * Works on one connection, or on two when given a pool (every big step is
 * split between them), and ANALYZEs each table as soon as it is filled.
 * Options that cannot be satisfied are refused before anything is written;
 * otherwise it is not one transaction: a failure leaves what was written.
 */
import { performance } from "node:perf_hooks";
import pg from "pg";
import { DECLINE_REASONS } from "../../app/domain/applications/lifecycle";
import { ACTIVE_MATCHING_PARAMS, ACTIVE_MATCHING_VERSION } from "../../app/domain/matching/models";
import { INDUSTRIES } from "../../app/domain/reference/industries";
import { PREFECTURE, REGIONS } from "../../app/domain/reference/regions";

export type MonitoringDataOptions = {
  seed: number;
  banks: number;
  productsPerBank: number;
  enterprises: number;
  needs: number;
  applications: number;
  loans: number;
  claims: number;
  /** Spread over this many calendar months (China time, Asia/Shanghai). */
  months: number;
  /** "YYYY-MM", the last month; nothing is dated after the end of it. */
  endMonth: string;
  /** Called after each step (for a benchmark's progress lines). */
  onStep?: (step: string, rows: number, seconds: number) => void;
};

export type MonitoringDataResult = { counts: Record<string, number>; seconds: number };

type Db = pg.Pool | pg.ClientBase;

const DAY = 86_400;
const WEEK = 7 * DAY;
/** China is UTC+8 all year. */
const CHINA = 8 * 3_600;
/** The app's OFFER_VALID_DAYS default (app/config/env.server.ts; not imported: it parses the environment). */
const OFFER_VALID_DAYS = 15;
const CLAIM_DECISION_WORKING_DAYS = 20;
const MAX_ENTERPRISES = 1_000_000;

// ─── Options ────────────────────────────────────────────────────────────────

function validate(o: MonitoringDataOptions): void {
  const problems: string[] = [];
  const int = (name: keyof MonitoringDataOptions, min: number, max: number) => {
    const v = o[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
      problems.push(`${name} must be an integer from ${min} to ${max.toLocaleString("en-US")} (got ${String(v)})`);
  };
  int("seed", 0, 2_000_000_000);
  int("banks", 1, 500);
  int("productsPerBank", 1, 100);
  int("enterprises", 1, MAX_ENTERPRISES);
  int("needs", 0, 20_000_000);
  int("applications", 0, 50_000_000);
  int("loans", 0, 50_000_000);
  int("claims", 0, 1_000_000);
  // Three months at least: the longest application (answered late, then approved, accepted, disbursed) takes up to 75 days.
  int("months", 3, 120);
  if (!/^(20\d\d)-(0[1-9]|1[0-2])$/.test(o.endMonth)) problems.push(`endMonth must be "YYYY-MM" between 2000 and 2099 (got ${JSON.stringify(o.endMonth)})`);
  if (problems.length === 0) {
    const pairs = o.enterprises * o.banks * o.productsPerBank;
    if (o.applications > pairs) {
      problems.push(
        `applications (${o.applications.toLocaleString("en-US")}) exceed enterprises × products (${pairs.toLocaleString("en-US")}): ` +
          "each application is a distinct (enterprise, product) pair, so at most one is live per pair (applications_one_live_per_product)",
      );
    }
    if (o.loans > o.applications) problems.push(`loans (${o.loans}) exceed applications (${o.applications}): a loan is a disbursed application`);
    if (o.claims > o.loans) problems.push(`claims (${o.claims}) exceed loans (${o.loans}): each claim is on a distinct defaulted loan`);
  }
  if (problems.length > 0) throw new RangeError(`generateMonitoringData: ${problems.join("; ")}`);
}

/** Everything derived from the options that the SQL needs as constants. */
function planOf(o: MonitoringDataOptions) {
  const [endYear, endMon] = o.endMonth.split("-").map(Number) as [number, number];
  // Month starts in China, as UTC epoch seconds: month b of the period starts at starts[b]; starts[months] is the end.
  const starts: number[] = [];
  for (let b = 0; b <= o.months; b++) starts.push(Date.UTC(endYear, endMon - o.months + b, 1) / 1000 - CHINA);
  const start = starts[0]!;
  const end = starts[o.months]!;
  const dayNo = (sec: number) => Math.floor((sec + CHINA) / DAY);
  // The China Monday on or before the start: application times are drawn as (weekday, time of day) plus whole weeks.
  const startDay = dayNo(start);
  const monday = startDay - ((startDay + 3) % 7);
  const products = o.banks * o.productsPerBank;
  let stride = Math.max(1, Math.round(products * 0.618));
  while (gcd(stride, products) !== 1) stride++;
  return {
    start,
    end,
    starts,
    asOfDay: dayNo(end - 1),
    startDay,
    t0: monday * DAY - CHINA,
    spanDays: (end - start) / DAY,
    products,
    stride,
    prefix: `MB${o.seed}-`,
  };
}
type Plan = ReturnType<typeof planOf>;

type Range = [from: number, to: number];

/** [0, total) in `pieces` consecutive ranges (none empty). */
function ranges(total: number, pieces: number): Range[] {
  const size = Math.ceil(total / pieces);
  const out: Range[] = [];
  for (let from = 0; from < total; from += size) out.push([from, Math.min(total, from + size)]);
  return out;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

// ─── SQL building blocks ────────────────────────────────────────────────────

/** Random streams: one number each, so two draws never share a stream. */
const S = {
  bank: 1,
  product: 10,
  enterprise: 30,
  need: 60,
  needClaim: 90,
  match: 100,
  status: 200,
  app: 210,
  loan: 300,
  claim: 400,
  recovery: 450,
} as const;

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const arr = (values: readonly (string | number)[], cast = "") => `(ARRAY[${values.map((v) => (typeof v === "number" ? String(v) : q(v))).join(",")}]${cast})`;
const fixed = (n: number) => (Number.isInteger(n) ? `${n}` : n.toFixed(9));

class Sql {
  constructor(
    readonly o: MonitoringDataOptions,
    readonly p: Plan,
  ) {}

  /** A uniform draw in [0, 1) for row `expr` from stream `stream` (53 bits of the row's hash). */
  u(expr: string, stream: number): string {
    return `((hashint8extended((${expr})::int8, ${this.o.seed * 1000 + stream}::int8) & 9007199254740991)::float8 / 9007199254740992.0)`;
  }

  /** A v4-shaped uuid from md5(seed:kind:row): the same run gives the same ids. */
  uuid(kind: string, expr: string): string {
    return `(overlay(overlay(md5('${this.o.seed}:${kind}:' || (${expr})::text) placing '4' from 13) placing '8' from 17))::uuid`;
  }

  /** One of `values` by weight, the draw evaluated once. */
  pick(draw: string, entries: readonly (readonly [string | number, number])[], cast = ""): string {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    const cuts: string[] = [];
    let acc = 0;
    for (const [, w] of entries.slice(0, -1)) {
      acc += w;
      cuts.push(fixed(acc / total));
    }
    const values = arr(
      entries.map(([v]) => v),
      cast ? `::${cast}[]` : "",
    );
    return cuts.length === 0 ? `${values}[1]` : `${values}[width_bucket(${draw}, ARRAY[${cuts.join(",")}]::float8[]) + 1]`;
  }

  /** An instant (epoch seconds) as timestamp(3), truncated to the millisecond so that it never rounds up past a boundary. */
  ts(sec: string): string {
    return `(TIMESTAMP '1970-01-01' + floor((${sec})::float8 * 1000) * INTERVAL '1 millisecond')`;
  }

  /** Epoch seconds of a timestamp column. */
  epoch(col: string): string {
    return `extract(epoch FROM ${col})::float8`;
  }

  /** The China calendar day of an instant, as days since 1970-01-01. */
  dayNo(sec: string): string {
    return `floor(((${sec})::float8 + ${CHINA}) / ${DAY})::int8`;
  }

  date(dayNo: string): string {
    return `(DATE '1970-01-01' + (${dayNo})::int)`;
  }

  /** The instant a China day starts (00:00 +08:00). */
  dayStart(dayNo: string): string {
    return `((${dayNo})::float8 * ${DAY} - ${CHINA})`;
  }

  /** The n-th working day strictly after `day` (Monday–Friday), as addWorkingDays does without holidays. */
  addWorkingDays(day: string, n: string): string {
    const iso = `((((${day}) + 3) % 7) + 1)`;
    return `((${day}) - greatest(0, ${iso} - 5) + ((${n}) / 5) * 7 + ((${n}) % 5) + CASE WHEN least(${iso}, 5) + ((${n}) % 5) > 5 THEN 2 ELSE 0 END)`;
  }

  /** Skews a uniform draw towards the end of the period: density rising linearly to twice its start (the platform grows). */
  grow(x: string): string {
    return `(sqrt(1 + 3 * (${x})) - 1)`;
  }

  /** Month starts (epoch seconds), 1-based like every SQL array. */
  get starts(): string {
    return `(ARRAY[${this.p.starts.join(",")}]::float8[])`;
  }

  /**
   * A time close to a China month boundary (month b's first instant): up to 8 hours either side, so
   * 16:00–24:00 UTC of a month's last day (already the next month in China) and 08:00–16:00 UTC of the same
   * day (still this month); 15 % exactly on the boundary, 7 % a millisecond before it.
   */
  nearBoundary(row: string, stream: number): string {
    const b = `floor(${this.u(row, stream)} * ${this.o.months})::int`;
    const v = this.u(row, stream + 1);
    return (
      `(${this.starts}[${b} + 1] + CASE WHEN ${v} < 0.15 THEN 0 WHEN ${v} < 0.22 AND ${b} > 0 THEN -0.001 ` +
      `WHEN ${b} = 0 THEN ${v} * 28800 ELSE (${v} - 0.5) * 57600 END)`
    );
  }

  /** A decimal ledger-style id, unique per seed, kind and row. */
  transferId(kind: number, row: string): string {
    return `('9${String(this.o.seed).padStart(10, "0")}${kind}' || lpad((${row})::text, 10, '0'))`;
  }

  /** The products of this run, with their index `p` and what applications and matches need. */
  get productCte(): string {
    return this.productCteFrom("products");
  }

  /** The same from another source of product rows (the products' generating SELECT, before they are written). */
  productCteFrom(source: string): string {
    const prefix = `${this.p.prefix}P`;
    return `prod AS (
      SELECT substr(code, ${prefix.length + 1})::int AS p, id, "institutionId" AS bank, type = 'CREDIT' AS credit, "fundId" IS NOT NULL AS fund,
             "minAmountFen" AS amin, "maxAmountFen" AS amax, "minTermMonths" AS tmin, "maxTermMonths" AS tmax,
             "minRateBps" AS rmin, "maxRateBps" AS rmax, "repaymentMethods" AS methods, "responseDeadlineWorkingDays" AS wd
        FROM ${source} WHERE starts_with(code, ${q(prefix)}))`;
  }

  // ── Needs: pure functions of the need's row number n, so applications can find them without reading the table ──

  /** Enterprise e (= n mod E) posts needs n = e, e + E, e + 2E, …: stratified over the period, in order. */
  needCreatedAt(n: string): string {
    const { enterprises: E, needs: N } = this.o;
    const x = `(((${n}) / ${E})::float8 + ${this.u(n, S.need)}) / ((${N} - 1 - (${n}) % ${E}) / ${E} + 1)`;
    return `CASE WHEN ${this.u(n, S.need + 1)} < 0.04 THEN ${this.nearBoundary(n, S.need + 2)} ELSE ${this.p.start} + ${this.p.end - this.p.start} * ${this.grow(x)} END`;
  }

  /** Valid through this China day: 30–180 days after the day it was posted (need.expiryTooFar is 180). */
  needExpiresDay(n: string, created: string): string {
    return `(${this.dayNo(created)} + ${this.pick(this.u(n, S.need + 4), [
      [30, 20],
      [60, 25],
      [90, 30],
      [120, 10],
      [180, 15],
    ])} - floor(${this.u(n, S.need + 5)} * 10)::int)`;
  }

  /** The SME closes one in ten before its expiry (or the period's end). */
  needClosedBySme(n: string): string {
    return `(${this.u(n, S.need + 6)} < 0.10)`;
  }

  needCloseTime(n: string, created: string, expiresDay: string): string {
    return `((${created}) + (least(${this.dayStart(`(${expiresDay}) + 1`)}, ${this.p.end}) - (${created})) * (0.05 + 0.9 * ${this.u(n, S.need + 7)}))`;
  }

  needAmountFen(n: string): string {
    // ¥5万–¥800万, most under ¥100万, in whole 万.
    return `(round(exp(ln(5000000) + power(${this.u(n, S.need + 8)}, 1.8) * ln(160)) / 1000000) * 1000000)::int8`;
  }

  needTermMonths(n: string): string {
    return `${this.pick(this.u(n, S.need + 9), [
      [3, 8],
      [6, 20],
      [12, 40],
      [24, 20],
      [36, 12],
    ])}`;
  }

  /** Products a need was matched to: 0 for one in ten, else 1–6 distinct products (stepping through them by a stride coprime with their count). */
  matchCount(n: string): string {
    return `CASE WHEN ${this.u(n, S.match)} < 0.10 THEN 0 ELSE 1 + floor(power(${this.u(n, S.match + 1)}, 1.4) * ${Math.min(6, this.p.products)})::int END`;
  }

  matchProduct(n: string, j: string): string {
    return `((floor(${this.u(n, S.match + 2)} * ${this.p.products})::int8 + (${j}) * ${this.p.stride}) % ${this.p.products})`;
  }
}

// ─── Connections ────────────────────────────────────────────────────────────

const SESSION_SETTINGS: Record<string, string> = {
  // Sorts and window functions over millions of rows stay in memory.
  work_mem: "256MB",
  // The big statements are compiled once and run for minutes: JIT pays.
  jit: "on",
};

type Lanes = { lanes: pg.ClientBase[]; release: () => Promise<void> };

async function openLanes(db: Db, want: number): Promise<Lanes> {
  const clients: pg.ClientBase[] = [];
  const pooled: pg.PoolClient[] = [];
  // Another copy of pg (a different module instance) makes instanceof fail: a pool also counts its idle clients.
  if (db instanceof pg.Pool || "idleCount" in db) {
    for (let k = 0; k < want; k++) {
      const c = await (db as pg.Pool).connect();
      pooled.push(c);
      clients.push(c);
    }
  } else {
    clients.push(db);
  }
  const saved: Record<string, string>[] = [];
  for (const c of clients) {
    const before: Record<string, string> = {};
    for (const [name, value] of Object.entries(SESSION_SETTINGS)) {
      before[name] = (await c.query<{ v: string }>("SELECT current_setting($1) AS v", [name])).rows[0]!.v;
      await c.query("SELECT set_config($1, $2, false)", [name, value]);
    }
    saved.push(before);
  }
  return {
    lanes: clients,
    release: async () => {
      for (let k = 0; k < clients.length; k++) {
        try {
          for (const [name, value] of Object.entries(saved[k]!)) await clients[k]!.query("SELECT set_config($1, $2, false)", [name, value]);
        } catch {
          // A connection broken by a failed statement is released all the same.
        }
      }
      for (const c of pooled) c.release();
    },
  };
}

// ─── The generator ──────────────────────────────────────────────────────────

export async function generateMonitoringData(client: Db, options: MonitoringDataOptions): Promise<MonitoringDataResult> {
  validate(options);
  const started = performance.now();
  const o = options;
  const p = planOf(o);
  const sql = new Sql(o, p);
  const counts: Record<string, number> = {};
  const { lanes, release } = await openLanes(client, 2);
  const main = lanes[0]!;

  const step = async (name: string, work: () => Promise<number>) => {
    const t = performance.now();
    const rows = await work();
    o.onStep?.(name, rows, (performance.now() - t) / 1000);
    return rows;
  };
  const run = async (text: string): Promise<number> => (await main.query(text)).rowCount ?? 0;
  // Statements on both connections at once, the next one to whichever is free: the big steps are CPU-bound in PostgreSQL.
  const results = async (statements: string[]): Promise<pg.QueryResult[]> => {
    const out: pg.QueryResult[] = [];
    let next = 0;
    await Promise.all(
      lanes.map(async (lane) => {
        while (next < statements.length) {
          const k = next++;
          out[k] = await lane.query(statements[k]!);
        }
      }),
    );
    return out;
  };
  const parallel = async (statements: string[]): Promise<number> => (await results(statements)).reduce((sum, r) => sum + (r.rowCount ?? 0), 0);
  // Each table is analysed as soon as it is filled: later steps read it, and without statistics (autovacuum may be off,
  // or not yet round) the planner takes a fresh table for empty — one plan rescanned a million applications per product.
  const analyze = (...tables: string[]) =>
    step(`ANALYZE ${tables.join(", ")}`, async () => {
      await main.query(`ANALYZE ${tables.map((t) => `"${t}"`).join(", ")}`);
      return 0;
    });
  const pieces = lanes.length * 2;
  const split = (total: number) => ranges(total, pieces);
  const parts = Array.from({ length: pieces }, (_, k) => k);

  try {
    const used = await main.query("SELECT 1 FROM institutions WHERE code = $1", [`${p.prefix}FO`]);
    if (used.rowCount)
      throw new Error(`generateMonitoringData: seed ${o.seed} was already generated in this database (institution ${p.prefix}FO exists); use another seed`);
    const hasHistory = (await main.query("SELECT to_regclass('need_match_history') IS NOT NULL AS ok")).rows[0]?.ok === true;
    const hasFinanceRole = ((await main.query("SELECT 1 FROM roles WHERE key = 'finance_office'")).rowCount ?? 0) > 0;

    const disbursed = await disbursedCondition(sql, main);
    if (o.claims > 0) {
      // Refused before anything is written: the claims need that many defaulted loans enrolled in the fund.
      const defaultable = await step("check: loans that can default in the fund", () => defaultableLoans(sql, main, disbursed));
      if (defaultable < o.claims) {
        throw new RangeError(
          `generateMonitoringData: only ${defaultable} loans would be enrolled in the fund and old enough (${DEFAULT_MIN_AGE} days) to have defaulted, ` +
            `fewer than the ${o.claims} claims asked for; ask for fewer claims, or more loans or months`,
        );
      }
    }
    counts.users = await step("users", () => run(insertUser(sql)));
    counts.institutions = await step("institutions", () => run(insertInstitutions(sql)));
    counts.memberships = hasFinanceRole ? await step("memberships", () => run(insertMembership(sql))) : 0;
    counts.funds = await step("funds", () => run(insertFund(sql)));
    counts.products = await step("products", () => run(insertProducts(sql)));
    counts.fund_rule_versions = await step("fund_rule_versions", () => run(insertFundRule(sql)));
    await analyze("users", "institutions", "memberships", "funds", "products", "fund_rule_versions");
    counts.enterprises = await step("enterprises", () => parallel(split(o.enterprises).map((r) => insertEnterprises(sql, r))));
    await analyze("enterprises");
    await step("financing_needs, need_claims", async () => {
      // By enterprise (its needs and its applications for them together); only the first `needs` enterprises have any.
      const done = await results(split(Math.min(o.enterprises, o.needs)).map((r) => insertNeeds(sql, r, disbursed)));
      const sum = (key: string) => done.reduce((total, r) => total + Number((r.rows[0] as Record<string, number>)[key]), 0);
      counts.financing_needs = sum("needs");
      counts.need_claims = sum("taken");
      return counts.financing_needs + counts.need_claims;
    });
    await analyze("financing_needs", "need_claims");
    counts.applications = await step("applications", () =>
      parallel(ranges(o.applications, lanes.length * 4).map(([from, to]) => applicationsSql(sql, from, to, disbursed))),
    );
    await analyze("applications");
    counts.loans = await step("loans", async () => {
      if (o.loans === 0) return 0;
      const defaulted = await forcedDefaults(sql, main);
      // By enterprise, so that each one's loans (its first among them) are in one statement.
      return parallel(parts.map((k) => insertLoans(sql, k, pieces, defaulted)));
    });
    await analyze("loans");
    counts.need_rankings = await step("need_rankings", () => parallel(split(o.needs).map((r) => insertRankings(sql, r))));
    counts.matches = await step("matches", () => parallel(split(o.needs).map((r) => insertMatches(sql, r))));
    counts.need_match_history = hasHistory ? await step("need_match_history", () => parallel(split(o.needs).map((r) => insertMatchHistory(sql, r)))) : 0;
    counts.claims = await step("claims", () => run(insertClaims(sql)));
    counts.recoveries = await step("recoveries", () => run(insertRecoveries(sql)));
    await step("fund caps and budget", () => run(fitFund(sql)));
    await analyze("need_rankings", "matches", ...(hasHistory ? ["need_match_history"] : []), "claims", "recoveries", "funds", "fund_rule_versions");
  } finally {
    await release();
  }
  return { counts, seconds: (performance.now() - started) / 1000 };
}

/** A loan must be this many days old to have defaulted: first instalment a month after disbursement, then 90 days past due. */
const DEFAULT_MIN_AGE = 125;

// ─── Reference data ─────────────────────────────────────────────────────────

const BANKS: readonly (readonly [string, string, string])[] = [
  ["ICBC", "中国工商银行盘锦分行", "ICBC Panjin Branch"],
  ["ABC", "中国农业银行盘锦分行", "ABC Panjin Branch"],
  ["BOC", "中国银行盘锦分行", "Bank of China Panjin Branch"],
  ["CCB", "中国建设银行盘锦分行", "CCB Panjin Branch"],
  ["BOCOM", "交通银行盘锦分行", "Bank of Communications Panjin Branch"],
  ["PSBC", "中国邮政储蓄银行盘锦市分行", "Postal Savings Bank Panjin Branch"],
  ["CMB", "招商银行盘锦分行", "China Merchants Bank Panjin Branch"],
  ["CITIC", "中信银行盘锦分行", "China CITIC Bank Panjin Branch"],
  ["CEB", "中国光大银行盘锦分行", "China Everbright Bank Panjin Branch"],
  ["CIB", "兴业银行盘锦分行", "Industrial Bank Panjin Branch"],
  ["SJB", "盛京银行盘锦分行", "Shengjing Bank Panjin Branch"],
  ["BOJZ", "锦州银行盘锦分行", "Bank of Jinzhou Panjin Branch"],
  ["PJB", "盘锦银行", "Bank of Panjin"],
  ["DLB", "大连银行盘锦分行", "Bank of Dalian Panjin Branch"],
  ["PJRCB", "盘锦农村商业银行", "Panjin Rural Commercial Bank"],
  ["LNRCB", "辽宁农村商业银行盘锦分行", "Liaoning Rural Commercial Bank Panjin Branch"],
  ["SPDB", "浦发银行盘锦分行", "SPD Bank Panjin Branch"],
  ["CMBC", "中国民生银行盘锦分行", "China Minsheng Bank Panjin Branch"],
  ["HXB", "华夏银行盘锦分行", "Hua Xia Bank Panjin Branch"],
  ["PAB", "平安银行盘锦分行", "Ping An Bank Panjin Branch"],
  ["CGB", "广发银行盘锦分行", "China Guangfa Bank Panjin Branch"],
  ["CBHB", "渤海银行盘锦分行", "China Bohai Bank Panjin Branch"],
  ["YKB", "营口银行盘锦分行", "Bank of Yingkou Panjin Branch"],
  ["DHVB", "大洼恒丰村镇银行", "Dawa Hengfeng Village Bank"],
  ["PSVB", "盘山安泰村镇银行", "Panshan Antai Village Bank"],
];

const DISTRICTS = REGIONS.filter((r) => r.code !== PREFECTURE.code);
/** Enterprises by region: the urban districts first; a few registered at the prefecture level. */
const REGION_WEIGHTS: Record<string, number> = { "211100": 4, "211103": 36, "211102": 22, "211104": 20, "211122": 18 };
const INDUSTRY_WEIGHTS: Record<string, number> = {
  A01: 6,
  A04: 3,
  B07: 3,
  C13: 5,
  C14: 3,
  C17: 2,
  C25: 2,
  C26: 3,
  C29: 2,
  C33: 3,
  C34: 3,
  C35: 2,
  C38: 2,
  C39: 1.5,
  D44: 1,
  E47: 4,
  E48: 3,
  F51: 9,
  F52: 10,
  G54: 4,
  G59: 2,
  H61: 2,
  H62: 6,
  I65: 3,
  L72: 5,
  M75: 2,
  N77: 1,
  O80: 4,
};
const TRADE_WORDS: Record<string, string> = {
  A: "农业",
  B: "石油技术服务",
  C: "制造",
  D: "能源",
  E: "建设工程",
  F: "商贸",
  G: "物流",
  H: "餐饮",
  I: "信息技术",
  L: "商务服务",
  M: "科技",
  N: "环保",
  O: "家政服务",
};
const BRAND = [
  "鑫源",
  "恒达",
  "辽河",
  "盛华",
  "金穗",
  "渤海",
  "宏远",
  "兴隆",
  "稻香",
  "蟹乡",
  "双盛",
  "中兴",
  "汇通",
  "嘉禾",
  "瑞丰",
  "红海滩",
  "苇海",
  "润泽",
  "北方",
  "富民",
];
const SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红玲芬飞鹏辉建国志梅婷宇浩凯晨欣雪琳鑫波斌宁丹阳亮东海峰";
const ROADS = ["兴隆", "石油", "渤海", "辽河", "中兴", "双兴", "惠宾", "泰山", "市府", "新工"];
const PRODUCT_LINES: Record<string, readonly (readonly [string, string])[]> = {
  CREDIT: [
    ["税易贷", "Tax Credit Loan"],
    ["政采贷", "Procurement Loan"],
    ["科创贷", "Tech Innovation Loan"],
    ["首贷通", "First Loan"],
    ["信用快贷", "Quick Credit"],
    ["普惠e贷", "Inclusive e-Loan"],
  ],
  MORTGAGE: [
    ["房产抵押经营贷", "Property-backed Business Loan"],
    ["厂房抵押贷", "Factory Mortgage Loan"],
    ["设备按揭贷", "Equipment Mortgage"],
  ],
  PLEDGE: [
    ["知识产权质押贷", "IP Pledge Loan"],
    ["仓单质押贷", "Warehouse Receipt Loan"],
    ["应收账款质押贷", "Receivables Pledge Loan"],
  ],
  GUARANTEE: [
    ["担保增信贷", "Guaranteed Loan"],
    ["创业担保贷", "Start-up Guaranteed Loan"],
    ["稻蟹兴农贷", "Rice-Crab Farming Loan"],
  ],
};
const NEED_PURPOSES = [
  "采购原材料，扩大生产规模",
  "支付供应商货款，补充流动资金",
  "购置生产设备，更新生产线",
  "稻蟹种养季节性资金周转",
  "承接政府采购项目的履约资金",
  "厂房装修及仓储设施改造",
  "新开门店的装修和备货",
  "研发投入及技术人员薪酬",
  "冷链物流车辆购置",
  "偿还到期贷款，接续周转",
  "支付工程项目人工及材料款",
  "出口订单备货资金",
];
const CLOSE_REASONS = ["已通过其他渠道获得融资", "资金需求取消", "项目延期", "利率不合适", "重新发布需求"];
const RECOVERY_ACTIONS = [
  "已向借款企业及担保人发送催收函，正在协商还款计划",
  "已向盘锦市中级人民法院提起诉讼，财产保全已裁定",
  "已申请强制执行，查封抵押设备待拍卖",
  "借款企业已停产，正在清查可执行财产",
];
const REJECT_REASONS = ["贷款未按规定用途使用，不符合补偿条件", "损失未经诉讼或催收程序确认", "贷前尽职调查材料不全"];

// ─── Statements ─────────────────────────────────────────────────────────────

function userId(sql: Sql) {
  return sql.uuid("user", "0");
}

function insertUser(sql: Sql): string {
  const { p } = sql;
  const at = sql.ts(`${p.start - 400 * DAY}`);
  // A service account: disabled and no usable password, it only signs the records (products.createdById, claims.filedById, …).
  return `INSERT INTO users (id, username, "displayName", "passwordHash", locale, status, "createdAt", "updatedAt")
    VALUES (${userId(sql)}, ${q(`${p.prefix.toLowerCase()}operator`)}, '监测数据生成', '!', 'zh-CN', 'DISABLED', ${at}, ${at})`;
}

function bankId(sql: Sql, b: string) {
  return sql.uuid("bank", b);
}
function officeId(sql: Sql) {
  return sql.uuid("office", "0");
}
function fundId(sql: Sql) {
  return sql.uuid("fund", "0");
}
function ruleId(sql: Sql) {
  return sql.uuid("rule", "0");
}

function insertInstitutions(sql: Sql): string {
  const { o, p } = sql;
  const at = sql.ts(`${p.start - 500 * DAY}`);
  const codes = arr(BANKS.map(([c]) => c));
  const zh = arr(BANKS.map(([, n]) => n));
  const en = arr(BANKS.map(([, , n]) => n));
  const k = `(b % ${BANKS.length}) + 1`;
  const round = `(b / ${BANKS.length})`;
  return `INSERT INTO institutions (id, kind, code, "nameZh", "nameEn", "regionCode", status, "createdAt", "updatedAt")
    SELECT ${bankId(sql, "b")}, 'BANK'::"InstitutionKind", ${q(p.prefix)} || ${codes}[${k}] || CASE WHEN ${round} > 0 THEN '-' || (${round} + 1) ELSE '' END,
           ${zh}[${k}] || CASE WHEN ${round} > 0 THEN '第' || (${round} + 1) || '营业部' ELSE '' END,
           ${en}[${k}] || CASE WHEN ${round} > 0 THEN ' Office ' || (${round} + 1) ELSE '' END,
           ${sql.pick(sql.u("b", S.bank), [[PREFECTURE.code, 70], ...DISTRICTS.map((d) => [d.code, 7.5] as const)])},
           'ACTIVE'::"InstitutionStatus", ${at}, ${at}
      FROM generate_series(0, ${o.banks - 1}) AS g(b)
    UNION ALL
    SELECT ${officeId(sql)}, 'FINANCE_OFFICE', ${q(`${p.prefix}FO`)}, '盘锦市财政局', 'Panjin Municipal Finance Bureau', ${q(PREFECTURE.code)}, 'ACTIVE', ${at}, ${at}`;
}

function insertMembership(sql: Sql): string {
  return `INSERT INTO memberships (id, "userId", "roleKey", "institutionId", "createdAt")
    VALUES (${sql.uuid("membership", "0")}, ${userId(sql)}, 'finance_office', ${officeId(sql)}, ${sql.ts(`${sql.p.start - 400 * DAY}`)})`;
}

function insertFund(sql: Sql): string {
  const { p } = sql;
  // In force from a month before the period to years after it: every loan of an enrolled product is covered.
  const from = p.startDay - 30;
  const years = Math.ceil(sql.o.months / 12) + 2;
  return `INSERT INTO funds (id, "nameZh", "nameEn", "managedByInstitutionId", "validFrom", "validTo", "budgetFen", "createKey", status, "createdAt")
    VALUES (${fundId(sql)}, '盘锦市中小微企业贷款风险补偿资金池', 'Panjin SME Loan Risk Compensation Fund', ${officeId(sql)},
            ${sql.date(`${from}`)}, (${sql.date(`${from}`)} + INTERVAL '${years} years' - INTERVAL '1 day')::date, 5000000000, ${q(`${p.prefix}fund`)}, 'ACTIVE',
            ${sql.ts(`${sql.dayStart(`${from - 10}`)} + 36000`)})`;
}

function insertFundRule(sql: Sql): string {
  const { p } = sql;
  return `INSERT INTO fund_rule_versions (id, "fundId", version, "compensationRatioBps", "capPerLoanFen", "capPerBankYearFen", "eligibleProductIds", "effectiveFrom", "createdById", "createdAt")
    SELECT ${ruleId(sql)}, ${fundId(sql)}, 1, 4000, 200000000, 1000000000,
           array_agg(id::text ORDER BY code), ${sql.ts(`${sql.dayStart(`${p.startDay - 30}`)}`)}, ${userId(sql)}, ${sql.ts(`${sql.dayStart(`${p.startDay - 31}`)} + 36000`)}
      FROM products WHERE starts_with(code, ${q(`${p.prefix}P`)}) AND "fundId" = ${fundId(sql)}`;
}

const PRODUCT_COLUMNS = `id, "institutionId", code, "externalRef", "nameZh", "nameEn", type, "scenarioTags", description, "minAmountFen", "maxAmountFen",
  "minTermMonths", "maxTermMonths", "minRateBps", "maxRateBps", "repaymentMethods", "guaranteeTypes", "eligibleRegionCodes", "eligibleIndustryCodes",
  "eligibleSizes", "minYearsInOperation", "fundId", "redListRateDiscountBps", "redListLimitUpliftBps", "requiredMaterials", "responseDeadlineWorkingDays",
  status, version, "createdById", "createdAt", "submittedAt", "listedAt", "updatedAt"`;

function insertProducts(sql: Sql): string {
  return `INSERT INTO products (${PRODUCT_COLUMNS}) ${productRows(sql)}`;
}

/** The products as rows of a table with the products' columns, before they are written. */
function productSource(sql: Sql): string {
  return `(${productRows(sql)}) AS products(${PRODUCT_COLUMNS})`;
}

function productRows(sql: Sql): string {
  const { o, p } = sql;
  const u = (k: number) => sql.u("g.p", S.product + k);
  // Types by index, so that even a dozen products are 40 % CREDIT; every third product is enrolled in the fund.
  const type = `(ARRAY['CREDIT','MORTGAGE','PLEDGE','CREDIT','GUARANTEE'])[(g.p % 5) + 1]`;
  const lines = (t: keyof typeof PRODUCT_LINES, lang: 0 | 1) => arr(PRODUCT_LINES[t]!.map((l) => l[lang]));
  const line = (lang: 0 | 1) =>
    `CASE t.type ${(Object.keys(PRODUCT_LINES) as (keyof typeof PRODUCT_LINES)[])
      .map((k) => `WHEN '${k}' THEN ${lines(k, lang)}[1 + ((g.p / 5) % ${PRODUCT_LINES[k]!.length})]`)
      .join(" ")} END`;
  const bankShort = arr(BANKS.map(([, n]) => n.replace(/(盘锦市?分行|盘锦分行|辽宁省分行)$/, "")));
  const created = `${p.start} - ${DAY} * (60 + 300 * ${u(1)})`;
  return `SELECT ${sql.uuid("product", "g.p")}, ${bankId(sql, `g.p / ${o.productsPerBank}`)}, ${q(`${p.prefix}P`)} || g.p, 'P' || lpad((g.p % ${o.productsPerBank})::text, 3, '0'),
           ${bankShort}[(g.p / ${o.productsPerBank}) % ${BANKS.length} + 1] || ${line(0)}, ${line(1)}, t.type::"ProductType",
           ${sql.pick(u(2), [
             ["{}", 30],
             ["{TAX}", 15],
             ["{FIRST_LOAN}", 15],
             ["{GOV_PROCUREMENT}", 10],
             ["{AGRI,SUPPLY_CHAIN}", 15],
             ["{TECH,GREEN}", 15],
           ])}::text[],
           ${line(0)} || '：面向盘锦市中小微企业，线上申请，审批通过后最快三个工作日放款。',
           a.amin, a.amax, tm.tmin, tm.tmax, r.rmin, r.rmax,
           ${sql.pick(u(7), [
             ["{EQUAL_INSTALMENT}", 25],
             ["{EQUAL_INSTALMENT,EQUAL_PRINCIPAL}", 25],
             ["{INTEREST_ONLY_BULLET,EQUAL_INSTALMENT}", 25],
             ["{INTEREST_ONLY_BULLET}", 10],
             ["{EQUAL_PRINCIPAL,EQUAL_INSTALMENT,INTEREST_ONLY_BULLET}", 15],
           ])}::"RepaymentMethod"[],
           (CASE t.type WHEN 'CREDIT' THEN '{CREDIT}' WHEN 'MORTGAGE' THEN '{MORTGAGE}' WHEN 'PLEDGE' THEN '{PLEDGE}' ELSE
             ${sql.pick(u(8), [
               ["{GUARANTEE_COMPANY}", 60],
               ["{GUARANTOR,GUARANTEE_COMPANY}", 40],
             ])} END)::"GuaranteeType"[],
           '{}', '{}', '{MICRO,SMALL,MEDIUM,LARGE}', 0,
           CASE WHEN g.p % 3 = 1 OR ${p.products} = 1 THEN ${fundId(sql)} END,
           ${sql.pick(u(9), [
             [0, 50],
             [10, 20],
             [20, 20],
             [25, 10],
           ])}, ${sql.pick(u(10), [
             [0, 60],
             [1000, 30],
             [2000, 10],
           ])},
           ${sql.pick(u(11), [
             ["{营业执照,法定代表人身份证,近一年财务报表}", 40],
             ["{营业执照,近两年纳税申报表,近六个月银行流水}", 35],
             ["{营业执照,法定代表人身份证,购销合同,不动产权证书}", 25],
           ])}::text[],
           3 + floor(${u(12)} * 8)::int, 'LISTED', 1 + floor(${u(13)} * 3)::int, ${userId(sql)},
           ${sql.ts(created)}, ${sql.ts(`${created} + ${DAY} * (1 + 4 * ${u(14)})`)}, ${sql.ts(`${created} + ${DAY} * (6 + 4 * ${u(14)})`)}, ${sql.ts(`${created} + ${DAY} * (6 + 4 * ${u(14)})`)}
      FROM generate_series(0, ${p.products - 1}) AS g(p)
      CROSS JOIN LATERAL (SELECT ${type} AS type OFFSET 0) t
      CROSS JOIN LATERAL (SELECT ${sql.pick(u(3), [
        [10000000, 35],
        [20000000, 30],
        [30000000, 15],
        [50000000, 20],
      ])}::int8 AS amin,
             (CASE t.type WHEN 'MORTGAGE' THEN 300 + floor(${u(4)} * 71) * 10 WHEN 'CREDIT' THEN 100 + floor(${u(4)} * 41) * 10 ELSE 100 + floor(${u(4)} * 71) * 10 END)::int8 * 1000000 AS amax
             OFFSET 0) a
      CROSS JOIN LATERAL (SELECT ${sql.pick(u(5), [
        [3, 35],
        [6, 40],
        [12, 25],
      ])} AS tmin,
             CASE t.type WHEN 'MORTGAGE' THEN ${sql.pick(u(6), [
               [36, 50],
               [60, 50],
             ])} ELSE ${sql.pick(u(6), [
               [12, 35],
               [24, 30],
               [36, 35],
             ])} END AS tmax OFFSET 0) tm
      CROSS JOIN LATERAL (SELECT 300 + 5 * floor(${u(15)} * 61)::int AS rmin OFFSET 0) r0
      CROSS JOIN LATERAL (SELECT r0.rmin, least(900, r0.rmin + 5 * (20 + floor(${u(16)} * 41)::int)) AS rmax OFFSET 0) r`;
}

function insertEnterprises(sql: Sql, [from, to]: Range): string {
  const { o, p } = sql;
  const u = (k: number) => sql.u("g.e", S.enterprise + k);
  const regions = REGIONS.map((r) => [r.code, REGION_WEIGHTS[r.code] ?? 1] as const);
  const industryIndex = sql.pick(
    u(2),
    INDUSTRIES.map((ind, k) => [k + 1, INDUSTRY_WEIGHTS[ind.code] ?? 1] as const),
  );
  const industryCodes = arr(INDUSTRIES.map((i) => i.code));
  const trades = arr(INDUSTRIES.map((i) => TRADE_WORDS[i.code[0]!] ?? "实业"));
  const regionNames = `CASE x.region ${REGIONS.map((r) => `WHEN '${r.code}' THEN ${q(r.code === PREFECTURE.code ? "盘锦市" : r.nameZh)}`).join(" ")} END`;
  const regionShort = `CASE x.region ${REGIONS.map((r) => `WHEN '${r.code}' THEN ${q(r.code === PREFECTURE.code ? "盘锦" : r.nameZh.replace(/[区县]$/, ""))}`).join(" ")} END`;
  const brand = arr(BRAND);
  const surnames = arr([...SURNAMES]);
  const given = arr([...GIVEN]);
  const roads = arr(ROADS);
  const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  // USCC: 9 (market regulation) 1 (enterprise), the region, a 9-character organisation code and the check character (GB 32100).
  // The organisation code is "MB" + six base-31 digits of (seed mod 887) × 1,000,000 + row — unique for the seed, and never the
  // demo seed's "MA…" — then its GB 11714 check character.
  const key = `((${o.seed % 887})::int8 * ${MAX_ENTERPRISES} + g.e)`;
  const digit = (k: number) => `((${key} / ${31 ** (5 - k)}) % 31)::int`;
  const orgValue = (k: number) => `(ARRAY[${[...alphabet].map((c) => (/\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55)).join(",")}])[${digit(k)} + 1]`;
  // GB 11714 weights over M, B and the six digits; 'M' = 22, 'B' = 11.
  const orgSum = `(22 * 3 + 11 * 7 + ${[9, 10, 5, 8, 4, 2].map((w, k) => `${orgValue(k)} * ${w}`).join(" + ")})`;
  const orgCheck = `(ARRAY['0','1','2','3','4','5','6','7','8','9','X','0'])[(11 - ${orgSum} % 11) + 1]`;
  const orgCheckIndex = `(CASE ${orgCheck} WHEN 'X' THEN 29 ELSE ${orgCheck}::int END)`;
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  // Positions 0–1 "91", 2–7 the region (digits), 8–9 "MB" (21, 11 in the USCC alphabet), 10–15 the digits, 16 the check.
  const regionSum = `(${[0, 1, 2, 3, 4, 5].map((k) => `substr(x.region, ${k + 1}, 1)::int * ${w[k + 2]}`).join(" + ")})`;
  const usccSum = `(9 * ${w[0]} + 1 * ${w[1]} + ${regionSum} + 21 * ${w[8]} + 11 * ${w[9]} + ${[0, 1, 2, 3, 4, 5].map((k) => `${digit(k)} * ${w[10 + k]}`).join(" + ")} + ${orgCheckIndex} * ${w[16]})`;
  const alpha = q(alphabet);
  const first17 = `'91' || x.region || 'MB' || ${[0, 1, 2, 3, 4, 5].map((k) => `substr(${alpha}, ${digit(k)} + 1, 1)`).join(" || ")} || ${orgCheck}`;
  const uscc = `${first17} || substr(${alpha}, ((31 - ${usccSum} % 31) % 31) + 1, 1)`;
  const capitalWan = `CASE x.size WHEN 'MICRO' THEN 10 + floor(${u(5)} * 190) WHEN 'SMALL' THEN 100 + floor(${u(5)} * 900) WHEN 'MEDIUM' THEN 500 + floor(${u(5)} * 4500) ELSE 3000 + floor(${u(5)} * 47000) END`;
  const founded = `${sql.date(`${p.startDay} - 365 - floor(power(${u(6)}, 1.5) * 365 * 25)::int`)}`;
  const created = `${p.start} - ${DAY} * (1 + 365 * ${u(7)})`;
  const suffix = `CASE x.size WHEN 'LARGE' THEN '集团有限公司' WHEN 'MICRO' THEN ${sql.pick(u(8), [
    ["商行", 30],
    ["有限公司", 70],
  ])} ELSE '有限公司' END`;
  return `INSERT INTO enterprises (id, uscc, name, "regionCode", "industryCode", size, "foundedOn", "registeredCapitalFen", "legalRepName", "contactPhone", address, "createdAt", "updatedAt")
    SELECT ${sql.uuid("enterprise", "g.e")}, ${uscc}, ${regionShort} || ${brand}[1 + floor(${u(9)} * ${BRAND.length})::int] || ${brand}[1 + floor(${u(10)} * ${BRAND.length})::int] || ${trades}[x.ind] || ${suffix},
           x.region, ${industryCodes}[x.ind], x.size::"EnterpriseSize", ${founded}, (${capitalWan})::int8 * 1000000,
           ${surnames}[1 + floor(${u(11)} * ${SURNAMES.length})::int] || ${given}[1 + floor(${u(12)} * ${GIVEN.length})::int] || CASE WHEN ${u(13)} < 0.6 THEN ${given}[1 + floor(${u(14)} * ${GIVEN.length})::int] ELSE '' END,
           '1' || ${sql.pick(u(15), [
             ["3", 40],
             ["5", 25],
             ["8", 25],
             ["9", 10],
           ])} || lpad(floor(${u(16)} * 1000000000)::text, 9, '0'),
           ${regionNames} || ${roads}[1 + floor(${u(17)} * ${ROADS.length})::int] || ${sql.pick(u(18), [
             ["大街", 50],
             ["路", 50],
           ])} || (1 + floor(${u(19)} * 999))::int || '号',
           ${sql.ts(created)}, ${sql.ts(created)}
      FROM generate_series(${from}, ${to - 1}) AS g(e)
      CROSS JOIN LATERAL (SELECT ${sql.pick(u(1), regions)} AS region, ${industryIndex} AS ind,
             ${sql.pick(u(3), [
               ["MICRO", 58],
               ["SMALL", 32],
               ["MEDIUM", 8.5],
               ["LARGE", 1.5],
             ])} AS size OFFSET 0) x`;
}

/**
 * The needs of enterprises from..to-1 as they stand at the end: fulfilled by the first loan disbursed for one of their
 * applications (disburseLoan) unless they had ended before; closed by the SME; expired; or active — open, or taken up by
 * a bank (IN_PROGRESS, with its need_claims row). The applications' chain is computed here too (only the disbursed
 * ones made for a need), so that each need is written once, final. Returns [needs, need_claims] written.
 */
function insertNeeds(sql: Sql, [from, to]: Range, disbursed: string): string {
  const { o, p } = sql;
  const { enterprises: E, needs: N } = o;
  const u = (k: number) => sql.u("g.n", S.need + 20 + k);
  return `WITH ${sql.productCte},
    fulfil AS (
      SELECT nd.n, min(k.s + ch.last) AS t ${applicationRows(sql, enterpriseApplications(sql, [from, to]), disbursed)}
       WHERE st.st = ${A.DISBURSED} AND k.need_ok GROUP BY nd.n),
    rows AS (
      SELECT g.n, c.c, x.xd, s.*,
             CASE WHEN s.fulfilled THEN 'FULFILLED' ELSE s.base END AS st,
             s.base = 'IN_PROGRESS' AND (NOT s.fulfilled OR s.touched < s.t) AS claimed,
             s.base IN ('OPEN', 'IN_PROGRESS') AND (NOT s.fulfilled OR s.touched < s.t) AND s.touched > c.c AS changed
        FROM (SELECT e.e + ${E}::int8 * k.k AS n FROM generate_series(${from}::int8, ${to - 1}::int8) AS e(e)
               CROSS JOIN LATERAL generate_series(0::int8, greatest(-1, ${N - 1} - e.e) / ${E}) AS k(k)) AS g
        CROSS JOIN LATERAL (SELECT ${sql.needCreatedAt("g.n")} AS c OFFSET 0) c
        CROSS JOIN LATERAL (SELECT ${sql.needExpiresDay("g.n", "c.c")} AS xd OFFSET 0) x
        CROSS JOIN LATERAL (SELECT CASE WHEN ${sql.needClosedBySme("g.n")} THEN 'CLOSED' WHEN x.xd < ${p.asOfDay} THEN 'EXPIRED'
                                        WHEN ${u(5)} < 0.35 THEN 'IN_PROGRESS' ELSE 'OPEN' END AS base,
                                   ${u(6)} < 0.15 AS edited OFFSET 0) s0
        LEFT JOIN fulfil fu ON fu.n = g.n
        CROSS JOIN LATERAL (SELECT s0.base, fu.t,
               CASE s0.base WHEN 'CLOSED' THEN ${sql.needCloseTime("g.n", "c.c", "x.xd")}
                            WHEN 'EXPIRED' THEN ${sql.dayStart("x.xd + 1")} + 300 + 3300 * ${u(7)} END AS closed,
               -- Taken up by a bank (IN_PROGRESS) or edited (OPEN) soon after posting.
               CASE WHEN s0.base = 'IN_PROGRESS' OR (s0.base = 'OPEN' AND s0.edited) THEN c.c + least(${2 * DAY} * (0.05 + ${u(8)}), (${p.end} - c.c) * 0.9)
                    ELSE c.c END AS touched OFFSET 0) s1
        CROSS JOIN LATERAL (SELECT s1.*, s1.t IS NOT NULL AND s1.t > c.c AND (s1.closed IS NULL OR s1.t < s1.closed) AS fulfilled OFFSET 0) s
       WHERE g.n < ${N}),
    needs AS (
      INSERT INTO financing_needs (id, "enterpriseId", "amountFen", "termMonths", purpose, "maxRateBps", "guaranteeTypes", urgency, "expiresOn", status, version,
          "closedAt", "closeReason", "createdById", "createdAt", "updatedAt")
      SELECT ${sql.uuid("need", "g.n")}, ${sql.uuid("enterprise", `g.n % ${E}`)}, ${sql.needAmountFen("g.n")}, ${sql.needTermMonths("g.n")},
             ${arr(NEED_PURPOSES)}[1 + floor(${u(0)} * ${NEED_PURPOSES.length})::int], 400 + 5 * floor(${u(1)} * 121)::int,
             ${sql.pick(u(2), [
               ["{CREDIT}", 50],
               ["{CREDIT,GUARANTOR}", 15],
               ["{MORTGAGE}", 12],
               ["{PLEDGE}", 8],
               ["{GUARANTEE_COMPANY}", 8],
               ["{CREDIT,MORTGAGE}", 7],
             ])}::"GuaranteeType"[],
             ${sql.pick(u(3), [
               ["LOW", 20],
               ["NORMAL", 60],
               ["HIGH", 20],
             ])}::"Urgency", ${sql.date("g.xd")}, g.st::"NeedStatus",
             -- Posted (1), then each change: taken up or edited, and the end.
             1 + g.changed::int + (g.st <> 'OPEN' AND g.st <> 'IN_PROGRESS')::int,
             ${sql.ts("CASE WHEN g.fulfilled THEN g.t ELSE g.closed END")}, CASE WHEN g.st = 'CLOSED' THEN ${arr(CLOSE_REASONS)}[1 + floor(${u(4)} * ${CLOSE_REASONS.length})::int] END,
             ${userId(sql)}, ${sql.ts("g.c")}, ${sql.ts("CASE WHEN g.fulfilled THEN g.t ELSE coalesce(g.closed, g.touched) END")}
        FROM rows g ORDER BY g.n
      RETURNING 1),
    taken AS (
      INSERT INTO need_claims (id, "needId", "institutionId", "userId", at)
      SELECT ${sql.uuid("need-claim", "g.n")}, ${sql.uuid("need", "g.n")}, ${bankId(sql, `floor(${sql.u("g.n", S.needClaim)} * ${o.banks})::int`)}, ${userId(sql)}, ${sql.ts("g.touched")}
        FROM rows g WHERE g.claimed ORDER BY g.n
      RETURNING 1)
    SELECT (SELECT count(*) FROM needs)::int AS needs, (SELECT count(*) FROM taken)::int AS taken`;
}

// ── Applications ─────────────────────────────────────────────────────────────

/** Internal status codes: the state machine's statuses, with the path that led there where it matters. */
const A = {
  SUBMITTED_FRESH: 0,
  SUBMITTED_STALE: 1,
  ACCEPTED: 2,
  DECLINED_FIRST: 3,
  DECLINED_AFTER: 4,
  APPROVED: 5,
  OFFER_ACCEPTED: 6,
  OFFER_LAPSED: 7,
  DISBURSED: 8,
  WITHDRAWN_SUBMITTED: 9,
  WITHDRAWN_ACCEPTED: 10,
  WITHDRAWN_APPROVED: 11,
} as const;
const STATUS_NAME = [
  "SUBMITTED",
  "SUBMITTED",
  "ACCEPTED",
  "DECLINED",
  "DECLINED",
  "APPROVED",
  "OFFER_ACCEPTED",
  "OFFER_LAPSED",
  "DISBURSED",
  "WITHDRAWN",
  "WITHDRAWN",
  "WITHDRAWN",
];
const STATUS_VERSION = [0, 0, 1, 1, 2, 2, 3, 3, 4, 1, 2, 3];
const ANSWERED = [
  A.ACCEPTED,
  A.DECLINED_FIRST,
  A.DECLINED_AFTER,
  A.APPROVED,
  A.OFFER_ACCEPTED,
  A.OFFER_LAPSED,
  A.DISBURSED,
  A.WITHDRAWN_ACCEPTED,
  A.WITHDRAWN_APPROVED,
];
const ACCEPTED_EVER = ANSWERED.filter((s) => s !== A.DECLINED_FIRST);
const APPROVED_EVER = [A.APPROVED, A.OFFER_ACCEPTED, A.OFFER_LAPSED, A.DISBURSED, A.WITHDRAWN_APPROVED];
/** In progress at the end: how long one waits in that state (days) and the share of applications that pass through it. */
const IN_PROGRESS: readonly (readonly [number, number, number])[] = [
  [A.SUBMITTED_FRESH, 3, 1],
  [A.ACCEPTED, 6, 0.75],
  [A.APPROVED, 3, 0.55],
  [A.OFFER_ACCEPTED, 7, 0.5],
];
/** Ended without a loan (and left unanswered for good), by weight. */
const FINAL: readonly (readonly [number, number])[] = [
  [A.DECLINED_FIRST, 12],
  [A.DECLINED_AFTER, 6],
  [A.OFFER_LAPSED, 3],
  [A.WITHDRAWN_SUBMITTED, 3],
  [A.WITHDRAWN_ACCEPTED, 1.5],
  [A.WITHDRAWN_APPROVED, 1],
  [A.SUBMITTED_STALE, 0.5],
];
/** Where the last event of an application in progress lies: within this many days before the end. */
const RECENT_DAYS: Record<number, number> = { [A.SUBMITTED_FRESH]: 10, [A.ACCEPTED]: 21, [A.APPROVED]: 14, [A.OFFER_ACCEPTED]: 14 };

/** The non-disbursed statuses' weights: those in progress as many as arrive × wait at the end of the period, the rest by FINAL. */
function statusWeights(sql: Sql): [number, number][] {
  const { o, p } = sql;
  // Only the weights' ratios matter (pick normalises): kept positive when every application is disbursed.
  const rest = Math.max(1e-6, o.applications === 0 ? 1 : 1 - o.loans / o.applications);
  // Arrivals at the end of the period run at 4/3 of the average (the growth curve).
  let inProgress = IN_PROGRESS.map(([s, days, share]) => [s, ((4 / 3) * days * share) / p.spanDays] as [number, number]);
  const total = inProgress.reduce((a, [, w]) => a + w, 0);
  if (total > rest / 2) inProgress = inProgress.map(([s, w]) => [s, (w * rest) / 2 / total]);
  const left = rest - inProgress.reduce((a, [, w]) => a + w, 0);
  const finalTotal = FINAL.reduce((a, [, w]) => a + w, 0);
  return [...inProgress, ...FINAL.map(([s, w]) => [s, (w / finalTotal) * left] as [number, number])];
}

/** Exactly `loans` applications are disbursed: those first in the order of (hash, row). The condition, as SQL over g.i. */
async function disbursedCondition(sql: Sql, lane: pg.ClientBase): Promise<string> {
  const { o } = sql;
  let disbursed = "false";
  if (o.loans > 0) {
    const { rows } = await lane.query<{ h: string; i: string }>(
      // Cast in the outer query only: ORDER BY must see the numbers, not their text.
      `SELECT s.h::text AS h, s.i::text AS i FROM (SELECT hashint8extended(i, ${o.seed * 1000 + S.status + 9}::int8) AS h, i FROM generate_series(0::int8, ${o.applications - 1}::int8) AS g(i)) s
        ORDER BY s.h, s.i OFFSET ${o.loans - 1} LIMIT 1`,
    );
    disbursed = `(hashint8extended(g.i, ${o.seed * 1000 + S.status + 9}::int8), g.i) <= (${rows[0]!.h}::int8, ${rows[0]!.i}::int8)`;
  }
  return disbursed;
}

/**
 * How many disbursed applications will be loans the fund covers and old enough to have defaulted, counted
 * before anything is written (the same rows applicationsSql writes): the claims need that many.
 */
async function defaultableLoans(sql: Sql, lane: pg.ClientBase, disbursed: string): Promise<number> {
  const { o, p } = sql;
  if (o.applications === 0 || o.loans === 0) return 0;
  const { rows } = await lane.query<{ n: string }>(
    `WITH ${sql.productCteFrom(productSource(sql))} SELECT count(*) AS n ${applicationRows(sql, rowRange([0, o.applications]), disbursed)}
      WHERE st.st = ${A.DISBURSED} AND pr.fund AND ${sql.dayNo("k.s + ch.last")} <= ${p.asOfDay - DEFAULT_MIN_AGE}`,
  );
  return Number(rows[0]!.n);
}

function applicationsSql(sql: Sql, from: number, to: number, disbursed: string): string {
  const { p } = sql;
  const u = (k: number) => sql.u("g.i", S.app + k);
  const inSet = (set: readonly number[]) => `st.st IN (${set.join(",")})`;
  return `WITH ${sql.productCte}
    INSERT INTO applications (id, "enterpriseId", "productId", "institutionId", "needId", status, "requestedAmountFen", "requestedTermMonths", "declineReasonCode",
        "approvedAmountFen", "approvedRateBps", "approvedTermMonths", "approvedRepaymentMethod", "submitKey", "submittedAt", "respondBy", "respondedAt", "acceptedAt",
        "overdueSince", "approvedAt", "offerExpiresAt", version, "updatedAt")
    SELECT ${sql.uuid("application", "g.i")}, ${sql.uuid("enterprise", "st.e")}, pr.id, pr.bank, CASE WHEN k.need_ok THEN ${sql.uuid("need", "nd.n")} END,
           (${arr(STATUS_NAME)}[st.st + 1])::"ApplicationStatus", rq.amount, rq.term,
           CASE WHEN st.st IN (${A.DECLINED_FIRST}, ${A.DECLINED_AFTER}) THEN ${sql.pick(
             u(30),
             DECLINE_REASONS.map((r, k) => [r, [26, 20, 14, 12, 10, 8, 6, 4][k] ?? 4] as const),
           )} END,
           CASE WHEN ${inSet(APPROVED_EVER)} THEN greatest(pr.amin, floor(rq.amount * (0.6 + 0.4 * sqrt(${u(31)})) / 1000000) * 1000000)::int8 END,
           CASE WHEN ${inSet(APPROVED_EVER)} THEN pr.rmin + 5 * round(${u(32)} * (pr.rmax - pr.rmin) / 5)::int END,
           CASE WHEN ${inSet(APPROVED_EVER)} THEN rq.term END,
           CASE WHEN ${inSet(APPROVED_EVER)} THEN pr.methods[1 + floor(${u(33)} * cardinality(pr.methods))::int] END,
           ${q(`${p.prefix}A`)} || g.i,
           ${sql.ts("k.s")}, ${sql.ts("k.s + ch.rb")},
           CASE WHEN ${inSet(ANSWERED)} THEN ${sql.ts("k.s + ch.a1")} END,
           CASE WHEN ${inSet(ACCEPTED_EVER)} THEN ${sql.ts("k.s + ch.a1")} END,
           CASE WHEN (${inSet(ANSWERED)} AND ch.a1 > ch.rb + 1800)
                  OR (st.st IN (${A.SUBMITTED_FRESH}, ${A.SUBMITTED_STALE}) AND k.s + ch.rb + 300 < ${p.end})
                  OR (st.st = ${A.WITHDRAWN_SUBMITTED} AND ch.ws > ch.rb + 1800)
                THEN ${sql.ts("k.s + ch.rb")} END,
           CASE WHEN ${inSet(APPROVED_EVER)} THEN ${sql.ts("k.s + ch.ap")} END,
           CASE WHEN ${inSet(APPROVED_EVER)} THEN ${sql.ts(`k.s + ch.ap + ${OFFER_VALID_DAYS * DAY}`)} END,
           (${arr(STATUS_VERSION)}[st.st + 1]),
           -- The last change: the last transition, or for one still unanswered the deadline sweep that flagged it.
           ${sql.ts(`k.s + CASE WHEN st.st IN (${A.SUBMITTED_FRESH}, ${A.SUBMITTED_STALE}) THEN CASE WHEN k.s + ch.rb + 300 < ${p.end} THEN ch.rb + 60 + 240 * ${u(34)} ELSE 0 END ELSE ch.last END`)}
    ${applicationRows(sql, rowRange([from, to]), disbursed)}`;
}

/** Applications from..to-1, as the source of g(i). */
function rowRange([from, to]: Range): string {
  return `generate_series(${from}::int8, ${to - 1}::int8) AS g(i)`;
}

/** The applications of enterprises from..to-1 (application i is enterprise i mod E's), as the source of g(i). */
function enterpriseApplications(sql: Sql, [from, to]: Range): string {
  const { enterprises: E, applications: A } = sql.o;
  return `(SELECT e.e + ${E}::int8 * j.j AS i FROM generate_series(${from}::int8, ${to - 1}::int8) AS e(e)
             CROSS JOIN LATERAL generate_series(0::int8, greatest(-1, ${A - 1} - e.e) / ${E}) AS j(j)) AS g(i)`;
}

/** Application rows with everything the columns are made of: FROM … (a chain of lateral steps, each computed once per row). */
function applicationRows(sql: Sql, source: string, disbursed: string): string {
  const { o, p } = sql;
  const E = o.enterprises;
  const N = o.needs;
  const u = (k: number) => sql.u("g.i", S.app + k);
  const weights = statusWeights(sql);
  const recent = Object.entries(RECENT_DAYS).map(([s, d]) => `WHEN ${s} THEN ${p.end - d * DAY}`);
  const dayOfWeek = sql.pick(u(4), [
    [0, 1],
    [1, 1],
    [2, 1],
    [3, 1],
    [4, 1],
    [5, 0.35],
    [6, 0.25],
  ]);
  // China time of day: mostly office hours, the rest any time (boundary cases come from nearBoundary).
  const timeOfDay = `CASE WHEN ${u(5)} < 0.82 THEN 30600 + ${u(6)} * 41400 ELSE ${u(6)} * 86400 END`;
  return `FROM ${source}
      -- Application i pairs enterprise i mod E with product (i div E) mod P: distinct pairs while i < E × P.
      CROSS JOIN LATERAL (SELECT g.i % ${E} AS e, ((g.i / ${E}) % ${p.products})::int AS p,
             CASE WHEN ${disbursed} THEN ${A.DISBURSED} ELSE ${sql.pick(u(0), weights)} END AS st OFFSET 0) st
      JOIN prod pr ON pr.p = st.p
      -- Submission: a (weekday, time of day) in the period's first week, moved by whole weeks below, so the deadline's offset
      -- (working days) stays exact; or a time near a month boundary, kept where it is.
      CROSS JOIN LATERAL (SELECT ${u(1)} < 0.03 AS nb,
             CASE WHEN ${u(1)} < 0.03 THEN ${sql.nearBoundary("g.i", S.app + 2)} ELSE ${p.t0} + 86400 * ${dayOfWeek} + ${timeOfDay} END AS s0 OFFSET 0) t
      CROSS JOIN LATERAL (SELECT ${sql.dayStart(sql.addWorkingDays(sql.dayNo("t.s0"), "pr.wd") + " + 1")} - t.s0 AS rb,
             ${u(7)} < 0.15 AS late,
             ${DAY} * (0.5 + 14.5 * power(${u(8)}, 1.3)) AS d_ap,
             ${DAY} * (0.05 + 13.9 * power(${u(9)}, 2)) AS d_of,
             ${DAY} * (0.5 + 19.5 * power(${u(10)}, 1.5)) AS d_di,
             ${DAY} * (1 + 19 * power(${u(11)}, 1.3)) AS d_dc,
             ${DAY} * (1 + 9 * ${u(12)}) AS d_wa,
             ${DAY} * (0.1 + 13.5 * ${u(13)}) AS d_wp,
             ${OFFER_VALID_DAYS * DAY} + 60 + 540 * ${u(14)} AS d_la OFFSET 0) d
      CROSS JOIN LATERAL (SELECT d.rb,
             -- The first answer: on time, mostly early in the window; one in seven late, by 15 minutes to 10 days.
             CASE WHEN d.late THEN d.rb + 900 + power(${u(15)}, 2) * ${10 * DAY} ELSE d.rb * (0.03 + 0.97 * power(${u(16)}, 1.7)) END AS a1,
             -- Withdrawn unanswered: half of them after the deadline passed (to apply elsewhere), half before.
             CASE WHEN ${u(17)} < 0.5 THEN d.rb + 3600 + ${5 * DAY} * ${u(18)} ELSE greatest(3600, d.rb * ${u(18)}) END AS ws OFFSET 0) d1
      CROSS JOIN LATERAL (SELECT d1.rb, d1.a1, d1.ws, d1.a1 + d.d_ap AS ap,
             CASE st.st
               WHEN ${A.SUBMITTED_FRESH} THEN 0
               WHEN ${A.SUBMITTED_STALE} THEN d1.rb + 600
               WHEN ${A.ACCEPTED} THEN d1.a1
               WHEN ${A.DECLINED_FIRST} THEN d1.a1
               WHEN ${A.DECLINED_AFTER} THEN d1.a1 + d.d_dc
               WHEN ${A.APPROVED} THEN d1.a1 + d.d_ap
               WHEN ${A.OFFER_ACCEPTED} THEN d1.a1 + d.d_ap + d.d_of
               WHEN ${A.OFFER_LAPSED} THEN d1.a1 + d.d_ap + d.d_la
               WHEN ${A.DISBURSED} THEN d1.a1 + d.d_ap + d.d_of + d.d_di
               WHEN ${A.WITHDRAWN_SUBMITTED} THEN d1.ws
               WHEN ${A.WITHDRAWN_ACCEPTED} THEN d1.a1 + d.d_wa
               ELSE d1.a1 + d.d_ap + d.d_wp END AS last OFFSET 0) ch
      -- Where the submission may lie: the whole chain before the end; one in progress with its last step recent.
      CROSS JOIN LATERAL (SELECT greatest(${p.start}::float8, CASE st.st ${recent.join(" ")} ELSE ${p.start} END - ch.last) AS lo,
             ${p.end} - 0.001 - ch.last AS hi OFFSET 0) w0
      CROSS JOIN LATERAL (SELECT ceil((w0.lo - t.s0) / ${WEEK})::int8 AS klo, floor((w0.hi - t.s0) / ${WEEK})::int8 AS khi,
             -- Seven in ten are made for one of the enterprise's needs (if it has any): one posted before, still open then.
             ${N} > st.e AND ${u(19)} < 0.72 AS wants_need,
             st.e + ${E}::int8 * floor(${u(20)} * ((${N} - 1 - st.e) / ${E} + 1))::int8 AS n OFFSET 0) w
      CROSS JOIN LATERAL (SELECT w.n, CASE WHEN w.wants_need THEN ${sql.needCreatedAt("w.n")} END AS c OFFSET 0) nd0
      CROSS JOIN LATERAL (SELECT nd0.n, nd0.c,
             CASE WHEN w.wants_need THEN CASE WHEN ${sql.needClosedBySme("nd0.n")} THEN ${sql.needCloseTime("nd0.n", "nd0.c", sql.needExpiresDay("nd0.n", "nd0.c"))}
                                              ELSE ${sql.dayStart(`${sql.needExpiresDay("nd0.n", "nd0.c")} + 1`)} END END AS until,
             ceil((nd0.c + 3600 - t.s0) / ${WEEK})::int8 + floor(power(${u(21)}, 2) * 4)::int8 AS kn OFFSET 0) nd
      CROSS JOIN LATERAL (SELECT w.wants_need AND NOT t.nb AND nd.kn BETWEEN w.klo AND w.khi AND t.s0 + ${WEEK} * nd.kn < nd.until AS need_ok,
             t.nb AND t.s0 BETWEEN w0.lo AND w0.hi AS at_boundary,
             least(w.khi, w.klo + floor(${sql.grow(u(22))} * (w.khi - w.klo + 1))::int8) AS kfree OFFSET 0) k0
      CROSS JOIN LATERAL (SELECT k0.need_ok, t.s0 + ${WEEK}::float8 * CASE WHEN k0.need_ok THEN nd.kn WHEN k0.at_boundary THEN 0 ELSE k0.kfree END AS s OFFSET 0) k
      -- Asked for: the need's amount and term within the product's ranges, or some amount in them.
      CROSS JOIN LATERAL (SELECT CASE WHEN k.need_ok THEN least(pr.amax, greatest(pr.amin, ${sql.needAmountFen("nd.n")}))
                                      ELSE pr.amin + floor(power(${u(23)}, 2) * (pr.amax - pr.amin) / 1000000)::int8 * 1000000 END AS amount,
                                 CASE WHEN k.need_ok THEN least(pr.tmax, greatest(pr.tmin, ${sql.needTermMonths("nd.n")}))
                                      ELSE least(pr.tmax, greatest(pr.tmin, ${sql.pick(u(24), [
                                        [6, 20],
                                        [12, 45],
                                        [24, 20],
                                        [36, 15],
                                      ])})) END AS term OFFSET 0) rq`;
}

// ── Loans ────────────────────────────────────────────────────────────────────

function insertLoans(sql: Sql, part: number, parts: number, defaulted: string): string {
  const { o, p } = sql;
  const u = (k: number) => sql.u("x.i", S.loan + k);
  const asOf = p.asOfDay;
  const plen = `${p.prefix}A`.length;
  const disbursedDay = sql.dayNo(sql.epoch('a."updatedAt"'));
  const defaultable = `(pr.fund AND ${disbursedDay} <= ${asOf - DEFAULT_MIN_AGE})`;
  const dayOf = (date: string) => `(${date} - DATE '1970-01-01')`;
  // Internal loan states: 0 CURRENT, 1 OVERDUE, 2 DEFAULTED, 3 REPAID.
  return `WITH ${sql.productCte}
    INSERT INTO loans (id, "applicationId", "institutionId", "enterpriseId", "productId", "fundId", "fundRuleVersionId", "principalFen", "rateBps", "termMonths",
        "repaymentMethod", "pureCredit", "firstTimeBorrower", "disbursedOn", "maturityOn", status, "outstandingPrincipalFen", "daysPastDue", "delinquencyOn",
        "defaultedAt", "repaidAt", "disbursementTransferId", "bankReference", "disbursedById", "createdAt", "updatedAt")
    SELECT ${sql.uuid("loan", "x.i")}, x.aid, x.bank, x.ent, x.pid, CASE WHEN x.fund THEN ${fundId(sql)} END, CASE WHEN x.fund THEN ${ruleId(sql)} END,
           x.principal, x.rate, x.n, x.method, x.credit, x.nth = 1, ${sql.date("x.dd")}, l1.mat,
           (ARRAY['CURRENT','OVERDUE','DEFAULTED','REPAID'])[s.ls + 1]::"LoanStatus",
           CASE s.ls
             WHEN 0 THEN CASE WHEN x.method = 'INTEREST_ONLY_BULLET' THEN x.principal ELSE greatest(1, x.principal * (x.n - l2.due) / x.n) END
             WHEN 1 THEN CASE WHEN x.method = 'INTEREST_ONLY_BULLET' THEN x.principal
                              ELSE least(x.principal, greatest(1, x.principal * (x.n - l2.due + least(l2.due, 1 + s.dpd / 30)) / x.n)) END
             WHEN 2 THEN greatest(1, x.principal * (100 - floor(${u(3)} * 50)::int) / 100)
             ELSE 0 END,
           s.dpd, ${sql.date(`CASE WHEN s.ls = 3 THEN ${sql.dayNo("s.repaid")} ELSE ${asOf} END`)},
           CASE WHEN s.ls = 2 THEN ${sql.ts(`${sql.dayStart(`${asOf} - (s.dpd - 90)`)} + 3600 + 1800 * ${u(4)}`)} END,
           CASE WHEN s.ls = 3 THEN ${sql.ts("s.repaid")} END,
           ${sql.transferId(1, "x.i")}, 'PJ' || to_char(${sql.date("x.dd")}, 'YYYYMMDD') || lpad((x.i % 1000000)::text, 6, '0'), ${userId(sql)},
           ${sql.ts("x.td")},
           -- The last change: the repayment that settled it, tonight's delinquency sweep, or the last instalment paid.
           ${sql.ts(`CASE s.ls WHEN 3 THEN s.repaid WHEN 0 THEN CASE WHEN l2.due = 0 THEN x.td
                 ELSE least(${p.end} - 1, greatest(x.td, ${sql.dayStart(dayOf("(" + sql.date("x.dd") + " + make_interval(months => l2.due))::date"))} + 36000 + 36000 * ${u(5)})) END
                 ELSE ${sql.dayStart(`${asOf}`)} + 3600 + 1800 * ${u(6)} END`)}
      FROM (
        SELECT a.id AS aid, a."enterpriseId" AS ent, a."institutionId" AS bank, a."productId" AS pid, a."approvedAmountFen" AS principal, a."approvedRateBps" AS rate,
               a."approvedTermMonths" AS n, a."approvedRepaymentMethod" AS method, pr.credit, pr.fund,
               ${sql.epoch('a."updatedAt"')} AS td, ${disbursedDay} AS dd, substr(a."submitKey", ${plen + 1})::int8 AS i,
               -- 首贷户: the enterprise's first loan on the platform.
               row_number() OVER (PARTITION BY a."enterpriseId" ORDER BY a."updatedAt", a.id) AS nth,
               -- Enough of the fund's old enough loans default for the claims.
               ${defaultable} AND ${defaulted} AS forced
          FROM applications a JOIN prod pr ON pr.id = a."productId"
         WHERE a.status = 'DISBURSED' AND (substr(a."submitKey", ${plen + 1})::int8 % ${o.enterprises}) % ${parts} = ${part}
      ) x
      CROSS JOIN LATERAL (SELECT ${asOf} - x.dd AS age, (${sql.date("x.dd")} + make_interval(months => x.n))::date AS mat OFFSET 0) l0
      CROSS JOIN LATERAL (SELECT l0.age, l0.mat, l0.mat <= ${sql.date(`${asOf}`)} AS matured,
             -- Instalments due by the end: whole months since disbursement (calendar months, as the schedule counts them).
             (SELECT (extract(year FROM a) * 12 + extract(month FROM a))::int FROM age(${sql.date(`${asOf}`)}, ${sql.date("x.dd")}) AS a) AS months OFFSET 0) l1
      CROSS JOIN LATERAL (SELECT least(x.n - CASE WHEN l1.matured THEN 0 ELSE 1 END, l1.months) AS due,
             CASE WHEN x.forced THEN 2
                  WHEN l1.matured THEN CASE WHEN ${u(0)} < 0.02 THEN 1 WHEN ${u(0)} < 0.035 AND l1.age >= ${DEFAULT_MIN_AGE} THEN 2 ELSE 3 END
                  WHEN l1.age >= ${DEFAULT_MIN_AGE} AND ${u(0)} < 0.025 THEN 2
                  WHEN l1.age >= 35 AND ${u(0)} < 0.065 THEN 1
                  WHEN l1.age >= 30 AND ${u(0)} < 0.115 THEN 3
                  ELSE 0 END AS ls OFFSET 0) l2
      CROSS JOIN LATERAL (SELECT l2.ls,
             CASE l2.ls WHEN 1 THEN 1 + floor(${u(1)} * least(89, l1.age - 31))::int WHEN 2 THEN 90 + floor(sqrt(${u(1)}) * (l1.age - 31 - 90 + 1))::int ELSE 0 END AS dpd,
             CASE WHEN l2.ls = 3 THEN CASE WHEN l1.matured THEN ${sql.dayStart(`${dayOf("l1.mat")} - floor(${u(2)} * 3)::int`)} + 36000 + 28800 * ${u(7)}
                                           ELSE x.td + ${30 * DAY} + ${u(2)} * (l1.age - 30) * ${DAY} END END AS repaid OFFSET 0) s
      -- In the applications' order: each loan's foreign-key check locks its application, page after page rather than at random.
      ORDER BY x.i`;
}

/**
 * Which of the fund's loans old enough to have defaulted are made to default, so that the claims have enough:
 * the first `claims` of them in the order of (hash, row). The condition, as SQL over the application `a`.
 */
async function forcedDefaults(sql: Sql, lane: pg.ClientBase): Promise<string> {
  const { o, p } = sql;
  if (o.claims === 0) return "false";
  const row = `substr(a."submitKey", ${`${p.prefix}A`.length + 1})::int8`;
  const hash = `hashint8extended(${row}, ${o.seed * 1000 + S.loan + 9}::int8)`;
  const { rows } = await lane.query<{ h: string; i: string }>(
    `WITH ${sql.productCte}
     SELECT s.h::text AS h, s.i::text AS i FROM (
       SELECT ${hash} AS h, ${row} AS i FROM applications a JOIN prod pr ON pr.id = a."productId"
        WHERE a.status = 'DISBURSED' AND pr.fund AND ${sql.dayNo(sql.epoch('a."updatedAt"'))} <= ${p.asOfDay - DEFAULT_MIN_AGE}) s
      ORDER BY s.h, s.i OFFSET ${o.claims - 1} LIMIT 1`,
  );
  if (!rows[0]) throw new Error("generateMonitoringData: fewer defaultable fund loans than counted beforehand");
  return `(${hash}, ${row}) <= (${rows[0].h}::int8, ${rows[0].i}::int8)`;
}

// ── Rankings and matches ─────────────────────────────────────────────────────

const ACTIVE_NEED = `f.status IN ('OPEN', 'IN_PROGRESS')`;

/** Every need's current ranking: an active one's from its last change, an ended one's (no products) from when it ended. */
function insertRankings(sql: Sql, [from, to]: Range): string {
  const { o, p } = sql;
  if (o.needs === 0) return "SELECT 1 WHERE false";
  return `INSERT INTO need_rankings ("needId", version, "modelVersion", "rankedAt", "eligibleCount")
    SELECT f.id, f.version, ${q(ACTIVE_MATCHING_VERSION)}, ${sql.ts(`least(${p.end} - 0.001, ${sql.epoch('f."updatedAt"')} + 60 + 540 * ${sql.u("g.n", S.match + 3)})`)},
           CASE WHEN ${ACTIVE_NEED} THEN ${sql.matchCount("g.n")} ELSE 0 END
      FROM generate_series(${from}, ${to - 1}) AS g(n)
      JOIN financing_needs f ON f.id = ${sql.uuid("need", "g.n")}`;
}

/** The kept rows of the active needs' rankings: rank by score, each bank's best flagged. */
function insertMatches(sql: Sql, [from, to]: Range): string {
  const { o } = sql;
  if (o.needs === 0) return "SELECT 1 WHERE false";
  const w = ACTIVE_MATCHING_PARAMS.weightsBps;
  const r = (k: number) => sql.u("g.n * 8 + j.j", S.match + 10 + k);
  return `WITH ${sql.productCte},
    pts AS (
      SELECT f.id AS need, pr.id AS product, pr.bank, pr.rmin, pr.rmax,
             (300 + floor(${r(0)} * 701))::int AS approval, (200 + floor(${r(1)} * 801))::int AS cost,
             (400 + floor(${r(2)} * 601))::int AS coverage, (300 + floor(${r(3)} * 601))::int AS response,
             pr.rmin + 5 * round(${r(4)} * (pr.rmax - pr.rmin) / 5)::int AS rate
        FROM generate_series(${from}, ${to - 1}) AS g(n)
        JOIN financing_needs f ON f.id = ${sql.uuid("need", "g.n")} AND ${ACTIVE_NEED}
        CROSS JOIN LATERAL generate_series(0, ${sql.matchCount("g.n")} - 1) AS j(j)
        JOIN prod pr ON pr.p = ${sql.matchProduct("g.n", "j.j")}),
    scored AS (
      SELECT *, round((approval * ${w.approval} + cost * ${w.cost} + coverage * ${w.coverage} + response * ${w.response}) / 10000.0)::int AS score FROM pts),
    ranked AS (
      SELECT *, row_number() OVER (PARTITION BY need ORDER BY score DESC, rate, product) AS rank FROM scored)
    INSERT INTO matches ("needId", "productId", "institutionId", rank, score, "approvalPoints", "costPoints", "coveragePoints", "responsePoints", "expectedRateBps", "bankBest")
    SELECT need, product, bank, rank, score, approval, cost, coverage, response, rate, row_number() OVER (PARTITION BY need, bank ORDER BY rank) = 1
      FROM ranked`;
}

/** Every product any need was ever matched to, from its first ranking after it was posted (ended needs included). */
function insertMatchHistory(sql: Sql, [from, to]: Range): string {
  const { o, p } = sql;
  if (o.needs === 0) return "SELECT 1 WHERE false";
  return `WITH ${sql.productCte}
    INSERT INTO need_match_history ("needId", "productId", "institutionId", "firstMatchedAt")
    SELECT f.id, pr.id, pr.bank, ${sql.ts(`least(${p.end} - 0.001, ${sql.epoch('f."createdAt"')} + 60 + 540 * ${sql.u("g.n", S.match + 4)})`)}
      FROM generate_series(${from}, ${to - 1}) AS g(n)
      JOIN financing_needs f ON f.id = ${sql.uuid("need", "g.n")}
      CROSS JOIN LATERAL generate_series(0, ${sql.matchCount("g.n")} - 1) AS j(j)
      JOIN prod pr ON pr.p = ${sql.matchProduct("g.n", "j.j")}`;
}

// ── Claims and recoveries ────────────────────────────────────────────────────

function insertClaims(sql: Sql): string {
  const { o, p } = sql;
  if (o.claims === 0) return "SELECT 1 WHERE false";
  const u = (k: number) => sql.u("x.c", S.claim + k);
  // Internal claim states: 0 RESERVED, 1 APPROVED, 2 PARTIALLY_APPROVED, 3 REJECTED, 4 REFUSED.
  return `INSERT INTO claims (id, "fundId", "loanId", "institutionId", "lossFen", "reservedFen", "approvedFen", status, year, refusal, evidence, "recoveryActions",
        "decisionReason", "filedById", "decidedById", "filedAt", "decideBy", "decidedAt", "reservationTransferId", "settlementTransferId")
    SELECT ${sql.uuid("claim", "x.c")}, ${fundId(sql)}, x.id, x."institutionId", m.loss, m.reserved,
           CASE s.cs WHEN 1 THEN m.reserved WHEN 2 THEN least(m.reserved - 1, greatest(1, m.reserved * (50 + floor(${u(5)} * 45)::int) / 100)) WHEN 3 THEN 0 END,
           (ARRAY['RESERVED','APPROVED','PARTIALLY_APPROVED','REJECTED','REFUSED'])[s.cs + 1]::"ClaimStatus",
           extract(year FROM ${sql.ts(`t.filed + ${CHINA}`)})::int, CASE WHEN s.cs = 4 THEN 'fund.poolInsufficient' END,
           ${sql.pick(u(6), [
             ['["逾期催收记录.pdf","贷款合同.pdf"]', 50],
             ['["逾期催收记录.pdf","贷款合同.pdf","民事起诉状.pdf"]', 35],
             ['["贷款合同.pdf","强制执行申请书.pdf"]', 15],
           ])}::jsonb,
           ${arr(RECOVERY_ACTIONS)}[1 + floor(${u(7)} * ${RECOVERY_ACTIONS.length})::int],
           CASE s.cs WHEN 3 THEN ${arr(REJECT_REASONS)}[1 + floor(${u(8)} * ${REJECT_REASONS.length})::int] WHEN 2 THEN '部分损失超出补偿范围' END,
           ${userId(sql)}, CASE WHEN s.cs IN (1, 2, 3) THEN ${userId(sql)} END,
           ${sql.ts("t.filed")}, ${sql.ts(sql.dayStart(`${sql.addWorkingDays(sql.dayNo("t.filed"), `${CLAIM_DECISION_WORKING_DAYS}`)} + 1`))},
           CASE WHEN s.cs IN (1, 2, 3) THEN ${sql.ts("t.decided")} END,
           ${sql.transferId(2, "x.c")}, CASE WHEN s.cs IN (1, 2, 3) THEN ${sql.transferId(3, "x.c")} END
      FROM (SELECT l.*, row_number() OVER (ORDER BY md5(l.id::text)) AS c FROM loans l WHERE l."fundId" = ${fundId(sql)} AND l.status = 'DEFAULTED') x
      -- Filed 3–45 days after the default, before the end; decided 2–20 days later (the deadline is 20 working days).
      CROSS JOIN LATERAL (SELECT ${sql.epoch('x."defaultedAt"')} AS d OFFSET 0) d
      CROSS JOIN LATERAL (SELECT least(d.d + ${DAY} * (3 + 42 * power(${u(0)}, 1.5)), d.d + (${p.end} - d.d) * (0.1 + 0.85 * ${u(1)})) AS filed OFFSET 0) t0
      CROSS JOIN LATERAL (SELECT t0.filed, t0.filed + ${DAY} * (2 + 18 * ${u(2)}) AS decided OFFSET 0) t
      CROSS JOIN LATERAL (SELECT CASE WHEN ${u(3)} < 0.05 THEN 4 WHEN t.decided >= ${p.end} THEN 0
                                      ELSE ${sql.pick(u(4), [
                                        [1, 60],
                                        [2, 20],
                                        [3, 12],
                                        [0, 8],
                                      ])} END AS cs OFFSET 0) s
      CROSS JOIN LATERAL (SELECT greatest(1, x."outstandingPrincipalFen" * (85 + floor(${u(9)} * 16)::int) / 100) AS loss OFFSET 0) m0
      CROSS JOIN LATERAL (SELECT m0.loss, least(200000000, m0.loss * 4000 / 10000) AS reserved OFFSET 0) m
     WHERE x.c <= ${o.claims}`;
}

function insertRecoveries(sql: Sql): string {
  const { o, p } = sql;
  if (o.claims === 0) return "SELECT 1 WHERE false";
  const u = (k: number) => sql.u("x.c", S.recovery + k);
  return `INSERT INTO recoveries (id, "loanId", "claimId", "idempotencyKey", "amountFen", "fundShareFen", "receivedOn", "ledgerTransferId", "recordedById", "createdAt")
    SELECT ${sql.uuid("recovery", "x.c")}, x."loanId", x.id, x."loanId"::text || ':' || x."institutionId"::text || ':' || ${q(`${p.prefix}R`)} || x.c,
           r.amount, r.share, ${sql.date("r.day")}, CASE WHEN r.share > 0 THEN ${sql.transferId(4, "x.c")} END, ${userId(sql)},
           ${sql.ts(`${sql.dayStart("r.day")} + 32400 + 32400 * ${u(3)}`)}
      FROM (SELECT cl.*, right(cl."reservationTransferId", 10)::int8 AS c FROM claims cl
             WHERE cl."fundId" = ${fundId(sql)} AND cl.status IN ('APPROVED', 'PARTIALLY_APPROVED')) x
      -- Recovered 5–45 % of the loss 1–120 days after the decision; the fund's share in proportion to what it paid.
      CROSS JOIN LATERAL (SELECT greatest(1, x."lossFen" * (5 + floor(${u(1)} * 40)::int) / 100) AS amount,
             ${sql.dayNo(sql.epoch('x."decidedAt"'))} + 1 + floor(${u(2)} * 120)::int AS day OFFSET 0) r0
      CROSS JOIN LATERAL (SELECT r0.amount, r0.day, least(div(r0.amount::numeric * x."approvedFen", x."lossFen")::int8, x."approvedFen") AS share OFFSET 0) r
     WHERE ${u(0)} < 0.45 AND r.day <= ${p.asOfDay}`;
}

/** The bank's yearly cap and the fund's budget room for every claim the run filed (in 千万, rounded up). */
function fitFund(sql: Sql): string {
  return `WITH counting AS (
      SELECT "institutionId", year, sum(coalesce("approvedFen", "reservedFen")) AS used FROM claims
       WHERE "fundId" = ${fundId(sql)} AND status IN ('RESERVED', 'APPROVED', 'PARTIALLY_APPROVED') GROUP BY 1, 2),
    need AS (SELECT coalesce(max(used), 0) AS year_max, coalesce(sum(used), 0) AS total FROM counting),
    rule AS (
      UPDATE fund_rule_versions SET "capPerBankYearFen" = greatest("capPerBankYearFen", ceil((SELECT year_max FROM need) / 1e9) * 1e9)::int8
       WHERE id = ${ruleId(sql)} RETURNING 1)
    UPDATE funds SET "budgetFen" = greatest("budgetFen", ceil((SELECT total FROM need) * 1.5 / 1e9) * 1e9)::int8
     WHERE id = ${fundId(sql)} AND (SELECT count(*) FROM rule) >= 0`;
}

import { stringify } from "csv-stringify/sync";
import type { Db } from "~/db.server";
import { evaluateEnterprises } from "~/domain/credit/evaluate-enterprises.server";
import { runSignalImport } from "~/domain/credit/import/run-signal-import.server";
import { storeSignalBatch } from "~/domain/credit/import/submit-signal-batch.server";
import { SIGNAL_DEFINITIONS, SIGNAL_KINDS, type SignalKindKey } from "~/domain/credit/signal-kinds";
import type { Random } from "./random";

/**
 * Credit data for the demo city, written as the CSV files the source agencies
 * would send and imported through the same pipeline the finance office uses
 * (batch record, validation, upsert, audit), then evaluated.
 */

export const SIGNAL_SOURCES: Record<SignalKindKey, string> = {
  TAX_GRADE: "国家税务总局盘锦市税务局",
  TAX_PAID: "国家税务总局盘锦市税务局",
  INVOICED_SALES: "国家税务总局盘锦市税务局（增值税发票）",
  SOCIAL_INSURANCE: "盘锦市社会保险事业服务中心",
  PROVIDENT_FUND: "盘锦市住房公积金管理中心",
  UTILITY_PAYMENT: "国网盘锦供电公司、盘锦市水务集团",
  DISHONEST_DEBTOR: "盘锦市中级人民法院",
  ADMIN_PENALTY: "盘锦市市场监督管理局",
  RED_LIST: "盘锦市发展和改革委员会（信用办）",
  CREDIT_COMMITMENT: "盘锦市发展和改革委员会（信用办）",
};

export type CreditProfileKind = "good" | "penalised" | "random";

type Rows = Record<SignalKindKey, Record<string, string>[]>;

const SIZE_SALES_WAN: Record<string, [number, number]> = { MICRO: [5, 40], SMALL: [30, 300], MEDIUM: [200, 2_000], LARGE: [1_500, 8_000] };
const SIZE_HEADCOUNT: Record<string, [number, number]> = { MICRO: [2, 9], SMALL: [10, 99], MEDIUM: [100, 299], LARGE: [300, 1_500] };

function monthsBack(asOf: string, count: number): string[] {
  const y = Number(asOf.slice(0, 4));
  const m = Number(asOf.slice(5, 7)) - 1;
  const out: string[] = [];
  // The current month is not closed yet: data runs to the previous month.
  for (let i = count; i >= 1; i--) out.push(new Date(Date.UTC(y, m - i, 1)).toISOString().slice(0, 7));
  return out;
}

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
const monthEnd = (period: string) => {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

/** One enterprise's facts as CSV rows keyed by column. */
export function generateCreditRows(
  rng: Random,
  e: { uscc: string; size: string; foundedOn: Date },
  asOf: string,
  profile: CreditProfileKind,
  rows: Rows,
): void {
  const months = monthsBack(asOf, 24);
  const good = profile === "good";
  const grade = good ? "A" : rng.weighted([["A", 30], ["B", 40], ["M", 15], ["C", 10], ["D", 5]] as const);
  const year = Number(asOf.slice(0, 4));
  rows.TAX_GRADE.push({ uscc: e.uscc, year: String(year - 1), grade, as_of: `${year}-04-30` });
  rows.TAX_GRADE.push({ uscc: e.uscc, year: String(year - 2), grade: good ? "A" : rng.pick(["A", "B", "B", "M", "C"]), as_of: `${year - 1}-04-30` });

  const [lo, hi] = SIZE_SALES_WAN[e.size] ?? [10, 100];
  let sales = rng.int(lo, hi) * 1_000_000; // 分 per month
  const growth = good ? 1.01 : 0.985 + rng.next() * 0.035;
  const [hlo, hhi] = SIZE_HEADCOUNT[e.size] ?? [5, 50];
  let headcount = rng.int(hlo, hhi);
  const hasFund = good || rng.next() < 0.7;
  const arrearsMonths = good ? 0 : rng.next() < 0.15 ? rng.int(1, 4) : 0;
  const lateRate = good ? 0 : rng.next() < 0.2 ? 0.3 : 0.03;
  months.forEach((period, i) => {
    const asOfDay = monthEnd(period);
    sales = Math.max(100_000, Math.round(sales * growth * (0.9 + rng.next() * 0.2)));
    headcount = Math.max(1, headcount + rng.int(-1, 1));
    rows.INVOICED_SALES.push({ uscc: e.uscc, period, amount_yuan: yuan(sales), invoice_count: String(rng.int(5, 80)), as_of: asOfDay });
    rows.TAX_PAID.push({ uscc: e.uscc, period, amount_yuan: yuan(Math.round(sales * 0.03)), as_of: asOfDay });
    const arrears = i >= months.length - arrearsMonths ? rng.int(2_000, 40_000) * 100 : 0;
    rows.SOCIAL_INSURANCE.push({ uscc: e.uscc, period, headcount: String(headcount), arrears_yuan: yuan(arrears), as_of: asOfDay });
    if (hasFund) {
      rows.PROVIDENT_FUND.push({
        uscc: e.uscc,
        period,
        headcount: String(Math.max(1, headcount - rng.int(0, 2))),
        amount_yuan: yuan(headcount * rng.int(600, 1_200) * 100),
        as_of: asOfDay,
      });
    }
    for (const utility of ["ELECTRICITY", "WATER"]) {
      rows.UTILITY_PAYMENT.push({
        uscc: e.uscc,
        period,
        utility,
        bills_due: "1",
        bills_on_time: rng.next() < lateRate ? "0" : "1",
        as_of: asOfDay,
      });
    }
  });

  if (profile === "penalised") {
    rows.ADMIN_PENALTY.push({
      uscc: e.uscc,
      decision_no: `盘市监罚〔${year}〕${rng.int(100, 999)}号`,
      authority: "盘锦市市场监督管理局",
      decided_on: `${year}-0${rng.int(1, 6)}-1${rng.int(0, 9)}`,
      severity: "GENERAL",
      fine_yuan: "20000",
      repaired: "NO",
      as_of: asOf,
    });
  }
  if (profile === "random") {
    if (rng.next() < 0.02) {
      const ended = rng.next() < 0.5;
      rows.DISHONEST_DEBTOR.push({
        uscc: e.uscc,
        case_no: `(${year - 1})辽11${rng.int(0, 9)}${rng.int(1, 9)}执${rng.int(100, 2999)}号`,
        court: "盘锦市双台子区人民法院",
        starts_on: `${year - 1}-0${rng.int(1, 9)}-15`,
        ends_on: ended ? `${year}-0${rng.int(1, 9)}-01` : "",
        as_of: asOf,
      });
    }
    if (rng.next() < 0.1) {
      rows.ADMIN_PENALTY.push({
        uscc: e.uscc,
        decision_no: `盘市监罚〔${year - rng.int(0, 2)}〕${rng.int(1000, 9999)}号`,
        authority: rng.pick(["盘锦市市场监督管理局", "盘锦市生态环境局", "盘锦市应急管理局"]),
        decided_on: `${year - 1}-${String(rng.int(1, 12)).padStart(2, "0")}-${String(rng.int(1, 28)).padStart(2, "0")}`,
        severity: rng.weighted([["MINOR", 50], ["GENERAL", 40], ["SEVERE", 10]] as const),
        fine_yuan: String(rng.int(1, 100) * 1000),
        repaired: rng.next() < 0.3 ? "YES" : "NO",
        as_of: asOf,
      });
    }
  }
  if (grade === "A" && (good || rng.next() < 0.4)) {
    rows.RED_LIST.push({ uscc: e.uscc, list_type: "A_TAXPAYER", reference: `盘税〔${year}〕${rng.int(1, 99)}号`, starts_on: `${year}-04-30`, ends_on: `${year + 1}-04-29`, as_of: asOf });
  }
  if (good || rng.next() < 0.2) {
    rows.CREDIT_COMMITMENT.push({
      uscc: e.uscc,
      reference: `CN-${year}-${e.uscc.slice(10, 16)}`,
      matter: "按期报送年度报告并如实公示",
      made_on: `${year - 1}-06-30`,
      status: good || rng.next() < 0.9 ? "KEPT" : "BROKEN",
      as_of: asOf,
    });
  }
}

export function emptyRows(): Rows {
  return Object.fromEntries(SIGNAL_KINDS.map((k) => [k, []])) as unknown as Rows;
}

/** The CSV a source agency would send for one kind: Chinese headers, as the templates have them. */
export function toCsv(kind: SignalKindKey, rows: Record<string, string>[]): Buffer {
  const columns = SIGNAL_DEFINITIONS[kind].columns;
  const table = [columns.map((c) => c.zh), ...rows.map((r) => columns.map((c) => r[c.key] ?? ""))];
  return Buffer.from(stringify(table), "utf8");
}

export async function seedCreditData(
  db: Db,
  options: {
    rng: Random;
    enterprises: { uscc: string; size: string; foundedOn: Date; profile: CreditProfileKind }[];
    institutionId: string;
    createdById: string;
    asOf: string;
    log: (line: string) => void;
  },
): Promise<void> {
  const rows = emptyRows();
  for (const e of options.enterprises) generateCreditRows(options.rng, e, options.asOf, e.profile, rows);
  for (const kind of SIGNAL_KINDS) {
    if (rows[kind].length === 0) continue;
    const stored = await storeSignalBatch(db, {
      kind,
      source: SIGNAL_SOURCES[kind],
      policy: "ALL_OR_NOTHING",
      fileName: `${kind.toLowerCase()}-${options.asOf}.csv`,
      format: "CSV",
      content: toCsv(kind, rows[kind]),
      institutionId: options.institutionId,
      createdById: options.createdById,
      ip: null,
    });
    if (stored.duplicate) continue;
    const outcome = await runSignalImport(db, stored.batchId);
    options.log(`credit signals ${kind}: ${"rowsAccepted" in outcome ? `${outcome.rowsAccepted} rows, ${outcome.status}` : outcome.status}`);
  }
  const ids = await db.enterprise.findMany({ select: { id: true } });
  const result = await evaluateEnterprises(db, { enterpriseIds: ids.map((e) => e.id), trigger: "seed" });
  options.log(`credit evaluations: ${result.created} created, ${result.changed} made current`);
}

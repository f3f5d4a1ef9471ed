import { z } from "zod";
import { parseUscc } from "~/domain/identity/uscc";
import { MAX_AMOUNT_FEN, messageKey } from "~/schemas/fields";

/**
 * The column sets of every kind of credit signal (PRODUCT.md §3.2): what a CSV
 * file or a JSON row must carry, how each cell is validated, and how a valid
 * row becomes one stored fact. The same definitions drive the importer, the
 * downloadable templates, the in-app column documentation and the correction
 * form, so they cannot drift apart.
 *
 * Cells arrive as text (CSV) or as JSON scalars; both are normalised to text
 * (NFKC, trimmed) before validation, so full-width digits and stray spaces are
 * accepted and a number in JSON means the same as in CSV.
 */

export const SIGNAL_KINDS = [
  "TAX_GRADE",
  "TAX_PAID",
  "INVOICED_SALES",
  "SOCIAL_INSURANCE",
  "PROVIDENT_FUND",
  "UTILITY_PAYMENT",
  "DISHONEST_DEBTOR",
  "ADMIN_PENALTY",
  "RED_LIST",
  "CREDIT_COMMITMENT",
] as const;
export type SignalKindKey = (typeof SIGNAL_KINDS)[number];

export const TAX_GRADES = ["A", "B", "M", "C", "D"] as const;
export const UTILITY_TYPES = ["ELECTRICITY", "WATER", "GAS"] as const;
export const PENALTY_SEVERITIES = ["MINOR", "GENERAL", "SEVERE"] as const;
export const RED_LIST_TYPES = ["A_TAXPAYER", "CUSTOMS_AEO", "HONOUR"] as const;
export const COMMITMENT_STATUSES = ["KEPT", "BROKEN", "PENDING"] as const;

/** What a valid row becomes: the typed columns of `credit_signals`. */
export type SignalFields = {
  naturalKey: string;
  asOf: Date;
  period: string | null;
  grade: string | null;
  amountFen: bigint | null;
  count: number | null;
  ratioBps: number | null;
  severity: string | null;
  startsOn: Date | null;
  endsOn: Date | null;
  kept: boolean | null;
  repaired: boolean;
  details: Record<string, string | number>;
};

export type ColumnType = "uscc" | "year" | "month" | "date" | "money" | "integer" | "choice" | "boolean" | "text";

export type Column = {
  key: string;
  zh: string;
  en: string;
  type: ColumnType;
  required: boolean;
  /** Accepted values of a choice column, each with the Chinese words also accepted for it. */
  choices?: Record<string, readonly string[]>;
  example: string;
  /** May the finance office change it when upholding an objection? Identity columns may not. */
  correctable: boolean;
};

// ─── Cell rules ─────────────────────────────────────────────────────────────

const MAX_TEXT = 200;
const MAX_COUNT = 10_000_000;

function cell() {
  return z.string({ error: "required" }).transform((v) => v.normalize("NFKC").trim());
}

const required = () => cell().pipe(z.string().min(1, { error: "required" }).max(MAX_TEXT, { error: "tooLong" }));
const optional = () => cell().pipe(z.string().max(MAX_TEXT, { error: "tooLong" })).transform((v) => (v === "" ? null : v));

/** The same GB 32100 rule as registration: a mistyped code is named as such, not as "unknown". */
const usccCell = () =>
  cell().transform((v, ctx) => {
    const result = parseUscc(v);
    if (result.ok) return result.value;
    const { code, ...params } = result.error;
    ctx.addIssue({ code: "custom", message: messageKey(code, params as Record<string, string | number>) });
    return z.NEVER;
  });

function parseDate(text: string): Date | null {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(text);
  if (!m) return null;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.getUTCFullYear() === Number(m[1]) && date.getUTCMonth() === Number(m[2]) - 1 && date.getUTCDate() === Number(m[3])
    ? date
    : null;
}

const dateCell = () =>
  required().transform((v, ctx) => {
    const date = parseDate(v);
    if (!date) {
      ctx.addIssue({ code: "custom", message: "invalidDate" });
      return z.NEVER;
    }
    return date;
  });

const optionalDateCell = () =>
  optional().transform((v, ctx) => {
    if (v === null) return null;
    const date = parseDate(v);
    if (!date) {
      ctx.addIssue({ code: "custom", message: "invalidDate" });
      return z.NEVER;
    }
    return date;
  });

const monthCell = () =>
  required().transform((v, ctx) => {
    const m = /^(\d{4})[-/](\d{1,2})$/.exec(v);
    const month = m ? Number(m[2]) : 0;
    if (!m || month < 1 || month > 12 || Number(m[1]) < 1990 || Number(m[1]) > 2100) {
      ctx.addIssue({ code: "custom", message: "import.invalidMonth" });
      return z.NEVER;
    }
    return `${m[1]}-${String(month).padStart(2, "0")}`;
  });

const yearCell = () =>
  required().pipe(
    z
      .string()
      .regex(/^\d{4}$/, { error: "import.invalidYear" })
      .refine((v) => Number(v) >= 1990 && Number(v) <= 2100, { error: "import.invalidYear" }),
  );

const moneyText = (v: string, ctx: z.RefinementCtx): bigint => {
  const text = v.replace(/[,\s]/g, "");
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) {
    ctx.addIssue({ code: "custom", message: "invalidMoney" });
    return z.NEVER;
  }
  const fen = BigInt(m[1]!) * 100n + BigInt((m[2] ?? "").padEnd(2, "0"));
  if (fen > MAX_AMOUNT_FEN) {
    ctx.addIssue({ code: "custom", message: "moneyTooLarge" });
    return z.NEVER;
  }
  return fen;
};
const moneyCell = () => required().transform(moneyText);
const optionalMoneyCell = () => optional().transform((v, ctx) => (v === null ? null : moneyText(v, ctx)));

const integerCell = (min: number) => required().transform((v, ctx) => integerText(v, min, ctx));

const integerText = (v: string, min: number, ctx: z.RefinementCtx): number => {
  if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > MAX_COUNT) {
    ctx.addIssue({ code: "custom", message: messageKey("import.invalidInteger", { min, max: MAX_COUNT }) });
    return z.NEVER;
  }
  return Number(v);
};
const optionalIntegerCell = (min: number) => optional().transform((v, ctx) => (v === null ? null : integerText(v, min, ctx)));

/** A choice column accepts its code (any case) or one of its Chinese words. */
function choiceCell<const T extends string>(choices: Record<T, readonly string[]>) {
  const lookup = new Map<string, T>();
  for (const [code, words] of Object.entries(choices) as [T, readonly string[]][]) {
    lookup.set(code.toUpperCase(), code);
    for (const word of words) lookup.set(word.toUpperCase(), code);
  }
  return required().transform((v, ctx) => {
    const code = lookup.get(v.toUpperCase());
    if (!code) {
      ctx.addIssue({ code: "custom", message: messageKey("import.invalidChoice", { allowed: Object.keys(choices).join(" / ") }) });
      return z.NEVER;
    }
    return code;
  });
}

const BOOLEAN_CHOICES = { YES: ["是", "Y", "TRUE", "1", "已修复"], NO: ["否", "N", "FALSE", "0", "未修复"] } as const;

// ─── Choice vocabularies (the Chinese words staff actually type) ───────────

const TAX_GRADE_CHOICES = { A: [], B: [], M: [], C: [], D: [] } as const;
const UTILITY_CHOICES = { ELECTRICITY: ["电", "电费", "电力"], WATER: ["水", "水费"], GAS: ["燃气", "气", "燃气费"] } as const;
const SEVERITY_CHOICES = { MINOR: ["轻微"], GENERAL: ["一般"], SEVERE: ["严重", "较重"] } as const;
const RED_LIST_CHOICES = {
  A_TAXPAYER: ["A级纳税人", "纳税信用A级"],
  CUSTOMS_AEO: ["海关高级认证企业", "海关AEO", "AEO"],
  HONOUR: ["荣誉", "表彰", "守信激励"],
} as const;
const COMMITMENT_CHOICES = { KEPT: ["已履行", "履行"], BROKEN: ["未履行", "违反"], PENDING: ["履行中", "待履行"] } as const;

// ─── Column sets ────────────────────────────────────────────────────────────

const USCC_COLUMN: Column = { key: "uscc", zh: "统一社会信用代码", en: "USCC", type: "uscc", required: true, example: "91211100MA0Q5X8K3A", correctable: false };
const AS_OF_COLUMN: Column = { key: "as_of", zh: "数据日期", en: "As-of date", type: "date", required: true, example: "2026-10-31", correctable: true };

const col = (c: Omit<Column, "correctable"> & { correctable?: boolean }): Column => ({ correctable: true, ...c });

export type SignalKindDefinition = {
  kind: SignalKindKey;
  columns: readonly Column[];
  /** Validates one row (keyed by column key) and maps it to the stored fact. */
  row: z.ZodType<{ uscc: string; fields: SignalFields }, Record<string, string>>;
};

function fields(partial: Partial<SignalFields> & Pick<SignalFields, "naturalKey" | "asOf">): SignalFields {
  return {
    period: null,
    grade: null,
    amountFen: null,
    count: null,
    ratioBps: null,
    severity: null,
    startsOn: null,
    endsOn: null,
    kept: null,
    repaired: false,
    details: {},
    ...partial,
  };
}

const monthly = (extra: Column[]): Column[] => [
  USCC_COLUMN,
  col({ key: "period", zh: "所属月份", en: "Month", type: "month", required: true, example: "2026-10", correctable: false }),
  ...extra,
  AS_OF_COLUMN,
];

function definition<S extends z.ZodRawShape>(
  kind: SignalKindKey,
  columns: Column[],
  shape: S,
  map: (row: z.output<z.ZodObject<S>>, ctx: z.RefinementCtx) => { uscc: string; fields: SignalFields } | typeof z.NEVER,
): SignalKindDefinition {
  const row = z
    .object(shape)
    .transform((value, ctx) => map(value, ctx)) as unknown as SignalKindDefinition["row"];
  return { kind, columns, row };
}

const notAfter = (end: Date | null, start: Date, ctx: z.RefinementCtx, column: string) => {
  if (end && end.getTime() < start.getTime()) ctx.addIssue({ code: "custom", message: "import.endBeforeStart", path: [column] });
};

export const SIGNAL_DEFINITIONS: Record<SignalKindKey, SignalKindDefinition> = {
  TAX_GRADE: definition(
    "TAX_GRADE",
    [
      USCC_COLUMN,
      col({ key: "year", zh: "评价年度", en: "Assessment year", type: "year", required: true, example: "2025", correctable: false }),
      col({ key: "grade", zh: "纳税信用等级", en: "Tax credit grade", type: "choice", required: true, choices: TAX_GRADE_CHOICES, example: "A" }),
      AS_OF_COLUMN,
    ],
    { uscc: usccCell(), year: yearCell(), grade: choiceCell(TAX_GRADE_CHOICES), as_of: dateCell() },
    (r) => ({ uscc: r.uscc, fields: fields({ naturalKey: r.year, asOf: r.as_of, period: r.year, grade: r.grade }) }),
  ),
  TAX_PAID: definition(
    "TAX_PAID",
    monthly([col({ key: "amount_yuan", zh: "纳税额（元）", en: "Tax paid (yuan)", type: "money", required: true, example: "12345.67" })]),
    { uscc: usccCell(), period: monthCell(), amount_yuan: moneyCell(), as_of: dateCell() },
    (r) => ({ uscc: r.uscc, fields: fields({ naturalKey: r.period, asOf: r.as_of, period: r.period, amountFen: r.amount_yuan }) }),
  ),
  INVOICED_SALES: definition(
    "INVOICED_SALES",
    monthly([
      col({ key: "amount_yuan", zh: "开票销售额（元）", en: "Invoiced sales (yuan)", type: "money", required: true, example: "860000.00" }),
      col({ key: "invoice_count", zh: "开票张数", en: "Invoices issued", type: "integer", required: false, example: "42" }),
    ]),
    {
      uscc: usccCell(),
      period: monthCell(),
      amount_yuan: moneyCell(),
      invoice_count: optionalIntegerCell(0),
      as_of: dateCell(),
    },
    (r) => ({
      uscc: r.uscc,
      fields: fields({
        naturalKey: r.period,
        asOf: r.as_of,
        period: r.period,
        amountFen: r.amount_yuan,
        count: r.invoice_count,
      }),
    }),
  ),
  SOCIAL_INSURANCE: definition(
    "SOCIAL_INSURANCE",
    monthly([
      col({ key: "headcount", zh: "参保人数", en: "Insured headcount", type: "integer", required: true, example: "36" }),
      col({ key: "arrears_yuan", zh: "欠缴金额（元）", en: "Arrears (yuan)", type: "money", required: false, example: "0" }),
    ]),
    { uscc: usccCell(), period: monthCell(), headcount: integerCell(0), arrears_yuan: optionalMoneyCell(), as_of: dateCell() },
    (r) => ({
      uscc: r.uscc,
      fields: fields({ naturalKey: r.period, asOf: r.as_of, period: r.period, count: r.headcount, amountFen: r.arrears_yuan ?? 0n }),
    }),
  ),
  PROVIDENT_FUND: definition(
    "PROVIDENT_FUND",
    monthly([
      col({ key: "headcount", zh: "缴存人数", en: "Contributing headcount", type: "integer", required: true, example: "30" }),
      col({ key: "amount_yuan", zh: "缴存金额（元）", en: "Contributed (yuan)", type: "money", required: true, example: "42000.00" }),
    ]),
    { uscc: usccCell(), period: monthCell(), headcount: integerCell(0), amount_yuan: moneyCell(), as_of: dateCell() },
    (r) => ({
      uscc: r.uscc,
      fields: fields({ naturalKey: r.period, asOf: r.as_of, period: r.period, count: r.headcount, amountFen: r.amount_yuan }),
    }),
  ),
  UTILITY_PAYMENT: definition(
    "UTILITY_PAYMENT",
    monthly([
      col({ key: "utility", zh: "缴费类型", en: "Utility", type: "choice", required: true, choices: UTILITY_CHOICES, example: "ELECTRICITY", correctable: false }),
      col({ key: "bills_due", zh: "应缴笔数", en: "Bills due", type: "integer", required: true, example: "1" }),
      col({ key: "bills_on_time", zh: "按时缴纳笔数", en: "Bills paid on time", type: "integer", required: true, example: "1" }),
    ]),
    {
      uscc: usccCell(),
      period: monthCell(),
      utility: choiceCell(UTILITY_CHOICES),
      bills_due: integerCell(1),
      bills_on_time: integerCell(0),
      as_of: dateCell(),
    },
    (r, ctx) => {
      if (r.bills_on_time > r.bills_due) {
        ctx.addIssue({ code: "custom", message: "import.onTimeExceedsDue", path: ["bills_on_time"] });
        return z.NEVER;
      }
      return {
        uscc: r.uscc,
        fields: fields({
          naturalKey: `${r.period}:${r.utility}`,
          asOf: r.as_of,
          period: r.period,
          count: r.bills_due,
          ratioBps: Math.floor((r.bills_on_time * 10_000) / r.bills_due),
          details: { utility: r.utility, billsOnTime: r.bills_on_time },
        }),
      };
    },
  ),
  DISHONEST_DEBTOR: definition(
    "DISHONEST_DEBTOR",
    [
      USCC_COLUMN,
      col({ key: "case_no", zh: "案号", en: "Case number", type: "text", required: true, example: "(2025)辽1102执123号", correctable: false }),
      col({ key: "court", zh: "执行法院", en: "Court", type: "text", required: true, example: "盘锦市双台子区人民法院" }),
      col({ key: "starts_on", zh: "列入日期", en: "Listed on", type: "date", required: true, example: "2025-03-01" }),
      col({ key: "ends_on", zh: "移出日期", en: "Removed on", type: "date", required: false, example: "" }),
      AS_OF_COLUMN,
    ],
    { uscc: usccCell(), case_no: required(), court: required(), starts_on: dateCell(), ends_on: optionalDateCell(), as_of: dateCell() },
    (r, ctx) => {
      notAfter(r.ends_on, r.starts_on, ctx, "ends_on");
      return {
        uscc: r.uscc,
        fields: fields({ naturalKey: r.case_no, asOf: r.as_of, startsOn: r.starts_on, endsOn: r.ends_on, details: { court: r.court } }),
      };
    },
  ),
  ADMIN_PENALTY: definition(
    "ADMIN_PENALTY",
    [
      USCC_COLUMN,
      col({ key: "decision_no", zh: "处罚决定书文号", en: "Decision number", type: "text", required: true, example: "盘市监罚〔2025〕18号", correctable: false }),
      col({ key: "authority", zh: "处罚机关", en: "Authority", type: "text", required: true, example: "盘锦市市场监督管理局" }),
      col({ key: "decided_on", zh: "处罚日期", en: "Decided on", type: "date", required: true, example: "2025-06-18" }),
      col({ key: "severity", zh: "严重程度", en: "Severity", type: "choice", required: true, choices: SEVERITY_CHOICES, example: "GENERAL" }),
      col({ key: "fine_yuan", zh: "罚款金额（元）", en: "Fine (yuan)", type: "money", required: false, example: "5000" }),
      col({ key: "repaired", zh: "是否已信用修复", en: "Repaired", type: "boolean", required: true, choices: BOOLEAN_CHOICES, example: "NO" }),
      AS_OF_COLUMN,
    ],
    {
      uscc: usccCell(),
      decision_no: required(),
      authority: required(),
      decided_on: dateCell(),
      severity: choiceCell(SEVERITY_CHOICES),
      fine_yuan: optionalMoneyCell(),
      repaired: choiceCell(BOOLEAN_CHOICES),
      as_of: dateCell(),
    },
    (r) => ({
      uscc: r.uscc,
      fields: fields({
        naturalKey: r.decision_no,
        asOf: r.as_of,
        startsOn: r.decided_on,
        severity: r.severity,
        amountFen: r.fine_yuan,
        repaired: r.repaired === "YES",
        details: { authority: r.authority },
      }),
    }),
  ),
  RED_LIST: definition(
    "RED_LIST",
    [
      USCC_COLUMN,
      col({ key: "list_type", zh: "红名单类型", en: "List", type: "choice", required: true, choices: RED_LIST_CHOICES, example: "A_TAXPAYER", correctable: false }),
      col({ key: "reference", zh: "认定文号", en: "Reference", type: "text", required: true, example: "盘税〔2026〕3号", correctable: false }),
      col({ key: "starts_on", zh: "生效日期", en: "Valid from", type: "date", required: true, example: "2026-04-01" }),
      col({ key: "ends_on", zh: "截止日期", en: "Valid until", type: "date", required: false, example: "2027-03-31" }),
      AS_OF_COLUMN,
    ],
    {
      uscc: usccCell(),
      list_type: choiceCell(RED_LIST_CHOICES),
      reference: required(),
      starts_on: dateCell(),
      ends_on: optionalDateCell(),
      as_of: dateCell(),
    },
    (r, ctx) => {
      notAfter(r.ends_on, r.starts_on, ctx, "ends_on");
      return {
        uscc: r.uscc,
        fields: fields({
          naturalKey: `${r.list_type}:${r.reference}`,
          asOf: r.as_of,
          grade: r.list_type,
          startsOn: r.starts_on,
          endsOn: r.ends_on,
        }),
      };
    },
  ),
  CREDIT_COMMITMENT: definition(
    "CREDIT_COMMITMENT",
    [
      USCC_COLUMN,
      col({ key: "reference", zh: "承诺编号", en: "Commitment number", type: "text", required: true, example: "CN-2026-0012", correctable: false }),
      col({ key: "matter", zh: "承诺事项", en: "Matter", type: "text", required: true, example: "按期提交年度报告" }),
      col({ key: "made_on", zh: "承诺日期", en: "Made on", type: "date", required: true, example: "2026-01-15" }),
      col({ key: "status", zh: "履行情况", en: "Status", type: "choice", required: true, choices: COMMITMENT_CHOICES, example: "KEPT" }),
      AS_OF_COLUMN,
    ],
    {
      uscc: usccCell(),
      reference: required(),
      matter: required(),
      made_on: dateCell(),
      status: choiceCell(COMMITMENT_CHOICES),
      as_of: dateCell(),
    },
    (r) => ({
      uscc: r.uscc,
      fields: fields({
        naturalKey: r.reference,
        asOf: r.as_of,
        startsOn: r.made_on,
        grade: r.status,
        kept: r.status === "KEPT" ? true : r.status === "BROKEN" ? false : null,
        details: { matter: r.matter },
      }),
    }),
  ),
};

export function isSignalKind(value: string): value is SignalKindKey {
  return (SIGNAL_KINDS as readonly string[]).includes(value);
}

/** Header cells may be the column key or its Chinese name; returns the key, or null. */
export function columnForHeader(definition: SignalKindDefinition, header: string): string | null {
  // Both sides NFKC-normalised: "（元）" typed full-width or half-width is the same header.
  const text = header.normalize("NFKC").trim().replace(/^\uFEFF/, "").replace(/\s+/g, "");
  const lower = text.toLowerCase();
  const column = definition.columns.find((c) => c.key === lower || c.zh.normalize("NFKC") === text);
  return column?.key ?? null;
}

/** A CSV template: the header row in the chosen language and one example row. */
export function templateRows(definition: SignalKindDefinition, header: "key" | "zh"): string[][] {
  return [definition.columns.map((c) => (header === "zh" ? c.zh : c.key)), definition.columns.map((c) => c.example)];
}

/** The stored columns of a fact, as the importer's rows would carry them. */
export type StoredSignal = {
  naturalKey: string;
  asOf: Date;
  period: string | null;
  grade: string | null;
  amountFen: bigint | null;
  count: number | null;
  severity: string | null;
  startsOn: Date | null;
  endsOn: Date | null;
  kept: boolean | null;
  repaired: boolean;
  details: unknown;
};

/**
 * The inverse of a kind's row mapping: a stored fact back to the cells of its
 * row, so a correction is edited and validated with the same rules as an import.
 */
export function signalToCells(kind: SignalKindKey, s: StoredSignal, uscc: string): Record<string, string> {
  const d = (v: Date | null) => (v ? v.toISOString().slice(0, 10) : "");
  const yuan = (fen: bigint | null) => (fen === null ? "" : `${fen / 100n}.${(fen % 100n).toString().padStart(2, "0")}`);
  const details = (s.details ?? {}) as Record<string, unknown>;
  const detail = (key: string) => (details[key] === undefined ? "" : String(details[key]));
  const base = { uscc, as_of: d(s.asOf) };
  switch (kind) {
    case "TAX_GRADE":
      return { ...base, year: s.period ?? s.naturalKey, grade: s.grade ?? "" };
    case "TAX_PAID":
      return { ...base, period: s.period ?? "", amount_yuan: yuan(s.amountFen) };
    case "INVOICED_SALES":
      return { ...base, period: s.period ?? "", amount_yuan: yuan(s.amountFen), invoice_count: s.count === null ? "" : String(s.count) };
    case "SOCIAL_INSURANCE":
      return { ...base, period: s.period ?? "", headcount: String(s.count ?? 0), arrears_yuan: yuan(s.amountFen) };
    case "PROVIDENT_FUND":
      return { ...base, period: s.period ?? "", headcount: String(s.count ?? 0), amount_yuan: yuan(s.amountFen) };
    case "UTILITY_PAYMENT":
      return { ...base, period: s.period ?? "", utility: detail("utility"), bills_due: String(s.count ?? 0), bills_on_time: detail("billsOnTime") };
    case "DISHONEST_DEBTOR":
      return { ...base, case_no: s.naturalKey, court: detail("court"), starts_on: d(s.startsOn), ends_on: d(s.endsOn) };
    case "ADMIN_PENALTY":
      return {
        ...base,
        decision_no: s.naturalKey,
        authority: detail("authority"),
        decided_on: d(s.startsOn),
        severity: s.severity ?? "",
        fine_yuan: yuan(s.amountFen),
        repaired: s.repaired ? "YES" : "NO",
      };
    case "RED_LIST":
      return { ...base, list_type: s.grade ?? "", reference: s.naturalKey.slice(s.naturalKey.indexOf(":") + 1), starts_on: d(s.startsOn), ends_on: d(s.endsOn) };
    case "CREDIT_COMMITMENT":
      return {
        ...base,
        reference: s.naturalKey,
        matter: detail("matter"),
        made_on: d(s.startsOn),
        status: s.kept === true ? "KEPT" : s.kept === false ? "BROKEN" : "PENDING",
      };
  }
}

import { z } from "zod";
import { platformToday } from "~/domain/credit/build-snapshot";
import { REGION_CODES } from "~/domain/reference/regions";
import { INDUSTRY_CODE_PATTERN } from "~/domain/reference/industries";

/**
 * What the finance office narrows the monitoring dashboard to: a period of
 * whole months (China time) and at most one region, industry, enterprise size,
 * bank and product. One of each, not several: counts of distinct needs matched
 * to "a bank" add up over months and regions, but not over banks.
 */
export type MonitoringFilters = {
  /** First and last month of the period, "YYYY-MM", inclusive. */
  from: string;
  to: string;
  regionCode?: string;
  industryCode?: string;
  size?: "MICRO" | "SMALL" | "MEDIUM" | "LARGE";
  institutionId?: string;
  productId?: string;
};

export const MONITORING_SIZES = ["MICRO", "SMALL", "MEDIUM", "LARGE"] as const;
/** Five years of months at most: beyond that a monthly chart stops being readable. */
export const MAX_PERIOD_MONTHS = 60;
/** The period shown when none is asked for: the last twelve months, this one included. */
export const DEFAULT_PERIOD_MONTHS = 12;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** "YYYY-MM" → months since year 0, so periods compare and count with integers. */
export function monthIndex(month: string): number {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`not a month: ${month}`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

export function monthString(index: number): string {
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** Every month of the period, in order. */
export function periodMonths(filters: Pick<MonitoringFilters, "from" | "to">): string[] {
  const out: string[] = [];
  for (let i = monthIndex(filters.from); i <= monthIndex(filters.to); i++) out.push(monthString(i));
  return out;
}

/** The month a China calendar day falls in. */
export function currentMonth(now: Date = new Date()): string {
  return platformToday(now).slice(0, 7);
}

export function defaultPeriod(now: Date = new Date()): { from: string; to: string } {
  const to = currentMonth(now);
  return { from: monthString(monthIndex(to) - (DEFAULT_PERIOD_MONTHS - 1)), to };
}

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());
const monthField = z.string().regex(MONTH, { message: "errors.monitoring.month" });

/**
 * The query string's filters. Error messages are i18n keys (errors.monitoring.*);
 * a bad query string is refused whole, so the page never shows figures for
 * something other than what the address says.
 */
export const MonitoringFiltersSchema = z
  .object({
    from: optional(monthField),
    to: optional(monthField),
    region: optional(z.enum(REGION_CODES, { message: "errors.monitoring.region" })),
    industry: optional(z.string().regex(INDUSTRY_CODE_PATTERN, { message: "errors.monitoring.industry" })),
    size: optional(z.enum(MONITORING_SIZES, { message: "errors.monitoring.size" })),
    bank: optional(z.uuid({ message: "errors.monitoring.bank" })),
    product: optional(z.uuid({ message: "errors.monitoring.product" })),
  })
  .strict();

export type MonitoringFilterInput = z.input<typeof MonitoringFiltersSchema>;

export type ParsedFilters = { ok: true; filters: MonitoringFilters } | { ok: false; errors: string[] };

/** The filters from a query string, the default period filled in, or the i18n keys of what is wrong. */
export function parseMonitoringFilters(params: URLSearchParams, now: Date = new Date()): ParsedFilters {
  const raw: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in raw) return { ok: false, errors: ["errors.monitoring.repeated"] };
    raw[key] = value;
  }
  const parsed = MonitoringFiltersSchema.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => (i.message.startsWith("errors.") ? i.message : "errors.monitoring.unknownFilter"));
    return { ok: false, errors: [...new Set(errors)] };
  }
  const d = parsed.data;
  const fallback = defaultPeriod(now);
  const to = d.to ?? (d.from && monthIndex(d.from) > monthIndex(fallback.to) ? d.from : fallback.to);
  const from = d.from ?? monthString(Math.min(monthIndex(fallback.from), monthIndex(to)));
  if (monthIndex(from) > monthIndex(to)) return { ok: false, errors: ["errors.monitoring.periodOrder"] };
  if (monthIndex(to) - monthIndex(from) + 1 > MAX_PERIOD_MONTHS) return { ok: false, errors: ["errors.monitoring.periodTooLong"] };
  return {
    ok: true,
    filters: {
      from,
      to,
      ...(d.region ? { regionCode: d.region } : {}),
      ...(d.industry ? { industryCode: d.industry } : {}),
      ...(d.size ? { size: d.size } : {}),
      ...(d.bank ? { institutionId: d.bank } : {}),
      ...(d.product ? { productId: d.product } : {}),
    },
  };
}

/** The query string for filters (the inverse of parseMonitoringFilters), e.g. for CSV links. */
export function filtersQuery(filters: MonitoringFilters): string {
  const p = new URLSearchParams({ from: filters.from, to: filters.to });
  if (filters.regionCode) p.set("region", filters.regionCode);
  if (filters.industryCode) p.set("industry", filters.industryCode);
  if (filters.size) p.set("size", filters.size);
  if (filters.institutionId) p.set("bank", filters.institutionId);
  if (filters.productId) p.set("product", filters.productId);
  return p.toString();
}

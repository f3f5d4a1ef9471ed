import type { Locale } from "./i18n";

/** Dates and times are shown in the platform's time zone whatever the server's. */
export const TIME_ZONE = "Asia/Shanghai";

const integerFormats = new Map<Locale, Intl.NumberFormat>();
function integerFormat(locale: Locale): Intl.NumberFormat {
  let format = integerFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    integerFormats.set(locale, format);
  }
  return format;
}

export function formatNumber(value: number | bigint, locale: Locale): string {
  return integerFormat(locale).format(value);
}

/**
 * Money stored as integer 分, shown in 元 with separators and exactly two
 * decimals, computed on integers so no amount is ever rounded by a float.
 */
export function formatMoneyFen(fen: bigint | number | string, locale: Locale): string {
  const value = BigInt(fen);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const yuan = integerFormat(locale).format(abs / 100n);
  const cents = (abs % 100n).toString().padStart(2, "0");
  const sign = negative ? "-" : "";
  return locale === "zh-CN" ? `${sign}${yuan}.${cents} 元` : `${sign}¥${yuan}.${cents}`;
}

/** Large amounts in 万元 / million yuan for headlines, to one decimal. */
export function formatMoneyCompact(fen: bigint | number | string, locale: Locale): string {
  const value = BigInt(fen);
  if (locale === "zh-CN") {
    const tenths = (value * 10n) / 1_000_000n; // 1 万元 = 1,000,000 分
    return `${integerFormat(locale).format(tenths / 10n)}.${(tenths % 10n).toString().replace("-", "")} 万元`;
  }
  const tenths = (value * 10n) / 100_000_000n; // 1 million yuan = 100,000,000 分
  return `¥${integerFormat(locale).format(tenths / 10n)}.${(tenths % 10n).toString().replace("-", "")}m`;
}

/** Rates stored as basis points: 435 → "4.35%". */
export function formatRateBps(bps: number): string {
  const sign = bps < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(bps));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}%`;
}

function parts(date: Date): Record<string, string> {
  const formatted = new Intl.DateTimeFormat("en-CA", {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(date);
  return Object.fromEntries(formatted.map((p) => [p.type, p.value]));
}

/** YYYY-MM-DD in both languages, as the conventions ask. */
export function formatDate(value: Date | string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  const p = parts(date);
  return `${p.year}-${p.month}-${p.day}`;
}

export function formatDateTime(value: Date | string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  const p = parts(date);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** A calendar date stored as @db.Date (midnight UTC) is shown as that same date. */
export function formatCalendarDate(value: Date | string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return date.toISOString().slice(0, 10);
}

/** Masks all but the first and last characters: 210102********1234. */
export function maskMiddle(value: string, keepStart: number, keepEnd: number): string {
  if (value.length <= keepStart + keepEnd) return "*".repeat(value.length);
  return value.slice(0, keepStart) + "*".repeat(value.length - keepStart - keepEnd) + value.slice(-keepEnd);
}

/**
 * A deadline that ends at midnight in China (the end of its last day): shown
 * as 23:59 of that day, not 00:00 of the next, which reads as a day later.
 */
export function formatDeadline(value: Date | string): string {
  const at = typeof value === "string" ? new Date(value) : value;
  return formatDateTime(new Date(at.getTime() - 60_000));
}

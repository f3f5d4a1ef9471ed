/**
 * Pure helpers shared by the option builders of every chart kind: number
 * formatting, gaps, the page's style. No DOM and no ECharts runtime here, so
 * they run in Node tests and cost nothing on the server.
 */
import { MISSING_TEXT, type ValueFormat } from "./trend-option";

// One dash and one format type for every chart, defined once with the trend chart.
export { MISSING_TEXT, type ValueFormat };

/** Grouped digits as staff in China read them, when the caller gives no format. */
export const defaultFormat: ValueFormat = (v) => v.toLocaleString("zh-CN");

/** A value that can be drawn; NaN/Infinity (e.g. a ratio over zero) is a gap like null. */
export function drawable(v: number | null | undefined): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/** A value through the caller's format, or the dash for a gap (never "0"). */
export function formatOrDash(v: unknown, format: ValueFormat): string {
  return typeof v === "number" && Number.isFinite(v) ? format(v) : MISSING_TEXT;
}

/**
 * ECharts inserts a tooltip formatter's string as HTML; names come from data
 * (bank products, districts), so they are escaped.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Width of a one-line text in px: CJK ≈ 1 em, Latin ≈ 0.6 em. A slight overestimate, so labels get enough room. */
export function textWidth(text: string, fontSize = 12): number {
  let width = 0;
  for (const ch of text) width += /[\u0000-\u024f]/.test(ch) ? fontSize * 0.6 : fontSize;
  return Math.ceil(width);
}

/** The page's look, from Ant Design tokens, and the user's motion preference. */
export type ChartStyle = {
  /** False when the user asked for reduced motion. */
  animation: boolean;
  fontFamily: string;
  textColor: string;
  secondaryTextColor: string;
  splitLineColor: string;
};

/** Fallbacks equal to Ant Design's default light tokens, for builders called without the page's style (tests, Node). */
export const DEFAULT_STYLE: ChartStyle = {
  animation: true,
  fontFamily: "sans-serif",
  textColor: "rgba(0, 0, 0, 0.88)",
  secondaryTextColor: "rgba(0, 0, 0, 0.65)",
  splitLineColor: "rgba(5, 5, 5, 0.06)",
};

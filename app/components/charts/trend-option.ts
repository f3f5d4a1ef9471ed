/**
 * Pure helpers behind `TrendChart`: the ECharts option and the table of the
 * same numbers. No DOM and no ECharts runtime here (type imports only), so
 * they are unit-tested in Node and cost nothing on the server.
 */
import type { BarSeriesOption, LineSeriesOption } from "echarts/charts";
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from "echarts/components";
import type { ComposeOption } from "echarts/core";

export type TrendSeries = { name: string; values: (number | null)[] };
export type TrendKind = "line" | "bar";
export type ValueFormat = (v: number) => string;

export type TrendOption = ComposeOption<LineSeriesOption | BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

/** Bounds on what one chart draws: beyond these it is unreadable, and a caller bug. */
export const MAX_CATEGORIES = 500;
export const MAX_SERIES = 12;

/** Shown for a missing value in the tooltip and the table (never "0"). */
export const MISSING_TEXT = "—";

/**
 * Ant Design's preset colours, primary (blue-6, #1677ff) first, ordered so
 * neighbours differ in hue. Red is left late: in China red also reads as
 * "up" or "danger", so it should not be an arbitrary second series.
 */
export const TREND_PALETTE = [
  "#1677ff", // blue-6 (colorPrimary)
  "#52c41a", // green-6
  "#fa8c16", // orange-6
  "#722ed1", // purple-6
  "#13c2c2", // cyan-6
  "#eb2f96", // magenta-6
  "#faad14", // gold-6
  "#2f54eb", // geekblue-6
  "#a0d911", // lime-6
  "#fa541c", // volcano-6
  "#f5222d", // red-6
  "#8c8c8c", // grey-6
] as const;

/** Line markers differ per series too, so lines are told apart without colour. */
const SYMBOLS = ["circle", "rect", "triangle", "diamond", "roundRect", "pin", "arrow"] as const;

const defaultFormat: ValueFormat = (v) => v.toLocaleString("zh-CN");

/** A value that can be drawn; NaN/Infinity (e.g. a ratio over zero) is a gap like null. */
function drawable(v: number | null | undefined): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/**
 * Checks the shape a caller must respect and returns each series' values
 * with non-finite numbers turned into gaps (null), never into zeros.
 */
function normalise(categories: readonly string[], series: readonly TrendSeries[]): (number | null)[][] {
  if (categories.length > MAX_CATEGORIES) {
    throw new RangeError(`TrendChart: ${categories.length} categories, at most ${MAX_CATEGORIES}`);
  }
  if (series.length > MAX_SERIES) {
    throw new RangeError(`TrendChart: ${series.length} series, at most ${MAX_SERIES}`);
  }
  return series.map((s) => {
    if (s.values.length !== categories.length) {
      // A silently shifted month is worse than a visible error.
      throw new RangeError(`TrendChart: series "${s.name}" has ${s.values.length} values for ${categories.length} categories`);
    }
    return s.values.map((v) => (drawable(v) ? v : null));
  });
}

/** True when at least one value of one series can be drawn. */
export function hasData(categories: readonly string[], series: readonly TrendSeries[]): boolean {
  return categories.length > 0 && series.some((s) => s.values.some(drawable));
}

export type TrendTableRow = { key: string; category: string } & Record<`s${number}`, string>;

/**
 * The chart's numbers as rows for the accessible table: one row per category,
 * one column per series (keyed `s0`, `s1`, … so series names need not be
 * unique or safe as keys), formatted as in the chart, missing values shown as
 * a dash.
 */
export function toTableRows(categories: readonly string[], series: readonly TrendSeries[], valueFormat: ValueFormat = defaultFormat): TrendTableRow[] {
  const values = normalise(categories, series);
  return categories.map((category, row) => {
    const out: TrendTableRow = { key: `${row}`, category };
    values.forEach((column, i) => {
      const v = column[row];
      out[`s${i}`] = drawable(v) ? valueFormat(v) : MISSING_TEXT;
    });
    return out;
  });
}

/** Legend width of one item in px: icon + gap + text (CJK ≈ 1 em, Latin ≈ 0.6 em). A slight overestimate, so a wrapped legend never covers the plot. */
function legendItemWidth(name: string, fontSize: number): number {
  let text = 0;
  for (const ch of name) text += /[\u0000-\u024f]/.test(ch) ? fontSize * 0.6 : fontSize;
  return 25 + 5 + text + 10;
}

/** Legend rows when the plain legend wraps at `width` px. */
export function legendRows(names: readonly string[], width: number, fontSize = 12): number {
  if (names.length === 0) return 0;
  let rows = 1;
  let used = 0;
  for (const name of names) {
    const w = legendItemWidth(name, fontSize);
    if (used > 0 && used + w > width) {
      rows += 1;
      used = 0;
    }
    used += w;
  }
  return rows;
}

export type BuildOptionInput = {
  categories: readonly string[];
  series: readonly TrendSeries[];
  kind?: TrendKind;
  valueFormat?: ValueFormat;
  /** Counts: the value axis steps by whole numbers. */
  integer?: boolean;
  /** False when the user asked for reduced motion. */
  animation?: boolean;
  /** Ant Design tokens, so chart text matches the page around it. */
  fontFamily?: string;
  textColor?: string;
  secondaryTextColor?: string;
  splitLineColor?: string;
};

const LEGEND_TOP_PX = 4;
const LEGEND_ROW_PX = 22;
const PLOT_GAP_PX = 12;
const LEGEND_PADDING_PX = 16;

/**
 * Container-width bands (CSS px) in which the wrapped legend is re-measured,
 * each measured at its narrowest width so the estimate errs towards more room.
 * Wider than the last band, the base option applies (measured at 800).
 */
const LEGEND_BANDS = [
  { maxWidth: 360, measureAt: 320 },
  { maxWidth: 480, measureAt: 360 },
  { maxWidth: 640, measureAt: 480 },
  { maxWidth: 800, measureAt: 640 },
] as const;
const WIDE_MEASURE_AT = 800;

function gridTop(rows: number): number {
  return rows === 0 ? PLOT_GAP_PX : LEGEND_TOP_PX + rows * LEGEND_ROW_PX + PLOT_GAP_PX;
}

/**
 * The ECharts option for a line or bar time series. Responsive through
 * ECharts media queries: the plain legend wraps, and the plot moves down by
 * as many legend rows as the container's width needs.
 */
export function buildOption(input: BuildOptionInput): TrendOption {
  const kind = input.kind ?? "line";
  const format = input.valueFormat ?? defaultFormat;
  const values = normalise(input.categories, input.series);
  const names = input.series.map((s) => s.name);
  const showLegend = input.series.length > 1;
  const text = input.textColor ?? "rgba(0, 0, 0, 0.88)";
  const secondary = input.secondaryTextColor ?? "rgba(0, 0, 0, 0.65)";
  const split = input.splitLineColor ?? "rgba(5, 5, 5, 0.06)";

  const series: (LineSeriesOption | BarSeriesOption)[] = input.series.map((s, i) => {
    const data = values[i] ?? [];
    if (kind === "bar") {
      return { type: "bar", name: s.name, data, barMaxWidth: 32, emphasis: { focus: "series" } };
    }
    return {
      type: "line",
      name: s.name,
      data,
      // Null is "no figure reported": leave a gap rather than draw through it.
      connectNulls: false,
      symbol: SYMBOLS[i % SYMBOLS.length],
      symbolSize: 6,
      emphasis: { focus: "series" },
    };
  });

  const rowsAt = (width: number) => (showLegend ? legendRows(names, width - LEGEND_PADDING_PX) : 0);
  // ECharts applies every matching query in order, so the narrowest band goes last and wins.
  const media = showLegend
    ? [...LEGEND_BANDS].reverse().map((band) => ({
        query: { maxWidth: band.maxWidth },
        option: { grid: { top: gridTop(rowsAt(band.measureAt)) } },
      }))
    : [];

  const baseOption: TrendOption = {
    color: [...TREND_PALETTE],
    animation: input.animation ?? true,
    textStyle: { fontFamily: input.fontFamily ?? "sans-serif", color: text },
    grid: {
      left: 8,
      right: 16,
      bottom: 8,
      top: gridTop(rowsAt(WIDE_MEASURE_AT)),
      // Keep y-axis labels (which valueFormat may lengthen) inside the container.
      outerBoundsMode: "same",
      outerBoundsContain: "axisLabel",
    },
    legend: {
      show: showLegend,
      type: "plain", // "plain" wraps onto new lines; "scroll" would hide series on a phone.
      top: LEGEND_TOP_PX,
      left: "center",
      textStyle: { color: text },
    },
    tooltip: {
      trigger: "axis",
      confine: true, // Stay inside the chart on a narrow screen.
      axisPointer: { type: kind === "bar" ? "shadow" : "line" },
      valueFormatter: (v) => (typeof v === "number" && Number.isFinite(v) ? format(v) : MISSING_TEXT),
    },
    xAxis: {
      type: "category",
      data: [...input.categories],
      boundaryGap: kind === "bar",
      axisLabel: { hideOverlap: true, color: secondary },
      axisTick: { alignWithLabel: true },
    },
    yAxis: {
      type: "value",
      ...(input.integer ? { minInterval: 1 } : {}),
      axisLabel: { hideOverlap: true, color: secondary, formatter: (v: number) => format(v) },
      splitLine: { lineStyle: { color: split } },
    },
    series,
  };

  return { baseOption, media };
}

/**
 * Pure helpers behind `RankingChart`: the ECharts option and the table of the
 * same numbers. No DOM and no ECharts runtime here (type imports only), so
 * they are unit-tested in Node and cost nothing on the server.
 */
import type { BarSeriesOption } from "echarts/charts";
import type { GridComponentOption, TooltipComponentOption } from "echarts/components";
import type { ComposeOption } from "echarts/core";
import { DEFAULT_STYLE, defaultFormat, drawable, formatOrDash, MISSING_TEXT, textWidth, type ChartStyle, type ValueFormat } from "./chart-shared";
import { TREND_PALETTE } from "./trend-option";

/** One ranked entry; null is "no figure", drawn as a gap, never as 0. */
export type RankingItem = { name: string; value: number | null };

export type RankingOption = ComposeOption<BarSeriesOption | GridComponentOption | TooltipComponentOption>;

/** Beyond this a ranking is unreadable (and the chart taller than any page): pass `maxItems`. */
export const MAX_RANKING_ITEMS = 100;

/** Height of one bar's row, and of the axis and margins around them. */
export const RANKING_ROW_PX = 28;
export const RANKING_EXTRA_PX = 40;
export const RANKING_MIN_HEIGHT = 160;

/** Height in px that gives each item a row of its own. */
export function rankingHeight(count: number): number {
  return Math.max(RANKING_MIN_HEIGHT, count * RANKING_ROW_PX + RANKING_EXTRA_PX);
}

/**
 * The items drawn, in the caller's order: the first `maxItems`, checked
 * against the bound, with NaN/Infinity turned into gaps (null).
 */
export function rankedItems(items: readonly RankingItem[], maxItems?: number): RankingItem[] {
  const shown = maxItems === undefined ? items : items.slice(0, Math.max(0, Math.floor(maxItems)));
  if (shown.length > MAX_RANKING_ITEMS) {
    throw new RangeError(`RankingChart: ${shown.length} items, at most ${MAX_RANKING_ITEMS}`);
  }
  return shown.map((item) => ({ name: item.name, value: drawable(item.value) ? item.value : null }));
}

/** True when at least one item shown has a value that can be drawn; a zero is data. */
export function hasRankingData(items: readonly RankingItem[], maxItems?: number): boolean {
  return rankedItems(items, maxItems).some((item) => drawable(item.value));
}

export type RankingTableRow = { key: string; rank: string; name: string; value: string };

/** The ranking as rows for the accessible table: rank is the position in the caller's order. */
export function toRankingRows(items: readonly RankingItem[], valueFormat: ValueFormat = defaultFormat, maxItems?: number): RankingTableRow[] {
  return rankedItems(items, maxItems).map((item, i) => ({
    key: `${i}`,
    rank: `${i + 1}`,
    name: item.name,
    value: drawable(item.value) ? valueFormat(item.value) : MISSING_TEXT,
  }));
}

export type BuildRankingInput = Partial<ChartStyle> & {
  items: readonly RankingItem[];
  valueFormat?: ValueFormat;
  maxItems?: number;
  /** Series name in the tooltip, translated by the caller (e.g. "放款金额"). */
  valueLabel?: string;
};

/** Widest name label in px before it is cut with an ellipsis (the tooltip shows it whole). */
const NAME_LABEL_WIDTH = 112;
const VALUE_LABEL_GAP = 6;

/**
 * The ECharts option for a horizontal bar ranking: the first item at the top,
 * each bar labelled with its formatted value at its end.
 */
export function buildRankingOption(input: BuildRankingInput): RankingOption {
  const format = input.valueFormat ?? defaultFormat;
  const items = rankedItems(input.items, input.maxItems);
  const secondary = input.secondaryTextColor ?? DEFAULT_STYLE.secondaryTextColor;
  // Value labels sit right of the bars, outside what the grid's label containment measures: keep room for the widest.
  const valueRoom = Math.max(0, ...items.map((item) => (drawable(item.value) ? textWidth(format(item.value)) : 0))) + VALUE_LABEL_GAP;

  return {
    color: [TREND_PALETTE[0]],
    animation: input.animation ?? DEFAULT_STYLE.animation,
    textStyle: { fontFamily: input.fontFamily ?? DEFAULT_STYLE.fontFamily, color: input.textColor ?? DEFAULT_STYLE.textColor },
    grid: {
      left: 8,
      right: 8 + valueRoom,
      top: 8,
      bottom: 8,
      // Keep the name and value-axis labels (which valueFormat may lengthen) inside the container.
      outerBoundsMode: "same",
      outerBoundsContain: "axisLabel",
    },
    tooltip: {
      trigger: "axis",
      confine: true, // Stay inside the chart on a narrow screen.
      axisPointer: { type: "shadow" },
      valueFormatter: (v) => formatOrDash(v, format),
    },
    xAxis: {
      type: "value",
      axisLabel: { hideOverlap: true, color: secondary, formatter: (v: number) => format(v) },
      splitLine: { lineStyle: { color: input.splitLineColor ?? DEFAULT_STYLE.splitLineColor } },
    },
    yAxis: {
      type: "category",
      // A category axis runs bottom-up; inverted, the first item (rank 1) is at the top.
      inverse: true,
      data: items.map((item) => item.name),
      axisTick: { show: false },
      axisLabel: { color: secondary, width: NAME_LABEL_WIDTH, overflow: "truncate" },
    },
    series: [
      {
        type: "bar",
        name: input.valueLabel ?? "",
        // Null is "no figure": no bar and no label, rather than a bar of 0.
        data: items.map((item) => item.value),
        barMaxWidth: 20,
        label: {
          show: true,
          position: "right",
          distance: VALUE_LABEL_GAP,
          color: secondary,
          formatter: (p: { value?: unknown }) => (typeof p.value === "number" && Number.isFinite(p.value) ? format(p.value) : ""),
        },
      },
    ],
  };
}

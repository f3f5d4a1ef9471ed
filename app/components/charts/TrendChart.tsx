import type { TableColumnsType } from "antd";
import { useCallback, useMemo } from "react";
import { ChartFrame, type ChartStyle } from "./ChartFrame";
import { buildOption, hasData, toTableRows, type TrendKind, type TrendSeries, type TrendTableRow, type ValueFormat } from "./trend-option";

export type { TrendKind, TrendSeries, ValueFormat } from "./trend-option";

export type TrendChartProps = {
  /** Already translated; names the chart for screen readers and captions the table. */
  title: string;
  /** X-axis labels, e.g. "2026-01". */
  categories: string[];
  /** Each series has one value (or null for "no figure") per category. */
  series: TrendSeries[];
  kind?: TrendKind;
  /** Formats a value in the tooltip, on the y axis and in the table. */
  valueFormat?: ValueFormat;
  /** Height of the plot in px (the width always follows the container). */
  height?: number;
  /** Shown instead of the chart when no value can be drawn. */
  emptyText: string;
  /** Label of the toggle that shows the numbers as a table. */
  tableLabel: string;
  /** Header of the table's first column (e.g. "月份"); translated by the caller. */
  categoryLabel?: string;
  /** The values are counts: the y axis steps by whole numbers (no "0.2 loans"). */
  integer?: boolean;
};

/**
 * A line or bar chart over time, with its numbers one click (or key press)
 * away as a table. ECharts needs `window`, so the server renders a placeholder
 * of the same height and the chart is drawn only after mount (`ChartFrame`,
 * which loads it through `loadChartLib` in `chart-lib.ts`).
 */
export function TrendChart({
  title,
  categories,
  series,
  kind = "line",
  valueFormat,
  height = 320,
  emptyText,
  tableLabel,
  categoryLabel = "",
  integer = false,
}: TrendChartProps) {
  const empty = !hasData(categories, series);
  const getOption = useCallback(
    (style: ChartStyle) => buildOption({ categories, series, kind, valueFormat, integer, ...style }),
    [categories, series, kind, valueFormat, integer],
  );
  const rows = useMemo(() => (empty ? [] : toTableRows(categories, series, valueFormat)), [empty, categories, series, valueFormat]);

  const columns: TableColumnsType<TrendTableRow> = [
    { title: categoryLabel, dataIndex: "category", key: "category", rowScope: "row", fixed: "left" },
    ...series.map((s, i) => ({
      title: s.name,
      dataIndex: `s${i}`,
      key: `s${i}`,
      align: "right" as const,
    })),
  ];

  return (
    <ChartFrame<TrendTableRow>
      title={title}
      height={height}
      empty={empty}
      emptyText={emptyText}
      tableLabel={tableLabel}
      getOption={getOption}
      columns={columns}
      rows={rows}
    />
  );
}

import type { TableColumnsType } from "antd";
import { useCallback, useMemo } from "react";
import { ChartFrame, type ChartStyle } from "./ChartFrame";
import type { ValueFormat } from "./chart-shared";
import { buildRankingOption, hasRankingData, rankedItems, rankingHeight, toRankingRows, type RankingItem, type RankingTableRow } from "./ranking-option";

export type { RankingItem } from "./ranking-option";

export type RankingChartProps = {
  /** Already translated; names the chart for screen readers and captions the table. */
  title: string;
  /** Already ranked: drawn top to bottom in this order. A null value is "no figure", never 0. */
  items: RankingItem[];
  /** Formats a value in the bar labels, the tooltip, the axis and the table. */
  valueFormat?: ValueFormat;
  /** Height of the plot in px; by default it grows with the items (28 px each + 40, at least 160). */
  height?: number;
  /** Shown instead of the chart when no value can be drawn. */
  emptyText: string;
  /** Label of the toggle that shows the numbers as a table. */
  tableLabel: string;
  /** Table header of the name column. */
  nameLabel: string;
  /** Table header of the value column, and the series name in the tooltip. */
  valueLabel: string;
  /** Table header of the rank column; "#" when not given, which reads the same in any language. */
  rankLabel?: string;
  /** Only the first `maxItems` are drawn and tabled (e.g. a top 10). */
  maxItems?: number;
};

/**
 * A horizontal bar ranking, first item on top, with its numbers one click (or
 * key press) away as a table. Drawn only in the browser, behind a placeholder
 * of the same height (`ChartFrame`).
 */
export function RankingChart({
  title,
  items,
  valueFormat,
  height,
  emptyText,
  tableLabel,
  nameLabel,
  valueLabel,
  rankLabel = "#",
  maxItems,
}: RankingChartProps) {
  const empty = !hasRankingData(items, maxItems);
  const getOption = useCallback(
    (style: ChartStyle) => buildRankingOption({ items, valueFormat, maxItems, valueLabel, ...style }),
    [items, valueFormat, maxItems, valueLabel],
  );
  const rows = useMemo(() => (empty ? [] : toRankingRows(items, valueFormat, maxItems)), [empty, items, valueFormat, maxItems]);

  const columns: TableColumnsType<RankingTableRow> = [
    { title: rankLabel, dataIndex: "rank", key: "rank", align: "right", width: 48 },
    { title: nameLabel, dataIndex: "name", key: "name", rowScope: "row" },
    { title: valueLabel, dataIndex: "value", key: "value", align: "right" },
  ];

  return (
    <ChartFrame<RankingTableRow>
      title={title}
      height={height ?? rankingHeight(rankedItems(items, maxItems).length)}
      empty={empty}
      emptyText={emptyText}
      tableLabel={tableLabel}
      getOption={getOption}
      columns={columns}
      rows={rows}
    />
  );
}

import type { TableColumnsType } from "antd";
import { useCallback, useMemo } from "react";
import { ChartFrame, type ChartStyle } from "./ChartFrame";
import type { ValueFormat } from "./chart-shared";
import { buildFunnelOption, hasAmounts, hasFunnelData, toFunnelRows, type FunnelStage, type FunnelTableRow } from "./funnel-option";

export type { FunnelStage } from "./funnel-option";

export type FunnelChartProps = {
  /** Already translated; names the chart for screen readers and captions the table. */
  title: string;
  /** In funnel order (e.g. matched → applied → accepted → approved → disbursed), each with its count. */
  stages: FunnelStage[];
  /** Formats a count in the labels, the tooltip and the table. */
  valueFormat?: ValueFormat;
  /** Formats an amount in the tooltip and the table. */
  amountFormat?: ValueFormat;
  /** Height of the plot in px (the width always follows the container). */
  height?: number;
  /** Shown instead of the chart when there are no stages or every count is 0. */
  emptyText: string;
  /** Label of the toggle that shows the numbers as a table. */
  tableLabel: string;
  /** Table header of the stage column. */
  stageLabel: string;
  /** Table header of the count column, and its tooltip line. */
  valueLabel: string;
  /** Table header of the amount column, and its tooltip line; there is no amount column without it. */
  amountLabel?: string;
  /** Table header and tooltip line of the conversion from the previous stage. */
  conversionLabel: string;
  /** Tooltip line of the conversion from the first stage; without it the line reads "first stage → this stage". */
  overallConversionLabel?: string;
};

/**
 * A conversion funnel in the caller's stage order, with its numbers and the
 * stage-to-stage conversion one click (or key press) away as a table. Drawn
 * only in the browser, behind a placeholder of the same height (`ChartFrame`).
 */
export function FunnelChart({
  title,
  stages,
  valueFormat,
  amountFormat,
  height = 320,
  emptyText,
  tableLabel,
  stageLabel,
  valueLabel,
  amountLabel,
  conversionLabel,
  overallConversionLabel,
}: FunnelChartProps) {
  const empty = !hasFunnelData(stages);
  const getOption = useCallback(
    (style: ChartStyle) => buildFunnelOption({ stages, valueFormat, amountFormat, valueLabel, amountLabel, conversionLabel, overallConversionLabel, ...style }),
    [stages, valueFormat, amountFormat, valueLabel, amountLabel, conversionLabel, overallConversionLabel],
  );
  const rows = useMemo(() => (empty ? [] : toFunnelRows(stages, valueFormat, amountFormat)), [empty, stages, valueFormat, amountFormat]);

  const columns: TableColumnsType<FunnelTableRow> = [
    { title: stageLabel, dataIndex: "stage", key: "stage", rowScope: "row", fixed: "left" },
    { title: valueLabel, dataIndex: "value", key: "value", align: "right" },
    // Only when some stage has an amount (and the caller named the column).
    ...(amountLabel !== undefined && hasAmounts(stages) ? [{ title: amountLabel, dataIndex: "amount", key: "amount", align: "right" as const }] : []),
    { title: conversionLabel, dataIndex: "conversion", key: "conversion", align: "right" },
  ];

  return (
    <ChartFrame<FunnelTableRow>
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

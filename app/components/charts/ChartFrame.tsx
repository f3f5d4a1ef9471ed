import { TableOutlined } from "@ant-design/icons";
import { Button, Empty, Skeleton, Table, theme, Typography, type TableColumnsType } from "antd";
import type { EChartsCoreOption } from "echarts/core";
import { useEffect, useId, useMemo, useState, type CSSProperties } from "react";
import { loadChartLib, type ChartLib } from "./chart-lib";
import type { ChartStyle } from "./chart-shared";

export type { ChartStyle } from "./chart-shared";

export type ChartFrameProps<Row extends { key: string }> = {
  /** Already translated; names the drawing for screen readers and captions the figure and the table. */
  title: string;
  /** Height of the plot in px (the width always follows the container). */
  height: number;
  /** True when nothing can be drawn: the empty text stands in for chart and table, and ECharts is not loaded. */
  empty: boolean;
  /** Shown instead of the chart when `empty`. */
  emptyText: string;
  /** Label of the toggle that shows the numbers as a table. */
  tableLabel: string;
  /**
   * Builds the ECharts option, called in the browser once ECharts has loaded.
   * A dependency of a memo: keep it stable (useCallback) across renders.
   */
  getOption: (style: ChartStyle) => EChartsCoreOption;
  /** The same numbers as the chart, formatted as in the chart. */
  columns: TableColumnsType<Row>;
  rows: Row[];
};

const visuallyHidden: CSSProperties = {
  position: "absolute",
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: "hidden",
  clip: "rect(0, 0, 0, 0)",
  whiteSpace: "nowrap",
  border: 0,
};

/**
 * What every chart of the project shares around its drawing: the caption, the
 * placeholder the server renders at the chart's exact height, the drawing as
 * one image, the table toggle and the empty state. ECharts needs `window`, so
 * it is loaded (`loadChartLib`) and drawn only after mount.
 */
export function ChartFrame<Row extends { key: string }>({ title, height, empty, emptyText, tableLabel, getOption, columns, rows }: ChartFrameProps<Row>) {
  const { token } = theme.useToken();
  // Null on the server and until ECharts has loaded: the placeholder is shown.
  const [lib, setLib] = useState<ChartLib | null>(null);
  const [reducedMotion, setReducedMotion] = useState(false);
  const [tableOpen, setTableOpen] = useState(false);
  const tableId = useId();
  useEffect(() => {
    // Nothing to draw: do not fetch ~200 kB of ECharts for the empty text.
    if (empty) return;
    let live = true;
    setReducedMotion(window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false);
    loadChartLib().then(
      (loaded) => {
        if (live) setLib(loaded);
      },
      () => {
        // No chart without its script: open the table, so the numbers are still there.
        if (live) setTableOpen(true);
      },
    );
    return () => {
      live = false;
    };
  }, [empty]);

  const option = useMemo(
    () =>
      // Built only where it is drawn: never on the server, never for the empty state.
      empty || !lib
        ? null
        : getOption({
            animation: !reducedMotion,
            fontFamily: token.fontFamily,
            textColor: token.colorText,
            secondaryTextColor: token.colorTextSecondary,
            splitLineColor: token.colorSplit,
          }),
    [empty, lib, getOption, reducedMotion, token],
  );

  if (empty) {
    return (
      <figure style={{ margin: 0 }}>
        <figcaption>
          <Typography.Text strong>{title}</Typography.Text>
        </figcaption>
        <div style={{ minHeight: height, display: "flex", alignItems: "center", justifyContent: "center" }}>
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText} />
        </div>
      </figure>
    );
  }

  return (
    <figure style={{ margin: 0, minWidth: 0 }}>
      <figcaption>
        <Typography.Text strong>{title}</Typography.Text>
      </figcaption>
      {/* The drawing is one image to assistive technology; its numbers are in the table below. */}
      <div role="img" aria-label={title} aria-busy={!lib} style={{ width: "100%", height }}>
        {lib && option ? (
          <lib.ReactECharts echarts={lib.echarts} option={option} notMerge opts={{ renderer: "svg" }} style={{ width: "100%", height }} />
        ) : (
          // Same box as the chart, so nothing below it moves when the chart replaces it.
          <Skeleton.Node active styles={{ root: { display: "block", width: "100%" }, content: { width: "100%", height } }} />
        )}
      </div>
      {/* A real <button>: Enter and Space both work, and aria-expanded tells screen readers the state. */}
      <Button
        type="link"
        icon={<TableOutlined />}
        aria-expanded={tableOpen}
        aria-controls={tableId}
        onClick={() => setTableOpen((open) => !open)}
        style={{ paddingInline: 0 }}
      >
        {tableLabel}
      </Button>
      <div id={tableId} hidden={!tableOpen}>
        {tableOpen && (
          <Table<Row>
            caption={<span style={visuallyHidden}>{title}</span>}
            size="small"
            columns={columns}
            dataSource={rows}
            pagination={false}
            scroll={{ x: "max-content" }}
          />
        )}
      </div>
    </figure>
  );
}

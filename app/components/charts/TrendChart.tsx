import { TableOutlined } from "@ant-design/icons";
import { Button, Empty, Skeleton, Table, theme, Typography, type TableColumnsType } from "antd";
import type EChartsReactCore from "echarts-for-react/lib/core";
import { useEffect, useId, useMemo, useState, type CSSProperties } from "react";
import {
  buildOption,
  hasData,
  toTableRows,
  type TrendKind,
  type TrendSeries,
  type TrendTableRow,
  type ValueFormat,
} from "./trend-option";

type ChartLib = { echarts: typeof import("echarts/core"); ReactECharts: typeof EChartsReactCore };

let chartLib: Promise<ChartLib> | undefined;

/**
 * ECharts is loaded on first use in the browser, never on the server, in
 * chunks of its own (~585 kB minified, ~200 kB gzip even tree-shaken): a
 * route with a chart hydrates without waiting for it, behind the placeholder
 * the server already drew. Modules are registered once per page, here.
 */
function loadChartLib(): Promise<ChartLib> {
  if (chartLib) return chartLib;
  // Fetched in parallel. Each module's exports are destructured in its own
  // `.then`: that is the form in which the bundler tree-shakes a dynamic
  // import, so only the modules named here are bundled.
  chartLib = Promise.all([
    import("echarts/core"),
    import("echarts/charts").then(({ LineChart, BarChart }) => [LineChart, BarChart]),
    import("echarts/components").then(({ GridComponent, LegendComponent, TooltipComponent }) => [
      GridComponent,
      LegendComponent,
      TooltipComponent,
    ]),
    // SVG rather than canvas: text stays crisp at any zoom and on high-density
    // phone screens, it uses less memory, and our series are at most a few
    // hundred points, where SVG is not slower.
    import("echarts/renderers").then(({ SVGRenderer }) => SVGRenderer),
    import("echarts-for-react/lib/core").then(({ default: binding }) => cjsDefault(binding)),
  ]).then(([echarts, charts, components, renderer, ReactECharts]) => {
    echarts.use([...charts, ...components, renderer]);
    return { echarts, ReactECharts };
  });
  // A download that failed (a phone losing signal) is retried by the next chart.
  chartLib.catch(() => {
    chartLib = undefined;
  });
  return chartLib;
}

/**
 * echarts-for-react is CommonJS (`exports.default = Component`, with
 * `__esModule`). Vite's client build unwraps that `default`; Node's ESM loader
 * (the SSR bundle keeps the package external) does not, and hands over the
 * whole `module.exports`. Accept both, so the import is right wherever it runs.
 */
function cjsDefault<T>(mod: T | { default: T }): T {
  return typeof mod === "object" && mod !== null && "default" in mod ? mod.default : mod;
}

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
 * A line or bar chart over time, with its numbers one click (or key press)
 * away as a table. ECharts needs `window`, so the server renders a placeholder
 * of the same height and the chart is drawn only after mount (`loadChartLib`).
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
}: TrendChartProps) {
  const { token } = theme.useToken();
  // Null on the server and until ECharts has loaded: the placeholder is shown.
  const [lib, setLib] = useState<ChartLib | null>(null);
  const [reducedMotion, setReducedMotion] = useState(false);
  const [tableOpen, setTableOpen] = useState(false);
  const tableId = useId();
  useEffect(() => {
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
  }, []);

  const empty = !hasData(categories, series);
  const option = useMemo(
    () =>
      empty
        ? null
        : buildOption({
            categories,
            series,
            kind,
            valueFormat,
            animation: !reducedMotion,
            fontFamily: token.fontFamily,
            textColor: token.colorText,
            secondaryTextColor: token.colorTextSecondary,
            splitLineColor: token.colorSplit,
          }),
    [empty, categories, series, kind, valueFormat, reducedMotion, token],
  );
  const rows = useMemo(
    () => (empty ? [] : toTableRows(categories, series, valueFormat)),
    [empty, categories, series, valueFormat],
  );

  if (!option) {
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
    <figure style={{ margin: 0, minWidth: 0 }}>
      <figcaption>
        <Typography.Text strong>{title}</Typography.Text>
      </figcaption>
      {/* The drawing is one image to assistive technology; its numbers are in the table below. */}
      <div role="img" aria-label={title} aria-busy={!lib} style={{ width: "100%", height }}>
        {lib ? (
          <lib.ReactECharts
            echarts={lib.echarts}
            option={option}
            notMerge
            opts={{ renderer: "svg" }}
            style={{ width: "100%", height }}
          />
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
          <Table<TrendTableRow>
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

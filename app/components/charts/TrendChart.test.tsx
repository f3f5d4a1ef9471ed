import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { TrendChart } from "./TrendChart";
import { buildOption, hasData, legendRows, MAX_SERIES, MISSING_TEXT, toTableRows, TREND_PALETTE, type TrendSeries } from "./trend-option";

const months = ["2026-01", "2026-02", "2026-03", "2026-04"];
const yuan = (v: number) => `${v.toLocaleString("zh-CN")} 元`;

// The option is { baseOption, media }; these read the parts the tests look at.
type Base = {
  series: { type: string; data: (number | null)[]; connectNulls?: boolean }[];
  color: string[];
  legend: { show: boolean; type: string };
  grid: { top: number };
  tooltip: { valueFormatter: (v: unknown) => string };
  xAxis: { data: string[]; axisLabel: { hideOverlap: boolean } };
  yAxis: { axisLabel: { formatter: (v: number) => string } };
};
type Media = { query: { maxWidth: number }; option: { grid: { top: number } } }[];
function parts(option: ReturnType<typeof buildOption>) {
  return { base: option.baseOption as unknown as Base, media: (option.media ?? []) as unknown as Media };
}

describe("buildOption", () => {
  const series: TrendSeries[] = [
    { name: "授信", values: [100, null, 0, 250] },
    { name: "放款", values: [Number.NaN, 80, null, Number.POSITIVE_INFINITY] },
  ];

  it("keeps missing values as gaps, never as zeros, in lines and bars", () => {
    for (const kind of ["line", "bar"] as const) {
      const { base } = parts(buildOption({ categories: months, series, kind }));
      expect(base.series.map((s) => s.type)).toEqual([kind, kind]);
      expect(base.series[0]?.data).toEqual([100, null, 0, 250]);
      // A NaN or Infinity (e.g. a ratio over zero) is not a point either.
      expect(base.series[1]?.data).toEqual([null, 80, null, null]);
    }
    const { base } = parts(buildOption({ categories: months, series, kind: "line" }));
    expect(base.series.every((s) => s.connectNulls === false)).toBe(true);
  });

  it("formats the tooltip and the value axis with the caller's format, and shows a dash for a gap", () => {
    const { base } = parts(buildOption({ categories: months, series, valueFormat: yuan }));
    expect(base.tooltip.valueFormatter(1234567)).toBe("1,234,567 元");
    expect(base.tooltip.valueFormatter(0)).toBe("0 元");
    expect(base.tooltip.valueFormatter(null)).toBe(MISSING_TEXT);
    expect(base.tooltip.valueFormatter("-")).toBe(MISSING_TEXT);
    expect(base.yAxis.axisLabel.formatter(50000)).toBe("50,000 元");
  });

  it("uses Ant Design's primary blue first and hides overlapping axis labels", () => {
    const { base } = parts(buildOption({ categories: months, series }));
    expect(base.color[0]).toBe("#1677ff");
    expect(base.color).toEqual([...TREND_PALETTE]);
    expect(base.xAxis.data).toEqual(months);
    expect(base.xAxis.axisLabel.hideOverlap).toBe(true);
  });

  it("shows a wrapping legend only when there is more than one series", () => {
    expect(parts(buildOption({ categories: months, series })).base.legend).toMatchObject({ show: true, type: "plain" });
    const single = parts(buildOption({ categories: months, series: series.slice(0, 1) }));
    expect(single.base.legend.show).toBe(false);
    expect(single.media).toEqual([]);
  });

  it("moves the plot down on a phone as far as the wrapped legend needs", () => {
    const many = ["工商银行", "建设银行", "农业银行", "中国银行", "招商银行", "邮储银行"].map((name) => ({
      name,
      values: months.map(() => 1),
    }));
    const { base, media } = parts(buildOption({ categories: months, series: many }));
    expect(
      legendRows(
        many.map((s) => s.name),
        784,
      ),
    ).toBe(1);
    expect(
      legendRows(
        many.map((s) => s.name),
        304,
      ),
    ).toBeGreaterThan(1);
    // ECharts merges matching queries in order: the narrowest band must come last and leave the most room.
    const widths = media.map((m) => m.query.maxWidth);
    expect(widths).toEqual([...widths].sort((a, b) => b - a));
    const phone = media.at(-1)!;
    expect(phone.option.grid.top).toBeGreaterThan(base.grid.top);
  });

  it("refuses data that would put values under the wrong month", () => {
    expect(() => buildOption({ categories: months, series: [{ name: "短", values: [1, 2, 3] }] })).toThrow(/3 values for 4 categories/);
    const tooMany = Array.from({ length: MAX_SERIES + 1 }, (_, i) => ({ name: `s${i}`, values: [1, 2, 3, 4] }));
    expect(() => buildOption({ categories: months, series: tooMany })).toThrow(RangeError);
  });
});

describe("toTableRows", () => {
  it("has one row per category and one formatted column per series, with a dash for a gap and 0 kept as 0", () => {
    const rows = toTableRows(
      months,
      [
        { name: "授信", values: [100, null, 0, 2500000] },
        { name: "授信", values: [1, 2, 3, Number.NaN] }, // same name: columns are keyed by position
      ],
      yuan,
    );
    expect(rows).toEqual([
      { key: "0", category: "2026-01", s0: "100 元", s1: "1 元" },
      { key: "1", category: "2026-02", s0: MISSING_TEXT, s1: "2 元" },
      { key: "2", category: "2026-03", s0: "0 元", s1: "3 元" },
      { key: "3", category: "2026-04", s0: "2,500,000 元", s1: MISSING_TEXT },
    ]);
  });
});

describe("hasData", () => {
  it("is false with no categories, no series, or only missing values; a zero is data", () => {
    expect(hasData([], [])).toBe(false);
    expect(hasData(months, [])).toBe(false);
    expect(hasData(months, [{ name: "a", values: [null, null, null, null] }])).toBe(false);
    expect(hasData(months, [{ name: "a", values: [Number.NaN, null, null, null] }])).toBe(false);
    expect(hasData(months, [{ name: "a", values: [null, 0, null, null] }])).toBe(true);
  });
});

describe("TrendChart on the server", () => {
  it("renders a labelled placeholder of the chart's height and a closed table toggle, without ECharts", () => {
    const html = renderToString(
      <TrendChart
        title="月度授信金额"
        categories={months}
        series={[{ name: "授信", values: [1, 2, null, 4] }]}
        height={240}
        emptyText="暂无数据"
        tableLabel="以表格查看"
      />,
    );
    expect(html).toContain('role="img"');
    expect(html).toContain('aria-label="月度授信金额"');
    expect(html).toContain('aria-busy="true"');
    expect(html).toMatch(/ant-skeleton-node[^>]*height:240px/);
    expect(html).toMatch(/<button[^>]*aria-expanded="false"[^>]*>/);
    expect(html).toContain("以表格查看");
    expect(html).not.toContain("<table");
    expect(html).not.toContain("暂无数据");
  });

  it("shows the empty text, and no chart, when every series is missing", () => {
    const html = renderToString(
      <TrendChart
        title="月度授信金额"
        categories={months}
        series={[{ name: "授信", values: [null, null, null, null] }]}
        emptyText="暂无数据"
        tableLabel="以表格查看"
      />,
    );
    expect(html).toContain("暂无数据");
    expect(html).toContain("月度授信金额");
    expect(html).not.toContain('role="img"');
    expect(html).not.toContain("以表格查看");
  });
});

describe("integer values", () => {
  it("steps the value axis by whole numbers only when asked", () => {
    const categories = ["2026-01", "2026-02"];
    const series = [{ name: "放款", values: [0, 1] }];
    const axis = (integer: boolean) => (buildOption({ categories, series, integer }).baseOption as unknown as { yAxis: { minInterval?: number } }).yAxis;
    expect(axis(true).minInterval).toBe(1);
    expect(axis(false).minInterval).toBeUndefined();
  });
});

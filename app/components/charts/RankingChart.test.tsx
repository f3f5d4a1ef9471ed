import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RankingChart } from "./RankingChart";
import { buildRankingOption, hasRankingData, MAX_RANKING_ITEMS, rankedItems, rankingHeight, toRankingRows, type RankingItem } from "./ranking-option";
import { MISSING_TEXT } from "./trend-option";

const banks: RankingItem[] = [
  { name: "工商银行", value: 52000000 },
  { name: "建设银行", value: 48000000 },
  { name: "农村商业银行", value: null },
  { name: "邮储银行", value: 0 },
  { name: "招商银行", value: Number.NaN },
];
const wan = (v: number) => `${(v / 10000).toLocaleString("zh-CN")} 万元`;

// The parts of the option the tests look at.
type Base = {
  color: string[];
  grid: { right: number };
  tooltip: { trigger: string; valueFormatter: (v: unknown) => string };
  xAxis: { type: string; axisLabel: { formatter: (v: number) => string } };
  yAxis: { type: string; inverse: boolean; data: string[] };
  series: { type: string; name: string; data: (number | null)[]; label: { show: boolean; position: string; formatter: (p: { value?: unknown }) => string } }[];
};
function base(option: ReturnType<typeof buildRankingOption>) {
  return option as unknown as Base;
}

describe("buildRankingOption", () => {
  it("draws the items in the given order with the first at the top of an inverted category axis", () => {
    const option = base(buildRankingOption({ items: banks }));
    expect(option.yAxis.type).toBe("category");
    expect(option.yAxis.inverse).toBe(true);
    expect(option.yAxis.data).toEqual(["工商银行", "建设银行", "农村商业银行", "邮储银行", "招商银行"]);
    expect(option.xAxis.type).toBe("value");
    expect(option.series[0]?.type).toBe("bar");
    expect(option.color[0]).toBe("#1677ff");
  });

  it("keeps missing values as gaps, never as zeros, and keeps a real 0", () => {
    expect(base(buildRankingOption({ items: banks })).series[0]?.data).toEqual([52000000, 48000000, null, 0, null]);
  });

  it("formats the tooltip, the value axis and the bar labels with the caller's format, with a dash for a gap", () => {
    const option = base(buildRankingOption({ items: banks, valueFormat: wan, valueLabel: "放款金额" }));
    expect(option.tooltip.trigger).toBe("axis");
    expect(option.tooltip.valueFormatter(52000000)).toBe("5,200 万元");
    expect(option.tooltip.valueFormatter(0)).toBe("0 万元");
    expect(option.tooltip.valueFormatter(null)).toBe(MISSING_TEXT);
    expect(option.tooltip.valueFormatter("-")).toBe(MISSING_TEXT);
    expect(option.xAxis.axisLabel.formatter(10000000)).toBe("1,000 万元");
    const series = option.series[0];
    expect(series?.name).toBe("放款金额");
    expect(series?.label).toMatchObject({ show: true, position: "right" });
    expect(series?.label.formatter({ value: 48000000 })).toBe("4,800 万元");
    expect(series?.label.formatter({ value: null })).toBe("");
  });

  it("keeps room right of the bars for the widest value label", () => {
    const short = base(buildRankingOption({ items: [{ name: "a", value: 5 }] })).grid.right;
    const long = base(buildRankingOption({ items: [{ name: "a", value: 5 }], valueFormat: (v) => `${v} 万元（同比 +12.5%）` })).grid.right;
    expect(long).toBeGreaterThan(short + 60);
  });

  it("draws only the first maxItems, and refuses more items than can be read", () => {
    const option = base(buildRankingOption({ items: banks, maxItems: 2 }));
    expect(option.yAxis.data).toEqual(["工商银行", "建设银行"]);
    expect(option.series[0]?.data).toEqual([52000000, 48000000]);
    const many = Array.from({ length: MAX_RANKING_ITEMS + 1 }, (_, i) => ({ name: `区${i}`, value: i }));
    expect(() => buildRankingOption({ items: many })).toThrow(RangeError);
    expect(rankedItems(many, 10)).toHaveLength(10);
  });
});

describe("toRankingRows", () => {
  it("lists rank, name and formatted value in the given order, with a dash for a gap and 0 kept as 0", () => {
    expect(toRankingRows(banks, wan)).toEqual([
      { key: "0", rank: "1", name: "工商银行", value: "5,200 万元" },
      { key: "1", rank: "2", name: "建设银行", value: "4,800 万元" },
      { key: "2", rank: "3", name: "农村商业银行", value: MISSING_TEXT },
      { key: "3", rank: "4", name: "邮储银行", value: "0 万元" },
      { key: "4", rank: "5", name: "招商银行", value: MISSING_TEXT },
    ]);
    expect(toRankingRows(banks, wan, 1)).toHaveLength(1);
  });
});

describe("hasRankingData / rankingHeight", () => {
  it("is false with no items or only missing values; a zero is data", () => {
    expect(hasRankingData([])).toBe(false);
    expect(
      hasRankingData([
        { name: "a", value: null },
        { name: "b", value: Number.NaN },
      ]),
    ).toBe(false);
    expect(
      hasRankingData([
        { name: "a", value: null },
        { name: "b", value: 0 },
      ]),
    ).toBe(true);
    // Only the items shown count.
    expect(
      hasRankingData(
        [
          { name: "a", value: null },
          { name: "b", value: 1 },
        ],
        1,
      ),
    ).toBe(false);
  });

  it("grows 28 px per item plus 40, and is never under 160", () => {
    expect(rankingHeight(0)).toBe(160);
    expect(rankingHeight(3)).toBe(160);
    expect(rankingHeight(10)).toBe(320);
  });
});

describe("RankingChart on the server", () => {
  const props = { title: "各银行放款排名", emptyText: "暂无数据", tableLabel: "以表格查看", nameLabel: "银行", valueLabel: "放款金额" };
  const ten = Array.from({ length: 10 }, (_, i) => ({ name: `银行${i + 1}`, value: 100 - i }));

  it("renders a labelled placeholder as tall as its items and a closed table toggle, without ECharts", () => {
    const html = renderToString(<RankingChart {...props} items={ten} />);
    expect(html).toContain('role="img"');
    expect(html).toContain('aria-label="各银行放款排名"');
    expect(html).toContain('aria-busy="true"');
    expect(html).toMatch(/ant-skeleton-node[^>]*height:320px/);
    expect(html).toMatch(/<button[^>]*aria-expanded="false"[^>]*aria-controls="[^"]+"[^>]*>/);
    expect(html).toContain("以表格查看");
    expect(html).not.toContain("<table");
    expect(html).not.toContain("暂无数据");
  });

  it("sizes the placeholder by maxItems, or by the height given", () => {
    expect(renderToString(<RankingChart {...props} items={ten} maxItems={5} />)).toMatch(/ant-skeleton-node[^>]*height:180px/);
    expect(renderToString(<RankingChart {...props} items={ten} height={400} />)).toMatch(/ant-skeleton-node[^>]*height:400px/);
  });

  it("shows the empty text, and no chart or toggle, when no value can be drawn", () => {
    for (const none of [[], [{ name: "a", value: null }]]) {
      const html = renderToString(<RankingChart {...props} items={none} />);
      expect(html).toContain("暂无数据");
      expect(html).toContain("各银行放款排名");
      expect(html).not.toContain('role="img"');
      expect(html).not.toContain("以表格查看");
    }
  });
});

import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { FunnelChart } from "./FunnelChart";
import { buildFunnelOption, conversionText, FUNNEL_PALETTE, hasAmounts, hasFunnelData, MAX_STAGES, toFunnelRows, type FunnelStage } from "./funnel-option";
import { MISSING_TEXT } from "./trend-option";

const stages: FunnelStage[] = [
  { name: "需求匹配", value: 1200, amount: 36000000 },
  { name: "提交申请", value: 480, amount: 14400000 },
  { name: "银行受理", value: 400, amount: null },
  { name: "审批通过", value: 150, amount: 4500000 },
  { name: "放款", value: 120, amount: 3600000 },
];
const cases = (v: number) => `${v.toLocaleString("zh-CN")} 笔`;
const wan = (v: number) => `${(v / 10000).toLocaleString("zh-CN")} 万元`;
const labels = { valueLabel: "笔数", amountLabel: "金额", conversionLabel: "环节转化率" };

// The parts of the option the tests look at.
type Base = {
  color: string[];
  tooltip: { trigger: string; formatter: (p: { dataIndex: number; marker?: string }) => string };
  series: {
    type: string;
    sort: string;
    min: number;
    max: number;
    data: { name: string; value: number }[];
    label: { show: boolean; position: string; formatter: (p: { dataIndex: number }) => string };
  }[];
};
function base(option: ReturnType<typeof buildFunnelOption>) {
  return option as unknown as Base;
}

describe("conversionText", () => {
  it("is a percentage with one decimal, and a dash when the base is 0", () => {
    expect(conversionText(480, 1200)).toBe("40.0%");
    expect(conversionText(1, 3)).toBe("33.3%");
    expect(conversionText(2, 3)).toBe("66.7%");
    expect(conversionText(0, 5)).toBe("0.0%");
    expect(conversionText(0, 0)).toBe(MISSING_TEXT);
    expect(conversionText(5, 0)).toBe(MISSING_TEXT);
  });
});

describe("buildFunnelOption", () => {
  it("keeps the caller's stage order, does not let ECharts sort, and scales to the largest count", () => {
    // Out of value order on purpose: a later stage can exceed an earlier one in real data.
    const odd: FunnelStage[] = [
      { name: "A", value: 10 },
      { name: "B", value: 30 },
      { name: "C", value: 20 },
    ];
    const [series] = base(buildFunnelOption({ stages: odd, ...labels })).series;
    expect(series?.type).toBe("funnel");
    expect(series?.sort).toBe("none");
    expect(series?.data).toEqual([
      { name: "A", value: 10 },
      { name: "B", value: 30 },
      { name: "C", value: 20 },
    ]);
    expect(series?.min).toBe(0);
    expect(series?.max).toBe(30);
  });

  it("labels each stage inside with its name and formatted count", () => {
    const [series] = base(buildFunnelOption({ stages, valueFormat: cases, ...labels })).series;
    expect(series?.label).toMatchObject({ show: true, position: "inside" });
    expect(series?.label.formatter({ dataIndex: 1 })).toBe("提交申请\n480 笔");
  });

  it("shows count, amount and both conversions in the tooltip, formatted by the caller", () => {
    const option = base(buildFunnelOption({ stages, valueFormat: cases, amountFormat: wan, ...labels, overallConversionLabel: "总转化率" }));
    expect(option.tooltip.trigger).toBe("item");
    const text = option.tooltip.formatter({ dataIndex: 3, marker: "" });
    expect(text).toContain("审批通过");
    expect(text).toContain("笔数: <b>150 笔</b>");
    expect(text).toContain("金额: <b>450 万元</b>");
    expect(text).toContain("环节转化率: <b>37.5%</b>"); // 150 / 400
    expect(text).toContain("总转化率: <b>12.5%</b>"); // 150 / 1200
    // A stage without an amount shows the dash, not 0.
    expect(option.tooltip.formatter({ dataIndex: 2 })).toContain(`金额: <b>${MISSING_TEXT}</b>`);
  });

  it("gives the first stage no conversion, names the overall line by its stages by default, and omits absent amounts", () => {
    const counts = stages.map(({ name, value }) => ({ name, value }));
    const option = base(buildFunnelOption({ stages: counts, ...labels }));
    const first = option.tooltip.formatter({ dataIndex: 0 });
    expect(first).not.toContain("环节转化率");
    expect(first).not.toContain("%");
    const last = option.tooltip.formatter({ dataIndex: 4 });
    expect(last).toContain("需求匹配 → 放款: <b>10.0%</b>");
    expect(last).not.toContain("金额");
  });

  it("shows a dash, not Infinity, for a conversion from a stage of 0", () => {
    const withZero: FunnelStage[] = [
      { name: "匹配", value: 0 },
      { name: "申请", value: 0 },
      { name: "受理", value: 3 },
    ];
    const option = base(buildFunnelOption({ stages: withZero, ...labels, overallConversionLabel: "总转化率" }));
    const text = option.tooltip.formatter({ dataIndex: 2 });
    expect(text).toContain(`环节转化率: <b>${MISSING_TEXT}</b>`);
    expect(text).toContain(`总转化率: <b>${MISSING_TEXT}</b>`);
    expect(text).not.toMatch(/Infinity|NaN/);
  });

  it("escapes names in the tooltip, which ECharts inserts as HTML", () => {
    const option = base(buildFunnelOption({ stages: [{ name: "<img src=x onerror=alert(1)>", value: 1 }], ...labels }));
    const text = option.tooltip.formatter({ dataIndex: 0 });
    expect(text).not.toContain("<img");
    expect(text).toContain("&#60;img");
  });

  it("draws white labels on colours dark enough for them, primary blue first", () => {
    expect(base(buildFunnelOption({ stages, ...labels })).color).toEqual([...FUNNEL_PALETTE]);
    expect(FUNNEL_PALETTE[0]).toBe("#0958d9");
  });

  it("refuses counts that are negative or not numbers, and more stages than can be read", () => {
    expect(() => buildFunnelOption({ stages: [{ name: "a", value: -1 }], ...labels })).toThrow(RangeError);
    expect(() => buildFunnelOption({ stages: [{ name: "a", value: Number.NaN }], ...labels })).toThrow(/"a"/);
    const tooMany = Array.from({ length: MAX_STAGES + 1 }, (_, i) => ({ name: `s${i}`, value: 1 }));
    expect(() => toFunnelRows(tooMany)).toThrow(RangeError);
  });
});

describe("toFunnelRows", () => {
  it("has one formatted row per stage in order, with the conversion from the previous stage", () => {
    expect(toFunnelRows(stages, cases, wan)).toEqual([
      { key: "0", stage: "需求匹配", value: "1,200 笔", amount: "3,600 万元", conversion: MISSING_TEXT },
      { key: "1", stage: "提交申请", value: "480 笔", amount: "1,440 万元", conversion: "40.0%" },
      { key: "2", stage: "银行受理", value: "400 笔", amount: MISSING_TEXT, conversion: "83.3%" },
      { key: "3", stage: "审批通过", value: "150 笔", amount: "450 万元", conversion: "37.5%" },
      { key: "4", stage: "放款", value: "120 笔", amount: "360 万元", conversion: "80.0%" },
    ]);
  });

  it("shows a dash for the conversion after a stage of 0", () => {
    const rows = toFunnelRows([
      { name: "a", value: 0 },
      { name: "b", value: 0 },
    ]);
    expect(rows.map((r) => r.conversion)).toEqual([MISSING_TEXT, MISSING_TEXT]);
  });
});

describe("hasFunnelData / hasAmounts", () => {
  it("is false with no stages or only zeros", () => {
    expect(hasFunnelData([])).toBe(false);
    expect(
      hasFunnelData([
        { name: "a", value: 0 },
        { name: "b", value: 0 },
      ]),
    ).toBe(false);
    expect(
      hasFunnelData([
        { name: "a", value: 0 },
        { name: "b", value: 1 },
      ]),
    ).toBe(true);
  });

  it("finds amounts only where one is a number", () => {
    expect(hasAmounts(stages)).toBe(true);
    expect(
      hasAmounts([
        { name: "a", value: 1, amount: null },
        { name: "b", value: 1 },
      ]),
    ).toBe(false);
  });
});

describe("FunnelChart on the server", () => {
  const props = {
    title: "融资转化漏斗",
    emptyText: "暂无数据",
    tableLabel: "以表格查看",
    stageLabel: "环节",
    ...labels,
  };

  it("renders a labelled placeholder of the chart's height and a closed table toggle, without ECharts", () => {
    const html = renderToString(<FunnelChart {...props} stages={stages} height={280} />);
    expect(html).toContain('role="img"');
    expect(html).toContain('aria-label="融资转化漏斗"');
    expect(html).toContain('aria-busy="true"');
    expect(html).toMatch(/ant-skeleton-node[^>]*height:280px/);
    expect(html).toMatch(/<button[^>]*aria-expanded="false"[^>]*aria-controls="[^"]+"[^>]*>/);
    expect(html).toContain("以表格查看");
    expect(html).not.toContain("<table");
    expect(html).not.toContain("暂无数据");
  });

  it("shows the empty text, and no chart or toggle, when there are no stages or every count is 0", () => {
    for (const none of [[], stages.map((s) => ({ ...s, value: 0 }))]) {
      const html = renderToString(<FunnelChart {...props} stages={none} />);
      expect(html).toContain("暂无数据");
      expect(html).toContain("融资转化漏斗");
      expect(html).not.toContain('role="img"');
      expect(html).not.toContain("以表格查看");
    }
  });
});

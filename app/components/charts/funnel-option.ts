/**
 * Pure helpers behind `FunnelChart`: the ECharts option and the table of the
 * same numbers. No DOM and no ECharts runtime here (type imports only), so
 * they are unit-tested in Node and cost nothing on the server.
 */
import type { FunnelSeriesOption } from "echarts/charts";
import type { TooltipComponentOption } from "echarts/components";
import type { ComposeOption } from "echarts/core";
import { DEFAULT_STYLE, defaultFormat, drawable, escapeHtml, MISSING_TEXT, type ChartStyle, type ValueFormat } from "./chart-shared";

/** One step of the funnel: a count, and optionally the money it stands for. */
export type FunnelStage = { name: string; value: number; amount?: number | null };

export type FunnelOption = ComposeOption<FunnelSeriesOption | TooltipComponentOption>;

/** Beyond this a funnel is unreadable, and a caller bug. */
export const MAX_STAGES = 12;

/**
 * Darker tones of Ant Design's presets (-7/-8), primary blue first: the stage
 * name and count are written inside in white, and each of these keeps that
 * text at a contrast of at least 4.5:1. Red is left out (in China it reads as
 * "danger").
 */
export const FUNNEL_PALETTE = [
  "#0958d9", // blue-7
  "#006d75", // cyan-8
  "#237804", // green-8
  "#ad4e00", // orange-8
  "#531dab", // purple-7
  "#c41d7f", // magenta-7
  "#1d39c4", // geekblue-7
  "#874d00", // gold-8
] as const;

/** Checks what a caller must respect: counts are finite and not negative, stages few enough to read. */
function validate(stages: readonly FunnelStage[]): void {
  if (stages.length > MAX_STAGES) {
    throw new RangeError(`FunnelChart: ${stages.length} stages, at most ${MAX_STAGES}`);
  }
  for (const s of stages) {
    // A count cannot be missing in a funnel: a stage nobody reached is 0, and NaN is a bug upstream.
    if (!drawable(s.value) || s.value < 0) throw new RangeError(`FunnelChart: stage "${s.name}" has value ${s.value}`);
  }
}

/** True when there is a stage with a count above zero (all zeros draw nothing). */
export function hasFunnelData(stages: readonly FunnelStage[]): boolean {
  return stages.some((s) => drawable(s.value) && s.value > 0);
}

/** True when at least one stage has an amount: only then is there an amount column and tooltip line. */
export function hasAmounts(stages: readonly FunnelStage[]): boolean {
  return stages.some((s) => drawable(s.amount));
}

/**
 * `value` as a share of `base`, as a percentage with one decimal ("80.0%").
 * A dash when the base is 0: nothing reached the earlier stage, so there is no rate.
 */
export function conversionText(value: number, base: number): string {
  if (!drawable(base) || base <= 0 || !drawable(value)) return MISSING_TEXT;
  return `${((value / base) * 100).toFixed(1)}%`;
}

export type FunnelTableRow = { key: string; stage: string; value: string; amount: string; conversion: string };

/**
 * The funnel's numbers as rows for the accessible table, in funnel order. The
 * first stage has no previous one, so its conversion is a dash; so is a
 * missing amount.
 */
export function toFunnelRows(
  stages: readonly FunnelStage[],
  valueFormat: ValueFormat = defaultFormat,
  amountFormat: ValueFormat = defaultFormat,
): FunnelTableRow[] {
  validate(stages);
  return stages.map((s, i) => {
    const previous = i > 0 ? stages[i - 1] : undefined;
    return {
      key: `${i}`,
      stage: s.name,
      value: valueFormat(s.value),
      amount: drawable(s.amount) ? amountFormat(s.amount) : MISSING_TEXT,
      conversion: previous ? conversionText(s.value, previous.value) : MISSING_TEXT,
    };
  });
}

export type BuildFunnelInput = Partial<ChartStyle> & {
  stages: readonly FunnelStage[];
  valueFormat?: ValueFormat;
  amountFormat?: ValueFormat;
  /** Tooltip line labels, translated by the caller. */
  valueLabel: string;
  amountLabel?: string;
  /** Conversion from the previous stage. */
  conversionLabel: string;
  /** Conversion from the first stage; without it the line reads "first stage → this stage". */
  overallConversionLabel?: string;
};

/** The part of ECharts' tooltip callback parameters the funnel reads. */
type TooltipParams = { dataIndex?: number; marker?: unknown };

/**
 * The ECharts option for a funnel. The stages keep the caller's order
 * (`sort: "none"`); the widths grow linearly with the counts, the largest
 * count filling the width and none narrower than its label needs.
 */
export function buildFunnelOption(input: BuildFunnelInput): FunnelOption {
  const { stages } = input;
  validate(stages);
  const format = input.valueFormat ?? defaultFormat;
  const amountFormat = input.amountFormat ?? defaultFormat;
  const withAmounts = hasAmounts(stages) && input.amountLabel !== undefined;
  const max = Math.max(0, ...stages.map((s) => s.value));
  const first = stages[0];

  const line = (label: string, value: string) => `${escapeHtml(label)}: <b>${escapeHtml(value)}</b>`;
  const tooltipText = (index: number, marker: string): string => {
    const stage = stages[index];
    if (!stage) return "";
    const lines = [`${marker}${escapeHtml(stage.name)}`, line(input.valueLabel, format(stage.value))];
    if (withAmounts) lines.push(line(input.amountLabel ?? "", drawable(stage.amount) ? amountFormat(stage.amount) : MISSING_TEXT));
    const previous = index > 0 ? stages[index - 1] : undefined;
    // The first stage is the base of every rate: it has no conversion of its own.
    if (previous && first) {
      lines.push(line(input.conversionLabel, conversionText(stage.value, previous.value)));
      lines.push(line(input.overallConversionLabel ?? `${first.name} → ${stage.name}`, conversionText(stage.value, first.value)));
    }
    return lines.join("<br/>");
  };

  return {
    color: [...FUNNEL_PALETTE],
    animation: input.animation ?? DEFAULT_STYLE.animation,
    textStyle: { fontFamily: input.fontFamily ?? DEFAULT_STYLE.fontFamily, color: input.textColor ?? DEFAULT_STYLE.textColor },
    tooltip: {
      trigger: "item",
      confine: true, // Stay inside the chart on a narrow screen.
      formatter: (params: TooltipParams | TooltipParams[]) => {
        const p = Array.isArray(params) ? params[0] : params;
        return tooltipText(p?.dataIndex ?? -1, typeof p?.marker === "string" ? p.marker : "");
      },
    },
    series: [
      {
        type: "funnel",
        // The caller's order is the process order; ECharts would otherwise sort by value.
        sort: "none",
        // Widths from 0 to the largest count, not ECharts' default 0–100.
        min: 0,
        max: max > 0 ? max : 1,
        // A stage with few cases stays wide enough to carry its label; exact figures are in tooltip and table.
        minSize: "16%",
        maxSize: "100%",
        left: 8,
        right: 8,
        top: 8,
        bottom: 8,
        gap: 2,
        funnelAlign: "center",
        label: {
          show: true,
          position: "inside",
          color: "#fff",
          // Outlined in the stage's colour, so a label wider than its stage stays readable on the page.
          textBorderColor: "inherit",
          textBorderWidth: 2,
          formatter: (p: TooltipParams) => {
            const stage = stages[p.dataIndex ?? -1];
            return stage ? `${stage.name}\n${format(stage.value)}` : "";
          },
        },
        labelLine: { show: false },
        itemStyle: { borderWidth: 0 },
        emphasis: { label: { fontWeight: "bold" } },
        data: stages.map((s) => ({ name: s.name, value: s.value })),
      },
    ],
  };
}

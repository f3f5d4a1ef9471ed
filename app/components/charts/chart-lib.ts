/**
 * The ECharts runtime shared by every chart component: loaded on first use in
 * the browser, never on the server, and registered once per page. Only the
 * chart kinds, components and renderer named here are bundled.
 */
import type EChartsReactCore from "echarts-for-react/lib/core";

export type ChartLib = { echarts: typeof import("echarts/core"); ReactECharts: typeof EChartsReactCore };

let chartLib: Promise<ChartLib> | undefined;

/**
 * ECharts is loaded on first use in the browser, never on the server, in
 * chunks of its own (~585 kB minified, ~200 kB gzip even tree-shaken): a
 * route with a chart hydrates without waiting for it, behind the placeholder
 * the server already drew. Every chart kind of the project is registered here
 * at once, so charts on one page share one download and one registration.
 */
export function loadChartLib(): Promise<ChartLib> {
  if (chartLib) return chartLib;
  // Fetched in parallel. Each module's exports are destructured in its own
  // `.then`: that is the form in which the bundler tree-shakes a dynamic
  // import, so only the modules named here are bundled.
  chartLib = Promise.all([
    import("echarts/core"),
    import("echarts/charts").then(({ LineChart, BarChart, FunnelChart }) => [LineChart, BarChart, FunnelChart]),
    import("echarts/components").then(({ GridComponent, LegendComponent, TooltipComponent }) => [GridComponent, LegendComponent, TooltipComponent]),
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
export function cjsDefault<T>(mod: T | { default: T }): T {
  return typeof mod === "object" && mod !== null && "default" in mod ? mod.default : mod;
}

import type { TFunction } from "i18next";
import type { Route } from "./+types/monitoring-export";
import { prisma } from "~/db.server";
import type { MonitoringDashboard } from "~/domain/monitoring/load-monitoring.server";
import { rateBandLabel, shareBps } from "~/domain/monitoring/metrics";
import { loadMonitoringView } from "~/domain/monitoring/monitoring-view.server";
import { regionName } from "~/domain/reference/regions";
import { createI18n } from "~/i18n/i18n";
import { localeContext } from "~/web/context";
import { csvResponse, yuan } from "~/web/csv.server";
import { requirePermission } from "~/web/request.server";
import { hours, MONITORING_CHARTS, ratePct, sharePct, type MonitoringChart } from "./monitoring";

/**
 * Each chart of the monitoring dashboard as CSV, for the same query string as
 * the page (the same figures, from the same rollups): headers in the reader's
 * language, amounts both in 元 with two decimals and in 分, counts as integers.
 */

type Table = { header: string[]; rows: (string | number)[][] };

function tables(t: TFunction, d: MonitoringDashboard, zh: boolean, locale: string): Record<MonitoringChart, () => Table> {
  // The same unit headers as the ledger's exports.
  const inYuan = (label: string) => t("ledgerView.csv.inYuan", { name: label });
  const money = (label: string) => [inYuan(label), t("ledgerView.csv.inFen", { name: label })];
  const amount = (fen: string | null) => [yuan(fen), fen ?? ""];
  const bankName = (b: { nameZh: string; nameEn: string }) => (zh ? b.nameZh : b.nameEn);
  const tot = d.totals;
  return {
    summary: () => ({
      header: [t("monitoring.summary.metric"), t("monitoring.summary.value")],
      rows: [
        [t("monitoring.kpi.needsPosted"), tot.needsPosted ?? t("monitoring.kpi.notApplicable")],
        [inYuan(t("monitoring.kpi.needsPosted")), yuan(tot.needsPostedFen)],
        [t("monitoring.kpi.needsMatched"), tot.needsMatched],
        [t("monitoring.kpi.applied"), tot.applied],
        [inYuan(t("monitoring.kpi.applied")), yuan(tot.appliedFen)],
        [t("monitoring.funnel.stages.accepted"), tot.accepted],
        [t("monitoring.kpi.approved"), tot.approved],
        [inYuan(t("monitoring.kpi.approved")), yuan(tot.approvedFen)],
        [t("monitoring.funnel.stages.disbursed"), tot.disbursed],
        [t("monitoring.kpi.loans"), tot.loans],
        [inYuan(t("monitoring.kpi.loans")), yuan(tot.loansFen)],
        [t("monitoring.kpi.weightedRate"), ratePct(tot.weightedRateBps)],
        [t("monitoring.trend.avgRate"), ratePct(tot.avgRateBps)],
        [t("monitoring.kpi.pureCredit"), sharePct(tot.pureCreditShareBps)],
        [t("monitoring.kpi.firstTime"), tot.firstTime],
        [t("monitoring.kpi.onTime"), sharePct(tot.onTimeBps)],
        [t("monitoring.banks.avgResponse"), t("monitoring.banks.hours", { hours: hours(tot.avgResponseMinutes) })],
        [t("monitoring.kpi.overdueOpen"), tot.overdueOpen],
        [t("monitoring.banks.overdue"), tot.overdue],
      ],
    }),
    funnel: () => ({
      header: [t("monitoring.funnel.stage"), t("monitoring.funnel.count"), ...money(t("monitoring.funnel.amount")), t("monitoring.funnel.conversion")],
      rows: d.funnel.map((s, i) => [
        t(`monitoring.funnel.stages.${s.stage}`),
        s.count,
        ...amount(s.amountFen),
        i === 0 ? "" : sharePct(shareBps(s.count, d.funnel[i - 1]!.count)),
      ]),
    }),
    trend: () => ({
      header: [
        t("monitoring.trend.month"),
        t("monitoring.trend.needsPosted"),
        t("monitoring.trend.needsMatched"),
        t("monitoring.trend.applied"),
        t("monitoring.trend.loans"),
        ...money(t("monitoring.trend.loansAmount")),
        t("monitoring.trend.avgRate"),
      ],
      rows: d.series.map((s) => [s.month, s.needsPosted ?? "", s.needsMatched, s.applied, s.loans, ...amount(s.loansFen), ratePct(s.avgRateBps)]),
    }),
    rates: () => ({ header: [t("monitoring.rates.band"), t("monitoring.rates.loans")], rows: d.rateBands.map((n, i) => [rateBandLabel(i), n]) }),
    banks: () => ({
      header: [
        t("monitoring.banks.rank"),
        t("monitoring.banks.bank"),
        t("monitoring.banks.applied"),
        t("monitoring.banks.answered"),
        t("monitoring.banks.onTime"),
        t("monitoring.banks.avgResponse"),
        t("monitoring.banks.overdueOpen"),
        t("monitoring.banks.overdue"),
        t("monitoring.banks.approved"),
        t("monitoring.banks.loans"),
        ...money(t("monitoring.banks.loansAmount")),
      ],
      rows: d.banks.map((b, i) => [
        i + 1,
        bankName(b),
        b.applied,
        b.answered,
        sharePct(b.onTimeBps),
        hours(b.avgResponseMinutes),
        b.overdueOpen,
        b.overdue,
        b.approved,
        b.loans,
        ...amount(b.loansFen),
      ]),
    }),
    regions: () => ({
      header: [
        t("monitoring.regions.region"),
        t("monitoring.regions.needsPosted"),
        t("monitoring.regions.applied"),
        t("monitoring.regions.loans"),
        ...money(t("monitoring.regions.loansAmount")),
      ],
      rows: d.regions.map((r) => [regionName(r.regionCode, locale), r.needsPosted ?? "", r.applied, r.loans, ...amount(r.loansFen)]),
    }),
    book: () => ({
      header: [t("monitoring.book.metric"), t("monitoring.book.count"), ...money(t("monitoring.book.amount"))],
      rows: [
        [t("monitoring.book.outstanding"), d.book.outstanding, ...amount(d.book.outstandingFen)],
        [t("monitoring.book.pastDue"), d.book.pastDue, ...amount(d.book.pastDueFen)],
        [t("monitoring.book.defaulted"), d.book.defaulted, ...amount(d.book.defaultedFen)],
        [t("monitoring.book.repaid"), d.book.repaid, "", ""],
      ],
    }),
    funds: () => ({
      header: [
        t("monitoring.fund.fund"),
        ...money(t("monitoring.fund.balance")),
        ...money(t("monitoring.fund.reserved")),
        ...money(t("monitoring.fund.contributed")),
        ...money(t("monitoring.fund.paid")),
        ...money(t("monitoring.fund.recovered")),
      ],
      rows: d.funds.map((f) => [
        bankName(f),
        ...amount(f.balanceFen),
        ...amount(f.reservedFen),
        ...amount(f.contributedFen),
        ...amount(f.paidFen),
        ...amount(f.recoveredFen),
      ]),
    }),
  };
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  requirePermission(request, context, "read:monitoring:any");
  const chart = MONITORING_CHARTS.find((c) => c === params.chart);
  if (!chart) throw new Response("Not Found", { status: 404 });
  const locale = context.get(localeContext);
  const t = createI18n(locale).t;
  const view = await loadMonitoringView(prisma, new URL(request.url).searchParams);
  if (!view.ok) {
    // The same refusal as the page's, in the reader's language, and no file.
    return new Response(view.errors.map((e) => t(e)).join("\n"), { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const table = tables(t, view.dashboard, locale === "zh-CN", locale)[chart]();
  const period = `${view.filters.from}_${view.filters.to}`;
  return csvResponse(
    [table.header, ...table.rows.map((r) => r.map(String))],
    `monitoring-${chart}-${period}.csv`,
    `${t("monitoring.title")}-${t(`monitoring.csvNames.${chart}`)}-${period}.csv`,
  );
}

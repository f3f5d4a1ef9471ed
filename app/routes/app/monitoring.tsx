import { DownloadOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Col, DatePicker, Flex, Row, Select, Space, Statistic, Table, Tooltip, Typography } from "antd";
import dayjs from "dayjs";
import type { ReactNode } from "react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Form, Link } from "react-router";
import type { Route } from "./+types/monitoring";
import { FunnelChart } from "~/components/charts/FunnelChart";
import { RankingChart } from "~/components/charts/RankingChart";
import { TrendChart } from "~/components/charts/TrendChart";
import { useSubmitOnChange } from "~/components/search/useSubmitOnChange";
import { prisma } from "~/db.server";
import { filtersQuery, MONITORING_SIZES, type MonitoringFilters } from "~/domain/monitoring/filters";
import { rateBandLabel } from "~/domain/monitoring/metrics";
import { loadMonitoringView } from "~/domain/monitoring/monitoring-view.server";
import { INDUSTRIES } from "~/domain/reference/industries";
import { regionName, REGIONS } from "~/domain/reference/regions";
import { formatDateTime, formatMoneyCompact, formatMoneyFen, formatNumber, formatRateBps } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "融资监测 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  requirePermission(request, context, "read:monitoring:any");
  return loadMonitoringView(prisma, new URL(request.url).searchParams);
}

/** Charts exported as CSV, by the name their download link uses (monitoring-export.ts). */
export const MONITORING_CHARTS = ["summary", "funnel", "trend", "rates", "banks", "regions", "book", "funds"] as const;
export type MonitoringChart = (typeof MONITORING_CHARTS)[number];

/** Basis points of a share (0–10,000) as a percentage with one decimal; a dash for no share. */
export function sharePct(bps: number | null): string {
  return bps === null ? "—" : `${(bps / 100).toFixed(1)}%`;
}

/** A rate average in (fractional) basis points as a percentage; a dash for none. */
export function ratePct(bps: number | null): string {
  return bps === null ? "—" : formatRateBps(Math.round(bps));
}

/** Minutes as hours with one decimal. */
export function hours(minutes: number | null): string {
  return minutes === null ? "—" : (minutes / 60).toFixed(1);
}

/** A chart whose every value is 0 says "no figures" rather than drawing a flat line at zero. */
function orEmpty<S extends { values: (number | null)[] }>(categories: string[], series: S[]): { categories: string[]; series: S[] } {
  return series.some((s) => s.values.some((v) => v !== null && v !== 0))
    ? { categories, series }
    : { categories: [], series: series.map((s) => ({ ...s, values: [] })) };
}

function CsvLink({ chart, filters }: { chart: MonitoringChart; filters: MonitoringFilters }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t("monitoring.csvHelp")}>
      <a href={`/app/monitoring/export/${chart}?${filtersQuery(filters)}`} download data-testid={`monitoring-csv-${chart}`}>
        <DownloadOutlined aria-hidden /> {t("monitoring.csv")}
      </a>
    </Tooltip>
  );
}

function Kpi({ title, value, detail, testId }: { title: string; value: string; detail?: ReactNode; testId: string }) {
  return (
    <Card size="small" style={{ height: "100%" }}>
      <Statistic title={title} value={value} valueRender={(node) => <span data-testid={testId}>{node}</span>} />
      <Typography.Text type="secondary" data-testid={`${testId}-detail`}>
        {detail}
      </Typography.Text>
    </Card>
  );
}

export default function MonitoringPage({ loaderData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const view = loaderData;
  const { formRef, submitNow } = useSubmitOnChange();
  const initial = view.ok ? view.filters : null;
  const [from, setFrom] = useState(initial?.from ?? "");
  const [to, setTo] = useState(initial?.to ?? "");
  const [region, setRegion] = useState(initial?.regionCode ?? "");
  const [industry, setIndustry] = useState(initial?.industryCode ?? "");
  const [size, setSize] = useState<string>(initial?.size ?? "");
  const [bank, setBank] = useState(initial?.institutionId ?? "");
  const [product, setProduct] = useState(initial?.productId ?? "");
  const change = (set: (v: string) => void) => (v: string | undefined) => {
    set(v ?? "");
    submitNow();
  };
  const count = (n: number) => formatNumber(n, locale);
  const money = (fen: string) => formatMoneyFen(fen, locale);
  const compact = (fen: string) => formatMoneyCompact(fen, locale);
  const yuanFormat = (v: number) => formatMoneyCompact(BigInt(Math.round(v * 100)), locale);
  const all = t("monitoring.filters.all");

  const filterBar = (
    <Form method="get" ref={formRef} role="search" aria-label={t("monitoring.filters.label")} data-testid="monitoring-filters">
      <Flex wrap gap={12} align="end">
        <Field label={t("monitoring.filters.from")} htmlFor="monitoring-from">
          <DatePicker
            id="monitoring-from"
            picker="month"
            allowClear={false}
            value={from ? dayjs(`${from}-01`) : null}
            onChange={(d) => d && change(setFrom)(d.format("YYYY-MM"))}
          />
        </Field>
        <Field label={t("monitoring.filters.to")} htmlFor="monitoring-to">
          <DatePicker
            id="monitoring-to"
            picker="month"
            allowClear={false}
            value={to ? dayjs(`${to}-01`) : null}
            onChange={(d) => d && change(setTo)(d.format("YYYY-MM"))}
          />
        </Field>
        <Field label={t("monitoring.filters.region")} htmlFor="monitoring-region">
          <Select
            id="monitoring-region"
            data-testid="monitoring-region"
            style={{ width: 160 }}
            value={region}
            onChange={change(setRegion)}
            options={[{ value: "", label: all }, ...REGIONS.map((r) => ({ value: r.code, label: zh ? r.nameZh : r.nameEn }))]}
          />
        </Field>
        <Field label={t("monitoring.filters.industry")} htmlFor="monitoring-industry">
          <Select
            id="monitoring-industry"
            showSearch={{ optionFilterProp: "label" }}
            style={{ width: 220 }}
            value={industry}
            onChange={change(setIndustry)}
            options={[{ value: "", label: all }, ...INDUSTRIES.map((r) => ({ value: r.code, label: `${r.code} ${zh ? r.nameZh : r.nameEn}` }))]}
          />
        </Field>
        <Field label={t("monitoring.filters.size")} htmlFor="monitoring-size">
          <Select
            id="monitoring-size"
            style={{ width: 120 }}
            value={size}
            onChange={change(setSize)}
            options={[{ value: "", label: all }, ...MONITORING_SIZES.map((s) => ({ value: s, label: t(`monitoring.sizes.${s}`) }))]}
          />
        </Field>
        <Field label={t("monitoring.filters.bank")} htmlFor="monitoring-bank">
          <Select
            id="monitoring-bank"
            data-testid="monitoring-bank"
            showSearch={{ optionFilterProp: "label" }}
            style={{ width: 240 }}
            value={bank}
            onChange={(v: string) => {
              setBank(v ?? "");
              // A product belongs to one bank: a new bank starts without one.
              setProduct("");
              submitNow();
            }}
            options={[{ value: "", label: all }, ...view.choices.banks.map((b) => ({ value: b.id, label: zh ? b.nameZh : b.nameEn }))]}
          />
        </Field>
        <Field label={t("monitoring.filters.product")} htmlFor="monitoring-product">
          <Select
            id="monitoring-product"
            showSearch={{ optionFilterProp: "label" }}
            style={{ width: 220 }}
            value={product}
            disabled={!bank}
            onChange={change(setProduct)}
            options={[{ value: "", label: all }, ...view.choices.products.map((p) => ({ value: p.id, label: zh ? p.nameZh : (p.nameEn ?? p.nameZh) }))]}
          />
        </Field>
        {[
          ["from", from],
          ["to", to],
          ["region", region],
          ["industry", industry],
          ["size", size],
          ["bank", bank],
          ["product", product],
        ].map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
        <noscript>
          <Button htmlType="submit">{t("monitoring.filters.apply")}</Button>
        </noscript>
        <Link to="/app/monitoring" reloadDocument>
          {t("monitoring.filters.reset")}
        </Link>
      </Flex>
    </Form>
  );

  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <div>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t("monitoring.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t("monitoring.help")}
        </Typography.Paragraph>
      </div>
      {filterBar}
      {!view.ok ? (
        <Alert
          type="error"
          showIcon
          data-testid="monitoring-errors"
          title={t("monitoring.filters.invalid")}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {view.errors.map((e) => (
                <li key={e}>{t(e)}</li>
              ))}
            </ul>
          }
        />
      ) : (
        <Dashboard view={view} count={count} money={money} compact={compact} yuanFormat={yuanFormat} />
      )}
    </Space>
  );
}

function Field({ label, htmlFor, children }: { label: string; htmlFor: string; children: ReactNode }) {
  return (
    <Flex vertical gap={4}>
      <label htmlFor={htmlFor}>
        <Typography.Text type="secondary">{label}</Typography.Text>
      </label>
      {children}
    </Flex>
  );
}

type OkView = Extract<Route.ComponentProps["loaderData"], { ok: true }>;

function Dashboard({
  view,
  count,
  money,
  compact,
  yuanFormat,
}: {
  view: OkView;
  count: (n: number) => string;
  money: (fen: string) => string;
  compact: (fen: string) => string;
  yuanFormat: (v: number) => string;
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === "zh-CN";
  const d = view.dashboard;
  const f = view.filters;
  const tot = d.totals;
  const byBank = Boolean(f.institutionId || f.productId);
  const tableLabel = t("monitoring.showTable");
  const noData = t("monitoring.noData");
  const months = d.series.map((s) => s.month);

  return (
    <>
      <Typography.Text type="secondary" data-testid="monitoring-as-of">
        {d.refreshedAt ? t("monitoring.asOf", { time: formatDateTime(d.refreshedAt) }) : t("monitoring.notYet")}
      </Typography.Text>
      {byBank && <Alert type="info" showIcon title={t("monitoring.filters.bankNote")} />}

      <Card size="small" title={null} extra={<CsvLink chart="summary" filters={f} />} styles={{ body: { padding: 12 } }}>
        <Row gutter={[12, 12]} data-testid="monitoring-kpis">
          <Col xs={12} md={8} xl={6}>
            <Kpi
              testId="kpi-needs"
              title={t("monitoring.kpi.needsPosted")}
              value={tot.needsPosted === null ? t("monitoring.kpi.notApplicable") : count(tot.needsPosted)}
              detail={tot.needsPostedFen === null ? null : t("monitoring.kpi.amount", { amount: compact(tot.needsPostedFen) })}
            />
          </Col>
          <Col xs={12} md={8} xl={6}>
            <Kpi testId="kpi-matched" title={t("monitoring.kpi.needsMatched")} value={count(tot.needsMatched)} />
          </Col>
          <Col xs={12} md={8} xl={6}>
            <Kpi
              testId="kpi-applied"
              title={t("monitoring.kpi.applied")}
              value={count(tot.applied)}
              detail={t("monitoring.kpi.amount", { amount: compact(tot.appliedFen) })}
            />
          </Col>
          <Col xs={12} md={8} xl={6}>
            <Kpi
              testId="kpi-approved"
              title={t("monitoring.kpi.approved")}
              value={count(tot.approved)}
              detail={t("monitoring.kpi.amount", { amount: compact(tot.approvedFen) })}
            />
          </Col>
          <Col xs={12} md={8} xl={6}>
            <Kpi
              testId="kpi-loans"
              title={t("monitoring.kpi.loans")}
              value={count(tot.loans)}
              detail={t("monitoring.kpi.amount", { amount: compact(tot.loansFen) })}
            />
          </Col>
          <Col xs={12} md={8} xl={6}>
            <Kpi
              testId="kpi-rate"
              title={t("monitoring.kpi.weightedRate")}
              value={ratePct(tot.weightedRateBps)}
              detail={t("monitoring.kpi.avgRate", { rate: ratePct(tot.avgRateBps) })}
            />
          </Col>
          <Col xs={12} md={8} xl={6}>
            <Kpi
              testId="kpi-pure-credit"
              title={t("monitoring.kpi.pureCredit")}
              value={sharePct(tot.pureCreditShareBps)}
              detail={t("monitoring.kpi.amount", { amount: compact(tot.pureCreditFen) })}
            />
          </Col>
          <Col xs={12} md={8} xl={6}>
            <Kpi
              testId="kpi-first-time"
              title={t("monitoring.kpi.firstTime")}
              value={count(tot.firstTime)}
              detail={t("monitoring.kpi.firstTimeShare", { share: sharePct(tot.firstTimeShareBps) })}
            />
          </Col>
          <Col xs={12} md={8} xl={6}>
            <Kpi
              testId="kpi-on-time"
              title={t("monitoring.kpi.onTime")}
              value={sharePct(tot.onTimeBps)}
              detail={t("monitoring.kpi.onTimeDetail", {
                onTime: count(tot.answeredOnTime),
                answered: count(tot.answered),
                hours: hours(tot.avgResponseMinutes),
              })}
            />
          </Col>
          <Col xs={12} md={8} xl={6}>
            <Kpi
              testId="kpi-overdue"
              title={t("monitoring.kpi.overdueOpen")}
              value={count(tot.overdueOpen)}
              detail={t("monitoring.kpi.overdueDetail", { overdue: count(tot.overdue) })}
            />
          </Col>
        </Row>
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card title={t("monitoring.funnel.title")} extra={<CsvLink chart="funnel" filters={f} />} style={{ height: "100%" }}>
            <Typography.Paragraph type="secondary">{t("monitoring.funnel.help")}</Typography.Paragraph>
            <div data-testid="monitoring-funnel">
              <FunnelChart
                title={t("monitoring.funnel.title")}
                stages={d.funnel.map((s) => ({
                  name: t(`monitoring.funnel.stages.${s.stage}`),
                  value: s.count,
                  amount: s.amountFen === null ? null : Number(s.amountFen) / 100,
                }))}
                valueFormat={count}
                amountFormat={yuanFormat}
                emptyText={noData}
                tableLabel={tableLabel}
                stageLabel={t("monitoring.funnel.stage")}
                valueLabel={t("monitoring.funnel.count")}
                amountLabel={t("monitoring.funnel.amount")}
                conversionLabel={t("monitoring.funnel.conversion")}
                overallConversionLabel={t("monitoring.funnel.overall")}
              />
            </div>
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card title={t("monitoring.trend.title")} extra={<CsvLink chart="trend" filters={f} />} style={{ height: "100%" }}>
            <div data-testid="monitoring-trend">
              <TrendChart
                title={t("monitoring.trend.title")}
                {...orEmpty(months, [
                  ...(byBank ? [] : [{ name: t("monitoring.trend.needsPosted"), values: d.series.map((s) => s.needsPosted) }]),
                  { name: t("monitoring.trend.needsMatched"), values: d.series.map((s) => s.needsMatched) },
                  { name: t("monitoring.trend.applied"), values: d.series.map((s) => s.applied) },
                  { name: t("monitoring.trend.loans"), values: d.series.map((s) => s.loans) },
                ])}
                integer
                valueFormat={count}
                emptyText={noData}
                tableLabel={tableLabel}
                categoryLabel={t("monitoring.trend.month")}
              />
            </div>
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card title={t("monitoring.trend.amountTitle")} extra={<CsvLink chart="trend" filters={f} />} style={{ height: "100%" }}>
            <TrendChart
              title={t("monitoring.trend.amountTitle")}
              kind="bar"
              {...orEmpty(months, [{ name: t("monitoring.trend.loansAmount"), values: d.series.map((s) => Number(s.loansFen) / 100) }])}
              valueFormat={yuanFormat}
              emptyText={noData}
              tableLabel={tableLabel}
              categoryLabel={t("monitoring.trend.month")}
              height={260}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t("monitoring.rates.title")} extra={<CsvLink chart="rates" filters={f} />} style={{ height: "100%" }}>
            <TrendChart
              title={t("monitoring.rates.title")}
              kind="bar"
              {...orEmpty(
                d.rateBands.map((_, i) => rateBandLabel(i)),
                [{ name: t("monitoring.rates.loans"), values: d.rateBands }],
              )}
              integer
              valueFormat={count}
              emptyText={noData}
              tableLabel={tableLabel}
              categoryLabel={t("monitoring.rates.band")}
              height={260}
            />
          </Card>
        </Col>
      </Row>

      <Card title={t("monitoring.banks.title")} extra={<CsvLink chart="banks" filters={f} />}>
        <Typography.Paragraph type="secondary">{t("monitoring.banks.help")}</Typography.Paragraph>
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={9}>
            <RankingChart
              title={t("monitoring.banks.chartTitle")}
              items={d.banks.map((b) => ({ name: zh ? b.nameZh : b.nameEn, value: b.onTimeBps === null ? null : b.onTimeBps / 100 }))}
              valueFormat={(v) => `${v.toFixed(1)}%`}
              emptyText={noData}
              tableLabel={tableLabel}
              nameLabel={t("monitoring.banks.bank")}
              valueLabel={t("monitoring.banks.onTime")}
              rankLabel={t("monitoring.banks.rank")}
              maxItems={20}
            />
          </Col>
          <Col xs={24} xl={15}>
            <Table<OkView["dashboard"]["banks"][number]>
              data-testid="monitoring-banks"
              rowKey="institutionId"
              size="small"
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              scroll={{ x: "max-content" }}
              locale={{ emptyText: noData }}
              dataSource={d.banks}
              columns={[
                { title: t("monitoring.banks.rank"), key: "rank", render: (_, __, i) => i + 1, width: 56 },
                { title: t("monitoring.banks.bank"), key: "bank", render: (_, b) => (zh ? b.nameZh : b.nameEn) },
                { title: t("monitoring.banks.applied"), dataIndex: "applied", align: "right", render: count },
                { title: t("monitoring.banks.answered"), dataIndex: "answered", align: "right", render: count },
                { title: t("monitoring.banks.onTime"), dataIndex: "onTimeBps", align: "right", render: sharePct },
                {
                  title: t("monitoring.banks.avgResponse"),
                  dataIndex: "avgResponseMinutes",
                  align: "right",
                  render: (m: number | null) => t("monitoring.banks.hours", { hours: hours(m) }),
                },
                { title: t("monitoring.banks.overdueOpen"), dataIndex: "overdueOpen", align: "right", render: count },
                { title: t("monitoring.banks.overdue"), dataIndex: "overdue", align: "right", render: count },
                { title: t("monitoring.banks.loans"), dataIndex: "loans", align: "right", render: count },
                { title: t("monitoring.banks.loansAmount"), dataIndex: "loansFen", align: "right", render: money },
              ]}
            />
          </Col>
        </Row>
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card title={t("monitoring.regions.title")} extra={<CsvLink chart="regions" filters={f} />} style={{ height: "100%" }}>
            <div data-testid="monitoring-regions">
              <RankingChart
                title={t("monitoring.regions.chartTitle")}
                items={[...d.regions]
                  .sort((a, b) => Number(BigInt(b.loansFen) - BigInt(a.loansFen)))
                  .map((r) => ({ name: regionName(r.regionCode, i18n.language), value: Number(r.loansFen) / 100 }))}
                valueFormat={yuanFormat}
                emptyText={noData}
                tableLabel={tableLabel}
                nameLabel={t("monitoring.regions.region")}
                valueLabel={t("monitoring.regions.loansAmount")}
                rankLabel={t("monitoring.banks.rank")}
              />
            </div>
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t("monitoring.book.title")} extra={<CsvLink chart="book" filters={f} />} style={{ height: "100%" }}>
            <Typography.Paragraph type="secondary">{t("monitoring.book.help")}</Typography.Paragraph>
            <Row gutter={[12, 12]} data-testid="monitoring-book">
              {(
                [
                  ["outstanding", d.book.outstanding, d.book.outstandingFen],
                  ["pastDue", d.book.pastDue, d.book.pastDueFen],
                  ["defaulted", d.book.defaulted, d.book.defaultedFen],
                ] as const
              ).map(([key, n, fen]) => (
                <Col xs={24} sm={8} key={key}>
                  <Statistic title={t(`monitoring.book.${key}`)} value={compact(fen)} />
                  <Typography.Text type="secondary">{t("monitoring.book.loansCount", { count: n })}</Typography.Text>
                </Col>
              ))}
            </Row>
          </Card>
        </Col>
      </Row>

      <Card title={t("monitoring.fund.title")} extra={<CsvLink chart="funds" filters={f} />}>
        <Typography.Paragraph type="secondary">{t("monitoring.fund.help")}</Typography.Paragraph>
        {d.funds.length === 0 ? (
          <Typography.Text type="secondary">{t("monitoring.fund.none")}</Typography.Text>
        ) : (
          <Table<OkView["dashboard"]["funds"][number]>
            data-testid="monitoring-funds"
            rowKey="fundId"
            size="small"
            pagination={false}
            scroll={{ x: "max-content" }}
            dataSource={d.funds}
            columns={[
              { title: t("monitoring.fund.fund"), key: "fund", render: (_, x) => (zh ? x.nameZh : x.nameEn) },
              ...(["balanceFen", "reservedFen", "contributedFen", "paidFen", "recoveredFen"] as const).map((k) => ({
                title: t(`monitoring.fund.${k.replace("Fen", "")}`),
                dataIndex: k,
                align: "right" as const,
                render: money,
              })),
            ]}
          />
        )}
        <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }} data-testid="monitoring-claims">
          <Typography.Text strong>{t("monitoring.fund.claims")}</Typography.Text>
          {t("monitoring.fund.claimsDetail", {
            count: count(d.claims.claims),
            loss: money(d.claims.lossFen),
            paid: money(d.claims.paidFen),
            recovered: money(d.claims.recoveredFen),
            refused: count(d.claims.refused),
          })}
        </Typography.Paragraph>
      </Card>
    </>
  );
}

import { DownloadOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Col, DatePicker, Flex, Row, Select, Space, Table, Tabs, Tag, Tooltip, Typography } from "antd";
import dayjs from "dayjs";
import type { TFunction } from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Form, Link, useLocation, useNavigate, useSearchParams } from "react-router";
import type { Route } from "./+types/ledger";
import { TrendChart } from "~/components/charts/TrendChart";
import { useSubmitOnChange } from "~/components/search/useSubmitOnChange";
import { prisma } from "~/db.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { getLedger } from "~/domain/ledger/ledger.server";
import {
  LedgerAccountsQuerySchema,
  listLedgerFunds,
  loadFundLedger,
  MAX_FUND_LOANS,
  type AccountDescription,
} from "~/domain/ledger/ledger-views.server";
import { formatDateTime, formatMoneyFen } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { searchParamsObject } from "~/schemas/fields";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "资金账本 · 信易贷" }];

/** An account in words: its owner (fund, bank, bank and year, loan) and its purpose. */
export function accountLabel(t: TFunction, account: AccountDescription | null, accountId: string, zh: boolean): string {
  if (!account) return t("ledgerView.owners.unknown", { id: accountId });
  const o = account.owner;
  const bank = (zh ? o.bankNameZh : o.bankNameEn) ?? o.institutionId ?? "";
  const fund = (zh ? o.fundNameZh : o.fundNameEn) ?? o.fundId ?? "";
  const enterprise = o.enterpriseName ?? o.loanId ?? "";
  const owner =
    o.type === "fund"
      ? t("ledgerView.owners.fund", { fund })
      : o.type === "fund-bank"
        ? t("ledgerView.owners.fundBank", { bank })
        : o.type === "fund-bank-year"
          ? t("ledgerView.owners.fundBankYear", { bank, year: o.year })
          : o.type === "fund-loan"
            ? t("ledgerView.owners.fundLoan", { enterprise })
            : o.type === "institution"
              ? t("ledgerView.owners.institution", { bank })
              : o.type === "loan"
                ? t("ledgerView.owners.loan", { enterprise })
                : t("ledgerView.owners.unknown", { id: accountId });
  return t("ledgerView.accountText", { owner, purpose: t(`ledgerView.purposes.${account.purpose}`, { defaultValue: account.purpose }) });
}

/** The three pages of the workspace, as tabs that are links (the fund chosen carries over). */
export function LedgerNav({ active, fundId }: { active: "accounts" | "transfers" | "reconciliation"; fundId: string | null }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const paths = { accounts: "/app/ledger", transfers: "/app/ledger/transfers", reconciliation: "/app/ledger/reconciliation" } as const;
  const withFund = (key: keyof typeof paths) => (fundId && key !== "reconciliation" ? `${paths[key]}?fund=${fundId}` : paths[key]);
  return (
    <Tabs
      activeKey={active}
      onChange={(key) => void navigate(withFund(key as keyof typeof paths))}
      items={(Object.keys(paths) as (keyof typeof paths)[]).map((key) => ({
        key,
        label: <span data-testid={`ledger-tab-${key}`}>{t(`ledgerView.tabs.${key}`)}</span>,
      }))}
    />
  );
}

export async function loader({ request, context }: Route.LoaderArgs) {
  requirePermission(request, context, "read:ledger:any");
  const query = LedgerAccountsQuerySchema.parse(searchParamsObject(new URL(request.url).searchParams));
  const today = platformToday();
  // A day to come has no transfers yet: its balances are today's.
  const day = query.day && query.day <= today ? query.day : today;
  const funds = await listLedgerFunds(prisma);
  const fundId = query.fund ?? funds[0]?.id ?? null;
  if (!fundId) return { funds, day, today, view: null, maxLoans: MAX_FUND_LOANS };
  const ledger = await getLedger();
  const view = await orHttpError(() => loadFundLedger({ db: prisma, ledger, fundId, day, loanPage: query.loanPage }));
  return { funds, day, today, view, maxLoans: MAX_FUND_LOANS };
}

type View = NonNullable<Route.ComponentProps["loaderData"]["view"]>;

export default function LedgerAccountsPage({ loaderData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const money = (fen: string) => formatMoneyFen(fen, locale);
  const { view, funds } = loaderData;
  const { formRef, submitNow } = useSubmitOnChange();
  const [fund, setFund] = useState(view?.fund.id ?? "");
  const [day, setDay] = useState(loaderData.day);
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();

  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <div>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t("ledgerView.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t("ledgerView.help")}
        </Typography.Paragraph>
      </div>
      <LedgerNav active="accounts" fundId={view?.fund.id ?? null} />
      {!view ? (
        <Alert type="info" showIcon title={t("ledgerView.noFunds")} data-testid="ledger-no-funds" />
      ) : (
        <>
          <Form method="get" ref={formRef} role="search" aria-label={t("ledgerView.title")}>
            <Flex wrap gap={16} align="center">
              <label htmlFor="ledger-fund">{t("ledgerView.fund")}</label>
              <Select
                id="ledger-fund"
                value={fund}
                style={{ minWidth: 280 }}
                options={funds.map((f) => ({ value: f.id, label: zh ? f.nameZh : f.nameEn }))}
                onChange={(v: string) => {
                  setFund(v);
                  submitNow();
                }}
              />
              <input type="hidden" name="fund" value={fund} />
              <label htmlFor="ledger-day">{t("ledgerView.day")}</label>
              <DatePicker
                id="ledger-day"
                value={dayjs(day)}
                allowClear={false}
                disabledDate={(d) => d.format("YYYY-MM-DD") > loaderData.today}
                onChange={(d) => {
                  if (!d) return;
                  setDay(d.format("YYYY-MM-DD"));
                  submitNow();
                }}
              />
              <input type="hidden" name="day" value={day} />
              <noscript>
                <Button htmlType="submit">{t("ledgerView.apply")}</Button>
              </noscript>
              <Tooltip title={t("ledgerView.exportHelp")}>
                <a
                  href={`/app/ledger/export/accounts?${new URLSearchParams({ fund: view.fund.id, day: view.day }).toString()}`}
                  download
                  data-testid="ledger-export-accounts"
                >
                  <DownloadOutlined aria-hidden /> {t("ledgerView.exportCsv")}
                </a>
              </Tooltip>
            </Flex>
          </Form>

          <div>
            <Typography.Text strong>{zh ? view.fund.nameZh : view.fund.nameEn}</Typography.Text>{" "}
            <Tag>{t(`ledgerView.fundStatus.${view.fund.status}`)}</Tag>
            <Typography.Text type="secondary">
              {t("ledgerView.fundPeriod", { from: view.fund.validFrom, to: view.fund.validTo, budget: money(view.fund.budgetFen) })}
            </Typography.Text>
            <Typography.Paragraph type="secondary" style={{ margin: 0 }} data-testid="ledger-as-of">
              {t("ledgerView.asOf", { day: view.day })}
            </Typography.Paragraph>
          </div>
          {view.truncated && <Alert type="warning" showIcon title={t("ledgerView.truncated", { max: loaderData.maxLoans })} />}

          <Row gutter={[16, 16]}>
            <Col xs={24} xl={12}>
              <Card title={t("ledgerView.ownTitle")}>
                <OwnAccounts view={view} />
              </Card>
            </Col>
            <Col xs={24} xl={12}>
              <Card>
                <TrendChart
                  title={t("ledgerView.chartTitle")}
                  categories={view.poolHistory.days}
                  series={[
                    { name: t("ledgerView.seriesPosted"), values: view.poolHistory.postedFen.map((f) => (f === null ? null : Number(f) / 100)) },
                    { name: t("ledgerView.seriesAvailable"), values: view.poolHistory.availableFen.map((f) => (f === null ? null : Number(f) / 100)) },
                  ]}
                  valueFormat={(v) => formatMoneyFen(BigInt(Math.round(v * 100)), locale)}
                  emptyText={t("ledgerView.noChart")}
                  tableLabel={t("ledgerView.showTable")}
                  categoryLabel={t("ledgerView.chartDay")}
                  height={280}
                />
              </Card>
            </Col>
          </Row>

          <Card title={t("ledgerView.banksTitle")}>
            <Table<View["banks"][number]>
              data-testid="ledger-banks"
              rowKey="institutionId"
              size="small"
              pagination={false}
              scroll={{ x: "max-content" }}
              locale={{ emptyText: t("common.noData") }}
              dataSource={view.banks}
              columns={[
                { title: t("ledgerView.columns.bank"), key: "bank", render: (_, b) => (zh ? b.nameZh : b.nameEn) },
                { title: t("ledgerView.columns.reserved"), key: "reserved", align: "right", render: (_, b) => money(b.reservedFen) },
                { title: t("ledgerView.columns.paid"), key: "paid", align: "right", render: (_, b) => money(b.paidFen) },
                { title: t("ledgerView.columns.sharedBack"), key: "sharedBack", align: "right", render: (_, b) => money(b.sharedBackFen) },
                { title: t("ledgerView.columns.net"), key: "net", align: "right", render: (_, b) => money(b.netFen) },
                {
                  title: t("ledgerView.columns.yearCaps"),
                  key: "years",
                  render: (_, b) => (
                    <Flex vertical>
                      {b.years.map((y) => (
                        <span key={y.year}>
                          {t("ledgerView.yearCap", { year: y.year, used: money(y.usedFen), pending: money(y.pendingFen), remaining: money(y.remainingFen) })}
                        </span>
                      ))}
                    </Flex>
                  ),
                },
              ]}
            />
          </Card>

          <Card title={t("ledgerView.loansTitle")}>
            <Typography.Paragraph data-testid="ledger-loan-caps">
              {t("ledgerView.loanCapsSummary", {
                count: view.loanCaps.loans,
                granted: money(view.loanCaps.capGrantedFen),
                used: money(view.loanCaps.capUsedFen),
                pending: money(view.loanCaps.capPendingFen),
                remaining: money(view.loanCaps.capRemainingFen),
                recoverable: money(view.loanCaps.recoverableGrantedFen),
                recovered: money(view.loanCaps.recoveredFen),
                left: money(view.loanCaps.recoverableRemainingFen),
              })}
            </Typography.Paragraph>
            <Table<View["loans"]["rows"][number]>
              data-testid="ledger-loans"
              rowKey="loanId"
              size="small"
              scroll={{ x: "max-content" }}
              locale={{ emptyText: t("common.noData") }}
              dataSource={view.loans.rows}
              pagination={{
                current: view.loans.page,
                pageSize: view.loans.pageSize,
                total: view.loans.total,
                showSizeChanger: false,
                showTotal: (total) => t("common.total", { count: total }),
                onChange: (page) => {
                  const next = new URLSearchParams(params);
                  next.set("loanPage", String(page));
                  void navigate(`${location.pathname}?${next.toString()}`, { preventScrollReset: true });
                },
              }}
              columns={[
                {
                  title: t("ledgerView.columns.loan"),
                  key: "loan",
                  render: (_, r) =>
                    r.applicationId ? (
                      <Link to={`/app/applications/${r.applicationId}#loan`}>{r.enterpriseName ?? r.loanId}</Link>
                    ) : (
                      (r.enterpriseName ?? r.loanId)
                    ),
                },
                { title: t("ledgerView.columns.bank"), key: "bank", render: (_, r) => (zh ? r.bankNameZh : r.bankNameEn) ?? "—" },
                { title: t("ledgerView.columns.claimedLoss"), key: "loss", align: "right", render: (_, r) => money(r.claimedLossFen) },
                { title: t("ledgerView.columns.reserved"), key: "reserved", align: "right", render: (_, r) => money(r.reservedFen) },
                { title: t("ledgerView.columns.paid"), key: "paid", align: "right", render: (_, r) => money(r.paidFen) },
                { title: t("ledgerView.columns.recoveredShare"), key: "recovered", align: "right", render: (_, r) => money(r.recoveredShareFen) },
              ]}
            />
          </Card>

          <Card title={t("ledgerView.pendingTitle")}>
            <Typography.Paragraph type="secondary">{t("ledgerView.pendingHelp")}</Typography.Paragraph>
            <Typography.Paragraph data-testid="ledger-pending-totals">
              {t("ledgerView.pendingTotals", { count: view.pending.total, records: money(view.pending.reservedFen), ledger: money(view.pending.ledgerPendingFen) })}
            </Typography.Paragraph>
            <Table<View["pending"]["rows"][number]>
              data-testid="ledger-pending"
              rowKey="claimId"
              size="small"
              scroll={{ x: "max-content" }}
              locale={{ emptyText: t("common.noData") }}
              dataSource={view.pending.rows}
              pagination={view.pending.rows.length > 20 ? { pageSize: 20 } : false}
              columns={[
                {
                  title: t("ledgerView.columns.claim"),
                  key: "claim",
                  render: (_, r) => <Link to={`/app/claims/${r.claimId}`}>{r.enterpriseName}</Link>,
                },
                { title: t("ledgerView.columns.bank"), key: "bank", render: (_, r) => (zh ? r.bankNameZh : r.bankNameEn) },
                { title: t("ledgerView.columns.claimStatus"), key: "status", render: (_, r) => <Tag>{t(`ledgerView.claimStatus.${r.status}`)}</Tag> },
                { title: t("ledgerView.columns.filedAt"), key: "filedAt", render: (_, r) => formatDateTime(r.filedAt) },
                { title: t("ledgerView.columns.reservedRecords"), key: "records", align: "right", render: (_, r) => money(r.reservedFen) },
                {
                  title: t("ledgerView.columns.reservedLedger"),
                  key: "ledger",
                  align: "right",
                  render: (_, r) =>
                    r.ledgerPendingFen === null ? <Typography.Text type="warning">{t("ledgerView.notInLedger")}</Typography.Text> : money(r.ledgerPendingFen),
                },
              ]}
            />
          </Card>
        </>
      )}
    </Space>
  );
}

function OwnAccounts({ view }: { view: View }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const money = (fen: string) => formatMoneyFen(fen, locale);
  return (
    <Table<View["own"][number]>
      data-testid="ledger-own-accounts"
      rowKey="purpose"
      size="small"
      pagination={false}
      scroll={{ x: "max-content" }}
      dataSource={view.own}
      columns={[
        {
          title: t("ledgerView.columns.account"),
          key: "purpose",
          render: (_, a) => (
            <Tooltip title={t(`ledgerView.purposeHelp.${a.purpose}`, { defaultValue: "" })}>
              <span tabIndex={0}>{t(`ledgerView.purposes.${a.purpose}`)}</span>
            </Tooltip>
          ),
        },
        { title: t("ledgerView.columns.balance"), key: "balance", align: "right", render: (_, a) => <strong>{money(a.balanceFen)}</strong> },
        { title: t("ledgerView.columns.debitsPending"), key: "dp", align: "right", render: (_, a) => money(a.debitsPendingFen) },
        { title: t("ledgerView.columns.debitsPosted"), key: "dq", align: "right", render: (_, a) => money(a.debitsPostedFen) },
        { title: t("ledgerView.columns.creditsPending"), key: "cp", align: "right", render: (_, a) => money(a.creditsPendingFen) },
        { title: t("ledgerView.columns.creditsPosted"), key: "cq", align: "right", render: (_, a) => money(a.creditsPostedFen) },
      ]}
    />
  );
}

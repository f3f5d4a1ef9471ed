import { DownloadOutlined } from "@ant-design/icons";
import { Alert, Button, Checkbox, DatePicker, Flex, Select, Space, Table, Tag, Tooltip, Typography } from "antd";
import dayjs from "dayjs";
import type { TFunction } from "i18next";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Form, Link } from "react-router";
import type { Route } from "./+types/ledger-transfers";
import { LinkButton } from "~/components/LinkButton";
import { useSubmitOnChange } from "~/components/search/useSubmitOnChange";
import { prisma } from "~/db.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { TRANSFER_CODES } from "~/domain/ledger/chart";
import { getLedger } from "~/domain/ledger/ledger.server";
import { LedgerTransfersQuerySchema, listFundTransfers, listLedgerFunds, type TransferView } from "~/domain/ledger/ledger-views.server";
import { formatDateTime, formatMoneyFen } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { searchParamsObject } from "~/schemas/fields";
import { orHttpError, requirePermission } from "~/web/request.server";
import { accountLabel, LedgerNav } from "./ledger";

export const meta: Route.MetaFunction = () => [{ title: "转账明细 · 资金账本 · 信易贷" }];

/** A transfer's reason in words: its code's label, and for a post or void what it did to its reservation. */
export function transferReason(t: TFunction, row: Pick<TransferView, "code" | "codeName" | "kind">): string {
  const label = row.codeName ? t(`ledgerView.codes.${row.codeName}`) : t("ledgerView.unknownCode", { code: row.code });
  return row.kind === "post" || row.kind === "void" ? `${label} · ${t(`ledgerView.kinds.${row.kind}`)}` : label;
}

export async function loader({ request, context }: Route.LoaderArgs) {
  requirePermission(request, context, "read:ledger:any");
  const query = LedgerTransfersQuerySchema.parse(searchParamsObject(new URL(request.url).searchParams));
  const funds = await listLedgerFunds(prisma);
  const fundId = query.fund ?? funds[0]?.id ?? null;
  const filters = {
    fund: fundId ?? "",
    loans: query.loans,
    from: query.from ?? "",
    to: query.to ?? "",
    code: query.code ?? null,
    pageSize: query.pageSize,
  };
  if (!fundId) return { funds, filters, page: null, first: true, today: platformToday() };
  const ledger = await getLedger();
  const page = await orHttpError(() =>
    listFundTransfers({
      db: prisma,
      ledger,
      fundId,
      includeLoans: query.loans,
      from: query.from,
      to: query.to,
      code: query.code,
      before: query.before,
      pageSize: query.pageSize,
    }),
  );
  return { funds, filters, page, first: !query.before, today: platformToday() };
}

type Filters = Route.ComponentProps["loaderData"]["filters"];

/** The filters as query parameters (for the next page, the newest page and the export). */
export function filterParams(filters: Filters, before?: string | null): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.fund) params.set("fund", filters.fund);
  if (filters.loans) params.set("loans", "1");
  if (filters.from) params.set("from", filters.from);
  if (filters.to) params.set("to", filters.to);
  if (filters.code !== null) params.set("code", String(filters.code));
  if (filters.pageSize !== 50) params.set("pageSize", String(filters.pageSize));
  if (before) params.set("before", before);
  return params;
}

export default function LedgerTransfersPage({ loaderData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const money = (fen: string) => formatMoneyFen(fen, locale);
  const { filters, page, funds } = loaderData;
  const { formRef, submitNow } = useSubmitOnChange();
  const [fund, setFund] = useState(filters.fund);
  const [range, setRange] = useState<[string, string]>([filters.from, filters.to]);
  const [code, setCode] = useState(filters.code === null ? "" : String(filters.code));

  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <div>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t("ledgerView.transfersTitle")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t("ledgerView.transfersHelp")}
        </Typography.Paragraph>
      </div>
      <LedgerNav active="transfers" fundId={filters.fund || null} />
      {!page ? (
        <Alert type="info" showIcon title={t("ledgerView.noFunds")} />
      ) : (
        <>
          <Form method="get" ref={formRef} role="search" aria-label={t("ledgerView.transfersTitle")}>
            <Flex wrap gap={16} align="center">
              <label htmlFor="transfers-fund">{t("ledgerView.fund")}</label>
              <Select
                id="transfers-fund"
                value={fund}
                style={{ minWidth: 260 }}
                options={funds.map((f) => ({ value: f.id, label: zh ? f.nameZh : f.nameEn }))}
                onChange={(v: string) => {
                  setFund(v);
                  submitNow();
                }}
              />
              <input type="hidden" name="fund" value={fund} />
              <span id="transfers-range-label">
                {t("ledgerView.from")} – {t("ledgerView.to")}
              </span>
              <DatePicker.RangePicker
                aria-labelledby="transfers-range-label"
                value={[range[0] ? dayjs(range[0]) : null, range[1] ? dayjs(range[1]) : null]}
                allowEmpty={[true, true]}
                disabledDate={(d) => d.format("YYYY-MM-DD") > loaderData.today}
                onChange={(values) => {
                  setRange([values?.[0]?.format("YYYY-MM-DD") ?? "", values?.[1]?.format("YYYY-MM-DD") ?? ""]);
                  submitNow();
                }}
              />
              <input type="hidden" name="from" value={range[0]} />
              <input type="hidden" name="to" value={range[1]} />
              <label htmlFor="transfers-code">{t("ledgerView.code")}</label>
              <Select
                id="transfers-code"
                value={code}
                style={{ minWidth: 240 }}
                options={[
                  { value: "", label: t("ledgerView.allCodes") },
                  ...Object.entries(TRANSFER_CODES).map(([name, value]) => ({ value: String(value), label: `${value} ${t(`ledgerView.codes.${name}`)}` })),
                ]}
                onChange={(v: string) => {
                  setCode(v);
                  submitNow();
                }}
              />
              <input type="hidden" name="code" value={code} />
              <Checkbox name="loans" defaultChecked={filters.loans} onChange={submitNow}>
                {t("ledgerView.includeLoans")}
              </Checkbox>
              {filters.pageSize !== 50 && <input type="hidden" name="pageSize" value={filters.pageSize} />}
              <noscript>
                <Button htmlType="submit">{t("ledgerView.apply")}</Button>
              </noscript>
              <Tooltip title={t("ledgerView.exportHelp")}>
                <a href={`/app/ledger/export/transfers?${filterParams(filters).toString()}`} download data-testid="ledger-export-transfers">
                  <DownloadOutlined aria-hidden /> {t("ledgerView.exportCsv")}
                </a>
              </Tooltip>
            </Flex>
          </Form>
          <Typography.Text type="secondary">{t("ledgerView.accountsInfo", { count: page.accounts })}</Typography.Text>
          {page.accountsTruncated && <Alert type="warning" showIcon title={t("ledgerView.accountsTruncated", { count: page.accounts })} />}
          <Table<TransferView>
            data-testid="ledger-transfers"
            rowKey="id"
            size="small"
            pagination={false}
            scroll={{ x: "max-content" }}
            locale={{ emptyText: t("ledgerView.noTransfers") }}
            dataSource={page.rows}
            columns={[
              {
                title: t("ledgerView.columns.time"),
                key: "time",
                render: (_, r) => (
                  <Tooltip title={`${r.at} · ${r.timestampNs}`}>
                    <span tabIndex={0}>{formatDateTime(r.at)}</span>
                  </Tooltip>
                ),
              },
              {
                title: t("ledgerView.columns.code"),
                key: "code",
                render: (_, r) => (
                  <div style={{ maxWidth: 260 }}>
                    <Tag>{r.code}</Tag>
                    {transferReason(t, r)}
                    {r.linked && (
                      <Tag color="purple" style={{ marginInlineStart: 4 }}>
                        {t("ledgerView.linked")}
                      </Tag>
                    )}
                  </div>
                ),
              },
              { title: t("ledgerView.columns.debit"), key: "debit", render: (_, r) => accountLabel(t, r.debit, r.debitAccountId, zh) },
              { title: t("ledgerView.columns.credit"), key: "credit", render: (_, r) => accountLabel(t, r.credit, r.creditAccountId, zh) },
              { title: t("ledgerView.columns.amount"), key: "amount", align: "right", render: (_, r) => money(r.amountFen) },
              {
                title: t("ledgerView.columns.status"),
                key: "status",
                render: (_, r) => (
                  <Flex gap={4} wrap align="center">
                    <Tag color={r.status === "posted" ? "green" : r.status === "pending" ? "gold" : "default"}>{t(`ledgerView.status.${r.status}`)}</Tag>
                    {r.kind === "pending" && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t(`ledgerView.resolution.${r.resolution ?? "open"}`)}
                      </Typography.Text>
                    )}
                  </Flex>
                ),
              },
              { title: t("ledgerView.columns.valueDate"), key: "valueDate", render: (_, r) => r.valueDate ?? "—" },
              {
                title: t("ledgerView.columns.business"),
                key: "business",
                render: (_, r) =>
                  r.business ? (
                    r.business.href ? (
                      <Link to={r.business.href} data-testid="ledger-business-link">
                        {t(`ledgerView.business.${r.business.type}`, { defaultValue: r.business.type })}
                      </Link>
                    ) : (
                      t(`ledgerView.business.${r.business.type}`, { defaultValue: r.business.type })
                    )
                  ) : (
                    "—"
                  ),
              },
            ]}
          />
          <Flex gap={8}>
            <LinkButton to={`?${filterParams(filters).toString()}`} disabled={loaderData.first}>
              {t("ledgerView.newest")}
            </LinkButton>
            <LinkButton to={`?${filterParams(filters, page.nextBefore).toString()}`} disabled={!page.nextBefore} data-testid="ledger-next-page">
              {t("ledgerView.next")}
            </LinkButton>
          </Flex>
        </>
      )}
    </Space>
  );
}

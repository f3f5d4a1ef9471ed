import { Tabs, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { PagedTable } from "~/components/PagedTable";
import type { Locale } from "~/i18n/i18n";
import { formatDateTime, formatMoneyCompact, formatRateBps } from "~/i18n/format";
import { ProductStatusTag } from "./ProductStatusTag";

export type ProductRow = {
  id: string;
  code: string;
  nameZh: string;
  type: string;
  status: string;
  minAmountFen: string;
  maxAmountFen: string;
  minRateBps: number;
  maxRateBps: number;
  submittedAt: string | null;
  updatedAt: string;
  institution: { nameZh: string; nameEn: string };
};

/**
 * Products in a table with status tabs (counts in the tab), paged on the
 * server. The bank's list and the finance office's review queue share it.
 */
export function ProductTable(props: {
  rows: ProductRow[];
  total: number;
  page: number;
  pageSize: number;
  tabs: { key: string; label: string; count?: number }[];
  activeTab: string;
  showBank?: boolean;
  dateColumn: "updatedAt" | "submittedAt";
  href: (id: string) => string;
  empty: React.ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return (
    <>
      <Tabs
        activeKey={props.activeTab}
        onChange={(key) => {
          const next = new URLSearchParams(params);
          next.delete("page");
          if (key === "ALL") next.delete("status");
          else next.set("status", key);
          void navigate(`?${next.toString()}`);
        }}
        items={props.tabs.map((tab) => ({ key: tab.key, label: tab.count === undefined ? tab.label : `${tab.label} (${tab.count})` }))}
      />
      {props.total === 0 ? (
        props.empty
      ) : (
        <PagedTable<ProductRow>
          testId="product-table"
          rows={props.rows}
          total={props.total}
          page={props.page}
          pageSize={props.pageSize}
          columns={[
            {
              title: t("product.fields.nameZh"),
              key: "name",
              render: (_, r) => (
                <Link to={props.href(r.id)} data-testid="product-row-link">
                  {r.nameZh}
                </Link>
              ),
            },
            ...(props.showBank
              ? [{ title: t("product.fields.bank"), key: "bank", render: (_: unknown, r: ProductRow) => (locale === "zh-CN" ? r.institution.nameZh : r.institution.nameEn) }]
              : []),
            { title: t("product.fields.code"), dataIndex: "code", render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
            { title: t("product.fields.type"), dataIndex: "type", render: (v: string) => t(`productTypes.${v}`) },
            { title: t("product.fields.status"), dataIndex: "status", render: (v: string) => <ProductStatusTag status={v} /> },
            {
              title: t("product.fields.amountRange"),
              key: "amount",
              align: "right" as const,
              render: (_, r) => `${formatMoneyCompact(r.minAmountFen, locale)} – ${formatMoneyCompact(r.maxAmountFen, locale)}`,
            },
            { title: t("product.fields.rateRange"), key: "rate", align: "right" as const, render: (_, r) => `${formatRateBps(r.minRateBps)} – ${formatRateBps(r.maxRateBps)}` },
            {
              title: t(`product.fields.${props.dateColumn}`),
              key: "date",
              render: (_, r) => {
                const value = r[props.dateColumn];
                return value ? formatDateTime(value) : "—";
              },
            },
          ]}
        />
      )}
    </>
  );
}

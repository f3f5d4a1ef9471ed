import { Alert, Space, Tabs, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/loans";
import { ApplicationStatusTag } from "~/components/applications/ApplicationStatusTag";
import { PagedTable } from "~/components/PagedTable";
import { LOAN_VIEWS } from "~/domain/loans/delinquency";
import { listLoans } from "~/domain/loans/list-loans.server";
import { formatMoneyFen, formatRateBps } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { lenient } from "~/schemas/fields";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "贷款 · 信易贷" }];

const QuerySchema = z.object({
  view: lenient(z.enum(LOAN_VIEWS)).transform((v) => v ?? "all"),
  page: lenient(z.coerce.number().int().min(1).max(10_000)).transform((v) => v ?? 1),
  pageSize: lenient(z.coerce.number().int().min(1).max(100)),
});

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "manage:application:own", "manage:loan:institution", "read:monitoring:any");
  const query = QuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const list = await orHttpError(() => listLoans({ actor, view: query.view, page: query.page, pageSize: query.pageSize }));
  const role = actor.enterprise ? "sme" : actor.institution?.kind === "BANK" ? "bank" : "office";
  return { ...list, view: query.view, role };
}

type Row = Route.ComponentProps["loaderData"]["items"][number];

export default function LoansPage({ loaderData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const navigate = useNavigate();
  const { role } = loaderData;
  const money = (fen: string) => formatMoneyFen(fen, locale);
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <div>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t("loans.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t(role === "sme" ? "loans.helpSme" : role === "bank" ? "loans.helpBank" : "loans.helpOffice")}
        </Typography.Paragraph>
        {loaderData.counts.all > 0 && (
          <Typography.Text strong data-testid="loan-totals">
            {t("loans.totals", { principal: money(loaderData.principalFen), outstanding: money(loaderData.outstandingFen) })}
          </Typography.Text>
        )}
      </div>
      <Tabs
        activeKey={loaderData.view}
        onChange={(key) => void navigate(`?view=${key}`)}
        items={LOAN_VIEWS.map((v) => ({
          key: v,
          label: (
            <span>
              {t(`loans.views.${v}`)}{" "}
              <Tag color={(v === "OVERDUE" || v === "DEFAULTED") && loaderData.counts[v] > 0 ? "red" : undefined}>{loaderData.counts[v]}</Tag>
            </span>
          ),
        }))}
      />
      {loaderData.counts.all === 0 ? (
        <Alert type="info" showIcon title={t("loans.empty")} />
      ) : (
        <PagedTable<Row>
          testId="loans"
          rows={loaderData.items}
          total={loaderData.total}
          page={loaderData.page}
          pageSize={loaderData.pageSize}
          columns={[
            {
              title: role === "bank" ? t("loans.columns.enterprise") : t("loans.columns.product"),
              key: "who",
              render: (_, r) => (
                <div style={{ maxWidth: 260 }}>
                  <Link to={`/app/applications/${r.applicationId}#loan`}>
                    {role === "bank" ? r.enterpriseName : zh ? r.productNameZh : (r.productNameEn ?? r.productNameZh)}
                  </Link>
                  <div>
                    <Typography.Text type="secondary">
                      {role === "bank" ? (zh ? r.productNameZh : (r.productNameEn ?? r.productNameZh)) : zh ? r.bankNameZh : r.bankNameEn}
                      {role === "office" && ` · ${r.enterpriseName}`}
                    </Typography.Text>
                  </div>
                </div>
              ),
            },
            { title: t("loans.columns.principal"), key: "p", align: "right", render: (_, r) => money(r.principalFen) },
            { title: t("loans.columns.outstanding"), key: "o", align: "right", render: (_, r) => money(r.outstandingFen) },
            { title: t("loans.columns.rate"), key: "r", align: "right", render: (_, r) => formatRateBps(r.rateBps) },
            { title: t("loans.columns.disbursedOn"), dataIndex: "disbursedOn" },
            { title: t("loans.columns.maturityOn"), dataIndex: "maturityOn" },
            { title: t("loans.columns.status"), key: "s", render: (_, r) => <ApplicationStatusTag status={r.status} kind="loan" /> },
            {
              title: t("loans.columns.dpd"),
              key: "d",
              align: "right",
              render: (_, r) => <Typography.Text type={r.daysPastDue > 0 ? "danger" : undefined}>{r.daysPastDue}</Typography.Text>,
            },
          ]}
        />
      )}
    </Space>
  );
}

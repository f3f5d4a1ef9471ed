import { Alert, Flex, Space, Tabs, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/applications";
import { PagedTable } from "~/components/PagedTable";
import { ApplicationStatusTag } from "~/components/applications/ApplicationStatusTag";
import { APPLICATION_VIEWS } from "~/domain/applications/lifecycle";
import { listApplications } from "~/domain/applications/list-applications.server";
import { formatDateTime, formatDeadline, formatMoneyFen } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { lenient } from "~/schemas/fields";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "融资申请 · 信易贷" }];

const QuerySchema = z.object({
  view: lenient(z.enum(APPLICATION_VIEWS)).transform((v) => v ?? "all"),
  page: lenient(z.coerce.number().int().min(1).max(10_000)).transform((v) => v ?? 1),
  pageSize: lenient(z.coerce.number().int().min(1).max(100)),
});

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "manage:application:own", "decide:application:institution", "read:monitoring:any");
  const query = QuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const list = await orHttpError(() => listApplications({ actor, view: query.view, page: query.page, pageSize: query.pageSize }));
  const role = actor.enterprise ? "sme" : actor.institution?.kind === "BANK" ? "bank" : "office";
  return { ...list, view: query.view, role };
}

type Row = Route.ComponentProps["loaderData"]["items"][number];

export default function ApplicationsPage({ loaderData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const navigate = useNavigate();
  const { role } = loaderData;
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <div>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t("applications.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t(role === "sme" ? "applications.helpSme" : role === "bank" ? "applications.helpBank" : "applications.helpOffice")}
        </Typography.Paragraph>
      </div>
      <Tabs
        activeKey={loaderData.view}
        onChange={(key) => void navigate(`?view=${key}`)}
        items={APPLICATION_VIEWS.map((v) => ({
          key: v,
          label: (
            <span data-testid={`applications-tab-${v}`}>
              {t(`applications.views.${v}`)} <Tag color={v === "overdue" && loaderData.counts[v] > 0 ? "red" : undefined}>{loaderData.counts[v]}</Tag>
            </span>
          ),
        }))}
      />
      {loaderData.counts.all === 0 ? (
        <Alert type="info" showIcon title={t(role === "sme" ? "applications.emptySme" : "applications.empty")} data-testid="applications-empty" />
      ) : (
        <PagedTable<Row>
          testId="applications"
          rows={loaderData.items}
          total={loaderData.total}
          page={loaderData.page}
          pageSize={loaderData.pageSize}
          columns={[
            {
              title: t("applications.columns.product"),
              key: "product",
              render: (_, r) => (
                <div style={{ maxWidth: 260 }}>
                  <Link to={`/app/applications/${r.id}`} data-testid="application-link">
                    {zh ? r.productNameZh : (r.productNameEn ?? r.productNameZh)}
                  </Link>
                  <div>
                    <Typography.Text type="secondary">{role === "bank" ? r.enterpriseName : zh ? r.bankNameZh : r.bankNameEn}</Typography.Text>
                  </div>
                  {role === "office" && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {r.enterpriseName}
                    </Typography.Text>
                  )}
                </div>
              ),
            },
            {
              title: t("applications.columns.amount"),
              key: "amount",
              align: "right",
              render: (_, r) => (
                <div>
                  <div>{formatMoneyFen(r.approvedAmountFen ?? r.amountFen, locale)}</div>
                  <Typography.Text type="secondary">{t("applications.months", { count: r.termMonths })}</Typography.Text>
                </div>
              ),
            },
            {
              title: t("applications.columns.status"),
              key: "status",
              render: (_, r) => (
                <Flex gap={4} wrap>
                  <ApplicationStatusTag status={r.status} />
                  {r.overdue && (
                    <Tag color="red" data-testid="application-overdue">
                      {t("applications.overdue")}
                    </Tag>
                  )}
                </Flex>
              ),
            },
            { title: t("applications.columns.submittedAt"), key: "submittedAt", render: (_, r) => formatDateTime(r.submittedAt) },
            {
              title: t("applications.columns.respondBy"),
              key: "respondBy",
              render: (_, r) => <Typography.Text type={r.overdue ? "danger" : undefined}>{formatDeadline(r.respondBy)}</Typography.Text>,
            },
          ]}
        />
      )}
    </Space>
  );
}

import { Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Route } from "./+types/credit-reports";
import { PagedTable } from "~/components/PagedTable";
import { listAuthorisedEnterprises } from "~/domain/consent/list-authorisations.server";
import { formatDateTime } from "~/i18n/format";
import { ListQuerySchema } from "~/schemas/admin";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "授权企业信用报告 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:credit-report:authorised");
  const query = ListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const result = await orHttpError(() => listAuthorisedEnterprises(actor, query));
  return {
    total: result.total,
    page: query.page,
    pageSize: query.pageSize,
    rows: result.rows.map((r) => ({
      id: r.id,
      enterpriseId: r.enterprise.id,
      name: r.enterprise.name,
      uscc: r.enterprise.uscc,
      grade: r.enterprise.currentEvaluation?.grade ?? null,
      excluded: r.enterprise.currentEvaluation?.excluded ?? false,
      scopes: r.scopes,
      purpose: r.purpose,
      grantedAt: r.grantedAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
    })),
  };
}

export default function CreditReportsPage({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("consent.reportsTitle")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("consent.reportsHelp")}</Typography.Paragraph>
      <PagedTable
        testId="authorised-enterprises"
        rows={loaderData.rows}
        total={loaderData.total}
        page={loaderData.page}
        pageSize={loaderData.pageSize}
        searchPlaceholder={t("consent.searchPlaceholder")}
        columns={[
          { title: t("consent.enterprise"), dataIndex: "name" },
          { title: t("enterprise.uscc"), dataIndex: "uscc" },
          {
            title: t("credit.grade"),
            key: "grade",
            render: (_, r) => (r.grade ? <Tag color={r.excluded ? "red" : undefined}>{r.grade}</Tag> : "—"),
          },
          { title: t("consent.scopes"), dataIndex: "scopes", render: (v: string[]) => v.map((s) => <Tag key={s}>{t(`consent.scopeShort.${s}`)}</Tag>) },
          { title: t("consent.purpose"), dataIndex: "purpose", render: (v: string) => t(`consent.purposes.${v}`) },
          { title: t("consent.expiresOn"), dataIndex: "expiresAt", render: (v: string) => formatDateTime(v) },
          { title: t("common.actions"), key: "open", render: (_, r) => <Link to={`/app/credit-reports/${r.enterpriseId}`}>{t("consent.open")}</Link> },
        ]}
      />
    </>
  );
}

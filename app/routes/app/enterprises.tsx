import { Tag, Typography, type TableColumnsType } from "antd";
import { useTranslation } from "react-i18next";
import type { Route } from "./+types/enterprises";
import { PagedTable } from "~/components/PagedTable";
import { listEnterprises } from "~/domain/enterprises/enterprises.server";
import { industryName } from "~/domain/reference/industries";
import { regionName } from "~/domain/reference/regions";
import { formatCalendarDate, formatMoneyFen } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { ListQuerySchema } from "~/schemas/admin";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "企业名录 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:enterprise:any");
  const query = ListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const result = await orHttpError(() => listEnterprises({ actor, query }));
  return {
    rows: result.rows.map((e) => ({
      id: e.id,
      uscc: e.uscc,
      name: e.name,
      regionCode: e.regionCode,
      industryCode: e.industryCode,
      size: e.size,
      foundedOn: formatCalendarDate(e.foundedOn),
      registeredCapitalFen: e.registeredCapitalFen.toString(),
      registered: e._count.memberships > 0,
    })),
    total: result.total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

type Row = Awaited<ReturnType<typeof loader>>["rows"][number];

export default function EnterprisesPage({ loaderData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const columns: TableColumnsType<Row> = [
    { title: t("enterprise.name"), dataIndex: "name" },
    { title: t("enterprise.uscc"), dataIndex: "uscc", render: (v: string) => <code>{v}</code> },
    { title: t("enterprise.region"), dataIndex: "regionCode", render: (c: string) => regionName(c, locale) },
    { title: t("enterprise.industry"), dataIndex: "industryCode", render: (c: string) => `${c} ${industryName(c, locale)}` },
    { title: t("enterprise.size"), dataIndex: "size", render: (s: string) => t(`sizes.${s}`) },
    { title: t("enterprise.foundedOn"), dataIndex: "foundedOn" },
    { title: t("enterprise.registeredCapital"), dataIndex: "registeredCapitalFen", align: "right", render: (v: string) => formatMoneyFen(v, locale) },
    { title: t("enterprises.registered"), dataIndex: "registered", render: (v: boolean) => (v ? <Tag color="green">{t("common.yes")}</Tag> : <Tag>{t("common.no")}</Tag>) },
  ];
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("enterprises.title")}
      </Typography.Title>
      <PagedTable<Row>
        testId="enterprise-table"
        columns={columns}
        rows={loaderData.rows}
        total={loaderData.total}
        page={loaderData.page}
        pageSize={loaderData.pageSize}
        searchPlaceholder={t("enterprises.searchPlaceholder")}
      />
    </>
  );
}

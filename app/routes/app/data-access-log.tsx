import { Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { Route } from "./+types/data-access-log";
import { DataAccessTable } from "~/components/credit/DataAccessTable";
import { listDataAccess } from "~/domain/consent/list-data-access.server";
import { ListQuerySchema } from "~/schemas/admin";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "数据查询日志 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:data-access-log:any");
  const query = ListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const result = await orHttpError(() => listDataAccess({ actor, scope: "any", page: query.page, pageSize: query.pageSize }));
  return { ...result, page: query.page, pageSize: query.pageSize };
}

export default function DataAccessLogPage({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("consent.accessAllTitle")}
      </Typography.Title>
      <DataAccessTable {...loaderData} showEnterprise />
    </>
  );
}

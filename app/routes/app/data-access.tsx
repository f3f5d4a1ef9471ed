import { Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { Route } from "./+types/data-access";
import { DataAccessTable } from "~/components/credit/DataAccessTable";
import { listDataAccess } from "~/domain/consent/list-data-access.server";
import { ListQuerySchema } from "~/schemas/admin";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "查询记录 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:data-access-log:own");
  const query = ListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const result = await orHttpError(() => listDataAccess({ actor, scope: "own", page: query.page, pageSize: query.pageSize }));
  return { ...result, page: query.page, pageSize: query.pageSize };
}

export default function DataAccessPage({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("consent.accessTitle")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("consent.accessHelp")}</Typography.Paragraph>
      <DataAccessTable {...loaderData} showEnterprise={false} />
    </>
  );
}

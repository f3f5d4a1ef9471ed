import { Card, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/institution-detail";
import { InstitutionCard } from "~/components/InstitutionCard";
import { UserTable } from "~/components/UserTable";
import { getInstitution } from "~/domain/institutions/institutions.server";
import { listUsers } from "~/domain/users/list-users.server";
import { ListQuerySchema } from "~/schemas/admin";
import { orHttpError, requirePermission } from "~/web/request.server";
import { toUserRows } from "~/web/users.server";

export const meta: Route.MetaFunction = () => [{ title: "机构详情 · 信易贷" }];

const ParamsSchema = z.object({ institutionId: z.string().uuid() });

/** Any institution for the finance office, regulators and admins; a bank sees only its own. */
export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:institution:any", "read:institution:institution");
  const parsed = ParamsSchema.safeParse(params);
  if (!parsed.success) throw new Response("Not Found", { status: 404 });
  const query = ListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const institution = await orHttpError(() => getInstitution({ actor, institutionId: parsed.data.institutionId }));
  const canSeeUsers = actor.permissions.has("read:user:any") || actor.permissions.has("read:user:institution");
  const users = canSeeUsers ? await orHttpError(() => listUsers({ actor, query, institutionId: institution.id })) : null;
  return {
    institution,
    users: users ? { rows: toUserRows(users), total: users.total } : null,
    page: query.page,
    pageSize: query.pageSize,
  };
}

export default function InstitutionDetail({ loaderData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const inst = loaderData.institution;
  return (
    <>
      <Typography.Paragraph>
        <Link to="/app/institutions">← {t("nav.institutions")}</Link>
      </Typography.Paragraph>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {i18n.language === "zh-CN" ? inst.nameZh : inst.nameEn}
      </Typography.Title>
      <InstitutionCard institution={inst} />
      {loaderData.users && (
        <Card title={t("institution.members")} style={{ marginTop: 16 }}>
          <UserTable rows={loaderData.users.rows} total={loaderData.users.total} page={loaderData.page} pageSize={loaderData.pageSize} showInstitution={false} />
        </Card>
      )}
    </>
  );
}

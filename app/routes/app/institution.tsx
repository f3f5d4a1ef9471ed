import { Card, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { Route } from "./+types/institution";
import { CreateUserForm } from "~/components/CreateUserForm";
import { InstitutionCard } from "~/components/InstitutionCard";
import { UserTable } from "~/components/UserTable";
import { getInstitution } from "~/domain/institutions/institutions.server";
import { creatableRoles } from "~/domain/users/create-user.server";
import { listUsers } from "~/domain/users/list-users.server";
import { ListQuerySchema } from "~/schemas/admin";
import { orHttpError, requirePermission } from "~/web/request.server";
import { createUserAction, toUserRows } from "~/web/users.server";

export const meta: Route.MetaFunction = () => [{ title: "本机构 · 信易贷" }];

/** A bank's own institution and team; everything is scoped to the caller's institution. */
export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:institution:institution");
  if (!actor.institution) throw new Response("Forbidden", { status: 403 });
  const query = ListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const institution = await orHttpError(() => getInstitution({ actor, institutionId: actor.institution!.id }));
  const users = actor.permissions.has("read:user:institution")
    ? await orHttpError(() => listUsers({ actor, query, institutionId: institution.id }))
    : null;
  const roles = actor.permissions.has("create:user:institution") ? creatableRoles(actor) : [];
  return {
    institution: { ...institution, createdAt: institution.createdAt.toISOString() },
    users: users ? { rows: toUserRows(users), total: users.total } : null,
    page: query.page,
    pageSize: query.pageSize,
    roles,
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "create:user:institution");
  return createUserAction(request, actor);
}

export default function InstitutionPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { institution: inst } = loaderData;
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("institution.title")}
      </Typography.Title>
      <InstitutionCard institution={inst} />
      {loaderData.users && (
        <Card title={t("users.teamTitle")} style={{ marginTop: 16 }}>
          <UserTable rows={loaderData.users.rows} total={loaderData.users.total} page={loaderData.page} pageSize={loaderData.pageSize} showInstitution={false} />
        </Card>
      )}
      {loaderData.roles.length > 0 && (
        <CreateUserForm
          institutions={[{ id: inst.id, kind: inst.kind, nameZh: inst.nameZh, nameEn: inst.nameEn }]}
          roles={loaderData.roles}
          lastResult={actionData?.result}
          created={actionData?.created}
        />
      )}
    </>
  );
}

import { Typography } from "antd";
import { useTranslation } from "react-i18next";

import type { Route } from "./+types/users";
import { CreateUserForm } from "~/components/CreateUserForm";
import { UserTable } from "~/components/UserTable";
import { listAssignableInstitutions } from "~/domain/institutions/institutions.server";
import { creatableRoles } from "~/domain/users/create-user.server";
import { listUsers } from "~/domain/users/list-users.server";
import { ListQuerySchema } from "~/schemas/admin";
import { orHttpError, requirePermission } from "~/web/request.server";
import { createUserAction, toUserRows } from "~/web/users.server";

export const meta: Route.MetaFunction = () => [{ title: "用户管理 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:user:any");
  const query = ListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const result = await orHttpError(() => listUsers({ actor, query }));
  const canCreate = actor.permissions.has("create:user:any");
  return {
    rows: toUserRows(result),
    total: result.total,
    page: query.page,
    pageSize: query.pageSize,
    institutions: canCreate ? await listAssignableInstitutions(actor) : [],
    roles: creatableRoles(actor),
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "create:user:any");
  return createUserAction(request, actor);
}

export default function UsersPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("users.title")}
      </Typography.Title>
      <UserTable rows={loaderData.rows} total={loaderData.total} page={loaderData.page} pageSize={loaderData.pageSize} showInstitution />
      {loaderData.roles.length > 0 && (
        <CreateUserForm institutions={loaderData.institutions} roles={loaderData.roles} lastResult={actionData?.result} created={actionData?.created} />
      )}
    </>
  );
}

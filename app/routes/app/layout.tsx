import { Outlet } from "react-router";
import type { Route } from "./+types/layout";
import { AppShell } from "~/components/AppShell";
import { visibleAreas } from "~/components/areas";
import { requireActor } from "~/web/request.server";

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requireActor(request, context);
  const organisation = actor.enterprise
    ? { zh: actor.enterprise.name, en: actor.enterprise.name }
    : { zh: actor.institution?.nameZh ?? "", en: actor.institution?.nameEn ?? "" };
  return {
    actor: {
      displayName: actor.displayName,
      roleKey: actor.roleKey,
      organisation,
      areas: visibleAreas(actor.permissions).map((a) => a.key),
    },
  };
}

export default function AppLayout({ loaderData }: Route.ComponentProps) {
  return (
    <AppShell actor={loaderData.actor}>
      <Outlet />
    </AppShell>
  );
}

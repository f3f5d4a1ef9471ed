import { Outlet } from "react-router";
import type { Route } from "./+types/layout";
import { AppShell } from "~/components/AppShell";
import { visibleAreas } from "~/components/areas";
import { actorOrganisation } from "~/domain/access/actor.server";
import { requireActor } from "~/web/request.server";

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requireActor(request, context);
  return {
    actor: {
      displayName: actor.displayName,
      roleKey: actor.roleKey,
      organisation: actorOrganisation(actor),
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

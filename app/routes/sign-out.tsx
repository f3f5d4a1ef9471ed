import { redirect } from "react-router";
import type { Route } from "./+types/sign-out";
import { prisma } from "~/db.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { destroySession, sessionClearCookie } from "~/domain/auth/session.server";
import { actorContext } from "~/web/context";
import { clientIp } from "~/web/request.server";

export async function action({ request, context }: Route.ActionArgs) {
  const actor = context.get(actorContext);
  if (actor) {
    await prisma.$transaction((tx) =>
      appendAudit(tx, {
        actorUserId: actor.userId,
        actorInstitutionId: actor.institution?.id ?? null,
        actorEnterpriseId: actor.enterprise?.id ?? null,
        action: "user.sign_out",
        entityType: "user",
        entityId: actor.userId,
        ip: clientIp(request),
      }),
    );
  }
  await destroySession(request);
  return redirect("/sign-in?signedOut=1", { headers: { "Set-Cookie": await sessionClearCookie() } });
}

export async function loader() {
  return redirect("/");
}

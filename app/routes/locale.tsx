import { redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/locale";
import { prisma } from "~/db.server";
import { LOCALES } from "~/i18n/i18n";
import { redirectPathField } from "~/schemas/fields";
import { actorContext } from "~/web/context";
import { localeCookie } from "~/web/locale.server";
import { safeRedirectPath } from "~/web/request.server";

const LocaleSchema = z.object({ locale: z.enum(LOCALES), redirectTo: redirectPathField });

/** Sets the interface language (cookie, and the user's preference when signed in). */
export async function action({ request, context }: Route.ActionArgs) {
  const parsed = LocaleSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return redirect("/");
  const { locale } = parsed.data;
  const back = safeRedirectPath(parsed.data.redirectTo, "/");
  const actor = context.get(actorContext);
  if (actor) await prisma.user.update({ where: { id: actor.userId }, data: { locale } });
  return redirect(back, { headers: { "Set-Cookie": await localeCookie.serialize(locale) } });
}

export async function loader() {
  return redirect("/");
}

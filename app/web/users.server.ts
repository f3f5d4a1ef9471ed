import { data } from "react-router";
import type { Actor } from "~/domain/access/actor.server";
import { createUser } from "~/domain/users/create-user.server";
import type { listUsers } from "~/domain/users/list-users.server";
import { maskMiddle } from "~/i18n/format";
import { CreateUserSchema } from "~/schemas/admin";
import { clientIp, parseForm, withDomainErrors } from "./request.server";

/** Rows for the browser: phone numbers masked, dates as ISO strings. */
export function toUserRows(result: Awaited<ReturnType<typeof listUsers>>) {
  return result.rows.map((u) => ({
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    phone: u.phone ? maskMiddle(u.phone, 3, 4) : null,
    status: u.status,
    roleKey: u.memberships[0]?.roleKey ?? null,
    institution: u.memberships[0]?.institution ?? null,
    lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
  }));
}

/** The create-user action shared by the users page and a bank's own team page. */
export async function createUserAction(request: Request, actor: Actor) {
  const submission = await parseForm(request, CreateUserSchema);
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["password"] }), created: null }, { status: 400 });
  }
  const outcome = await withDomainErrors(() => createUser({ actor, input: submission.value, ip: clientIp(request) }));
  if (!outcome.ok) {
    return data({ result: submission.reply({ formErrors: [outcome.formError], hideFields: ["password"] }), created: null }, { status: outcome.status });
  }
  return { result: submission.reply({ resetForm: true }), created: outcome.value.displayName };
}

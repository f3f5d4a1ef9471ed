import type { Route } from "./+types/inbox";
import { listNeedInbox } from "~/domain/matching/list-need-inbox.server";
import { searchParamsObject } from "~/schemas/fields";
import { fenNumber } from "~/schemas/api/common";
import { InboxApiQuerySchema, inboxQueryOf } from "~/schemas/api/inbox";
import { apiError, apiIssues, apiJson, apiLocale, handleApi, methodNotAllowed, requireApiActor } from "~/web/api.server";

/**
 * GET /api/v1/inbox?page=&pageSize=&productId=&claimed=&sort= — the open
 * financing needs the caller bank's listed products match, best match first
 * (the web console's needs inbox). Permission `read:need-inbox:institution`.
 */

export async function loader({ request }: Route.LoaderArgs) {
  return handleApi(request, async () => {
    const actor = await requireApiActor(request, "read:need-inbox:institution");
    const parsed = InboxApiQuerySchema.safeParse(searchParamsObject(new URL(request.url).searchParams));
    if (!parsed.success) {
      return apiError(422, "validationFailed", {}, request, { issues: apiIssues(parsed.error.issues, apiLocale(request)) });
    }
    const inbox = await listNeedInbox({ actor, query: inboxQueryOf(parsed.data) });
    return apiJson({
      page: parsed.data.page,
      pageSize: parsed.data.pageSize,
      total: inbox.total,
      items: inbox.rows.map((row) => ({ ...row, amountFen: fenNumber(BigInt(row.amountFen)) })),
    });
  });
}

export async function action({ request }: Route.ActionArgs) {
  return handleApi(request, async () => methodNotAllowed(request, ["GET"]));
}

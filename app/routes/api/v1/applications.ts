import type { Route } from "./+types/applications";
import { prisma } from "~/db.server";
import { listApplicationsWhere } from "~/domain/applications/list-applications.server";
import { ApplicationListQuerySchema } from "~/schemas/api/applications";
import { searchParamsObject } from "~/schemas/fields";
import { APPLICATION_API_SELECT, applicationToApi, bankScope } from "~/web/api-applications.server";
import { apiError, apiIssues, apiJson, apiLocale, handleApi, methodNotAllowed, requireApiActor } from "~/web/api.server";

/**
 * GET /api/v1/applications?view=&page=&pageSize= — the bank's applications,
 * newest first (view `open` by default; `overdue` lists those unanswered past
 * their deadline). Permission `decide:application:institution`.
 */

export async function loader({ request }: Route.LoaderArgs) {
  return handleApi(request, async () => {
    const actor = await requireApiActor(request, "decide:application:institution");
    const parsed = ApplicationListQuerySchema.safeParse(searchParamsObject(new URL(request.url).searchParams));
    if (!parsed.success) return apiError(422, "validationFailed", {}, request, { issues: apiIssues(parsed.error.issues, apiLocale(request)) });
    const { view, page, pageSize } = parsed.data;
    const now = new Date();
    const where = { AND: [bankScope(actor), listApplicationsWhere(view, now)] };
    const [total, rows] = await Promise.all([
      prisma.application.count({ where }),
      prisma.application.findMany({
        where,
        orderBy: [{ submittedAt: "desc" }, { id: "desc" }],
        skip: (page - 1) * pageSize,
        take: pageSize,
        select: APPLICATION_API_SELECT,
      }),
    ]);
    return apiJson({ page, pageSize, total, items: rows.map((r) => applicationToApi(request, r, now)) });
  });
}

export async function action({ request }: Route.ActionArgs) {
  return handleApi(request, async () => methodNotAllowed(request, ["GET"]));
}

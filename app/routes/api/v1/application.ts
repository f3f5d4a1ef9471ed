import type { Route } from "./+types/application";
import { findBankApplication } from "~/web/api-applications.server";
import { apiJson, handleApi, methodNotAllowed, requireApiActor } from "~/web/api.server";

/** GET /api/v1/applications/:applicationId — one of the bank's applications. Permission `decide:application:institution`. */

export async function loader({ request, params }: Route.LoaderArgs) {
  return handleApi(request, async () => {
    const actor = await requireApiActor(request, "decide:application:institution");
    return apiJson(await findBankApplication(request, actor, params.applicationId));
  });
}

export async function action({ request }: Route.ActionArgs) {
  return handleApi(request, async () => methodNotAllowed(request, ["GET"]));
}

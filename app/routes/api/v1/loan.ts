import type { Route } from "./+types/loan";
import { findBankLoan } from "~/web/api-applications.server";
import { apiJson, handleApi, methodNotAllowed, requireApiActor } from "~/web/api.server";

/** GET /api/v1/loans/:loanId — one of the bank's loans with its schedule. Permission `manage:loan:institution`. */

export async function loader({ request, params }: Route.LoaderArgs) {
  return handleApi(request, async () => {
    const actor = await requireApiActor(request, "manage:loan:institution");
    return apiJson(await findBankLoan(request, actor, params.loanId));
  });
}

export async function action({ request }: Route.ActionArgs) {
  return handleApi(request, async () => methodNotAllowed(request, ["GET"]));
}

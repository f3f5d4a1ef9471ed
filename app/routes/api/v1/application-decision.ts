import type { Route } from "./+types/application-decision";
import { runApplicationCommand } from "~/domain/applications/run-application-command.server";
import { ApplicationDecisionBodySchema } from "~/schemas/api/applications";
import { findBankApplication } from "~/web/api-applications.server";
import { apiJson, handleApi, methodNotAllowed, readJsonBody, requireApiActor } from "~/web/api.server";
import { idempotencyCommandKey, withIdempotency } from "~/web/idempotency.server";
import { clientIp } from "~/web/request.server";

/**
 * POST /api/v1/applications/:applicationId/decision — the bank's answer:
 * accept, decline with a reason code, or approve with terms. The state
 * machine decides what is allowed (409 application.illegalTransition
 * otherwise). Permission `decide:application:institution`.
 */

const MAX_BODY_BYTES = 8 * 1024;

export async function loader({ request }: Route.LoaderArgs) {
  return handleApi(request, async () => methodNotAllowed(request, ["POST"]));
}

export async function action({ request, params }: Route.ActionArgs) {
  return handleApi(request, async () => {
    if (request.method !== "POST") return methodNotAllowed(request, ["POST"]);
    const actor = await requireApiActor(request, "decide:application:institution");
    return withIdempotency(
      request,
      actor,
      async () => {
        const body = await readJsonBody(request, MAX_BODY_BYTES, ApplicationDecisionBodySchema);
        const input =
          body.action === "approve"
            ? {
                command: "approve" as const,
                amountFen: body.amountFen,
                rateBps: body.rateBps,
                termMonths: body.termMonths,
                repaymentMethod: body.repaymentMethod,
                note: body.note,
              }
            : body.action === "decline"
              ? { command: "decline" as const, reasonCode: body.reasonCode, note: body.note }
              : { command: "accept" as const, note: body.note };
        // The request's key (per API key) is the command's key too: the same decision is done once even past the API's retention.
        await runApplicationCommand({
          actor,
          applicationId: params.applicationId,
          input,
          commandKey: idempotencyCommandKey(request, actor),
          ip: clientIp(request),
        });
        return apiJson(await findBankApplication(request, actor, params.applicationId));
      },
      { maxBodyBytes: MAX_BODY_BYTES },
    );
  });
}

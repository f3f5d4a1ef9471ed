import type { Route } from "./+types/application-disbursement";
import { disburseLoan } from "~/domain/loans/disburse-loan.server";
import { DisbursementBodySchema } from "~/schemas/api/applications";
import { findBankLoan } from "~/web/api-applications.server";
import { apiJson, handleApi, methodNotAllowed, readJsonBody, requireApiActor } from "~/web/api.server";
import { idempotencyCommandKey, withIdempotency } from "~/web/idempotency.server";
import { clientIp } from "~/web/request.server";

/**
 * POST /api/v1/applications/:applicationId/disbursement — the bank reports
 * that it paid out an accepted offer: the loan is created with its repayment
 * schedule and its ledger transfer, exactly once. 201 with the loan.
 * Permission `manage:loan:institution`.
 */

const MAX_BODY_BYTES = 4 * 1024;

export async function loader({ request }: Route.LoaderArgs) {
  return handleApi(request, async () => methodNotAllowed(request, ["POST"]));
}

export async function action({ request, params }: Route.ActionArgs) {
  return handleApi(request, async () => {
    if (request.method !== "POST") return methodNotAllowed(request, ["POST"]);
    const actor = await requireApiActor(request, "manage:loan:institution");
    return withIdempotency(
      request,
      actor,
      async () => {
        const body = await readJsonBody(request, MAX_BODY_BYTES, DisbursementBodySchema);
        const { loanId } = await disburseLoan({
          actor,
          applicationId: params.applicationId,
          input: { disbursedOn: body.disbursedOn, bankReference: body.bankReference ?? null },
          commandKey: idempotencyCommandKey(request, actor),
          ip: clientIp(request),
        });
        const loan = await findBankLoan(request, actor, loanId);
        return apiJson(loan, { status: 201, headers: { Location: loan.url } });
      },
      { maxBodyBytes: MAX_BODY_BYTES },
    );
  });
}

import type { Route } from "./+types/loan-repayments";
import { recordRepayment } from "~/domain/loans/record-repayment.server";
import { fenNumber } from "~/schemas/api/common";
import { RepaymentBodySchema } from "~/schemas/api/applications";
import { loanUrl } from "~/web/api-applications.server";
import { apiJson, handleApi, methodNotAllowed, readJsonBody, requireApiActor } from "~/web/api.server";
import { idempotencyCommandKey, withIdempotency } from "~/web/idempotency.server";
import { clientIp } from "~/web/request.server";

/**
 * POST /api/v1/loans/:loanId/repayments — the bank reports money received:
 * allocated in the stated order, the schedule and the ledger moved together,
 * exactly once per Idempotency-Key. 201 with the allocation.
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
        const body = await readJsonBody(request, MAX_BODY_BYTES, RepaymentBodySchema);
        const result = await recordRepayment({
          actor,
          loanId: params.loanId,
          input: { amountFen: body.amountFen, receivedOn: body.receivedOn, bankReference: body.bankReference ?? null },
          idempotencyKey: idempotencyCommandKey(request, actor),
          ip: clientIp(request),
        });
        return apiJson(
          {
            repaymentId: result.repaymentId,
            loanId: result.loanId,
            principalFen: fenNumber(result.principalFen),
            interestFen: fenNumber(result.interestFen),
            loanStatus: result.loanStatus,
            loanUrl: loanUrl(request, result.loanId),
          },
          { status: 201, headers: { Location: loanUrl(request, result.loanId) } },
        );
      },
      { maxBodyBytes: MAX_BODY_BYTES },
    );
  });
}

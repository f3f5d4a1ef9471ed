import { DomainError } from "~/domain/errors";
import type { NeedFormInput } from "~/schemas/needs";
import { expiryProblem, NEED_LIMITS } from "./need-rules";

/**
 * The terms of a need, asserted at the domain boundary whatever the caller
 * validated: the form's schema runs in the browser too, on the browser's clock.
 */
export function assertNeedTerms(input: NeedFormInput, today: string): void {
  if (input.amount < NEED_LIMITS.minAmountFen) throw new DomainError("need.amountTooSmall");
  if (!Number.isInteger(input.termMonths) || input.termMonths < 1 || input.termMonths > NEED_LIMITS.maxTermMonths) {
    throw new DomainError("need.invalidTerms");
  }
  if (!Number.isInteger(input.maxRate) || input.maxRate <= 0) throw new DomainError("need.invalidTerms");
  if (input.guaranteeTypes.length === 0) throw new DomainError("need.guaranteeRequired");
  const problem = expiryProblem(input.expiresOn, today);
  if (problem) throw new DomainError(problem.code, { params: problem.params });
}

/** What an audit record keeps of a need's terms (money as a string of 分: canonical JSON has no BigInt). */
export function needAuditSummary(input: NeedFormInput): Record<string, unknown> {
  return {
    amountFen: input.amount.toString(),
    termMonths: input.termMonths,
    maxRateBps: input.maxRate,
    guaranteeTypes: input.guaranteeTypes,
    urgency: input.urgency,
    expiresOn: input.expiresOn.toISOString().slice(0, 10),
    purpose: input.purpose,
  };
}

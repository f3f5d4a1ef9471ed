import { DomainError } from "~/domain/errors";

/**
 * The application state machine (PRODUCT.md §3.6), as one table: which side
 * may run each command and from which statuses. Everything that changes an
 * application's status goes through `nextStatus`, so no command skips a step
 * and none runs twice to effect: DISBURSED, DECLINED, WITHDRAWN and
 * OFFER_LAPSED are final.
 *
 *   SUBMITTED ─accept→ ACCEPTED ─approve→ APPROVED ─acceptOffer→ OFFER_ACCEPTED ─disburse→ DISBURSED
 *       │                 │                  │  └─lapse (offer expired)→ OFFER_LAPSED
 *       └─decline→ DECLINED ←─decline─┘      │
 *   SUBMITTED / ACCEPTED / APPROVED ─withdraw (the SME, or a re-route)→ WITHDRAWN
 */

export const APPLICATION_STATUSES = ["SUBMITTED", "ACCEPTED", "DECLINED", "APPROVED", "OFFER_ACCEPTED", "OFFER_LAPSED", "DISBURSED", "WITHDRAWN"] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** Statuses in which an application is still alive: one per enterprise and product (a partial unique index). */
export const LIVE_APPLICATION_STATUSES = ["SUBMITTED", "ACCEPTED", "APPROVED", "OFFER_ACCEPTED"] as const satisfies readonly ApplicationStatus[];

export type ApplicationSide = "bank" | "sme" | "system";

export const APPLICATION_COMMANDS = {
  accept: { by: "bank", from: ["SUBMITTED"], to: "ACCEPTED" },
  decline: { by: "bank", from: ["SUBMITTED", "ACCEPTED"], to: "DECLINED" },
  approve: { by: "bank", from: ["ACCEPTED"], to: "APPROVED" },
  acceptOffer: { by: "sme", from: ["APPROVED"], to: "OFFER_ACCEPTED" },
  withdraw: { by: "sme", from: ["SUBMITTED", "ACCEPTED", "APPROVED"], to: "WITHDRAWN" },
  lapse: { by: "system", from: ["APPROVED"], to: "OFFER_LAPSED" },
  disburse: { by: "bank", from: ["OFFER_ACCEPTED"], to: "DISBURSED" },
} as const satisfies Record<string, { by: ApplicationSide; from: readonly ApplicationStatus[]; to: ApplicationStatus }>;
export type ApplicationCommand = keyof typeof APPLICATION_COMMANDS;
export const APPLICATION_COMMAND_NAMES = Object.keys(APPLICATION_COMMANDS) as ApplicationCommand[];

/** The status a command leads to, or the refusal: `application.illegalTransition` (409) naming both. */
export function nextStatus(from: ApplicationStatus, command: ApplicationCommand): ApplicationStatus {
  const rule = APPLICATION_COMMANDS[command];
  if (!(rule.from as readonly ApplicationStatus[]).includes(from)) {
    throw new DomainError("application.illegalTransition", { status: 409, params: { from, command } });
  }
  return rule.to;
}

/** The commands a side may run now (what the page offers; the server checks again). */
export function commandsFor(status: ApplicationStatus, side: ApplicationSide): ApplicationCommand[] {
  return APPLICATION_COMMAND_NAMES.filter((c) => APPLICATION_COMMANDS[c].by === side && (APPLICATION_COMMANDS[c].from as readonly string[]).includes(status));
}

/** Why a bank declines: codes, so the SME reads them in its language and monitoring can count them. */
export const DECLINE_REASONS = [
  "CREDIT_GRADE_TOO_LOW",
  "INSUFFICIENT_REVENUE",
  "DEBT_TOO_HIGH",
  "INCOMPLETE_MATERIALS",
  "COLLATERAL_INSUFFICIENT",
  "OUTSIDE_POLICY",
  "ADVERSE_RECORDS",
  "OTHER",
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/** The lists' views: every application, those in progress, those unanswered past the deadline, those finished. */
export const APPLICATION_VIEWS = ["all", "open", "overdue", "closed"] as const;
export type ApplicationView = (typeof APPLICATION_VIEWS)[number];

/** How many next-best products one re-route may apply to at once. */
export const REROUTE_MAX_PICKS = 3;

/** A bank that has not answered by its deadline: the finance office sees it and the SME may re-route. */
export function isOverdue(application: { status: ApplicationStatus; respondBy: Date; respondedAt: Date | null }, now: Date): boolean {
  return application.status === "SUBMITTED" && application.respondedAt === null && application.respondBy.getTime() < now.getTime();
}

/** An SME may take its application elsewhere when the bank is overdue, declined it, or its offer lapsed. */
export function canReroute(application: { status: ApplicationStatus; respondBy: Date; respondedAt: Date | null }, now: Date): boolean {
  return application.status === "DECLINED" || application.status === "OFFER_LAPSED" || isOverdue(application, now);
}

export type ApprovalTerms = { amountFen: bigint; rateBps: number; termMonths: number; repaymentMethod: string };
export type ProductBounds = {
  minAmountFen: bigint;
  maxAmountFen: bigint;
  minTermMonths: number;
  maxTermMonths: number;
  minRateBps: number;
  maxRateBps: number;
  repaymentMethods: readonly string[];
  redListLimitUpliftBps: number;
};

/**
 * Terms a bank may approve: within the product's published ranges (the
 * maximum amount raised by the red-list uplift when the enterprise is on the
 * red list) and one of its repayment methods. Each problem names its field.
 */
export function approvalProblems(
  terms: ApprovalTerms,
  product: ProductBounds,
  redListed: boolean,
): { field: keyof ApprovalTerms; code: string; params: Record<string, string | number> }[] {
  const problems: { field: keyof ApprovalTerms; code: string; params: Record<string, string | number> }[] = [];
  const maxAmountFen = redListed ? product.maxAmountFen + (product.maxAmountFen * BigInt(product.redListLimitUpliftBps)) / 10_000n : product.maxAmountFen;
  if (terms.amountFen < product.minAmountFen || terms.amountFen > maxAmountFen) {
    problems.push({
      field: "amountFen",
      code: "application.amountOutOfRange",
      params: { minFen: product.minAmountFen.toString(), maxFen: maxAmountFen.toString() },
    });
  }
  if (terms.termMonths < product.minTermMonths || terms.termMonths > product.maxTermMonths) {
    problems.push({ field: "termMonths", code: "application.termOutOfRange", params: { min: product.minTermMonths, max: product.maxTermMonths } });
  }
  if (terms.rateBps < product.minRateBps || terms.rateBps > product.maxRateBps) {
    problems.push({ field: "rateBps", code: "application.rateOutOfRange", params: { minBps: product.minRateBps, maxBps: product.maxRateBps } });
  }
  if (!product.repaymentMethods.includes(terms.repaymentMethod)) {
    problems.push({ field: "repaymentMethod", code: "application.methodNotOffered", params: {} });
  }
  return problems;
}

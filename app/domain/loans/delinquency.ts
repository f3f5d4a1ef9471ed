import { isSettled, type InstalmentState } from "./repayment";
import { daysBetween, parseDate } from "./schedule";

/**
 * Days past due (逾期天数) and the loan state that follows from it. Pure: the
 * platform day is an input, so the nightly sweep and a test agree on a day.
 */

export type LoanState = "CURRENT" | "OVERDUE" | "DEFAULTED" | "REPAID";

/**
 * Whole days since the due date of the oldest instalment still not fully paid
 * whose due date is before `today`; 0 when there is none. An instalment due
 * today is not yet late: the borrower has the whole day to pay.
 */
export function daysPastDue(instalments: readonly InstalmentState[], today: string): number {
  parseDate(today);
  const oldest = instalments.find(
    (i) => i.dueOn < today && (i.paidPrincipalFen < i.principalFen || i.paidInterestFen < i.interestFen),
  );
  return oldest ? daysBetween(oldest.dueOn, today) : 0;
}

export function loanStateFor(options: {
  instalments: readonly InstalmentState[];
  today: string;
  /** Days past due at which a loan defaults (违约); configurable, the platform uses 90. */
  defaultAfterDays: number;
  /** Whether the loan has already been declared defaulted: default is sticky until repaid. */
  defaulted: boolean;
}): LoanState {
  const { instalments, today, defaultAfterDays, defaulted } = options;
  if (!Number.isInteger(defaultAfterDays) || defaultAfterDays < 1) {
    throw new RangeError(`defaultAfterDays must be a positive integer: ${defaultAfterDays}`);
  }
  if (isSettled(instalments)) return "REPAID";
  const dpd = daysPastDue(instalments, today);
  if (defaulted || dpd >= defaultAfterDays) return "DEFAULTED";
  return dpd > 0 ? "OVERDUE" : "CURRENT";
}

/** The loan lists' views: every loan, or those in one state. */
export const LOAN_VIEWS = ["all", "CURRENT", "OVERDUE", "DEFAULTED", "REPAID"] as const satisfies readonly ("all" | LoanState)[];
export type LoanView = (typeof LOAN_VIEWS)[number];

import { DomainError } from "~/domain/errors";
import { parseDate, periodInterestFen, SCHEDULE_LIMITS } from "./schedule";

/**
 * Allocation of a repayment (还款) to a loan's instalments. Pure: the day the
 * money was received is an input, the instalments are never mutated, and the
 * caller stores the returned state and lines in one transaction.
 *
 * The order (docs/loans.md): overdue and due interest, then their principal,
 * oldest first; then the current period's interest in full (提前还款当期利息照收);
 * then prepayment of principal from the last instalment backwards, which
 * shortens the term and lowers the interest of the periods it removes.
 */

export type InstalmentState = {
  seq: number;
  /** YYYY-MM-DD */
  dueOn: string;
  principalFen: bigint;
  interestFen: bigint;
  paidPrincipalFen: bigint;
  paidInterestFen: bigint;
};

export type AllocationLine = { seq: number; principalFen: bigint; interestFen: bigint };

export type Allocation = {
  principalFen: bigint;
  interestFen: bigint;
  /** One line per instalment that received money, in seq order. */
  lines: AllocationLine[];
  /** The new state: same order as the input, new objects. */
  instalments: InstalmentState[];
};

export type RepaymentErrorCode = "amountNotPositive" | "exceedsPayoff" | "loanSettled";

/** A repayment the loan cannot take. `payoffFen` is what would settle the loan that day (0 when settled). */
export class RepaymentError extends DomainError {
  declare readonly code: RepaymentErrorCode;
  readonly payoffFen: bigint;

  constructor(code: RepaymentErrorCode, payoffFen: bigint) {
    super(code, { params: { payoffFen: payoffFen.toString() } });
    this.name = "RepaymentError";
    this.payoffFen = payoffFen;
  }
}

const unpaidInterest = (i: InstalmentState) => i.interestFen - i.paidInterestFen;
const unpaidPrincipal = (i: InstalmentState) => i.principalFen - i.paidPrincipalFen;
const sum = (values: Iterable<bigint>) => {
  let total = 0n;
  for (const value of values) total += value;
  return total;
};
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);

/** What a stored instalment list must look like before money is applied to it. */
function assertInstalments(instalments: readonly InstalmentState[]): void {
  if (instalments.length < 1 || instalments.length > SCHEDULE_LIMITS.maxTermMonths) {
    throw new RangeError(`a loan has 1..${SCHEDULE_LIMITS.maxTermMonths} instalments: ${instalments.length}`);
  }
  let previous: InstalmentState | undefined;
  for (const i of instalments) {
    parseDate(i.dueOn);
    if (previous && (i.seq <= previous.seq || i.dueOn <= previous.dueOn)) {
      throw new RangeError(`instalments must be in seq and due-date order: ${previous.seq} ${previous.dueOn}, ${i.seq} ${i.dueOn}`);
    }
    if (i.paidPrincipalFen < 0n || i.paidInterestFen < 0n || unpaidPrincipal(i) < 0n || unpaidInterest(i) < 0n) {
      throw new RangeError(`instalment ${i.seq} is paid outside 0..its amount`);
    }
    previous = i;
  }
}

/** Index of the current period: the first instalment due after `receivedOn`, or -1 when every one is due. */
function currentIndex(instalments: readonly InstalmentState[], receivedOn: string): number {
  return instalments.findIndex((i) => i.dueOn > receivedOn);
}

export function outstandingPrincipalFen(instalments: readonly InstalmentState[]): bigint {
  return sum(instalments.map(unpaidPrincipal));
}

export function isSettled(instalments: readonly InstalmentState[]): boolean {
  return instalments.every((i) => unpaidPrincipal(i) === 0n && unpaidInterest(i) === 0n);
}

/**
 * What settles the loan on `receivedOn`: everything unpaid of the instalments
 * due on or before that day, the current period's full interest, and all
 * unpaid principal. Later periods' interest is not owed once their principal is.
 */
export function payoffAmountFen(instalments: readonly InstalmentState[], receivedOn: string): bigint {
  assertInstalments(instalments);
  parseDate(receivedOn);
  const current = currentIndex(instalments, receivedOn);
  const dueCount = current === -1 ? instalments.length : current;
  const due = instalments.slice(0, dueCount);
  const currentInterestFen = current === -1 ? 0n : unpaidInterest(instalments[current]!);
  return sum(due.map(unpaidInterest)) + currentInterestFen + outstandingPrincipalFen(instalments);
}

/** Applies `amountFen` received on `receivedOn` in the stated order; throws RepaymentError when it cannot. */
export function allocateRepayment(
  instalments: readonly InstalmentState[],
  amountFen: bigint,
  receivedOn: string,
  rateBps: number,
): Allocation {
  assertInstalments(instalments);
  parseDate(receivedOn);
  if (amountFen <= 0n) throw new RepaymentError("amountNotPositive", payoffAmountFen(instalments, receivedOn));
  if (isSettled(instalments)) throw new RepaymentError("loanSettled", 0n);
  const payoffFen = payoffAmountFen(instalments, receivedOn);
  if (amountFen > payoffFen) throw new RepaymentError("exceedsPayoff", payoffFen);

  const state = instalments.map((i) => ({ ...i }));
  const paidPrincipal = new Map<number, bigint>(); // index → principal allocated
  const paidInterest = new Map<number, bigint>();
  let remainingFen = amountFen;

  const payInterest = (index: number) => {
    const i = state[index]!;
    const take = min(remainingFen, unpaidInterest(i));
    if (take === 0n) return;
    i.paidInterestFen += take;
    paidInterest.set(index, (paidInterest.get(index) ?? 0n) + take);
    remainingFen -= take;
  };
  const payPrincipal = (index: number) => {
    const i = state[index]!;
    const take = min(remainingFen, unpaidPrincipal(i));
    if (take === 0n) return;
    i.paidPrincipalFen += take;
    paidPrincipal.set(index, (paidPrincipal.get(index) ?? 0n) + take);
    remainingFen -= take;
  };

  const current = currentIndex(state, receivedOn);
  const dueCount = current === -1 ? state.length : current;
  // 1. Interest of everything due, oldest first; 2. then its principal.
  for (let index = 0; index < dueCount; index++) payInterest(index);
  for (let index = 0; index < dueCount; index++) payPrincipal(index);
  // 3. The current period's interest, in full even when the loan is repaid early.
  if (current !== -1) payInterest(current);
  // 4. Prepayment from the last instalment backwards: the term shortens, earlier instalments keep their amounts.
  let prepaidFen = 0n;
  for (let index = state.length - 1; index >= dueCount && remainingFen > 0n; index--) {
    const before = remainingFen;
    payPrincipal(index);
    prepaidFen += before - remainingFen;
  }
  // 5. Later periods now start from a lower balance, so they owe less interest (but never less than is paid).
  if (prepaidFen > 0n && current !== -1) {
    let balanceFen = 0n;
    for (let index = state.length - 1; index > current; index--) {
      const i = state[index]!;
      balanceFen += unpaidPrincipal(i);
      i.interestFen = max(periodInterestFen(balanceFen, rateBps), i.paidInterestFen);
    }
  }
  // The amount never exceeds the payoff, so it is always used up.
  if (remainingFen !== 0n) throw new Error(`repayment left ${remainingFen} fen unallocated`);

  const lines: AllocationLine[] = [];
  state.forEach((i, index) => {
    const principalFen = paidPrincipal.get(index) ?? 0n;
    const interestFen = paidInterest.get(index) ?? 0n;
    if (principalFen > 0n || interestFen > 0n) lines.push({ seq: i.seq, principalFen, interestFen });
  });
  return {
    principalFen: sum(lines.map((l) => l.principalFen)),
    interestFen: sum(lines.map((l) => l.interestFen)),
    lines,
    instalments: state,
  };
}

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allocateRepayment,
  isSettled,
  outstandingPrincipalFen,
  payoffAmountFen,
  RepaymentError,
  type Allocation,
  type InstalmentState,
} from "./repayment";
import { addDays, buildSchedule, periodInterestFen, type RepaymentMethod, type ScheduleInput } from "./schedule";

const METHODS: readonly RepaymentMethod[] = ["EQUAL_INSTALMENT", "EQUAL_PRINCIPAL", "INTEREST_ONLY_BULLET"];
const RUNS = { numRuns: 300 };

const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
const unpaid = (i: InstalmentState) => i.principalFen - i.paidPrincipalFen + i.interestFen - i.paidInterestFen;

function fresh(input: ScheduleInput): InstalmentState[] {
  return buildSchedule(input).map((i) => ({ ...i, paidPrincipalFen: 0n, paidInterestFen: 0n }));
}

function repaymentError(run: () => unknown): RepaymentError {
  try {
    run();
  } catch (error) {
    if (error instanceof RepaymentError) return error;
    throw error;
  }
  throw new Error("expected a RepaymentError");
}

const dateArb = fc
  .record({ year: fc.integer({ min: 2000, max: 2100 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
  .map(({ year, month, day }) => {
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return `${year}-${String(month).padStart(2, "0")}-${String(Math.min(day, last)).padStart(2, "0")}`;
  });

const inputArb: fc.Arbitrary<ScheduleInput> = fc.record({
  principalFen: fc.oneof(fc.bigInt({ min: 1n, max: 100_000n }), fc.bigInt({ min: 1n, max: 1_000_000_000_000n })),
  rateBps: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2400 })),
  termMonths: fc.oneof(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 360 })),
  method: fc.constantFrom(...METHODS),
  disbursedOn: dateArb,
});

/** How much of the day's payoff to pay: all of it, a share of it, or a few fen. */
type Share = { kind: "all" } | { kind: "share"; perMillion: bigint } | { kind: "fen"; fen: bigint };
const shareArb: fc.Arbitrary<Share> = fc.oneof(
  fc.constant<Share>({ kind: "all" }),
  fc.bigInt({ min: 1n, max: 1_000_000n }).map((perMillion): Share => ({ kind: "share", perMillion })),
  fc.bigInt({ min: 1n, max: 1_000n }).map((fen): Share => ({ kind: "fen", fen })),
);
function amountFor(share: Share, payoffFen: bigint): bigint {
  if (share.kind === "all") return payoffFen;
  if (share.kind === "fen") return share.fen < payoffFen ? share.fen : payoffFen;
  const amount = (payoffFen * share.perMillion) / 1_000_000n;
  return amount > 0n ? amount : 1n;
}

/** A loan part-way through its life: a few earlier repayments on increasing days, then a day to pay on. */
const loanArb = fc
  .record({
    input: inputArb,
    history: fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), shareArb), { maxLength: 4 }),
    gapDays: fc.integer({ min: 0, max: 400 }),
  })
  .map(({ input, history, gapDays }) => {
    let instalments = fresh(input);
    let day = input.disbursedOn;
    for (const [days, share] of history) {
      day = addDays(day, days);
      if (isSettled(instalments)) break;
      const payoff = payoffAmountFen(instalments, day);
      // Leave the loan open so the day under test has something to pay.
      const amount = amountFor(share, payoff);
      if (amount >= payoff) continue;
      instalments = allocateRepayment(instalments, amount, day, input.rateBps).instalments;
    }
    return { input, instalments, receivedOn: addDays(day, gapDays) };
  })
  .filter(({ instalments }) => !isSettled(instalments));

function checkAllocation(before: readonly InstalmentState[], amountFen: bigint, allocation: Allocation) {
  expect(allocation.principalFen + allocation.interestFen).toBe(amountFen);
  expect(sum(allocation.lines.map((l) => l.principalFen + l.interestFen))).toBe(amountFen);
  expect(allocation.principalFen <= outstandingPrincipalFen(before)).toBe(true);
  expect(allocation.instalments).toHaveLength(before.length);
  before.forEach((old, index) => {
    const now = allocation.instalments[index]!;
    expect(now).not.toBe(old);
    const line = allocation.lines.find((l) => l.seq === old.seq);
    expect(now.seq).toBe(old.seq);
    expect(now.dueOn).toBe(old.dueOn);
    expect(now.principalFen).toBe(old.principalFen);
    expect(now.paidPrincipalFen).toBe(old.paidPrincipalFen + (line?.principalFen ?? 0n));
    expect(now.paidInterestFen).toBe(old.paidInterestFen + (line?.interestFen ?? 0n));
    expect(now.paidPrincipalFen <= now.principalFen && now.paidInterestFen <= now.interestFen).toBe(true);
  });
}

describe("allocation order, step by step", () => {
  // 12,000.00 元 等额本金 over 4 months at 12% (1% a month), disbursed 2026-01-15:
  //   #1 due 02-15: 300,000 principal + 12,000 interest (on 1,200,000)
  //   #2 due 03-15: 300,000 + 9,000 (on 900,000)
  //   #3 due 04-15: 300,000 + 6,000 (on 600,000)
  //   #4 due 05-15: 300,000 + 3,000 (on 300,000)
  // Nothing paid; received 2026-03-20, so #1 and #2 are due and #3 is the current period.
  const loan = fresh({ principalFen: 1_200_000n, rateBps: 1200, termMonths: 4, method: "EQUAL_PRINCIPAL", disbursedOn: "2026-01-15" });
  const day = "2026-03-20";
  const allocate = (amountFen: bigint, on = day) => allocateRepayment(loan, amountFen, on, 1200);

  it("the example loan is as described", () => {
    expect(loan.map((i) => [i.dueOn, i.principalFen, i.interestFen])).toEqual([
      ["2026-02-15", 300_000n, 12_000n],
      ["2026-03-15", 300_000n, 9_000n],
      ["2026-04-15", 300_000n, 6_000n],
      ["2026-05-15", 300_000n, 3_000n],
    ]);
    // Due interest 21,000 + current interest 6,000 + all principal 1,200,000.
    expect(payoffAmountFen(loan, day)).toBe(1_227_000n);
  });

  it("1. interest of due instalments first, oldest first", () => {
    expect(allocate(15_000n).lines).toEqual([
      { seq: 1, principalFen: 0n, interestFen: 12_000n },
      { seq: 2, principalFen: 0n, interestFen: 3_000n },
    ]);
  });

  it("2. then principal of due instalments, oldest first", () => {
    expect(allocate(21_000n + 350_000n).lines).toEqual([
      { seq: 1, principalFen: 300_000n, interestFen: 12_000n },
      { seq: 2, principalFen: 50_000n, interestFen: 9_000n },
    ]);
  });

  it("3. then the current period's interest, before any prepayment", () => {
    expect(allocate(621_000n + 4_000n).lines.at(-1)).toEqual({ seq: 3, principalFen: 0n, interestFen: 4_000n });
    const full = allocate(621_000n + 6_000n);
    expect(full.lines.at(-1)).toEqual({ seq: 3, principalFen: 0n, interestFen: 6_000n });
    expect(full.instalments[3]).toEqual(loan[3]); // #4 untouched
  });

  it("4. then prepayment from the last instalment backwards; earlier instalments keep their amounts", () => {
    const result = allocate(627_000n + 350_000n);
    expect(result.lines.slice(2)).toEqual([
      { seq: 3, principalFen: 50_000n, interestFen: 6_000n },
      { seq: 4, principalFen: 300_000n, interestFen: 0n },
    ]);
    expect(result.instalments.map((i) => i.principalFen)).toEqual([300_000n, 300_000n, 300_000n, 300_000n]);
    // #4 is gone: its principal is prepaid and, with nothing left owing in its period, so is its interest.
    expect(result.instalments[3]).toMatchObject({ interestFen: 0n, paidPrincipalFen: 300_000n });
    // The current period's interest is what was charged in full, not recomputed.
    expect(result.instalments[2]).toMatchObject({ interestFen: 6_000n, paidInterestFen: 6_000n, paidPrincipalFen: 50_000n });
  });

  it("5. later periods' interest follows the lower balance", () => {
    // Prepaying 100,000 leaves 200,000 owing in #4's period: 2,000 interest instead of 3,000.
    const result = allocate(627_000n + 100_000n);
    expect(result.lines.at(-1)).toEqual({ seq: 4, principalFen: 100_000n, interestFen: 0n });
    expect(result.instalments[3]).toMatchObject({ interestFen: 2_000n, paidPrincipalFen: 100_000n });
  });

  it("a prepayment in the first period shortens the term and lowers every later period's interest", () => {
    // Received 2026-01-20: #1 is current. 12,000 interest, then 300,000 prepays #4.
    const result = allocate(312_000n, "2026-01-20");
    expect(result.lines).toEqual([
      { seq: 1, principalFen: 0n, interestFen: 12_000n },
      { seq: 4, principalFen: 300_000n, interestFen: 0n },
    ]);
    // #2 now starts from 600,000 (not 900,000) and #3 from 300,000; #4 owes nothing.
    expect(result.instalments.map((i) => i.interestFen)).toEqual([12_000n, 6_000n, 3_000n, 0n]);
    expect(payoffAmountFen(result.instalments, "2026-01-20")).toBe(900_000n);
  });

  it("an instalment due on the day counts as due, not current", () => {
    expect(payoffAmountFen(loan, "2026-02-15")).toBe(12_000n + 9_000n + 1_200_000n);
    expect(allocate(12_000n + 300_000n + 9_000n, "2026-02-15").lines).toEqual([
      { seq: 1, principalFen: 300_000n, interestFen: 12_000n },
      { seq: 2, principalFen: 0n, interestFen: 9_000n },
    ]);
  });

  it("after the last due date everything unpaid is due and there is no current period", () => {
    expect(payoffAmountFen(loan, "2026-09-01")).toBe(1_230_000n);
    expect(isSettled(allocate(1_230_000n, "2026-09-01").instalments)).toBe(true);
  });

  it("refuses what it cannot take, with a stable code", () => {
    expect(repaymentError(() => allocate(0n)).code).toBe("amountNotPositive");
    expect(repaymentError(() => allocate(-5n)).code).toBe("amountNotPositive");
    const tooMuch = repaymentError(() => allocate(1_227_001n));
    expect(tooMuch.code).toBe("exceedsPayoff");
    expect(tooMuch.payoffFen).toBe(1_227_000n);
    const settled = allocate(1_227_000n).instalments;
    expect(isSettled(settled)).toBe(true);
    expect(repaymentError(() => allocateRepayment(settled, 1n, day, 1200)).code).toBe("loanSettled");
  });

  it("rejects malformed instalment state rather than guess", () => {
    const overpaid = loan.map((i, index) => (index === 0 ? { ...i, paidInterestFen: 12_001n } : i));
    expect(() => allocateRepayment(overpaid, 1n, day, 1200)).toThrow(RangeError);
    expect(() => allocateRepayment([loan[1]!, loan[0]!], 1n, day, 1200)).toThrow(RangeError);
    expect(() => allocateRepayment(loan, 1n, "2026-02-30", 1200)).toThrow(RangeError);
    expect(() => allocateRepayment([], 1n, day, 1200)).toThrow(RangeError);
  });
});

describe("allocation invariants (random loans, histories and days)", () => {
  it("lines sum to the amount; principal never exceeds what is outstanding; the input is untouched", () => {
    fc.assert(
      fc.property(loanArb, shareArb, ({ input, instalments, receivedOn }, share) => {
        const snapshot = structuredClone(instalments);
        const payoff = payoffAmountFen(instalments, receivedOn);
        const amount = amountFor(share, payoff);
        const allocation = allocateRepayment(instalments, amount, receivedOn, input.rateBps);
        checkAllocation(instalments, amount, allocation);
        expect(instalments).toEqual(snapshot);
        // Every fen goes to something the payoff counts, so the payoff falls by exactly the amount.
        expect(payoffAmountFen(allocation.instalments, receivedOn)).toBe(payoff - amount);
      }),
      RUNS,
    );
  });

  it("paying the payoff on any day settles the loan", () => {
    fc.assert(
      fc.property(loanArb, ({ input, instalments, receivedOn }) => {
        const payoff = payoffAmountFen(instalments, receivedOn);
        const allocation = allocateRepayment(instalments, payoff, receivedOn, input.rateBps);
        expect(isSettled(allocation.instalments)).toBe(true);
        expect(outstandingPrincipalFen(allocation.instalments)).toBe(0n);
        expect(allocation.principalFen).toBe(outstandingPrincipalFen(instalments));
      }),
      RUNS,
    );
  });

  it("an amount above the payoff is refused and changes nothing", () => {
    fc.assert(
      fc.property(loanArb, fc.bigInt({ min: 1n, max: 1_000_000n }), ({ input, instalments, receivedOn }, excess) => {
        const snapshot = structuredClone(instalments);
        const payoff = payoffAmountFen(instalments, receivedOn);
        const error = repaymentError(() => allocateRepayment(instalments, payoff + excess, receivedOn, input.rateBps));
        expect(error.code).toBe("exceedsPayoff");
        expect(error.payoffFen).toBe(payoff);
        expect(instalments).toEqual(snapshot);
      }),
      RUNS,
    );
  });

  it("a partial payment never pays a later instalment before an earlier due one", () => {
    fc.assert(
      fc.property(loanArb, shareArb, ({ input, instalments, receivedOn }, share) => {
        const amount = amountFor(share, payoffAmountFen(instalments, receivedOn));
        const after = allocateRepayment(instalments, amount, receivedOn, input.rateBps).instalments;
        const due = after.filter((i) => i.dueOn <= receivedOn);
        const dueInterestLeft = due.some((i) => i.paidInterestFen < i.interestFen);
        const before = new Map(instalments.map((i) => [i.seq, i]));
        after.forEach((i, index) => {
          const old = before.get(i.seq)!;
          const earlierDue = due.filter((d) => d.seq < i.seq);
          if (i.paidInterestFen > old.paidInterestFen) {
            // Interest goes to an instalment only once every earlier due one's interest is paid.
            expect(earlierDue.every((d) => d.paidInterestFen === d.interestFen)).toBe(true);
          }
          if (i.paidPrincipalFen > old.paidPrincipalFen) {
            // Principal only once all due interest is paid and every earlier due instalment is paid in full.
            expect(dueInterestLeft).toBe(false);
            expect(earlierDue.every((d) => unpaid(d) === 0n)).toBe(true);
          }
          if (i.dueOn > receivedOn && i.paidPrincipalFen > old.paidPrincipalFen) {
            // Prepayment only once everything due and the current period's interest are paid,
            // and from the last instalment backwards: every later one is then paid off.
            expect(due.every((d) => unpaid(d) === 0n)).toBe(true);
            const current = after.find((c) => c.dueOn > receivedOn)!;
            expect(current.paidInterestFen).toBe(current.interestFen);
            expect(after.slice(index + 1).every((l) => l.paidPrincipalFen === l.principalFen)).toBe(true);
          }
        });
      }),
      RUNS,
    );
  });

  it("after a prepayment each later period's interest is on the balance then owing, never below what is paid", () => {
    fc.assert(
      fc.property(loanArb, shareArb, ({ input, instalments, receivedOn }, share) => {
        const amount = amountFor(share, payoffAmountFen(instalments, receivedOn));
        const allocation = allocateRepayment(instalments, amount, receivedOn, input.rateBps);
        const current = allocation.instalments.findIndex((i) => i.dueOn > receivedOn);
        const prepaid = allocation.lines.some((l) => l.principalFen > 0n && current !== -1 && l.seq >= allocation.instalments[current]!.seq);
        if (!prepaid) return;
        allocation.instalments.forEach((i, index) => {
          if (index <= current) return;
          const balance = sum(allocation.instalments.slice(index).map((l) => l.principalFen - l.paidPrincipalFen));
          const expected = periodInterestFen(balance, input.rateBps);
          expect(i.interestFen).toBe(expected > i.paidInterestFen ? expected : i.paidInterestFen);
        });
      }),
      RUNS,
    );
  });

  it("paying each instalment in full on its due date settles the loan for exactly the schedule's total", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        let instalments = fresh(input);
        const scheduleTotal = sum(instalments.map((i) => i.principalFen + i.interestFen));
        let paid = 0n;
        for (const planned of buildSchedule(input)) {
          const amount = planned.principalFen + planned.interestFen;
          // A level payment can clear a tiny loan early; the months after it owe nothing.
          if (amount === 0n) continue;
          const allocation = allocateRepayment(instalments, amount, planned.dueOn, input.rateBps);
          expect(allocation.lines).toEqual([{ seq: planned.seq, principalFen: planned.principalFen, interestFen: planned.interestFen }]);
          instalments = allocation.instalments;
          paid += amount;
        }
        expect(isSettled(instalments)).toBe(true);
        expect(paid).toBe(scheduleTotal);
      }),
      { numRuns: 200 },
    );
  });
});

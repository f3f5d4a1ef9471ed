import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { daysPastDue, loanStateFor } from "./delinquency";
import { allocateRepayment, type InstalmentState } from "./repayment";
import { addDays, buildSchedule } from "./schedule";

// 12,000.00 元 等额本金 over 4 months at 12%, due 02-15, 03-15, 04-15, 05-15 of 2026.
const loan: InstalmentState[] = buildSchedule({
  principalFen: 1_200_000n,
  rateBps: 1200,
  termMonths: 4,
  method: "EQUAL_PRINCIPAL",
  disbursedOn: "2026-01-15",
}).map((i) => ({ ...i, paidPrincipalFen: 0n, paidInterestFen: 0n }));

const paidUpTo = (seq: number) =>
  loan.map((i) => (i.seq <= seq ? { ...i, paidPrincipalFen: i.principalFen, paidInterestFen: i.interestFen } : i));

const state = (instalments: InstalmentState[], today: string, defaulted = false) =>
  loanStateFor({ instalments, today, defaultAfterDays: 90, defaulted });

describe("daysPastDue", () => {
  it("counts from the day after the due date: an instalment due today is not late", () => {
    expect(daysPastDue(loan, "2026-02-14")).toBe(0);
    expect(daysPastDue(loan, "2026-02-15")).toBe(0);
    expect(daysPastDue(loan, "2026-02-16")).toBe(1);
    expect(daysPastDue(loan, "2026-03-15")).toBe(28);
  });

  it("counts from the oldest instalment not fully paid", () => {
    // #1 paid: #2 (due 03-15) is the oldest open one.
    expect(daysPastDue(paidUpTo(1), "2026-03-15")).toBe(0);
    expect(daysPastDue(paidUpTo(1), "2026-03-16")).toBe(1);
    // A fen short is still unpaid.
    const short = loan.map((i) => (i.seq === 1 ? { ...i, paidPrincipalFen: i.principalFen, paidInterestFen: i.interestFen - 1n } : i));
    expect(daysPastDue(short, "2026-03-16")).toBe(29);
  });

  it("a partial repayment that leaves the oldest instalment open does not reset the count", () => {
    const partly = allocateRepayment(loan, 100_000n, "2026-03-01", 1200).instalments;
    expect(daysPastDue(partly, "2026-03-01")).toBe(14);
  });

  it("counts calendar days across month ends and leap days", () => {
    const leap = buildSchedule({ principalFen: 100_000n, rateBps: 0, termMonths: 1, method: "EQUAL_PRINCIPAL", disbursedOn: "2024-01-28" }).map(
      (i) => ({ ...i, paidPrincipalFen: 0n, paidInterestFen: 0n }),
    );
    expect(leap[0]!.dueOn).toBe("2024-02-28");
    expect(daysPastDue(leap, "2024-03-01")).toBe(2);
    expect(daysPastDue(leap, "2025-02-28")).toBe(366);
  });

  it("grows by one each day nothing is paid", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), (offset) => {
        const today = addDays("2026-02-15", offset);
        expect(daysPastDue(loan, today)).toBe(offset);
      }),
    );
  });

  it("fully paid instalments are never past due", () => {
    expect(daysPastDue(paidUpTo(4), "2030-01-01")).toBe(0);
  });
});

describe("loanStateFor", () => {
  it("is CURRENT until a due date passes unpaid, then OVERDUE", () => {
    expect(state(loan, "2026-02-15")).toBe("CURRENT");
    expect(state(loan, "2026-02-16")).toBe("OVERDUE");
    expect(state(paidUpTo(1), "2026-03-01")).toBe("CURRENT");
  });

  it("defaults when days past due reach the threshold", () => {
    expect(daysPastDue(loan, "2026-05-16")).toBe(90);
    expect(state(loan, "2026-05-15")).toBe("OVERDUE"); // 89 days
    expect(state(loan, "2026-05-16")).toBe("DEFAULTED"); // 90 days
    expect(loanStateFor({ instalments: loan, today: "2026-02-18", defaultAfterDays: 3, defaulted: false })).toBe("DEFAULTED");
  });

  it("default is sticky: catching up does not make the loan current again", () => {
    expect(state(paidUpTo(3), "2026-04-20", true)).toBe("DEFAULTED");
    expect(state(loan, "2026-01-20", true)).toBe("DEFAULTED");
  });

  it("a settled loan is REPAID, even after a default", () => {
    expect(state(paidUpTo(4), "2026-05-15")).toBe("REPAID");
    expect(state(paidUpTo(4), "2027-01-01", true)).toBe("REPAID");
  });

  it("needs a positive whole threshold", () => {
    for (const defaultAfterDays of [0, -1, 1.5, Number.NaN]) {
      expect(() => loanStateFor({ instalments: loan, today: "2026-03-01", defaultAfterDays, defaulted: false })).toThrow(RangeError);
    }
    expect(() => daysPastDue(loan, "2026-02-30")).toThrow(RangeError);
  });
});

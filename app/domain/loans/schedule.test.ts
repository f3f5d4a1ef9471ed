import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  buildSchedule,
  daysBetween,
  dueDate,
  levelPaymentFen,
  periodInterestFen,
  SCHEDULE_LIMITS,
  type PlannedInstalment,
  type RepaymentMethod,
  type ScheduleInput,
} from "./schedule";

const METHODS: readonly RepaymentMethod[] = ["EQUAL_INSTALMENT", "EQUAL_PRINCIPAL", "INTEREST_ONLY_BULLET"];

// Month ends are drawn often (day 28–31 clamps to the month's length), since that is where due dates go wrong.
const dateArb = fc
  .record({ year: fc.integer({ min: 1990, max: 2200 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
  .map(({ year, month, day }) => {
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return `${year}-${String(month).padStart(2, "0")}-${String(Math.min(day, last)).padStart(2, "0")}`;
  });

// Small principals are where rounding bites, so they are drawn as often as large ones.
const principalArb = fc.oneof(fc.bigInt({ min: 1n, max: 100_000n }), fc.bigInt({ min: 1n, max: 1_000_000_000_000n }));

const inputArb: fc.Arbitrary<ScheduleInput> = fc.record({
  principalFen: principalArb,
  rateBps: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2400 })),
  termMonths: fc.oneof(fc.integer({ min: 1, max: 36 }), fc.integer({ min: 1, max: 360 })),
  method: fc.constantFrom(...METHODS),
  disbursedOn: dateArb,
});

const RUNS = { numRuns: 1000 };

const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
const total = (i: PlannedInstalment) => i.principalFen + i.interestFen;

/** Balance at the start of each period. */
function openingBalances(input: ScheduleInput, schedule: PlannedInstalment[]): bigint[] {
  let balance = input.principalFen;
  return schedule.map((i) => {
    const opening = balance;
    balance -= i.principalFen;
    return opening;
  });
}

describe("dueDate", () => {
  it("clamps to the month's last day, always counting from the disbursement day", () => {
    expect(dueDate("2026-01-31", 1)).toBe("2026-02-28");
    expect(dueDate("2026-01-31", 2)).toBe("2026-03-31");
    expect(dueDate("2026-01-31", 3)).toBe("2026-04-30");
    expect(dueDate("2024-01-31", 1)).toBe("2024-02-29");
    expect(dueDate("2024-02-29", 12)).toBe("2025-02-28");
    expect(dueDate("2024-02-29", 48)).toBe("2028-02-29");
    expect(dueDate("2100-01-29", 1)).toBe("2100-02-28"); // 2100 is not a leap year
    expect(dueDate("2000-01-30", 1)).toBe("2000-02-29"); // 2000 is
    expect(dueDate("2025-12-15", 1)).toBe("2026-01-15");
    expect(dueDate("2025-03-10", 0)).toBe("2025-03-10");
  });

  it("rejects dates that are not calendar days", () => {
    for (const bad of ["2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "26-01-01", "2026-1-01", "2026-01-01T00:00"]) {
      expect(() => dueDate(bad, 1)).toThrow(RangeError);
    }
    expect(() => dueDate("2026-01-01", -1)).toThrow(RangeError);
    expect(() => dueDate("2026-01-01", 1.5)).toThrow(RangeError);
  });
});

describe("calendar days", () => {
  it("agree with the UTC calendar", () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -40_000, max: 40_000 }), (date, days) => {
        const oracle = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
        expect(addDays(date, days)).toBe(oracle);
        expect(daysBetween(date, oracle)).toBe(days);
      }),
      RUNS,
    );
  });
});

describe("periodInterestFen", () => {
  it("is balance × rate ÷ 120 000, rounded half up", () => {
    expect(periodInterestFen(10_000_000n, 435)).toBe(36_250n); // 100,000.00 元 at 4.35%: 362.50 元 a month
    expect(periodInterestFen(120n, 500)).toBe(1n); // exactly 0.5 fen rounds up
    expect(periodInterestFen(119n, 500)).toBe(0n); // 0.4958 fen rounds down
    expect(periodInterestFen(0n, 2400)).toBe(0n);
    expect(periodInterestFen(10_000_000n, 0)).toBe(0n);
    expect(() => periodInterestFen(-1n, 435)).toThrow(RangeError);
    expect(() => periodInterestFen(1n, 10_001)).toThrow(RangeError);
  });

  it("is within half a fen of the exact interest", () => {
    fc.assert(
      fc.property(principalArb, fc.integer({ min: 0, max: 10_000 }), (balance, rate) => {
        const interest = periodInterestFen(balance, rate);
        // interest − balance·rate/120000 is in (−1/2, 1/2]: an exact half rounds up.
        const diffTimes2 = interest * 240_000n - balance * BigInt(rate) * 2n;
        expect(diffTimes2 > -120_000n && diffTimes2 <= 120_000n).toBe(true);
      }),
      RUNS,
    );
  });
});

describe("buildSchedule input limits", () => {
  const ok: ScheduleInput = { principalFen: 10_000_000n, rateBps: 435, termMonths: 12, method: "EQUAL_INSTALMENT", disbursedOn: "2026-01-31" };

  it("rejects what no loan can be", () => {
    const bad: Partial<ScheduleInput>[] = [
      { principalFen: 0n },
      { principalFen: -1n },
      { principalFen: SCHEDULE_LIMITS.maxPrincipalFen + 1n },
      { rateBps: -1 },
      { rateBps: 4.35 },
      { rateBps: SCHEDULE_LIMITS.maxRateBps + 1 },
      { rateBps: Number.NaN },
      { termMonths: 0 },
      { termMonths: 1.5 },
      { termMonths: SCHEDULE_LIMITS.maxTermMonths + 1 },
      { disbursedOn: "2026-02-30" },
      { disbursedOn: "2026/01/31" },
    ];
    for (const change of bad) expect(() => buildSchedule({ ...ok, ...change }), JSON.stringify(change, (_, v) => (typeof v === "bigint" ? `${v}n` : v))).toThrow(RangeError);
  });

  it("accepts the limits themselves, exactly", () => {
    for (const method of METHODS) {
      const schedule = buildSchedule({
        principalFen: SCHEDULE_LIMITS.maxPrincipalFen,
        rateBps: SCHEDULE_LIMITS.maxRateBps,
        termMonths: SCHEDULE_LIMITS.maxTermMonths,
        method,
        disbursedOn: "2026-01-31",
      });
      expect(schedule).toHaveLength(360);
      expect(sum(schedule.map((i) => i.principalFen))).toBe(SCHEDULE_LIMITS.maxPrincipalFen);
    }
  });
});

describe("hand-computed schedules: 100,000.00 元, 12 months, 4.35%", () => {
  const base = { principalFen: 10_000_000n, rateBps: 435, termMonths: 12, disbursedOn: "2026-01-31" } as const;

  it("等额本息 pays 8,530.99 元 a month", () => {
    // r = 435/120000 = 0.003625; (1+r)^12 = 120435^12 / 120000^12 = 1.0443778…
    // A = P·b·G^12 / (120000·(G^12 − 120000^12)) with G = 120435
    //   = 10,000,000 × 435 × 120435^12 / (120000 × (120435^12 − 120000^12))
    //   = 853,099.0036… fen → rounded half up: 853,099 fen = 8,530.99 元.
    expect(levelPaymentFen(10_000_000n, 435, 12)).toBe(853_099n);
    const schedule = buildSchedule({ ...base, method: "EQUAL_INSTALMENT" });
    expect(schedule.slice(0, 11).every((i) => total(i) === 853_099n)).toBe(true);
    // Month 1: interest 10,000,000 × 435 / 120000 = 36,250; principal 853,099 − 36,250 = 816,849.
    expect(schedule[0]).toEqual({ seq: 1, dueOn: "2026-02-28", principalFen: 816_849n, interestFen: 36_250n });
    // Month 2: balance 9,183,151 → interest 33,288.92 → 33,289.
    expect(schedule[1]).toEqual({ seq: 2, dueOn: "2026-03-31", principalFen: 819_810n, interestFen: 33_289n });
    // The last month takes the remaining balance: 850,020 principal + 3,081 interest (balance 850,020 × 0.003625 = 3,081.32).
    expect(schedule[11]).toEqual({ seq: 12, dueOn: "2027-01-31", principalFen: 850_020n, interestFen: 3_081n });
    expect(sum(schedule.map((i) => i.interestFen))).toBe(237_190n);
  });

  it("等额本金: 833,333.33 fen a month, the 4 spare fen on the first four months", () => {
    const schedule = buildSchedule({ ...base, method: "EQUAL_PRINCIPAL" });
    expect(schedule.map((i) => i.principalFen)).toEqual([...Array(4).fill(833_334n), ...Array(8).fill(833_333n)]);
    expect(schedule[0]!.interestFen).toBe(36_250n);
    // Month 2: balance 9,166,666 × 0.003625 = 33,229.16 → 33,229.
    expect(schedule[1]!.interestFen).toBe(33_229n);
    // Month 12: balance 833,333 × 0.003625 = 3,020.83 → 3,021.
    expect(schedule[11]!.interestFen).toBe(3_021n);
  });

  it("按月付息、到期还本: 362.50 元 each month and the principal at maturity", () => {
    const schedule = buildSchedule({ ...base, method: "INTEREST_ONLY_BULLET" });
    expect(schedule.every((i) => i.interestFen === 36_250n)).toBe(true);
    expect(schedule.map((i) => i.principalFen)).toEqual([...Array(11).fill(0n), 10_000_000n]);
  });
});

describe("small and edge schedules", () => {
  it("at 0% a level payment is P/n and the last month takes the rest", () => {
    const schedule = buildSchedule({ principalFen: 1000n, rateBps: 0, termMonths: 3, method: "EQUAL_INSTALMENT", disbursedOn: "2026-05-31" });
    expect(schedule.map((i) => [i.dueOn, i.principalFen, i.interestFen])).toEqual([
      ["2026-06-30", 333n, 0n],
      ["2026-07-31", 333n, 0n],
      ["2026-08-31", 334n, 0n],
    ]);
  });

  it("a single month repays everything with one month's interest", () => {
    for (const method of METHODS) {
      expect(buildSchedule({ principalFen: 5_000_000n, rateBps: 600, termMonths: 1, method, disbursedOn: "2026-01-15" })).toEqual([
        { seq: 1, dueOn: "2026-02-15", principalFen: 5_000_000n, interestFen: 25_000n },
      ]);
    }
  });

  it("a level payment rounded up can clear a tiny balance before the last month; the rest are then zero", () => {
    // 200.00 元 over 360 months at 0%: A = 55.56 fen → 56; 357 × 56 = 19,992, so month 358 takes the last 8 fen.
    const schedule = buildSchedule({ principalFen: 20_000n, rateBps: 0, termMonths: 360, method: "EQUAL_INSTALMENT", disbursedOn: "2026-01-01" });
    expect(schedule.slice(0, 357).every((i) => i.principalFen === 56n)).toBe(true);
    expect(schedule.slice(357).map((i) => i.principalFen)).toEqual([8n, 0n, 0n]);
  });
});

describe("schedule invariants (every method, random loans)", () => {
  it("principals sum exactly to the principal; nothing is negative; interest is on the opening balance", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const schedule = buildSchedule(input);
        expect(schedule).toHaveLength(input.termMonths);
        expect(sum(schedule.map((i) => i.principalFen))).toBe(input.principalFen);
        const balances = openingBalances(input, schedule);
        schedule.forEach((i, index) => {
          expect(i.seq).toBe(index + 1);
          expect(i.principalFen >= 0n && i.interestFen >= 0n).toBe(true);
          expect(i.interestFen).toBe(periodInterestFen(balances[index]!, input.rateBps));
        });
      }),
      RUNS,
    );
  });

  it("due dates increase strictly, month by month, and the last is the term after disbursement", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const schedule = buildSchedule(input);
        schedule.forEach((i, index) => {
          expect(i.dueOn).toBe(dueDate(input.disbursedOn, i.seq));
          if (index > 0) expect(i.dueOn > schedule[index - 1]!.dueOn).toBe(true);
          // Each due day is the disbursement day, or the month's last day when the month is shorter.
          const day = Number(i.dueOn.slice(8));
          const disbursedDay = Number(input.disbursedOn.slice(8));
          expect(day === disbursedDay || (day < disbursedDay && addDays(i.dueOn, 1).endsWith("-01"))).toBe(true);
        });
        expect(schedule.at(-1)!.dueOn).toBe(dueDate(input.disbursedOn, input.termMonths));
      }),
      RUNS,
    );
  });

  it("等额本息: every month but the last pays exactly A, until a month clears the balance early", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const schedule = buildSchedule({ ...input, method: "EQUAL_INSTALMENT" });
        const level = levelPaymentFen(input.principalFen, input.rateBps, input.termMonths);
        const balances = openingBalances(input, schedule);
        let cleared = false;
        schedule.slice(0, -1).forEach((i, index) => {
          if (cleared) {
            // Nothing is left to repay: no principal and no interest.
            expect(total(i)).toBe(0n);
            return;
          }
          const difference = total(i) - level;
          if (i.principalFen === balances[index]!) {
            // A month that clears the balance early pays at most A.
            cleared = true;
            expect(difference <= 0n).toBe(true);
          } else {
            expect(difference).toBe(0n);
          }
        });
      }),
      RUNS,
    );
  });

  it("等额本息 for ordinary loans (≥ 1 万元, ≤ 5 years): every month but the last pays exactly A", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1_000_000n, max: 1_000_000_000_000n }),
        fc.integer({ min: 0, max: 2400 }),
        fc.integer({ min: 1, max: 60 }),
        dateArb,
        (principalFen, rateBps, termMonths, disbursedOn) => {
          const schedule = buildSchedule({ principalFen, rateBps, termMonths, method: "EQUAL_INSTALMENT", disbursedOn });
          const level = levelPaymentFen(principalFen, rateBps, termMonths);
          for (const i of schedule.slice(0, -1)) expect(total(i)).toBe(level);
          // The last month absorbs the rounding of all the others (≤ 1 fen a month, compounded):
          // |last − A| ≤ n·(1+r)^n + 1 fen.
          const n = BigInt(termMonths);
          const growth = (120_000n + BigInt(rateBps)) ** n;
          const bound = (n * growth + 120_000n ** n - 1n) / 120_000n ** n + 1n;
          const last = total(schedule.at(-1)!);
          expect(last - level <= bound && level - last <= bound).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it("等额本金: principals differ by at most one fen, larger ones first", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const principals = buildSchedule({ ...input, method: "EQUAL_PRINCIPAL" }).map((i) => i.principalFen);
        const floor = input.principalFen / BigInt(input.termMonths);
        expect(principals.every((p) => p === floor || p === floor + 1n)).toBe(true);
        for (let k = 1; k < principals.length; k++) expect(principals[k]! <= principals[k - 1]!).toBe(true);
      }),
      RUNS,
    );
  });

  it("按月付息、到期还本: the same interest each month and all principal at the end", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const schedule = buildSchedule({ ...input, method: "INTEREST_ONLY_BULLET" });
        const interest = periodInterestFen(input.principalFen, input.rateBps);
        expect(schedule.every((i) => i.interestFen === interest)).toBe(true);
        expect(schedule.slice(0, -1).every((i) => i.principalFen === 0n)).toBe(true);
        expect(schedule.at(-1)!.principalFen).toBe(input.principalFen);
      }),
      RUNS,
    );
  });
});

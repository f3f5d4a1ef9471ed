import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHINA_PUBLIC_HOLIDAYS_2026 } from "../../../prisma/seed/calendar";
import {
  MAX_SCAN_DAYS,
  addCalendarDays,
  addWorkingDays,
  dayNumber,
  endOfShanghaiDay,
  isWeekend,
  isWorkday,
  responseDeadline,
  shanghaiDay,
  workingDaysBetween,
  type CalendarOverrides,
} from "./working-days";

const NONE: CalendarOverrides = new Map();
const CHINA_2026: CalendarOverrides = new Map(CHINA_PUBLIC_HOLIDAYS_2026.map((d) => [d.date, d.isWorkday]));

/** National Day 2026 alone: Oct 1–7 off, Sunday Sep 20 and Saturday Oct 10 worked. */
const NATIONAL_DAY_2026: CalendarOverrides = new Map([
  ["2026-09-20", true],
  ...["01", "02", "03", "04", "05", "06", "07"].map((d) => [`2026-10-${d}`, false] as [string, boolean]),
  ["2026-10-10", true],
]);

const dayArb = fc
  .integer({ min: dayNumber("2020-01-01"), max: dayNumber("2035-12-31") })
  .map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));

/** Random exceptions around the days under test: holidays on any day, make-up days anywhere. */
const overridesArb: fc.Arbitrary<CalendarOverrides> = fc
  .array(fc.tuple(fc.integer({ min: dayNumber("2019-12-01"), max: dayNumber("2036-06-30") }), fc.boolean()), { maxLength: 400 })
  .map((entries) => new Map(entries.map(([n, w]) => [new Date(n * 86_400_000).toISOString().slice(0, 10), w])));

/** Dense exceptions in a narrow window, so long holiday runs and adjacent make-up days occur often. */
const denseCaseArb = fc.integer({ min: dayNumber("2024-01-01"), max: dayNumber("2028-12-31") }).chain((start) =>
  fc.record({
    day: fc.constant(new Date(start * 86_400_000).toISOString().slice(0, 10)),
    overrides: fc
      .array(fc.tuple(fc.integer({ min: 0, max: 80 }), fc.boolean()), { maxLength: 60 })
      .map((e) => new Map(e.map(([o, w]) => [new Date((start + o) * 86_400_000).toISOString().slice(0, 10), w])) as CalendarOverrides),
  }),
);

const shanghaiByIntl = (d: Date) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(d);

describe("working days by the default rule", () => {
  it("are Monday to Friday", () => {
    expect(isWorkday("2026-11-20", NONE)).toBe(true); // Friday
    expect(isWorkday("2026-11-21", NONE)).toBe(false); // Saturday
    expect(isWorkday("2026-11-22", NONE)).toBe(false); // Sunday
    expect(isWorkday("2026-11-23", NONE)).toBe(true); // Monday
    expect(isWeekend("2024-02-29")).toBe(false); // Thursday, leap day
  });

  it("skip the weekend: Friday + 1 is Monday, Thursday + 3 is Tuesday", () => {
    expect(addWorkingDays("2026-11-20", 1, NONE)).toBe("2026-11-23");
    expect(addWorkingDays("2026-11-19", 3, NONE)).toBe("2026-11-24");
    expect(addWorkingDays("2026-11-21", 1, NONE)).toBe("2026-11-23"); // from a Saturday
    expect(addWorkingDays("2026-11-16", 5, NONE)).toBe("2026-11-23"); // Monday + 5 is next Monday
  });

  it("count five in every calendar week, whatever the start", () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 1, max: 200 }), (day, weeks) => {
        expect(workingDaysBetween(day, addCalendarDays(day, 7 * weeks), NONE)).toBe(5 * weeks);
        expect(isWeekend(addWorkingDays(day, weeks, NONE))).toBe(false);
      }),
    );
  });
});

describe("a holiday week with make-up days (2026 National Day)", () => {
  it("skips Oct 1–7 and counts the Sunday and Saturday that are worked", () => {
    const o = NATIONAL_DAY_2026;
    expect(isWorkday("2026-10-05", o)).toBe(false); // a Monday off
    expect(isWorkday("2026-09-20", o)).toBe(true); // a Sunday worked
    expect(isWorkday("2026-10-10", o)).toBe(true); // a Saturday worked
    expect(addWorkingDays("2026-09-18", 1, o)).toBe("2026-09-20"); // Friday → the make-up Sunday
    expect(addWorkingDays("2026-09-30", 1, o)).toBe("2026-10-08"); // the eve of the holiday → Thursday after it
    expect(addWorkingDays("2026-09-29", 3, o)).toBe("2026-10-09");
    expect(addWorkingDays("2026-09-29", 4, o)).toBe("2026-10-10");
    expect(addWorkingDays("2026-09-29", 5, o)).toBe("2026-10-12");
    expect(addWorkingDays("2026-10-03", 1, o)).toBe("2026-10-08"); // submitted during the holiday
    expect(workingDaysBetween("2026-09-30", "2026-10-07", o)).toBe(0);
    expect(workingDaysBetween("2026-09-19", "2026-10-11", o)).toBe(12); // Sun Sep 20, the 8 weekdays Sep 21–30, Oct 8, 9 and Sat Oct 10
  });

  it("the whole 2026 schedule leaves 248 working days in the year", () => {
    expect(workingDaysBetween("2025-12-31", "2026-12-31", CHINA_2026)).toBe(248);
    expect(workingDaysBetween("2025-12-31", "2026-12-31", NONE)).toBe(261);
    // Spring Festival: Friday Feb 13 + 1 is the make-up Saturday; then nothing until Tuesday Feb 24.
    expect(addWorkingDays("2026-02-13", 1, CHINA_2026)).toBe("2026-02-14");
    expect(addWorkingDays("2026-02-14", 1, CHINA_2026)).toBe("2026-02-24");
  });
});

describe("addWorkingDays for any calendar", () => {
  it("lands on a working day with exactly n working days in between", () => {
    for (const arb of [fc.tuple(dayArb, overridesArb), denseCaseArb.map(({ day, overrides }) => [day, overrides] as const)]) {
      fc.assert(
        fc.property(arb, fc.integer({ min: 1, max: 30 }), ([day, overrides], n) => {
          const result = addWorkingDays(day, n, overrides);
          expect(result > day).toBe(true);
          expect(isWorkday(result, overrides)).toBe(true);
          expect(workingDaysBetween(day, result, overrides)).toBe(n);
          expect(workingDaysBetween(day, addCalendarDays(result, -1), overrides)).toBe(n - 1);
        }),
      );
    }
  });

  it("is strictly increasing in n, and adding a then b is adding a + b", () => {
    fc.assert(
      fc.property(denseCaseArb, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), ({ day, overrides }, a, b) => {
        expect(addWorkingDays(day, a + 1, overrides) > addWorkingDays(day, a, overrides)).toBe(true);
        expect(addWorkingDays(addWorkingDays(day, a, overrides), b, overrides)).toBe(addWorkingDays(day, a + b, overrides));
      }),
    );
  });

  it("refuses n < 1, fractions and malformed days, and gives up on a calendar with no working days", () => {
    expect(() => addWorkingDays("2026-11-20", 0, NONE)).toThrow(RangeError);
    expect(() => addWorkingDays("2026-11-20", 1.5, NONE)).toThrow(RangeError);
    expect(() => addWorkingDays("2026-02-30", 1, NONE)).toThrow(RangeError);
    expect(() => addWorkingDays("2026-1-5", 1, NONE)).toThrow(RangeError);
    const noWorkdays = new Map(Array.from({ length: MAX_SCAN_DAYS + 10 }, (_, i) => [addCalendarDays("2026-01-01", i), false] as [string, boolean]));
    expect(() => addWorkingDays("2025-12-31", 1, noWorkdays)).toThrow(RangeError);
    expect(() => workingDaysBetween("2000-01-01", "2099-12-31", NONE)).toThrow(RangeError);
    expect(workingDaysBetween("2026-11-23", "2026-11-20", NONE)).toBe(0);
  });
});

describe("response deadlines in China's time zone", () => {
  it("end at 00:00 +08:00 after the n-th working day, i.e. 16:00 UTC of that day", () => {
    // Submitted Friday 2026-11-20 10:00 in Beijing; 3 working days → Wednesday 25th, due before Thursday 00:00.
    expect(responseDeadline(new Date("2026-11-20T10:00:00+08:00"), 3, NONE).toISOString()).toBe("2026-11-25T16:00:00.000Z");
    // 23:30 in Beijing on Friday is 15:30 UTC: still Friday in China.
    expect(responseDeadline(new Date("2026-11-20T15:30:00Z"), 1, NONE).toISOString()).toBe("2026-11-23T16:00:00.000Z");
    // 00:30 on Saturday in Beijing is still Friday in UTC: the day is Saturday, so Monday is the first working day.
    expect(responseDeadline(new Date("2026-11-20T16:30:00Z"), 1, NONE).toISOString()).toBe("2026-11-23T16:00:00.000Z");
    // The eve of National Day: one working day is Thursday 8 October.
    expect(responseDeadline(new Date("2026-09-30T09:00:00+08:00"), 1, NATIONAL_DAY_2026).toISOString()).toBe("2026-10-08T16:00:00.000Z");
  });

  it("hold for any instant: the deadline ends the working day addWorkingDays finds", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2035-12-31T00:00:00Z"), noInvalidDate: true }),
        fc.integer({ min: 1, max: 30 }),
        overridesArb,
        (submittedAt, n, overrides) => {
          const day = shanghaiDay(submittedAt);
          expect(day).toBe(shanghaiByIntl(submittedAt));
          const workday = addWorkingDays(day, n, overrides);
          const deadline = responseDeadline(submittedAt, n, overrides);
          expect(deadline.toISOString()).toBe(`${workday}T16:00:00.000Z`);
          expect(deadline.getTime()).toBe(endOfShanghaiDay(workday).getTime());
          expect(shanghaiDay(new Date(deadline.getTime() - 1))).toBe(workday);
          expect(shanghaiDay(deadline)).toBe(addCalendarDays(workday, 1));
          expect(deadline.getTime()).toBeGreaterThan(submittedAt.getTime());
        },
      ),
    );
  });

  it("refuses an invalid instant", () => {
    expect(() => shanghaiDay(new Date(Number.NaN))).toThrow(RangeError);
  });
});

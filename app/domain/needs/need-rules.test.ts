import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { calendarDay, daysUntil, expiryProblem, isNeedId, isPastDue, NEED_LIMITS, NEED_STATUSES, ownerCommands } from "./need-rules";

const day = (s: string) => calendarDay(s);

describe("need expiry", () => {
  it("accepts tomorrow up to 180 days ahead, and nothing else", () => {
    const today = "2026-11-22";
    expect(expiryProblem(day("2026-11-22"), today)).toEqual({ code: "need.expiryNotFuture" });
    expect(expiryProblem(day("2026-11-21"), today)).toEqual({ code: "need.expiryNotFuture" });
    expect(expiryProblem(day("2026-11-23"), today)).toBeNull();
    expect(expiryProblem(day("2027-05-21"), today)).toBeNull(); // 180 days
    expect(expiryProblem(day("2027-05-22"), today)).toEqual({ code: "need.expiryTooFar", params: { days: 180 } });
  });

  it("holds for any day and offset, across month, year and leap-day boundaries", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("2020-01-01"), max: new Date("2035-12-31"), noInvalidDate: true }), fc.integer({ min: -400, max: 400 }), (d, offset) => {
        const today = d.toISOString().slice(0, 10);
        const expiresOn = new Date(calendarDay(today).getTime() + offset * 86_400_000);
        expect(daysUntil(expiresOn, today)).toBe(offset);
        expect(expiryProblem(expiresOn, today) === null).toBe(offset >= 1 && offset <= NEED_LIMITS.maxExpiryDays);
        // Valid through its expiry day; past due from the next.
        expect(isPastDue(expiresOn, today)).toBe(offset < 0);
      }),
    );
  });
});

describe("what the owner may do", () => {
  it("edits only while open, closes or confirms while open or in progress, and nothing once ended", () => {
    expect(ownerCommands("OPEN")).toEqual(["edit", "close", "fulfil"]);
    expect(ownerCommands("IN_PROGRESS")).toEqual(["close", "fulfil"]);
    for (const s of ["FULFILLED", "CLOSED", "EXPIRED"] as const) expect(ownerCommands(s)).toEqual([]);
    expect(NEED_STATUSES).toHaveLength(5);
  });
});

describe("need ids", () => {
  it("accept UUIDs only", () => {
    expect(isNeedId("0b7e8a44-4f3c-4d8e-9a55-3f4f0c1d2e3f")).toBe(true);
    for (const bad of ["", "x", "../etc", "0b7e8a44-4f3c-4d8e-9a55-3f4f0c1d2e3", "0b7e8a44'; DROP TABLE x;--"]) expect(isNeedId(bad)).toBe(false);
  });
});

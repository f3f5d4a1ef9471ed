/**
 * The working-day calendar: only the finance office maintains it; every change
 * is audited with what it replaced; the response-deadline reader in this
 * process sees a change at once, and other processes' changes within a minute.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { ROLE_KEYS } from "~/domain/access/permissions";
import {
  listCalendarDays,
  loadCalendarOverrides,
  loadResponseDeadline,
  removeCalendarDay,
  setCalendarDay,
} from "~/domain/calendar/calendar.server";
import { responseDeadline, workingDaysBetween } from "~/domain/calendar/working-days";
import { platformToday } from "~/domain/credit/build-snapshot";
import * as calendarRoute from "~/routes/app/calendar";
import { CHINA_PUBLIC_HOLIDAYS_2026, seedCalendar } from "../../prisma/seed/calendar";
import { makeActor, outcome, routeContext } from "../helpers";

const day = (s: string) => new Date(`${s}T00:00:00Z`);
const audits = (entityId: string) =>
  prisma.auditLog.findMany({ where: { entityType: "calendar-day", entityId }, orderBy: { seq: "asc" }, select: { action: true, summary: true, actorUserId: true, ip: true } });
const snapshot = async () => ({ days: await prisma.calendarDay.count(), audit: await prisma.auditLog.count() });

function post(body: Record<string, string>, query = ""): Request {
  return new Request(`http://localhost/app/calendar${query}`, { method: "POST", body: new URLSearchParams(body) });
}
const callAction = (actor: Actor, body: Record<string, string>) =>
  outcome(() => calendarRoute.action({ request: post(body), context: routeContext(actor), params: {} } as never));
const callLoader = (actor: Actor, query = "") =>
  outcome(() => calendarRoute.loader({ request: new Request(`http://localhost/app/calendar${query}`), context: routeContext(actor), params: {} } as never));

afterEach(() => {
  vi.useRealTimers();
});

describe("the finance office maintains the calendar", () => {
  it("sets, changes and removes a day; each change is audited with before and after; an unchanged save is not", async () => {
    const finance = await makeActor("finance_office");
    const date = "2031-10-01";

    const created = await setCalendarDay({ actor: finance, input: { date, kind: "HOLIDAY", nameZh: " 国庆节 ", nameEn: "National Day" }, ip: "10.0.0.9" });
    expect(created).toEqual({ date, created: true, changed: true });
    expect(await prisma.calendarDay.findUniqueOrThrow({ where: { date: day(date) } })).toMatchObject({ isWorkday: false, nameZh: "国庆节", nameEn: "National Day" });

    const changed = await setCalendarDay({ actor: finance, input: { date, kind: "HOLIDAY", nameZh: "国庆节", nameEn: "National Day holiday" }, ip: null });
    expect(changed).toEqual({ date, created: false, changed: true });
    const unchanged = await setCalendarDay({ actor: finance, input: { date, kind: "HOLIDAY", nameZh: "国庆节", nameEn: "National Day holiday" }, ip: null });
    expect(unchanged).toEqual({ date, created: false, changed: false });

    expect(await listCalendarDays(finance, 2031)).toEqual([{ date, isWorkday: false, nameZh: "国庆节", nameEn: "National Day holiday" }]);
    expect(await listCalendarDays(finance, 2030)).toEqual([]);

    const removed = await removeCalendarDay({ actor: finance, day: date, ip: "10.0.0.9" });
    expect(removed).toEqual({ date, removed: { isWorkday: false, nameZh: "国庆节", nameEn: "National Day holiday" } });
    expect(await prisma.calendarDay.count({ where: { date: day(date) } })).toBe(0);
    await expect(removeCalendarDay({ actor: finance, day: date, ip: null })).rejects.toMatchObject({ code: "calendar.dayNotFound", status: 404 });

    expect(await audits(date)).toEqual([
      {
        action: "calendar.day-set",
        actorUserId: finance.userId,
        ip: "10.0.0.9",
        summary: { before: null, after: { isWorkday: false, nameZh: "国庆节", nameEn: "National Day" } },
      },
      {
        action: "calendar.day-set",
        actorUserId: finance.userId,
        ip: null,
        summary: {
          before: { isWorkday: false, nameZh: "国庆节", nameEn: "National Day" },
          after: { isWorkday: false, nameZh: "国庆节", nameEn: "National Day holiday" },
        },
      },
      {
        action: "calendar.day-removed",
        actorUserId: finance.userId,
        ip: "10.0.0.9",
        summary: { before: { isWorkday: false, nameZh: "国庆节", nameEn: "National Day holiday" }, after: null },
      },
    ]);
  });

  it("works through the page: the loader shows the year, the action saves and removes", async () => {
    const finance = await makeActor("finance_office");
    const next = Number(platformToday().slice(0, 4)) + 1;
    const saturday = [...Array(7).keys()].map((i) => `${next}-03-0${i + 1}`).find((d) => day(d).getUTCDay() === 6)!;

    const saved = await callAction(finance, { intent: "set", date: saturday, kind: "WORKDAY", nameZh: "测试调休上班", nameEn: "Test make-up day" });
    expect(saved.status).toBe(200);
    expect((saved.data as { notice: unknown }).notice).toEqual({ kind: "saved", date: saturday });

    const page = await callLoader(finance, `?year=${next}&edit=${saturday}`);
    expect(page.status).toBe(200);
    const loaded = page.data as { year: number; days: { date: string }[]; edit: { date: string; day: unknown } };
    expect(loaded.year).toBe(next);
    expect(loaded.days.map((d) => d.date)).toContain(saturday);
    expect(loaded.edit).toEqual({ date: saturday, day: { date: saturday, isWorkday: true, nameZh: "测试调休上班", nameEn: "Test make-up day" } });
    // A year outside the selectable three falls back to this year instead of failing.
    expect(((await callLoader(finance, "?year=1999")).data as { year: number }).year).toBe(next - 1);

    const gone = await callAction(finance, { intent: "remove", date: saturday });
    expect((gone.data as { notice: unknown }).notice).toEqual({ kind: "removed", date: saturday });
    const again = await callAction(finance, { intent: "remove", date: saturday });
    expect(again.status).toBe(200);
    expect(again.data).toMatchObject({ init: { status: 404 }, data: { removeError: `calendar.dayNotFound|${JSON.stringify({ date: saturday })}` } });
  });
});

describe("nobody else may", () => {
  it("refuses every other role, in the domain and on the page, and changes nothing", async () => {
    const finance = await makeActor("finance_office");
    await setCalendarDay({ actor: finance, input: { date: "2032-01-01", kind: "HOLIDAY", nameZh: "元旦", nameEn: "New Year's Day" }, ip: null });
    const before = await snapshot();
    for (const role of ROLE_KEYS.filter((r) => r !== "finance_office")) {
      const actor = await makeActor(role);
      await expect(setCalendarDay({ actor, input: { date: "2032-01-02", kind: "HOLIDAY", nameZh: "假日", nameEn: "Holiday" }, ip: null }), role).rejects.toMatchObject({
        code: "forbidden",
        status: 403,
      });
      await expect(removeCalendarDay({ actor, day: "2032-01-01", ip: null }), role).rejects.toMatchObject({ status: 403 });
      await expect(listCalendarDays(actor, 2032), role).rejects.toMatchObject({ status: 403 });
      expect((await callLoader(actor)).status, role).toBe(403);
      expect((await callAction(actor, { intent: "remove", date: "2032-01-01" })).status, role).toBe(403);
    }
    expect(await snapshot()).toEqual(before);
    // Signed out: sent to sign-in, and back here afterwards.
    expect(await callLoader(null as unknown as Actor)).toMatchObject({ status: 302, location: "/sign-in?redirectTo=%2Fapp%2Fcalendar" });
  });
});

describe("bad input", () => {
  it("is refused with a stable code, in the domain and on the page, and changes nothing", async () => {
    const finance = await makeActor("finance_office");
    const before = await snapshot();
    const cases: [Record<string, string>, string, string][] = [
      [{ date: "2031-02-30", kind: "HOLIDAY", nameZh: "假日", nameEn: "Holiday" }, "date", "invalidDate"],
      [{ date: "1999-12-31", kind: "HOLIDAY", nameZh: "假日", nameEn: "Holiday" }, "date", 'calendar.dateOutOfRange|{"min":2000,"max":2100}'],
      [{ date: "2101-01-01", kind: "HOLIDAY", nameZh: "假日", nameEn: "Holiday" }, "date", 'calendar.dateOutOfRange|{"min":2000,"max":2100}'],
      [{ date: "2031-10-01", kind: "WORKDAY", nameZh: "调休", nameEn: "Make-up day" }, "date", "calendar.workdayNotWeekend"], // a Wednesday
      [{ date: "2031-10-01", kind: "MAYBE", nameZh: "假日", nameEn: "Holiday" }, "kind", "invalidChoice"],
      [{ date: "2031-10-01", kind: "HOLIDAY", nameZh: "   ", nameEn: "Holiday" }, "nameZh", "required"],
      [{ date: "2031-10-01", kind: "HOLIDAY", nameZh: "假日", nameEn: "x".repeat(41) }, "nameEn", "tooLong"],
    ];
    for (const [input, field, message] of cases) {
      const [code, params] = message.split("|") as [string, string | undefined];
      await expect(setCalendarDay({ actor: finance, input: input as never, ip: null }), message).rejects.toMatchObject({
        code,
        status: 400,
        params: params ? JSON.parse(params) : {},
      });
      const page = await callAction(finance, { intent: "set", ...input });
      expect(page.data, message).toMatchObject({ init: { status: 400 }, data: { result: { error: { [field]: [message] } } } });
    }
    await expect(removeCalendarDay({ actor: finance, day: "not-a-day", ip: null })).rejects.toMatchObject({ code: "invalidDate", status: 400 });
    await expect(listCalendarDays(finance, 1999)).rejects.toMatchObject({ status: 400 });
    expect(await snapshot()).toEqual(before);
  });
});

describe("reading the calendar for deadlines", () => {
  it("sees this process's writes at once, although the range was cached", async () => {
    const finance = await makeActor("finance_office");
    const range = ["2033-09-01", "2033-10-31"] as const;
    expect(await loadCalendarOverrides(prisma, ...range)).toEqual(new Map());

    // Tuesday 27 September 2033, 10:00 in Beijing; 3 working days → Friday 30 September.
    const submittedAt = new Date("2033-09-27T10:00:00+08:00");
    expect((await loadResponseDeadline(prisma, submittedAt, 3)).toISOString()).toBe("2033-09-30T16:00:00.000Z");

    for (const d of ["2033-09-29", "2033-09-30", "2033-10-03"]) {
      await setCalendarDay({ actor: finance, input: { date: d, kind: "HOLIDAY", nameZh: "测试假日", nameEn: "Test holiday" }, ip: null });
    }
    await setCalendarDay({ actor: finance, input: { date: "2033-10-01", kind: "WORKDAY", nameZh: "测试调休", nameEn: "Test make-up day" }, ip: null });
    const overrides = await loadCalendarOverrides(prisma, ...range);
    expect(overrides).toEqual(
      new Map([
        ["2033-09-29", false],
        ["2033-09-30", false],
        ["2033-10-01", true],
        ["2033-10-03", false],
      ]),
    );
    // Wed 28, Sat 1 (make-up), Tue 4.
    const deadline = await loadResponseDeadline(prisma, submittedAt, 3);
    expect(deadline.toISOString()).toBe("2033-10-04T16:00:00.000Z");
    expect(deadline).toEqual(responseDeadline(submittedAt, 3, overrides));

    await removeCalendarDay({ actor: finance, day: "2033-10-01", ip: null });
    expect((await loadCalendarOverrides(prisma, ...range)).has("2033-10-01")).toBe(false);
    expect((await loadResponseDeadline(prisma, submittedAt, 3)).toISOString()).toBe("2033-10-05T16:00:00.000Z");
  });

  it("sees another process's writes within a minute", async () => {
    const range = ["2034-05-01", "2034-05-31"] as const;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-22T08:00:00Z"));
    expect(await loadCalendarOverrides(prisma, ...range)).toEqual(new Map());
    // Written directly, as another web process or the seed would: this process's cache does not know.
    await prisma.calendarDay.create({ data: { date: day("2034-05-01"), isWorkday: false, nameZh: "劳动节", nameEn: "Labour Day" } });
    vi.setSystemTime(new Date("2026-11-22T08:00:59Z"));
    expect(await loadCalendarOverrides(prisma, ...range)).toEqual(new Map());
    vi.setSystemTime(new Date("2026-11-22T08:01:01Z"));
    expect(await loadCalendarOverrides(prisma, ...range)).toEqual(new Map([["2034-05-01", false]]));
  });

  it("refuses an unbounded or inverted range", async () => {
    await expect(loadCalendarOverrides(prisma, "2000-01-01", "2100-12-31")).rejects.toThrow(RangeError);
    await expect(loadCalendarOverrides(prisma, "2031-02-01", "2031-01-01")).rejects.toThrow(RangeError);
  });
});

describe("the 2026 schedule", () => {
  it("is seeded once, leaves days the finance office changed alone, and gives 248 working days", async () => {
    const finance = await makeActor("finance_office");
    await setCalendarDay({ actor: finance, input: { date: "2026-10-08", kind: "HOLIDAY", nameZh: "本地假日", nameEn: "Local holiday" }, ip: null });
    await setCalendarDay({ actor: finance, input: { date: "2026-10-07", kind: "HOLIDAY", nameZh: "国庆节（已核对）", nameEn: "National Day (checked)" }, ip: null });

    expect(await seedCalendar(prisma)).toEqual({ created: CHINA_PUBLIC_HOLIDAYS_2026.length - 1 });
    expect(await seedCalendar(prisma)).toEqual({ created: 0 });
    expect(await prisma.calendarDay.findUniqueOrThrow({ where: { date: day("2026-10-07") } })).toMatchObject({ nameZh: "国庆节（已核对）" });

    await removeCalendarDay({ actor: finance, day: "2026-10-08", ip: null }); // also drops this process's cache
    const days = await listCalendarDays(finance, 2026);
    expect(days).toHaveLength(CHINA_PUBLIC_HOLIDAYS_2026.length);
    expect(days.filter((d) => d.isWorkday).map((d) => d.date)).toEqual(["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]);
    expect(days.find((d) => d.date === "2026-02-14")).toMatchObject({ nameZh: "春节调休上班", nameEn: "Spring Festival make-up working day" });
    const overrides = await loadCalendarOverrides(prisma, "2026-01-01", "2026-12-31");
    expect(workingDaysBetween("2025-12-31", "2026-12-31", overrides)).toBe(248);
  });
});

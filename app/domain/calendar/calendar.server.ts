import type { z } from "zod";
import { prisma, type Db } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { DomainError } from "~/domain/errors";
import { CalendarDayRemoveSchema, CalendarDaySchema, CalendarYearSchema } from "~/schemas/calendar";
import { MAX_SCAN_DAYS, addCalendarDays, addWorkingDays, dayNumber, endOfShanghaiDay, shanghaiDay, type CalendarOverrides } from "./working-days";
import { formatCalendarDate } from "~/i18n/format";
import { calendarDay } from "~/domain/needs/need-rules";

export type CalendarDayRow = { date: string; isWorkday: boolean; nameZh: string; nameEn: string };

/** Serialises calendar writes, so each audit record's "before" is what the write replaced. */
const CALENDAR_LOCK_KEY = 7_310_002;

/** Other processes' edits are seen within this long; this process's own edits at once. */
const CACHE_TTL_MS = 60_000;
/** Ranges kept per database client; the oldest is dropped beyond this. */
const CACHE_MAX_RANGES = 64;

type CacheEntry = { overrides: CalendarOverrides; expiresAt: number };
let cache = new WeakMap<Db, Map<string, CacheEntry>>();
/** Bumped by every write: a read that began before a write must not be cached after it. */
let generation = 0;

/** Forgets every cached range (called after each calendar write in this process). */
export function invalidateCalendarCache(): void {
  generation++;
  cache = new WeakMap();
}

/**
 * The calendar's exceptions (day → is a working day) for the days in
 * [fromDay, toDay], at most MAX_SCAN_DAYS + 1 of them. Cached in-process per
 * range for a minute.
 */
export async function loadCalendarOverrides(db: Db, fromDay: string, toDay: string): Promise<CalendarOverrides> {
  const span = dayNumber(toDay) - dayNumber(fromDay);
  if (span < 0 || span > MAX_SCAN_DAYS) throw new RangeError(`calendar range must be 0–${MAX_SCAN_DAYS} days: ${fromDay}..${toDay}`);
  const key = `${fromDay}..${toDay}`;
  const ranges = cache.get(db);
  const hit = ranges?.get(key);
  if (hit && hit.expiresAt > Date.now()) return hit.overrides;

  const startedAt = generation;
  const rows = await db.calendarDay.findMany({
    where: { date: { gte: calendarDay(fromDay), lte: calendarDay(toDay) } },
    select: { date: true, isWorkday: true },
    orderBy: { date: "asc" },
    take: span + 1, // one row per day at most (the date is the key)
  });
  const overrides: CalendarOverrides = new Map(rows.map((r) => [formatCalendarDate(r.date), r.isWorkday]));
  if (startedAt === generation) {
    let current = cache.get(db);
    if (!current) cache.set(db, (current = new Map()));
    current.delete(key);
    current.set(key, { overrides, expiresAt: Date.now() + CACHE_TTL_MS });
    if (current.size > CACHE_MAX_RANGES) current.delete(current.keys().next().value!);
  }
  return overrides;
}

/**
 * When a bank's answer to an application submitted at `submittedAt` is due
 * (see responseDeadline). Loads whole years of exceptions, so applications
 * submitted on different days share cached ranges, and widens the window in
 * the rare case the deadline falls beyond it.
 */
export async function loadResponseDeadline(db: Db, submittedAt: Date, workingDays: number): Promise<Date> {
  const day = shanghaiDay(submittedAt);
  for (let reach = 2 * workingDays + 31; ; reach *= 4) {
    // Whole years while the window is short; past that, exactly as far as addWorkingDays may search.
    const exact = reach > 1_000;
    const from = exact ? day : `${day.slice(0, 4)}-01-01`;
    const to = exact ? addCalendarDays(day, MAX_SCAN_DAYS) : `${addCalendarDays(day, reach).slice(0, 4)}-12-31`;
    const workday = addWorkingDays(day, workingDays, await loadCalendarOverrides(db, from, to));
    // Correct when every day up to the answer was loaded.
    if (workday <= to || exact) return endOfShanghaiDay(workday);
  }
}

/** Schema failures inside the domain become a domain error with the first issue's message key. */
function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const [code, params] = (parsed.error.issues[0]?.message ?? "invalid").split("|", 2) as [string, string | undefined];
  throw new DomainError(code, { status: 400, params: params ? (JSON.parse(params) as Record<string, string | number>) : {} });
}

/** The year's exceptions, in date order (at most one per day). */
export async function listCalendarDays(actor: Actor, year: number): Promise<CalendarDayRow[]> {
  assertCan(actor, "manage:calendar:any");
  const y = parseOrThrow(CalendarYearSchema, year);
  const rows = await prisma.calendarDay.findMany({
    where: { date: { gte: calendarDay(`${y}-01-01`), lte: calendarDay(`${y}-12-31`) } },
    select: { date: true, isWorkday: true, nameZh: true, nameEn: true },
    orderBy: { date: "asc" },
    take: 366,
  });
  return rows.map((r) => ({ ...r, date: formatCalendarDate(r.date) }));
}

/** One day's exception, or null when the day follows the Monday–Friday rule. */
export async function loadCalendarDay(actor: Actor, day: string): Promise<CalendarDayRow | null> {
  assertCan(actor, "manage:calendar:any");
  const { date } = parseOrThrow(CalendarDayRemoveSchema, { date: day });
  const row = await prisma.calendarDay.findUnique({ where: { date: calendarDay(date) }, select: { date: true, isWorkday: true, nameZh: true, nameEn: true } });
  return row ? { ...row, date } : null;
}

type DayFields = { isWorkday: boolean; nameZh: string; nameEn: string };

/**
 * Marks a day as a public holiday or a make-up working day, or changes its
 * names. Writing what is already there changes nothing and is not audited.
 */
export async function setCalendarDay(options: {
  actor: Actor;
  input: z.input<typeof CalendarDaySchema>;
  ip: string | null;
}): Promise<{ date: string; created: boolean; changed: boolean }> {
  const { actor } = options;
  assertCan(actor, "manage:calendar:any");
  const input = parseOrThrow(CalendarDaySchema, options.input);
  const after: DayFields = { isWorkday: input.kind === "WORKDAY", nameZh: input.nameZh, nameEn: input.nameEn };
  const date = calendarDay(input.date);

  const outcome = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CALENDAR_LOCK_KEY})`;
    const before = await tx.calendarDay.findUnique({ where: { date }, select: { isWorkday: true, nameZh: true, nameEn: true } });
    if (before && before.isWorkday === after.isWorkday && before.nameZh === after.nameZh && before.nameEn === after.nameEn) {
      return { created: false, changed: false };
    }
    await tx.calendarDay.upsert({ where: { date }, create: { date, ...after }, update: after });
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorInstitutionId: actor.institution?.id ?? null,
      action: "calendar.day-set",
      entityType: "calendar-day",
      entityId: input.date,
      summary: { before, after },
      ip: options.ip,
    });
    return { created: before === null, changed: true };
  });
  if (outcome.changed) invalidateCalendarCache();
  return { date: input.date, ...outcome };
}

/** Removes a day's exception: it follows the Monday–Friday rule again. */
export async function removeCalendarDay(options: { actor: Actor; day: string; ip: string | null }): Promise<{ date: string; removed: DayFields }> {
  const { actor } = options;
  assertCan(actor, "manage:calendar:any");
  const { date: day } = parseOrThrow(CalendarDayRemoveSchema, { date: options.day });
  const date = calendarDay(day);

  const removed = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CALENDAR_LOCK_KEY})`;
    const before = await tx.calendarDay.findUnique({ where: { date }, select: { isWorkday: true, nameZh: true, nameEn: true } });
    if (!before) throw new DomainError("calendar.dayNotFound", { status: 404, params: { date: day } });
    await tx.calendarDay.delete({ where: { date } });
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorInstitutionId: actor.institution?.id ?? null,
      action: "calendar.day-removed",
      entityType: "calendar-day",
      entityId: day,
      summary: { before, after: null },
      ip: options.ip,
    });
    return before;
  });
  invalidateCalendarCache();
  return { date: day, removed };
}

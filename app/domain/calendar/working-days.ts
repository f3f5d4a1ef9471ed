/**
 * The working-day calendar used for banks' response deadlines. Monday to
 * Friday are working days unless the calendar says otherwise: public holidays
 * (isWorkday = false) and make-up working days on weekends (调休, isWorkday =
 * true) are stored as exceptions. Pure: no I/O and no clock; days are
 * "YYYY-MM-DD" strings in China's calendar.
 */

/** Exceptions to the Monday–Friday rule: day ("YYYY-MM-DD") → is a working day. */
export type CalendarOverrides = ReadonlyMap<string, boolean>;

/** No search walks further than this (about ten years): a calendar with no working days cannot loop forever. */
export const MAX_SCAN_DAYS = 3_700;

/** China has kept UTC+8 all year since 1991, so Asia/Shanghai is a fixed offset. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a valid "YYYY-MM-DD"; throws RangeError otherwise. */
export function dayNumber(day: string): number {
  const match = DAY_PATTERN.exec(day);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new RangeError(`not a calendar day: ${JSON.stringify(day)}`);
  }
  return ms / DAY_MS;
}

/** The "YYYY-MM-DD" of a day number (inverse of dayNumber). */
export function dayString(dayNo: number): string {
  return new Date(dayNo * DAY_MS).toISOString().slice(0, 10);
}

/** `day` moved by `n` calendar days (n may be negative). */
export function addCalendarDays(day: string, n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a whole number of days: ${n}`);
  return dayString(dayNumber(day) + n);
}

/** The default rule alone: Monday–Friday. Day 0 (1970-01-01) was a Thursday. */
function isWeekdayNumber(dayNo: number): boolean {
  const weekday = (((dayNo + 4) % 7) + 7) % 7; // 0 = Sunday … 6 = Saturday
  return weekday !== 0 && weekday !== 6;
}

export function isWeekend(day: string): boolean {
  return !isWeekdayNumber(dayNumber(day));
}

export function isWorkday(day: string, overrides: CalendarOverrides): boolean {
  const dayNo = dayNumber(day);
  return overrides.get(day) ?? isWeekdayNumber(dayNo);
}

/** The n-th working day strictly after `day` (n ≥ 1). */
export function addWorkingDays(day: string, n: number, overrides: CalendarOverrides): string {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`working days must be a whole number ≥ 1, got ${n}`);
  const start = dayNumber(day);
  let remaining = n;
  for (let offset = 1; offset <= MAX_SCAN_DAYS; offset++) {
    const candidate = dayString(start + offset);
    if (overrides.get(candidate) ?? isWeekdayNumber(start + offset)) {
      remaining--;
      if (remaining === 0) return candidate;
    }
  }
  throw new RangeError(`fewer than ${n} working days within ${MAX_SCAN_DAYS} days after ${day}`);
}

/** How many working days lie in (fromDay, toDay]; 0 when toDay is not after fromDay. */
export function workingDaysBetween(fromDay: string, toDay: string, overrides: CalendarOverrides): number {
  const from = dayNumber(fromDay);
  const to = dayNumber(toDay);
  if (to - from > MAX_SCAN_DAYS) throw new RangeError(`span longer than ${MAX_SCAN_DAYS} days: ${fromDay}..${toDay}`);
  let count = 0;
  for (let d = from + 1; d <= to; d++) {
    if (overrides.get(dayString(d)) ?? isWeekdayNumber(d)) count++;
  }
  return count;
}

/** The calendar day in China (Asia/Shanghai) of an instant, as "YYYY-MM-DD". */
export function shanghaiDay(instant: Date): string {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError("invalid instant");
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a day ends in China: 00:00 +08:00 of the next day (16:00 UTC of the day itself). */
export function endOfShanghaiDay(day: string): Date {
  return new Date((dayNumber(day) + 1) * DAY_MS - SHANGHAI_OFFSET_MS);
}

/**
 * When a bank's answer is due: the end of the `workingDays`-th working day
 * after the day (in China) the application was submitted. The submission day
 * itself never counts, whatever the hour, so a late-evening submission is not
 * penalised against the bank.
 */
export function responseDeadline(submittedAt: Date, workingDays: number, overrides: CalendarOverrides): Date {
  return endOfShanghaiDay(addWorkingDays(shanghaiDay(submittedAt), workingDays, overrides));
}

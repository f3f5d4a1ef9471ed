import { z } from "zod";
import { isWeekend } from "~/domain/calendar/working-days";
import { messageKey, requiredText } from "./fields";

export const CALENDAR_LIMITS = { minYear: 2000, maxYear: 2100, nameMax: 40 } as const;

/** A stored exception is either a public holiday or a make-up working day (调休). */
export const CALENDAR_DAY_KINDS = ["HOLIDAY", "WORKDAY"] as const;
export type CalendarDayKind = (typeof CALENDAR_DAY_KINDS)[number];

/**
 * A day typed as YYYY-MM-DD (full-width digits allowed), kept as that string,
 * so parsing an already parsed value gives the same value.
 */
export const calendarDayString = z.string({ error: "required" }).transform((input, ctx) => {
  const text = input.normalize("NFKC").trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!match || !date || date.toISOString().slice(0, 10) !== text) {
    ctx.addIssue({ code: "custom", message: text === "" ? "required" : "invalidDate" });
    return z.NEVER;
  }
  const year = Number(match[1]);
  if (year < CALENDAR_LIMITS.minYear || year > CALENDAR_LIMITS.maxYear) {
    ctx.addIssue({ code: "custom", message: messageKey("calendar.dateOutOfRange", { min: CALENDAR_LIMITS.minYear, max: CALENDAR_LIMITS.maxYear }) });
    return z.NEVER;
  }
  return text;
});

/** Trimmed but not NFKC-normalised: that would turn Chinese full-width punctuation （） into ASCII. */
const calendarName = requiredText(CALENDAR_LIMITS.nameMax);

const CalendarDayFields = z.object({
  date: calendarDayString,
  kind: z.enum(CALENDAR_DAY_KINDS, { error: "invalidChoice" }),
  nameZh: calendarName,
  nameEn: calendarName,
});

/** Monday–Friday already are working days: a make-up working day on one is a slip of the date. */
function makeUpDayOnWeekend(value: { date: string; kind: CalendarDayKind }, ctx: z.RefinementCtx): void {
  if (value.kind === "WORKDAY" && !isWeekend(value.date)) {
    ctx.addIssue({ code: "custom", path: ["date"], message: "calendar.workdayNotWeekend" });
  }
}

/** Adding or changing one day of the calendar. */
export const CalendarDaySchema = CalendarDayFields.superRefine(makeUpDayOnWeekend);
export type CalendarDayInput = z.infer<typeof CalendarDaySchema>;

/** Removing a day's exception: the day falls back to the Monday–Friday rule. */
export const CalendarDayRemoveSchema = z.object({ date: calendarDayString });

/** The calendar page posts both forms to one action, told apart by `intent`. */
export const CalendarActionSchema = z.discriminatedUnion("intent", [
  CalendarDayFields.extend({ intent: z.literal("set") }).superRefine(makeUpDayOnWeekend),
  CalendarDayRemoveSchema.extend({ intent: z.literal("remove") }),
]);

export const CalendarYearSchema = z
  .number({ error: "invalidNumber" })
  .int({ error: "invalidNumber" })
  .min(CALENDAR_LIMITS.minYear, { error: messageKey("numberOutOfRange", { min: CALENDAR_LIMITS.minYear, max: CALENDAR_LIMITS.maxYear }) })
  .max(CALENDAR_LIMITS.maxYear, { error: messageKey("numberOutOfRange", { min: CALENDAR_LIMITS.minYear, max: CALENDAR_LIMITS.maxYear }) });

/** The page's URL: `?year=` and, to prefill the form, `?edit=YYYY-MM-DD`. A bad value is dropped. */
export const CalendarPageQuerySchema = z.object({
  year: z.coerce.number().pipe(CalendarYearSchema).optional().catch(undefined),
  edit: calendarDayString.optional().catch(undefined),
});

import type { Widen } from "./zh-CN";
import type { calendarZhCN } from "./calendar.zh-CN";

export const calendarEn: Widen<typeof calendarZhCN> = {
  calendar: {
    title: "Working-day calendar",
    intro:
      "Banks' response deadlines are counted in working days: Monday to Friday, except for the public holidays and make-up working days listed here. Enter next year's schedule once the State Council publishes it.",
    yearLabel: "Year",
    yearSummary: "{{year}}: {{holidays}} holidays, {{workdays}} make-up working days, {{working}} working days in the year.",
    legendLabel: "Legend",
    legend: { holiday: "Public holiday", workday: "Make-up working day", weekend: "Weekend", today: "Today" },
    kinds: { HOLIDAY: "Public holiday (day off)", WORKDAY: "Make-up working day" },
    kindTags: { HOLIDAY: "Holiday", WORKDAY: "Make-up day" },
    gridTitle: "Calendar {{year}}",
    weekdaysShort: { mon: "Mo", tue: "Tu", wed: "We", thu: "Th", fri: "Fr", sat: "Sa", sun: "Su" },
    dayLabel: "{{date}}, {{name}}",
    formTitle: "Add or change a day",
    editTitle: "Change {{date}}",
    formHelp: "Saving a day that is already set replaces its setting.",
    fields: {
      date: "Date",
      kind: "Type",
      nameZh: "Name in Chinese",
      nameEn: "Name in English",
    },
    dateHelp: "As YYYY-MM-DD. A make-up working day falls on a Saturday or Sunday.",
    nameZhPlaceholder: "e.g. 国庆节, 国庆节调休上班",
    nameEnPlaceholder: "e.g. National Day",
    save: "Save",
    cancelEdit: "Cancel change",
    listTitle: "Holidays and make-up days in {{year}}",
    empty: "No holidays or make-up working days entered for {{year}} yet: working days are Monday to Friday.",
    columns: { date: "Date", weekday: "Day", kind: "Type", name: "Name", actions: "Actions" },
    edit: "Change",
    remove: "Remove",
    removeConfirmTitle: "Remove the setting for {{date}}?",
    removeConfirm: "The day will follow the usual rule again (Monday to Friday are working days).",
    savedNotice: "{{date}} saved.",
    unchangedNotice: "Nothing changed for {{date}}.",
    removedNotice: "Setting for {{date}} removed; the day follows the usual rule again.",
  },
};

/** Messages of the calendar's `calendar.*` error codes (merged under `errors.calendar`). */
export const calendarErrorsEn = {
  dateOutOfRange: "The date must be between {{min}} and {{max}}",
  workdayNotWeekend: "Monday to Friday are working days already; a make-up working day falls on a Saturday or Sunday",
  dayNotFound: "{{date}} is not set (someone may have removed it); reload the page to see the current calendar",
};

/**
 * The working-day calendar's reference data: the State Council's schedule of
 * public holidays and make-up working days (调休) for 2026. Only exceptions to
 * "Monday–Friday are working days" are stored; the finance office maintains
 * later years on its calendar page.
 */
import type { Db } from "~/db.server";

export type SeedCalendarDay = { date: string; isWorkday: boolean; nameZh: string; nameEn: string };

function holiday(from: string, to: string, nameZh: string, nameEn: string): SeedCalendarDay[] {
  const days: SeedCalendarDay[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86_400_000) {
    days.push({ date: new Date(t).toISOString().slice(0, 10), isWorkday: false, nameZh, nameEn });
  }
  return days;
}

function makeUp(date: string, nameZh: string, nameEn: string): SeedCalendarDay {
  return { date, isWorkday: true, nameZh: `${nameZh}调休上班`, nameEn: `${nameEn} make-up working day` };
}

/** 国务院办公厅关于2026年部分节假日安排的通知. */
export const CHINA_PUBLIC_HOLIDAYS_2026: readonly SeedCalendarDay[] = [
  ...holiday("2026-01-01", "2026-01-03", "元旦", "New Year's Day"),
  makeUp("2026-01-04", "元旦", "New Year's Day"),
  makeUp("2026-02-14", "春节", "Spring Festival"),
  ...holiday("2026-02-15", "2026-02-23", "春节", "Spring Festival"),
  makeUp("2026-02-28", "春节", "Spring Festival"),
  ...holiday("2026-04-04", "2026-04-06", "清明节", "Qingming Festival"),
  ...holiday("2026-05-01", "2026-05-05", "劳动节", "Labour Day"),
  makeUp("2026-05-09", "劳动节", "Labour Day"),
  ...holiday("2026-06-19", "2026-06-21", "端午节", "Dragon Boat Festival"),
  makeUp("2026-09-20", "国庆节", "National Day"),
  ...holiday("2026-09-25", "2026-09-27", "中秋节", "Mid-Autumn Festival"),
  ...holiday("2026-10-01", "2026-10-07", "国庆节", "National Day"),
  makeUp("2026-10-10", "国庆节", "National Day"),
];

/** Inserts the schedule; dates already present (perhaps edited by the finance office) are left as they are. */
export async function seedCalendar(db: Db): Promise<{ created: number }> {
  const result = await db.calendarDay.createMany({
    data: CHINA_PUBLIC_HOLIDAYS_2026.map((d) => ({ ...d, date: new Date(`${d.date}T00:00:00Z`) })),
    skipDuplicates: true,
  });
  return { created: result.count };
}

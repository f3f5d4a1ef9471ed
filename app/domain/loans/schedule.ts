/**
 * Repayment schedules (还款计划) for the three repayment methods. Pure: no I/O,
 * no clock — the disbursement day is an input. Money is integer 分 as bigint,
 * rates are integer basis points of an annual rate; nothing touches floating
 * point, so a schedule computed here matches one computed by the bank to the fen.
 * See docs/loans.md for the formulas and the rounding rules.
 */

export type RepaymentMethod = "EQUAL_INSTALMENT" | "EQUAL_PRINCIPAL" | "INTEREST_ONLY_BULLET";

export type ScheduleInput = {
  principalFen: bigint;
  rateBps: number;
  termMonths: number;
  method: RepaymentMethod;
  /** YYYY-MM-DD */
  disbursedOn: string;
};

export type PlannedInstalment = {
  /** From 1. */
  seq: number;
  /** YYYY-MM-DD */
  dueOn: string;
  principalFen: bigint;
  interestFen: bigint;
};

export const SCHEDULE_LIMITS = {
  maxPrincipalFen: 100_000_000_000_000n, // 1 万亿元
  maxRateBps: 10_000,
  maxTermMonths: 360,
} as const;

/** 30/360: a month is 1/12 of a year, so one month's rate is rateBps / (12 × 10 000). */
const MONTH_RATE_DENOMINATOR = 120_000n;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Year, month and day of a valid YYYY-MM-DD calendar date (years 0001–9999); RangeError otherwise. */
export function parseDate(date: string): { year: number; month: number; day: number } {
  const match = DATE.exec(date);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`not a calendar date: ${date}`);
  }
  return { year, month, day };
}

function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Days since 1970-01-01 of a valid date (proleptic Gregorian), without Date objects or time zones. */
function epochDay(date: string): number {
  const { year, month, day } = parseDate(date);
  // Howard Hinnant's days_from_civil: years start in March so the leap day is last.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

/** `date` moved by whole calendar days (either way). */
export function addDays(date: string, days: number): string {
  if (!Number.isSafeInteger(days)) throw new RangeError(`days must be an integer: ${days}`);
  // civil_from_days, the inverse of epochDay.
  const z = epochDay(date) + days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 1 || year > 9999) throw new RangeError(`date out of range: ${date} + ${days} days`);
  return formatDate(year, month, day);
}

/**
 * The k-th monthly anniversary of `disbursedOn`. A day the month lacks becomes
 * the month's last day, always counted from the disbursement day (so the 31st
 * gives 28 Feb and then 31 Mar, not 28 Mar).
 */
export function dueDate(disbursedOn: string, k: number): string {
  const { year, month, day } = parseDate(disbursedOn);
  if (!Number.isSafeInteger(k) || k < 0) throw new RangeError(`month offset must be a non-negative integer: ${k}`);
  const monthIndex = year * 12 + (month - 1) + k;
  const dueYear = Math.floor(monthIndex / 12);
  const dueMonth = (monthIndex % 12) + 1;
  if (dueYear > 9999) throw new RangeError(`due date beyond year 9999: ${disbursedOn} + ${k} months`);
  return formatDate(dueYear, dueMonth, Math.min(day, daysInMonth(dueYear, dueMonth)));
}

/** numerator ÷ denominator rounded half up; both non-negative, denominator positive. */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

function assertRateBps(rateBps: number): void {
  if (!Number.isInteger(rateBps) || rateBps < 0 || rateBps > SCHEDULE_LIMITS.maxRateBps) {
    throw new RangeError(`rate must be an integer of 0..${SCHEDULE_LIMITS.maxRateBps} bps: ${rateBps}`);
  }
}

/** One month's interest on `balanceFen` under 30/360: balance × rateBps ÷ 120 000, rounded half up to the fen. */
export function periodInterestFen(balanceFen: bigint, rateBps: number): bigint {
  if (balanceFen < 0n) throw new RangeError(`balance must not be negative: ${balanceFen}`);
  assertRateBps(rateBps);
  return divideHalfUp(balanceFen * BigInt(rateBps), MONTH_RATE_DENOMINATOR);
}

function assertScheduleInput(input: ScheduleInput): void {
  if (input.principalFen <= 0n || input.principalFen > SCHEDULE_LIMITS.maxPrincipalFen) {
    throw new RangeError(`principal must be 1..${SCHEDULE_LIMITS.maxPrincipalFen} fen: ${input.principalFen}`);
  }
  assertRateBps(input.rateBps);
  if (!Number.isInteger(input.termMonths) || input.termMonths < 1 || input.termMonths > SCHEDULE_LIMITS.maxTermMonths) {
    throw new RangeError(`term must be an integer of 1..${SCHEDULE_LIMITS.maxTermMonths} months: ${input.termMonths}`);
  }
  // The last due date must exist too, not only the first.
  dueDate(input.disbursedOn, input.termMonths);
}

/**
 * The level monthly payment of 等额本息, rounded half up to the fen:
 * A = P·r·(1+r)^n / ((1+r)^n − 1) with r = b/120 000, which in integers is
 * A = P·b·G^n / (120 000·(G^n − 120 000^n)) with G = 120 000 + b.
 */
export function levelPaymentFen(principalFen: bigint, rateBps: number, termMonths: number): bigint {
  const n = BigInt(termMonths);
  if (rateBps === 0) return divideHalfUp(principalFen, n);
  const b = BigInt(rateBps);
  const growth = (MONTH_RATE_DENOMINATOR + b) ** n;
  const base = MONTH_RATE_DENOMINATOR ** n;
  return divideHalfUp(principalFen * b * growth, MONTH_RATE_DENOMINATOR * (growth - base));
}

function clamp(value: bigint, min: bigint, max: bigint): bigint {
  return value < min ? min : value > max ? max : value;
}

/**
 * The planned instalments of a loan. Each instalment is rounded on its own;
 * the last one's principal is whatever balance remains, so the principals
 * always sum exactly to the amount lent.
 */
export function buildSchedule(input: ScheduleInput): PlannedInstalment[] {
  assertScheduleInput(input);
  const { principalFen, rateBps, termMonths, method, disbursedOn } = input;
  const n = BigInt(termMonths);
  const level = method === "EQUAL_INSTALMENT" ? levelPaymentFen(principalFen, rateBps, termMonths) : 0n;
  const basePrincipalFen = principalFen / n;
  const extraFenCount = principalFen % n; // first (P mod n) instalments carry one more fen

  const instalments: PlannedInstalment[] = [];
  let balanceFen = principalFen;
  for (let seq = 1; seq <= termMonths; seq++) {
    const interestFen = periodInterestFen(balanceFen, rateBps);
    let principalPartFen: bigint;
    if (seq === termMonths) {
      principalPartFen = balanceFen;
    } else if (method === "EQUAL_INSTALMENT") {
      principalPartFen = clamp(level - interestFen, 0n, balanceFen);
    } else if (method === "EQUAL_PRINCIPAL") {
      principalPartFen = basePrincipalFen + (BigInt(seq) <= extraFenCount ? 1n : 0n);
    } else {
      principalPartFen = 0n;
    }
    instalments.push({ seq, dueOn: dueDate(disbursedOn, seq), principalFen: principalPartFen, interestFen });
    balanceFen -= principalPartFen;
  }
  if (balanceFen !== 0n) throw new Error(`schedule does not repay the principal: ${balanceFen} fen left`);
  return instalments;
}

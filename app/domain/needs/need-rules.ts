/**
 * The financing-need rules (PRODUCT.md §3.4) that both the form and the domain
 * apply: bounds, the expiry window and which statuses allow which command.
 * Pure, so the browser validates with the same numbers the server enforces.
 */

export const NEED_STATUSES = ["OPEN", "IN_PROGRESS", "FULFILLED", "CLOSED", "EXPIRED"] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

export const URGENCIES = ["LOW", "NORMAL", "HIGH"] as const;
export type Urgency = (typeof URGENCIES)[number];

export const NEED_LIMITS = {
  /** 1,000 元: below that a bank loan costs more to arrange than it is worth. */
  minAmountFen: 100_000n,
  maxTermMonths: 360,
  /** A need left open longer than half a year is stale: the SME posts it again if it still applies. */
  maxExpiryDays: 180,
  /** Enough for "采购原材料"; a purpose banks can act on is rarely shorter. */
  minPurposeLength: 5,
  maxPurposeLength: 500,
  maxCloseReasonLength: 200,
} as const;

/** Needs a bank can find and take up, and the SME can still close or mark fulfilled. */
export const ACTIVE_NEED_STATUSES: readonly NeedStatus[] = ["OPEN", "IN_PROGRESS"];

/** Only an open need is edited: once a bank has taken it up, the terms it saw stay as they were. */
export const EDITABLE_NEED_STATUSES: readonly NeedStatus[] = ["OPEN"];

export type NeedCommand = "edit" | "close" | "fulfil";

/** The commands the owning SME may give a need in this status (for the page's buttons; the server checks again). */
export function ownerCommands(status: NeedStatus): NeedCommand[] {
  const commands: NeedCommand[] = [];
  if (EDITABLE_NEED_STATUSES.includes(status)) commands.push("edit");
  if (ACTIVE_NEED_STATUSES.includes(status)) commands.push("close", "fulfil");
  return commands;
}

const DAY_MS = 86_400_000;

/** A platform calendar day ("YYYY-MM-DD") as the midnight-UTC Date a @db.Date column holds. */
export function calendarDay(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** Whole days from `today` to a calendar date (both midnight UTC). */
export function daysUntil(date: Date, today: string): number {
  return Math.round((date.getTime() - calendarDay(today).getTime()) / DAY_MS);
}

/**
 * Why an expiry date is not acceptable on `today` (Asia/Shanghai), or null.
 * It must be a future day, at most NEED_LIMITS.maxExpiryDays ahead.
 */
export function expiryProblem(expiresOn: Date, today: string): { code: string; params?: Record<string, number> } | null {
  const days = daysUntil(expiresOn, today);
  if (days < 1) return { code: "need.expiryNotFuture" };
  if (days > NEED_LIMITS.maxExpiryDays) return { code: "need.expiryTooFar", params: { days: NEED_LIMITS.maxExpiryDays } };
  return null;
}

/** A need is past due from the day after its expiry date: it stays valid through that whole day. */
export function isPastDue(expiresOn: Date, today: string): boolean {
  return daysUntil(expiresOn, today) < 0;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids come from URLs: anything that is not a UUID names no need (and must not reach a uuid column). */
export function isNeedId(value: string): boolean {
  return UUID.test(value);
}

import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { DomainError } from "~/domain/errors";
import type { Reason } from "./scorecard/evaluate";
import { SIGNAL_VALUE_SELECT } from "./signal-select.server";

export type SignalStatus = "COUNTED" | "WITHDRAWN" | "CORRECTED" | "REPAIRED";

/** Months shown in the trend charts. */
export const TREND_MONTHS = 24;
const HISTORY_LIMIT = 50;
/** Kinds that record an event rather than a monthly figure, in the order a reader weighs them. */
const EVENT_KINDS = ["DISHONEST_DEBTOR", "ADMIN_PENALTY", "RED_LIST", "CREDIT_COMMITMENT", "TAX_GRADE"] as const;
const SIGNAL_LIMIT = 500;

function lastMonths(count: number, now = new Date()): string[] {
  const months: string[] = [];
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  for (let i = count - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(y, m - i, 1));
    months.push(d.toISOString().slice(0, 7));
  }
  return months;
}

/**
 * Everything a credit profile shows, in plain serialisable values: the
 * current evaluation with its reasons, the evaluation history, monthly trends
 * and the facts behind them. Who may call it, and with which parts, is decided
 * by the caller (own enterprise, authorised bank, finance office).
 */
export async function loadCreditProfile(enterpriseId: string, parts: { signals: boolean }) {
  const enterprise = await prisma.enterprise.findUnique({
    where: { id: enterpriseId },
    select: {
      id: true,
      name: true,
      uscc: true,
      regionCode: true,
      industryCode: true,
      size: true,
      foundedOn: true,
      legalRepName: true,
      legalRepIdNumber: true,
      contactPhone: true,
      currentEvaluation: {
        select: {
          id: true,
          score: true,
          grade: true,
          excluded: true,
          exclusions: true,
          redListed: true,
          incentives: true,
          reasons: true,
          modelVersion: true,
          evaluatedOn: true,
          createdAt: true,
        },
      },
    },
  });
  if (!enterprise) throw new DomainError("notFound", { status: 404 });

  const history = await prisma.creditEvaluation.findMany({
    where: { enterpriseId },
    orderBy: { createdAt: "desc" },
    take: HISTORY_LIMIT,
    select: { id: true, score: true, grade: true, excluded: true, modelVersion: true, evaluatedOn: true, trigger: true, createdAt: true },
  });

  const months = lastMonths(TREND_MONTHS);
  const monthly = parts.signals
    ? await prisma.creditSignal.findMany({
        where: {
          enterpriseId,
          voidedAt: null,
          kind: { in: ["INVOICED_SALES", "SOCIAL_INSURANCE", "UTILITY_PAYMENT"] },
          period: { gte: months[0]!, lte: months[months.length - 1]! },
        },
        select: { kind: true, period: true, amountFen: true, count: true, details: true },
      })
    : [];
  const sales = new Map<string, bigint>();
  const headcount = new Map<string, number>();
  const utility = new Map<string, { due: number; onTime: number }>();
  for (const s of monthly) {
    if (!s.period) continue;
    if (s.kind === "INVOICED_SALES") sales.set(s.period, s.amountFen ?? 0n);
    if (s.kind === "SOCIAL_INSURANCE") headcount.set(s.period, s.count ?? 0);
    if (s.kind === "UTILITY_PAYMENT") {
      const u = utility.get(s.period) ?? { due: 0, onTime: 0 };
      u.due += s.count ?? 0;
      u.onTime += Number((s.details as Record<string, unknown>)?.billsOnTime ?? 0);
      utility.set(s.period, u);
    }
  }

  // Records that weigh most (court, penalties, lists, commitments, tax grade) come first; monthly
  // figures follow, newest first; each part has its own bound so a long monthly history cannot crowd out a penalty.
  const select = {
    id: true,
    source: true,
    asOf: true,
    ...SIGNAL_VALUE_SELECT,
    voidedAt: true,
    voidReason: true,
    correctedAt: true,
    objections: { where: { status: "OPEN" as const }, select: { id: true, kind: true, dueOn: true } },
  };
  const [events, monthlyFacts] = parts.signals
    ? await Promise.all([
        prisma.creditSignal.findMany({
          where: { enterpriseId, kind: { in: [...EVENT_KINDS] } },
          orderBy: [{ startsOn: "desc" }, { naturalKey: "desc" }],
          take: SIGNAL_LIMIT,
          select,
        }),
        prisma.creditSignal.findMany({
          where: { enterpriseId, kind: { notIn: [...EVENT_KINDS] } },
          orderBy: [{ period: "desc" }, { kind: "asc" }, { naturalKey: "asc" }],
          take: SIGNAL_LIMIT,
          select,
        }),
      ])
    : [[], []];
  const rank = (kind: string) => EVENT_KINDS.indexOf(kind as (typeof EVENT_KINDS)[number]);
  const signals = [...events.sort((a, b) => rank(a.kind) - rank(b.kind)), ...monthlyFacts];

  const ev = enterprise.currentEvaluation;
  return {
    enterprise,
    current: ev
      ? {
          ...ev,
          reasons: ev.reasons as unknown as Reason[],
          exclusions: ev.exclusions as unknown as Reason[],
          evaluatedOn: ev.evaluatedOn.toISOString().slice(0, 10),
          createdAt: ev.createdAt.toISOString(),
        }
      : null,
    history: history.map((h) => ({ ...h, evaluatedOn: h.evaluatedOn.toISOString().slice(0, 10), createdAt: h.createdAt.toISOString() })),
    trends: {
      months,
      salesFen: months.map((m) => (sales.has(m) ? sales.get(m)!.toString() : null)),
      headcount: months.map((m) => headcount.get(m) ?? null),
      utilityOnTimeBps: months.map((m) => {
        const u = utility.get(m);
        return u && u.due > 0 ? Math.floor((u.onTime * 10_000) / u.due) : null;
      }),
    },
    signals: signals.map((s) => ({
      ...signalValues(s),
      asOf: day(s.asOf),
      status: (s.voidedAt ? "WITHDRAWN" : s.correctedAt ? "CORRECTED" : s.repaired ? "REPAIRED" : "COUNTED") as SignalStatus,
      openObjection: s.objections[0] ? { ...s.objections[0], dueOn: s.objections[0].dueOn.toISOString().slice(0, 10) } : null,
      voidedAt: s.voidedAt?.toISOString() ?? null,
      correctedAt: s.correctedAt?.toISOString() ?? null,
    })),
  };
}

export type CreditProfile = Awaited<ReturnType<typeof loadCreditProfile>>;

const day = (d: Date) => d.toISOString().slice(0, 10);

/** A stored fact's values as the browser receives them: money as a decimal string, calendar dates as YYYY-MM-DD. */
export function signalValues<T extends { amountFen: bigint | null; startsOn: Date | null; endsOn: Date | null; details: unknown }>(s: T) {
  return {
    ...s,
    amountFen: s.amountFen?.toString() ?? null,
    startsOn: s.startsOn ? day(s.startsOn) : null,
    endsOn: s.endsOn ? day(s.endsOn) : null,
    details: (s.details ?? {}) as Record<string, string | number>,
  };
}

/** One of the caller's own facts (another enterprise's is simply not found), for the objection form. */
export async function findOwnSignal(actor: Actor, signalId: string) {
  assertCan(actor, "raise:objection:own");
  if (!actor.enterprise) return null;
  const signal = await prisma.creditSignal.findFirst({
    where: { id: signalId, enterpriseId: actor.enterprise.id },
    select: { id: true, source: true, ...SIGNAL_VALUE_SELECT },
  });
  return signal ? signalValues(signal) : null;
}

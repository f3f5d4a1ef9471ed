import { env } from "~/config/env.server";
import type { Db } from "~/db.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { daysPastDue, loanStateFor } from "./delinquency";
import type { InstalmentState } from "./repayment";
import { formatCalendarDate } from "~/i18n/format";
import { calendarDay } from "~/domain/needs/need-rules";

/** Loans per transaction: small enough to keep locks short, large enough to finish a city's book in seconds. */
const CHUNK = 500;

export type DelinquencyResult = { day: string; loans: number; changed: number; becameOverdue: number; defaulted: number };

/**
 * Recomputes every open loan's days past due for the platform day, and its
 * status: CURRENT, OVERDUE, or DEFAULTED once `LOAN_DEFAULT_AFTER_DAYS` is
 * reached (default is declared once and stays). A loan moving into arrears or
 * default tells its bank and its enterprise and is audited. Recomputing from
 * the schedule, not adding a day, makes a second run the same day a no-op and
 * a missed day harmless.
 */
export async function updateLoanDelinquency(db: Db, now: Date = new Date()): Promise<DelinquencyResult> {
  const today = platformToday(now);
  const result: DelinquencyResult = { day: today, loans: 0, changed: 0, becameOverdue: 0, defaulted: 0 };
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const done = await db.$transaction(
      async (tx) => {
        const loans = await tx.$queryRaw<
          { id: string; institutionId: string; enterpriseId: string; status: string; daysPastDue: number; defaultedAt: Date | null }[]
        >`
          SELECT id::text, "institutionId"::text, "enterpriseId"::text, status::text, "daysPastDue", "defaultedAt"
            FROM loans WHERE status <> 'REPAID' AND id > ${after}::uuid ORDER BY id LIMIT ${CHUNK} FOR UPDATE`;
        if (loans.length === 0) return true;
        after = loans[loans.length - 1]!.id;
        result.loans += loans.length;
        const rows = await tx.instalment.findMany({
          where: { loanId: { in: loans.map((l) => l.id) } },
          orderBy: [{ loanId: "asc" }, { seq: "asc" }],
          select: { loanId: true, seq: true, dueOn: true, principalFen: true, interestFen: true, paidPrincipalFen: true, paidInterestFen: true },
        });
        const byLoan = new Map<string, InstalmentState[]>();
        for (const r of rows) {
          const list = byLoan.get(r.loanId) ?? [];
          list.push({
            seq: r.seq,
            dueOn: formatCalendarDate(r.dueOn),
            principalFen: r.principalFen,
            interestFen: r.interestFen,
            paidPrincipalFen: r.paidPrincipalFen,
            paidInterestFen: r.paidInterestFen,
          });
          byLoan.set(r.loanId, list);
        }
        for (const loan of loans) {
          const instalments = byLoan.get(loan.id) ?? [];
          const dpd = daysPastDue(instalments, today);
          const state = loanStateFor({ instalments, today, defaultAfterDays: env.LOAN_DEFAULT_AFTER_DAYS, defaulted: loan.defaultedAt !== null });
          const defaultedNow = state === "DEFAULTED" && loan.defaultedAt === null;
          if (dpd === loan.daysPastDue && state === loan.status && !defaultedNow) continue;
          result.changed++;
          await tx.loan.update({
            where: { id: loan.id },
            data: { daysPastDue: dpd, status: state, delinquencyOn: calendarDay(today), ...(defaultedNow ? { defaultedAt: now } : {}) },
          });
          if (state === loan.status && !defaultedNow) continue;
          if (state === "OVERDUE") result.becameOverdue++;
          if (defaultedNow) result.defaulted++;
          await appendAudit(tx, {
            action: `loan.${state.toLowerCase()}`,
            entityType: "loan",
            entityId: loan.id,
            summary: { from: loan.status, to: state, daysPastDue: dpd, day: today, defaultAfterDays: env.LOAN_DEFAULT_AFTER_DAYS },
          });
          const payload = { loanId: loan.id, status: state, daysPastDue: dpd };
          await tx.notification.createMany({
            data: [
              { institutionId: loan.institutionId, kind: `loan.${state.toLowerCase()}`, payload },
              { enterpriseId: loan.enterpriseId, kind: `loan.${state.toLowerCase()}`, payload },
            ],
          });
        }
        return loans.length < CHUNK;
      },
      { timeout: 60_000 },
    );
    if (done) return result;
  }
}

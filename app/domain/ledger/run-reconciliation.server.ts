import type { Db } from "~/db.server";
import { appendAudit, canonicalJson } from "~/domain/audit/append-audit.server";
import { getLedger } from "./ledger.server";
import { reconcileLedger } from "./reconcile.server";

/** Serialises recording runs, so two deliveries at once see each other's record. */
const RECONCILIATION_RECORD_LOCK_KEY = 7_310_101;

/**
 * The scheduled reconciliation of the ledger with the records (PRODUCT.md
 * §3.8): the result is chained into the audit log, and any difference is
 * reported to the finance office and the regulators, who see the details at
 * /app/ledger/reconciliation.
 *
 * Recorded at most once per finding: a delivery that finds what the last run of
 * the same day recorded — a duplicated or retried job, or a second run with
 * nothing changed — neither chains another record nor notifies anyone again.
 * A changed finding, or the next day's run, is recorded and told as usual.
 */
export async function runScheduledReconciliation(db: Db): Promise<{ differences: number; notYetPosted: number; checkedLoans: number }> {
  const report = await reconcileLedger(db, await getLedger());
  const day = report.ranAt.toISOString().slice(0, 10);
  const summary = {
    checked: report.checked,
    differences: report.differenceCount,
    notYetPosted: report.notYetPostedCount,
    inFlight: report.inFlight,
    first: report.differences.slice(0, 5).map((d) => ({ ...d })),
  };
  const recorded = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${RECONCILIATION_RECORD_LOCK_KEY})`;
    const last = await tx.auditLog.findFirst({
      where: { action: "ledger.reconciled", entityType: "ledger", entityId: day },
      orderBy: { seq: "desc" },
      select: { summary: true },
    });
    // Compared in the canonical form the audit log stores and hashes.
    if (last && canonicalJson(last.summary) === canonicalJson(summary)) return false;
    await appendAudit(tx, { action: "ledger.reconciled", entityType: "ledger", entityId: day, summary });
    if (report.differenceCount > 0) {
      const watchers = await tx.institution.findMany({ where: { kind: { in: ["FINANCE_OFFICE", "REGULATOR"] }, status: "ACTIVE" }, select: { id: true } });
      await tx.notification.createMany({
        data: watchers.map((w) => ({
          institutionId: w.id,
          kind: "ledger.differences",
          payload: { differences: report.differenceCount, ranAt: report.ranAt.toISOString() },
        })),
      });
    }
    return true;
  });
  if (report.differenceCount > 0 && recorded) console.error(JSON.stringify({ message: "ledger and records differ", differences: report.differenceCount }));
  return { differences: report.differenceCount, notYetPosted: report.notYetPostedCount, checkedLoans: report.checked.loans };
}

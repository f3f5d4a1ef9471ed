import type { Db } from "~/db.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { getLedger } from "./ledger.server";
import { reconcileLedger } from "./reconcile.server";

/**
 * The scheduled reconciliation of the ledger with the records (PRODUCT.md
 * §3.8): the result is chained into the audit log, and any difference is
 * reported to the finance office and the regulators, who see the details at
 * /app/ledger/reconciliation.
 */
export async function runScheduledReconciliation(db: Db): Promise<{ differences: number; notYetPosted: number; checkedLoans: number }> {
  const report = await reconcileLedger(db, await getLedger());
  await db.$transaction(async (tx) => {
    await appendAudit(tx, {
      action: "ledger.reconciled",
      entityType: "ledger",
      entityId: report.ranAt.toISOString().slice(0, 10),
      summary: {
        checked: report.checked,
        differences: report.differenceCount,
        notYetPosted: report.notYetPostedCount,
        inFlight: report.inFlight,
        first: report.differences.slice(0, 5).map((d) => ({ ...d })),
      },
    });
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
  });
  if (report.differenceCount > 0) console.error(JSON.stringify({ message: "ledger and records differ", differences: report.differenceCount }));
  return { differences: report.differenceCount, notYetPosted: report.notYetPostedCount, checkedLoans: report.checked.loans };
}

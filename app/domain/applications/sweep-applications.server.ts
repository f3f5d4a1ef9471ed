import type { Db } from "~/db.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { moveApplication } from "./application-access.server";

/** Applications per transaction. */
const CHUNK = 500;

export type SweepResult = { flaggedOverdue: number; lapsed: number };

/**
 * The scheduled sweep over applications:
 * - a bank that has not answered by its response deadline is flagged
 *   (`overdueSince`), once: the bank and the SME are told, the finance office
 *   sees it in its list, and the SME may now re-route;
 * - an approved offer the SME has not accepted by its expiry lapses
 *   (APPROVED → OFFER_LAPSED, through the state machine), once.
 * Each change is conditional on the row still being as read, so a bank
 * answering at the same moment wins and the sweep skips it.
 */
export async function sweepApplications(db: Db, now: Date = new Date()): Promise<SweepResult> {
  const result: SweepResult = { flaggedOverdue: 0, lapsed: 0 };
  for (;;) {
    const flagged = await db.$transaction(async (tx) => {
      const due = await tx.$queryRaw<{ id: string; institutionId: string; enterpriseId: string; respondBy: Date }[]>`
        SELECT id::text, "institutionId"::text, "enterpriseId"::text, "respondBy" FROM applications
         WHERE status = 'SUBMITTED' AND "respondedAt" IS NULL AND "overdueSince" IS NULL AND "respondBy" < ${now}
         ORDER BY "respondBy" LIMIT ${CHUNK} FOR UPDATE SKIP LOCKED`;
      for (const app of due) {
        await tx.application.update({ where: { id: app.id }, data: { overdueSince: app.respondBy } });
        await appendAudit(tx, {
          action: "application.overdue",
          entityType: "application",
          entityId: app.id,
          summary: { respondBy: app.respondBy.toISOString() },
        });
        const payload = { applicationId: app.id, respondBy: app.respondBy.toISOString() };
        await tx.notification.createMany({
          data: [
            { institutionId: app.institutionId, kind: "application.overdue", payload },
            { enterpriseId: app.enterpriseId, kind: "application.overdue", payload },
          ],
        });
      }
      return due.length;
    });
    result.flaggedOverdue += flagged;
    if (flagged < CHUNK) break;
  }
  for (;;) {
    const lapsed = await db.$transaction(async (tx) => {
      const expired = await tx.$queryRaw<{ id: string; institutionId: string; enterpriseId: string; offerExpiresAt: Date; version: number }[]>`
        SELECT id::text, "institutionId"::text, "enterpriseId"::text, "offerExpiresAt", version FROM applications
         WHERE status = 'APPROVED' AND "offerExpiresAt" < ${now}
         ORDER BY "offerExpiresAt" LIMIT ${CHUNK} FOR UPDATE SKIP LOCKED`;
      for (const app of expired) {
        const to = await moveApplication(tx, {
          app: { id: app.id, status: "APPROVED", version: app.version },
          command: "lapse",
          actorId: null,
          eventKey: `${app.id}:lapse`,
          now,
          reasonCode: "OFFER_EXPIRED",
        });
        await appendAudit(tx, {
          action: "application.lapse",
          entityType: "application",
          entityId: app.id,
          summary: { from: "APPROVED", to, offerExpiresAt: app.offerExpiresAt.toISOString() },
        });
        const payload = { applicationId: app.id, status: to };
        await tx.notification.createMany({
          data: [
            { institutionId: app.institutionId, kind: "application.lapse", payload },
            { enterpriseId: app.enterpriseId, kind: "application.lapse", payload },
          ],
        });
      }
      return expired.length;
    });
    result.lapsed += lapsed;
    if (lapsed < CHUNK) break;
  }
  return result;
}

import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";

/**
 * One entry in the data-access log the enterprise reads ("who looked at my
 * data"): every opening of its credit data by someone outside it, written by
 * the domain function that reads the data, never by a page.
 */
export async function recordDataAccess(entry: {
  actor: Actor;
  enterpriseId: string;
  resource: string;
  purpose: string;
  authorisationId?: string | null;
  ip: string | null;
}): Promise<void> {
  const institutionId = entry.actor.institution?.id;
  // Every reader outside the enterprise acts for an institution; an enterprise reading its own data is not logged.
  if (!institutionId) return;
  await prisma.dataAccessLog.create({
    data: {
      enterpriseId: entry.enterpriseId,
      institutionId,
      userId: entry.actor.userId,
      authorisationId: entry.authorisationId ?? null,
      resource: entry.resource,
      purpose: entry.purpose,
      ip: entry.ip,
    },
  });
}

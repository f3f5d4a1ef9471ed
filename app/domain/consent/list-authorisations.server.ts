import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { DomainError } from "~/domain/errors";
import { REPORT_SCOPE } from "./open-credit-report.server";

export type AuthorisationState = "LIVE" | "EXPIRED" | "REVOKED";

export function authorisationState(a: { expiresAt: Date; revokedAt: Date | null }, now = new Date()): AuthorisationState {
  if (a.revokedAt) return "REVOKED";
  return a.expiresAt.getTime() > now.getTime() ? "LIVE" : "EXPIRED";
}

/** The enterprise's own grants, newest first, with the banks it can choose from. */
export async function listOwnAuthorisations(actor: Actor) {
  assertCan(actor, "manage:authorisation:own");
  const enterpriseId = actor.enterprise?.id;
  if (!enterpriseId) throw new DomainError("forbidden", { status: 403 });
  const [rows, banks] = await Promise.all([
    prisma.authorisation.findMany({
      where: { enterpriseId },
      orderBy: { grantedAt: "desc" },
      take: 200,
      select: {
        id: true,
        scopes: true,
        purpose: true,
        note: true,
        grantedAt: true,
        expiresAt: true,
        revokedAt: true,
        institution: { select: { id: true, nameZh: true, nameEn: true } },
        _count: { select: { accessLogs: true } },
      },
    }),
    prisma.institution.findMany({
      where: { kind: "BANK", status: "ACTIVE" },
      orderBy: { code: "asc" },
      select: { id: true, nameZh: true, nameEn: true },
    }),
  ]);
  return { rows: rows.map((r) => ({ ...r, state: authorisationState(r), views: r._count.accessLogs })), banks };
}

/** Enterprises that have granted the caller's bank a live authorisation covering their credit report (the reports it can open). */
export async function listAuthorisedEnterprises(actor: Actor, query: { page: number; pageSize: number; q?: string }) {
  assertCan(actor, "read:credit-report:authorised");
  const institutionId = actor.institution?.id;
  if (!institutionId) throw new DomainError("forbidden", { status: 403 });
  const where = {
    institutionId,
    revokedAt: null,
    expiresAt: { gt: new Date() },
    scopes: { has: REPORT_SCOPE },
    ...(query.q ? { enterprise: { OR: [{ name: { contains: query.q } }, { uscc: query.q.toUpperCase() }] } } : {}),
  };
  const [total, rows] = await Promise.all([
    prisma.authorisation.count({ where }),
    prisma.authorisation.findMany({
      where,
      orderBy: { grantedAt: "desc" },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
      select: {
        id: true,
        scopes: true,
        purpose: true,
        grantedAt: true,
        expiresAt: true,
        enterprise: { select: { id: true, name: true, uscc: true, currentEvaluation: { select: { grade: true, excluded: true } } } },
      },
    }),
  ]);
  return { total, rows };
}

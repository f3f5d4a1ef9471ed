import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import type { ListQuery } from "~/schemas/admin";

export async function listAuditLog(options: { actor: Actor; query: ListQuery }) {
  const { actor, query } = options;
  assertCan(actor, "read:audit-log:any");
  const where = query.q ? { OR: [{ action: { startsWith: query.q } }, { entityId: query.q }] } : {};
  const [total, rows] = await Promise.all([
    prisma.auditLog.count({ where }),
    prisma.auditLog.findMany({
      where,
      orderBy: { seq: "desc" },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    }),
  ]);
  const userIds = [...new Set(rows.map((r) => r.actorUserId).filter((id): id is string => Boolean(id)))];
  const users = await prisma.user.findMany({
    where: { id: { in: userIds } },
    select: { id: true, username: true, displayName: true },
  });
  const byId = new Map(users.map((u) => [u.id, u]));
  return {
    total,
    rows: rows.map((r) => ({ ...r, seq: r.seq.toString(), actor: r.actorUserId ? (byId.get(r.actorUserId) ?? null) : null })),
  };
}

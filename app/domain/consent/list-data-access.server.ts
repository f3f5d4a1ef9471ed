import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { DomainError } from "~/domain/errors";
import { userDisplayNames } from "~/domain/users/list-users.server";

/**
 * Who looked at credit data. An enterprise sees the views of its own data
 * ("who looked at my data"); regulators see every view.
 */
export async function listDataAccess(options: { actor: Actor; scope: "own" | "any"; page: number; pageSize: number }) {
  const { actor } = options;
  let where = {};
  if (options.scope === "own") {
    assertCan(actor, "read:data-access-log:own");
    if (!actor.enterprise) throw new DomainError("forbidden", { status: 403 });
    where = { enterpriseId: actor.enterprise.id };
  } else {
    assertCan(actor, "read:data-access-log:any");
  }
  const [total, rows] = await Promise.all([
    prisma.dataAccessLog.count({ where }),
    prisma.dataAccessLog.findMany({
      where,
      orderBy: { at: "desc" },
      skip: (options.page - 1) * options.pageSize,
      take: options.pageSize,
      select: {
        id: true,
        at: true,
        resource: true,
        purpose: true,
        userId: true,
        institution: { select: { nameZh: true, nameEn: true } },
        enterprise: { select: { name: true, uscc: true } },
        authorisation: { select: { id: true, expiresAt: true } },
      },
    }),
  ]);
  const names = await userDisplayNames(rows.map((r) => r.userId));
  return {
    total,
    rows: rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      resource: r.resource,
      purpose: r.purpose,
      viewer: names.get(r.userId) ?? "—",
      institution: r.institution,
      enterprise: r.enterprise,
      authorisationId: r.authorisation?.id ?? null,
    })),
  };
}

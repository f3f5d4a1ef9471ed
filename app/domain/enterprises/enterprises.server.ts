import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { parseUscc } from "~/domain/identity/uscc";
import { DomainError } from "~/domain/errors";
import type { Prisma } from "~/generated/prisma/client";
import type { ListQuery } from "~/schemas/admin";

/** The finance office's directory of enterprises. */
export async function listEnterprises(options: { actor: Actor; query: ListQuery }) {
  const { actor, query } = options;
  assertCan(actor, "read:enterprise:any");
  const uscc = query.q ? parseUscc(query.q) : null;
  const where: Prisma.EnterpriseWhereInput = query.q
    ? uscc?.ok
      ? { uscc: uscc.value }
      : { OR: [{ name: { contains: query.q } }, { uscc: { startsWith: query.q.toUpperCase() } }] }
    : {};
  const [total, rows] = await Promise.all([
    prisma.enterprise.count({ where }),
    prisma.enterprise.findMany({
      where,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
      select: {
        id: true,
        uscc: true,
        name: true,
        regionCode: true,
        industryCode: true,
        size: true,
        foundedOn: true,
        registeredCapitalFen: true,
        _count: { select: { memberships: true } },
      },
    }),
  ]);
  return { total, rows };
}

/** The SME's own enterprise, with the accounts that act for it. */
export async function getOwnEnterprise(actor: Actor) {
  assertCan(actor, "read:enterprise:own");
  if (!actor.enterprise) throw new DomainError("forbidden", { status: 403 });
  const enterprise = await prisma.enterprise.findUnique({
    where: { id: actor.enterprise.id },
    select: {
      id: true,
      uscc: true,
      name: true,
      regionCode: true,
      industryCode: true,
      size: true,
      foundedOn: true,
      registeredCapitalFen: true,
      legalRepName: true,
      legalRepIdNumber: true,
      contactPhone: true,
      memberships: { select: { user: { select: { id: true, username: true, displayName: true, lastSignInAt: true } } } },
    },
  });
  if (!enterprise) throw new DomainError("notFound", { status: 404 });
  return enterprise;
}

import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { parseUscc } from "~/domain/identity/uscc";
import { ROLE_DEFINITIONS } from "~/domain/access/permissions";
import { seedDemo } from "../../prisma/seed/seed";

describe("demo city", () => {
  it("is realistic, complete for every role, and safe to run again", async () => {
    const { logins } = await seedDemo(prisma, { enterprises: 400, seed: 42 });
    const counts = async () => ({
      banks: await prisma.institution.count({ where: { kind: "BANK" } }),
      products: await prisma.product.count({ where: { status: "LISTED" } }),
      enterprises: await prisma.enterprise.count(),
      users: await prisma.user.count(),
      events: await prisma.productEvent.count(),
      signals: await prisma.creditSignal.count(),
      authorisations: await prisma.authorisation.count(),
      applications: await prisma.application.count(),
      loans: await prisma.loan.count(),
      postings: await prisma.ledgerTransferRef.count(),
      funds: await prisma.fund.count(),
      claims: await prisma.claim.count(),
    });
    const first = await counts();
    expect(first.banks).toBeGreaterThanOrEqual(15);
    expect(first.products).toBeGreaterThanOrEqual(60);
    expect(first.enterprises).toBe(400);
    // Credit data went through the import pipeline and every enterprise has a current evaluation.
    expect(await prisma.creditSignalBatch.count({ where: { status: { not: "APPLIED" } } })).toBe(0);
    expect(await prisma.enterprise.count({ where: { currentEvaluationId: null } })).toBe(0);
    expect(new Set(logins.map((l) => l.roleKey))).toEqual(new Set(ROLE_DEFINITIONS.map((r) => r.key)));

    const enterprises = await prisma.enterprise.findMany({ select: { uscc: true, regionCode: true, name: true } });
    expect(enterprises.every((e) => parseUscc(e.uscc).ok && e.uscc.slice(2, 8) === e.regionCode)).toBe(true);
    expect(enterprises.every((e) => e.regionCode.startsWith("2111") && /有限公司$/.test(e.name))).toBe(true);

    // Applications and loans at every stage, made by the domain's own commands, every posting in the ledger.
    const statuses = new Set((await prisma.application.groupBy({ by: ["status"], _count: true })).map((g) => g.status));
    for (const status of ["SUBMITTED", "APPROVED", "DISBURSED", "DECLINED"] as const) expect(statuses).toContain(status);
    expect(await prisma.application.count({ where: { overdueSince: { not: null } } })).toBeGreaterThan(0);
    expect(first.loans).toBeGreaterThan(5);
    // The fund: contributed, with claims on defaulted loans, one decided in part with a recovery shared back.
    expect(first.funds).toBe(1);
    expect(await prisma.fundContribution.count()).toBe(2);
    expect(await prisma.claim.count({ where: { status: "PARTIALLY_APPROVED" } })).toBe(1);
    expect(await prisma.claim.count({ where: { status: "RESERVED" } })).toBe(1);
    expect(await prisma.recovery.count({ where: { fundShareFen: { gt: 0n } } })).toBe(1);
    expect(await prisma.ledgerTransferRef.count({ where: { state: { not: "COMMITTED" } } })).toBe(0);
    const demoSme = await prisma.user.findUniqueOrThrow({ where: { username: "sme" }, select: { memberships: { select: { enterpriseId: true } } } });
    expect(await prisma.loan.count({ where: { enterpriseId: demoSme.memberships[0]!.enterpriseId! } })).toBe(1);

    await seedDemo(prisma, { enterprises: 400, seed: 42 });
    expect(await counts()).toEqual(first);
  }, 180_000);
});

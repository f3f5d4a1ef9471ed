/**
 * The demo city's risk-compensation fund, through the finance office's own
 * commands: created at the start of the year with a ¥50m budget, ¥30m
 * contributed in two tranches, every listed product enrolled (40 %, ¥2m per
 * loan, ¥10m per bank a year). After the loans are seeded, claims on the
 * defaulted ones: one approved in part with a recovery shared back, one
 * awaiting the office's decision. Runs once.
 */
import type { Db } from "~/db.server";
import { loadActor } from "~/domain/access/actor.server";
import { decideClaim, fileClaim, recordRecovery } from "~/domain/fund/claims.server";
import { createFund, recordContribution } from "~/domain/fund/fund-admin.server";

export async function seedFund(db: Db, options: { financeUserId: string; log: (line: string) => void }): Promise<string> {
  const existing = await db.fund.findFirst({ select: { id: true } });
  if (existing) return existing.id;
  const office = (await loadActor(options.financeUserId, "seed"))!;
  const products = await db.product.findMany({ where: { status: "LISTED" }, select: { id: true } });
  const { fundId } = await createFund({
    actor: office,
    input: {
      nameZh: "盘锦市中小微企业信贷风险补偿资金",
      nameEn: "Panjin SME Credit Risk-Compensation Fund",
      validFrom: "2026-01-01",
      validTo: "2028-12-31",
      budgetFen: 5_000_000_000n,
      rule: { compensationRatioBps: 4_000, capPerLoanFen: 200_000_000n, capPerBankYearFen: 1_000_000_000n, eligibleProductIds: products.map((p) => p.id) },
    },
    ip: null,
    now: new Date("2026-01-05T02:00:00Z"),
  });
  await recordContribution({ actor: office, fundId, input: { amountFen: 2_000_000_000n, receivedOn: "2026-01-20", reference: "PJCZ-2026-001" }, ip: null });
  await recordContribution({ actor: office, fundId, input: { amountFen: 1_000_000_000n, receivedOn: "2026-07-15", reference: "PJCZ-2026-002" }, ip: null });
  options.log(`fund: ¥50,000,000 budget, ¥30,000,000 contributed, ${products.length} products enrolled`);
  return fundId;
}

export async function seedClaims(db: Db, options: { fundId: string; financeUserId: string; bankAdmins: Map<string, string>; log: (line: string) => void }): Promise<void> {
  if ((await db.claim.count()) > 0) return;
  const office = (await loadActor(options.financeUserId, "seed"))!;
  const defaulted = await db.loan.findMany({
    where: { status: "DEFAULTED", fundId: options.fundId, fundRuleVersionId: { not: null } },
    orderBy: { disbursedOn: "asc" },
    take: 2,
    select: { id: true, institutionId: true, outstandingPrincipalFen: true },
  });
  for (const [i, loan] of defaulted.entries()) {
    const bank = (await loadActor(options.bankAdmins.get(loan.institutionId)!, "seed"))!;
    const claim = await fileClaim({
      actor: bank,
      loanId: loan.id,
      input: {
        lossFen: loan.outstandingPrincipalFen,
        recoveryActions: "已向盘锦市兴隆台区人民法院提起诉讼并申请财产保全；对抵押物启动处置程序。",
        evidence: ["借款合同", "逾期催收记录", "民事起诉状及受理通知书"],
      },
      ip: null,
    });
    if (i === 0 && claim.status === "RESERVED") {
      const approvedFen = (claim.reservedFen * 3n) / 4n;
      await decideClaim({ actor: office, claimId: claim.id, decision: { kind: "approve", approvedFen, reason: "部分损失已由保证人代偿，按剩余损失核定" }, ip: null });
      await recordRecovery({ actor: bank, loanId: loan.id, input: { amountFen: loan.outstandingPrincipalFen / 10n, receivedOn: new Date().toISOString().slice(0, 10) }, idempotencyKey: "seed-recovery-1", ip: null });
    }
  }
  options.log(`claims: ${defaulted.length} filed on defaulted loans`);
}

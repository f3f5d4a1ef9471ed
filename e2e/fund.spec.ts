import { expect, test } from "@playwright/test";
import { query, signedInPage } from "./support";

/**
 * The risk-compensation fund end to end: the finance office records a
 * treasury contribution; a bank claims compensation for a defaulted loan
 * enrolled in the fund (reserved at once in the ledger); the office approves
 * it in part; the bank records money recovered from the borrower, of which
 * the fund's share flows back; and the regulator finds every step in the
 * fund's ledger, each transfer linked to the record behind it, and exports it.
 */

test("contribution → claim → partial approval → recovery, then the regulator sees and exports every step", async ({ browser }) => {
  const run = String(Date.now() % 1_000_000);
  const [fund] = await query<{ id: string }>(`SELECT id::text FROM funds ORDER BY "createdAt" LIMIT 1`);
  expect(fund).toBeDefined();

  // The finance office records a contribution from the treasury.
  const office = await signedInPage(browser, "finance");
  await office.goto(`/app/funds/${fund!.id}`);
  const contribution = office.getByTestId("fund-contribution-form");
  await contribution.getByLabel("注资金额").fill("1,000,000");
  await contribution.getByLabel("财政付款凭证号").fill(`PJCZ-E2E-${run}`);
  await office.getByTestId("fund-contribution-submit").click();
  await expect(office.getByTestId("fund-notice")).toBeVisible({ timeout: 15_000 });
  await expect(office.getByTestId("fund-contributions")).toContainText(`PJCZ-E2E-${run}`);

  // A defaulted loan enrolled in the fund, without a claim yet. The demo city has some; if every one is claimed,
  // the test marks an enrolled loan in default the way the delinquency sweep would, so the path is always there.
  let [loan] = await query<{ id: string; code: string }>(
    `SELECT l.id::text, i.code FROM loans l JOIN institutions i ON i.id = l."institutionId"
      WHERE l.status = 'DEFAULTED' AND l."fundRuleVersionId" IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM claims c WHERE c."loanId" = l.id) ORDER BY l."disbursedOn" LIMIT 1`,
  );
  if (!loan) {
    [loan] = await query<{ id: string; code: string }>(
      `UPDATE loans l SET status = 'DEFAULTED', "defaultedAt" = now(), "daysPastDue" = 120 FROM institutions i
        WHERE i.id = l."institutionId" AND l.id = (SELECT id FROM loans WHERE "fundRuleVersionId" IS NOT NULL AND status <> 'REPAID'
          AND NOT EXISTS (SELECT 1 FROM claims c WHERE c."loanId" = loans.id) ORDER BY "disbursedOn" LIMIT 1)
        RETURNING l.id::text, i.code`,
    );
  }
  expect(loan).toBeDefined();

  // The bank files the claim from its list of claimable loans.
  const bank = await signedInPage(browser, `${loan!.code.toLowerCase()}.admin`);
  await bank.goto("/app/claims");
  await bank.getByTestId("claimable-loans").locator(`a[href="/app/claims/new?loanId=${loan!.id}"]`).click();
  await expect(bank.getByTestId("claim-estimate")).toBeVisible();
  const form = bank.getByTestId("claim-form");
  await form.getByLabel("追偿措施").fill(`已提起诉讼并申请财产保全（第${run}号）`);
  await form.getByLabel("证明材料").fill("借款合同\n逾期催收记录\n民事起诉状");
  await bank.getByTestId("submit-claim").click();
  await expect(bank.getByTestId("claim-status")).toHaveAttribute("data-status", "RESERVED", { timeout: 15_000 });
  const claimId = bank.url().split("/app/claims/")[1]!.split("?")[0]!;
  const [claim] = await query<{ reserved: string }>(`SELECT "reservedFen"::text AS reserved FROM claims WHERE id = $1`, [claimId]);
  const approvedFen = ((BigInt(claim!.reserved) * 3n) / 4n / 100n) * 100n;

  // The office approves three quarters of it, with the reason.
  await office.goto(`/app/claims/${claimId}`);
  const part = office.getByTestId("approve-part-form");
  await part.getByLabel("批准金额（元）").fill(String(approvedFen / 100n));
  await part.getByLabel("审核意见").fill("部分损失已由保证人代偿");
  await office.getByTestId("command-approvePart").click();
  await expect(office.getByTestId("claim-status")).toHaveAttribute("data-status", "PARTIALLY_APPROVED", { timeout: 15_000 });

  // The bank records money recovered from the borrower; the fund's share flows back.
  await bank.reload();
  await bank.getByTestId("recover-form").getByLabel("追回金额（元）").fill("20000");
  await bank.getByTestId("command-recover").click();
  await expect(bank.getByTestId("recoveries-table")).toContainText("20,000.00");
  const [recovery] = await query<{ share: string; state: string }>(
    `SELECT r."fundShareFen"::text AS share, t.state::text AS state FROM recoveries r LEFT JOIN ledger_transfer_refs t ON t."transferId" = r."ledgerTransferId" WHERE r."claimId" = $1`,
    [claimId],
  );
  expect(BigInt(recovery!.share)).toBeGreaterThan(0n);
  expect(recovery!.state).toBe("COMMITTED");

  // The regulator sees every step in the fund's ledger, each with the record behind it, and exports it.
  const auditor = await signedInPage(browser, "auditor");
  await auditor.goto(`/app/ledger?fund=${fund!.id}`);
  await expect(auditor.getByTestId("ledger-own-accounts")).toBeVisible();
  await auditor.goto(`/app/ledger/transfers?fund=${fund!.id}`);
  const transfers = auditor.getByTestId("ledger-transfers");
  await expect(transfers).toBeVisible();
  await expect(transfers.locator(`a[href="/app/claims/${claimId}"]`).first()).toBeVisible();
  const download = auditor.waitForEvent("download");
  await auditor.getByTestId("ledger-export-transfers").click();
  const file = await (await download).path();
  const { readFileSync } = await import("node:fs");
  const csv = readFileSync(file!, "utf8");
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  expect(csv).toContain(claimId);
  // The claim's own page is open to the regulator too, read-only.
  await auditor.goto(`/app/claims/${claimId}`);
  await expect(auditor.getByTestId("claim-status")).toHaveAttribute("data-status", "PARTIALLY_APPROVED");
  await expect(auditor.getByTestId("approve-part-form")).toHaveCount(0);
});

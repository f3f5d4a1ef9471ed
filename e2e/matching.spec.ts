import { expect, test } from "@playwright/test";
import { fillNeedForm, query, signedInPage } from "./support";

/**
 * Matching end to end: an SME posts a need and, without reloading, sees the
 * worker's ranked recommendations appear with the reasons each product fits
 * and a cost comparison; the bank whose product ranks first finds the need in
 * its inbox and takes it up, and the SME sees that bank on the need.
 */

const as = signedInPage;

test("an SME posts a need and sees explained recommendations appear; the best-matching bank grabs it from its inbox", async ({ browser }) => {
  const run = String(Date.now() % 1_000_000);
  const purpose = `购置冷链运输车辆（第${run}批），配送盘锦河蟹`;
  const sme = await as(browser, "sme");

  await fillNeedForm(sme, { purpose, amount: "600,000", termMonths: "12", maxRate: "7.5" });
  await expect(sme.getByText("需求已发布")).toBeVisible({ timeout: 15_000 });

  // The page waits for the worker and shows the ranking when it is ready, without a reload.
  const recommendations = sme.getByTestId("recommendations");
  await expect(recommendations.getByTestId("recommendation").first()).toBeVisible({ timeout: 45_000 });
  const first = recommendations.getByTestId("recommendation").first();
  await expect(first).toContainText("推荐理由");
  await expect(first).toContainText("融资金额 600,000.00 元 在产品额度");
  await expect(first).toContainText("预计年利率");
  await expect(recommendations.getByTestId("cost-comparison")).toBeVisible();
  await expect(recommendations).toContainText(/共 \d+ 款产品符合条件/);

  // Every recommended product passes every rule (the worker kept only eligible products), ranked 1, 2, 3 …
  const [need] = await query<{ id: string; eligibleCount: number }>(`SELECT n.id::text AS id, r."eligibleCount" FROM financing_needs n JOIN need_rankings r ON r."needId" = n.id WHERE n.purpose = $1`, [purpose]);
  const ranked = await query<{ rank: number; code: string }>(
    `SELECT m.rank, i.code FROM matches m JOIN institutions i ON i.id = m."institutionId" WHERE m."needId" = $1 ORDER BY m.rank`,
    [need!.id],
  );
  expect(need!.eligibleCount).toBeGreaterThan(0);
  expect(ranked[0]!.rank).toBe(1);

  // The bank of the best match sees the need in its inbox (newest first, not yet taken up) and grabs it.
  const officer = await as(browser, `${ranked[0]!.code.toLowerCase()}.officer`);
  await officer.goto("/app/need-inbox?sort=newest&claimed=unclaimed");
  const row = officer.getByTestId("need-inbox").locator("tr", { hasText: `第${run}批` });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("600,000.00 元 · 12 个月 · 最高 7.50%");
  await row.getByTestId("inbox-claim").click();
  await officer.locator(".ant-popconfirm").getByRole("button", { name: /^接\s*单$/ }).click();
  await expect(officer.getByTestId("inbox-claimed")).toBeVisible({ timeout: 15_000 });
  const claims = await query<{ code: string }>(
    `SELECT i.code FROM need_claims c JOIN institutions i ON i.id = c."institutionId" WHERE c."needId" = $1`,
    [need!.id],
  );
  expect(claims).toEqual([{ code: ranked[0]!.code }]);
  const notices = await query(`SELECT 1 FROM notifications WHERE kind = 'need.claimed' AND payload->>'needId' = $1`, [need!.id]);
  expect(notices).toHaveLength(1);

  // Taken up, it shows among the bank's taken-up needs, and the SME sees the bank on the need.
  await officer.goto("/app/need-inbox?sort=newest&claimed=claimed");
  await expect(officer.getByTestId("need-inbox").locator("tr", { hasText: `第${run}批` }).getByTestId("inbox-claimed-at")).toBeVisible();
  await sme.reload();
  await expect(sme.getByTestId("need-claims")).toContainText("银行");
  await expect(sme.getByTestId("need-status")).toHaveText("对接中");
  // In progress, the need keeps its recommendations (the SME may still choose another bank).
  await expect(recommendations.getByTestId("recommendation").first()).toBeVisible({ timeout: 45_000 });
});

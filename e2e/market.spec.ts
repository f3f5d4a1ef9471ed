import { expect, test, type Page } from "@playwright/test";
import { choose, fillNeedForm, query, signedInPage } from "./support";

/**
 * The product supermarket end to end: a bank drafts and submits a product,
 * the finance office approves it, an SME finds it by a Chinese keyword and by
 * facets, and once delisted it is gone from search. Each run names its
 * product uniquely, so runs never see each other's products.
 */

const ABC = "中国农业银行盘锦分行";

const as = signedInPage;

/** Search is updated by the worker from the outbox: wait for it as a user would, by searching again. */
async function expectSearch(page: Page, url: string, name: string, present: boolean) {
  await expect(async () => {
    await page.goto(url);
    const results = page.getByTestId("product-hit");
    if (present) await expect(results.filter({ hasText: name })).toHaveCount(1, { timeout: 1_000 });
    else await expect(results.filter({ hasText: name })).toHaveCount(0, { timeout: 1_000 });
  }).toPass({ timeout: 45_000, intervals: [1_000, 2_000] });
}

test("a bank's product goes through review into the supermarket, is found by keyword and facets, and leaves it when delisted", async ({ browser }) => {
  // Unique, searchable Chinese: a marsh name plus a run number written in Chinese numerals.
  const digits = "零一二三四五六七八九";
  const run = String(Date.now() % 100_000).split("").map((d) => digits[Number(d)]).join("");
  const name = `红海滩${run}号湿地生态贷`;
  const bank = await as(browser, "abc-pj.admin");

  // A range the wrong way round is refused on the form, and nothing is saved.
  await bank.goto("/app/products/new");
  await bank.getByLabel("产品名称", { exact: true }).fill(name);
  await choose(bank, "产品类型", "信用贷");
  await choose(bank, "场景标签", "绿色金融");
  await bank.keyboard.press("Escape");
  await bank.getByLabel("最低额度（元）").fill("100,000");
  await bank.getByLabel("最高额度（元）").fill("50,000");
  await bank.getByLabel("最短期限（月）").fill("6");
  await bank.getByLabel("最长期限（月）").fill("36");
  await bank.getByLabel("最低年利率（%）").fill("3.5");
  await bank.getByLabel("最高年利率（%）").fill("5.8");
  await bank.getByLabel("产品介绍").fill("支持辽河口湿地保护与生态修复的企业，按碳汇收益授信。");
  await bank.getByTestId("product-save").click();
  await expect(bank.getByText("不能小于对应的最低值")).toBeVisible();
  expect(await query(`SELECT id FROM products WHERE "nameZh" = $1`, [name])).toHaveLength(0);

  await bank.getByLabel("最高额度（元）").fill("5,000,000");
  await bank.getByTestId("product-save").click();
  await expect(bank.getByText("草稿已保存")).toBeVisible({ timeout: 15_000 });
  await expect(bank.getByTestId("product-status")).toHaveText("草稿");
  await bank.getByTestId("product-submit").click();
  await bank.locator(".ant-popconfirm").getByRole("button", { name: "提交审核" }).click();
  await expect(bank.getByTestId("product-done")).toContainText("已提交审核", { timeout: 15_000 });
  await expect(bank.getByTestId("product-status")).toHaveText("审核中");
  const productUrl = bank.url().split("?")[0]!;

  // The finance office finds it in its queue and approves it.
  const finance = await as(browser, "finance");
  await finance.goto("/app/product-reviews");
  await finance.getByTestId("product-table").getByRole("link", { name }).click();
  await expect(finance.getByTestId("product-title")).toHaveText(name);
  await expect(finance.getByTestId("product-status")).toHaveText("审核中");
  await finance.getByLabel(/审核意见/).fill("利率与额度合理，材料齐全，准予上架。");
  await finance.getByTestId("product-approve").click();
  await expect(finance.getByTestId("product-done")).toContainText("产品已上架", { timeout: 15_000 });
  await expect(finance.getByTestId("product-history")).toContainText("利率与额度合理");

  // An SME finds it by a Chinese keyword, with the match marked, and by facets.
  const sme = await as(browser, "sme");
  await expectSearch(sme, `/app/supermarket?q=${encodeURIComponent("湿地生态")}`, name, true);
  await expect(sme.getByTestId("product-hit").filter({ hasText: name }).locator("mark").first()).toBeVisible();
  // Narrowing by facets keeps it: its scenario, then its bank (the groups show the values of the current results).
  await sme.getByTestId("facet-tag").getByLabel(/绿色金融/).check();
  await expect(sme).toHaveURL(/tag=GREEN/);
  await sme.getByTestId("facet-bank").getByLabel(new RegExp(ABC)).check();
  await expect(sme).toHaveURL(/bank=/);
  await expect(sme.getByTestId("product-hit").filter({ hasText: name })).toHaveCount(1);
  for (const card of await sme.getByTestId("product-hit").all()) await expect(card).toContainText("绿色金融");
  // What the SME needs: 300 万元 for 12 months is inside the product's ranges; 600 万元 is not.
  await expectSearch(sme, `/app/supermarket?q=${encodeURIComponent("湿地生态")}&amount=300&term=12&rate=6`, name, true);
  await expectSearch(sme, `/app/supermarket?q=${encodeURIComponent("湿地生态")}&amount=600`, name, false);
  await sme.goto(`/app/supermarket?q=${encodeURIComponent("火箭发射")}`);
  await expect(sme.getByTestId("supermarket-empty")).toBeVisible();

  // The public supermarket shows it too, with its detail page.
  const visitor = await (await browser.newContext()).newPage();
  await expectSearch(visitor, `/products?q=${encodeURIComponent(name)}`, name, true);
  await visitor.getByTestId("product-hit-link").filter({ hasText: name }).click();
  await expect(visitor.getByTestId("product-title")).toHaveText(name);
  await expect(visitor.getByTestId("product-facts")).toContainText(ABC);

  // Delisted by the bank: gone from search.
  await bank.goto(productUrl);
  await bank.getByLabel(/下架原因/).fill("产品方案调整，暂停受理。");
  await bank.getByTestId("product-delist").click();
  await expect(bank.getByTestId("product-done")).toContainText("产品已下架", { timeout: 15_000 });
  await expectSearch(sme, `/app/supermarket?q=${encodeURIComponent("湿地生态")}`, name, false);
  const [row] = await query<{ status: string }>(`SELECT status FROM products WHERE "nameZh" = $1`, [name]);
  expect(row?.status).toBe("DELISTED");
});

test("an SME posts a financing need, a bank finds it in the needs hall, and the SME edits and closes it", async ({ browser }) => {
  const digits = "零一二三四五六七八九";
  const run = String(Date.now() % 100_000).split("").map((d) => digits[Number(d)]).join("");
  const purpose = `采购盘锦大米包装袋第${run}批，用于承接超市订单`;
  const sme = await as(browser, "sme2");

  await fillNeedForm(sme, { purpose, amount: "80", termMonths: "12", maxRate: "5.5" });
  // Below the platform's minimum: refused with the reason, nothing posted.
  await expect(sme.getByText("融资金额不能少于 1,000 元")).toBeVisible();
  expect(await query(`SELECT id FROM financing_needs WHERE purpose = $1`, [purpose])).toHaveLength(0);

  await sme.getByLabel("融资金额（元）").fill("800,000");
  await sme.getByTestId("need-submit").click();
  await expect(sme.getByText("需求已发布")).toBeVisible({ timeout: 15_000 });
  await expect(sme.getByTestId("need-status")).toHaveText("待接单");
  const needUrl = sme.url().split("?")[0]!;

  // A loan officer finds it by a Chinese keyword in the needs hall.
  const officer = await as(browser, "abc-pj.officer");
  await expect(async () => {
    await officer.goto(`/app/need-search?q=${encodeURIComponent(`大米包装袋第${run}批`)}`);
    await expect(officer.getByTestId("need-hit").filter({ hasText: run })).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 45_000, intervals: [1_000, 2_000] });

  // The SME edits it: a larger amount.
  await sme.goto(needUrl);
  await sme.getByLabel("融资金额（元）").fill("1,200,000");
  await sme.getByTestId("need-submit").click();
  await expect(sme.getByText("修改已保存")).toBeVisible({ timeout: 15_000 });
  const [edited] = await query<{ amountFen: string; version: number }>(`SELECT "amountFen"::text AS "amountFen", version FROM financing_needs WHERE purpose = $1`, [purpose]);
  expect(edited).toEqual({ amountFen: "120000000", version: 2 });

  // And closes it: gone from the needs hall.
  await sme.getByLabel("关闭原因（选填）").fill("已通过其他渠道解决");
  await sme.getByTestId("need-close").click();
  await sme.locator(".ant-popconfirm").getByRole("button", { name: "关闭需求" }).click();
  await expect(sme.getByText("需求已关闭")).toBeVisible({ timeout: 15_000 });
  const [closed] = await query<{ status: string; closeReason: string }>(`SELECT status, "closeReason" FROM financing_needs WHERE purpose = $1`, [purpose]);
  expect(closed).toEqual({ status: "CLOSED", closeReason: "已通过其他渠道解决" });
  await expect(async () => {
    await officer.goto(`/app/need-search?q=${encodeURIComponent(`大米包装袋第${run}批`)}`);
    await expect(officer.getByTestId("need-hit").filter({ hasText: run })).toHaveCount(0, { timeout: 1_000 });
  }).toPass({ timeout: 45_000, intervals: [1_000, 2_000] });
});

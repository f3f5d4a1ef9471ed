import { createHash } from "node:crypto";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { USCC_ALPHABET, usccCheckCharacter } from "../app/domain/identity/uscc";
import { choose, query, signIn, signedInPage } from "./support";

/**
 * Credit data end to end: the finance office imports (and is told exactly
 * which lines are wrong), enterprises read their profile and who viewed it,
 * banks see a report only under a live authorisation, and objections and
 * credit repairs change the record and the score.
 *
 * Each test makes its own data (files with unique content, its own
 * authorisation to a bank the enterprise has never authorised) and leaves what other
 * specs rely on untouched.
 */

const INVOICED_SALES_HEADER = "统一社会信用代码,所属月份,开票销售额（元）,开票张数,数据日期";
const ICBC = "中国工商银行盘锦分行";

const as = signedInPage;

async function enterpriseOf(username: string): Promise<{ id: string; uscc: string; name: string }> {
  const [row] = await query<{ id: string; uscc: string; name: string }>(
    `SELECT e.id, e.uscc, e.name FROM users u JOIN memberships m ON m."userId" = u.id JOIN enterprises e ON e.id = m."enterpriseId" WHERE u.username = $1`,
    [username],
  );
  if (!row) throw new Error(`no enterprise for ${username}`);
  return row;
}

async function currentScore(enterpriseId: string): Promise<{ score: number; grade: string }> {
  const [row] = await query<{ score: number; grade: string }>(
    `SELECT ev.score, ev.grade FROM enterprises e JOIN credit_evaluations ev ON ev.id = e."currentEvaluationId" WHERE e.id = $1`,
    [enterpriseId],
  );
  if (!row) throw new Error(`no current evaluation for ${enterpriseId}`);
  return row;
}

/** A well-formed code (right check character) that no enterprise on the platform has. */
/**
 * An active bank the enterprise has never authorised, and its officer's sign-in. The seeded
 * application history (each application grants its bank an authorisation) is drawn afresh
 * relative to the day the city is seeded, so no fixed bank can be assumed to have none.
 */
async function bankNeverAuthorisedBy(enterpriseId: string): Promise<{ name: string; officer: string }> {
  const [bank] = await query<{ name: string; code: string }>(
    `SELECT i."nameZh" AS name, i.code FROM institutions i
      WHERE i.kind = 'BANK' AND i.status = 'ACTIVE'
        AND EXISTS (SELECT 1 FROM users u WHERE u.username = lower(i.code) || '.officer')
        AND NOT EXISTS (SELECT 1 FROM authorisations a WHERE a."institutionId" = i.id AND a."enterpriseId" = $1)
      ORDER BY i.code LIMIT 1`,
    [enterpriseId],
  );
  expect(bank, "some demo bank has never been authorised by the enterprise").toBeTruthy();
  return { name: bank!.name, officer: `${bank!.code.toLowerCase()}.officer` };
}

async function unknownUscc(): Promise<string> {
  for (;;) {
    let body = "91211100MA";
    for (let i = 0; i < 7; i++) body += USCC_ALPHABET[Math.floor(Math.random() * USCC_ALPHABET.length)];
    const uscc = body + usccCheckCharacter(body);
    if ((await query("SELECT 1 FROM enterprises WHERE uscc = $1", [uscc])).length === 0) return uscc;
  }
}

const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));
const month = (year: number) => `${year}-${String(random(1, 12)).padStart(2, "0")}`;


async function upload(page: Page, file: { name: string; content: string }, policy: "全部正确才导入" | "导入正确的行") {
  await page.goto("/app/signal-imports");
  await choose(page, "数据类别", "开票销售额");
  await page.getByLabel("数据来源单位").fill("国家税务总局盘锦市税务局（端到端测试）");
  await page.getByRole("radio", { name: new RegExp(`^${policy}`) }).check();
  await page.locator("input[type=file][name=file]").setInputFiles({ name: file.name, mimeType: "text/csv", buffer: Buffer.from(file.content, "utf8") });
  await page.getByRole("button", { name: "上传并导入" }).click();
  return page.getByTestId("import-outcome");
}

/** Opens the batch from the upload notice and waits for the worker to finish it. */
async function openBatch(page: Page, outcome: Locator, status: string): Promise<string> {
  await outcome.getByRole("link", { name: "查看批次" }).click();
  await expect(page).toHaveURL(/\/app\/signal-imports\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("batch-status")).toHaveText(status, { timeout: 30_000 });
  return new URL(page.url()).pathname.split("/").pop()!;
}

/** The signal table is paged in the browser: turn pages until the row with `text` shows. */
async function signalRow(page: Page, text: string): Promise<Locator> {
  // The test id is on the table itself; its pager is a sibling inside the wrapper.
  const table = page.locator(".ant-table-wrapper").filter({ has: page.getByTestId("signal-table") });
  await expect(table).toBeVisible();
  const first = table.locator(".ant-pagination-item-1");
  if ((await first.count()) > 0 && !(await first.getAttribute("class"))?.includes("active")) await first.click();
  for (let pageNo = 1; pageNo <= 100; pageNo++) {
    const row = table.locator("tbody tr.ant-table-row", { hasText: text });
    if ((await row.count()) > 0) return row;
    const next = table.locator(".ant-pagination-next");
    if ((await next.count()) === 0 || (await next.getAttribute("aria-disabled")) === "true") break;
    await next.click();
    await expect(table.locator(".ant-pagination-item-active")).toHaveText(String(pageNo + 1));
  }
  throw new Error(`no row with ${text} in the signal table`);
}

const scoreOnPage = (page: Page) => page.locator(".ant-statistic").filter({ hasText: "信用分" }).locator(".ant-statistic-content-value");

test("an import with bad rows is rejected line by line, a repeat is recognised, and a clean file is applied", async ({ page }) => {
  const [target] = await query<{ id: string; uscc: string }>(
    `SELECT e.id, e.uscc FROM enterprises e WHERE NOT EXISTS (SELECT 1 FROM memberships m WHERE m."enterpriseId" = e.id) ORDER BY e.uscc LIMIT 1`,
  );
  const stranger = await unknownUscc();
  // Months long before the seeded 24 months, with random amounts: every run's file is new.
  const goodMonth = month(2011);
  const amount = `${random(100_000, 9_999_999)}.${String(random(0, 99)).padStart(2, "0")}`;
  const lines = [
    INVOICED_SALES_HEADER,
    `${target!.uscc},${goodMonth},${amount},12,${goodMonth}-28`, // line 2: fine
    `${stranger},${month(2012)},120000.00,3,2012-06-30`, // line 3: nobody has this code
    `${target!.uscc},2026-13,120000.00,3,2026-10-31`, // line 4: no such month
    `${target!.uscc},${month(2013)},abc,3,2013-06-30`, // line 5: not an amount
  ];
  const file = { name: `invoiced-sales-bad-${Date.now()}.csv`, content: lines.join("\n") + "\n" };

  await signIn(page, "finance");
  const outcome = await upload(page, file, "全部正确才导入");
  await expect(outcome).toContainText("已上传，正在后台导入");
  const batchId = await openBatch(page, outcome, "未导入");
  await expect(page.getByTestId("batch-summary")).toContainText("本批次未导入任何数据：3 行有误");

  const errors = page.getByTestId("batch-errors").locator("tbody tr.ant-table-row");
  await expect(errors).toHaveCount(3);
  await expect(errors.nth(0).locator("td")).toHaveText(["3", "uscc", `平台上没有统一社会信用代码为 ${stranger} 的企业`]);
  await expect(errors.nth(1).locator("td")).toHaveText(["4", "period", "请输入 YYYY-MM 格式的月份"]);
  await expect(errors.nth(2).locator("td")).toHaveText(["5", "amount_yuan", "请输入金额，最多两位小数"]);

  const csvLink = page.getByRole("link", { name: "下载错误明细（CSV）" });
  await expect(csvLink).toBeVisible();
  const csv = await page.request.get((await csvLink.getAttribute("href"))!);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain(stranger);

  // All or nothing: not even the good line was written.
  expect(await query(`SELECT 1 FROM credit_signals WHERE "batchId" = $1`, [batchId])).toHaveLength(0);
  expect(
    await query(`SELECT 1 FROM credit_signals WHERE "enterpriseId" = $1 AND kind = 'INVOICED_SALES' AND "naturalKey" = $2`, [target!.id, goodMonth]),
  ).toHaveLength(0);

  // The same bytes again: recognised, nothing changes.
  const repeat = await upload(page, file, "全部正确才导入");
  await expect(repeat).toContainText("相同内容");
  await expect(repeat).toContainText("未导入");
  const sha256 = createHash("sha256").update(file.content, "utf8").digest("hex");
  expect(await query(`SELECT id FROM credit_signal_batches WHERE kind = 'INVOICED_SALES' AND "fileSha256" = $1`, [sha256])).toEqual([{ id: batchId }]);

  // A clean file, importing the valid rows: applied.
  const cleanMonth = month(2010);
  const clean = {
    name: `invoiced-sales-clean-${Date.now()}.csv`,
    content: [INVOICED_SALES_HEADER, `${target!.uscc},${cleanMonth},${amount},7,${cleanMonth}-28`].join("\n") + "\n",
  };
  const applied = await upload(page, clean, "导入正确的行");
  await expect(applied).toContainText("已上传，正在后台导入");
  const cleanId = await openBatch(page, applied, "已导入");
  await expect(page.getByTestId("batch-summary")).toContainText("已导入 1 行，0 行有误未导入");
  await expect(page.getByTestId("batch-errors")).toContainText("没有错误");
  const written = await query<{ amountFen: string; count: number }>(
    `SELECT "amountFen"::text AS "amountFen", count FROM credit_signals WHERE "batchId" = $1 AND "enterpriseId" = $2 AND kind = 'INVOICED_SALES' AND "naturalKey" = $3`,
    [cleanId, target!.id, cleanMonth],
  );
  expect(written).toEqual([{ amountFen: amount.replace(".", ""), count: 7 }]);
});

test("an enterprise reads its credit profile and sees which bank viewed it", async ({ browser }) => {
  const sme = await enterpriseOf("sme");
  const owner = await as(browser, "sme");
  await owner.goto("/app/credit");
  await expect(owner.getByTestId("credit-grade")).toHaveText(/^[A-D]{1,3}[+-]?$/);
  await expect(scoreOnPage(owner)).toHaveText(String((await currentScore(sme.id)).score));
  const raised = owner.getByTestId("reasons-up");
  await expect(raised).toContainText("加分因素");
  await expect(raised.locator(".ant-list-item").first()).toBeVisible();

  // Every chart has its numbers one click away.
  const toggles = owner.getByRole("button", { name: "以表格查看数据" });
  await expect(toggles).toHaveCount(3);
  const sales = owner.locator("figure").filter({ hasText: "开票销售额（近 24 个月）" });
  const toggle = sales.getByRole("button", { name: "以表格查看数据" });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(sales.locator("table")).toBeVisible();
  await expect(sales.locator("table tbody tr.ant-table-row").first()).toContainText(/\d{4}-\d{2}/);
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(sales.locator("table")).toHaveCount(0);

  const signals = owner.getByTestId("signal-table");
  await expect(signals.locator("tbody tr.ant-table-row").first()).toBeVisible();
  await expect(signals.getByRole("link", { name: "提出异议" }).first()).toBeVisible();

  // A bank with a live authorisation (seeded) opens the report…
  const officer = await as(browser, "icbc-pj.officer");
  const views = async () => (await query<{ n: number }>(`SELECT count(*)::int AS n FROM data_access_logs WHERE "enterpriseId" = $1`, [sme.id]))[0]!.n;
  const before = await views();
  await officer.goto("/app/credit-reports");
  await officer.getByRole("row", { name: new RegExp(sme.uscc) }).getByRole("link").first().click();
  await expect(officer).toHaveURL(new RegExp(`/app/credit-reports/${sme.id}$`));
  await expect(officer.getByTestId("report-authorised")).toBeVisible();
  await expect(officer.getByTestId("credit-grade")).toBeVisible();
  expect(await views()).toBe(before + 1);

  // …and the enterprise sees who looked.
  await owner.goto("/app/data-access");
  const log = owner.getByTestId("data-access").locator("tbody tr.ant-table-row");
  await expect(log.filter({ hasText: ICBC }).first()).toContainText("信用报告");
  await expect(log.filter({ hasText: ICBC }).first()).toContainText("客户经理");

  await officer.context().close();
  await owner.context().close();
});

test("a bank sees a report only while the enterprise's authorisation is live", async ({ browser }) => {
  const sme2 = await enterpriseOf("sme2");
  const bank = await bankNeverAuthorisedBy(sme2.id);
  const officer = await as(browser, bank.officer);
  await officer.goto(`/app/credit-reports/${sme2.id}`);
  await expect(officer.getByTestId("report-blocked")).toBeVisible();
  await expect(officer.getByTestId("report-blocked")).toContainText(sme2.name);
  await expect(officer.getByTestId("credit-grade")).toHaveCount(0);

  const owner = await as(browser, "sme2");
  await owner.goto("/app/authorisations");
  await choose(owner, "授权银行", bank.name, bank.name);
  await expect(owner.getByRole("checkbox", { name: /信用评价/ })).toBeChecked();
  await owner.getByLabel("备注").fill("端到端测试：贷款申请审查");
  await owner.getByRole("button", { name: "确认授权" }).click();
  await expect(owner.getByRole("status").filter({ hasText: "授权已生效" })).toBeVisible();
  const grant = owner.getByTestId("authorisations").locator("tbody tr.ant-table-row").filter({ hasText: bank.name }).filter({ hasText: "有效" });
  await expect(grant).toHaveCount(1);

  await officer.reload();
  await expect(officer.getByTestId("report-authorised")).toBeVisible();
  await expect(officer.getByTestId("credit-grade")).toBeVisible();
  await officer.goto("/app/credit-reports");
  await expect(officer.getByRole("row", { name: new RegExp(sme2.uscc) })).toBeVisible();

  await grant.getByRole("button", { name: /撤\s*销/ }).click();
  await owner.locator(".ant-popconfirm:visible").getByRole("button", { name: /撤\s*销/ }).click();
  await expect(owner.getByRole("status").filter({ hasText: "授权已撤销" })).toBeVisible();
  await expect(owner.getByTestId("authorisations").locator("tbody tr.ant-table-row").filter({ hasText: bank.name }).first()).toContainText("已撤销");

  await officer.goto(`/app/credit-reports/${sme2.id}`);
  await expect(officer.getByTestId("report-blocked")).toBeVisible();
  await expect(officer.getByTestId("credit-grade")).toHaveCount(0);

  await officer.context().close();
  await owner.context().close();
});

test("a credit repair of a penalty, once approved, raises the enterprise's score", async ({ browser }) => {
  const sme2 = await enterpriseOf("sme2");
  const [penalty] = await query<{ id: string; naturalKey: string }>(
    `SELECT id, "naturalKey" FROM credit_signals WHERE "enterpriseId" = $1 AND kind = 'ADMIN_PENALTY' AND NOT repaired AND "voidedAt" IS NULL ORDER BY "naturalKey" LIMIT 1`,
    [sme2.id],
  );
  expect(penalty, "sme2 is seeded with an unrepaired penalty").toBeTruthy();
  const before = await currentScore(sme2.id);

  const owner2 = await as(browser, "sme2");
  await owner2.goto("/app/credit");
  await expect(scoreOnPage(owner2)).toHaveText(String(before.score));
  const penaltyRow = await signalRow(owner2, penalty!.naturalKey);
  await expect(penaltyRow).toContainText("计入评价");
  await penaltyRow.getByRole("link", { name: "申请信用修复" }).click();
  await expect(owner2).toHaveURL(new RegExp(`/app/credit/objections\\?signal=${penalty!.id}&kind=REPAIR`));
  await owner2.getByLabel("整改情况").fill("已于规定期限内缴清罚款并完成整改，市场监管部门已出具整改完成意见。");
  await owner2.getByLabel("信用承诺").fill("本企业承诺：已按要求完成整改，今后严格遵守相关法律法规。");
  await owner2.getByRole("button", { name: /^提\s*交$/ }).click();
  await expect(owner2.getByRole("status").filter({ hasText: "金融办将于" })).toBeVisible();
  const [repair] = await query<{ id: string }>(`SELECT id FROM credit_objections WHERE "signalId" = $1 AND kind = 'REPAIR' AND status = 'OPEN'`, [penalty!.id]);
  expect(repair).toBeTruthy();

  const finance = await as(browser, "finance");
  await finance.goto("/app/objections");
  await finance
    .getByTestId("objections")
    .locator("tbody tr.ant-table-row")
    .filter({ hasText: sme2.uscc })
    .filter({ hasText: penalty!.naturalKey })
    .getByRole("link", { name: "处理" })
    .click();
  await expect(finance).toHaveURL(new RegExp(`/app/objections/${repair!.id}$`));
  await expect(finance.getByTestId("objection-status")).toHaveText("待处理");
  await finance.getByRole("radio", { name: "同意信用修复" }).check();
  await finance.getByLabel("处理意见").fill("整改材料齐全，同意信用修复。");
  await finance.getByRole("button", { name: "提交处理结果" }).click();
  await expect(finance.getByRole("status").filter({ hasText: "已处理" })).toBeVisible();
  await expect(finance.getByTestId("objection-status")).toHaveText("已支持 · 已修复");

  const after = await currentScore(sme2.id);
  expect(after.score).toBeGreaterThan(before.score);
  await owner2.goto("/app/credit");
  await expect(scoreOnPage(owner2)).toHaveText(String(after.score));
  await expect(owner2.getByTestId("credit-grade")).toHaveText(after.grade);
  const repaired = await signalRow(owner2, penalty!.naturalKey);
  await expect(repaired).toContainText("已修复");
  await expect(repaired.getByRole("link", { name: "申请信用修复" })).toHaveCount(0);

  for (const p of [owner2, finance]) await p.context().close();
});

test("an objection upheld by the finance office withdraws the record from the profile", async ({ browser }) => {
  const sme = await enterpriseOf("sme");
  const [utility] = await query<{ id: string; period: string; utility: string }>(
    `SELECT id, period, details->>'utility' AS utility FROM credit_signals
      WHERE "enterpriseId" = $1 AND kind = 'UTILITY_PAYMENT' AND "voidedAt" IS NULL
        AND NOT EXISTS (SELECT 1 FROM credit_objections o WHERE o."signalId" = credit_signals.id)
      ORDER BY details->>'utility' = 'ELECTRICITY' DESC, "naturalKey" LIMIT 1`,
    [sme.id],
  );
  expect(utility).toBeTruthy();
  const utilityText = `${utility!.period} ${{ ELECTRICITY: "电费", WATER: "水费", GAS: "燃气费" }[utility!.utility]}`;

  const owner = await as(browser, "sme");
  await owner.goto("/app/credit");
  const utilityRow = await signalRow(owner, utilityText);
  await utilityRow.getByRole("link", { name: "提出异议" }).click();
  await expect(owner).toHaveURL(new RegExp(`/app/credit/objections\\?signal=${utility!.id}&kind=OBJECTION`));
  await owner.getByLabel("异议理由").fill("该月费用已按时缴纳，缴费单位数据有误，附缴费凭证。");
  await owner.getByRole("button", { name: /^提\s*交$/ }).click();
  await expect(owner.getByRole("status").filter({ hasText: "金融办将于" })).toBeVisible();
  await expect(owner.getByTestId("my-objections")).toContainText("待处理");
  const [objection] = await query<{ id: string }>(`SELECT id FROM credit_objections WHERE "signalId" = $1 AND kind = 'OBJECTION' AND status = 'OPEN'`, [utility!.id]);
  expect(objection).toBeTruthy();

  const finance = await as(browser, "finance");
  await finance.goto(`/app/objections/${objection!.id}`);
  await expect(finance.getByTestId("objection-status")).toHaveText("待处理");
  await finance.getByRole("radio", { name: "支持：撤销该记录" }).check();
  await finance.getByLabel("处理意见").fill("经核实缴费单位数据有误，撤销该记录。");
  await finance.getByRole("button", { name: "提交处理结果" }).click();
  await expect(finance.getByTestId("objection-status")).toHaveText("已支持 · 已撤销该记录");

  await owner.goto("/app/credit");
  const withdrawn = await signalRow(owner, utilityText);
  await expect(withdrawn).toContainText("已撤销");
  await expect(withdrawn.getByRole("link", { name: "提出异议" })).toHaveCount(0);
  const [voided] = await query<{ voided: boolean }>(`SELECT "voidedAt" IS NOT NULL AS voided FROM credit_signals WHERE id = $1`, [utility!.id]);
  expect(voided).toEqual({ voided: true });

  for (const p of [owner, finance]) await p.context().close();
});

import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { choose, query, signedInPage } from "./support";

/**
 * 融资监测: the finance office narrows the dashboard to a district and then to
 * a bank, sees the figures and the charts' numbers change with each filter,
 * and downloads a chart's figures as CSV — the same numbers as on the page.
 */

/** The month-by-month chart's numbers, read from its table (the chart itself is a picture). */
async function trendTable(page: Page): Promise<string> {
  const card = page.getByTestId("monitoring-trend");
  const toggle = card.getByRole("button", { name: "以表格查看数据" });
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  const table = card.locator("table");
  await expect(table).toBeVisible();
  return table.innerText();
}

test("the finance office filters by region and bank, the charts follow, and a chart downloads as CSV", async ({ browser }) => {
  // The district and the bank with the most applications in the demo city, so each filter visibly narrows the figures.
  const [busiest] = await query<{ region: string; bank: string; nameZh: string }>(
    `SELECT e."regionCode" AS region, i.id::text AS bank, i."nameZh" AS "nameZh" FROM applications a
       JOIN enterprises e ON e.id = a."enterpriseId" JOIN institutions i ON i.id = a."institutionId"
      GROUP BY 1, 2, 3 ORDER BY count(*) DESC LIMIT 1`,
  );
  expect(busiest).toBeDefined();
  const regionNames: Record<string, string> = { "211102": "双台子区", "211103": "兴隆台区", "211104": "大洼区", "211122": "盘山县" };

  const page = await signedInPage(browser, "finance");
  await page.getByRole("link", { name: "融资监测" }).first().click();
  await expect(page).toHaveURL(/\/app\/monitoring$/);
  await expect(page.getByRole("heading", { name: "融资监测" })).toBeVisible();
  await expect(page.getByTestId("monitoring-as-of")).toContainText("数据截至");

  const allApplied = Number((await page.getByTestId("kpi-applied").textContent())!.replace(/,/g, ""));
  expect(allApplied).toBeGreaterThan(0);
  const allTrend = await trendTable(page);
  // The funnel's drawing is a picture named by its title; its numbers are one toggle away.
  await expect(page.getByTestId("monitoring-funnel").getByRole("img", { name: "融资转化漏斗" })).toBeVisible();

  // A district.
  await choose(page, "地区", regionNames[busiest!.region]!);
  await expect(page).toHaveURL(new RegExp(`region=${busiest!.region}`));
  await expect(page.getByTestId("kpi-applied")).not.toHaveText(String(allApplied));
  const regionApplied = Number((await page.getByTestId("kpi-applied").textContent())!.replace(/,/g, ""));
  expect(regionApplied).toBeGreaterThan(0);
  expect(regionApplied).toBeLessThan(allApplied);
  const regionTrend = await trendTable(page);
  expect(regionTrend).not.toEqual(allTrend);
  // The regional breakdown now shows that district alone.
  const regions = page.getByTestId("monitoring-regions");
  await regions.getByRole("button", { name: "以表格查看数据" }).click();
  await expect(regions.locator("tbody tr.ant-table-row")).toHaveCount(1);
  await expect(regions.locator("tbody")).toContainText(regionNames[busiest!.region]!);

  // Then a bank, within the district.
  await choose(page, "银行", busiest!.nameZh, busiest!.nameZh);
  await expect(page).toHaveURL(new RegExp(`bank=${busiest!.bank}`));
  await expect(page).toHaveURL(new RegExp(`region=${busiest!.region}`));
  // Narrowed to a bank, needs posted no longer apply (a need is posted to no bank in particular).
  await expect(page.getByTestId("kpi-needs")).toHaveText("不适用");
  const bankTrend = await trendTable(page);
  expect(bankTrend).not.toEqual(regionTrend);
  const bankApplied = Number((await page.getByTestId("kpi-applied").textContent())!.replace(/,/g, ""));
  expect(bankApplied).toBeLessThanOrEqual(regionApplied);
  // The league table lists that bank alone.
  await expect(page.getByTestId("monitoring-banks").locator("tbody tr.ant-table-row")).toHaveCount(1);
  await expect(page.getByTestId("monitoring-banks")).toContainText(busiest!.nameZh);

  // The month-by-month figures as CSV: the same rows as the chart's table.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("monitoring-csv-trend").first().click()]);
  expect(download.suggestedFilename()).toMatch(/^融资监测-月度走势-\d{4}-\d{2}_\d{4}-\d{2}\.csv$/);
  const csv = await readFile((await download.path())!, "utf8");
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  const lines = csv.slice(1).trim().split(/\r?\n/);
  expect(lines[0]).toContain("月份");
  const tableRows = await page.getByTestId("monitoring-trend").locator("tbody tr.ant-table-row").count();
  expect(tableRows).toBe(12);
  expect(lines.length - 1).toBe(tableRows);
  const appliedInCsv = lines.slice(1).reduce((s, line) => s + Number(line.split(",")[3]), 0);
  expect(appliedInCsv).toBe(bankApplied);
});

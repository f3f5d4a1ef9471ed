import { expect, type Browser, type Page } from "@playwright/test";
import pg from "pg";

export const DEMO_PASSWORD = "xinyidai-demo";

export async function signIn(page: Page, username: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.locator("input[name=username]").fill(username);
  await page.locator("input[name=password]").fill(password);
  await page.getByTestId("sign-in-submit").click();
  await expect(page).toHaveURL(/\/app/);
}

/**
 * Waits until React has hydrated the page. Before then a click on a link or
 * button can race hydration and be lost, so a test that clicks straight after
 * loading a page would fail only when the machine is busy.
 */
export async function hydrated(page: Page) {
  await expect(page.locator("html[data-hydrated]")).toBeAttached({ timeout: 15_000 });
}

/** A page signed in as `username`, in a browser context of its own; each `goto` on it waits for hydration. */
export async function signedInPage(browser: Browser, username: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const goto = page.goto.bind(page);
  page.goto = async (url, options) => {
    const response = await goto(url, options);
    await hydrated(page);
    return response;
  };
  await signIn(page, username);
  return page;
}

/** Fills the SME's need form (amount and rate as typed, expiry in 30 days) and posts it. */
export async function fillNeedForm(page: Page, need: { purpose: string; amount: string; termMonths: string; maxRate: string }) {
  await page.goto("/app/needs/new");
  await page.getByLabel("资金用途").fill(need.purpose);
  await page.getByLabel("融资金额（元）").fill(need.amount);
  await page.getByLabel("融资期限（月）").fill(need.termMonths);
  await page.getByLabel("最高可接受年利率（%）").fill(need.maxRate);
  await page.getByLabel("有效期至").fill(new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10));
  await page.getByTestId("need-submit").click();
}

/** Reads the e2e database directly, to check what a page did or did not write. */
export async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:5432/xyd_e2e" });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Picks from an Ant Design select (found by its label), typing to filter when the list is long. */
export async function choose(page: Page, fieldLabel: string, option: string, search?: string) {
  const select = page.getByLabel(fieldLabel, { exact: true });
  await select.click();
  if (search) await select.fill(search);
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option", { hasText: option }).first().click();
}

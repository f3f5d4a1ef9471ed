import { expect, type Page } from "@playwright/test";
import pg from "pg";

export const DEMO_PASSWORD = "xinyidai-demo";

export async function signIn(page: Page, username: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.locator("input[name=username]").fill(username);
  await page.locator("input[name=password]").fill(password);
  await page.getByTestId("sign-in-submit").click();
  await expect(page).toHaveURL(/\/app/);
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

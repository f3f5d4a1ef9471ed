import { expect, test } from "@playwright/test";
import { query, signIn } from "./support";

test("a bank admin cannot open another bank's records or another role's pages", async ({ page }) => {
  const [other] = await query<{ id: string }>("SELECT id FROM institutions WHERE code = 'ABC-PJ'");
  const [own] = await query<{ id: string }>("SELECT id FROM institutions WHERE code = 'ICBC-PJ'");
  await signIn(page, "icbc-pj.admin");

  await page.goto(`/app/institutions/${own!.id}`);
  await expect(page.locator("h2")).toHaveText("中国工商银行盘锦分行");

  const response = await page.goto(`/app/institutions/${other!.id}`);
  expect(response?.status()).toBe(404);
  await expect(page.locator(".ant-result-title")).toHaveText("页面不存在");

  const forbidden = await page.goto("/app/users");
  expect(forbidden?.status()).toBe(403);
  await expect(page.locator(".ant-result-title")).toHaveText("无权访问");
});

test("cross-site and token-less form posts are refused and sign no one in", async ({ request }) => {
  for (const headers of [{ Origin: "https://evil.example" }, {}] as Record<string, string>[]) {
    const response = await request.post("/sign-in", {
      headers,
      form: { username: "finance", password: "xinyidai-demo" },
      maxRedirects: 0,
    });
    expect([400, 403]).toContain(response.status());
    expect(response.headers()["set-cookie"] ?? "").not.toContain("xyd_session");
  }
});

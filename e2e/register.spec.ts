import { expect, test, type Page } from "@playwright/test";
import { usccCheckCharacter } from "../app/domain/identity/uscc";
import { choose, query } from "./support";

function freshUscc(): string {
  const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  let body = "91211102MA";
  for (let i = 0; i < 7; i++) body += alphabet[Math.floor(Math.random() * alphabet.length)];
  return body + usccCheckCharacter(body);
}


async function fillForm(page: Page, uscc: string, username: string) {
  await page.goto("/register");
  await page.getByLabel("统一社会信用代码").fill(uscc);
  await page.getByLabel("企业名称").fill(`盘锦端到端${username}科技有限公司`);
  await choose(page, "所在区县", "双台子区");
  await choose(page, "所属行业", "I65 软件和信息技术服务业", "I65");
  await choose(page, "企业规模", "小型");
  await page.getByLabel("成立日期").fill("2019-05-20");
  await page.getByLabel("注册资本（元）").fill("2,000,000");
  await page.getByLabel("法定代表人").fill("周七");
  await page.getByLabel("联系人姓名").fill("周七");
  await page.getByLabel("手机号码").fill("13912345678");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码", { exact: true }).fill("a-long-password");
  await page.getByLabel("确认密码").fill("a-long-password");
  await page.getByText("我已阅读并同意").click();
}

test("an SME registers with a valid USCC (typed in full-width lower case) and lands on its enterprise page", async ({ page }) => {
  const uscc = freshUscc();
  const username = `e2e${Date.now()}`;
  const fullWidthLower = uscc.toLowerCase().replace(/[0-9a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  await fillForm(page, fullWidthLower, username);
  await page.getByRole("button", { name: "注 册" }).or(page.getByRole("button", { name: "注册", exact: true })).click();
  await expect(page).toHaveURL(/\/app\/enterprise/);
  await expect(page.getByTestId("enterprise-uscc")).toHaveText(uscc);
  await expect(page.getByTestId("role-tag")).toHaveText("企业用户");
  expect(await query("SELECT 1 FROM enterprises WHERE uscc = $1", [uscc])).toHaveLength(1);
});

test("a wrong check character is refused with a clear message and nothing is written", async ({ page }) => {
  const uscc = freshUscc();
  const wrong = uscc.slice(0, 17) + (uscc[17] === "0" ? "1" : "0");
  const username = `bad${Date.now()}`;
  await fillForm(page, wrong, username);
  await page.getByRole("button", { name: "注 册" }).or(page.getByRole("button", { name: "注册", exact: true })).click();
  await expect(page.getByText("校验位不正确，请核对营业执照上的统一社会信用代码")).toBeVisible();
  await expect(page).toHaveURL(/\/register/);
  expect(await query("SELECT 1 FROM enterprises WHERE uscc = $1", [wrong])).toHaveLength(0);
  expect(await query("SELECT 1 FROM users WHERE username = $1", [username])).toHaveLength(0);
});

test("the server refuses an invalid USCC even when the browser's checks are bypassed", async ({ page, request }) => {
  await page.goto("/register");
  const csrf = await page.locator("input[name=csrf]").first().inputValue();
  const cookies = await page.context().cookies();
  const response = await request.post("/register", {
    headers: { Cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "), Origin: new URL(page.url()).origin },
    form: { csrf, uscc: "91211102MA0000000I", name: "x", username: `srv${Date.now()}`, password: "a-long-password", confirmPassword: "a-long-password", agree: "on" },
  });
  expect(response.status()).toBe(400);
  expect(await query("SELECT 1 FROM enterprises WHERE uscc = $1", ["91211102MA0000000I"])).toHaveLength(0);
});

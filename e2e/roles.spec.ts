import { expect, test } from "@playwright/test";
import { signIn } from "./support";

/** Each role signs in and sees its own shell, in Chinese and then in English. */
const ROLES = [
  {
    username: "sme",
    zh: ["企业用户", ["工作台", "企业信息", "金融产品超市", "融资需求", "信用档案", "数据授权", "查询记录", "异议与修复", "融资申请", "贷款"]],
    en: ["Enterprise", ["Workspace", "Enterprise", "Product supermarket", "Financing needs", "Credit profile", "Data authorisations", "Who viewed my data", "Objections & repair", "Applications", "Loans"]],
  },
  {
    username: "icbc-pj.admin",
    zh: ["银行管理员", ["工作台", "金融产品超市", "产品管理", "匹配需求", "需求大厅", "融资申请", "贷款", "补偿申请", "授权企业报告", "本机构", "API 密钥"]],
    en: ["Bank administrator", ["Workspace", "Product supermarket", "Products", "Matched needs", "Needs marketplace", "Applications", "Loans", "Compensation claims", "Credit reports", "Institution", "API keys"]],
  },
  {
    username: "icbc-pj.officer",
    zh: ["客户经理", ["工作台", "金融产品超市", "匹配需求", "需求大厅", "融资申请", "贷款", "授权企业报告", "本机构"]],
    en: ["Loan officer", ["Workspace", "Product supermarket", "Matched needs", "Needs marketplace", "Applications", "Loans", "Credit reports", "Institution"]],
  },
  {
    username: "finance",
    zh: ["金融办", ["工作台", "金融产品超市", "融资申请", "贷款", "补偿申请", "风险补偿资金", "融资监测", "产品审核", "信用数据导入", "异议处理", "机构管理", "用户管理", "企业名录", "审计日志", "工作日历", "API 密钥"]],
    en: ["Finance office", ["Workspace", "Product supermarket", "Applications", "Loans", "Compensation claims", "Compensation fund", "Financing monitoring", "Product reviews", "Credit data imports", "Objections", "Institutions", "Users", "Enterprises", "Audit log", "Working days", "API keys"]],
  },
  {
    username: "auditor",
    zh: ["监管审计", ["工作台", "金融产品超市", "融资申请", "贷款", "融资监测", "资金账本", "数据查询日志", "机构管理", "审计日志"]],
    en: ["Regulator", ["Workspace", "Product supermarket", "Applications", "Loans", "Financing monitoring", "Fund ledger", "Data access log", "Institutions", "Audit log"]],
  },
  {
    username: "admin",
    zh: ["平台管理员", ["工作台", "金融产品超市", "机构管理", "用户管理", "审计日志", "系统状态"]],
    en: ["Platform administrator", ["Workspace", "Product supermarket", "Institutions", "Users", "Audit log", "System health"]],
  },
] as const;

for (const role of ROLES) {
  test(`${role.username} sees the ${role.en[0]} shell in both languages`, async ({ page }) => {
    await signIn(page, role.username);
    const nav = page.getByTestId("app-nav").locator(".ant-menu-item");
    await expect(page.getByTestId("role-tag")).toHaveText(role.zh[0]);
    await expect(nav).toHaveText([...role.zh[1]]);

    await page.getByRole("button", { name: "English" }).click();
    await expect(page.getByTestId("role-tag")).toHaveText(role.en[0]);
    await expect(nav).toHaveText([...role.en[1]]);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");

    // Every area in the navigation opens without an error page.
    for (const label of role.en[1]) {
      await nav.filter({ hasText: label }).first().click();
      await expect(page.locator("h2").first()).toBeVisible();
      await expect(page.locator(".ant-result-403, .ant-result-404, .ant-result-500")).toHaveCount(0);
    }

    // The choice is remembered for the user; switch back so other tests find the default.
    await page.getByRole("button", { name: "中文" }).click();
    await expect(page.getByTestId("role-tag")).toHaveText(role.zh[0]);

    await page.getByRole("button", { name: "退出登录" }).click();
    await expect(page).toHaveURL(/\/sign-in\?signedOut=1/);
    await page.goto("/app");
    await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Fapp/);
  });
}

test("a wrong password is refused with a message in the user's language", async ({ page }) => {
  await page.goto("/sign-in");
  await page.locator("input[name=username]").fill("finance");
  await page.locator("input[name=password]").fill("not-the-password");
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByRole("alert")).toContainText("用户名或密码不正确");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("error pages speak both languages", async ({ page }) => {
  await page.goto("/no-such-page");
  await expect(page.locator(".ant-result-title")).toHaveText("页面不存在");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator(".ant-result-title")).toHaveText("Page not found");
  await expect(page.getByRole("link", { name: "Back to the home page" })).toBeVisible();
});

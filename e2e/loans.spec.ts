import { expect, test, type Page } from "@playwright/test";
import { fillNeedForm, query, signedInPage } from "./support";

/**
 * From an SME's application to a disbursed loan, in each language: the SME
 * applies for its best recommendation, the bank's officer accepts and
 * approves with terms, the SME accepts the offer, the officer reports the
 * disbursement, and both see the loan with its repayment schedule — whose
 * principal column sums exactly to the loan — posted to the ledger once.
 */

const TEXT = {
  zh: {
    applied: "申请已提交",
    awaiting: "待受理",
    done: { accept: "已受理", approve: "已批准", acceptOffer: "已接受批复", disburse: "放款已登记" },
    acceptOffer: /^接受批复$/,
    schedule: "还款计划",
    disbursed: "已放款",
    total: "合计",
    money: (yuan: string) => `${yuan} 元`,
    loansTitle: "贷款",
  },
  en: {
    applied: "Application submitted",
    awaiting: "Awaiting bank",
    done: { accept: "Accepted.", approve: "Approved", acceptOffer: "Offer accepted", disburse: "Disbursement recorded" },
    acceptOffer: /^Accept offer$/,
    schedule: "Repayment schedule",
    disbursed: "Disbursed",
    total: "Total",
    money: (yuan: string) => `¥${yuan}`,
    loansTitle: "Loans",
  },
} as const;

/** 分 as 元 with separators, as both languages show it: "30000000" → "300,000.00". */
function yuan(fen: string): string {
  const value = BigInt(fen);
  return `${(value / 100n).toLocaleString("en-US")}.${(value % 100n).toString().padStart(2, "0")}`;
}

async function inEnglish(page: Page) {
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.waitForLoadState("networkidle");
}

for (const lang of ["zh", "en"] as const) {
  test(`an SME's application becomes a disbursed loan with a visible schedule (${lang})`, async ({ browser }) => {
    const t = TEXT[lang];
    const run = String(Date.now() % 1_000_000);
    const purpose = `扩建冷库（第${run}批），储存盘锦大米`;
    const sme = await signedInPage(browser, "sme");
    let officer: Page | null = null;
    try {
      // The need is posted in Chinese, the SME's usual language; the rest of the path runs in the language under test.
      await fillNeedForm(sme, { purpose, amount: "300,000", termMonths: "12", maxRate: "7.5" });
      await expect(sme.getByText("需求已发布")).toBeVisible({ timeout: 15_000 });
      if (lang === "en") await inEnglish(sme);
      const apply = sme.getByTestId("recommendation").getByTestId("recommendation-apply").first();
      await expect(apply).toBeVisible({ timeout: 45_000 });
      await apply.click();

      // The application form: amount and term prefilled from the need, the bank's access explained.
      await expect(sme.getByTestId("apply-form")).toBeVisible();
      await sme.getByTestId("apply-submit").click();
      await expect(sme.getByTestId("command-done")).toContainText(t.applied);
      await expect(sme.getByTestId("application-status")).toHaveText(t.awaiting);
      const applicationId = sme.url().split("/applications/")[1]!.split("?")[0]!;
      const [app] = await query<{ code: string; termMonths: number; amountFen: string }>(
        `SELECT i.code, a."requestedTermMonths" AS "termMonths", a."requestedAmountFen"::text AS "amountFen" FROM applications a JOIN institutions i ON i.id = a."institutionId" WHERE a.id = $1`,
        [applicationId],
      );
      // The form starts from the need's amount, within the product's range.
      const amount = t.money(yuan(app!.amountFen));

      // The bank's officer accepts, then approves with terms within the product's ranges.
      officer = await signedInPage(browser, `${app!.code.toLowerCase()}.officer`);
      if (lang === "en") await inEnglish(officer);
      await officer.goto(`/app/applications/${applicationId}`);
      // Commands are forms that work without script too; waiting for the page to settle keeps clicks from racing hydration.
      await officer.waitForLoadState("networkidle");
      await officer.getByTestId("command-accept").click();
      await expect(officer.getByTestId("command-done")).toContainText(t.done.accept);
      await officer.getByTestId("approve-form").getByTestId("command-approve").click();
      await expect(officer.getByTestId("command-done")).toContainText(t.done.approve);
      await expect(officer.getByTestId("offer")).toContainText(amount);

      // The SME accepts the offer.
      await sme.goto(`/app/applications/${applicationId}`);
      await sme.waitForLoadState("networkidle");
      await expect(sme.getByTestId("offer")).toContainText(amount);
      await expect(sme.getByTestId("offer-preview")).toBeVisible();
      await sme.getByTestId("command-acceptOffer").click();
      await sme.locator(".ant-popconfirm").getByRole("button", { name: t.acceptOffer }).click();
      await expect(sme.getByTestId("command-done")).toContainText(t.done.acceptOffer);

      // The officer reports the disbursement: the loan and its schedule appear.
      await officer.reload();
      await officer.waitForLoadState("networkidle");
      await officer.getByTestId("disburse-form").getByTestId("command-disburse").click();
      await expect(officer.getByTestId("command-done")).toContainText(t.done.disburse);
      await expect(officer.getByTestId("application-status")).toHaveText(t.disbursed);
      const schedule = officer.getByTestId("schedule");
      await expect(schedule.locator("tbody tr.ant-table-row")).toHaveCount(app!.termMonths);
      await expect(officer.getByTestId("schedule-total-principal")).toHaveText(amount);

      // The SME sees the same loan and schedule, and the loan in its list.
      await sme.goto(`/app/applications/${applicationId}`);
      await expect(sme.getByRole("heading", { name: t.schedule })).toBeVisible();
      await expect(sme.getByTestId("schedule").locator("tbody tr.ant-table-row")).toHaveCount(app!.termMonths);
      await expect(sme.getByTestId("schedule-total-principal")).toHaveText(amount);
      await sme.goto("/app/loans");
      await expect(sme.getByRole("heading", { name: t.loansTitle })).toBeVisible();

      // Exactly one loan and one disbursement posting, which the worker submits to the ledger.
      const loans = await query<{ id: string; principal: string }>(`SELECT id::text, "principalFen"::text AS principal FROM loans WHERE "applicationId" = $1`, [
        applicationId,
      ]);
      expect(loans).toEqual([{ id: expect.any(String), principal: app!.amountFen }]);
      await expect
        .poll(
          async () =>
            (
              await query<{ state: string }>(`SELECT state::text FROM ledger_transfer_refs WHERE "businessType" = 'loan' AND "businessId" = $1`, [loans[0]!.id])
            ).map((r) => r.state),
          {
            timeout: 45_000,
          },
        )
        .toEqual(["COMMITTED"]);
      await officer.reload();
      await expect(officer.getByTestId("disbursement-posting")).not.toBeEmpty();
    } finally {
      // The language is remembered per user: put it back so other tests find the default.
      if (lang === "en") for (const page of [sme, officer]) if (page) await page.getByRole("button", { name: "中文" }).click();
    }
  });
}

/**
 * The regulator's ledger workspace against the embedded ledger: a fund's
 * balances at the end of a day equal the sum of its transfers up to then; the
 * transfer listing shows every transfer, newest first, each tied to its
 * business record; the reconciliation finds nothing when the records and the
 * ledger agree and exactly the difference when a record is altered behind the
 * ledger's back; the CSV exports carry a BOM and the same figures; only the
 * regulator gets in.
 */
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { decideClaim, fileClaim, recordRecovery } from "~/domain/fund/claims.server";
import { createFund, recordContribution } from "~/domain/fund/fund-admin.server";
import { bankSettlementAccount, LEDGER_CNY, loanInterestAccount, loanPrincipalAccount, TRANSFER_CODES, valueDate } from "~/domain/ledger/chart";
import { AccountFilterFlags, TransferFlags, type Ledger } from "~/domain/ledger/ledger";
import { getLedger } from "~/domain/ledger/ledger.server";
import { balanceAt, endOfChinaDayNs } from "~/domain/ledger/ledger-views.server";
import { uuidToU128 } from "~/domain/ledger/postgres-ledger.server";
import { prepareAccounts, preparePostings, submitPostings } from "~/domain/ledger/postings.server";
import { reconcileLedger } from "~/domain/ledger/reconcile.server";
import { closeQueues } from "~/jobs/enqueue.server";
import * as exportRoute from "~/routes/app/ledger-export";
import * as reconciliationRoute from "~/routes/app/ledger-reconciliation";
import * as transfersRoute from "~/routes/app/ledger-transfers";
import * as accountsRoute from "~/routes/app/ledger";
import { localeContext } from "~/web/context";
import { defaultedLoanData, disbursedApplicationData, makeActor, makeProduct, outcome, routeContext } from "../helpers";

let office: Actor;
let bank: Actor;
let regulator: Actor;
let ledger: Ledger;
let fundId: string;
let loanA: { id: string; applicationId: string };
let loanB: { id: string; applicationId: string };
let claimA: string;
let claimB: string;
let contributionIds: string[];
/** The ledger's timestamp of the first contribution: a past moment between the two. */
let afterFirstContribution: bigint;
const today = platformToday();
const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

type AccountsData = Awaited<ReturnType<typeof accountsRoute.loader>>;
type TransfersData = Awaited<ReturnType<typeof transfersRoute.loader>>;
type ReconciliationData = Awaited<ReturnType<typeof reconciliationRoute.loader>>;

const load = <T>(route: { loader: (args: never) => Promise<unknown> }, path: string, actor: Actor, params: Record<string, string> = {}) =>
  outcome(() => route.loader({ request: new Request(`http://localhost${path}`), context: routeContext(actor), params } as never)) as Promise<{
    status: number;
    data?: T;
  }>;

/** A defaulted loan enrolled in the fund, with its disbursement (and a repayment) posted to the ledger as the loans module would. */
async function postedLoan(principalFen: bigint, repaid: { principalFen: bigint; interestFen: bigint } | null) {
  const sme = await makeActor("sme");
  const productId = (await prisma.product.findFirstOrThrow({ where: { fundId }, select: { id: true } })).id;
  const rule = await prisma.fundRuleVersion.findFirstOrThrow({ where: { fundId }, orderBy: { version: "desc" } });
  const application = await prisma.application.create({
    data: disbursedApplicationData({ enterpriseId: sme.enterprise!.id, productId, institutionId: bank.institution!.id, principalFen }),
  });
  const loanId = crypto.randomUUID();
  await prisma.$transaction(async (tx) => {
    const [principal, interest, settlement] = await prepareAccounts(tx, [
      loanPrincipalAccount(loanId),
      loanInterestAccount(loanId),
      bankSettlementAccount(bank.institution!.id),
    ]);
    const [disbursement] = await preparePostings(tx, [
      {
        businessType: "loan",
        businessId: loanId,
        transfer: {
          debit_account_id: principal!,
          credit_account_id: settlement!,
          amount: principalFen,
          ledger: LEDGER_CNY,
          code: TRANSFER_CODES.LOAN_DISBURSEMENT,
          user_data_128: uuidToU128(loanId),
          user_data_64: valueDate("2026-02-01"),
        },
      },
    ]);
    await tx.loan.create({
      data: defaultedLoanData({
        id: loanId,
        applicationId: application.id,
        institutionId: bank.institution!.id,
        enterpriseId: sme.enterprise!.id,
        productId,
        fundId,
        fundRuleVersionId: rule.id,
        principalFen,
        outstandingPrincipalFen: principalFen - (repaid?.principalFen ?? 0n),
        disbursementTransferId: disbursement!.toString(),
      }),
    });
    if (repaid) {
      const repaymentId = crypto.randomUUID();
      const leg = { ledger: LEDGER_CNY, user_data_128: uuidToU128(repaymentId), user_data_64: valueDate("2026-03-01") };
      const [principalLeg, interestLeg] = await preparePostings(tx, [
        {
          businessType: "repayment",
          businessId: repaymentId,
          transfer: {
            ...leg,
            debit_account_id: settlement!,
            credit_account_id: principal!,
            amount: repaid.principalFen,
            code: TRANSFER_CODES.REPAYMENT_PRINCIPAL,
            flags: TransferFlags.linked,
          },
        },
        {
          businessType: "repayment",
          businessId: repaymentId,
          transfer: {
            ...leg,
            debit_account_id: settlement!,
            credit_account_id: interest!,
            amount: repaid.interestFen,
            code: TRANSFER_CODES.REPAYMENT_INTEREST,
          },
        },
      ]);
      await tx.repayment.create({
        data: {
          id: repaymentId,
          loanId,
          idempotencyKey: `${loanId}:r1`,
          amountFen: repaid.principalFen + repaid.interestFen,
          principalFen: repaid.principalFen,
          interestFen: repaid.interestFen,
          receivedOn: new Date("2026-03-01T00:00:00Z"),
          ledgerTransferId: principalLeg!.toString(),
          interestTransferId: interestLeg!.toString(),
        },
      });
    }
  });
  await submitPostings(prisma, ledger);
  return { id: loanId, applicationId: application.id };
}

/** An account's balances rebuilt from its transfers up to a moment, as TigerBeetle applies them. */
async function replay(accountId: bigint, timestampMax: bigint) {
  const transfers = await ledger.getAccountTransfers({
    account_id: accountId,
    timestamp_max: timestampMax,
    limit: 8_000,
    flags: AccountFilterFlags.debits | AccountFilterFlags.credits,
  });
  const byId = new Map(transfers.map((t) => [t.id, t]));
  const b = { debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n };
  for (const t of transfers) {
    const debit = t.debit_account_id === accountId;
    if (t.flags & TransferFlags.pending) {
      if (debit) b.debitsPending += t.amount;
      else b.creditsPending += t.amount;
    } else if (t.flags & (TransferFlags.post_pending_transfer | TransferFlags.void_pending_transfer)) {
      const pending = byId.get(t.pending_id)!;
      if (debit) b.debitsPending -= pending.amount;
      else b.creditsPending -= pending.amount;
      if (t.flags & TransferFlags.post_pending_transfer) {
        if (debit) b.debitsPosted += t.amount;
        else b.creditsPosted += t.amount;
      }
    } else if (debit) b.debitsPosted += t.amount;
    else b.creditsPosted += t.amount;
  }
  return b;
}

async function accountId(ownerType: string, ownerId: string, purpose: string): Promise<bigint> {
  const ref = await prisma.ledgerAccountRef.findUniqueOrThrow({ where: { ownerType_ownerId_purpose: { ownerType, ownerId, purpose } } });
  return BigInt(ref.accountId);
}

beforeAll(async () => {
  ledger = await getLedger();
  office = await makeActor("finance_office");
  bank = await makeActor("bank_admin");
  regulator = await makeActor("regulator");
  const productId = (await makeProduct(bank.institution!.id, bank.userId, "风险补偿信用贷")).id;
  ({ fundId } = await createFund({
    actor: office,
    input: {
      nameZh: "盘锦市中小微企业贷款风险补偿资金",
      nameEn: "Panjin SME loan risk-compensation fund",
      validFrom: "2026-01-01",
      validTo: "2028-12-31",
      budgetFen: 200_000_000n,
      rule: { compensationRatioBps: 4_000, capPerLoanFen: 100_000_000n, capPerBankYearFen: 1_000_000_000n, eligibleProductIds: [productId] },
    },
    ip: null,
  }));
  const first = await recordContribution({ actor: office, fundId, input: { amountFen: 50_000_000n, receivedOn: "2026-03-01", reference: "CZ-1" }, ip: null });
  const firstTransfer = await prisma.fundContribution.findUniqueOrThrow({ where: { id: first.contributionId }, select: { ledgerTransferId: true } });
  afterFirstContribution = (await ledger.lookupTransfers([BigInt(firstTransfer.ledgerTransferId)]))[0]!.timestamp;
  const second = await recordContribution({ actor: office, fundId, input: { amountFen: 30_000_000n, receivedOn: "2026-03-15", reference: "CZ-2" }, ip: null });
  contributionIds = [first.contributionId, second.contributionId];

  loanA = await postedLoan(10_000_000n, { principalFen: 1_000_000n, interestFen: 50_000n });
  loanB = await postedLoan(5_000_000n, null);
  // A: 40 % of ¥90,000 reserved (¥36,000), ¥30,000 approved; B: 40 % of ¥50,000 = ¥20,000, left reserved.
  const a = await fileClaim({ actor: bank, loanId: loanA.id, input: { lossFen: 9_000_000n, recoveryActions: "已起诉", evidence: [] }, ip: null });
  expect(a).toMatchObject({ status: "RESERVED", reservedFen: 3_600_000n });
  claimA = a.id;
  await decideClaim({ actor: office, claimId: claimA, decision: { kind: "approve", approvedFen: 3_000_000n, reason: "部分由担保覆盖" }, ip: null });
  const b = await fileClaim({ actor: bank, loanId: loanB.id, input: { lossFen: 5_000_000n, recoveryActions: "催收中", evidence: [] }, ip: null });
  expect(b).toMatchObject({ status: "RESERVED", reservedFen: 2_000_000n });
  claimB = b.id;
  // ¥9,000 recovered on A: the fund paid 3/9 of the loss, so ¥3,000 flows back.
  const recovery = await recordRecovery({
    actor: bank,
    loanId: loanA.id,
    input: { amountFen: 900_000n, receivedOn: today },
    idempotencyKey: "rec-1",
    ip: null,
  });
  expect(recovery.fundShareFen).toBe(300_000n);
}, 120_000);

afterAll(async () => {
  await closeQueues();
});

describe("balances at the end of a day", () => {
  it("equal the sum of each account's transfers up to then, and are zero the day before anything moved", async () => {
    const { status, data } = await load<AccountsData>(accountsRoute, `/app/ledger?fund=${fundId}&day=${today}`, regulator);
    expect(status).toBe(200);
    const view = data!.view!;
    const asOf = endOfChinaDayNs(today);
    expect(view.asOfNs).toBe(asOf.toString());
    for (const line of view.own) {
      const expected = await replay(await accountId("fund", fundId, line.purpose), asOf);
      expect({ dp: line.debitsPendingFen, dq: line.debitsPostedFen, cp: line.creditsPendingFen, cq: line.creditsPostedFen }, line.purpose).toEqual({
        dp: expected.debitsPending.toString(),
        dq: expected.debitsPosted.toString(),
        cp: expected.creditsPending.toString(),
        cq: expected.creditsPosted.toString(),
      });
    }
    const pool = view.own.find((l) => l.purpose === "FUND_POOL")!;
    // Contributions and the recovery share in, the approved compensation out; B's reservation pending.
    expect(pool).toMatchObject({ creditsPostedFen: "80300000", debitsPostedFen: "3000000", debitsPendingFen: "2000000", balanceFen: "77300000" });
    expect(view.own.find((l) => l.purpose === "FUND_TREASURY")!.balanceFen).toBe("120000000");

    const [bankRow] = view.banks;
    expect(bankRow).toMatchObject({
      institutionId: bank.institution!.id,
      reservedFen: "2000000",
      paidFen: "3000000",
      sharedBackFen: "300000",
      netFen: "2700000",
    });
    const compensation = await replay(await accountId("fund-bank", `${fundId}:${bank.institution!.id}`, "FUND_BANK_COMPENSATION"), asOf);
    expect([compensation.creditsPending, compensation.creditsPosted, compensation.debitsPosted]).toEqual([2_000_000n, 3_000_000n, 300_000n]);

    const byLoan = new Map(view.loans.rows.map((r) => [r.loanId, r]));
    expect(byLoan.get(loanA.id)).toMatchObject({ claimedLossFen: "9000000", reservedFen: "0", paidFen: "3000000", recoveredShareFen: "300000" });
    expect(byLoan.get(loanB.id)).toMatchObject({ claimedLossFen: "5000000", reservedFen: "2000000", paidFen: "0", recoveredShareFen: "0" });
    expect(view.loanCaps).toMatchObject({
      loans: 2,
      capUsedFen: "3000000",
      capPendingFen: "2000000",
      recoverableGrantedFen: "3000000",
      recoveredFen: "300000",
    });

    expect(view.pending.rows.map((r) => [r.claimId, r.reservedFen, r.ledgerPendingFen])).toEqual([[claimB, "2000000", "2000000"]]);
    expect(view.poolHistory.days.at(-1)).toBe(today);
    expect(view.poolHistory.postedFen.at(-1)).toBe("77300000");

    // The day before: nothing had moved yet.
    const before = (await load<AccountsData>(accountsRoute, `/app/ledger?fund=${fundId}&day=${yesterday}`, regulator)).data!.view!;
    expect(before.own.every((l) => l.debitsPostedFen === "0" && l.creditsPostedFen === "0" && l.debitsPendingFen === "0")).toBe(true);
    expect(before.poolHistory.postedFen.at(-1)).toBe("0");
  });

  it("at a past moment is what the account's transfers up to it add up to", async () => {
    const pool = await accountId("fund", fundId, "FUND_POOL");
    const past = await balanceAt(ledger, pool, afterFirstContribution);
    const expected = await replay(pool, afterFirstContribution);
    expect([past.credits_posted, past.debits_posted, past.debits_pending]).toEqual([expected.creditsPosted, expected.debitsPosted, expected.debitsPending]);
    expect(past.credits_posted).toBe(50_000_000n);
    expect((await balanceAt(ledger, pool, afterFirstContribution - 1n)).credits_posted).toBe(0n);
  });
});

describe("the transfers page", () => {
  it("lists every transfer newest first, each with its reason and a link to its business record, page by page", async () => {
    const committed = await prisma.ledgerTransferRef.findMany({
      where: { state: "COMMITTED" },
      select: { transferId: true, businessType: true, businessId: true },
    });
    const { status, data } = await load<TransfersData>(transfersRoute, `/app/ledger/transfers?fund=${fundId}&loans=1&pageSize=200`, regulator);
    expect(status).toBe(200);
    const rows = data!.page!.rows;
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(committed.map((r) => r.transferId)));
    expect(rows).toHaveLength(committed.length);
    expect(data!.page!.nextBefore).toBeNull();
    for (let i = 1; i < rows.length; i++) expect(BigInt(rows[i - 1]!.timestampNs) > BigInt(rows[i]!.timestampNs)).toBe(true);

    const expectedHref = (type: string, id: string) =>
      ({
        loan: `/app/applications/${id === loanA.id ? loanA.applicationId : loanB.applicationId}#loan`,
        repayment: `/app/applications/${loanA.applicationId}#loan`,
        claim: `/app/claims/${id}`,
        "claim-decision": `/app/claims/${id}`,
        contribution: `/app/funds/${fundId}`,
        fund: `/app/funds/${fundId}`,
        recovery: `/app/claims/${claimA}`,
        "fund-loan-cap": `/app/applications/${id.endsWith(loanA.id) ? loanA.applicationId : loanB.applicationId}#loan`,
        "fund-bank-year-cap": `/app/funds/${fundId}`,
      })[type];
    for (const row of rows) {
      const ref = committed.find((r) => r.transferId === row.id)!;
      expect(row.business).toEqual({ type: ref.businessType, id: ref.businessId, href: expectedHref(ref.businessType, ref.businessId) });
      expect(row.codeName).not.toBeNull();
      expect(row.debit).not.toBeNull();
      expect(row.credit).not.toBeNull();
    }
    // The contributions: the treasury to the pool, their value dates, posted.
    const contributions = rows.filter((r) => r.code === TRANSFER_CODES.FUND_CONTRIBUTION);
    expect(contributions.map((r) => [r.debit!.purpose, r.credit!.purpose, r.amountFen, r.valueDate, r.status])).toEqual([
      ["FUND_TREASURY", "FUND_POOL", "30000000", "2026-03-15", "posted"],
      ["FUND_TREASURY", "FUND_POOL", "50000000", "2026-03-01", "posted"],
    ]);
    expect(new Set(contributions.map((r) => r.business!.id))).toEqual(new Set(contributionIds));
    // A's reservation was posted (in part), B's still stands.
    const reservations = rows.filter((r) => r.code === TRANSFER_CODES.CLAIM_COMPENSATION && r.kind === "pending");
    expect(new Map(reservations.map((r) => [r.business!.id, [r.status, r.resolution]]))).toEqual(
      new Map([
        [claimA, ["pending", "posted"]],
        [claimB, ["pending", null]],
      ]),
    );
    const payout = rows.find((r) => r.code === TRANSFER_CODES.CLAIM_COMPENSATION && r.kind === "post")!;
    expect(payout).toMatchObject({ amountFen: "3000000", status: "posted", business: { type: "claim-decision", id: claimA } });
    expect(payout.debit!.owner).toMatchObject({ type: "fund", fundId });
    expect(payout.credit!.owner).toMatchObject({ type: "fund-bank", institutionId: bank.institution!.id });

    // Without the loans' own accounts: the disbursements and repayments drop out.
    const fundOnly = (await load<TransfersData>(transfersRoute, `/app/ledger/transfers?fund=${fundId}&pageSize=200`, regulator)).data!.page!.rows;
    expect(fundOnly).toHaveLength(committed.filter((r) => r.businessType !== "loan" && r.businessType !== "repayment").length);

    // Page by page (three at a time) gives the same transfers in the same order.
    const paged: string[] = [];
    let before: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page: TransfersData["page"] = (
        await load<TransfersData>(transfersRoute, `/app/ledger/transfers?fund=${fundId}&loans=1&pageSize=3${before ? `&before=${before}` : ""}`, regulator)
      ).data!.page!;
      expect(page.rows.length).toBeLessThanOrEqual(3);
      paged.push(...page.rows.map((r) => r.id));
      before = page.nextBefore;
      if (!before) break;
    }
    expect(paged).toEqual(rows.map((r) => r.id));

    // Filtered by code: only the claim's compensation legs (reservations, payout, release).
    const byCode = (await load<TransfersData>(transfersRoute, `/app/ledger/transfers?fund=${fundId}&code=${TRANSFER_CODES.CLAIM_COMPENSATION}`, regulator))
      .data!.page!.rows;
    expect(byCode.map((r) => r.kind).sort()).toEqual(["pending", "pending", "post"]);
    // Filtered by day: nothing moved before today.
    expect((await load<TransfersData>(transfersRoute, `/app/ledger/transfers?fund=${fundId}&to=${yesterday}`, regulator)).data!.page!.rows).toEqual([]);
  });
});

describe("reconciliation", () => {
  it("finds no difference when the ledger and the records agree, and exactly the one a record was altered by", async () => {
    const clean = await reconcileLedger(prisma, ledger);
    expect(clean.differences).toEqual([]);
    expect([clean.differenceCount, clean.notYetPostedCount]).toEqual([0, 0]);
    expect(clean.checked).toMatchObject({ loans: 2, funds: 1, recoveries: 1 });
    expect(clean.inFlight).toEqual({ loans: 0, funds: 0, recoveries: 0 });

    // A claim's approved amount changed behind the ledger's back.
    await prisma.claim.update({ where: { id: claimA }, data: { approvedFen: 3_100_000n } });
    const claimTampered = await reconcileLedger(prisma, ledger);
    expect(claimTampered.differenceCount).toBe(1);
    expect(claimTampered.differences).toMatchObject([
      { kind: "poolDebitsPosted", severity: "difference", subjectType: "fund", subjectId: fundId, ledgerFen: 3_000_000n, recordsFen: 3_100_000n },
    ]);
    const page = await load<ReconciliationData>(reconciliationRoute, "/app/ledger/reconciliation", regulator);
    expect(page.data).toMatchObject({
      differenceCount: 1,
      rows: [{ kind: "poolDebitsPosted", ledgerFen: "3000000", recordsFen: "3100000", gapFen: "-100000" }],
    });
    await prisma.claim.update({ where: { id: claimA }, data: { approvedFen: 3_000_000n } });

    // A loan's outstanding principal changed behind the ledger's back.
    await prisma.loan.update({ where: { id: loanB.id }, data: { outstandingPrincipalFen: 4_900_000n } });
    const loanTampered = await reconcileLedger(prisma, ledger);
    expect(loanTampered.differences).toMatchObject([
      {
        kind: "loanPrincipal",
        subjectType: "loan",
        subjectId: loanB.id,
        ledgerFen: 5_000_000n,
        recordsFen: 4_900_000n,
        href: `/app/applications/${loanB.applicationId}#loan`,
      },
    ]);
    expect(loanTampered.differenceCount).toBe(1);
    await prisma.loan.update({ where: { id: loanB.id }, data: { outstandingPrincipalFen: 5_000_000n } });

    expect((await reconcileLedger(prisma, ledger)).differenceCount).toBe(0);
    const agreed = await load<ReconciliationData>(reconciliationRoute, "/app/ledger/reconciliation", regulator);
    expect(agreed.data).toMatchObject({ differenceCount: 0, notYetPostedCount: 0, rows: [] });
  });
});

describe("CSV exports", () => {
  const csv = async (report: string, query: string, locale: "zh-CN" | "en" = "zh-CN") => {
    const context = routeContext(regulator);
    context.set(localeContext, locale);
    const response = (await exportRoute.loader({
      request: new Request(`http://localhost/app/ledger/export/${report}${query}`),
      context,
      params: { report },
    } as never)) as Response;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    return { response, bom: [...bytes.slice(0, 3)], rows: parse(text.slice(1)) as string[][] };
  };

  it("carry a BOM, headers in the user's language, money in 元 and in 分, one row per account or transfer", async () => {
    const accounts = await csv("accounts", `?fund=${fundId}&day=${today}`);
    expect(accounts.bom).toEqual([0xef, 0xbb, 0xbf]);
    expect(accounts.response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const disposition = accounts.response.headers.get("Content-Disposition")!;
    expect(disposition).toContain(`ledger-accounts-${fundId.slice(0, 8)}-${today}.csv`);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe(`资金账本-账户余额-盘锦市中小微企业贷款风险补偿资金-${today}.csv`);
    const [header, ...lines] = accounts.rows;
    expect(header).toContain("余额（元）");
    expect(header).toContain("余额（分）");
    expect(lines).toHaveLength(await prisma.ledgerAccountRef.count({ where: { OR: [{ ownerId: fundId }, { ownerId: { startsWith: `${fundId}:` } }] } }));
    const pool = lines.find((l) => l[header!.indexOf("账户用途")] === "资金池")!;
    expect([pool[header!.indexOf("余额（元）")], pool[header!.indexOf("余额（分）")]]).toEqual(["773000.00", "77300000"]);
    expect(pool[header!.indexOf("账户归属")]).toBe("盘锦市中小微企业贷款风险补偿资金 · 资金池");

    const english = await csv("accounts", `?fund=${fundId}&day=${today}`, "en");
    expect(english.rows[0]).toContain("Balance (yuan)");
    expect(english.rows[0]).toContain("Balance (fen)");

    const committed = await prisma.ledgerTransferRef.count({ where: { state: "COMMITTED" } });
    const transfers = await csv("transfers", `?fund=${fundId}&loans=1`);
    expect(transfers.bom).toEqual([0xef, 0xbb, 0xbf]);
    const [th, ...trows] = transfers.rows;
    expect(trows).toHaveLength(committed);
    const contribution = trows.find((r) => r[th!.indexOf("金额（分）")] === "50000000")!;
    expect(contribution[th!.indexOf("金额（元）")]).toBe("500000.00");
    expect(contribution[th!.indexOf("交易原因")]).toBe("财政拨付入池");
    expect(contribution[th!.indexOf("起息日")]).toBe("2026-03-01");
    expect(contribution[th!.indexOf("链接")]).toBe(`/app/funds/${fundId}`);

    const reconciliation = await csv("reconciliation", "");
    expect(reconciliation.bom).toEqual([0xef, 0xbb, 0xbf]);
    expect(reconciliation.rows).toHaveLength(1); // the header: nothing differs

    const unknown = await outcome(() =>
      exportRoute.loader({ request: new Request("http://localhost/app/ledger/export/x"), context: routeContext(regulator), params: { report: "x" } } as never),
    );
    expect(unknown.status).toBe(404);
  });
});

describe("access", () => {
  it("is the regulator's alone: the finance office, a bank and an SME get 403 on every page and export", async () => {
    const sme = await makeActor("sme");
    for (const actor of [office, bank, sme]) {
      expect((await load(accountsRoute, `/app/ledger?fund=${fundId}`, actor)).status).toBe(403);
      expect((await load(transfersRoute, `/app/ledger/transfers?fund=${fundId}`, actor)).status).toBe(403);
      expect((await load(reconciliationRoute, "/app/ledger/reconciliation", actor)).status).toBe(403);
      for (const report of ["accounts", "transfers", "reconciliation"]) {
        expect((await load(exportRoute, `/app/ledger/export/${report}?fund=${fundId}`, actor, { report })).status).toBe(403);
      }
    }
    expect((await load(accountsRoute, `/app/ledger?fund=${crypto.randomUUID()}`, regulator)).status).toBe(404);
  });
});

describe("postings that never reached the ledger", () => {
  it("are 'not yet posted' while prepared, and a difference once the ledger refuses them", async () => {
    const later = new Date(Date.now() + 10 * 60_000);
    const [transferId] = await prisma.$transaction((tx) =>
      preparePostings(tx, [
        {
          businessType: "contribution",
          businessId: contributionIds[0]!,
          transfer: { debit_account_id: 1n, credit_account_id: 2n, amount: 1n, ledger: LEDGER_CNY, code: TRANSFER_CODES.FUND_CONTRIBUTION },
        },
      ]),
    );
    // Recent postings are on their way; after 5 minutes they are reported.
    expect((await reconcileLedger(prisma, ledger)).notYetPostedCount).toBe(0);
    const waiting = await reconcileLedger(prisma, ledger, { now: later });
    expect([waiting.differenceCount, waiting.notYetPostedCount]).toEqual([0, 1]);
    expect(waiting.differences).toMatchObject([{ kind: "postingNotPosted", subjectId: transferId!.toString(), href: `/app/funds/${fundId}` }]);
    await submitPostings(prisma, ledger);
    const refused = await reconcileLedger(prisma, ledger, { now: later });
    expect([refused.differenceCount, refused.notYetPostedCount]).toEqual([1, 0]);
    expect(refused.differences).toMatchObject([
      { kind: "postingFailed", severity: "difference", detail: `contribution:${contributionIds[0]} · debit_account_not_found` },
    ]);
  });
});

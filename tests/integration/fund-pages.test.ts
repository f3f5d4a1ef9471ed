/**
 * The finance office's fund pages, through their loaders and actions as the
 * browser reaches them: a fund created from the list page, contributions
 * recorded once per treasury reference, new rules versions, banks suspended
 * and reinstated; the balances shown are the ledger's own; bad input is
 * refused with field errors and writes nothing; no other role gets in.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { ROLE_KEYS } from "~/domain/access/permissions";
import { decideClaim, fileClaim, recordRecovery } from "~/domain/fund/claims.server";
import { getLedger } from "~/domain/ledger/ledger.server";
import { closeQueues } from "~/jobs/enqueue.server";
import * as fundPage from "~/routes/app/fund";
import * as fundsPage from "~/routes/app/funds";
import { ensureCsrfToken, verifyCsrf } from "~/web/csrf.server";
import { makeActor, makeDefaultedLoan, makeProduct, outcome, routeContext } from "../helpers";

let office: Actor;
let bank: Actor;
let otherBank: Actor;
let listedA: string;
let listedB: string;
let draft: string;
let csrf: { token: string; cookie: string };

type Body = Record<string, string | string[]>;
type Reply = { status: number; body: Record<string, unknown>; location?: string };

/** A form post as the browser sends it: urlencoded, with the CSRF cookie and the same token in the `csrf` field. */
function post(path: string, body: Body): Request {
  const form = new URLSearchParams({ csrf: csrf.token });
  for (const [k, v] of Object.entries(body)) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
  return new Request(`http://localhost:3000${path}`, {
    method: "POST",
    body: form,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: csrf.cookie, Origin: "http://localhost:3000", Host: "localhost:3000" },
  });
}

/** What the browser gets back: the status, the JSON body of `data(...)` or a plain return, or the redirect's target. */
async function reply(call: () => Promise<unknown>): Promise<Reply> {
  const got = await outcome(call);
  const value = got.data as { type?: string; data?: unknown; init?: { status?: number } } | undefined;
  if (value && value.type === "DataWithResponseInit") return { status: value.init?.status ?? 200, body: value.data as Record<string, unknown> };
  return { status: got.status, body: (got.data ?? {}) as Record<string, unknown>, location: got.location };
}

const listLoader = (actor: Actor | null, query = "") =>
  reply(() => fundsPage.loader({ request: new Request(`http://localhost:3000/app/funds${query}`), context: routeContext(actor), params: {} } as never));
const createAction = (actor: Actor | null, body: Body) =>
  reply(() => fundsPage.action({ request: post("/app/funds", body), context: routeContext(actor), params: {} } as never));
const fundLoader = (actor: Actor | null, fundId: string, query = "") =>
  reply(() =>
    fundPage.loader({ request: new Request(`http://localhost:3000/app/funds/${fundId}${query}`), context: routeContext(actor), params: { fundId } } as never),
  );
const fundAction = (actor: Actor | null, fundId: string, body: Body) =>
  reply(() => fundPage.action({ request: post(`/app/funds/${fundId}`, body), context: routeContext(actor), params: { fundId } } as never));

type Balances = { budgetFen: string; contributedFen: string; availableFen: string; reservedFen: string; paidFen: string; recoveredFen: string };
type FundView = {
  balances: Balances;
  rules: { version: number; ratioBps: number; capPerLoanFen: string; capPerBankYearFen: string; productIds: string[] }[];
  contributions: { total: number; rows: { reference: string; amountFen: string; posting: string }[] };
  banks: { id: string; loansEnrolled: number; claims: number; reservedFen: string; paidFen: string; capFen: string; suspension: { reason: string } | null }[];
  products: { id: string }[];
};

const formErrors = (r: Reply) => ((r.body.result as { error?: Record<string, string[]> }).error ?? {}) as Record<string, string[]>;

/** Everything a refused submission must leave untouched. */
const footprint = async () => ({
  funds: await prisma.fund.count(),
  rules: await prisma.fundRuleVersion.count(),
  contributions: await prisma.fundContribution.count(),
  suspensions: await prisma.fundBankSuspension.count(),
  audit: await prisma.auditLog.count(),
  accounts: await prisma.ledgerAccountRef.count(),
  transfers: await prisma.ledgerTransferRef.count(),
});

const createBody = (over: Body = {}): Body => ({
  nameZh: "盘锦市中小微企业贷款风险补偿资金",
  nameEn: "Panjin SME loan risk-compensation fund",
  validFrom: "2026-01-01",
  validTo: "2028-12-31",
  budget: "1,000,000",
  ratio: "40",
  capPerLoan: "50000",
  capPerBankYear: "2000000",
  productIds: [listedA, listedB],
  ...over,
});

async function createFund(over: Body = {}): Promise<string> {
  // A product is enrolled in one fund at a time: each fund made here takes the two test products over.
  await prisma.product.updateMany({ where: { id: { in: [listedA, listedB] } }, data: { fundId: null } });
  const created = await createAction(office, createBody(over));
  expect(created.status).toBe(302);
  const match = /^\/app\/funds\/([0-9a-f-]{36})\?done=created$/.exec(created.location ?? "");
  expect(match).not.toBeNull();
  return match![1]!;
}

/** The pool and treasury as the ledger holds them. */
async function ledgerAccount(fundId: string, purpose: "FUND_POOL" | "FUND_TREASURY") {
  const ref = await prisma.ledgerAccountRef.findUniqueOrThrow({ where: { ownerType_ownerId_purpose: { ownerType: "fund", ownerId: fundId, purpose } } });
  const [account] = await (await getLedger()).lookupAccounts([BigInt(ref.accountId)]);
  return account!;
}

const defaultedLoan = (fundId: string, productId: string, principalFen: bigint) =>
  makeDefaultedLoan({ fundId, institutionId: bank.institution!.id, principalFen, productId });

beforeAll(async () => {
  const { token, setCookie } = await ensureCsrfToken(new Request("http://localhost:3000/"));
  csrf = { token, cookie: setCookie!.split(";")[0]! };
  office = await makeActor("finance_office");
  bank = await makeActor("bank_admin");
  otherBank = await makeActor("bank_admin");
  listedA = (await makeProduct(bank.institution!.id, bank.userId, "税易贷（风险补偿）")).id;
  listedB = (await makeProduct(otherBank.institution!.id, otherBank.userId, "科创信用贷")).id;
  draft = (await makeProduct(bank.institution!.id, bank.userId, "未上架草稿产品", "DRAFT")).id;
});

afterAll(async () => {
  await closeQueues();
});

describe("the funds list and the create form", () => {
  it("the test posts carry a CSRF token the root middleware accepts", async () => {
    expect(await verifyCsrf(post("/app/funds", {}))).toBe(true);
  });

  it("is empty at first, offers listed products only with their bank, and creating a fund redirects to it", async () => {
    const empty = await listLoader(office);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ total: 0, rows: [] });
    const offered = empty.body.products as { id: string; bankNameZh: string }[];
    expect(offered.map((p) => p.id)).toEqual(expect.arrayContaining([listedA, listedB]));
    expect(offered.map((p) => p.id)).not.toContain(draft);
    expect(offered.find((p) => p.id === listedA)?.bankNameZh).toBe(bank.institution!.nameZh);

    const fundId = await createFund();
    const fund = await prisma.fund.findUniqueOrThrow({ where: { id: fundId }, include: { ruleVersions: true } });
    expect(fund).toMatchObject({ nameZh: "盘锦市中小微企业贷款风险补偿资金", budgetFen: 100_000_000n, managedByInstitutionId: office.institution!.id });
    expect(fund.validFrom.toISOString().slice(0, 10)).toBe("2026-01-01");
    expect(fund.validTo.toISOString().slice(0, 10)).toBe("2028-12-31");
    expect(fund.ruleVersions).toHaveLength(1);
    expect(fund.ruleVersions[0]).toMatchObject({
      version: 1,
      compensationRatioBps: 4_000,
      capPerLoanFen: 5_000_000n,
      capPerBankYearFen: 200_000_000n,
    });
    expect([...fund.ruleVersions[0]!.eligibleProductIds].sort()).toEqual([listedA, listedB].sort());
    expect(await prisma.auditLog.count({ where: { entityType: "fund", entityId: fundId, action: "fund.created" } })).toBe(1);

    const list = await listLoader(office);
    expect(list.body.total).toBe(1);
    const row = (list.body.rows as { id: string; validFrom: string; validTo: string; balances: Balances }[])[0]!;
    expect(row).toMatchObject({ id: fundId, validFrom: "2026-01-01", validTo: "2028-12-31" });
    expect(row.balances).toMatchObject({ budgetFen: "100000000", contributedFen: "0", availableFen: "0", reservedFen: "0", paidFen: "0", recoveredFen: "0" });
  });

  it("refuses bad input with field errors and writes nothing", async () => {
    const before = await footprint();
    const cases: [Body, string, string][] = [
      [{ budget: "-100" }, "budget", "invalidMoney"],
      [{ budget: "0" }, "budget", "amountPositive"],
      [{ ratio: "0" }, "ratio", "fund.ratioOutOfRange"],
      [{ ratio: "120" }, "ratio", "fund.ratioOutOfRange"],
      [{ ratio: "forty" }, "ratio", "fund.invalidRatio"],
      [{ validFrom: "2027-01-01", validTo: "2026-12-31" }, "validTo", "fund.periodInverted"],
      [{ validTo: "2026-02-30" }, "validTo", "invalidDate"],
      [{ capPerLoan: "0" }, "capPerLoan", "amountPositive"],
      [{ nameZh: "  " }, "nameZh", "required"],
      [{ productIds: ["not-a-product"] }, "productIds[0]", "invalidChoice"],
    ];
    for (const [over, field, message] of cases) {
      const refused = await createAction(office, createBody(over));
      expect(refused.status, JSON.stringify(over)).toBe(400);
      expect(formErrors(refused)[field], JSON.stringify(over)).toEqual([message]);
    }
    expect(await footprint()).toEqual(before);
  });
});

describe("one fund's page", () => {
  let fundId: string;

  beforeAll(async () => {
    fundId = await createFund({ nameZh: "测试资金（详情页）", budget: "500000" });
  });

  it("records a contribution once per treasury reference, and refuses the reference reused or the budget exceeded", async () => {
    const first = await fundAction(office, fundId, { intent: "contribute", amount: "300,000", receivedOn: "2026-03-02", reference: "GK-2026-0001" });
    expect(first.status).toBe(200);
    expect(first.body.notice).toEqual({ kind: "contributionRecorded", amountFen: "30000000", state: "COMMITTED" });

    const again = await fundAction(office, fundId, { intent: "contribute", amount: "300000", receivedOn: "2026-03-02", reference: "GK-2026-0001" });
    expect(again.status).toBe(200);
    expect(again.body.notice).toMatchObject({ kind: "contributionReplayed" });
    expect(await prisma.fundContribution.count({ where: { fundId } })).toBe(1);

    const before = await footprint();
    const reused = await fundAction(office, fundId, { intent: "contribute", amount: "1000", receivedOn: "2026-03-02", reference: "GK-2026-0001" });
    expect(reused.status).toBe(409);
    expect(formErrors(reused)[""]).toEqual(["fund.referenceReused"]);
    const beyond = await fundAction(office, fundId, { intent: "contribute", amount: "200000.01", receivedOn: "2026-03-03", reference: "GK-2026-0002" });
    expect(beyond.status).toBe(422);
    expect(formErrors(beyond)[""]?.[0]).toMatch(/^fund\.beyondBudget/);
    const zero = await fundAction(office, fundId, { intent: "contribute", amount: "0", receivedOn: "2026-03-03", reference: "GK-2026-0003" });
    expect(zero.status).toBe(400);
    expect(formErrors(zero).amount).toEqual(["amountPositive"]);
    const future = await fundAction(office, fundId, { intent: "contribute", amount: "1", receivedOn: "2099-01-01", reference: "GK-2026-0004" });
    expect(formErrors(future).receivedOn).toEqual(["futureDate"]);
    const noReference = await fundAction(office, fundId, { intent: "contribute", amount: "1", receivedOn: "2026-03-03", reference: "" });
    expect(formErrors(noReference).reference).toEqual(["required"]);
    expect(await footprint()).toEqual(before);

    const page = (await fundLoader(office, fundId)).body as unknown as FundView;
    expect(page.contributions.total).toBe(1);
    expect(page.contributions.rows).toEqual([expect.objectContaining({ reference: "GK-2026-0001", amountFen: "30000000", posting: "COMMITTED" })]);
    expect(page.balances).toMatchObject({ budgetFen: "50000000", contributedFen: "30000000", availableFen: "30000000" });
  });

  it("shows the ledger's own balances once claims are reserved, paid and recovered, and each bank's year against its cap", async () => {
    // Two claims of 40 % of ¥100,000 = ¥40,000 reserved each; one approved at ¥30,000; ¥10,000 recovered shares back ¥3,000.
    const paidLoan = await defaultedLoan(fundId, listedA, 10_000_000n);
    const openLoan = await defaultedLoan(fundId, listedA, 10_000_000n);
    const claimInput = { lossFen: 10_000_000n, recoveryActions: "已起诉，申请强制执行", evidence: ["判决书"] };
    const paidClaim = await fileClaim({ actor: bank, loanId: paidLoan.id, input: claimInput, ip: null });
    const openClaim = await fileClaim({ actor: bank, loanId: openLoan.id, input: claimInput, ip: null });
    expect([paidClaim.status, openClaim.status]).toEqual(["RESERVED", "RESERVED"]);
    await decideClaim({ actor: office, claimId: paidClaim.id, decision: { kind: "approve", approvedFen: 3_000_000n }, ip: null });
    const recovery = await recordRecovery({
      actor: bank,
      loanId: paidLoan.id,
      input: { amountFen: 1_000_000n, receivedOn: "2026-06-01" },
      idempotencyKey: "rec-1",
      ip: null,
    });
    expect(recovery.fundShareFen).toBe(300_000n);

    const pool = await ledgerAccount(fundId, "FUND_POOL");
    const treasury = await ledgerAccount(fundId, "FUND_TREASURY");
    const page = (await fundLoader(office, fundId)).body as unknown as FundView;
    expect(page.balances).toEqual({
      budgetFen: "50000000",
      contributedFen: treasury.debits_posted.toString(),
      budgetRoomFen: (treasury.credits_posted - treasury.debits_posted - treasury.debits_pending).toString(),
      availableFen: (pool.credits_posted - pool.debits_posted - pool.debits_pending).toString(),
      reservedFen: pool.debits_pending.toString(),
      paidFen: pool.debits_posted.toString(),
      recoveredFen: (pool.credits_posted - treasury.debits_posted).toString(),
    });
    // And those are the business figures: ¥300,000 + ¥3,000 − ¥30,000 paid − ¥40,000 reserved.
    expect(page.balances).toMatchObject({
      contributedFen: "30000000",
      budgetRoomFen: "20000000",
      availableFen: "23300000",
      reservedFen: "4000000",
      paidFen: "3000000",
      recoveredFen: "300000",
    });
    const approved = await prisma.claim.aggregate({ where: { fundId, status: { in: ["APPROVED", "PARTIALLY_APPROVED"] } }, _sum: { approvedFen: true } });
    expect(page.balances.paidFen).toBe(approved._sum.approvedFen!.toString());

    // The list shows the same figures as the fund's page.
    const list = await listLoader(office);
    const row = (list.body.rows as { id: string; balances: Balances }[]).find((r) => r.id === fundId)!;
    expect(row.balances).toEqual(page.balances);

    const mine = page.banks.find((b) => b.id === bank.institution!.id)!;
    expect(mine).toMatchObject({ loansEnrolled: 2, claims: 2, reservedFen: "4000000", paidFen: "3000000", capFen: "200000000", suspension: null });
    const other = page.banks.find((b) => b.id === otherBank.institution!.id)!;
    expect(other).toMatchObject({ loansEnrolled: 0, claims: 0, reservedFen: "0", paidFen: "0", capFen: "200000000" });
  });

  it("issues a new rules version from the current one, once: the same form sent again is refused", async () => {
    const page = (await fundLoader(office, fundId)).body as unknown as FundView;
    expect(page.rules.map((r) => r.version)).toEqual([1]);
    const body = { intent: "rules", baseVersion: "1", ratio: "35.5%", capPerLoan: "40000", capPerBankYear: "1500000", productIds: [listedA] };
    const set = await fundAction(office, fundId, body);
    expect(set.status).toBe(200);
    expect(set.body.notice).toEqual({ kind: "rulesSet", version: 2 });

    const before = await footprint();
    const resent = await fundAction(office, fundId, body);
    expect(resent.status).toBe(409);
    expect(formErrors(resent)[""]).toEqual(['fund.rulesChanged|{"version":2}']);
    const bad = await fundAction(office, fundId, { ...body, baseVersion: "2", ratio: "0", capPerLoan: "-1" });
    expect(bad.status).toBe(400);
    expect(formErrors(bad)).toMatchObject({ ratio: ["fund.ratioOutOfRange"], capPerLoan: ["invalidMoney"] });
    expect(await footprint()).toEqual(before);

    const after = (await fundLoader(office, fundId)).body as unknown as FundView;
    expect(after.rules.map((r) => r.version)).toEqual([2, 1]);
    expect(after.rules[0]).toMatchObject({ ratioBps: 3_550, capPerLoanFen: "4000000", capPerBankYearFen: "150000000", productIds: [listedA] });
    expect(await prisma.auditLog.count({ where: { entityId: fundId, action: "fund.rules-set" } })).toBe(1);
  });

  it("suspends a bank with a reason and reinstates it, each once", async () => {
    const institutionId = otherBank.institution!.id;
    const before = await footprint();
    const noReason = await fundAction(office, fundId, { intent: "suspend", institutionId, reason: " " });
    expect(noReason.status).toBe(400);
    expect(formErrors(noReason).reason).toEqual(["required"]);
    expect(noReason.body.target).toBe(institutionId);
    expect(await footprint()).toEqual(before);

    const suspended = await fundAction(office, fundId, { intent: "suspend", institutionId, reason: "违规发放补偿范围外贷款，暂停资格待整改" });
    expect(suspended.body.notice).toEqual({ kind: "suspended", institutionId });
    const twice = await fundAction(office, fundId, { intent: "suspend", institutionId, reason: "再次提交" });
    expect(twice.body.notice).toEqual({ kind: "unchanged", institutionId });
    let page = (await fundLoader(office, fundId)).body as unknown as FundView;
    expect(page.banks.find((b) => b.id === institutionId)?.suspension).toMatchObject({ reason: "违规发放补偿范围外贷款，暂停资格待整改" });
    expect(page.banks.find((b) => b.id === bank.institution!.id)?.suspension).toBeNull();

    const reinstated = await fundAction(office, fundId, { intent: "reinstate", institutionId, reason: "已完成整改" });
    expect(reinstated.body.notice).toEqual({ kind: "reinstated", institutionId });
    page = (await fundLoader(office, fundId)).body as unknown as FundView;
    expect(page.banks.find((b) => b.id === institutionId)?.suspension).toBeNull();
    const audits = await prisma.auditLog.findMany({
      where: { entityId: fundId, action: { in: ["fund.bank-suspended", "fund.bank-reinstated"] } },
      orderBy: { seq: "asc" },
    });
    expect(audits.map((a) => a.action)).toEqual(["fund.bank-suspended", "fund.bank-reinstated"]);
  });

  it("is not found for an unknown or malformed fund id", async () => {
    expect((await fundLoader(office, crypto.randomUUID())).status).toBe(404);
    expect((await fundLoader(office, "nope")).status).toBe(404);
    expect((await fundAction(office, crypto.randomUUID(), { intent: "contribute", amount: "1", receivedOn: "2026-03-03", reference: "GK-X" })).status).toBe(
      404,
    );
  });

  it("is the finance office's to run: every other role gets 403 (a regulator may read the fund, never act), and no one signed in is sent to sign in", async () => {
    const before = await footprint();
    for (const role of ROLE_KEYS.filter((r) => r !== "finance_office")) {
      const actor = await makeActor(role);
      expect((await listLoader(actor)).status, role).toBe(403);
      expect((await createAction(actor, createBody())).status, role).toBe(403);
      const read = await fundLoader(actor, fundId);
      if (role === "regulator") {
        expect(read.status, role).toBe(200);
        expect(read.body.canManage).toBe(false);
      } else {
        expect(read.status, role).toBe(403);
      }
      expect((await fundAction(actor, fundId, { intent: "contribute", amount: "1", receivedOn: "2026-03-03", reference: `GK-${role}` })).status, role).toBe(
        403,
      );
      expect((await fundAction(actor, fundId, { intent: "suspend", institutionId: bank.institution!.id, reason: "越权尝试" })).status, role).toBe(403);
    }
    const anonymous = await listLoader(null);
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toMatch(/^\/sign-in\?redirectTo=/);
    expect((await fundAction(null, fundId, { intent: "rules" })).status).toBe(302);
    // makeActor writes users and institutions only: nothing of any fund changed, nothing audited against one.
    expect(await footprint()).toEqual(before);
  });
});

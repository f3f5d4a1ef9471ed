/**
 * The claim pages (PRODUCT.md §3.7) as their users drive them: a bank files a
 * claim for a defaulted enrolled loan through the filing page, the finance
 * office approves it in part, the bank records a recovery and sees the fund's
 * share; another bank sees none of it, a bank cannot decide, bad input writes
 * nothing, and every form post passes the root middleware's CSRF check.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RouterContextProvider } from "react-router";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { createSession, sessionSetCookie } from "~/domain/auth/session.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { closeQueues } from "~/jobs/enqueue.server";
import * as root from "~/root";
import * as claimPage from "~/routes/app/claim";
import * as claimNew from "~/routes/app/claim-new";
import * as claimsPage from "~/routes/app/claims";
import { ensureCsrfToken } from "~/web/csrf.server";
import { makeActor, makeDefaultedLoan, makeFund, outcome, routeContext } from "../helpers";

type Module = { loader: (args: never) => Promise<unknown>; action?: (args: never) => Promise<unknown> };
type ClaimData = Awaited<ReturnType<typeof claimPage.loader>>;
type NewData = Awaited<ReturnType<typeof claimNew.loader>>;
type ListData = Awaited<ReturnType<typeof claimsPage.loader>>;
type ActionResult = { result: { status?: string; error?: Record<string, string[] | null> | null }; done?: string | null };

let office: Actor;
let bank: Actor;
let otherBank: Actor;
let officer: Actor;
let regulator: Actor;
let csrf: { token: string; cookie: string };

const newFund = async (poolFen: bigint) => (await makeFund({ office, bank, poolFen })).fundId;

const defaultedLoan = (fundId: string, owner: Actor = bank, principalFen = 10_000_000n) =>
  makeDefaultedLoan({ fundId, institutionId: owner.institution!.id, principalFen });

function load(module: Module, actor: Actor | null, path: string, params: Record<string, string> = {}) {
  return outcome(() => module.loader({ request: new Request(`http://localhost${path}`), context: routeContext(actor), params } as never));
}

/**
 * A form post as the browser sends it: the signed-in user's session cookie and
 * the CSRF cookie, the form's `csrf` field, through the root middleware (which
 * checks the token and resolves the actor) into the route's action.
 */
async function submit(
  module: Module,
  actor: Actor,
  path: string,
  params: Record<string, string>,
  body: Record<string, string>,
  options: { withToken?: boolean } = {},
) {
  const session = await prisma.$transaction((tx) => createSession(tx, { userId: actor.userId, ip: null, userAgent: null }));
  const cookies = [csrf.cookie, (await sessionSetCookie(session)).split(";")[0]].join("; ");
  const form = new URLSearchParams(options.withToken === false ? body : { csrf: csrf.token, ...body });
  const request = new Request(`http://localhost${path}`, { method: "POST", body: form, headers: { Cookie: cookies, Origin: "http://localhost" } });
  const context = new RouterContextProvider();
  const middleware = root.middleware[0]!;
  const result = await outcome(
    () => middleware({ request, context, params } as never, async () => module.action!({ request, context, params } as never) as never) as Promise<unknown>,
  );
  // `data(body, { status })` reaches the browser as that status with that body.
  const value = result.data as { type?: string; init?: { status?: number } | null; data?: unknown } | undefined;
  if (value?.type === "DataWithResponseInit") return { status: value.init?.status ?? 200, data: value.data };
  return result;
}

const claimOf = (claimId: string) => prisma.claim.findUniqueOrThrow({ where: { id: claimId } });
const writes = async () => ({
  claims: await prisma.claim.count(),
  recoveries: await prisma.recovery.count(),
  postings: await prisma.ledgerTransferRef.count(),
  audit: await prisma.auditLog.count(),
});

beforeAll(async () => {
  office = await makeActor("finance_office");
  bank = await makeActor("bank_admin");
  otherBank = await makeActor("bank_admin");
  officer = await makeActor("loan_officer", { institutionId: bank.institution!.id });
  regulator = await makeActor("regulator");
  const { token, setCookie } = await ensureCsrfToken(new Request("http://localhost/"));
  csrf = { token, cookie: setCookie!.split(";")[0]! };
});

afterAll(async () => {
  await closeQueues();
});

describe("a claim from filing to recovery", () => {
  it("the bank files through the page, the office approves in part, the bank records a recovery and sees the fund's share", async () => {
    const fundId = await newFund(100_000_000n);
    const loan = await defaultedLoan(fundId);

    // The bank's list offers the loan for a claim.
    const before = (await load(claimsPage, bank, "/app/claims")).data as ListData;
    expect(before.side).toBe("bank");
    expect(before.claimable.map((l) => l.id)).toContain(loan.id);

    // The filing page: the loan, the rules it was disbursed under, an estimate of 40 % of the outstanding principal.
    const page = await load(claimNew, bank, `/app/claims/new?loanId=${loan.id}`);
    expect(page.status).toBe(200);
    const filing = page.data as NewData;
    expect(filing).toMatchObject({ blocker: null, estimateFen: "4000000", loan: { outstandingFen: "10000000", daysPastDue: 120 } });
    expect(filing.rule).toMatchObject({ version: 1, ratioBps: 4_000, capPerLoanFen: "100000000" });

    const filed = await submit(
      claimNew,
      bank,
      `/app/claims/new?loanId=${loan.id}`,
      {},
      {
        loanId: loan.id,
        loss: "100,000.00",
        recoveryActions: "2026 年 5 月起诉，已取得胜诉判决，正在申请强制执行。",
        evidence: "贷款合同\n\n 逾期催收记录 \n民事判决书",
      },
    );
    expect(filed.status).toBe(302);
    const claimId = /^\/app\/claims\/([0-9a-f-]{36})\?done=filed$/.exec(filed.location ?? "")?.[1];
    expect(claimId).toBeDefined();
    expect(await claimOf(claimId!)).toMatchObject({
      status: "RESERVED",
      lossFen: 10_000_000n,
      reservedFen: 4_000_000n,
      institutionId: bank.institution!.id,
      evidence: ["贷款合同", "逾期催收记录", "民事判决书"],
    });

    // Filed: no longer offered; listed for the bank and in the office's queue.
    const after = (await load(claimsPage, bank, "/app/claims")).data as ListData;
    expect(after.claimable.map((l) => l.id)).not.toContain(loan.id);
    expect(after.items.map((c) => c.id)).toContain(claimId);
    const queue = (await load(claimsPage, office, "/app/claims")).data as ListData;
    expect(queue).toMatchObject({ side: "office", view: "awaiting" });
    expect(queue.items.find((c) => c.id === claimId)).toMatchObject({ status: "RESERVED", lossFen: "10000000", reservedFen: "4000000", approvedFen: null });

    // The office's page offers the decision; the reservation is in the ledger.
    const forOffice = (await load(claimPage, office, `/app/claims/${claimId}`, { claimId: claimId! })).data as ClaimData;
    expect(forOffice.commands).toEqual(["approveFull", "approvePart", "reject"]);
    expect(forOffice.ledger.reservation).toBe("COMMITTED");
    expect(forOffice.claim.evidence).toEqual(["贷款合同", "逾期催收记录", "民事判决书"]);
    expect(forOffice.ledger.postings.filter((p) => p.stage === "reservation").map((p) => p.kind)).toEqual(["pending", "pending", "pending"]);

    // More than reserved is refused on the amount field, and nothing moves.
    const tooMuch = await submit(
      claimPage,
      office,
      `/app/claims/${claimId}`,
      { claimId: claimId! },
      { intent: "approvePart", amount: "40,000.01", reason: "部分损失已由担保覆盖" },
    );
    expect(tooMuch.status).toBe(422);
    expect((tooMuch.data as ActionResult).result.error?.amount?.[0]).toMatch(/^fund\.approvedOutOfRange/);
    expect((await claimOf(claimId!)).status).toBe("RESERVED");

    const part = await submit(
      claimPage,
      office,
      `/app/claims/${claimId}`,
      { claimId: claimId! },
      { intent: "approvePart", amount: "25,000", reason: "部分损失已由担保覆盖" },
    );
    expect(part.status).toBe(200);
    expect((part.data as ActionResult).done).toBe("approvePart");
    const decided = await claimOf(claimId!);
    expect(decided).toMatchObject({
      status: "PARTIALLY_APPROVED",
      approvedFen: 2_500_000n,
      decisionReason: "部分损失已由担保覆盖",
      decidedById: office.userId,
    });

    // Decided once: a second decision is refused as a conflict (the page reloads to show the decision).
    const again = await submit(claimPage, office, `/app/claims/${claimId}`, { claimId: claimId! }, { intent: "approveFull" });
    expect(again.status).toBe(409);
    expect((again.data as ActionResult).result.error?.[""]?.[0]).toMatch(/^fund\.claimNotReserved/);
    expect((await claimOf(claimId!)).approvedFen).toBe(2_500_000n);

    // The bank's page: the decision, its timeline, and the recovery form.
    const forBank = (await load(claimPage, bank, `/app/claims/${claimId}`, { claimId: claimId! })).data as ClaimData;
    expect(forBank.commands).toEqual(["recover"]);
    expect(forBank.claim).toMatchObject({
      status: "PARTIALLY_APPROVED",
      approvedFen: "2500000",
      releasedFen: "1500000",
      decisionReason: "部分损失已由担保覆盖",
    });
    expect(forBank.claim.decidedBy).toBe("测试用户");
    expect(forBank.ledger.settlement).toBe("COMMITTED");

    // 25,000 paid of a 100,000 loss: a quarter of each recovery goes back to the fund.
    const recovered = await submit(
      claimPage,
      bank,
      `/app/claims/${claimId}`,
      { claimId: claimId! },
      { intent: "recover", commandKey: forBank.commandKey, amount: "10,000", receivedOn: platformToday() },
    );
    expect(recovered.status).toBe(200);
    expect((recovered.data as ActionResult).done).toBe("recover");
    // The same page's key again (a double click): recorded once.
    const twice = await submit(
      claimPage,
      bank,
      `/app/claims/${claimId}`,
      { claimId: claimId! },
      { intent: "recover", commandKey: forBank.commandKey, amount: "10,000", receivedOn: platformToday() },
    );
    expect(twice.status).toBe(200);
    expect(await prisma.recovery.findMany({ where: { loanId: loan.id }, select: { amountFen: true, fundShareFen: true } })).toEqual([
      { amountFen: 1_000_000n, fundShareFen: 250_000n },
    ]);

    const shared = (await load(claimPage, bank, `/app/claims/${claimId}`, { claimId: claimId! })).data as ClaimData;
    expect(shared.sharing).toEqual({ paidFen: "2500000", recoveredFen: "1000000", sharedFen: "250000", recoverableFen: "2250000" });
    expect(shared.recoveries).toMatchObject([{ receivedOn: platformToday(), amountFen: "1000000", fundShareFen: "250000", posting: "COMMITTED" }]);
    expect(shared.ledger.recoveries).toBe("COMMITTED");
    expect(shared.commandKey).not.toBe(forBank.commandKey);

    // The decided tab lists it with what was approved.
    const decidedTab = (await load(claimsPage, office, "/app/claims?view=decided")).data as ListData;
    expect(decidedTab.items.find((c) => c.id === claimId)).toMatchObject({ status: "PARTIALLY_APPROVED", approvedFen: "2500000" });
  }, 60_000);

  it("a claim the ledger refuses is filed REFUSED, and its page says why", async () => {
    const fundId = await newFund(1_000_000n); // ¥10,000 in the pool; the claim would reserve ¥40,000
    const loan = await defaultedLoan(fundId);
    const filed = await submit(
      claimNew,
      bank,
      `/app/claims/new?loanId=${loan.id}`,
      {},
      { loanId: loan.id, loss: "100000", recoveryActions: "已起诉", evidence: "民事判决书" },
    );
    expect(filed.status).toBe(302);
    const claimId = /\/app\/claims\/([0-9a-f-]{36})/.exec(filed.location ?? "")![1]!;
    const page = (await load(claimPage, bank, `/app/claims/${claimId}`, { claimId })).data as ClaimData;
    expect(page.claim).toMatchObject({ status: "REFUSED", refusal: "fund.poolInsufficient" });
    expect(page.ledger.reservation).toBe("FAILED");
    expect(page.commands).toEqual([]);
    // Nothing held: the loan is offered again.
    const list = (await load(claimsPage, bank, "/app/claims?view=refused")).data as ListData;
    expect(list.items.map((c) => c.id)).toContain(claimId);
    expect(list.claimable.map((l) => l.id)).toContain(loan.id);
  }, 60_000);
});

describe("who may see and do what", () => {
  it("another bank gets 404 for the claim and the loan; staff without a claim permission get 403; regulators read and cannot act", async () => {
    const fundId = await newFund(100_000_000n);
    const loan = await defaultedLoan(fundId);
    const filed = await submit(claimNew, bank, "/app/claims/new", {}, { loanId: loan.id, loss: "100000", recoveryActions: "诉讼", evidence: "判决书" });
    const claimId = /\/app\/claims\/([0-9a-f-]{36})/.exec(filed.location ?? "")![1]!;

    expect((await load(claimPage, otherBank, `/app/claims/${claimId}`, { claimId })).status).toBe(404);
    expect((await load(claimNew, otherBank, `/app/claims/new?loanId=${loan.id}`)).status).toBe(404);
    expect((await load(claimNew, bank, "/app/claims/new?loanId=not-a-loan")).status).toBe(404);
    const theirs = (await load(claimsPage, otherBank, "/app/claims?view=all")).data as ListData;
    expect(theirs.items.map((c) => c.id)).not.toContain(claimId);
    expect(theirs.claimable.map((l) => l.id)).not.toContain(loan.id);

    const before = await writes();
    const stranger = await submit(claimNew, otherBank, "/app/claims/new", {}, { loanId: loan.id, loss: "1000", recoveryActions: "诉讼", evidence: "判决书" });
    expect(stranger.status).toBe(404);
    expect(await writes()).toEqual(before);

    for (const actor of [officer]) {
      expect((await load(claimsPage, actor, "/app/claims")).status).toBe(403);
      expect((await load(claimPage, actor, `/app/claims/${claimId}`, { claimId })).status).toBe(403);
      expect((await load(claimNew, actor, `/app/claims/new?loanId=${loan.id}`)).status).toBe(403);
    }
    // The regulator reads every claim behind the fund's ledger, with no command offered, and files none.
    const read = await load(claimPage, regulator, `/app/claims/${claimId}`, { claimId });
    expect(read.status).toBe(200);
    expect((read.data as { commands: string[] }).commands).toEqual([]);
    expect((await load(claimsPage, regulator, "/app/claims")).status).toBe(200);
    expect((await load(claimNew, regulator, `/app/claims/new?loanId=${loan.id}`)).status).toBe(403);
    const refused = await submit(
      claimPage,
      regulator,
      `/app/claims/${claimId}`,
      { claimId },
      { intent: "reject", commandKey: crypto.randomUUID(), reason: "监管不应能驳回" },
    );
    expect(refused.status).toBe(403);
    // The finance office decides; it does not file.
    expect((await load(claimNew, office, `/app/claims/new?loanId=${loan.id}`)).status).toBe(403);
    expect((await load(claimsPage, null, "/app/claims")).status).toBe(302);
  }, 60_000);

  it("a bank cannot decide, not even its own claim, and an office or another bank cannot record a recovery on it", async () => {
    const fundId = await newFund(100_000_000n);
    const loan = await defaultedLoan(fundId);
    const filed = await submit(claimNew, bank, "/app/claims/new", {}, { loanId: loan.id, loss: "100000", recoveryActions: "诉讼", evidence: "判决书" });
    const claimId = /\/app\/claims\/([0-9a-f-]{36})/.exec(filed.location ?? "")![1]!;
    const before = await writes();

    const decisions: Record<string, string>[] = [
      { intent: "approveFull" },
      { intent: "reject", reason: "自己驳回" },
      { intent: "approvePart", amount: "1", reason: "自己批" },
    ];
    for (const body of decisions) {
      const result = await submit(claimPage, bank, `/app/claims/${claimId}`, { claimId }, body);
      expect(result.status).toBe(403);
    }
    expect((await load(claimPage, bank, `/app/claims/${claimId}`, { claimId })).data).toMatchObject({ commands: [] });
    // Not yet approved: the bank's recovery is refused on this page.
    const early = await submit(
      claimPage,
      bank,
      `/app/claims/${claimId}`,
      { claimId },
      { intent: "recover", commandKey: crypto.randomUUID(), amount: "100", receivedOn: platformToday() },
    );
    expect(early.status).toBe(409);
    expect(await writes()).toEqual(before);
    expect((await claimOf(claimId)).status).toBe("RESERVED");

    await submit(claimPage, office, `/app/claims/${claimId}`, { claimId }, { intent: "approveFull" });
    expect((await claimOf(claimId)).status).toBe("APPROVED");
    const afterApproval = await writes();
    const recover = { intent: "recover", amount: "100", receivedOn: platformToday() };
    expect((await submit(claimPage, office, `/app/claims/${claimId}`, { claimId }, { ...recover, commandKey: crypto.randomUUID() })).status).toBe(403);
    expect((await submit(claimPage, otherBank, `/app/claims/${claimId}`, { claimId }, { ...recover, commandKey: crypto.randomUUID() })).status).toBe(404);
    expect(await writes()).toEqual(afterApproval);
  }, 60_000);
});

describe("bad input writes nothing", () => {
  it("refuses a malformed filing, decision or recovery with field errors, and a post without the CSRF token outright", async () => {
    const fundId = await newFund(100_000_000n);
    const loan = await defaultedLoan(fundId);
    const before = await writes();

    const empty = await submit(claimNew, bank, "/app/claims/new", {}, { loanId: loan.id, loss: "abc", recoveryActions: "  ", evidence: "\n \n" });
    expect(empty.status).toBe(400);
    expect((empty.data as ActionResult).result.error).toMatchObject({ loss: ["invalidMoney"], recoveryActions: ["required"], evidence: ["required"] });

    const tooMany = await submit(
      claimNew,
      bank,
      "/app/claims/new",
      {},
      { loanId: loan.id, loss: "0", recoveryActions: "诉讼", evidence: Array.from({ length: 21 }, (_, i) => `材料 ${i + 1}`).join("\n") },
    );
    expect(tooMany.status).toBe(400);
    expect((tooMany.data as ActionResult).result.error).toMatchObject({ loss: ["amountPositive"], evidence: ["tooMany"] });

    // More than the principal outstanding: the domain refuses it, on the loss field.
    const beyond = await submit(claimNew, bank, "/app/claims/new", {}, { loanId: loan.id, loss: "100,000.01", recoveryActions: "诉讼", evidence: "判决书" });
    expect(beyond.status).toBe(422);
    expect((beyond.data as ActionResult).result.error?.loss?.[0]).toMatch(/^fund\.lossBeyondOutstanding/);

    // No CSRF token: refused by the root middleware before the action runs.
    const forged = await submit(
      claimNew,
      bank,
      "/app/claims/new",
      {},
      { loanId: loan.id, loss: "1000", recoveryActions: "诉讼", evidence: "判决书" },
      { withToken: false },
    );
    expect(forged.status).toBe(403);
    expect(await writes()).toEqual(before);

    const filed = await submit(claimNew, bank, "/app/claims/new", {}, { loanId: loan.id, loss: "100000", recoveryActions: "诉讼", evidence: "判决书" });
    const claimId = /\/app\/claims\/([0-9a-f-]{36})/.exec(filed.location ?? "")![1]!;
    // Filing again for the same loan (a double click) lands on the claim already open, and files nothing.
    const reserved = await writes();
    const repeat = await submit(claimNew, bank, "/app/claims/new", {}, { loanId: loan.id, loss: "100000", recoveryActions: "诉讼", evidence: "判决书" });
    expect(repeat).toMatchObject({ status: 302, location: `/app/claims/${claimId}` });
    expect(await writes()).toEqual(reserved);

    const path = `/app/claims/${claimId}`;
    const noReason = await submit(claimPage, office, path, { claimId }, { intent: "reject", reason: " " });
    expect(noReason.status).toBe(400);
    expect((noReason.data as ActionResult).result.error).toMatchObject({ reason: ["required"] });
    const badPart = await submit(claimPage, office, path, { claimId }, { intent: "approvePart", amount: "-5" });
    expect(badPart.status).toBe(400);
    expect((badPart.data as ActionResult).result.error).toMatchObject({ amount: ["invalidMoney"], reason: ["required"] });
    const unknown = await submit(claimPage, office, path, { claimId }, { intent: "approveEverything" });
    expect(unknown.status).toBe(400);
    const forgedDecision = await submit(claimPage, office, path, { claimId }, { intent: "approveFull" }, { withToken: false });
    expect(forgedDecision.status).toBe(403);
    expect(await writes()).toEqual(reserved);
    expect((await claimOf(claimId)).status).toBe("RESERVED");

    await submit(claimPage, office, path, { claimId }, { intent: "approveFull" });
    const approved = await writes();
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const future = await submit(
      claimPage,
      bank,
      path,
      { claimId },
      { intent: "recover", commandKey: crypto.randomUUID(), amount: "100", receivedOn: tomorrow },
    );
    expect(future.status).toBe(400);
    expect((future.data as ActionResult).result.error).toMatchObject({ receivedOn: ["futureDate"] });
    const zero = await submit(
      claimPage,
      bank,
      path,
      { claimId },
      { intent: "recover", commandKey: crypto.randomUUID(), amount: "0", receivedOn: platformToday() },
    );
    expect((zero.data as ActionResult).result.error).toMatchObject({ amount: ["amountPositive"] });
    const noKey = await submit(claimPage, bank, path, { claimId }, { intent: "recover", amount: "100", receivedOn: platformToday() });
    expect(noKey.status).toBe(400);
    expect(await writes()).toEqual(approved);
  }, 60_000);
});

describe("the office's queue", () => {
  it("lists undecided claims oldest deadline first, with those past their deadline marked overdue", async () => {
    const fundId = await newFund(100_000_000n);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const loan = await defaultedLoan(fundId);
      const filed = await submit(claimNew, bank, "/app/claims/new", {}, { loanId: loan.id, loss: "1000", recoveryActions: "诉讼", evidence: "判决书" });
      ids.push(/\/app\/claims\/([0-9a-f-]{36})/.exec(filed.location ?? "")![1]!);
    }
    // The second one's deadline has passed.
    await prisma.claim.update({ where: { id: ids[1] }, data: { decideBy: new Date("2026-01-05T16:00:00Z") } });
    const queue = (await load(claimsPage, office, "/app/claims?view=awaiting&pageSize=100")).data as ListData;
    const mine = queue.items.filter((c) => ids.includes(c.id));
    expect(mine.map((c) => [c.id, c.overdue])).toEqual([
      [ids[1], true],
      [ids[0], false],
    ]);
    expect(queue.overdue).toBeGreaterThanOrEqual(1);
    const page = (await load(claimPage, office, `/app/claims/${ids[1]}`, { claimId: ids[1]! })).data as ClaimData;
    expect(page.claim.overdue).toBe(true);
    expect(page.claim.decisionWorkingDays).toBe(20);
  }, 60_000);
});

/**
 * Applications to loans, against the real database and the embedded ledger:
 * the state machine refuses every illegal step, a command repeated or raced
 * is done once, disbursement creates exactly one loan and one ledger
 * transfer however many identical reports arrive, repayments move the
 * schedule and the ledger together, the sweeps flag overdue answers and
 * lapse offers, delinquency leads to default, and an SME re-routes in one step.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { APPLICATION_COMMAND_NAMES, APPLICATION_COMMANDS, APPLICATION_STATUSES, nextStatus, type ApplicationStatus } from "~/domain/applications/lifecycle";
import { listApplications } from "~/domain/applications/list-applications.server";
import { loadApplication } from "~/domain/applications/load-application.server";
import { rerouteApplication } from "~/domain/applications/reroute-application.server";
import { runApplicationCommand, type ApplicationCommandInput } from "~/domain/applications/run-application-command.server";
import { submitApplication } from "~/domain/applications/submit-application.server";
import { sweepApplications } from "~/domain/applications/sweep-applications.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { isDomainError } from "~/domain/errors";
import { ACCOUNT_CODES, TRANSFER_CODES } from "~/domain/ledger/chart";
import { createPostgresLedger, uuidToU128 } from "~/domain/ledger/postgres-ledger.server";
import { submitPostings } from "~/domain/ledger/postings.server";
import { disburseLoan } from "~/domain/loans/disburse-loan.server";
import { listLoans } from "~/domain/loans/list-loans.server";
import { recordRepayment } from "~/domain/loans/record-repayment.server";
import { updateLoanDelinquency } from "~/domain/loans/update-delinquency.server";
import { calendarDay } from "~/domain/needs/need-rules";
import { postNeed } from "~/domain/needs/post-need.server";
import { rematchNeeds } from "~/domain/matching/rematch.server";
import { closeQueues } from "~/jobs/enqueue.server";
import { makeActor, makeProduct } from "../helpers";

const DAY = 86_400_000;
const today = () => platformToday();
const inDays = (n: number) => new Date(calendarDay(platformToday()).getTime() + n * DAY);

let bank: Actor;
let officer: Actor;
let otherBank: Actor;
let finance: Actor;
let sme: Actor;
let otherSme: Actor;
let productId: string;
let otherProductId: string;
let thirdProductId: string;
let needId: string;

async function newNeed(actor: Actor): Promise<string> {
  return (
    await postNeed({
      actor,
      input: {
        amount: 50_000_000n,
        termMonths: 12,
        purpose: "采购原材料（钢材），用于承接新订单",
        maxRate: 600,
        guaranteeTypes: ["CREDIT"],
        urgency: "NORMAL",
        expiresOn: inDays(30),
      },
      ip: null,
    })
  ).id;
}

async function apply(actor: Actor, product: string, need: string, amountFen = 50_000_000n) {
  return submitApplication({ actor, input: { needId: need, productId: product, amountFen, termMonths: 12, submitKey: crypto.randomUUID() }, ip: null });
}

const run = (actor: Actor, applicationId: string, input: ApplicationCommandInput, commandKey = crypto.randomUUID()) =>
  runApplicationCommand({ actor, applicationId, input, commandKey, ip: null });

const APPROVE: ApplicationCommandInput = { command: "approve", amountFen: 50_000_000n, rateBps: 400, termMonths: 12, repaymentMethod: "EQUAL_INSTALMENT" };

/** An enterprise of its own with one open need: one live application per enterprise and product is the rule. */
async function freshSme(): Promise<{ actor: Actor; need: string }> {
  const actor = await makeActor("sme");
  return { actor, need: await newNeed(actor) };
}

/** An application taken to OFFER_ACCEPTED: submitted, accepted, approved, offer accepted. */
async function acceptedOffer(): Promise<{ applicationId: string; owner: Actor }> {
  const { actor, need } = await freshSme();
  const { applicationId } = await apply(actor, productId, need);
  await run(bank, applicationId, { command: "accept" });
  await run(bank, applicationId, APPROVE);
  await run(actor, applicationId, { command: "acceptOffer" });
  return { applicationId, owner: actor };
}

async function codeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    if (isDomainError(error)) return error.code;
    throw error;
  }
  return "ok";
}

beforeAll(async () => {
  bank = await makeActor("bank_admin");
  officer = await makeActor("loan_officer", { institutionId: bank.institution!.id });
  otherBank = await makeActor("bank_admin");
  finance = await makeActor("finance_office");
  sme = await makeActor("sme");
  otherSme = await makeActor("sme");
  productId = (await makeProduct(bank.institution!.id, bank.userId, "申请测试信用贷")).id;
  otherProductId = (await makeProduct(otherBank.institution!.id, otherBank.userId, "他行信用贷")).id;
  const thirdBank = await makeActor("bank_admin");
  thirdProductId = (await makeProduct(thirdBank.institution!.id, thirdBank.userId, "第三家银行信用贷")).id;
  for (const id of [productId, otherProductId, thirdProductId]) {
    await prisma.product.update({
      where: { id },
      data: { repaymentMethods: ["EQUAL_INSTALMENT", "EQUAL_PRINCIPAL", "INTEREST_ONLY_BULLET"], maxRateBps: 600, eligibleSizes: ["MICRO", "SMALL", "MEDIUM"] },
    });
  }
  needId = await newNeed(sme);
});

afterAll(async () => {
  await closeQueues();
});

describe("the state machine", () => {
  it("allows exactly the table's transitions and refuses every other with its own code", () => {
    for (const from of APPLICATION_STATUSES) {
      for (const command of APPLICATION_COMMAND_NAMES) {
        const allowed = (APPLICATION_COMMANDS[command].from as readonly ApplicationStatus[]).includes(from);
        if (allowed) expect(nextStatus(from, command)).toBe(APPLICATION_COMMANDS[command].to);
        else expect(() => nextStatus(from, command)).toThrowError("application.illegalTransition");
      }
    }
    // Final statuses accept nothing.
    for (const final of ["DECLINED", "OFFER_LAPSED", "DISBURSED", "WITHDRAWN"] as const) {
      expect(APPLICATION_COMMAND_NAMES.filter((c) => (APPLICATION_COMMANDS[c].from as readonly string[]).includes(final))).toEqual([]);
    }
  });

  it("refuses, through the database, every command the current status does not allow, and changes nothing", async () => {
    const { applicationId } = await apply(sme, productId, needId);
    const before = await prisma.application.findUniqueOrThrow({ where: { id: applicationId } });
    // From SUBMITTED: approve (skips accept), acceptOffer (SME, nothing to accept), disburse.
    expect(await codeOf(() => run(bank, applicationId, APPROVE))).toBe("application.illegalTransition");
    expect(await codeOf(() => run(sme, applicationId, { command: "acceptOffer" }))).toBe("application.illegalTransition");
    expect(await codeOf(() => disburseLoan({ actor: bank, applicationId, input: { disbursedOn: today() }, commandKey: crypto.randomUUID(), ip: null }))).toBe(
      "application.illegalTransition",
    );
    expect(await prisma.application.findUniqueOrThrow({ where: { id: applicationId } })).toEqual(before);
    expect(await prisma.applicationEvent.count({ where: { applicationId } })).toBe(1);

    // The wrong side, or another tenant: not found, never a hint.
    expect(await codeOf(() => run(otherBank, applicationId, { command: "accept" }))).toBe("notFound");
    expect(await codeOf(() => run(otherSme, applicationId, { command: "withdraw" }))).toBe("notFound");
    expect(await codeOf(() => run(sme, applicationId, { command: "accept" }))).toBe("forbidden");
    expect(await codeOf(() => run(finance, applicationId, { command: "accept" }))).toBe("forbidden");

    await run(bank, applicationId, { command: "decline", reasonCode: "INCOMPLETE_MATERIALS", note: "缺少近半年流水" });
    for (const input of [{ command: "accept" }, APPROVE, { command: "withdraw" }, { command: "acceptOffer" }] as ApplicationCommandInput[]) {
      const actor = input.command === "withdraw" || input.command === "acceptOffer" ? sme : bank;
      expect(await codeOf(() => run(actor, applicationId, input))).toBe("application.illegalTransition");
    }
    // Declined, the bank's access to the enterprise's data ends with the application.
    const { authorisation } = await prisma.application.findUniqueOrThrow({ where: { id: applicationId }, select: { authorisation: true } });
    expect(authorisation!.revokedAt).not.toBeNull();
    const detail = await loadApplication({ actor: sme, applicationId });
    expect(detail.decline).toEqual({ reasonCode: "INCOMPLETE_MATERIALS", note: "缺少近半年流水" });
    expect(detail.events.map((e) => e.toStatus)).toEqual(["SUBMITTED", "DECLINED"]);
    expect(detail.events[1]!.actor).not.toBeNull();
  });

  it("approves only terms within the product's ranges", async () => {
    const { actor, need } = await freshSme();
    const { applicationId } = await apply(actor, productId, need);
    await run(bank, applicationId, { command: "accept" });
    expect(await codeOf(() => run(bank, applicationId, { ...APPROVE, rateBps: 2000 } as ApplicationCommandInput))).toBe("application.rateOutOfRange");
    expect(await codeOf(() => run(bank, applicationId, { ...APPROVE, amountFen: 1n } as ApplicationCommandInput))).toBe("application.amountOutOfRange");
    expect((await prisma.application.findUniqueOrThrow({ where: { id: applicationId } })).status).toBe("ACCEPTED");
  });

  it("does a repeated command once, and lets exactly one of two racing commands through", async () => {
    const { actor, need } = await freshSme();
    const { applicationId } = await apply(actor, productId, need);
    const key = crypto.randomUUID();
    const results = await Promise.all(Array.from({ length: 5 }, () => run(bank, applicationId, { command: "accept" }, key)));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill("ACCEPTED"));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    // Two officers accept at once under different keys: one wins, the other meets the new status.
    const other = await freshSme();
    const second = (await apply(other.actor, productId, other.need)).applicationId;
    const codes = await Promise.all([codeOf(() => run(bank, second, { command: "accept" })), codeOf(() => run(officer, second, { command: "accept" }))]);
    expect(codes.filter((c) => c === "ok")).toHaveLength(1);
    expect(codes.filter((c) => c === "application.illegalTransition")).toHaveLength(1);
    expect(await prisma.applicationEvent.count({ where: { applicationId: second } })).toBe(2);
  });

  it("keeps one live application per product, and a resubmitted form finds the first", async () => {
    const { actor: sme, need } = await freshSme();
    const submitKey = crypto.randomUUID();
    const twice = await Promise.all(
      [0, 1].map(() =>
        submitApplication({ actor: sme, input: { needId: need, productId: otherProductId, amountFen: 50_000_000n, termMonths: 12, submitKey }, ip: null }),
      ),
    );
    expect(new Set(twice.map((r) => r.applicationId)).size).toBe(1);
    expect(await codeOf(() => apply(sme, otherProductId, need))).toBe("application.alreadyLive");
    // An application carries its bank's authorisation to read the credit report.
    const app = await prisma.application.findUniqueOrThrow({ where: { id: twice[0]!.applicationId }, select: { authorisation: true } });
    expect(app.authorisation).toMatchObject({ institutionId: otherBank.institution!.id, purpose: "LOAN_APPLICATION", revokedAt: null });
    expect(app.authorisation!.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it("refuses an application the product's rules would decline", async () => {
    const { actor, need } = await freshSme();
    expect(await codeOf(() => apply(actor, productId, need, 1_000_000_000_00n))).toBe("application.notEligible");
  });
});

describe("disbursement and the loan", () => {
  it("10 concurrent identical disbursement reports make one loan and one ledger transfer", async () => {
    const { applicationId } = await acceptedOffer();
    const commandKey = crypto.randomUUID();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        disburseLoan({ actor: bank, applicationId, input: { disbursedOn: today(), bankReference: "JJ-2026-001" }, commandKey, ip: null }),
      ),
    );
    expect(new Set(results.map((r) => r.loanId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    // A second report under another key is refused: the application is already disbursed.
    expect(
      await codeOf(() => disburseLoan({ actor: officer, applicationId, input: { disbursedOn: today() }, commandKey: crypto.randomUUID(), ip: null })),
    ).toBe("application.illegalTransition");
    const loanId = results[0]!.loanId;
    expect(await prisma.loan.count({ where: { applicationId } })).toBe(1);
    const refs = await prisma.ledgerTransferRef.findMany({ where: { businessType: "loan", businessId: loanId } });
    expect(refs).toHaveLength(1);

    // Submitted twice (a worker retry): the ledger holds it once, on the loan's accounts.
    const ledger = createPostgresLedger(prisma);
    await submitPostings(prisma, ledger);
    await prisma.ledgerTransferRef.update({ where: { transferId: refs[0]!.transferId }, data: { state: "PREPARED" } });
    const again = await submitPostings(prisma, ledger);
    expect(again.failed).toEqual([]);
    const transfers = await prisma.ledgerTransfer.findMany({ where: { userData128: loanId } });
    expect(transfers).toHaveLength(1);
    expect(transfers[0]!.code).toBe(TRANSFER_CODES.LOAN_DISBURSEMENT);
    expect(BigInt(transfers[0]!.amount.toString())).toBe(50_000_000n);
    const [principalAccount] = await ledger.lookupAccounts([
      BigInt((await prisma.ledgerAccountRef.findFirstOrThrow({ where: { ownerId: loanId, purpose: "LOAN_PRINCIPAL" } })).accountId),
    ]);
    expect(principalAccount!.code).toBe(ACCOUNT_CODES.LOAN_PRINCIPAL);
    expect(principalAccount!.debits_posted).toBe(50_000_000n);
    expect(transfers[0]!.userData128).toBe(loanId);
    expect(uuidToU128(loanId)).toBeGreaterThan(0n);

    // The schedule sums exactly to the principal, and the need is met.
    const loan = await prisma.loan.findUniqueOrThrow({ where: { id: loanId }, include: { instalments: { orderBy: { seq: "asc" } }, application: true } });
    expect(loan.instalments).toHaveLength(12);
    expect(loan.instalments.reduce((s, i) => s + i.principalFen, 0n)).toBe(50_000_000n);
    expect(loan.firstTimeBorrower).toBe(true);
    // The loan's page reconciles its records with the ledger's own balances, and says so when they part.
    const owner = await makeActor("sme", { enterpriseId: loan.enterpriseId });
    expect((await loadApplication({ actor: owner, applicationId })).loan!.ledgerCheck).toMatchObject({ state: "agrees", principalFen: "50000000" });
    await prisma.loan.update({ where: { id: loanId }, data: { outstandingPrincipalFen: 49_999_999n } });
    expect((await loadApplication({ actor: owner, applicationId })).loan!.ledgerCheck).toMatchObject({
      state: "differs",
      principalFen: "50000000",
      expectedPrincipalFen: "49999999",
    });
    await prisma.loan.update({ where: { id: loanId }, data: { outstandingPrincipalFen: 50_000_000n } });
    expect(loan.application.status).toBe("DISBURSED");
    expect((await prisma.financingNeed.findUniqueOrThrow({ where: { id: loan.application.needId! } })).status).toBe("FULFILLED");
  });

  it("records repayments in the stated order, moves the schedule and the ledger together, and settles exactly", async () => {
    const { applicationId, owner } = await acceptedOffer();
    const { loanId } = await disburseLoan({ actor: bank, applicationId, input: { disbursedOn: today() }, commandKey: crypto.randomUUID(), ip: null });
    const ledger = createPostgresLedger(prisma);
    const detail = async () => (await loadApplication({ actor: owner, applicationId })).loan!;

    // Early partial repayment: the current period's interest first, the rest from the last instalment back.
    const first = await recordRepayment({ actor: officer, loanId, input: { amountFen: 10_000_000n, receivedOn: today() }, idempotencyKey: "R-1", ip: null });
    const monthInterest = (50_000_000n * 400n + 60_000n) / 120_000n;
    expect(first.interestFen).toBe(monthInterest);
    expect(first.principalFen).toBe(10_000_000n - monthInterest);
    const replay = await recordRepayment({ actor: officer, loanId, input: { amountFen: 10_000_000n, receivedOn: today() }, idempotencyKey: "R-1", ip: null });
    expect(replay).toMatchObject({ repaymentId: first.repaymentId, replayed: true });
    expect(
      await codeOf(() => recordRepayment({ actor: officer, loanId, input: { amountFen: 1n, receivedOn: today() }, idempotencyKey: "R-1", ip: null })),
    ).toBe("loan.repaymentKeyReused");
    expect(
      await codeOf(() => recordRepayment({ actor: otherBank, loanId, input: { amountFen: 1n, receivedOn: today() }, idempotencyKey: "X", ip: null })),
    ).toBe("notFound");

    // More than the payoff is refused and changes nothing.
    const payoff = BigInt((await detail()).payoffFen!);
    expect(
      await codeOf(() => recordRepayment({ actor: officer, loanId, input: { amountFen: payoff + 1n, receivedOn: today() }, idempotencyKey: "R-2", ip: null })),
    ).toBe("loan.exceedsPayoff");
    // The payoff settles it.
    const last = await recordRepayment({ actor: officer, loanId, input: { amountFen: payoff, receivedOn: today() }, idempotencyKey: "R-3", ip: null });
    expect(last.loanStatus).toBe("REPAID");
    const loan = await prisma.loan.findUniqueOrThrow({ where: { id: loanId }, include: { repayments: true, instalments: true } });
    expect(loan.outstandingPrincipalFen).toBe(0n);
    expect(loan.repayments.reduce((s, r) => s + r.principalFen, 0n)).toBe(50_000_000n);
    expect(loan.instalments.every((i) => i.status === "PAID")).toBe(true);

    // Until the worker submits them, the loan's page says its postings are on their way.
    expect((await detail()).ledgerCheck).toMatchObject({ state: "posting" });
    // The ledger agrees: principal account balanced to zero, interest account holds the interest paid.
    const result = await submitPostings(prisma, ledger);
    expect(result.failed).toEqual([]);
    expect((await detail()).ledgerCheck).toEqual({ state: "agrees", principalFen: "0", interestFen: String(first.interestFen + last.interestFen) });
    const refs = await prisma.ledgerAccountRef.findMany({ where: { ownerId: loanId } });
    const principal = refs.find((r) => r.purpose === "LOAN_PRINCIPAL")!;
    const interest = refs.find((r) => r.purpose === "LOAN_INTEREST")!;
    const [p, i] = await ledger.lookupAccounts([BigInt(principal.accountId), BigInt(interest.accountId)]);
    expect(p!.debits_posted - p!.credits_posted).toBe(0n);
    expect(i!.credits_posted).toBe(loan.repayments.reduce((s, r) => s + r.interestFen, 0n));
    // Linked legs: each repayment with both principal and interest posted both.
    const repaymentRefs = await prisma.ledgerTransferRef.findMany({
      where: { businessType: "repayment", businessId: { in: loan.repayments.map((r) => r.id) } },
    });
    expect(repaymentRefs.every((r) => r.state === "COMMITTED")).toBe(true);
    expect((await detail()).status).toBe("REPAID");
  });

  it("counts days past due daily and declares default after the configured days", async () => {
    const { applicationId, owner } = await acceptedOffer();
    const { loanId } = await disburseLoan({ actor: bank, applicationId, input: { disbursedOn: today() }, commandKey: crypto.randomUUID(), ip: null });
    const first = await prisma.instalment.findFirstOrThrow({ where: { loanId, seq: 1 } });
    const later = (days: number) => new Date(first.dueOn.getTime() + days * DAY + 8 * 3_600_000);
    await updateLoanDelinquency(prisma, later(0));
    expect((await prisma.loan.findUniqueOrThrow({ where: { id: loanId } })).status).toBe("CURRENT");
    await updateLoanDelinquency(prisma, later(1));
    let loan = await prisma.loan.findUniqueOrThrow({ where: { id: loanId } });
    expect(loan).toMatchObject({ status: "OVERDUE", daysPastDue: 1 });
    // Running twice the same day changes nothing.
    const again = await updateLoanDelinquency(prisma, later(1));
    expect(again.changed).toBe(0);
    await updateLoanDelinquency(prisma, later(90));
    loan = await prisma.loan.findUniqueOrThrow({ where: { id: loanId } });
    expect(loan).toMatchObject({ status: "DEFAULTED", daysPastDue: 90 });
    expect(loan.defaultedAt).not.toBeNull();
    expect(await prisma.notification.count({ where: { kind: "loan.defaulted", payload: { path: ["loanId"], equals: loanId } } })).toBe(2);
    // Listed under its status for the bank, the SME and the finance office; not for another bank.
    for (const actor of [bank, owner, finance]) expect((await listLoans({ actor, view: "DEFAULTED", page: 1 })).items.map((l) => l.id)).toContain(loanId);
    expect((await listLoans({ actor: otherBank, view: "all", page: 1 })).items.map((l) => l.id)).not.toContain(loanId);
  });
});

describe("deadlines, lapses and re-routing", () => {
  it("flags an unanswered application once, and the SME re-routes it to its next-best matches in one step", async () => {
    const { actor: sme, need } = await freshSme();
    await rematchNeeds(prisma, [need]);
    const { applicationId } = await apply(sme, productId, need);
    const app = await prisma.application.findUniqueOrThrow({ where: { id: applicationId } });
    // Not overdue before the deadline; flagged once after it.
    expect((await sweepApplications(prisma, new Date(app.respondBy.getTime() - 1000))).flaggedOverdue).toBe(0);
    const after = new Date(app.respondBy.getTime() + 1000);
    expect((await sweepApplications(prisma, after)).flaggedOverdue).toBeGreaterThanOrEqual(1);
    expect((await sweepApplications(prisma, after)).flaggedOverdue).toBe(0);
    expect((await prisma.application.findUniqueOrThrow({ where: { id: applicationId } })).overdueSince).toEqual(app.respondBy);
    // Visible as overdue to the finance office and the bank.
    for (const actor of [finance, bank]) {
      expect((await listApplications({ actor, view: "overdue", page: 1, now: after })).items.map((i) => i.id)).toContain(applicationId);
    }

    const detail = await loadApplication({ actor: sme, applicationId, now: after });
    expect(detail.reroutable).toBe(true);
    expect(detail.alternatives.map((a) => a.productId)).not.toContain(productId);
    expect(detail.alternatives.length).toBeGreaterThanOrEqual(2);
    const picks = detail.alternatives.slice(0, 2).map((a) => a.productId);
    const commandKey = crypto.randomUUID();
    const rerouted = await rerouteApplication({ actor: sme, applicationId, productIds: picks, commandKey, ip: null, now: after });
    expect(rerouted.applicationIds).toHaveLength(2);
    expect((await rerouteApplication({ actor: sme, applicationId, productIds: picks, commandKey, ip: null, now: after })).replayed).toBe(true);
    const original = await prisma.application.findUniqueOrThrow({ where: { id: applicationId }, include: { authorisation: true } });
    expect(original.status).toBe("WITHDRAWN");
    expect(original.authorisation!.revokedAt).not.toBeNull();
    const created = await prisma.application.findMany({ where: { reroutedFromId: applicationId }, include: { authorisation: true } });
    expect(created).toHaveLength(2);
    for (const a of created) {
      expect(a).toMatchObject({ status: "SUBMITTED", requestedAmountFen: original.requestedAmountFen, requestedTermMonths: 12 });
      // Each bank under an authorisation of its own.
      expect(a.authorisation!.institutionId).toBe(a.institutionId);
    }
    // Not re-routable twice in effect: a live application cannot be re-routed.
    expect(
      await codeOf(() => rerouteApplication({ actor: sme, applicationId: created[0]!.id, productIds: [productId], commandKey: crypto.randomUUID(), ip: null })),
    ).toBe("application.notReroutable");
  });

  it("lapses an offer not accepted in time, after which it cannot be accepted", async () => {
    const { actor: sme, need } = await freshSme();
    const { applicationId } = await apply(sme, productId, need);
    await run(bank, applicationId, { command: "accept" });
    await run(bank, applicationId, APPROVE);
    const { offerExpiresAt } = await prisma.application.findUniqueOrThrow({ where: { id: applicationId } });
    const lapsed = await sweepApplications(prisma, new Date(offerExpiresAt!.getTime() + 1000));
    expect(lapsed.lapsed).toBeGreaterThanOrEqual(1);
    expect((await prisma.application.findUniqueOrThrow({ where: { id: applicationId } })).status).toBe("OFFER_LAPSED");
    expect(await codeOf(() => run(sme, applicationId, { command: "acceptOffer" }))).toBe("application.illegalTransition");
  });
});

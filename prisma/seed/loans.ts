/**
 * Applications and loans for the demo city, made through the same domain
 * commands the pages and the API use (with the clock set back where history
 * is needed), so every record, event, audit entry and ledger posting is one
 * the platform itself would have written:
 * - the demo SME: a loan disbursed three months ago and repaid on time so far,
 *   an application awaiting the first bank, one the bank left unanswered past
 *   its deadline (re-routable), and an approved offer awaiting acceptance;
 * - the banks' books: applications at every stage for other enterprises, loans
 *   current, repaid early, past due and in default.
 * Runs once: a city that already has applications is left as it is.
 */
import { env } from "~/config/env.server";
import type { Db } from "~/db.server";
import { loadActor, type Actor } from "~/domain/access/actor.server";
import { runApplicationCommand, type ApplicationCommandInput } from "~/domain/applications/run-application-command.server";
import { submitApplication } from "~/domain/applications/submit-application.server";
import { sweepApplications } from "~/domain/applications/sweep-applications.server";
import { getLedger } from "~/domain/ledger/ledger.server";
import { submitPostings } from "~/domain/ledger/postings.server";
import { disburseLoan } from "~/domain/loans/disburse-loan.server";
import { recordRepayment } from "~/domain/loans/record-repayment.server";
import { updateLoanDelinquency } from "~/domain/loans/update-delinquency.server";
import { loadMatchProducts, loadNeedInputs, matchingContext } from "~/domain/matching/match-inputs.server";
import { checkPair, type MatchProduct } from "~/domain/matching/rules";
import { calendarDay } from "~/domain/needs/need-rules";
import { postNeed } from "~/domain/needs/post-need.server";
import { Prisma } from "~/generated/prisma/client";
import type { Random } from "./random";

const DAY = 86_400_000;
/** Other enterprises' applications: enough for every bank's pages to have rows in every tab. */
const BOOK_SIZE = 48;
/** The book's stages, in rotation: about half disbursed, the rest spread over the application's steps. */
const BOOK_STAGES = [
  "disbursed",
  "waiting",
  "defaulted",
  "submitted",
  "declined",
  "approved",
  "disbursed",
  "defaulted",
  "disbursed",
  "approved",
  "waiting",
  "disbursed",
  "submitted",
] as const;

type BankUsers = { admin: string; officer: string };

export async function seedLoans(
  db: Db,
  options: { rng: Random; today: string; demoSmeUserId: string; banks: Map<string, BankUsers>; firstBankId: string; log: (line: string) => void },
): Promise<{ applications: number; loans: number }> {
  if ((await db.application.count()) > 0) {
    options.log("applications: already seeded");
    return { applications: 0, loans: 0 };
  }
  const { rng } = options;
  const todayMs = calendarDay(options.today).getTime();
  /** A moment `days` ago, mid-morning in China. */
  const ago = (days: number, hours = 10) => new Date(todayMs - days * DAY + (hours - 8) * 3_600_000);
  const day = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

  const actors = new Map<string, Actor>();
  const actor = async (userId: string) => {
    let found = actors.get(userId);
    if (!found) {
      found = (await loadActor(userId, "seed"))!;
      actors.set(userId, found);
    }
    return found;
  };
  const officerOf = async (institutionId: string) => actor(options.banks.get(institutionId)!.officer);
  const key = () => crypto.randomUUID();
  const run = async (as: Actor, applicationId: string, input: ApplicationCommandInput, now: Date) =>
    runApplicationCommand({ actor: as, applicationId, input, commandKey: key(), ip: null, now });

  const products = await loadMatchProducts(db);
  const productRows = new Map(
    (await db.product.findMany({ where: { status: "LISTED" }, select: { id: true, minRateBps: true, maxRateBps: true, repaymentMethods: true } })).map((p) => [
      p.id,
      p,
    ]),
  );
  /** The products a need can be applied for, best bank first (the first bank's, for the demo pages), one per bank. */
  const eligibleFor = async (needId: string, asOf: string): Promise<MatchProduct[]> => {
    const [input] = await loadNeedInputs(db, Prisma.sql`n.id = ${needId}::uuid`);
    if (!input) return [];
    const ctx = matchingContext(asOf);
    const fits = products.filter((p) => checkPair(input.need, input.enterprise, p, ctx).length === 0);
    const byBank = new Map<string, MatchProduct>();
    for (const p of fits) if (!byBank.has(p.institutionId)) byBank.set(p.institutionId, p);
    return [...byBank.values()].sort((a, b) => Number(b.institutionId === options.firstBankId) - Number(a.institutionId === options.firstBankId));
  };
  const terms = (productId: string, amountFen: bigint, termMonths: number, method?: string): ApplicationCommandInput => {
    const p = productRows.get(productId)!;
    return {
      command: "approve",
      amountFen,
      rateBps: p.minRateBps + Math.floor(rng.next() * (p.maxRateBps - p.minRateBps + 1)),
      termMonths,
      repaymentMethod: p.repaymentMethods.find((m) => m === method) ?? p.repaymentMethods[Math.floor(rng.next() * p.repaymentMethods.length)]!,
    };
  };

  let applications = 0;
  let loans = 0;
  const apply = async (as: Actor, needId: string, productId: string, amountFen: bigint, termMonths: number, now: Date) => {
    applications++;
    return (await submitApplication({ actor: as, input: { needId, productId, amountFen, termMonths, submitKey: key() }, ip: null, now })).applicationId;
  };

  /** Takes an application from submission to a disbursed loan `daysAgo`, then repays `paid` instalments on their due dates. */
  const disbursedLoan = async (
    sme: Actor,
    needId: string,
    product: MatchProduct,
    amountFen: bigint,
    termMonths: number,
    daysAgo: number,
    paid: number,
    method?: string,
  ) => {
    const officer = await officerOf(product.institutionId);
    const id = await apply(sme, needId, product.id, amountFen, termMonths, ago(daysAgo + 6));
    await run(officer, id, { command: "accept" }, ago(daysAgo + 5, 15));
    await run(officer, id, terms(product.id, amountFen, termMonths, method), ago(daysAgo + 3, 11));
    await run(sme, id, { command: "acceptOffer" }, ago(daysAgo + 2, 9));
    const { loanId } = await disburseLoan({
      actor: officer,
      applicationId: id,
      input: { disbursedOn: day(ago(daysAgo)), bankReference: `JJ${rng.int(10_000_000, 99_999_999)}` },
      commandKey: key(),
      ip: null,
      now: ago(daysAgo, 14),
    });
    loans++;
    const instalments = await db.instalment.findMany({ where: { loanId }, orderBy: { seq: "asc" }, take: paid });
    for (const i of instalments) {
      const dueOn = i.dueOn.toISOString().slice(0, 10);
      await recordRepayment({
        actor: officer,
        loanId,
        input: { amountFen: i.principalFen + i.interestFen, receivedOn: dueOn, bankReference: `HK${rng.int(10_000_000, 99_999_999)}` },
        idempotencyKey: key(),
        ip: null,
        now: new Date(i.dueOn.getTime() + 9 * 3_600_000),
      });
    }
    return { applicationId: id, loanId };
  };

  // ── The demo SME ──────────────────────────────────────────────────────────
  const sme = await actor(options.demoSmeUserId);
  const history = await postNeed({
    actor: sme,
    input: {
      amount: 80_000_000n,
      termMonths: 12,
      purpose: "购置数控加工中心一台，扩大泵阀零部件产能",
      maxRate: 600,
      guaranteeTypes: ["CREDIT"],
      urgency: "NORMAL",
      expiresOn: new Date(todayMs + 60 * DAY),
    },
    ip: null,
  });
  const historyProducts = await eligibleFor(history.id, day(ago(100)));
  if (historyProducts[0]) await disbursedLoan(sme, history.id, historyProducts[0], 80_000_000n, 12, 95, 3, "EQUAL_INSTALMENT");

  const open = await db.financingNeed.findFirst({
    where: { enterpriseId: sme.enterprise!.id, status: { in: ["OPEN", "IN_PROGRESS"] } },
    orderBy: { createdAt: "asc" },
    select: { id: true, amountFen: true, termMonths: true },
  });
  if (open) {
    const choices = await eligibleFor(open.id, options.today);
    const [first, second, third] = choices;
    if (first) await apply(sme, open.id, first.id, open.amountFen, open.termMonths, ago(1, 16));
    // Left unanswered for twelve days: past any deadline, so the demo SME can re-route it.
    if (second) await apply(sme, open.id, second.id, open.amountFen, open.termMonths, ago(12));
    if (third) {
      const officer = await officerOf(third.institutionId);
      const id = await apply(sme, open.id, third.id, open.amountFen, open.termMonths, ago(4));
      await run(officer, id, { command: "accept" }, ago(3));
      await run(officer, id, terms(third.id, open.amountFen, open.termMonths), ago(1, 11));
    }
  }

  // ── Other enterprises: the banks' books ──────────────────────────────────
  const candidates = await db.financingNeed.findMany({
    where: { status: "OPEN", enterpriseId: { not: sme.enterprise!.id }, expiresOn: { gte: calendarDay(options.today) } },
    orderBy: { id: "asc" },
    take: BOOK_SIZE * 3,
    select: { id: true, amountFen: true, termMonths: true, createdById: true },
  });
  let booked = 0;
  const taken = new Set<string>();
  for (const need of candidates) {
    if (booked >= BOOK_SIZE) break;
    const [product] = await eligibleFor(need.id, day(ago(230)));
    if (!product) continue;
    const owner = await actor(need.createdById);
    // One live application per enterprise and product: an enterprise's second need goes elsewhere or waits.
    if (taken.has(`${owner.enterprise!.id}/${product.id}`)) continue;
    taken.add(`${owner.enterprise!.id}/${product.id}`);
    const officer = await officerOf(product.institutionId);
    const amount = need.amountFen;
    // Stages in a fixed rotation (every one within the first eight), so even a small city shows each of them.
    const stage = BOOK_STAGES[booked % BOOK_STAGES.length]!;
    if (stage === "defaulted") {
      // Disbursed seven months ago and never repaid: past the default threshold, a case for the fund.
      await disbursedLoan(owner, need.id, product, amount, need.termMonths, 210, 0);
    } else if (stage === "disbursed") {
      // Disbursed: most repaid on time so far, one in six paid off early today, a few past due or in default.
      const daysAgo = rng.int(20, 300);
      const dueSoFar = Math.floor(daysAgo / 31);
      const fate = rng.next();
      const paid = fate < 0.08 ? Math.max(0, dueSoFar - 4) : fate < 0.14 ? Math.max(0, dueSoFar - 1) : dueSoFar;
      const { loanId } = await disbursedLoan(owner, need.id, product, amount, need.termMonths, daysAgo, Math.min(paid, need.termMonths));
      if (fate > 0.84 && daysAgo > 40) {
        const loan = await db.loan.findUniqueOrThrow({
          where: { id: loanId },
          select: {
            outstandingPrincipalFen: true,
            instalments: { where: { status: { not: "PAID" } }, orderBy: { seq: "asc" }, take: 1, select: { interestFen: true, paidInterestFen: true } },
          },
        });
        const current = loan.instalments[0];
        if (current && loan.outstandingPrincipalFen > 0n) {
          await recordRepayment({
            actor: officer,
            loanId,
            input: { amountFen: loan.outstandingPrincipalFen + current.interestFen - current.paidInterestFen, receivedOn: options.today },
            idempotencyKey: key(),
            ip: null,
          });
        }
      }
    } else if (stage === "submitted") {
      await apply(owner, need.id, product.id, amount, need.termMonths, ago(rng.int(0, 3), rng.int(9, 17)));
    } else if (stage === "waiting") {
      const id = await apply(owner, need.id, product.id, amount, need.termMonths, ago(rng.int(8, 20)));
      // The first one is left unanswered past its deadline, so every city has an overdue answer to show.
      if (booked >= BOOK_STAGES.length && rng.next() < 0.5) await run(officer, id, { command: "accept" }, ago(rng.int(1, 5)));
    } else if (stage === "declined") {
      const id = await apply(owner, need.id, product.id, amount, need.termMonths, ago(6));
      const reasons = ["CREDIT_GRADE_TOO_LOW", "INSUFFICIENT_REVENUE", "DEBT_TOO_HIGH", "INCOMPLETE_MATERIALS"] as const;
      await run(officer, id, { command: "decline", reasonCode: reasons[rng.int(0, reasons.length - 1)]!, note: "" }, ago(4));
    } else {
      const id = await apply(owner, need.id, product.id, amount, need.termMonths, ago(5));
      await run(officer, id, { command: "accept" }, ago(4));
      await run(officer, id, terms(product.id, amount, need.termMonths), ago(2));
      if (rng.next() < 0.5) await run(owner, id, { command: "acceptOffer" }, ago(1));
    }
    booked++;
  }

  const swept = await sweepApplications(db);
  const delinquency = await updateLoanDelinquency(db);
  const posted = await submitPostings(db, await getLedger());
  options.log(
    `applications: ${applications} (${swept.flaggedOverdue} overdue, ${swept.lapsed} lapsed); loans: ${loans} ` +
      `(${delinquency.becameOverdue} past due, ${delinquency.defaulted} in default after ${env.LOAN_DEFAULT_AFTER_DAYS} days); ledger: ${posted.committed} transfers posted`,
  );
  return { applications, loans };
}

/**
 * A job delivered twice changes nothing the first delivery did not: BullMQ
 * delivers at least once (a stalled job runs again; a retry follows a crash
 * after the work but before the acknowledgement), and two workers may hold
 * the same business event. Each handler is called in this process with the
 * same payload twice at once and then once more, and the state is compared
 * with what one delivery gives; duplicates enqueued through BullMQ fold into
 * one job, and an in-process BullMQ worker consuming them leaves the same state.
 */
import { randomUUID } from "node:crypto";
import { Worker, type Job } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { env } from "~/config/env.server";
import { prisma } from "~/db.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { evaluateEnterprises } from "~/domain/credit/evaluate-enterprises.server";
import { evaluationJobsFor } from "~/domain/credit/import/run-signal-import.server";
import { storeSignalBatch } from "~/domain/credit/import/submit-signal-batch.server";
import { getLedger } from "~/domain/ledger/ledger.server";
import { newTransferId, preparePostings } from "~/domain/ledger/postings.server";
import { reconcileLedger } from "~/domain/ledger/reconcile.server";
import { rematchAll } from "~/domain/matching/rebuild-rankings.server";
import { calendarDay } from "~/domain/needs/need-rules";
import { postNeed } from "~/domain/needs/post-need.server";
import { JOBS, QUEUES, type JobKey, type JobPayload } from "~/jobs/definitions";
import { closeQueues, enqueue, getQueue } from "~/jobs/enqueue.server";
import { createRedis } from "~/redis.server";
import { HANDLERS } from "../../workers/handlers";
import { makeActor, makeDefaultedLoan, makeEnterprises, makeFund, makeProduct } from "../helpers";

const DAY = 86_400_000;

/** One delivery of the job, as the worker makes it. */
const deliver = <K extends JobKey>(key: K, data: JobPayload<K>) => HANDLERS[JOBS[key].name]!(prisma, data, { finalAttempt: false });

/**
 * Two deliveries at once, then a third after them — what a retry of a delivery
 * that failed (one of two racing may lose a lock or a unique key) would do.
 */
async function deliverDuplicates<K extends JobKey>(key: K, data: JobPayload<K>): Promise<void> {
  await Promise.allSettled([deliver(key, data), deliver(key, data)]);
  await deliver(key, data);
}

async function jobsNamed(queue: string, name: string): Promise<Job[]> {
  return (await getQueue(queue as never).getJobs(["waiting", "prioritized", "delayed", "active", "completed", "failed"])).filter((j) => j.name === name);
}

/** Consumes a queue with two in-process BullMQ workers (the real handlers) until it is empty. */
async function drainWithWorkers(queue: string): Promise<{ completed: number; failed: number }> {
  let completed = 0;
  let failed = 0;
  const workers = [0, 1].map(
    () =>
      new Worker(queue, async (job) => HANDLERS[job.name]!(prisma, job.data, { finalAttempt: false }), {
        connection: createRedis(),
        prefix: env.REDIS_PREFIX,
        concurrency: 2,
      }),
  );
  for (const w of workers) {
    w.on("completed", () => completed++);
    w.on("failed", () => failed++);
  }
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const counts = await getQueue(queue as never).getJobCounts("waiting", "active", "delayed", "prioritized");
      if (Object.values(counts).every((n) => n === 0)) break;
      if (Date.now() > deadline) throw new Error(`queue ${queue} not drained within 60 s: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
  return { completed, failed };
}

afterAll(closeQueues);

// ── Credit-signal import and its re-evaluations ──────────────────────────────

/** A CSV of three months per enterprise and two rows the validation rejects; VALID_ROWS applies the rest. */
async function storeBatch(uscc: string[], label: string) {
  const finance = await makeActor("finance_office");
  const lines = ["uscc,period,amount_yuan,invoice_count,as_of"];
  uscc.forEach((u, i) => {
    for (const m of ["2026-07", "2026-08", "2026-09"]) lines.push(`${u},${m},${200_000 + i * 11}.25,${i % 9},${m}-28`);
  });
  lines.push(`${uscc[0]},2026-13,1.00,1,2026-09-28`, `${uscc[1]},2026-09,不是金额,1,2026-09-28`);
  const stored = await storeSignalBatch(prisma, {
    kind: "INVOICED_SALES",
    source: `税务局-${label}`,
    policy: "VALID_ROWS",
    fileName: `${label}.csv`,
    format: "CSV",
    content: Buffer.from(lines.join("\n"), "utf8"),
    institutionId: finance.institution!.id,
    createdById: finance.userId,
    ip: null,
  });
  return { batchId: stored.batchId, valid: uscc.length * 3, rejected: 2 };
}

async function importState(batchId: string, enterpriseIds: string[]) {
  const batch = await prisma.creditSignalBatch.findUniqueOrThrow({
    where: { id: batchId },
    select: { status: true, rowsTotal: true, rowsAccepted: true, rowsRejected: true, enterprisesAffected: true },
  });
  const facts = await prisma.creditSignal.findMany({
    where: { enterpriseId: { in: enterpriseIds } },
    select: { enterpriseId: true, naturalKey: true, amountFen: true, count: true, batchId: true },
    orderBy: [{ enterpriseId: "asc" }, { naturalKey: "asc" }],
  });
  const errors = await prisma.creditSignalBatchError.findMany({ where: { batchId }, select: { line: true, column: true, code: true }, orderBy: [{ line: "asc" }, { column: "asc" }] });
  const audit = await prisma.auditLog.groupBy({ by: ["action"], where: { entityId: batchId }, _count: { _all: true }, orderBy: { action: "asc" } });
  return { batch, facts, errors, audit: audit.map((a) => [a.action, a._count._all]) };
}

async function evaluationState(enterpriseIds: string[]) {
  const evaluations = await prisma.creditEvaluation.findMany({
    where: { enterpriseId: { in: enterpriseIds } },
    select: { id: true, enterpriseId: true, inputSha256: true, score: true, grade: true },
    orderBy: { enterpriseId: "asc" },
  });
  const current = await prisma.enterprise.findMany({ where: { id: { in: enterpriseIds } }, select: { id: true, currentEvaluationId: true }, orderBy: { id: "asc" } });
  return { evaluations, current };
}

describe("duplicate deliveries change nothing", () => {
  it("import-signal-batch: two at once and a third apply the batch once", { timeout: 120_000 }, async () => {
    const { uscc, ids } = await makeEnterprises(20, 101, "盘锦重复投递测试101-");
    const { batchId, valid, rejected } = await storeBatch(uscc, "dup-import");
    await deliverDuplicates("importSignalBatch", { batchId });

    const state = await importState(batchId, ids);
    expect(state.batch).toEqual({ status: "APPLIED", rowsTotal: valid + rejected, rowsAccepted: valid, rowsRejected: rejected, enterprisesAffected: 20 });
    expect(state.facts).toHaveLength(valid);
    expect(state.facts.every((f) => f.batchId === batchId)).toBe(true);
    // Each rejected row once, not once per delivery.
    expect(state.errors.map((e) => e.line)).toEqual([62, 63]);
    expect(state.audit).toEqual([
      ["credit-signal-batch.applied", 1],
      ["credit-signal-batch.submitted", 1],
    ]);
    // The re-evaluations it asked for: one job per chunk, however many deliveries enqueued them.
    const evaluationJobs = await jobsNamed(QUEUES.credit, JOBS.evaluateEnterprises.name);
    expect(evaluationJobs.map((j) => j.id)).toEqual([`evaluate-batch-${batchId}-0`]);

    await deliver("importSignalBatch", { batchId });
    expect(await importState(batchId, ids)).toEqual(state);
  });

  it("evaluate-enterprises: the same chunk twice at once and again stores one evaluation per enterprise", { timeout: 120_000 }, async () => {
    const { uscc, ids } = await makeEnterprises(12, 202, "盘锦重复投递测试202-");
    const { batchId } = await storeBatch(uscc, "dup-evaluate");
    await deliver("importSignalBatch", { batchId });
    const [payload] = await evaluationJobsFor(prisma, batchId);
    await deliver("evaluateEnterprises", payload!);
    const once = await evaluationState(ids);
    expect(once.evaluations).toHaveLength(12);
    expect(once.current.every((c) => c.currentEvaluationId !== null)).toBe(true);

    await deliverDuplicates("evaluateEnterprises", payload!);
    expect(await evaluationState(ids)).toEqual(once);
  });

  it("an import enqueued three times through BullMQ is one job, and two workers consuming it apply it once", { timeout: 120_000 }, async () => {
    const { uscc, ids } = await makeEnterprises(15, 303, "盘锦重复投递测试303-");
    const { batchId, valid } = await storeBatch(uscc, "dup-bullmq");
    await Promise.all([enqueue("importSignalBatch", { batchId }), enqueue("importSignalBatch", { batchId }), enqueue("importSignalBatch", { batchId })]);
    expect((await jobsNamed(QUEUES.credit, JOBS.importSignalBatch.name)).filter((j) => j.id === `import-${batchId}`)).toHaveLength(1);

    const run = await drainWithWorkers(QUEUES.credit);
    expect(run.failed).toBe(0);
    const state = await importState(batchId, ids);
    expect(state.batch.status).toBe("APPLIED");
    expect(state.facts).toHaveLength(valid);
    expect(state.errors).toHaveLength(2);
    expect(state.audit).toEqual([
      ["credit-signal-batch.applied", 1],
      ["credit-signal-batch.submitted", 1],
    ]);
    // Its re-evaluation ran in the same queue: one evaluation per enterprise.
    const evaluations = await evaluationState(ids);
    expect(evaluations.evaluations).toHaveLength(15);

    // The same job id added again after it completed is refused by BullMQ while the completed job is kept.
    await enqueue("importSignalBatch", { batchId });
    await drainWithWorkers(QUEUES.credit);
    expect(await importState(batchId, ids)).toEqual(state);
  });

  // ── Matching ──────────────────────────────────────────────────────────────

  it("match-change: the same product change twice at once and again gives one re-match's rankings", { timeout: 180_000 }, async () => {
    const bank = await makeActor("bank_admin");
    const first = await makeProduct(bank.institution!.id, bank.userId, "重复投递信用贷");
    await prisma.product.update({ where: { id: first.id }, data: { eligibleSizes: ["MICRO", "SMALL", "MEDIUM"] } });
    const enterprises: string[] = [];
    const needs: string[] = [];
    for (let n = 0; n < 8; n++) {
      const sme = await makeActor("sme");
      enterprises.push(sme.enterprise!.id);
      const need = await postNeed({
        actor: sme,
        ip: null,
        input: {
          amount: BigInt(30_000_000 + n * 2_000_000),
          termMonths: 6 + n,
          purpose: "采购原材料（钢材），用于承接新订单",
          maxRate: 420 + n * 5,
          guaranteeTypes: ["CREDIT"],
          urgency: "NORMAL",
          expiresOn: new Date(calendarDay(platformToday()).getTime() + 30 * DAY),
        },
      });
      needs.push(need.id);
    }
    await evaluateEnterprises(prisma, { enterpriseIds: enterprises, trigger: "manual" });
    await rematchAll(prisma);
    const rankings = async () => ({
      matches: await prisma.match.findMany({
        where: { needId: { in: needs } },
        select: { needId: true, productId: true, rank: true, score: true, expectedRateBps: true, bankBest: true },
        orderBy: [{ needId: "asc" }, { rank: "asc" }],
      }),
      ranked: await prisma.needRanking.findMany({ where: { needId: { in: needs } }, select: { needId: true, version: true, eligibleCount: true }, orderBy: { needId: "asc" } }),
      history: await prisma.needMatchHistory.count({ where: { needId: { in: needs } } }),
    });
    const before = await rankings();

    // A new, cheaper product: one delivery of its change ranks it in.
    const product = await makeProduct(bank.institution!.id, bank.userId, "重复投递低息贷");
    await prisma.product.update({ where: { id: product.id }, data: { minRateBps: 300, eligibleSizes: ["MICRO", "SMALL", "MEDIUM"] } });
    const change = { kind: "product" as const, ids: [product.id], eventId: "1" };
    await deliver("matchChange", change);
    const once = await rankings();
    expect(once).not.toEqual(before);
    expect(once.matches.some((m) => m.productId === product.id)).toBe(true);

    await deliverDuplicates("matchChange", change);
    expect(await rankings()).toEqual(once);
    // The change as the needs' own events would carry it: the same again.
    await deliverDuplicates("matchChange", { kind: "need", ids: needs, eventId: "2" });
    expect(await rankings()).toEqual(once);
  });

  // ── Ledger postings and reconciliation ───────────────────────────────────

  it("submit-ledger-postings: three submitters at once and again commit each posting once; the ledger equals the records", { timeout: 180_000 }, async () => {
    const office = await makeActor("finance_office");
    const bank = await makeActor("bank_admin");
    // Business records that post: a fund's accounts and a contribution, prepared by the domain as in production.
    const { fundId } = await makeFund({ office, bank, poolFen: 123_456_789n });
    const ledger = await getLedger();
    const accounts = [newTransferId(), newTransferId(), newTransferId()];
    await ledger.createAccounts(accounts.map((id) => ({ id, ledger: 156, code: 10, flags: 0 })));
    const amounts = Array.from({ length: 300 }, (_, i) => BigInt(1 + ((i * 7_919) % 50_000)));
    await prisma.$transaction((tx) =>
      preparePostings(
        tx,
        amounts.map((amount, i) => ({
          businessType: "dup-posting",
          businessId: `D-${i}`,
          transfer: { debit_account_id: accounts[i % 3]!, credit_account_id: accounts[(i + 1) % 3]!, amount, ledger: 156, code: 1 },
        })),
      ),
    );
    const prepared = await prisma.ledgerTransferRef.count({ where: { state: "PREPARED" } });
    expect(prepared).toBeGreaterThanOrEqual(amounts.length);

    const payload = { reason: "change" as const };
    await Promise.allSettled([deliver("submitLedgerPostings", payload), deliver("submitLedgerPostings", payload), deliver("submitLedgerPostings", payload)]);
    await deliver("submitLedgerPostings", payload);

    const state = async () => {
      const refs = await prisma.ledgerTransferRef.findMany({ select: { transferId: true, state: true, amountFen: true }, orderBy: { seq: "asc" } });
      const inLedger = await ledger.lookupTransfers(refs.map((r) => BigInt(r.transferId)));
      const balances = await ledger.lookupAccounts(accounts);
      return { refs, inLedger: inLedger.map((t) => [t.id, t.amount]), balances: balances.map((a) => [a.id, a.debits_posted, a.credits_posted]) };
    };
    const after = await state();
    expect(after.refs.every((r) => r.state === "COMMITTED")).toBe(true);
    // Every posting (the fund's, submitted when it was made, and these) is in the ledger once.
    expect(after.inLedger).toHaveLength(after.refs.length);
    expect(new Set(after.inLedger.map(([id]) => id)).size).toBe(after.refs.length);
    // Each account's balance is the sum of its business records.
    for (const [k, id] of accounts.entries()) {
      const debits = amounts.filter((_, i) => i % 3 === k).reduce((s, a) => s + a, 0n);
      const credits = amounts.filter((_, i) => (i + 1) % 3 === k).reduce((s, a) => s + a, 0n);
      expect(after.balances.find(([a]) => a === id)!.slice(1)).toEqual([debits, credits]);
    }
    // The project's reconciliation: the fund's pool in the ledger equals its contribution, nothing left on its way.
    const report = await reconcileLedger(prisma, ledger);
    expect(report.differenceCount).toBe(0);
    expect(report.notYetPostedCount).toBe(0);
    expect(report.checked.funds).toBeGreaterThanOrEqual(1);
    expect(await prisma.fund.findUniqueOrThrow({ where: { id: fundId }, select: { id: true } })).toBeTruthy();

    await deliverDuplicates("submitLedgerPostings", payload);
    expect(await state()).toEqual(after);
  });

  it("reconcile-ledger: a second delivery changes no record and tells no one twice", { timeout: 120_000 }, async () => {
    const office = await makeActor("finance_office");
    const bank = await makeActor("bank_admin");
    const { fundId } = await makeFund({ office, bank, poolFen: 50_000_000n });
    await deliver("submitLedgerPostings", { reason: "change" });
    // A loan whose disbursement never reached the ledger: a difference the reconciliation must report (once).
    await makeDefaultedLoan({ fundId, institutionId: bank.institution!.id });
    const recordsState = async () => ({
      refs: await prisma.ledgerTransferRef.findMany({ select: { transferId: true, state: true }, orderBy: { seq: "asc" } }),
      loans: await prisma.loan.findMany({ select: { id: true, status: true, outstandingPrincipalFen: true }, orderBy: { id: "asc" } }),
      notifications: await prisma.notification.groupBy({ by: ["institutionId", "kind"], where: { kind: "ledger.differences" }, _count: { _all: true } }),
    });
    await deliver("reconcileLedger", { reason: "manual" });
    const once = await recordsState();
    expect(once.notifications.length).toBeGreaterThan(0);
    expect(once.notifications.every((n) => n._count._all === 1)).toBe(true);

    await deliverDuplicates("reconcileLedger", { reason: "manual" });
    expect(await recordsState()).toEqual(once);
  });

  // ── Sweeps ────────────────────────────────────────────────────────────────

  it("sweep-applications: overdue flagged and offers lapsed once, one audit record and one notification pair each", { timeout: 120_000 }, async () => {
    const bank = await makeActor("bank_admin");
    const product = await makeProduct(bank.institution!.id, bank.userId, "重复投递清扫贷");
    const sme = await makeActor("sme");
    // One live application per enterprise and product: the offer is for a second product of the bank.
    const offeredProduct = await makeProduct(bank.institution!.id, bank.userId, "重复投递要约贷");
    const base = { enterpriseId: sme.enterprise!.id, productId: product.id, institutionId: bank.institution!.id, requestedAmountFen: 20_000_000n, requestedTermMonths: 12 };
    const overdue = await prisma.application.create({ data: { ...base, status: "SUBMITTED", respondBy: new Date(Date.now() - DAY) } });
    const offered = await prisma.application.create({
      data: {
        ...base,
        productId: offeredProduct.id,
        status: "APPROVED",
        respondBy: new Date(Date.now() - 5 * DAY),
        respondedAt: new Date(Date.now() - 4 * DAY),
        approvedAt: new Date(Date.now() - 4 * DAY),
        approvedAmountFen: 20_000_000n,
        approvedRateBps: 400,
        approvedTermMonths: 12,
        approvedRepaymentMethod: "EQUAL_INSTALMENT",
        offerExpiresAt: new Date(Date.now() - DAY),
      },
    });
    const ids = [overdue.id, offered.id];
    const state = async () => ({
      applications: await prisma.application.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, overdueSince: true, version: true }, orderBy: { id: "asc" } }),
      audit: await prisma.auditLog.groupBy({ by: ["entityId", "action"], where: { entityId: { in: ids } }, _count: { _all: true }, orderBy: [{ entityId: "asc" }, { action: "asc" }] }),
      events: await prisma.applicationEvent.count({ where: { applicationId: { in: ids } } }),
      notifications: await prisma.notification.count({ where: { kind: { in: ["application.overdue", "application.lapse"] }, OR: [{ institutionId: bank.institution!.id }, { enterpriseId: sme.enterprise!.id }] } }),
    });
    await deliverDuplicates("sweepApplications", { reason: "manual" });
    const after = await state();
    expect(after.applications.find((a) => a.id === overdue.id)!.overdueSince).not.toBeNull();
    expect(after.applications.find((a) => a.id === offered.id)!.status).toBe("OFFER_LAPSED");
    expect(after.audit.every((a) => a._count._all === 1)).toBe(true);
    expect(after.audit).toHaveLength(2);
    expect(after.notifications).toBe(4);

    await deliver("sweepApplications", { reason: "manual" });
    expect(await state()).toEqual(after);
  });

  it("expire-needs and update-loan-delinquency: a duplicate delivery leaves the state of one", { timeout: 120_000 }, async () => {
    const sme = await makeActor("sme");
    const need = await postNeed({
      actor: sme,
      ip: null,
      input: {
        amount: 30_000_000n,
        termMonths: 12,
        purpose: "采购原材料（钢材），用于承接新订单",
        maxRate: 450,
        guaranteeTypes: ["CREDIT"],
        urgency: "NORMAL",
        expiresOn: new Date(calendarDay(platformToday()).getTime() + 10 * DAY),
      },
    });
    await prisma.financingNeed.update({ where: { id: need.id }, data: { expiresOn: new Date(calendarDay(platformToday()).getTime() - 2 * DAY) } });
    const needState = async () => ({
      need: await prisma.financingNeed.findUniqueOrThrow({ where: { id: need.id }, select: { status: true, version: true } }),
      audit: await prisma.auditLog.count({ where: { entityId: need.id } }),
    });
    await deliverDuplicates("expireNeeds", { reason: "manual" });
    const expired = await needState();
    expect(expired.need.status).toBe("EXPIRED");
    await deliver("expireNeeds", { reason: "manual" });
    expect(await needState()).toEqual(expired);

    const office = await makeActor("finance_office");
    const bank = await makeActor("bank_admin");
    const { fundId } = await makeFund({ office, bank });
    const loan = await makeDefaultedLoan({ fundId, institutionId: bank.institution!.id });
    const loanState = async () => ({
      loan: await prisma.loan.findUniqueOrThrow({ where: { id: loan.id }, select: { status: true, daysPastDue: true, defaultedAt: true } }),
      audit: await prisma.auditLog.groupBy({ by: ["action"], where: { entityId: loan.id }, _count: { _all: true }, orderBy: { action: "asc" } }),
      notifications: await prisma.notification.count({ where: { institutionId: bank.institution!.id } }),
    });
    await deliver("updateLoanDelinquency", { reason: "manual" });
    const once = await loanState();
    await deliverDuplicates("updateLoanDelinquency", { reason: "manual" });
    expect(await loanState()).toEqual(once);
  });

  it("duplicates enqueued through BullMQ fold into one pending job for every deduplicated job", async () => {
    const keys = ["submitLedgerPostings", "sweepApplications", "expireNeeds", "updateLoanDelinquency", "reconcileLedger", "matchAll"] as const;
    for (const key of keys) {
      const data = { reason: key === "submitLedgerPostings" ? "change" : "manual" } as never;
      await Promise.all([enqueue(key, data), enqueue(key, data), enqueue(key, data)]);
      const pending = (await getQueue(JOBS[key].queue).getJobs(["waiting", "prioritized", "delayed"])).filter((j) => j.name === JOBS[key].name);
      expect(pending, key).toHaveLength(1);
    }
    const change = { kind: "product" as const, ids: [randomUUID()], eventId: "7" };
    await Promise.all([enqueue("matchChange", change), enqueue("matchChange", change)]);
    expect((await jobsNamed(QUEUES.matching, JOBS.matchChange.name)).filter((j) => j.id === "match-product-e7")).toHaveLength(1);
  });
});

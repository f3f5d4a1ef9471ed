/**
 * Matching in the background: every kind of change (a need, a product's
 * status, an enterprise's evaluation, a bank's response record) reaches the
 * rankings through the outbox and a re-match job, which re-ranks exactly the
 * needs it can move. A job that crashes mid-write leaves the old ranking
 * whole, and its retry writes the same ranking once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { evaluateEnterprises } from "~/domain/credit/evaluate-enterprises.server";
import { listNeedInbox } from "~/domain/matching/list-need-inbox.server";
import { loadRecommendations } from "~/domain/matching/load-recommendations.server";
import { rematchAll } from "~/domain/matching/rebuild-rankings.server";
import { rematchNeeds, rematchStale } from "~/domain/matching/rematch.server";
import { refreshResponseRecords } from "~/domain/matching/refresh-response-records.server";
import { claimNeed } from "~/domain/needs/claim-need.server";
import { calendarDay } from "~/domain/needs/need-rules";
import { postNeed } from "~/domain/needs/post-need.server";
import { updateNeed } from "~/domain/needs/update-need.server";
import { dispatchMatchChanges, groupChanges } from "~/domain/outbox/match-outbox.server";
import { changeProductStatus } from "~/domain/products/change-product-status.server";
import { JOBS, QUEUES } from "~/jobs/definitions";
import { closeQueues, enqueueMany, getQueue } from "~/jobs/enqueue.server";
import { InboxQuerySchema } from "~/schemas/matching";
import type { NeedFormInput } from "~/schemas/needs";
import * as inboxCsv from "~/routes/app/need-inbox-csv";
import { HANDLERS } from "../../workers/handlers";
import { actorOf, makeActor, makeProduct, makeUser, routeContext } from "../helpers";

const DAY = 86_400_000;
const inDays = (n: number) => new Date(calendarDay(platformToday()).getTime() + n * DAY);

function terms(over: Partial<NeedFormInput> = {}): NeedFormInput {
  return {
    amount: 50_000_000n, // ¥500,000
    termMonths: 12,
    purpose: "采购原材料（钢材），用于承接新订单",
    maxRate: 450,
    guaranteeTypes: ["CREDIT"],
    urgency: "NORMAL",
    expiresOn: inDays(30),
    ...over,
  };
}

const queue = () => getQueue(QUEUES.matching);

/** What the worker would do next: dispatch pending match events, then run the re-match jobs they enqueued. */
async function runMatching(): Promise<number> {
  await dispatchMatchChanges(prisma);
  const jobs = (await queue().getJobs(["waiting", "prioritized", "delayed"])).filter((j) => j.name === JOBS.matchChange.name);
  jobs.sort((a, b) => Number(a.data.eventId) - Number(b.data.eventId));
  for (const job of jobs) {
    await HANDLERS[job.name]!(prisma, job.data, { finalAttempt: false });
    await job.remove();
  }
  return jobs.length;
}

const ranking = (needId: string) =>
  prisma.match.findMany({ where: { needId }, orderBy: { rank: "asc" }, select: { productId: true, rank: true, score: true, responsePoints: true, bankBest: true } });

let bankAdmin: Actor;
let otherBank: Actor;
let finance: Actor;
let sme: Actor;
let productId: string;
let otherProductId: string;

beforeAll(async () => {
  await queue().obliterate({ force: true });
  bankAdmin = await makeActor("bank_admin");
  otherBank = await makeActor("bank_admin");
  finance = await makeActor("finance_office");
  sme = await makeActor("sme");
  // ¥100,000–¥3,000,000, 3–12 months, 3.5–4.5 %, credit only, every district, industry and size.
  productId = (await makeProduct(bankAdmin.institution!.id, bankAdmin.userId, "匹配测试信用贷")).id;
  await prisma.product.update({ where: { id: productId }, data: { eligibleSizes: ["MICRO", "SMALL", "MEDIUM"] } });
  otherProductId = (await makeProduct(otherBank.institution!.id, otherBank.userId, "另一家银行的贷款")).id;
  await prisma.product.update({ where: { id: otherProductId }, data: { eligibleSizes: ["SMALL"], maxRateBps: 600, minRateBps: 420 } });
});

afterAll(async () => {
  await queue().obliterate({ force: true });
  await closeQueues();
});

describe("re-matching after each kind of change", () => {
  let needId: string;

  it("a new need is ranked, with reasons, for the SME and in each matching bank's inbox", async () => {
    needId = (await postNeed({ actor: sme, input: terms(), ip: null })).id;
    expect((await loadRecommendations({ actor: sme, needId })).state).toBe("pending");
    expect(await runMatching()).toBe(1);

    const ranked = await ranking(needId);
    expect(ranked.map((r) => r.productId).sort()).toEqual([productId, otherProductId].sort());
    expect(ranked.every((r) => r.bankBest)).toBe(true);
    const recs = await loadRecommendations({ actor: sme, needId });
    if (recs.state !== "ready") throw new Error(recs.state);
    expect(recs.eligibleCount).toBe(2);
    expect(recs.recommendations.map((r) => r.rank)).toEqual([1, 2]);
    // The cheaper product (3.5–4.5 % against 4.2–6 %) ranks first for the same enterprise.
    expect(recs.recommendations[0]!.product.id).toBe(productId);
    expect(recs.recommendations[0]!.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(["AMOUNT_FITS", "TERM_FITS", "GUARANTEE_FITS", "NO_GRADE_REQUIRED", "EXPECTED_RATE", "BANK_NO_RECORD"]),
    );
    expect(Number(recs.recommendations[0]!.estimate.interestFen)).toBeGreaterThan(0);

    const inbox = await listNeedInbox({ actor: bankAdmin, query: InboxQuerySchema.parse({}) });
    expect(inbox.rows.map((r) => r.needId)).toEqual([needId]);
    expect(inbox.rows[0]!.product.id).toBe(productId);
    expect(inbox.rows[0]!.authorised).toBe(false);
  });

  it("an edited need is re-ranked: too large an amount leaves only near misses, each with the change that fits it", async () => {
    const need = await prisma.financingNeed.findUniqueOrThrow({ where: { id: needId }, select: { version: true } });
    await updateNeed({ actor: sme, needId, input: terms({ amount: 400_000_000n, version: need.version }), ip: null });
    expect(await runMatching()).toBe(1);
    expect(await ranking(needId)).toEqual([]);
    const recs = await loadRecommendations({ actor: sme, needId });
    if (recs.state !== "ready") throw new Error(recs.state);
    expect(recs.eligibleCount).toBe(0);
    const miss = recs.nearMisses.find((m) => m.product.id === productId)!;
    expect(miss.failures).toEqual([{ rule: "AMOUNT_ABOVE_MAX", params: { maxFen: 300_000_000 }, change: { kind: "amount", amountFen: 300_000_000 } }]);
    expect((await listNeedInbox({ actor: bankAdmin, query: InboxQuerySchema.parse({}) })).total).toBe(0);

    const again = await prisma.financingNeed.findUniqueOrThrow({ where: { id: needId }, select: { version: true } });
    await updateNeed({ actor: sme, needId, input: terms({ version: again.version }), ip: null });
    await runMatching();
    expect((await ranking(needId)).length).toBe(2);
  });

  it("a delisted product leaves every ranking it was in; listed again, it comes back", async () => {
    const version = async () => (await prisma.product.findUniqueOrThrow({ where: { id: productId }, select: { version: true } })).version;
    await changeProductStatus({ actor: bankAdmin, productId, command: { intent: "delist", version: await version(), comment: "额度用完" }, ip: null });
    expect(await runMatching()).toBe(1);
    expect((await ranking(needId)).map((r) => r.productId)).toEqual([otherProductId]);

    await changeProductStatus({ actor: bankAdmin, productId, command: { intent: "revise", version: await version() }, ip: null });
    await changeProductStatus({ actor: bankAdmin, productId, command: { intent: "submit", version: await version() }, ip: null });
    await changeProductStatus({ actor: finance, productId, command: { intent: "approve", version: await version(), comment: "" }, ip: null });
    await runMatching();
    expect((await ranking(needId)).map((r) => r.productId).sort()).toEqual([productId, otherProductId].sort());
  });

  it("a re-evaluated enterprise is re-ranked: an active dishonesty record removes every recommendation", async () => {
    await prisma.creditSignal.create({
      data: {
        enterpriseId: sme.enterprise!.id,
        kind: "DISHONEST_DEBTOR",
        naturalKey: "(2026)辽1103执100号",
        source: "court",
        asOf: new Date(),
        startsOn: new Date("2026-01-10"),
      },
    });
    await evaluateEnterprises(prisma, { enterpriseIds: [sme.enterprise!.id], trigger: "test" });
    expect(await runMatching()).toBe(1);
    expect(await ranking(needId)).toEqual([]);
    const recs = await loadRecommendations({ actor: sme, needId });
    if (recs.state !== "ready") throw new Error(recs.state);
    expect(recs.recommendations).toEqual([]);
    expect(recs.nearMisses.every((m) => m.failures.some((f) => f.rule === "ENTERPRISE_EXCLUDED"))).toBe(true);

    await prisma.creditSignal.updateMany({ where: { enterpriseId: sme.enterprise!.id }, data: { voidedAt: new Date(), voidReason: "test" } });
    await evaluateEnterprises(prisma, { enterpriseIds: [sme.enterprise!.id], trigger: "test" });
    await runMatching();
    expect((await ranking(needId)).length).toBe(2);
  });

  it("a bank's response record changing re-ranks the needs its products are in", async () => {
    // The first records (no applications yet) score as no record at all: nothing to re-rank.
    expect((await refreshResponseRecords(prisma)).rerank).toBe(0);
    expect(await runMatching()).toBe(0);
    const before = (await ranking(needId)).find((r) => r.productId === productId)!;
    // Twenty applications, every one answered within an hour and by its deadline (declined: one live application per product).
    const now = Date.now();
    for (let i = 0; i < 20; i++) {
      await prisma.application.create({
        data: {
          enterpriseId: sme.enterprise!.id,
          productId,
          institutionId: bankAdmin.institution!.id,
          requestedAmountFen: 50_000_000n,
          requestedTermMonths: 12,
          submittedAt: new Date(now - (i + 2) * DAY),
          respondBy: new Date(now - (i + 1) * DAY),
          respondedAt: new Date(now - (i + 2) * DAY + 3_600_000),
          status: "DECLINED",
        },
      });
    }
    const refreshed = await refreshResponseRecords(prisma);
    expect(refreshed).toMatchObject({ changed: 1, rerank: 1 });
    expect(await runMatching()).toBe(1);
    const after = (await ranking(needId)).find((r) => r.productId === productId)!;
    expect(after.responsePoints).toBeGreaterThan(before.responsePoints);
    expect(after.score).toBeGreaterThan(before.score);
    const record = await prisma.bankResponseRecord.findUniqueOrThrow({ where: { institutionId: bankAdmin.institution!.id } });
    expect(record).toMatchObject({ decided: 20, onTime: 20, medianResponseMinutes: 60 });
    // Nothing changed since: no event, no job.
    expect((await refreshResponseRecords(prisma)).changed).toBe(0);
  });

  it("a bank grabs a need from its inbox; the SME is told, and the inbox filters by taken-up", async () => {
    await claimNeed({ actor: bankAdmin, needId, ip: null });
    // Taking it up moves the need to a new version: it is re-ranked, and the SME's page does not wait on it.
    expect(await runMatching()).toBe(1);
    expect((await loadRecommendations({ actor: sme, needId })).state).toBe("ready");
    const claimed = await listNeedInbox({ actor: bankAdmin, query: InboxQuerySchema.parse({ claimed: "claimed" }) });
    expect(claimed.rows.map((r) => r.needId)).toEqual([needId]);
    expect(claimed.rows[0]!.claimedAt).not.toBeNull();
    expect((await listNeedInbox({ actor: bankAdmin, query: InboxQuerySchema.parse({ claimed: "unclaimed" }) })).total).toBe(0);
    expect(await prisma.notification.count({ where: { enterpriseId: sme.enterprise!.id, kind: "need.claimed" } })).toBe(1);
    // Taken up, the need stays matched for other banks (the SME chooses among them).
    expect((await listNeedInbox({ actor: otherBank, query: InboxQuerySchema.parse({}) })).rows.map((r) => r.needId)).toEqual([needId]);
  });

  it("a bank sees only its own products' rows, and another enterprise's recommendations are not found", async () => {
    const stranger = await makeActor("bank_admin");
    expect((await listNeedInbox({ actor: stranger, query: InboxQuerySchema.parse({}) })).total).toBe(0);
    const otherSme = await makeActor("sme");
    await expect(loadRecommendations({ actor: otherSme, needId })).rejects.toMatchObject({ code: "notFound" });
    const officer = await actorOf((await makeUser({ roleKey: "loan_officer", institutionId: bankAdmin.institution!.id })).id);
    expect((await listNeedInbox({ actor: officer, query: InboxQuerySchema.parse({}) })).rows.map((r) => r.product.id)).toEqual([productId]);

    // The CSV export: the same rows, in Excel-friendly UTF-8; another bank's export does not have them.
    const csv = async (actor: Actor) => {
      const response = (await inboxCsv.loader({
        request: new Request("http://localhost/app/need-inbox.csv?claimed=claimed"),
        context: routeContext(actor),
        params: {},
      } as never)) as Response;
      // Decoded keeping the BOM (text() would drop it): Excel needs it to read UTF-8.
      return new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer());
    };
    const own = await csv(officer);
    expect(own.startsWith("\uFEFF匹配度,金额（元）,期限（月）,最高年利率,资金用途,企业")).toBe(true);
    expect(own).toContain("500000.00,12,4.50%");
    expect(await csv(stranger)).not.toContain("500000.00");
  });
});

describe("jobs are safe to retry", () => {
  it("events become jobs: a product or bank each, needs and enterprises in batches, named by their latest event", () => {
    const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
    const events = [
      ...Array.from({ length: 1_200 }, (_, i) => ({ id: BigInt(i + 1), topic: "match.enterprise", aggregateId: uuid(i) })),
      { id: 2_000n, topic: "match.product", aggregateId: uuid(9_001) },
      { id: 2_001n, topic: "match.product", aggregateId: uuid(9_002) },
      { id: 2_002n, topic: "match.need", aggregateId: uuid(5) },
      { id: 2_003n, topic: "match.need", aggregateId: uuid(5) },
      { id: 2_004n, topic: "search.needs", aggregateId: uuid(5) },
    ];
    const jobs = groupChanges(events);
    expect(jobs.map((j) => [j.kind, j.ids.length, j.eventId])).toEqual([
      ["need", 1, "2003"],
      ["product", 1, "2000"],
      ["product", 1, "2001"],
      ["enterprise", 500, "500"],
      ["enterprise", 500, "1000"],
      ["enterprise", 200, "1200"],
    ]);
    // The same events, in any order, make the same jobs (and so the same job ids).
    expect(groupChanges([...events].reverse())).toEqual(jobs);
  });

  it("a need re-ranked by a job while a full re-match runs keeps the job's newer ranking after the swap", async () => {
    const needId = (await postNeed({ actor: sme, input: terms({ amount: 70_000_000n }), ip: null })).id;
    await runMatching();
    expect((await ranking(needId)).length).toBe(2);
    await rematchAll(prisma, {
      // Mid-pass (its ranking of this need already streamed): the SME raises the amount past every product's limit, and the job runs.
      onProgress: async () => {
        const { version } = await prisma.financingNeed.findUniqueOrThrow({ where: { id: needId }, select: { version: true } });
        await updateNeed({ actor: sme, needId, input: terms({ amount: 900_000_000n, version }), ip: null });
        await runMatching();
      },
    });
    expect(await ranking(needId)).toEqual([]);
    const need = await prisma.financingNeed.findUniqueOrThrow({ where: { id: needId }, select: { version: true } });
    expect(await prisma.needRanking.findUniqueOrThrow({ where: { needId } })).toMatchObject({ version: need.version, eligibleCount: 0 });
    await prisma.financingNeed.update({ where: { id: needId }, data: { status: "CLOSED" } });
    await rematchNeeds(prisma, [needId]);
  });

  it("dispatching the same events twice enqueues each re-match once", async () => {
    const need = (await postNeed({ actor: sme, input: terms({ amount: 80_000_000n }), ip: null })).id;
    const event = await prisma.outboxEvent.findFirstOrThrow({ where: { topic: "match.need", aggregateId: need, processedAt: null } });
    const payload = { kind: "need" as const, ids: [need], eventId: event.id.toString() };
    await enqueueMany("matchChange", [payload]);
    await enqueueMany("matchChange", [payload]);
    await dispatchMatchChanges(prisma);
    const jobs = (await queue().getJobs(["waiting", "prioritized", "delayed"])).filter((j) => j.name === JOBS.matchChange.name && j.data.ids.includes(need));
    expect(jobs).toHaveLength(1);
    await runMatching();
  });

  it("a job that crashes after writing half its ranking leaves the old one; the retry writes the same ranking once", async () => {
    const needId = (await postNeed({ actor: sme, input: terms({ amount: 60_000_000n }), ip: null })).id;
    await runMatching();
    const clean = await ranking(needId);
    expect(clean.length).toBe(2);

    // The crash: the database refuses the last statement of the job's transaction (after its DELETE and INSERT ran).
    await prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION fail_match_write() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'simulated crash'; END $$ LANGUAGE plpgsql`);
    await prisma.$executeRawUnsafe(`
      CREATE TRIGGER fail_match_write BEFORE INSERT OR UPDATE ON need_rankings FOR EACH ROW EXECUTE FUNCTION fail_match_write()`);
    await expect(rematchNeeds(prisma, [needId])).rejects.toThrow(/simulated crash/);
    expect(await ranking(needId)).toEqual(clean);

    await prisma.$executeRawUnsafe(`DROP TRIGGER fail_match_write ON need_rankings`);
    await rematchNeeds(prisma, [needId]);
    await rematchNeeds(prisma, [needId]);
    expect(await ranking(needId)).toEqual(clean);
    expect(await prisma.match.count({ where: { needId } })).toBe(clean.length);
  });

  it("a full re-match and the stale sweep change nothing that is already current", async () => {
    const before = await prisma.match.findMany({ orderBy: [{ needId: "asc" }, { rank: "asc" }], select: { needId: true, productId: true, rank: true, score: true } });
    const result = await rematchAll(prisma);
    expect(result.needs).toBeGreaterThanOrEqual(3);
    expect(result.pairsChecked).toBe(result.needs * 2);
    const after = await prisma.match.findMany({ orderBy: [{ needId: "asc" }, { rank: "asc" }], select: { needId: true, productId: true, rank: true, score: true } });
    expect(after).toEqual(before);
    expect((await rematchStale(prisma)).needs).toBe(0);
    // The rebuilt table carries the migrations' constraint and index names.
    const indexes = await prisma.$queryRaw<{ name: string }[]>`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'matches' ORDER BY 1`;
    expect(indexes.map((i) => i.name)).toEqual(["matches_institutionId_bankBest_score_idx", "matches_pkey"]);
    // A need whose ranking was lost (its event never dispatched) is found by the sweep.
    await prisma.needRanking.deleteMany({});
    expect((await rematchStale(prisma)).needs).toBeGreaterThanOrEqual(3);
  });
});

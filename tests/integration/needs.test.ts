/**
 * Financing needs: an SME posts, edits, closes and confirms its own needs;
 * banks find them in the needs marketplace and take them up; needs past their
 * date expire by themselves. Every change reaches the search index through the
 * outbox, and nobody sees or changes what is not theirs.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { claimNeed } from "~/domain/needs/claim-need.server";
import { closeNeed } from "~/domain/needs/close-need.server";
import { expireNeeds } from "~/domain/needs/expire-needs.server";
import { fulfilNeed } from "~/domain/needs/fulfil-need.server";
import { listOwnNeeds } from "~/domain/needs/list-own-needs.server";
import { loadNeedForBank, loadOwnNeed } from "~/domain/needs/load-need.server";
import { calendarDay } from "~/domain/needs/need-rules";
import { postNeed } from "~/domain/needs/post-need.server";
import { searchNeeds } from "~/domain/needs/search-needs.server";
import { updateNeed } from "~/domain/needs/update-need.server";
import { drainSearchOutbox } from "~/domain/outbox/search-outbox.server";
import { createPostgresSearchIndex } from "~/domain/search/postgres-search.server";
import { JOBS } from "~/jobs/definitions";
import * as needNewRoute from "~/routes/app/need-new";
import * as needRoute from "~/routes/app/need";
import { NeedSearchParamsSchema, type NeedFormInput } from "~/schemas/needs";
import { HANDLERS } from "../../workers/handlers";
import { actorOf, makeActor, makeEnterprise, makeUser, outcome, routeContext } from "../helpers";

const search = createPostgresSearchIndex(prisma);
const DAY = 86_400_000;
const inDays = (n: number) => new Date(calendarDay(platformToday()).getTime() + n * DAY);

async function smeOf(enterpriseId: string): Promise<Actor> {
  return actorOf((await makeUser({ roleKey: "sme", enterpriseId })).id);
}

function terms(over: Partial<NeedFormInput> = {}): NeedFormInput {
  return {
    amount: 50_000_000n,
    termMonths: 12,
    purpose: "采购原材料（钢材），用于承接新订单",
    maxRate: 450,
    guaranteeTypes: ["CREDIT", "GUARANTOR"],
    urgency: "NORMAL",
    expiresOn: inDays(30),
    ...over,
  };
}

const pendingEvents = (needId: string) =>
  prisma.outboxEvent.count({ where: { topic: "search.needs", aggregateId: needId, processedAt: null } });

async function find(bank: Actor, query: string): Promise<string[]> {
  const result = await searchNeeds({ actor: bank, params: NeedSearchParamsSchema.parse(new URLSearchParams(query)), search });
  return result.hits.map((h) => h.id);
}

describe("an SME's own needs", () => {
  it("posts, edits and closes a need; each change reaches the search index through the outbox", async () => {
    const e = await makeEnterprise();
    const sme = await smeOf(e.id);
    const bank = await makeActor("loan_officer");

    const posted = await postNeed({ actor: sme, input: terms({ purpose: "稻蟹养殖饲料采购，春季投苗" }), ip: "10.0.0.1" });
    expect(posted.version).toBe(1);
    expect(await pendingEvents(posted.id)).toBe(1);
    expect(await find(bank, "q=稻蟹")).toEqual([]);
    await drainSearchOutbox(prisma, search);
    expect(await find(bank, "q=稻蟹")).toEqual([posted.id]);

    const edited = await updateNeed({ actor: sme, needId: posted.id, input: terms({ purpose: "扩大产能购置设备（数控机床）", version: 1 }), ip: null });
    expect(edited.version).toBe(2);
    expect(await pendingEvents(posted.id)).toBe(1);
    await drainSearchOutbox(prisma, search);
    expect(await find(bank, "q=稻蟹")).toEqual([]);
    expect(await find(bank, "q=数控机床")).toEqual([posted.id]);

    // An edit made from the page as it was before the last edit is refused, and changes nothing.
    await expect(updateNeed({ actor: sme, needId: posted.id, input: terms({ purpose: "旧页面上的修改", version: 1 }), ip: null })).rejects.toMatchObject({
      code: "need.stale",
    });
    await expect(updateNeed({ actor: sme, needId: posted.id, input: terms({ purpose: "没有版本号的修改" }), ip: null })).rejects.toMatchObject({
      code: "need.stale",
    });
    expect(await prisma.financingNeed.findUniqueOrThrow({ where: { id: posted.id } })).toMatchObject({ purpose: "扩大产能购置设备（数控机床）", version: 2 });

    await expect(closeNeed({ actor: sme, needId: posted.id, version: 1, ip: null })).rejects.toMatchObject({ code: "need.stale" });
    const closed = await closeNeed({ actor: sme, needId: posted.id, version: 2, reason: "  已通过其他渠道解决 ", ip: null });
    expect(closed).toMatchObject({ status: "CLOSED", version: 3 });
    const row = await prisma.financingNeed.findUniqueOrThrow({ where: { id: posted.id } });
    expect(row).toMatchObject({ status: "CLOSED", closeReason: "已通过其他渠道解决" });
    expect(row.closedAt).not.toBeNull();
    await drainSearchOutbox(prisma, search);
    expect(await find(bank, "q=数控机床")).toEqual([]);

    // Ended is ended: no edit, no second close.
    await expect(updateNeed({ actor: sme, needId: posted.id, input: terms({ version: 3 }), ip: null })).rejects.toMatchObject({ code: "need.notOpen" });
    await expect(closeNeed({ actor: sme, needId: posted.id, version: 3, ip: null })).rejects.toMatchObject({ code: "need.notActive" });

    const audit = await prisma.auditLog.findMany({ where: { entityType: "need", entityId: posted.id }, orderBy: { seq: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["need.posted", "need.updated", "need.closed"]);
    expect(audit[0]).toMatchObject({ actorUserId: sme.userId, actorEnterpriseId: e.id, ip: "10.0.0.1" });
    expect(audit[1]!.summary).toMatchObject({ before: { purpose: "稻蟹养殖饲料采购，春季投苗" }, after: { purpose: "扩大产能购置设备（数控机床）" } });
  });

  it("lists its own needs by page and status, with how many banks took each up", async () => {
    const e = await makeEnterprise();
    const sme = await smeOf(e.id);
    const other = await smeOf((await makeEnterprise()).id);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await postNeed({ actor: sme, input: terms({ purpose: `支付货款第 ${i + 1} 批` }), ip: null })).id);
    await postNeed({ actor: other, input: terms(), ip: null });
    await closeNeed({ actor: sme, needId: ids[0]!, version: 1, ip: null });
    await claimNeed({ actor: await makeActor("loan_officer"), needId: ids[1]!, ip: null });

    const all = await listOwnNeeds({ actor: sme, page: 1, pageSize: 2 });
    expect(all.total).toBe(3);
    expect(all.rows).toHaveLength(2);
    expect(all.byStatus).toMatchObject({ OPEN: 1, IN_PROGRESS: 1, CLOSED: 1, FULFILLED: 0, EXPIRED: 0 });
    const page2 = await listOwnNeeds({ actor: sme, page: 2, pageSize: 2 });
    expect([...all.rows, ...page2.rows].map((r) => r.id).sort()).toEqual([...ids].sort());

    const inProgress = await listOwnNeeds({ actor: sme, status: "IN_PROGRESS", page: 1, pageSize: 20 });
    expect(inProgress.rows.map((r) => ({ id: r.id, claims: r.claims }))).toEqual([{ id: ids[1], claims: 1 }]);
  });

  it("refuses terms outside the rules, and an invalid submission changes nothing", async () => {
    const e = await makeEnterprise();
    const sme = await smeOf(e.id);
    const before = { needs: await prisma.financingNeed.count(), events: await prisma.outboxEvent.count(), audit: await prisma.auditLog.count() };

    await expect(postNeed({ actor: sme, input: terms({ expiresOn: inDays(0) }), ip: null })).rejects.toMatchObject({ code: "need.expiryNotFuture" });
    await expect(postNeed({ actor: sme, input: terms({ expiresOn: inDays(181) }), ip: null })).rejects.toMatchObject({ code: "need.expiryTooFar" });
    await expect(postNeed({ actor: sme, input: terms({ amount: 99_999n }), ip: null })).rejects.toMatchObject({ code: "need.amountTooSmall" });

    // Through the page: field errors come back, nothing is written.
    const body = new URLSearchParams({ amount: "abc", termMonths: "12", purpose: "买", maxRate: "99", urgency: "NORMAL", expiresOn: "2020-01-01" });
    const request = new Request("http://localhost/app/needs/new", { method: "POST", body });
    const result = await outcome(() => needNewRoute.action({ request, context: routeContext(sme), params: {} } as never));
    const errors = (result.data as { data: { result: { error: Record<string, string[]> } } }).data.result.error;
    expect(Object.keys(errors).sort()).toEqual(["amount", "expiresOn", "guaranteeTypes", "maxRate", "purpose"]);

    expect({ needs: await prisma.financingNeed.count(), events: await prisma.outboxEvent.count(), audit: await prisma.auditLog.count() }).toEqual(before);
  });

  it("a valid post through the page redirects to the new need", async () => {
    const sme = await smeOf((await makeEnterprise()).id);
    const body = new URLSearchParams({
      amount: "300,000",
      termMonths: "6",
      purpose: "春耕备货：化肥、种子采购",
      maxRate: "5.2",
      urgency: "HIGH",
      expiresOn: inDays(60).toISOString().slice(0, 10),
    });
    body.append("guaranteeTypes", "MORTGAGE");
    const request = new Request("http://localhost/app/needs/new", { method: "POST", body });
    const result = await outcome(() => needNewRoute.action({ request, context: routeContext(sme), params: {} } as never));
    expect(result.status).toBe(302);
    const id = /^\/app\/needs\/([0-9a-f-]{36})\?done=posted$/.exec(result.location ?? "")?.[1];
    expect(await prisma.financingNeed.findUniqueOrThrow({ where: { id } })).toMatchObject({
      amountFen: 30_000_000n,
      termMonths: 6,
      maxRateBps: 520,
      guaranteeTypes: ["MORTGAGE"],
      urgency: "HIGH",
      status: "OPEN",
    });
  });
});

describe("banks taking needs up", () => {
  it("two banks take up one need; the SME sees both, is notified, and confirms it fulfilled", async () => {
    const e = await makeEnterprise();
    const sme = await smeOf(e.id);
    const bankA = await makeActor("loan_officer");
    const bankB = await makeActor("bank_admin");
    const need = await postNeed({ actor: sme, input: terms(), ip: null });
    await drainSearchOutbox(prisma, search);

    const first = await claimNeed({ actor: bankA, needId: need.id, ip: null });
    expect(first.alreadyClaimed).toBe(false);
    expect(await prisma.financingNeed.findUniqueOrThrow({ where: { id: need.id } })).toMatchObject({ status: "IN_PROGRESS", version: 2 });
    expect(await pendingEvents(need.id)).toBe(1);
    expect(await claimNeed({ actor: bankA, needId: need.id, ip: null })).toEqual({ claimId: first.claimId, alreadyClaimed: true });

    const second = await claimNeed({ actor: bankB, needId: need.id, ip: null });
    expect(second.alreadyClaimed).toBe(false);
    expect(await prisma.needClaim.count({ where: { needId: need.id } })).toBe(2);
    expect(await prisma.notification.count({ where: { enterpriseId: e.id, kind: "need.claimed" } })).toBe(2);

    // Still in the marketplace (in progress), marked for the bank that took it up.
    await drainSearchOutbox(prisma, search);
    const forA = await searchNeeds({ actor: bankA, params: NeedSearchParamsSchema.parse(new URLSearchParams()), search });
    expect(forA.hits.find((h) => h.id === need.id)).toMatchObject({ status: "IN_PROGRESS", claimed: true });
    const outsider = await makeActor("loan_officer");
    const forOutsider = await searchNeeds({ actor: outsider, params: NeedSearchParamsSchema.parse(new URLSearchParams()), search });
    expect(forOutsider.hits.find((h) => h.id === need.id)).toMatchObject({ claimed: false });

    const own = await loadOwnNeed({ actor: sme, needId: need.id });
    expect(own.need.claims.map((c) => c.institution.id).sort()).toEqual([bankA.institution!.id, bankB.institution!.id].sort());
    expect(own.commands).toEqual(["close", "fulfil"]);
    // The SME's page was opened before the claims: its edit is refused as no longer open.
    await expect(updateNeed({ actor: sme, needId: need.id, input: terms({ version: 1 }), ip: null })).rejects.toMatchObject({ code: "need.notOpen" });

    await expect(fulfilNeed({ actor: sme, needId: need.id, version: 2, ip: null })).rejects.toMatchObject({ code: "need.stale" });
    await fulfilNeed({ actor: sme, needId: need.id, version: 3, ip: null });
    expect(await prisma.financingNeed.findUniqueOrThrow({ where: { id: need.id } })).toMatchObject({ status: "FULFILLED", version: 4 });
    expect(await prisma.notification.count({ where: { kind: "need.fulfilled", institutionId: { in: [bankA.institution!.id, bankB.institution!.id] } } })).toBe(2);
    await drainSearchOutbox(prisma, search);
    expect(await find(bankA, "")).not.toContain(need.id);

    // A bank that took it up still opens it; one that did not no longer can.
    expect((await loadNeedForBank({ actor: bankA, needId: need.id })).ownClaim).not.toBeNull();
    await expect(loadNeedForBank({ actor: outsider, needId: need.id })).rejects.toMatchObject({ code: "notFound" });
    await expect(claimNeed({ actor: outsider, needId: need.id, ip: null })).rejects.toMatchObject({ code: "need.notClaimable" });
  });

  it("refuses to take up a closed need or one past its date", async () => {
    const sme = await smeOf((await makeEnterprise()).id);
    const bank = await makeActor("loan_officer");
    const closed = await postNeed({ actor: sme, input: terms(), ip: null });
    await closeNeed({ actor: sme, needId: closed.id, version: 1, ip: null });
    await expect(claimNeed({ actor: bank, needId: closed.id, ip: null })).rejects.toMatchObject({ code: "need.notClaimable" });

    const late = await postNeed({ actor: sme, input: terms(), ip: null });
    // Past its date, before the hourly job has marked it.
    await prisma.financingNeed.update({ where: { id: late.id }, data: { expiresOn: inDays(-1) } });
    await expect(claimNeed({ actor: bank, needId: late.id, ip: null })).rejects.toMatchObject({ code: "need.notClaimable" });
    expect((await loadNeedForBank({ actor: bank, needId: late.id })).claimable).toBe(false);
    expect(await prisma.needClaim.count({ where: { needId: { in: [closed.id, late.id] } } })).toBe(0);
  });

  it("shows a bank the enterprise's business facts, never personal data", async () => {
    const e = await makeEnterprise();
    await prisma.enterprise.update({ where: { id: e.id }, data: { legalRepIdNumber: "211102198001011234", contactPhone: "13800138000" } });
    const sme = await smeOf(e.id);
    const need = await postNeed({ actor: sme, input: terms(), ip: null });
    const view = await loadNeedForBank({ actor: await makeActor("loan_officer"), needId: need.id });
    expect(view.need.enterprise).toEqual({ name: e.name, regionCode: "211103", industryCode: "C34", size: "SMALL", foundedOn: e.foundedOn });
    expect(JSON.stringify(view, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).not.toMatch(/13800138000|211102198001011234|张三/);
  });
});

describe("tenancy", () => {
  it("another enterprise's SME can neither see nor change a need; banks and others cannot edit", async () => {
    const e = await makeEnterprise();
    const sme = await smeOf(e.id);
    const need = await postNeed({ actor: sme, input: terms(), ip: null });
    const stranger = await smeOf((await makeEnterprise()).id);

    await expect(loadOwnNeed({ actor: stranger, needId: need.id })).rejects.toMatchObject({ code: "notFound" });
    await expect(updateNeed({ actor: stranger, needId: need.id, input: terms({ version: 1 }), ip: null })).rejects.toMatchObject({ code: "notFound" });
    await expect(closeNeed({ actor: stranger, needId: need.id, version: 1, ip: null })).rejects.toMatchObject({ code: "notFound" });
    await expect(fulfilNeed({ actor: stranger, needId: need.id, version: 1, ip: null })).rejects.toMatchObject({ code: "notFound" });
    expect((await listOwnNeeds({ actor: stranger, page: 1, pageSize: 20 })).rows).toEqual([]);
    // An SME cannot take up needs or search the marketplace.
    await expect(claimNeed({ actor: stranger, needId: need.id, ip: null })).rejects.toMatchObject({ code: "forbidden" });
    await expect(searchNeeds({ actor: stranger, params: NeedSearchParamsSchema.parse(new URLSearchParams()), search })).rejects.toMatchObject({ code: "forbidden" });

    for (const role of ["bank_admin", "loan_officer", "finance_office", "regulator", "platform_admin"] as const) {
      const actor = await makeActor(role);
      await expect(postNeed({ actor, input: terms(), ip: null }), role).rejects.toMatchObject({ code: "forbidden" });
      await expect(updateNeed({ actor, needId: need.id, input: terms({ version: 1 }), ip: null }), role).rejects.toMatchObject({ code: "forbidden" });
      await expect(closeNeed({ actor, needId: need.id, version: 1, ip: null }), role).rejects.toMatchObject({ code: "forbidden" });
      await expect(loadOwnNeed({ actor, needId: need.id }), role).rejects.toMatchObject({ code: "forbidden" });
    }
    for (const role of ["finance_office", "regulator", "platform_admin"] as const) {
      await expect(claimNeed({ actor: await makeActor(role), needId: need.id, ip: null }), role).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await prisma.financingNeed.findUniqueOrThrow({ where: { id: need.id } })).toMatchObject({ status: "OPEN", version: 1 });

    // Through the page: another SME's need is a 404, a bank posting to it a 403.
    const path = `/app/needs/${need.id}`;
    const load = (actor: Actor) => outcome(() => needRoute.loader({ request: new Request(`http://localhost${path}`), context: routeContext(actor), params: { needId: need.id } } as never));
    expect((await load(sme)).status).toBe(200);
    expect((await load(stranger)).status).toBe(404);
    expect((await load(await makeActor("loan_officer"))).status).toBe(403);
    const post = new Request(`http://localhost${path}`, { method: "POST", body: new URLSearchParams({ intent: "close", version: "1" }) });
    expect((await outcome(() => needRoute.action({ request: post, context: routeContext(stranger), params: { needId: need.id } } as never))).status).toBe(404);
    expect((await load(sme)).status).toBe(200);
    expect((await outcome(() => needRoute.loader({ request: new Request("http://localhost/app/needs/x"), context: routeContext(sme), params: { needId: "not-a-uuid" } } as never))).status).toBe(404);
  });
});

describe("expiry", () => {
  it("expires only needs past their date, by itself, once; the search forgets them", async () => {
    const sme = await smeOf((await makeEnterprise()).id);
    const bank = await makeActor("loan_officer");
    const make = async (purpose: string, expiresInDays: number, claimed = false) => {
      const need = await postNeed({ actor: sme, input: terms({ purpose }), ip: null });
      if (claimed) await claimNeed({ actor: bank, needId: need.id, ip: null });
      await prisma.financingNeed.update({ where: { id: need.id }, data: { expiresOn: inDays(expiresInDays) } });
      return need.id;
    };
    const pastOpen = await make("到期测试：昨天到期的需求", -1);
    const pastClaimed = await make("到期测试：上周到期已接单", -7, true);
    const today = await make("到期测试：今天到期的需求", 0);
    const future = await make("到期测试：明天到期的需求", 1);
    const closed = await make("到期测试：已关闭的旧需求", 5);
    await closeNeed({ actor: sme, needId: closed, version: 1, ip: null });
    await prisma.financingNeed.update({ where: { id: closed }, data: { expiresOn: inDays(-3) } });
    await drainSearchOutbox(prisma, search);
    expect((await find(bank, "q=到期测试")).sort()).toEqual([pastOpen, pastClaimed, today, future].sort());
    const auditBefore = await prisma.auditLog.count({ where: { action: "need.expired" } });
    // Other tests in this file leave past-due needs too: the job expires exactly the active ones past their date.
    const due = await prisma.financingNeed.findMany({ where: { status: { in: ["OPEN", "IN_PROGRESS"] }, expiresOn: { lt: inDays(0) } }, select: { id: true } });
    expect(due.map((n) => n.id)).toEqual(expect.arrayContaining([pastOpen, pastClaimed]));

    const result = await HANDLERS[JOBS.expireNeeds.name]!(prisma, { reason: "schedule" }, { finalAttempt: false });
    expect(result).toEqual({ expired: due.length, batches: 1 });
    const statuses = Object.fromEntries(
      (await prisma.financingNeed.findMany({ where: { id: { in: [pastOpen, pastClaimed, today, future, closed] } } })).map((n) => [n.id, n.status]),
    );
    expect(statuses).toEqual({ [pastOpen]: "EXPIRED", [pastClaimed]: "EXPIRED", [today]: "OPEN", [future]: "OPEN", [closed]: "CLOSED" });
    expect(await pendingEvents(pastOpen)).toBe(1);
    // One audit record for the batch, naming the needs.
    const audit = await prisma.auditLog.findMany({ where: { action: "need.expired" }, orderBy: { seq: "asc" }, skip: auditBefore });
    expect(audit).toHaveLength(1);
    expect((audit[0]!.summary as { needIds: string[] }).needIds.sort()).toEqual(due.map((n) => n.id).sort());

    await drainSearchOutbox(prisma, search);
    expect((await find(bank, "q=到期测试")).sort()).toEqual([today, future].sort());

    // Running again changes nothing; a payload that fails its schema is refused.
    expect(await expireNeeds(prisma)).toEqual({ expired: 0, batches: 0 });
    await expect(HANDLERS[JOBS.expireNeeds.name]!(prisma, { reason: "because" }, { finalAttempt: false })).rejects.toThrow();
    // An expired need can be neither edited nor taken up.
    await expect(updateNeed({ actor: sme, needId: pastOpen, input: terms({ version: 2 }), ip: null })).rejects.toMatchObject({ code: "need.notOpen" });
    await expect(claimNeed({ actor: await makeActor("bank_admin"), needId: pastOpen, ip: null })).rejects.toMatchObject({ code: "need.notClaimable" });
  });

  it("works in bounded batches, one audit record each", async () => {
    const sme = await smeOf((await makeEnterprise()).id);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await postNeed({ actor: sme, input: terms({ purpose: `分批到期测试 ${i}` }), ip: null })).id);
    await prisma.financingNeed.updateMany({ where: { id: { in: ids } }, data: { expiresOn: inDays(-2) } });
    const before = await prisma.auditLog.count({ where: { action: "need.expired" } });
    expect(await expireNeeds(prisma, { batchSize: 2 })).toEqual({ expired: 5, batches: 3 });
    expect((await prisma.auditLog.count({ where: { action: "need.expired" } })) - before).toBe(3);
  });
});

describe("the needs marketplace", () => {
  it("finds Chinese text with highlights, filters by facets and ranges, counts facets, sorts and pages", async () => {
    const bank = await makeActor("loan_officer");
    const a = await makeEnterprise();
    const b = await prisma.enterprise.update({ where: { id: (await makeEnterprise()).id }, data: { regionCode: "211104", industryCode: "A04", size: "MICRO" } });
    const smeA = await smeOf(a.id);
    const smeB = await smeOf(b.id);
    const n1 = await postNeed({ actor: smeA, input: terms({ purpose: "市场测试：采购原材料（钢材）", amount: 20_000_000n, maxRate: 400, urgency: "HIGH" }), ip: null });
    const n2 = await postNeed({ actor: smeB, input: terms({ purpose: "市场测试：稻蟹养殖饲料采购", amount: 80_000_000n, maxRate: 600, guaranteeTypes: ["MORTGAGE"] }), ip: null });
    const n3 = await postNeed({ actor: smeB, input: terms({ purpose: "市场测试：原材料备货（种子化肥）", amount: 5_000_000n, termMonths: 36, maxRate: 550 }), ip: null });
    await drainSearchOutbox(prisma, search);
    const run = (query: string) => searchNeeds({ actor: bank, params: NeedSearchParamsSchema.parse(new URLSearchParams(query)), search });

    const text = await run("q=市场测试 原材料");
    expect(text.hits.map((h) => h.id).sort()).toEqual([n1.id, n3.id].sort());
    const hit = text.hits.find((h) => h.id === n1.id)!;
    expect(hit.highlights.purpose?.filter((p) => p.match).map((p) => p.text)).toEqual(["市场测试", "原材料"]);
    expect(hit).toMatchObject({ amountFen: 20_000_000, maxRateBps: 400, urgency: "HIGH", regionCode: "211103", size: "SMALL", enterpriseName: a.name });

    const market = "q=市场测试";
    // Facets are disjunctive: choosing one region still counts the others.
    const inDawa = await run(`${market}&region=211104`);
    expect(inDawa.hits.map((h) => h.id).sort()).toEqual([n2.id, n3.id].sort());
    expect(inDawa.facets.region).toEqual({ "211103": 1, "211104": 2 });
    expect(inDawa.facets.industry).toEqual({ A04: 2 });
    expect((await run(`${market}&guarantee=MORTGAGE`)).hits.map((h) => h.id)).toEqual([n2.id]);
    expect((await run(`${market}&urgency=HIGH`)).hits.map((h) => h.id)).toEqual([n1.id]);

    // Ranges: amount in 元, term in months, and the lowest rate the bank can offer.
    expect((await run(`${market}&amountMin=100000&amountMax=500000`)).hits.map((h) => h.id)).toEqual([n1.id]);
    expect((await run(`${market}&amountMin=500000&amountMax=100000`)).hits.map((h) => h.id)).toEqual([n1.id]);
    expect((await run(`${market}&termMin=24`)).hits.map((h) => h.id)).toEqual([n3.id]);
    expect((await run(`${market}&rateMin=5.5`)).hits.map((h) => h.id).sort()).toEqual([n2.id, n3.id].sort());

    expect((await run(`${market}&sort=amountDesc`)).hits.map((h) => h.id)).toEqual([n2.id, n1.id, n3.id]);
    expect((await run(`${market}&sort=amountAsc`)).hits.map((h) => h.id)).toEqual([n3.id, n1.id, n2.id]);
    const paged = await run(`${market}&sort=amountAsc&page=2`);
    expect(paged).toMatchObject({ total: 3, page: 2, hits: [] });

    expect((await run("q=没有这种需求")).total).toBe(0);
  });
});

/**
 * Institution and enterprise scoping, followed through: who sees whose
 * institution, users, applications and loans, which side may give which
 * command, and replays across tenants. Which roles reach each route at all is
 * the generated matrix's business (authorisation-matrix.test.ts).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { ROLE_KEYS, type RoleKey } from "~/domain/access/permissions";
import { rerouteApplication } from "~/domain/applications/reroute-application.server";
import { runApplicationCommand, type ApplicationCommandInput } from "~/domain/applications/run-application-command.server";
import { submitApplication } from "~/domain/applications/submit-application.server";
import { createApiKey } from "~/domain/auth/api-keys.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { disburseLoan } from "~/domain/loans/disburse-loan.server";
import { rematchNeeds } from "~/domain/matching/rematch.server";
import { calendarDay } from "~/domain/needs/need-rules";
import { getInstitution } from "~/domain/institutions/institutions.server";
import { createUser } from "~/domain/users/create-user.server";
import { listUsers } from "~/domain/users/list-users.server";
import * as institutionDetail from "~/routes/app/institution-detail";
import * as institution from "~/routes/app/institution";
import * as users from "~/routes/app/users";
import * as applications from "~/routes/app/applications";
import * as applicationNew from "~/routes/app/application-new";
import * as applicationPage from "~/routes/app/application";
import * as loans from "~/routes/app/loans";
import * as calendar from "~/routes/app/calendar";
import * as apiApplications from "~/routes/api/v1/applications";
import * as apiApplication from "~/routes/api/v1/application";
import * as apiDecision from "~/routes/api/v1/application-decision";
import * as apiDisbursement from "~/routes/api/v1/application-disbursement";
import * as apiLoan from "~/routes/api/v1/loan";
import * as apiRepayments from "~/routes/api/v1/loan-repayments";
import { closeQueues } from "~/jobs/enqueue.server";
import { makeActor, makeInstitution, makeProduct, makeUser, openNeed, outcome, routeContext } from "../helpers";

type LoaderModule = { loader: (args: never) => Promise<unknown> };

const actors = {} as Record<RoleKey, Actor>;
let bankA: string;
let bankB: string;
let bankAAdmin: Actor;
let bankAOfficer: Actor;

beforeAll(async () => {
  bankA = (await makeInstitution("BANK")).id;
  bankB = (await makeInstitution("BANK")).id;
  for (const role of ROLE_KEYS) {
    actors[role] = await makeActor(role, role === "bank_admin" || role === "loan_officer" ? { institutionId: bankA } : undefined);
  }
  bankAAdmin = actors.bank_admin;
  bankAOfficer = actors.loan_officer;
  await makeUser({ roleKey: "loan_officer", institutionId: bankB, username: `b-officer-${bankB.slice(0, 8)}` });
});

afterAll(async () => {
  await closeQueues();
});

function call(module: LoaderModule, actor: Actor | null, path: string, params: Record<string, string> = {}) {
  const request = new Request(`http://localhost${path}`);
  return outcome(() => module.loader({ request, context: routeContext(actor), params } as never));
}

describe("institution scoping", () => {
  it("a bank's staff see their own institution's page and users, never another bank's", async () => {
    for (const actor of [bankAAdmin, bankAOfficer]) {
      const own = await call(institutionDetail, actor, `/app/institutions/${bankA}`, { institutionId: bankA });
      expect(own.status).toBe(200);
      const other = await call(institutionDetail, actor, `/app/institutions/${bankB}`, { institutionId: bankB });
      expect(other.status).toBe(404);

      const team = (await call(institution, actor, "/app/institution")).data as { users: { rows: { username: string }[] } };
      expect(team.users.rows.every((u) => !u.username.startsWith("b-officer-"))).toBe(true);

      await expect(getInstitution({ actor, institutionId: bankB })).rejects.toMatchObject({ status: 404 });
      await expect(listUsers({ actor, query: { page: 1, pageSize: 20 }, institutionId: bankB })).rejects.toMatchObject({ status: 404 });
    }
  });

  it("the finance office and regulators may open any institution", async () => {
    for (const role of ["finance_office", "regulator", "platform_admin"] as const) {
      expect((await call(institutionDetail, actors[role], `/app/institutions/${bankB}`, { institutionId: bankB })).status).toBe(200);
    }
    expect((await call(institutionDetail, actors.sme, `/app/institutions/${bankB}`, { institutionId: bankB })).status).toBe(403);
    expect((await call(institutionDetail, actors.finance_office, "/app/institutions/x", { institutionId: "not-a-uuid" })).status).toBe(404);
  });

  it("a bank admin creates colleagues in its own bank only, and only bank roles", async () => {
    const input = (over: Partial<Parameters<typeof createUser>[0]["input"]>) => ({
      username: `new-${Math.random().toString(36).slice(2, 10)}`,
      displayName: "新同事",
      roleKey: "loan_officer" as const,
      institutionId: bankA,
      password: "a-long-password",
      ...over,
    });
    await expect(createUser({ actor: bankAAdmin, input: input({}), ip: null })).resolves.toBeTruthy();
    const before = await prisma.user.count();
    await expect(createUser({ actor: bankAAdmin, input: input({ institutionId: bankB }), ip: null })).rejects.toMatchObject({
      code: "user.institutionNotFound",
    });
    await expect(createUser({ actor: bankAAdmin, input: input({ roleKey: "regulator" }), ip: null })).rejects.toMatchObject({
      code: "user.roleNotAllowed",
    });
    await expect(createUser({ actor: bankAOfficer, input: input({}), ip: null })).rejects.toMatchObject({ code: "forbidden" });
    expect(await prisma.user.count()).toBe(before);
  });

  it("only platform administrators create platform staff", async () => {
    const platform = await prisma.institution.findFirstOrThrow({ where: { id: actors.platform_admin.institution!.id } });
    const input = {
      username: `ops-${Date.now()}`,
      displayName: "运维",
      roleKey: "platform_admin" as const,
      institutionId: platform.id,
      password: "a-long-password",
    };
    await expect(createUser({ actor: actors.finance_office, input, ip: null })).rejects.toMatchObject({ code: "user.roleNotAllowed" });
    await expect(createUser({ actor: actors.platform_admin, input, ip: null })).resolves.toBeTruthy();
  });

  it("actions check permission too: a loan officer cannot post to the users page", async () => {
    const request = new Request("http://localhost/app/users", { method: "POST", body: new URLSearchParams({ username: "x" }) });
    const result = await outcome(() => users.action({ request, context: routeContext(bankAOfficer), params: {} } as never));
    expect(result.status).toBe(403);
  });
});

// ─── Applications and loans ────────────────────────────────────────────────
//
// Bank A (bankAAdmin, bankAOfficer) and bank B (bankBAdmin) each list a
// product; the matrix's SME (actors.sme) borrows from bank A and another SME
// (otherSme) from bank B. Every refusal is checked to have changed nothing.

type ActionModule = { action: (args: never) => Promise<unknown> };

const APPROVE: ApplicationCommandInput = { command: "approve", amountFen: 50_000_000n, rateBps: 400, termMonths: 12, repaymentMethod: "EQUAL_INSTALMENT" };

async function applied(owner: Actor, productId: string, needId?: string): Promise<string> {
  const need = needId ?? (await openNeed(owner)).id;
  return (
    await submitApplication({ actor: owner, input: { needId: need, productId, amountFen: 50_000_000n, termMonths: 12, submitKey: randomUUID() }, ip: null })
  ).applicationId;
}

const command = (actor: Actor, applicationId: string, input: ApplicationCommandInput) =>
  runApplicationCommand({ actor, applicationId, input, commandKey: randomUUID(), ip: null });

/** Submitted, accepted and approved by the bank, the offer accepted by the SME. */
async function offerAccepted(owner: Actor, productId: string, bank: Actor): Promise<string> {
  const applicationId = await applied(owner, productId);
  await command(bank, applicationId, { command: "accept" });
  await command(bank, applicationId, APPROVE);
  await command(owner, applicationId, { command: "acceptOffer" });
  return applicationId;
}

async function disbursed(owner: Actor, productId: string, bank: Actor): Promise<{ applicationId: string; loanId: string }> {
  const applicationId = await offerAccepted(owner, productId, bank);
  const { loanId } = await disburseLoan({ actor: bank, applicationId, input: { disbursedOn: platformToday() }, commandKey: randomUUID(), ip: null });
  return { applicationId, loanId };
}

/** Everything a command on the application could change. */
async function stateOf(applicationId: string) {
  const [application, events, loanCount, repayments, audit, applicationCount, notifications] = await Promise.all([
    prisma.application.findUniqueOrThrow({ where: { id: applicationId }, select: { status: true, version: true } }),
    prisma.applicationEvent.count({ where: { applicationId } }),
    prisma.loan.count({ where: { applicationId } }),
    prisma.repayment.count({ where: { loan: { applicationId } } }),
    prisma.auditLog.count(),
    prisma.application.count(),
    prisma.notification.count(),
  ]);
  return { ...application, events, loans: loanCount, repayments, audit, applications: applicationCount, notifications };
}

function post(module: ActionModule, actor: Actor | null, path: string, body: Record<string, string | string[]>, params: Record<string, string> = {}) {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) for (const v of [value].flat()) form.append(name, v);
  const request = new Request(`http://localhost${path}`, { method: "POST", body: form });
  return outcome(() => module.action({ request, context: routeContext(actor), params } as never));
}

/** The status the browser gets: a thrown response's, or the one a `data()` reply carries. */
function statusOf(result: { status: number; data?: unknown }): number {
  return (result.data as { init?: { status?: number } | null } | undefined)?.init?.status ?? result.status;
}

const itemIds = (result: { data?: unknown }) => (result.data as { items: { id: string }[] }).items.map((i) => i.id);

describe("applications and loans", () => {
  let bankBAdmin: Actor;
  let otherSme: Actor;
  let productA: string;
  let productB: string;
  /** actors.sme's application to bank A, and otherSme's to bank B: both SUBMITTED. */
  let appA: string;
  let appB: string;
  /** actors.sme's loan from bank A, and otherSme's from bank B. */
  let loanA: { applicationId: string; loanId: string };
  let loanB: { applicationId: string; loanId: string };

  beforeAll(async () => {
    bankBAdmin = await makeActor("bank_admin", { institutionId: bankB });
    otherSme = await makeActor("sme");
    productA = (await makeProduct(bankA, bankAAdmin.userId, "甲行信用贷")).id;
    productB = (await makeProduct(bankB, bankBAdmin.userId, "乙行信用贷")).id;
    await prisma.product.updateMany({ where: { id: { in: [productA, productB] } }, data: { eligibleSizes: ["MICRO", "SMALL", "MEDIUM"] } });
    // Disbursed first: one live application per enterprise and product.
    loanA = await disbursed(actors.sme, productA, bankAAdmin);
    loanB = await disbursed(otherSme, productB, bankBAdmin);
    appA = await applied(actors.sme, productA);
    appB = await applied(otherSme, productB);
  });

  describe("web pages", () => {
    it("/app/applications: an SME sees its enterprise's, a bank its institution's, the finance office and regulators every one", async () => {
      const ownA = [appA, loanA.applicationId];
      const ownB = [appB, loanB.applicationId];
      const cases: [string, Actor, string[], string[]][] = [
        ["sme", actors.sme, ownA, ownB],
        ["other sme", otherSme, ownB, ownA],
        ["bank A admin", bankAAdmin, ownA, ownB],
        ["bank A officer", bankAOfficer, ownA, ownB],
        ["bank B admin", bankBAdmin, ownB, ownA],
        ["finance office", actors.finance_office, [...ownA, ...ownB], []],
        ["regulator", actors.regulator, [...ownA, ...ownB], []],
      ];
      for (const [who, actor, visible, hidden] of cases) {
        const result = await call(applications, actor, "/app/applications?view=all&pageSize=100");
        expect(result.status, who).toBe(200);
        const ids = itemIds(result);
        expect(ids, who).toEqual(expect.arrayContaining(visible));
        for (const id of hidden) expect(ids, who).not.toContain(id);
      }
      expect((await call(applications, actors.platform_admin, "/app/applications")).status).toBe(403);
    });

    it("/app/loans: an SME sees its enterprise's loans, a bank its own book, the finance office and regulators every loan", async () => {
      const cases: [string, Actor, string[], string[]][] = [
        ["sme", actors.sme, [loanA.loanId], [loanB.loanId]],
        ["other sme", otherSme, [loanB.loanId], [loanA.loanId]],
        ["bank A admin", bankAAdmin, [loanA.loanId], [loanB.loanId]],
        ["bank A officer", bankAOfficer, [loanA.loanId], [loanB.loanId]],
        ["bank B admin", bankBAdmin, [loanB.loanId], [loanA.loanId]],
        ["finance office", actors.finance_office, [loanA.loanId, loanB.loanId], []],
        ["regulator", actors.regulator, [loanA.loanId, loanB.loanId], []],
      ];
      for (const [who, actor, visible, hidden] of cases) {
        const result = await call(loans, actor, "/app/loans?view=all&pageSize=100");
        expect(result.status, who).toBe(200);
        const ids = itemIds(result);
        expect(ids, who).toEqual(expect.arrayContaining(visible));
        for (const id of hidden) expect(ids, who).not.toContain(id);
      }
      expect((await call(loans, actors.platform_admin, "/app/loans")).status).toBe(403);
    });

    it("/app/applications/:id: the two sides, the finance office and regulators read it; another SME or bank finds nothing", async () => {
      const path = `/app/applications/${appA}`;
      const cases: [string, Actor, number, string | null][] = [
        ["owning sme", actors.sme, 200, "sme"],
        ["other sme", otherSme, 404, null],
        ["owning bank's admin", bankAAdmin, 200, "bank"],
        ["owning bank's officer", bankAOfficer, 200, "bank"],
        ["other bank", bankBAdmin, 404, null],
        ["finance office", actors.finance_office, 200, null],
        ["regulator", actors.regulator, 200, null],
        ["platform admin", actors.platform_admin, 403, null],
      ];
      for (const [who, actor, status, side] of cases) {
        const result = await call(applicationPage, actor, path, { applicationId: appA });
        expect(result.status, who).toBe(status);
        if (status !== 200) continue;
        const { application } = result.data as { application: { id: string; side: string | null; commands: string[] } };
        expect(application.id, who).toBe(appA);
        // Read-only viewers are offered no command; each side only its own.
        expect({ side: application.side, commands: application.commands }, who).toEqual({
          side,
          commands: side === "bank" ? ["accept", "decline"] : side === "sme" ? ["withdraw"] : [],
        });
      }
      // A loan's page: the borrower, the lender and the office; not the other bank or SME.
      for (const [actor, status] of [
        [actors.sme, 200],
        [bankAOfficer, 200],
        [actors.regulator, 200],
        [bankBAdmin, 404],
        [otherSme, 404],
      ] as const) {
        const result = await call(applicationPage, actor, `/app/applications/${loanA.applicationId}`, { applicationId: loanA.applicationId });
        expect(result.status).toBe(status);
        if (status === 200) expect((result.data as { application: { loan: { id: string } } }).application.loan.id).toBe(loanA.loanId);
      }
      expect((await call(applicationPage, actors.finance_office, "/app/applications/x", { applicationId: "not-a-uuid" })).status).toBe(404);
      const anonymous = await call(applicationPage, null, path, { applicationId: appA });
      expect(anonymous).toMatchObject({ status: 302, location: `/sign-in?redirectTo=${encodeURIComponent(path)}` });
    });

    it("/app/applications/:id actions: each side runs only its own commands, on its own applications; read-only viewers none", async () => {
      const owner = await makeActor("sme");
      const target = await applied(owner, productA);
      const path = `/app/applications/${target}`;
      const accept = () => ({ intent: "accept", commandKey: randomUUID() });
      const decline = () => ({ intent: "decline", commandKey: randomUUID(), reasonCode: "OTHER" });
      const withdraw = () => ({ intent: "withdraw", commandKey: randomUUID() });
      const acceptOffer = () => ({ intent: "acceptOffer", commandKey: randomUUID() });
      const reroute = () => ({ intent: "reroute", commandKey: randomUUID(), productIds: [productB] });
      const before = await stateOf(target);
      const refusals: [string, Actor | null, Record<string, string | string[]>, number][] = [
        // The bank's commands: not the other bank, not an SME, not the office.
        ["other bank accepts", bankBAdmin, accept(), 404],
        ["other bank declines", bankBAdmin, decline(), 404],
        ["owning sme accepts", owner, accept(), 403],
        ["other sme declines", actors.sme, decline(), 403],
        ["finance office accepts", actors.finance_office, accept(), 403],
        ["finance office declines", actors.finance_office, decline(), 403],
        ["regulator accepts", actors.regulator, accept(), 403],
        ["platform admin accepts", actors.platform_admin, accept(), 403],
        // The SME's commands: not another SME, not the bank, not the office.
        ["other sme withdraws", actors.sme, withdraw(), 404],
        ["other sme accepts the offer", actors.sme, acceptOffer(), 404],
        ["other sme re-routes", actors.sme, reroute(), 404],
        ["owning bank's admin withdraws", bankAAdmin, withdraw(), 403],
        ["owning bank's officer accepts the offer", bankAOfficer, acceptOffer(), 403],
        ["owning bank's officer re-routes", bankAOfficer, reroute(), 403],
        ["other bank withdraws", bankBAdmin, withdraw(), 403],
        ["finance office withdraws", actors.finance_office, withdraw(), 403],
        ["finance office re-routes", actors.finance_office, reroute(), 403],
        ["regulator withdraws", actors.regulator, withdraw(), 403],
        ["platform admin withdraws", actors.platform_admin, withdraw(), 403],
      ];
      for (const [who, actor, body, status] of refusals) {
        expect(statusOf(await post(applicationPage, actor, path, body, { applicationId: target })), who).toBe(status);
      }
      const anonymous = await post(applicationPage, null, path, accept(), { applicationId: target });
      expect(anonymous).toMatchObject({ status: 302, location: `/sign-in?redirectTo=${encodeURIComponent(path)}` });
      expect(await stateOf(target)).toEqual(before);

      // The owning bank's officer and the owning SME may.
      const accepted = await post(applicationPage, bankAOfficer, path, accept(), { applicationId: target });
      expect(accepted).toMatchObject({ status: 200, data: { done: "accept" } });
      expect(await stateOf(target)).toMatchObject({ status: "ACCEPTED", events: before.events + 1 });
      const withdrawn = await post(applicationPage, owner, path, withdraw(), { applicationId: target });
      expect(withdrawn).toMatchObject({ status: 200, data: { done: "withdraw" } });
      expect(await stateOf(target)).toMatchObject({ status: "WITHDRAWN", events: before.events + 2 });
    });

    it("/app/applications/:id actions: only the lending bank reports a disbursement or a repayment", async () => {
      const owner = await makeActor("sme");
      const ready = await offerAccepted(owner, productA, bankAAdmin);
      const today = platformToday();
      const disburse = () => ({ intent: "disburse", commandKey: randomUUID(), disbursedOn: today });
      const before = await stateOf(ready);
      const disbursals: [string, Actor, number][] = [
        ["other bank", bankBAdmin, 404],
        ["owning sme", owner, 403],
        ["other sme", actors.sme, 403],
        ["finance office", actors.finance_office, 403],
        ["regulator", actors.regulator, 403],
        ["platform admin", actors.platform_admin, 403],
      ];
      for (const [who, actor, status] of disbursals) {
        expect(statusOf(await post(applicationPage, actor, `/app/applications/${ready}`, disburse(), { applicationId: ready })), who).toBe(status);
      }
      expect(await stateOf(ready)).toEqual(before);
      const paidOut = await post(applicationPage, bankAAdmin, `/app/applications/${ready}`, disburse(), { applicationId: ready });
      expect(paidOut).toMatchObject({ status: 200, data: { done: "disburse" } });
      expect(await stateOf(ready)).toMatchObject({ status: "DISBURSED", loans: 1 });

      const repay = () => ({ intent: "repay", commandKey: randomUUID(), amount: "1000", receivedOn: today });
      const loanPath = `/app/applications/${loanA.applicationId}`;
      const beforeRepay = await stateOf(loanA.applicationId);
      const repayments: [string, Actor, number][] = [
        ["other bank", bankBAdmin, 404],
        ["borrower", actors.sme, 403],
        ["other sme", otherSme, 404],
        ["finance office", actors.finance_office, 403],
        ["regulator", actors.regulator, 403],
        ["platform admin", actors.platform_admin, 403],
      ];
      for (const [who, actor, status] of repayments) {
        expect(statusOf(await post(applicationPage, actor, loanPath, repay(), { applicationId: loanA.applicationId })), who).toBe(status);
      }
      expect(await stateOf(loanA.applicationId)).toEqual(beforeRepay);
      const repaid = await post(applicationPage, bankAOfficer, loanPath, repay(), { applicationId: loanA.applicationId });
      expect(repaid).toMatchObject({ status: 200, data: { done: "repay" } });
      expect(await stateOf(loanA.applicationId)).toMatchObject({ repayments: beforeRepay.repayments + 1 });
    });

    // A replay is looked up within the caller's enterprise: another SME presenting the owner's
    // command key learns nothing of the owner's re-route.
    it("a re-route replayed by another SME with the owner's command key is not found", async () => {
      const owner = await makeActor("sme");
      const need = (await openNeed(owner)).id;
      await rematchNeeds(prisma, [need]);
      const applicationId = await applied(owner, productA, need);
      await command(bankAAdmin, applicationId, { command: "decline", reasonCode: "OTHER" });
      const commandKey = randomUUID();
      const rerouted = await rerouteApplication({ actor: owner, applicationId, productIds: [productB], commandKey, ip: null });
      const before = await stateOf(applicationId);
      const domain = await rerouteApplication({ actor: actors.sme, applicationId, productIds: [productB], commandKey, ip: null }).then(
        (r) => ({ status: 200, applicationIds: r.applicationIds }),
        (e: { status?: number }) => ({ status: e.status, applicationIds: [] as string[] }),
      );
      const page = await post(
        applicationPage,
        actors.sme,
        `/app/applications/${applicationId}`,
        { intent: "reroute", commandKey, productIds: [productB] },
        { applicationId },
      );
      expect(rerouted.applicationIds).toHaveLength(1);
      expect(await stateOf(applicationId)).toEqual(before);
      expect({ domain, page: statusOf(page) }).toEqual({ domain: { status: 404, applicationIds: [] }, page: 404 });
    });

    it("/app/applications/new: only an SME, only against its own need", async () => {
      const newcomer = await makeActor("sme");
      const need = (await openNeed(newcomer)).id;
      const path = `/app/applications/new?needId=${need}&productId=${productA}`;
      for (const role of ROLE_KEYS) {
        const actor = role === "sme" ? newcomer : actors[role];
        expect({ role, status: (await call(applicationNew, actor, path)).status }).toEqual({ role, status: role === "sme" ? 200 : 403 });
      }
      // Another enterprise's need is not found, to look at or to apply against.
      expect((await call(applicationNew, actors.sme, path)).status).toBe(404);
      const anonymous = await call(applicationNew, null, path);
      expect(anonymous).toMatchObject({ status: 302, location: `/sign-in?redirectTo=${encodeURIComponent(path)}` });

      const form = () => ({ needId: need, productId: productA, amount: "500000", termMonths: "12", submitKey: randomUUID() });
      const count = () => Promise.all([prisma.application.count(), prisma.authorisation.count(), prisma.auditLog.count()]);
      const before = await count();
      for (const role of ROLE_KEYS) {
        if (role === "sme") continue;
        expect(statusOf(await post(applicationNew, actors[role], "/app/applications/new", form())), role).toBe(403);
      }
      expect(statusOf(await post(applicationNew, actors.sme, "/app/applications/new", form()))).toBe(404);
      expect(await count()).toEqual(before);

      const submitted = await post(applicationNew, newcomer, "/app/applications/new", form());
      expect(submitted.status).toBe(302);
      const id = /^\/app\/applications\/([0-9a-f-]{36})\?done=submitted$/.exec(submitted.location ?? "")?.[1];
      expect(await prisma.application.findUniqueOrThrow({ where: { id: id! } })).toMatchObject({
        enterpriseId: newcomer.enterprise!.id,
        institutionId: bankA,
        needId: need,
      });
    });

    it("/app/calendar actions: only the finance office", async () => {
      const date = "2099-12-25";
      const count = () => Promise.all([prisma.calendarDay.count(), prisma.auditLog.count()]);
      const before = await count();
      for (const role of ROLE_KEYS) {
        if (role === "finance_office") continue;
        expect(
          statusOf(await post(calendar, actors[role], "/app/calendar", { intent: "set", date, kind: "HOLIDAY", nameZh: "假日", nameEn: "Holiday" })),
          role,
        ).toBe(403);
        expect(statusOf(await post(calendar, actors[role], "/app/calendar", { intent: "remove", date })), role).toBe(403);
      }
      expect(await post(calendar, null, "/app/calendar", { intent: "remove", date })).toMatchObject({ status: 302 });
      // The finance office gets through to the domain (nothing to remove on that day).
      const removed = await post(calendar, actors.finance_office, "/app/calendar", { intent: "remove", date });
      expect(removed.data).toMatchObject({ init: { status: 404 }, data: { removeError: expect.stringMatching(/^calendar\.dayNotFound/) } });
      expect(await count()).toEqual(before);
    });
  });

  describe("bank API", () => {
    let tokenA: string;
    let tokenB: string;
    let financeToken: string;

    beforeAll(async () => {
      tokenA = (await createApiKey({ actor: bankAAdmin, name: "甲行信贷系统", ip: null })).token;
      tokenB = (await createApiKey({ actor: bankBAdmin, name: "乙行信贷系统", ip: null })).token;
      // The finance office's key may import credit signals: nothing of the banks'.
      financeToken = (await createApiKey({ actor: actors.finance_office, name: "金融办数据接口", ip: null })).token;
    });

    function apiRequest(path: string, token: string | null, options: { body?: unknown; key?: string | null } = {}) {
      const headers: Record<string, string> = { "x-xyd-client-ip": "10.204.0.1" };
      if (token) headers.Authorization = `Bearer ${token}`;
      const method = options.body === undefined ? "GET" : "POST";
      if (method === "POST" && options.key !== null) headers["Idempotency-Key"] = options.key ?? randomUUID();
      if (options.body !== undefined) headers["Content-Type"] = "application/json";
      return new Request(`http://localhost${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    }
    const args = (request: Request, params: Record<string, string> = {}) => ({ request, context: routeContext(null), params }) as never;
    const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

    const list = (token: string | null) => apiApplications.loader(args(apiRequest("/api/v1/applications?view=all&pageSize=100", token)));
    const read = (token: string | null, applicationId: string) =>
      apiApplication.loader(args(apiRequest(`/api/v1/applications/${applicationId}`, token), { applicationId }));
    const decide = (token: string | null, applicationId: string, body: unknown, key?: string | null) =>
      apiDecision.action(args(apiRequest(`/api/v1/applications/${applicationId}/decision`, token, { body, key }), { applicationId }));
    const disburse = (token: string | null, applicationId: string, key?: string | null) =>
      apiDisbursement.action(
        args(apiRequest(`/api/v1/applications/${applicationId}/disbursement`, token, { body: { disbursedOn: platformToday() }, key }), { applicationId }),
      );
    const loan = (token: string | null, loanId: string) => apiLoan.loader(args(apiRequest(`/api/v1/loans/${loanId}`, token), { loanId }));
    const repay = (token: string | null, loanId: string, body: unknown, key?: string | null) =>
      apiRepayments.action(args(apiRequest(`/api/v1/loans/${loanId}/repayments`, token, { body, key }), { loanId }));

    it("GET /api/v1/applications: each bank its own; a key without the permission 403; no key 401", async () => {
      const ownA = [appA, loanA.applicationId];
      const ownB = [appB, loanB.applicationId];
      for (const [token, visible, hidden] of [
        [tokenA, ownA, ownB],
        [tokenB, ownB, ownA],
      ] as const) {
        const response = await list(token);
        expect(response.status).toBe(200);
        const ids = ((await response.json()) as { items: { id: string }[] }).items.map((i) => i.id);
        expect(ids).toEqual(expect.arrayContaining([...visible]));
        for (const id of hidden) expect(ids).not.toContain(id);
      }
      const office = await list(financeToken);
      expect(office.status).toBe(403);
      expect(await errorCode(office)).toBe("forbidden");
      const anonymous = await list(null);
      expect(anonymous.status).toBe(401);
      expect(await errorCode(anonymous)).toBe("unauthorized");
    });

    it("GET /api/v1/applications/:id: the owning bank only", async () => {
      expect((await read(tokenA, appA)).status).toBe(200);
      expect((await read(tokenB, appB)).status).toBe(200);
      for (const [token, id] of [
        [tokenB, appA],
        [tokenA, appB],
        [tokenA, "not-a-uuid"],
      ] as const) {
        const response = await read(token, id);
        expect(response.status).toBe(404);
        expect(await errorCode(response)).toBe("notFound");
      }
      expect((await read(financeToken, appA)).status).toBe(403);
      expect((await read(null, appA)).status).toBe(401);
    });

    it("POST /api/v1/applications/:id/decision: the owning bank only, with an Idempotency-Key; refusals change nothing", async () => {
      const target = await applied(await makeActor("sme"), productA);
      const before = await stateOf(target);
      const other = await decide(tokenB, target, { action: "accept" });
      expect(other.status).toBe(404);
      expect((await decide(tokenB, target, { action: "decline", reasonCode: "OTHER" })).status).toBe(404);
      expect((await decide(financeToken, target, { action: "accept" })).status).toBe(403);
      expect((await decide(null, target, { action: "accept" })).status).toBe(401);
      const noKey = await decide(tokenA, target, { action: "accept" }, null);
      expect(noKey.status).toBe(400);
      expect(await errorCode(noKey)).toBe("idempotencyKeyRequired");
      expect(await stateOf(target)).toEqual(before);

      const accepted = await decide(tokenA, target, { action: "accept" });
      expect(accepted.status).toBe(200);
      expect(await stateOf(target)).toMatchObject({ status: "ACCEPTED", events: before.events + 1 });
    });

    it("POST /api/v1/applications/:id/disbursement: the lending bank only; refusals create no loan", async () => {
      const ready = await offerAccepted(await makeActor("sme"), productA, bankAAdmin);
      const before = await stateOf(ready);
      expect((await disburse(tokenB, ready)).status).toBe(404);
      expect((await disburse(financeToken, ready)).status).toBe(403);
      expect((await disburse(null, ready)).status).toBe(401);
      expect((await disburse(tokenA, ready, null)).status).toBe(400);
      expect(await stateOf(ready)).toEqual(before);

      const paidOut = await disburse(tokenA, ready);
      expect(paidOut.status).toBe(201);
      expect(await stateOf(ready)).toMatchObject({ status: "DISBURSED", loans: 1 });
    });

    it("GET /api/v1/loans/:id: the lending bank only", async () => {
      const own = await loan(tokenA, loanA.loanId);
      expect(own.status).toBe(200);
      expect(((await own.json()) as { id: string }).id).toBe(loanA.loanId);
      expect((await loan(tokenB, loanB.loanId)).status).toBe(200);
      expect((await loan(tokenB, loanA.loanId)).status).toBe(404);
      expect((await loan(tokenA, loanB.loanId)).status).toBe(404);
      expect((await loan(financeToken, loanA.loanId)).status).toBe(403);
      expect((await loan(null, loanA.loanId)).status).toBe(401);
    });

    it("POST /api/v1/loans/:id/repayments: the lending bank only; refusals record nothing", async () => {
      const body = { amountFen: 100_000, receivedOn: platformToday() };
      const before = await stateOf(loanB.applicationId);
      expect((await repay(tokenA, loanB.loanId, body)).status).toBe(404);
      expect((await repay(financeToken, loanB.loanId, body)).status).toBe(403);
      expect((await repay(null, loanB.loanId, body)).status).toBe(401);
      expect((await repay(tokenB, loanB.loanId, body, null)).status).toBe(400);
      expect(await stateOf(loanB.applicationId)).toEqual(before);

      const paid = await repay(tokenB, loanB.loanId, body);
      expect(paid.status).toBe(201);
      expect(await stateOf(loanB.applicationId)).toMatchObject({ repayments: before.repayments + 1 });
    });

    // recordRepayment looks a repayment up by `<loanId>:<idempotencyKey>` before it checks the
    // loan's bank; the API therefore scopes that key by the API key (`<sessionId>:<Idempotency-Key>`),
    // so another bank presenting the lender's Idempotency-Key (same body or not) still finds nothing.
    it("a repayment replayed by another bank with the lender's Idempotency-Key is not found", async () => {
      const key = randomUUID();
      const body = { amountFen: 100_000, receivedOn: platformToday() };
      const paid = await repay(tokenA, loanA.loanId, body, key);
      // Two of bank B's keys: the HTTP layer keeps one record per API key and Idempotency-Key.
      const secondKeyB = (await createApiKey({ actor: bankBAdmin, name: "乙行备用系统", ip: null })).token;
      const before = await stateOf(loanA.applicationId);
      const otherAmount = await repay(tokenB, loanA.loanId, { ...body, amountFen: 100_001 }, key);
      const replayed = await repay(secondKeyB, loanA.loanId, body, key);
      expect(paid.status).toBe(201);
      expect(await stateOf(loanA.applicationId)).toEqual(before);
      expect({ replayed: replayed.status, otherAmount: otherAmount.status }).toEqual({ replayed: 404, otherAmount: 404 });
    });
  });
});

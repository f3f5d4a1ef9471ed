/**
 * Every app route's loader and action, for every role, against the caller's own
 * and another institution's records: allowed exactly where the permission table
 * says, and never across institutions.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { ROLE_KEYS, type RoleKey } from "~/domain/access/permissions";
import { getInstitution } from "~/domain/institutions/institutions.server";
import { createUser } from "~/domain/users/create-user.server";
import { listUsers } from "~/domain/users/list-users.server";
import * as audit from "~/routes/app/audit";
import * as dashboard from "~/routes/app/dashboard";
import * as enterprise from "~/routes/app/enterprise";
import * as enterprises from "~/routes/app/enterprises";
import * as health from "~/routes/app/health";
import * as institutionDetail from "~/routes/app/institution-detail";
import * as institution from "~/routes/app/institution";
import * as institutions from "~/routes/app/institutions";
import * as users from "~/routes/app/users";
import * as credit from "~/routes/app/credit";
import * as creditObjections from "~/routes/app/credit-objections";
import * as authorisations from "~/routes/app/authorisations";
import * as dataAccess from "~/routes/app/data-access";
import * as dataAccessLog from "~/routes/app/data-access-log";
import * as signalImports from "~/routes/app/signal-imports";
import * as objections from "~/routes/app/objections";
import * as creditReports from "~/routes/app/credit-reports";
import * as needs from "~/routes/app/needs";
import * as needNew from "~/routes/app/need-new";
import * as needSearch from "~/routes/app/need-search";
import * as needInbox from "~/routes/app/need-inbox";
import * as needInboxCsv from "~/routes/app/need-inbox-csv";
import * as supermarket from "~/routes/app/supermarket";
import * as products from "~/routes/app/products";
import * as productNew from "~/routes/app/product-new";
import * as productReviews from "~/routes/app/product-reviews";
import { makeActor, makeInstitution, makeUser, outcome, routeContext } from "../helpers";

type LoaderModule = { loader: (args: never) => Promise<unknown> };

const PAGES: Record<string, { module: LoaderModule; allowed: RoleKey[] }> = {
  "/app": { module: dashboard, allowed: [...ROLE_KEYS] },
  "/app/enterprise": { module: enterprise, allowed: ["sme"] },
  "/app/institution": { module: institution, allowed: ["bank_admin", "loan_officer"] },
  "/app/institutions": { module: institutions, allowed: ["finance_office", "regulator", "platform_admin"] },
  "/app/users": { module: users, allowed: ["finance_office", "platform_admin"] },
  "/app/enterprises": { module: enterprises, allowed: ["finance_office"] },
  "/app/audit": { module: audit, allowed: ["finance_office", "regulator", "platform_admin"] },
  "/app/health": { module: health, allowed: ["platform_admin"] },
  "/app/credit": { module: credit, allowed: ["sme"] },
  "/app/credit/objections": { module: creditObjections, allowed: ["sme"] },
  "/app/authorisations": { module: authorisations, allowed: ["sme"] },
  "/app/data-access": { module: dataAccess, allowed: ["sme"] },
  "/app/data-access-log": { module: dataAccessLog, allowed: ["regulator"] },
  "/app/signal-imports": { module: signalImports, allowed: ["finance_office"] },
  "/app/objections": { module: objections, allowed: ["finance_office"] },
  "/app/credit-reports": { module: creditReports, allowed: ["bank_admin", "loan_officer"] },
  "/app/needs": { module: needs, allowed: ["sme"] },
  "/app/needs/new": { module: needNew, allowed: ["sme"] },
  "/app/need-search": { module: needSearch, allowed: ["bank_admin", "loan_officer"] },
  "/app/need-inbox": { module: needInbox, allowed: ["bank_admin", "loan_officer"] },
  "/app/need-inbox.csv": { module: needInboxCsv, allowed: ["bank_admin", "loan_officer"] },
  "/app/supermarket": { module: supermarket, allowed: [...ROLE_KEYS] },
  "/app/products": { module: products, allowed: ["bank_admin"] },
  "/app/products/new": { module: productNew, allowed: ["bank_admin"] },
  "/app/product-reviews": { module: productReviews, allowed: ["finance_office"] },
};

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

function call(module: LoaderModule, actor: Actor | null, path: string, params: Record<string, string> = {}) {
  const request = new Request(`http://localhost${path}`);
  return outcome(() => module.loader({ request, context: routeContext(actor), params } as never));
}

describe("route permissions", () => {
  for (const [path, { module, allowed }] of Object.entries(PAGES)) {
    it(`${path}: ${allowed.join(", ")} only; anonymous visitors are sent to sign in`, async () => {
      for (const role of ROLE_KEYS) {
        const result = await call(module, actors[role], path);
        expect({ role, status: result.status }).toEqual({ role, status: allowed.includes(role) ? 200 : 403 });
      }
      const anonymous = await call(module, null, path);
      expect(anonymous.status).toBe(302);
      expect(anonymous.location).toBe(`/sign-in?redirectTo=${encodeURIComponent(path)}`);
    });
  }
});

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
    const input = { username: `ops-${Date.now()}`, displayName: "运维", roleKey: "platform_admin" as const, institutionId: platform.id, password: "a-long-password" };
    await expect(createUser({ actor: actors.finance_office, input, ip: null })).rejects.toMatchObject({ code: "user.roleNotAllowed" });
    await expect(createUser({ actor: actors.platform_admin, input, ip: null })).resolves.toBeTruthy();
  });

  it("actions check permission too: a loan officer cannot post to the users page", async () => {
    const request = new Request("http://localhost/app/users", { method: "POST", body: new URLSearchParams({ username: "x" }) });
    const result = await outcome(() => users.action({ request, context: routeContext(bankAOfficer), params: {} } as never));
    expect(result.status).toBe(403);
  });
});

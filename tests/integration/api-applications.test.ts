/**
 * A bank's systems work applications and report loans through the API:
 * list, accept, approve, (the SME accepts in the web), report the
 * disbursement and repayments. Every mutation honours Idempotency-Key, both
 * at the HTTP layer (the same response replayed) and in the domain (the same
 * command done once); payload errors are precise; another bank sees nothing.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { runApplicationCommand } from "~/domain/applications/run-application-command.server";
import { submitApplication } from "~/domain/applications/submit-application.server";
import { createApiKey } from "~/domain/auth/api-keys.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { calendarDay } from "~/domain/needs/need-rules";
import { postNeed } from "~/domain/needs/post-need.server";
import { closeQueues } from "~/jobs/enqueue.server";
import * as decisionRoute from "~/routes/api/v1/application-decision";
import * as disbursementRoute from "~/routes/api/v1/application-disbursement";
import * as applicationRoute from "~/routes/api/v1/application";
import * as applicationsRoute from "~/routes/api/v1/applications";
import * as loanRoute from "~/routes/api/v1/loan";
import * as repaymentsRoute from "~/routes/api/v1/loan-repayments";
import { openApiDocument } from "~/web/openapi.server";
import { makeActor, makeProduct, routeContext } from "../helpers";

type ErrorBody = { error: { code: string; message: string; issues?: { path: (string | number)[]; code: string; message: string }[] } };

let bank: Actor;
let sme: Actor;
let token: string;
let otherToken: string;
let productId: string;
let needId: string;

function apiRequest(path: string, options: { token?: string; method?: string; body?: unknown; key?: string; language?: string } = {}) {
  const headers: Record<string, string> = { "x-xyd-client-ip": "10.203.0.1", Authorization: `Bearer ${options.token ?? token}` };
  const method = options.method ?? (options.body === undefined ? "GET" : "POST");
  if (method !== "GET") headers["Idempotency-Key"] = options.key ?? randomUUID();
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.language) headers["Accept-Language"] = options.language;
  return new Request(`http://localhost${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
}
const args = (request: Request, params: Record<string, string> = {}) => ({ request, context: routeContext(null), params }) as never;

const decide = (applicationId: string, body: unknown, options: { token?: string; key?: string; language?: string } = {}) =>
  decisionRoute.action(args(apiRequest(`/api/v1/applications/${applicationId}/decision`, { ...options, body }), { applicationId }));
const disburse = (applicationId: string, body: unknown, options: { key?: string; token?: string } = {}) =>
  disbursementRoute.action(args(apiRequest(`/api/v1/applications/${applicationId}/disbursement`, { ...options, body }), { applicationId }));
const repay = (loanId: string, body: unknown, options: { key?: string } = {}) =>
  repaymentsRoute.action(args(apiRequest(`/api/v1/loans/${loanId}/repayments`, { ...options, body }), { loanId }));

async function submitted(): Promise<string> {
  const owner = await makeActor("sme");
  const need = (
    await postNeed({
      actor: owner,
      input: {
        amount: 50_000_000n,
        termMonths: 12,
        purpose: "采购原材料（钢材），用于承接新订单",
        maxRate: 600,
        guaranteeTypes: ["CREDIT"],
        urgency: "NORMAL",
        expiresOn: new Date(calendarDay(platformToday()).getTime() + 30 * 86_400_000),
      },
      ip: null,
    })
  ).id;
  sme = owner;
  needId = need;
  return (
    await submitApplication({ actor: owner, input: { needId: need, productId, amountFen: 50_000_000n, termMonths: 12, submitKey: randomUUID() }, ip: null })
  ).applicationId;
}

beforeAll(async () => {
  bank = await makeActor("bank_admin");
  token = (await createApiKey({ actor: bank, name: "信贷核心系统", ip: null })).token;
  const other = await makeActor("bank_admin");
  otherToken = (await createApiKey({ actor: other, name: "他行系统", ip: null })).token;
  productId = (await makeProduct(bank.institution!.id, bank.userId, "接口测试信用贷")).id;
  await prisma.product.update({
    where: { id: productId },
    data: { eligibleSizes: ["MICRO", "SMALL", "MEDIUM"], repaymentMethods: ["EQUAL_INSTALMENT", "EQUAL_PRINCIPAL"] },
  });
});

afterAll(async () => {
  await closeQueues();
});

describe("applications through the API", () => {
  it("takes an application from the inbox to a disbursed loan with its schedule, and repayments", async () => {
    const applicationId = await submitted();
    const list = await applicationsRoute.loader(args(apiRequest("/api/v1/applications?view=open")));
    expect(list.status).toBe(200);
    const page = (await list.json()) as { total: number; items: { id: string; status: string; requestedAmountFen: number }[] };
    expect(page.items.find((i) => i.id === applicationId)).toMatchObject({ status: "SUBMITTED", requestedAmountFen: 50_000_000 });

    const accepted = await decide(applicationId, { action: "accept" });
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as { status: string }).status).toBe("ACCEPTED");

    // Approving outside the product's range: the domain's own code, in the caller's language.
    const tooHigh = await decide(
      applicationId,
      { action: "approve", amountFen: 50_000_000, rateBps: 900, termMonths: 12, repaymentMethod: "EQUAL_INSTALMENT" },
      { language: "en" },
    );
    expect(tooHigh.status).toBe(422);
    expect(((await tooHigh.json()) as ErrorBody).error).toMatchObject({
      code: "application.rateOutOfRange",
      message: "The rate must be within the product's range.",
    });

    const key = randomUUID();
    const approveBody = {
      action: "approve",
      amountFen: "45000000",
      rateBps: 420,
      termMonths: 12,
      repaymentMethod: "EQUAL_PRINCIPAL",
      note: "按首贷户优惠利率",
    };
    const approved = await decide(applicationId, approveBody, { key });
    expect(approved.status).toBe(200);
    const replay = await decide(applicationId, approveBody, { key });
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await replay.json()).toEqual(await approved.json());
    expect(await prisma.applicationEvent.count({ where: { applicationId, toStatus: "APPROVED" } })).toBe(1);

    // Disbursing before the SME accepted the offer is an illegal step.
    const early = await disburse(applicationId, { disbursedOn: platformToday() });
    expect(early.status).toBe(409);
    expect(((await early.json()) as ErrorBody).error.code).toBe("application.illegalTransition");
    await runApplicationCommand({ actor: sme, applicationId, input: { command: "acceptOffer" }, commandKey: randomUUID(), ip: null });

    const disbursementKey = randomUUID();
    const loanResponse = await disburse(applicationId, { disbursedOn: platformToday(), bankReference: "JJ-API-7" }, { key: disbursementKey });
    expect(loanResponse.status).toBe(201);
    const loan = (await loanResponse.json()) as {
      id: string;
      principalFen: number;
      instalments: { principalFen: number; interestFen: number }[];
      ledgerTransferId: string;
    };
    expect(loan.principalFen).toBe(45_000_000);
    expect(loan.instalments).toHaveLength(12);
    expect(loan.instalments.reduce((s, i) => s + i.principalFen, 0)).toBe(45_000_000);
    expect(loanResponse.headers.get("Location")).toMatch(new RegExp(`/api/v1/loans/${loan.id}$`));
    // The same report again: the same loan, replayed; one transfer prepared.
    const again = await disburse(applicationId, { disbursedOn: platformToday(), bankReference: "JJ-API-7" }, { key: disbursementKey });
    expect(again.status).toBe(201);
    expect(((await again.json()) as { id: string }).id).toBe(loan.id);
    expect(await prisma.ledgerTransferRef.count({ where: { businessType: "loan", businessId: loan.id } })).toBe(1);
    expect((await prisma.financingNeed.findUniqueOrThrow({ where: { id: needId } })).status).toBe("FULFILLED");

    const first = loan.instalments[0]!;
    const paid = await repay(loan.id, { amountFen: first.principalFen + first.interestFen, receivedOn: platformToday(), bankReference: "HK-1" });
    expect(paid.status).toBe(201);
    expect(await paid.json()).toMatchObject({ interestFen: first.interestFen, principalFen: first.principalFen, loanStatus: "CURRENT" });
    const read = await loanRoute.loader(args(apiRequest(`/api/v1/loans/${loan.id}`), { loanId: loan.id }));
    const after = (await read.json()) as { outstandingPrincipalFen: number };
    expect(after.outstandingPrincipalFen).toBe(45_000_000 - first.principalFen);

    const tooMuch = await repay(loan.id, { amountFen: 999_999_999, receivedOn: platformToday() });
    expect(tooMuch.status).toBe(422);
    expect(((await tooMuch.json()) as ErrorBody).error.code).toBe("loan.exceedsPayoff");
  });

  it("answers bad payloads with precise issues and changes nothing", async () => {
    const applicationId = await submitted();
    const bad = await decide(applicationId, { action: "decline", reasonCode: "BECAUSE" }, { language: "en" });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as ErrorBody;
    expect(body.error.code).toBe("validationFailed");
    expect(body.error.issues![0]!.path).toEqual(["reasonCode"]);
    const unknownField = await decide(applicationId, { action: "accept", surprise: true });
    expect(unknownField.status).toBe(422);
    const badDay = await disburse(applicationId, { disbursedOn: "2026-02-30" });
    expect(badDay.status).toBe(422);
    const noKey = await decisionRoute.action(
      args(
        new Request(`http://localhost/api/v1/applications/${applicationId}/decision`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "x-xyd-client-ip": "10.203.0.1" },
          body: JSON.stringify({ action: "accept" }),
        }),
        { applicationId },
      ),
    );
    expect(noKey.status).toBe(400);
    expect(((await noKey.json()) as ErrorBody).error.code).toBe("idempotencyKeyRequired");
    expect((await prisma.application.findUniqueOrThrow({ where: { id: applicationId } })).status).toBe("SUBMITTED");
  });

  it("keeps each bank to its own applications and loans", async () => {
    const applicationId = await submitted();
    const read = await applicationRoute.loader(args(apiRequest(`/api/v1/applications/${applicationId}`, { token: otherToken }), { applicationId }));
    expect(read.status).toBe(404);
    const decided = await decide(applicationId, { action: "accept" }, { token: otherToken });
    expect(decided.status).toBe(404);
    const list = await applicationsRoute.loader(args(apiRequest("/api/v1/applications?view=all", { token: otherToken })));
    expect(((await list.json()) as { items: { id: string }[] }).items.map((i) => i.id)).not.toContain(applicationId);
    expect((await prisma.application.findUniqueOrThrow({ where: { id: applicationId } })).status).toBe("SUBMITTED");
  });

  it("documents every application and loan operation in the OpenAPI document", async () => {
    const doc = openApiDocument("en") as unknown as {
      paths: Record<string, Record<string, { requestBody?: unknown; parameters?: { name: string; in: string }[] }>>;
    };
    for (const path of [
      "/api/v1/applications",
      "/api/v1/applications/{applicationId}",
      "/api/v1/applications/{applicationId}/decision",
      "/api/v1/applications/{applicationId}/disbursement",
      "/api/v1/loans/{loanId}",
      "/api/v1/loans/{loanId}/repayments",
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    const post = doc.paths["/api/v1/loans/{loanId}/repayments"]!.post!;
    expect(post.requestBody).toBeDefined();
    expect(post.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(["path:loanId", "header:Idempotency-Key"]));
  });
});

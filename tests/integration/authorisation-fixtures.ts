/**
 * Fixtures for the authorisation matrix (authorisation-matrix.test.ts): the
 * route list read from app/routes.ts, one record of each kind belonging to
 * institution / enterprise A and one belonging to B, API keys of each kind,
 * and a write counter installed in this test file's own database.
 */
import { randomUUID } from "node:crypto";
import type { RouteConfigEntry } from "@react-router/dev/routes";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { submitApplication } from "~/domain/applications/submit-application.server";
import { createApiKey, revokeApiKey } from "~/domain/auth/api-keys.server";
import { openCreditReport } from "~/domain/consent/open-credit-report.server";
import { raiseObjection } from "~/domain/credit/objections/raise-objection.server";
import { fileClaim } from "~/domain/fund/claims.server";
import { claimNeed } from "~/domain/needs/claim-need.server";
import { changeProductStatus } from "~/domain/products/change-product-status.server";
import { defaultedLoanData, disbursedApplicationData, makeActor, makeFund, makeInstitution, makeProduct, openNeed } from "../helpers";

// ─── The route list ────────────────────────────────────────────────────────

/** `key` is the URL pattern, or for a layout (which has none of its own) "layout <file>". */
export type FlatRoute = { key: string; path: string; file: string };

/** Every route of the config with its full URL pattern; a layout adds no segment, an index takes its parent's path. */
export function flattenRoutes(entries: readonly RouteConfigEntry[], parent = ""): FlatRoute[] {
  const routes: FlatRoute[] = [];
  for (const entry of entries) {
    const path = entry.path === undefined ? parent : joinPath(parent, entry.path);
    const children = entry.children ? flattenRoutes(entry.children, path) : [];
    // A layout's loader runs with every child's: it is called at its first child's URL.
    const isLayout = entry.path === undefined && !entry.index;
    if (isLayout) routes.push({ key: `layout ${entry.file}`, path: children[0]?.path ?? (path || "/"), file: entry.file });
    else routes.push({ key: path || "/", path: path || "/", file: entry.file });
    routes.push(...children);
  }
  return routes;
}

function joinPath(parent: string, child: string): string {
  return `${parent}/${child}`.replace(/\/+/g, "/").replace(/\/$/, "") || "/";
}

// ─── Records of A and of B ─────────────────────────────────────────────────

export type Pair = { own: string; other: string };

export type Fixtures = {
  bankA: string;
  bankB: string;
  /** Every role, at home in A: bank roles in bank A, the SME in enterprise A. */
  actors: Record<"sme" | "bank_admin" | "loan_officer" | "finance_office" | "regulator" | "platform_admin", Actor>;
  bankBAdmin: Actor;
  smeB: Actor;
  /** A second finance office (another city's), for the API's per-institution batches. */
  officeB: Actor;
  enterprises: Pair;
  /** SUBMITTED applications: enterprise A's to bank A, enterprise B's to bank B. */
  applications: Pair;
  /** The disbursed applications behind the defaulted loans. */
  loanApplications: Pair;
  loans: Pair;
  /** Defaulted loans with no claim yet (the claim-filing page's). */
  claimableLoans: Pair;
  claims: Pair;
  funds: Pair;
  /** OPEN needs of enterprise A and of enterprise B. */
  needs: Pair;
  needVersions: { own: number; other: number };
  /** CLOSED needs taken up by bank A and by bank B: a bank still sees the one it took up. */
  claimedNeeds: Pair;
  listedProducts: Pair;
  draftProducts: Pair;
  draftVersions: Pair;
  reviewProducts: Pair;
  productRefs: Pair;
  objections: Pair;
  batches: Pair;
  tokens: { bankA: string; office: string; revoked: string };
  /** Granted when each enterprise applied: enterprise A's to bank A, enterprise B's to bank B. */
  authorisations: Pair;
  /** A reading of enterprise A's report by bank A, and of enterprise B's by bank B. */
  dataAccessLogs: Pair;
  apiKeys: Pair;
  /** Records of B's that a form names in its body rather than in its URL. */
  bodyRecordsOfB: { apiKeyId: string; authorisationId: string; signalId: string };
};

/** A defaulted loan of the bank to the enterprise, enrolled in the fund, written directly (its history is the loans suite's business). */
async function defaultedLoan(o: { enterpriseId: string; institutionId: string; fundId: string; productId: string }) {
  const rule = await prisma.fundRuleVersion.findFirstOrThrow({ where: { fundId: o.fundId }, orderBy: { version: "desc" } });
  const principalFen = 10_000_000n;
  const application = await prisma.application.create({ data: disbursedApplicationData({ ...o, principalFen }) });
  const loan = await prisma.loan.create({
    data: defaultedLoanData({ applicationId: application.id, ...o, fundRuleVersionId: rule.id, principalFen }),
  });
  return { applicationId: application.id, loanId: loan.id };
}

async function signalOf(enterpriseId: string) {
  return prisma.creditSignal.create({
    data: { enterpriseId, source: "测试", asOf: new Date("2026-10-31"), kind: "TAX_GRADE", naturalKey: "2025", period: "2025", grade: "C" },
  });
}

async function batchOf(office: Actor) {
  return prisma.creditSignalBatch.create({
    data: {
      kind: "TAX_GRADE",
      source: "税务局",
      fileName: "tax.csv",
      format: "CSV",
      fileSha256: randomUUID().replace(/-/g, "").padEnd(64, "0"),
      sizeBytes: 10,
      policy: "ALL_OR_NOTHING",
      status: "FAILED",
      institutionId: office.institution!.id,
      createdById: office.userId,
      rowErrors: { create: { line: 2, column: "uscc", code: "import.invalidUscc" } },
    },
  });
}

export async function buildFixtures(): Promise<Fixtures> {
  const bankA = (await makeInstitution("BANK")).id;
  const bankB = (await makeInstitution("BANK")).id;
  const actors = {
    sme: await makeActor("sme"),
    bank_admin: await makeActor("bank_admin", { institutionId: bankA }),
    loan_officer: await makeActor("loan_officer", { institutionId: bankA }),
    finance_office: await makeActor("finance_office"),
    regulator: await makeActor("regulator"),
    platform_admin: await makeActor("platform_admin"),
  };
  const bankBAdmin = await makeActor("bank_admin", { institutionId: bankB });
  const smeB = await makeActor("sme");
  const officeB = await makeActor("finance_office");
  const office = actors.finance_office;
  const enterprises = { own: actors.sme.enterprise!.id, other: smeB.enterprise!.id };

  // Each bank's fund-enrolled product carries its loans; a second listed product carries the applications.
  const fundA = await makeFund({ office, bank: actors.bank_admin, poolFen: 100_000_000n });
  const fundB = await makeFund({ office, bank: bankBAdmin, poolFen: 100_000_000n });
  const listedA = await makeProduct(bankA, actors.bank_admin.userId, "甲行信用贷");
  const listedB = await makeProduct(bankB, bankBAdmin.userId, "乙行信用贷");
  await prisma.product.updateMany({
    where: { id: { in: [listedA.id, listedB.id, fundA.productId, fundB.productId] } },
    data: { eligibleSizes: ["MICRO", "SMALL", "MEDIUM"] },
  });

  const needA = await openNeed(actors.sme);
  const needB = await openNeed(smeB);
  const submit = async (owner: Actor, needId: string, productId: string) =>
    (await submitApplication({ actor: owner, input: { needId, productId, amountFen: 50_000_000n, termMonths: 12, submitKey: randomUUID() }, ip: null }))
      .applicationId;
  const applications = { own: await submit(actors.sme, needA.id, listedA.id), other: await submit(smeB, needB.id, listedB.id) };

  const loanA = await defaultedLoan({ enterpriseId: enterprises.own, institutionId: bankA, fundId: fundA.fundId, productId: fundA.productId });
  const loanB = await defaultedLoan({ enterpriseId: enterprises.other, institutionId: bankB, fundId: fundB.fundId, productId: fundB.productId });
  const claimableA = await defaultedLoan({ enterpriseId: enterprises.own, institutionId: bankA, fundId: fundA.fundId, productId: fundA.productId });
  const claimableB = await defaultedLoan({ enterpriseId: enterprises.other, institutionId: bankB, fundId: fundB.fundId, productId: fundB.productId });
  const claimInput = { lossFen: 10_000_000n, recoveryActions: "已起诉并取得胜诉判决，正在申请强制执行。", evidence: ["贷款合同"] };
  const claimA = await fileClaim({ actor: actors.bank_admin, loanId: loanA.loanId, input: claimInput, ip: null });
  const claimB = await fileClaim({ actor: bankBAdmin, loanId: loanB.loanId, input: claimInput, ip: null });

  // Closed needs a bank took up before they closed: only that bank still finds them in the need hall.
  const closedNeed = async (owner: Actor, bank: Actor) => {
    const need = await openNeed(owner);
    await claimNeed({ actor: bank, needId: need.id, ip: null });
    await prisma.financingNeed.update({ where: { id: need.id }, data: { status: "CLOSED", closedAt: new Date() } });
    return need.id;
  };
  const claimedNeeds = { own: await closedNeed(actors.sme, actors.bank_admin), other: await closedNeed(smeB, bankBAdmin) };

  const draftA = await makeProduct(bankA, actors.bank_admin.userId, "甲行草稿产品", "DRAFT");
  const draftB = await makeProduct(bankB, bankBAdmin.userId, "乙行草稿产品", "DRAFT");
  // Complete drafts, so that their edit forms are valid as filled in.
  await prisma.product.updateMany({ where: { id: { in: [draftA.id, draftB.id] } }, data: { eligibleSizes: ["MICRO", "SMALL"] } });
  const underReview = async (bank: Actor, name: string) => {
    const product = await makeProduct(bank.institution!.id, bank.userId, name, "DRAFT");
    await changeProductStatus({ actor: bank, productId: product.id, command: { intent: "submit", version: product.version }, ip: null });
    return product.id;
  };
  const reviewProducts = { own: await underReview(actors.bank_admin, "甲行待审产品"), other: await underReview(bankBAdmin, "乙行待审产品") };
  const productRefs = { own: `REF-A-${randomUUID().slice(0, 8)}`, other: `REF-B-${randomUUID().slice(0, 8)}` };
  await prisma.product.update({ where: { id: listedA.id }, data: { externalRef: productRefs.own } });
  await prisma.product.update({ where: { id: listedB.id }, data: { externalRef: productRefs.other } });

  const objectionOf = async (owner: Actor) => {
    const signal = await signalOf(owner.enterprise!.id);
    const attachment = { name: "证明.pdf", type: "application/pdf", bytes: new Uint8Array([37, 80, 68, 70]) };
    const { id } = await raiseObjection({ actor: owner, kind: "OBJECTION", signalId: signal.id, reason: "记录有误", attachment, ip: null });
    return { id, signalId: signal.id };
  };
  const objectionA = await objectionOf(actors.sme);
  const objectionB = await objectionOf(smeB);
  const objections = { own: objectionA.id, other: objectionB.id };
  const batches = { own: (await batchOf(office)).id, other: (await batchOf(officeB)).id };

  const revokedKey = await createApiKey({ actor: actors.bank_admin, name: "已吊销的系统", ip: null });
  await revokeApiKey({ actor: actors.bank_admin, apiKeyId: revokedKey.id, ip: null });
  const apiKeyOfA = await createApiKey({ actor: actors.bank_admin, name: "甲行信贷系统", ip: null });
  const tokens = {
    bankA: apiKeyOfA.token,
    office: (await createApiKey({ actor: office, name: "金融办数据接口", ip: null })).token,
    revoked: revokedKey.token,
  };

  const authorisationOfA = await prisma.authorisation.findFirstOrThrow({ where: { enterpriseId: enterprises.own, institutionId: bankA } });
  const authorisationOfB = await prisma.authorisation.findFirstOrThrow({ where: { enterpriseId: enterprises.other, institutionId: bankB } });
  const apiKeyOfB = await createApiKey({ actor: bankBAdmin, name: "乙行信贷系统", ip: null });
  const readReport = async (bank: Actor, enterpriseId: string) => {
    await openCreditReport({ actor: bank, enterpriseId, ip: null });
    return (await prisma.dataAccessLog.findFirstOrThrow({ where: { enterpriseId, userId: bank.userId }, orderBy: { at: "desc" } })).id;
  };
  const dataAccessLogs = { own: await readReport(actors.bank_admin, enterprises.own), other: await readReport(bankBAdmin, enterprises.other) };

  return {
    bankA,
    bankB,
    actors,
    bankBAdmin,
    smeB,
    officeB,
    enterprises,
    applications,
    loanApplications: { own: loanA.applicationId, other: loanB.applicationId },
    loans: { own: loanA.loanId, other: loanB.loanId },
    claimableLoans: { own: claimableA.loanId, other: claimableB.loanId },
    claims: { own: claimA.id, other: claimB.id },
    funds: { own: fundA.fundId, other: fundB.fundId },
    needs: { own: needA.id, other: needB.id },
    needVersions: { own: needA.version, other: needB.version },
    claimedNeeds,
    listedProducts: { own: listedA.id, other: listedB.id },
    draftProducts: { own: draftA.id, other: draftB.id },
    draftVersions: { own: String(draftA.version), other: String(draftB.version) },
    reviewProducts,
    productRefs,
    objections,
    batches,
    tokens,
    authorisations: { own: authorisationOfA.id, other: authorisationOfB.id },
    dataAccessLogs,
    apiKeys: { own: apiKeyOfA.id, other: apiKeyOfB.id },
    bodyRecordsOfB: { apiKeyId: apiKeyOfB.id, authorisationId: authorisationOfB.id, signalId: objectionB.signalId },
  };
}

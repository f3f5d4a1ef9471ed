import { randomBytes } from "node:crypto";
import { RouterContextProvider } from "react-router";
import { prisma } from "~/db.server";
import { loadActor, type Actor } from "~/domain/access/actor.server";
import type { RoleKey } from "~/domain/access/permissions";
import { platformToday } from "~/domain/credit/build-snapshot";
import { calendarDay } from "~/domain/needs/need-rules";
import { postNeed } from "~/domain/needs/post-need.server";
import { enterpriseUscc } from "../prisma/seed/city";
import { Random } from "../prisma/seed/random";
import { actorContext, localeContext } from "~/web/context";

// A cheap, valid hash for test users that never sign in with a password.
const UNUSABLE_HASH = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const rng = new Random(Number.parseInt(randomBytes(4).toString("hex"), 16));

export function uniqueSuffix(): string {
  return randomBytes(4).toString("hex");
}

export async function makeInstitution(kind: "BANK" | "FINANCE_OFFICE" | "REGULATOR" | "PLATFORM" = "BANK") {
  const s = uniqueSuffix().toUpperCase();
  return prisma.institution.create({
    data: { code: `T-${s}`, kind, nameZh: `测试机构${s}`, nameEn: `Test institution ${s}`, regionCode: "211100" },
  });
}

export async function makeEnterprise() {
  return prisma.enterprise.create({
    data: {
      uscc: enterpriseUscc(rng, "211103"),
      name: `盘锦测试${uniqueSuffix()}有限公司`,
      regionCode: "211103",
      industryCode: "C34",
      size: "SMALL",
      foundedOn: new Date("2015-06-01"),
      registeredCapitalFen: 500_000_000n,
      legalRepName: "张三",
    },
  });
}

export async function makeUser(options: { roleKey: RoleKey; institutionId?: string; enterpriseId?: string; passwordHash?: string; username?: string }) {
  return prisma.user.create({
    data: {
      username: options.username ?? `u-${uniqueSuffix()}`,
      displayName: "测试用户",
      passwordHash: options.passwordHash ?? UNUSABLE_HASH,
      memberships: {
        create: { roleKey: options.roleKey, institutionId: options.institutionId ?? null, enterpriseId: options.enterpriseId ?? null },
      },
    },
  });
}

export async function actorOf(userId: string): Promise<Actor> {
  const actor = await loadActor(userId, "test-session");
  if (!actor) throw new Error(`no actor for ${userId}`);
  return actor;
}

/** A user of the given role, in a new institution or enterprise of the right kind. */
export async function makeActor(roleKey: RoleKey, home?: { institutionId?: string; enterpriseId?: string }): Promise<Actor> {
  const kind = {
    sme: null,
    bank_admin: "BANK",
    loan_officer: "BANK",
    finance_office: "FINANCE_OFFICE",
    regulator: "REGULATOR",
    platform_admin: "PLATFORM",
  } as const;
  const k = kind[roleKey];
  const institutionId = home?.institutionId ?? (k ? (await makeInstitution(k)).id : undefined);
  const enterpriseId = home?.enterpriseId ?? (k ? undefined : (await makeEnterprise()).id);
  const user = await makeUser({ roleKey, institutionId, enterpriseId });
  return actorOf(user.id);
}

/** The context a route's loader or action receives, as the root middleware would set it. */
export function routeContext(actor: Actor | null): RouterContextProvider {
  const context = new RouterContextProvider();
  context.set(actorContext, actor);
  context.set(localeContext, "zh-CN");
  return context;
}

/** Runs a loader/action and reports what a browser would get: the data, or the thrown response's status. */
export async function outcome(call: () => Promise<unknown>): Promise<{ status: number; location?: string; data?: unknown }> {
  try {
    const value = await call();
    if (value instanceof Response) return { status: value.status, location: value.headers.get("Location") ?? undefined };
    return { status: 200, data: value };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, location: thrown.headers.get("Location") ?? undefined };
    throw thrown;
  }
}

/** A plain credit product of a bank, listed (searchable once indexed) or a draft, written directly. */
export async function makeProduct(institutionId: string, createdById: string, nameZh: string, status: "DRAFT" | "LISTED" = "LISTED") {
  return prisma.product.create({
    data: {
      institutionId,
      code: `T-${uniqueSuffix()}`,
      nameZh,
      type: "CREDIT",
      scenarioTags: ["TAX"],
      minAmountFen: 10_000_000n,
      maxAmountFen: 300_000_000n,
      minTermMonths: 3,
      maxTermMonths: 12,
      minRateBps: 350,
      maxRateBps: 450,
      repaymentMethods: ["EQUAL_INSTALMENT"],
      guaranteeTypes: ["CREDIT"],
      responseDeadlineWorkingDays: 5,
      status,
      listedAt: status === "LISTED" ? new Date() : null,
      createdById,
    },
  });
}

/** The application behind a loan written directly: DISBURSED, for the amount lent. */
export function disbursedApplicationData(o: { enterpriseId: string; productId: string; institutionId: string; principalFen: bigint }) {
  return {
    enterpriseId: o.enterpriseId,
    productId: o.productId,
    institutionId: o.institutionId,
    requestedAmountFen: o.principalFen,
    requestedTermMonths: 12,
    status: "DISBURSED" as const,
    respondBy: new Date(),
  };
}

/** A defaulted twelve-month loan enrolled in a fund's rules, as its row (disbursed 2026-02-01, 120 days past due). */
export function defaultedLoanData(o: {
  id?: string;
  applicationId: string;
  institutionId: string;
  enterpriseId: string;
  productId: string;
  fundId: string;
  fundRuleVersionId: string;
  principalFen: bigint;
  outstandingPrincipalFen?: bigint;
  disbursementTransferId?: string;
}) {
  return {
    ...(o.id ? { id: o.id } : {}),
    applicationId: o.applicationId,
    institutionId: o.institutionId,
    enterpriseId: o.enterpriseId,
    productId: o.productId,
    fundId: o.fundId,
    fundRuleVersionId: o.fundRuleVersionId,
    principalFen: o.principalFen,
    rateBps: 400,
    termMonths: 12,
    repaymentMethod: "EQUAL_INSTALMENT" as const,
    pureCredit: true,
    firstTimeBorrower: true,
    disbursedOn: new Date("2026-02-01T00:00:00Z"),
    maturityOn: new Date("2027-02-01T00:00:00Z"),
    status: "DEFAULTED" as const,
    outstandingPrincipalFen: o.outstandingPrincipalFen ?? o.principalFen,
    daysPastDue: 120,
    defaultedAt: new Date(),
    disbursementTransferId: o.disbursementTransferId ?? `test-${crypto.randomUUID()}`,
  };
}

/**
 * A defaulted loan of the bank enrolled in the fund (its latest rules, their
 * first product unless one is named), written directly — its history is the
 * applications suite's business — for the fund's claims to work on.
 */
export async function makeDefaultedLoan(options: { fundId: string; institutionId: string; principalFen?: bigint; productId?: string }) {
  const principalFen = options.principalFen ?? 10_000_000n;
  const sme = await makeActor("sme");
  const rule = await prisma.fundRuleVersion.findFirstOrThrow({ where: { fundId: options.fundId }, orderBy: { version: "desc" } });
  const productId = options.productId ?? rule.eligibleProductIds[0]!;
  const enterpriseId = sme.enterprise!.id;
  const application = await prisma.application.create({
    data: disbursedApplicationData({ enterpriseId, productId, institutionId: options.institutionId, principalFen }),
  });
  return prisma.loan.create({
    data: defaultedLoanData({
      applicationId: application.id,
      institutionId: options.institutionId,
      enterpriseId,
      productId,
      fundId: options.fundId,
      fundRuleVersionId: rule.id,
      principalFen,
    }),
  });
}

/**
 * A fund created by the finance office with a listed product of the bank's
 * own enrolled (a product is enrolled in one fund at most), budget twice the
 * pool unless given, and — when `poolFen` is given — that much contributed.
 */
export async function makeFund(options: {
  office: Actor;
  bank: Actor;
  poolFen?: bigint;
  budgetFen?: bigint;
  ratioBps?: number;
  capPerLoanFen?: bigint;
  capPerBankYearFen?: bigint;
}): Promise<{ fundId: string; productId: string }> {
  const { createFund, recordContribution } = await import("~/domain/fund/fund-admin.server");
  const productId = (await makeProduct(options.bank.institution!.id, options.bank.userId, "风险补偿信用贷")).id;
  const { fundId } = await createFund({
    actor: options.office,
    input: {
      nameZh: "盘锦市中小微企业贷款风险补偿资金",
      nameEn: "Panjin SME loan risk-compensation fund",
      validFrom: "2026-01-01",
      validTo: "2028-12-31",
      budgetFen: options.budgetFen ?? (options.poolFen ?? 100_000_000n) * 2n,
      rule: {
        compensationRatioBps: options.ratioBps ?? 4_000,
        capPerLoanFen: options.capPerLoanFen ?? 100_000_000n,
        capPerBankYearFen: options.capPerBankYearFen ?? 100_000_000_000n,
        eligibleProductIds: [productId],
      },
    },
    ip: null,
  });
  if (options.poolFen !== undefined) {
    await recordContribution({
      actor: options.office,
      fundId,
      input: { amountFen: options.poolFen, receivedOn: "2026-03-01", reference: `CZ-${crypto.randomUUID()}` },
      ip: null,
    });
  }
  return { fundId, productId };
}

const DAY_MS = 86_400_000;

/** An open financing need of the enterprise, expiring in 30 days, and its version. */
export async function openNeed(owner: Actor): Promise<{ id: string; version: number }> {
  const expiresOn = new Date(calendarDay(platformToday()).getTime() + 30 * DAY_MS);
  const input = {
    amount: 50_000_000n,
    termMonths: 12,
    purpose: "采购原材料（钢材），用于承接新订单",
    maxRate: 600,
    guaranteeTypes: ["CREDIT" as const],
    urgency: "NORMAL" as const,
    expiresOn,
  };
  const { id } = await postNeed({ actor: owner, input, ip: null });
  const { version } = await prisma.financingNeed.findUniqueOrThrow({ where: { id }, select: { version: true } });
  return { id, version };
}

/** n small enterprises in 盘锦 with valid USCCs drawn from the seed, named after the prefix; their USCCs and ids. */
export async function makeEnterprises(n: number, seed: number, namePrefix: string): Promise<{ uscc: string[]; ids: string[] }> {
  const rng = new Random(seed);
  const unique = new Set<string>();
  while (unique.size < n) unique.add(enterpriseUscc(rng, "211103"));
  const uscc = [...unique];
  await prisma.enterprise.createMany({
    data: uscc.map((u, i) => ({
      uscc: u,
      name: `${namePrefix}${i}有限公司`,
      regionCode: "211103",
      industryCode: "C34",
      size: "SMALL" as const,
      foundedOn: new Date("2015-06-01"),
      registeredCapitalFen: 500_000_000n,
      legalRepName: "张三",
    })),
  });
  const rows = await prisma.enterprise.findMany({ where: { uscc: { in: uscc } }, select: { id: true, uscc: true } });
  const idOf = new Map(rows.map((r) => [r.uscc, r.id]));
  return { uscc, ids: uscc.map((u) => idOf.get(u)!) };
}

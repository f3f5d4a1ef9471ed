import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { assertRecordId, DomainError } from "~/domain/errors";
import { fundBankYearCapAccount } from "~/domain/ledger/chart";
import type { Account } from "~/domain/ledger/ledger";
import { getLedger } from "~/domain/ledger/ledger.server";
import { claimYear } from "./fund-rules";
import { formatCalendarDate } from "~/i18n/format";

/**
 * The finance office's view of its risk-compensation funds (PRODUCT.md §3.7):
 * every balance is read from the ledger itself (docs/ledger.md), not summed
 * from the business records, so the page shows what the ledger guards.
 *
 * - contributed: the treasury account's posted debits (only contributions debit it);
 * - available: the pool's posted credits less its posted and pending debits;
 * - reserved: the pool's pending debits (claims awaiting a decision);
 * - paid: the pool's posted debits (only approved claim compensation posts a debit to it);
 * - recovered: the pool's posted credits beyond the contributions (recoveries' shares).
 */

/** Bounds: far more than a city's funds, banks and rule versions. */
const MAX_BANKS = 500;
const MAX_RULE_VERSIONS = 200;
const MAX_PRODUCTS = 1_000;

export type FundBalances = {
  /** The approved budget, on record. */
  budgetFen: string;
  contributedFen: string;
  /** What the treasury may still contribute, as the ledger holds it. */
  budgetRoomFen: string;
  availableFen: string;
  reservedFen: string;
  paidFen: string;
  recoveredFen: string;
};

export type PostingState = "PREPARED" | "COMMITTED" | "FAILED" | "NONE";

type FundAccountIds = { treasury?: bigint; pool?: bigint };

function requireOffice(actor: Actor): void {
  assertCan(actor, "manage:fund:any");
  if (actor.institution?.kind !== "FINANCE_OFFICE") throw new DomainError("forbidden", { status: 403 });
}

/** The treasury and pool accounts of each fund, as `ledger_account_refs` names them. */
async function fundAccountIds(fundIds: readonly string[]): Promise<Map<string, FundAccountIds>> {
  const refs = await prisma.ledgerAccountRef.findMany({
    where: { ownerType: "fund", ownerId: { in: [...fundIds] }, purpose: { in: ["FUND_TREASURY", "FUND_POOL"] } },
    select: { ownerId: true, purpose: true, accountId: true },
  });
  const out = new Map<string, FundAccountIds>();
  for (const r of refs) {
    const ids = out.get(r.ownerId) ?? {};
    if (r.purpose === "FUND_TREASURY") ids.treasury = BigInt(r.accountId);
    else ids.pool = BigInt(r.accountId);
    out.set(r.ownerId, ids);
  }
  return out;
}

async function lookup(ids: readonly (bigint | undefined)[]): Promise<Map<string, Account>> {
  const wanted = ids.filter((id): id is bigint => id !== undefined);
  if (wanted.length === 0) return new Map();
  const found = await (await getLedger()).lookupAccounts(wanted);
  return new Map(found.map((a) => [a.id.toString(), a]));
}

function balancesOf(budgetFen: bigint, treasury: Account | undefined, pool: Account | undefined): FundBalances {
  const contributed = treasury?.debits_posted ?? 0n;
  const credits = pool?.credits_posted ?? 0n;
  const paid = pool?.debits_posted ?? 0n;
  const reserved = pool?.debits_pending ?? 0n;
  const room = treasury ? treasury.credits_posted - treasury.debits_posted - treasury.debits_pending : 0n;
  return {
    budgetFen: budgetFen.toString(),
    contributedFen: contributed.toString(),
    budgetRoomFen: room.toString(),
    availableFen: (credits - paid - reserved).toString(),
    reservedFen: reserved.toString(),
    paidFen: paid.toString(),
    recoveredFen: (credits - contributed).toString(),
  };
}

/** Each fund's balances, read from the ledger in one lookup. */
export async function loadFundBalances(funds: readonly { id: string; budgetFen: bigint }[]): Promise<Map<string, FundBalances>> {
  const ids = await fundAccountIds(funds.map((f) => f.id));
  const accounts = await lookup([...ids.values()].flatMap((a) => [a.treasury, a.pool]));
  return new Map(
    funds.map((f) => {
      const a = ids.get(f.id);
      const treasury = a?.treasury === undefined ? undefined : accounts.get(a.treasury.toString());
      const pool = a?.pool === undefined ? undefined : accounts.get(a.pool.toString());
      return [f.id, balancesOf(f.budgetFen, treasury, pool)];
    }),
  );
}

/** The funds, newest first, a page at a time, each with its balances. */
export async function listFunds(options: { actor: Actor; query: { page: number; pageSize: number } }) {
  requireOffice(options.actor);
  const { page, pageSize } = options.query;
  const [total, funds] = await Promise.all([
    prisma.fund.count(),
    prisma.fund.findMany({
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: { id: true, nameZh: true, nameEn: true, validFrom: true, validTo: true, status: true, budgetFen: true },
    }),
  ]);
  const balances = await loadFundBalances(funds);
  return {
    total,
    page,
    pageSize,
    rows: funds.map((f) => ({
      id: f.id,
      nameZh: f.nameZh,
      nameEn: f.nameEn,
      validFrom: formatCalendarDate(f.validFrom),
      validTo: formatCalendarDate(f.validTo),
      status: f.status,
      balances: balances.get(f.id)!,
    })),
  };
}

export type EligibleProductOption = {
  id: string;
  nameZh: string;
  nameEn: string | null;
  bankNameZh: string;
  bankNameEn: string;
  status: string;
  /** The fund the bank named on the product, if any. */
  fundId: string | null;
};

/**
 * Products a fund's rules may name: the listed ones, and any named already
 * (so a product delisted since still shows, and can be dropped).
 */
export async function listEligibleProducts(options: { actor: Actor; include?: readonly string[] }): Promise<EligibleProductOption[]> {
  requireOffice(options.actor);
  const include = (options.include ?? []).filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  const products = await prisma.product.findMany({
    where: { OR: [{ status: "LISTED" }, { id: { in: include } }] },
    orderBy: [{ institution: { nameZh: "asc" } }, { nameZh: "asc" }],
    take: MAX_PRODUCTS,
    select: { id: true, nameZh: true, nameEn: true, status: true, fundId: true, institution: { select: { nameZh: true, nameEn: true } } },
  });
  return products.map((p) => ({
    id: p.id,
    nameZh: p.nameZh,
    nameEn: p.nameEn,
    bankNameZh: p.institution.nameZh,
    bankNameEn: p.institution.nameEn,
    status: p.status,
    fundId: p.fundId,
  }));
}

/**
 * One fund as its page shows it: balances from the ledger, its rule versions,
 * its contributions (a page at a time) with each posting's state, and each
 * bank taking part with its loans, claims, this year's compensation against
 * the yearly cap (from the bank's yearly cap account in the ledger) and
 * whether it is suspended.
 */
export async function loadFund(options: { actor: Actor; fundId: string; query: { page: number; pageSize: number }; now?: Date }) {
  // The finance office, or a regulator reading the fund behind its ledger.
  if (!options.actor.permissions.has("read:ledger:any")) requireOffice(options.actor);
  assertRecordId(options.fundId);
  const now = options.now ?? new Date();
  const year = claimYear(now);
  const fund = await prisma.fund.findUnique({
    where: { id: options.fundId },
    select: { id: true, nameZh: true, nameEn: true, validFrom: true, validTo: true, status: true, budgetFen: true, createdAt: true },
  });
  if (!fund) throw new DomainError("notFound", { status: 404 });

  const { page, pageSize } = options.query;
  const [balances, ruleVersions, contributionTotal, contributions, fundPostings] = await Promise.all([
    loadFundBalances([fund]),
    prisma.fundRuleVersion.findMany({
      where: { fundId: fund.id },
      orderBy: { version: "desc" },
      take: MAX_RULE_VERSIONS,
      select: {
        id: true,
        version: true,
        compensationRatioBps: true,
        capPerLoanFen: true,
        capPerBankYearFen: true,
        eligibleProductIds: true,
        effectiveFrom: true,
      },
    }),
    prisma.fundContribution.count({ where: { fundId: fund.id } }),
    prisma.fundContribution.findMany({
      where: { fundId: fund.id },
      orderBy: [{ receivedOn: "desc" }, { createdAt: "desc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: { id: true, amountFen: true, receivedOn: true, reference: true, ledgerTransferId: true, createdAt: true },
    }),
    prisma.ledgerTransferRef.findMany({ where: { businessType: "fund", businessId: fund.id }, select: { state: true } }),
  ]);
  const current = ruleVersions[0];
  if (!current) throw new DomainError("notFound", { status: 404 });

  const postingStates = await prisma.ledgerTransferRef.findMany({
    where: { transferId: { in: contributions.map((c) => c.ledgerTransferId) } },
    select: { transferId: true, state: true, failure: true },
  });
  const postingOf = new Map(postingStates.map((p) => [p.transferId, p]));

  const banks = await prisma.institution.findMany({
    where: {
      kind: "BANK",
      OR: [
        { products: { some: { OR: [{ fundId: fund.id }, { id: { in: current.eligibleProductIds } }] } } },
        { loans: { some: { fundId: fund.id } } },
        { claims: { some: { fundId: fund.id } } },
        { fundSuspensions: { some: { fundId: fund.id } } },
      ],
    },
    orderBy: [{ nameZh: "asc" }, { id: "asc" }],
    take: MAX_BANKS,
    select: { id: true, nameZh: true, nameEn: true },
  });
  const bankIds = banks.map((b) => b.id);
  const [loanCounts, claimCounts, openSuspensions, yearCapRefs] = await Promise.all([
    prisma.loan.groupBy({ by: ["institutionId"], where: { fundId: fund.id, institutionId: { in: bankIds } }, _count: { _all: true } }),
    prisma.claim.groupBy({ by: ["institutionId"], where: { fundId: fund.id, institutionId: { in: bankIds } }, _count: { _all: true } }),
    prisma.fundBankSuspension.findMany({
      where: { fundId: fund.id, institutionId: { in: bankIds }, reinstatedAt: null },
      select: { institutionId: true, reason: true, suspendedAt: true },
    }),
    prisma.ledgerAccountRef.findMany({
      where: {
        ownerType: "fund-bank-year",
        purpose: "FUND_BANK_YEAR_CAP",
        ownerId: { in: bankIds.map((id) => fundBankYearCapAccount(fund.id, id, year).ownerId) },
      },
      select: { ownerId: true, accountId: true },
    }),
  ]);
  const yearCapAccounts = await lookup(yearCapRefs.map((r) => BigInt(r.accountId)));
  const yearCapOf = new Map(yearCapRefs.map((r) => [r.ownerId, yearCapAccounts.get(r.accountId)]));
  const loansOf = new Map(loanCounts.map((c) => [c.institutionId, c._count._all]));
  const claimsOf = new Map(claimCounts.map((c) => [c.institutionId, c._count._all]));
  const suspensionOf = new Map(openSuspensions.map((s) => [s.institutionId, s]));

  const productIds = [...new Set(ruleVersions.flatMap((r) => r.eligibleProductIds))];
  const productNames = await prisma.product.findMany({
    where: { id: { in: productIds } },
    select: { id: true, nameZh: true, nameEn: true, institution: { select: { nameZh: true, nameEn: true } } },
  });

  return {
    fund: {
      id: fund.id,
      nameZh: fund.nameZh,
      nameEn: fund.nameEn,
      validFrom: formatCalendarDate(fund.validFrom),
      validTo: formatCalendarDate(fund.validTo),
      status: fund.status,
      createdAt: fund.createdAt.toISOString(),
    },
    balances: balances.get(fund.id)!,
    /** Postings of the fund's budget grant still on their way to the ledger, or refused by it. */
    budgetPosting: fundPostings.some((p) => p.state === "FAILED")
      ? ("FAILED" as PostingState)
      : fundPostings.some((p) => p.state === "PREPARED")
        ? ("PREPARED" as PostingState)
        : ("COMMITTED" as PostingState),
    rules: ruleVersions.map((r) => ({
      id: r.id,
      version: r.version,
      ratioBps: r.compensationRatioBps,
      capPerLoanFen: r.capPerLoanFen.toString(),
      capPerBankYearFen: r.capPerBankYearFen.toString(),
      productIds: r.eligibleProductIds,
      effectiveFrom: r.effectiveFrom.toISOString(),
    })),
    /** Names of the products any version names, for the versions table. */
    ruleProducts: productNames.map((p) => ({
      id: p.id,
      nameZh: p.nameZh,
      nameEn: p.nameEn,
      bankNameZh: p.institution.nameZh,
      bankNameEn: p.institution.nameEn,
    })),
    contributions: {
      total: contributionTotal,
      page,
      pageSize,
      rows: contributions.map((c) => {
        const posting = postingOf.get(c.ledgerTransferId);
        return {
          id: c.id,
          receivedOn: formatCalendarDate(c.receivedOn),
          amountFen: c.amountFen.toString(),
          reference: c.reference,
          recordedAt: c.createdAt.toISOString(),
          posting: (posting?.state ?? "NONE") as PostingState,
          failure: posting?.failure ?? null,
        };
      }),
    },
    year,
    banks: banks.map((b) => {
      const cap = yearCapOf.get(fundBankYearCapAccount(fund.id, b.id, year).ownerId);
      const suspension = suspensionOf.get(b.id);
      return {
        id: b.id,
        nameZh: b.nameZh,
        nameEn: b.nameEn,
        loansEnrolled: loansOf.get(b.id) ?? 0,
        claims: claimsOf.get(b.id) ?? 0,
        reservedFen: (cap?.debits_pending ?? 0n).toString(),
        paidFen: (cap?.debits_posted ?? 0n).toString(),
        /** The year's cap as granted in the ledger at the bank's first claim of the year; until then, the current rules'. */
        capFen: (cap ? cap.credits_posted : current.capPerBankYearFen).toString(),
        suspension: suspension ? { reason: suspension.reason, since: suspension.suspendedAt.toISOString() } : null,
      };
    }),
  };
}

export type FundDetail = Awaited<ReturnType<typeof loadFund>>;
export type FundListRow = Awaited<ReturnType<typeof listFunds>>["rows"][number];

/** The version of the fund's rules now in force (the one a new version's form was filled from). */
export async function currentRuleVersion(options: { actor: Actor; fundId: string }): Promise<number> {
  requireOffice(options.actor);
  assertRecordId(options.fundId);
  const last = await prisma.fundRuleVersion.findFirst({ where: { fundId: options.fundId }, orderBy: { version: "desc" }, select: { version: true } });
  if (!last) throw new DomainError("notFound", { status: 404 });
  return last.version;
}

import { z } from "zod";
import type { Db } from "~/db.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { DomainError } from "~/domain/errors";
import { lenient } from "~/schemas/fields";
import { ACCOUNT_CODES, TRANSFER_CODES } from "./chart";
import { AccountFilterFlags, TransferFlags, type AccountBalance, type Ledger, type Transfer } from "./ledger";
import { formatCalendarDate } from "~/i18n/format";

/**
 * The regulator's read-only view of the ledger (PRODUCT.md §3.8): a fund's
 * accounts and their balances at the end of any past day, every transfer
 * behind them, each described by its owner and purpose and tied back to its
 * business record. Balances and transfers are read from the ledger itself
 * through the port (TigerBeetle or the embedded one); the database supplies
 * only names, owners and links (`ledger_account_refs`, `ledger_transfer_refs`).
 */

// ─── Days and timestamps ────────────────────────────────────────────────────

/** China has no daylight saving: its days start at 16:00 UTC of the day before. */
const CHINA_OFFSET_MS = 8 * 3_600_000;
const NS_PER_MS = 1_000_000n;

function dayParts(day: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`not a day: ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The first nanosecond of a China day, as ledger timestamps count. */
export function startOfChinaDayNs(day: string): bigint {
  const [y, m, d] = dayParts(day);
  return BigInt(Date.UTC(y, m - 1, d) - CHINA_OFFSET_MS) * NS_PER_MS;
}

/** The last nanosecond of a China day: a balance "at the end of the day" includes every transfer up to it. */
export function endOfChinaDayNs(day: string): bigint {
  const [y, m, d] = dayParts(day);
  return BigInt(Date.UTC(y, m - 1, d + 1) - CHINA_OFFSET_MS) * NS_PER_MS - 1n;
}

/** The China day of a ledger timestamp. */
export function chinaDayOfNs(ns: bigint): string {
  return platformToday(new Date(Number(ns / NS_PER_MS)));
}

export function dateOfNs(ns: bigint): Date {
  return new Date(Number(ns / NS_PER_MS));
}

/** user_data_64 as a value date (YYYYMMDD → YYYY-MM-DD), or null when it holds none. */
export function valueDateText(userData64: bigint): string | null {
  const s = userData64.toString();
  return /^\d{8}$/.test(s) ? `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}` : null;
}

function addDays(day: string, days: number): string {
  const [y, m, d] = dayParts(day);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

const isDay = (s: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return !!m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === s;
};
const dayField = z.string().refine(isDay);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidField = z.string().regex(UUID);

// ─── The chart, in words ────────────────────────────────────────────────────

export type TransferCodeName = keyof typeof TRANSFER_CODES;
export type AccountPurpose = keyof typeof ACCOUNT_CODES;
export const TRANSFER_CODE_NAMES = Object.keys(TRANSFER_CODES) as TransferCodeName[];
const CODE_NAME_BY_NUMBER = new Map<number, TransferCodeName>(TRANSFER_CODE_NAMES.map((n) => [TRANSFER_CODES[n], n]));

export function transferCodeName(code: number): TransferCodeName | null {
  return CODE_NAME_BY_NUMBER.get(code) ?? null;
}

/** Accounts whose balance is read debits − credits; every other account credits − debits. */
const DEBIT_NORMAL = new Set<string>(["FUND_BUDGET", "FUND_QUOTA", "LOAN_PRINCIPAL"]);

export type BalanceFigures = {
  debitsPendingFen: string;
  debitsPostedFen: string;
  creditsPendingFen: string;
  creditsPostedFen: string;
  /** Posted balance on the account's normal side. */
  balanceFen: string;
};

const ZERO: AccountBalance = { debits_pending: 0n, debits_posted: 0n, credits_pending: 0n, credits_posted: 0n, timestamp: 0n };

function figures(purpose: string, b: AccountBalance): BalanceFigures {
  const balance = DEBIT_NORMAL.has(purpose) ? b.debits_posted - b.credits_posted : b.credits_posted - b.debits_posted;
  return {
    debitsPendingFen: b.debits_pending.toString(),
    debitsPostedFen: b.debits_posted.toString(),
    creditsPendingFen: b.credits_pending.toString(),
    creditsPostedFen: b.credits_posted.toString(),
    balanceFen: balance.toString(),
  };
}

// ─── Bounds ─────────────────────────────────────────────────────────────────

/** At most this many ledger queries at once from one request. */
const LEDGER_CONCURRENCY = 16;
/** Loans with fund accounts (caps, recoverable) whose balances one page reads. */
export const MAX_FUND_LOANS = 2_000;
/** Accounts one transfer listing merges. */
export const MAX_LISTED_ACCOUNTS = 4_000;
/** Transfers one page of the listing reads before it stops and offers the next page. */
const SCAN_MAX = 20_000;
/** Rows in a CSV export of transfers. */
export const EXPORT_MAX_TRANSFERS = 50_000;
const PENDING_CLAIMS_MAX = 500;
const LOAN_PAGE_SIZE = 20;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

/** An account's balances after its last transfer up to `timestampMax` (zero before its first). */
export async function balanceAt(ledger: Ledger, accountId: bigint, timestampMax: bigint): Promise<AccountBalance> {
  const [last] = await ledger.getAccountBalances({
    account_id: accountId,
    timestamp_max: timestampMax,
    limit: 1,
    flags: AccountFilterFlags.debits | AccountFilterFlags.credits | AccountFilterFlags.reversed,
  });
  return last ?? ZERO;
}

// ─── Owners and links ───────────────────────────────────────────────────────

export type AccountOwner = {
  type: string;
  fundId?: string;
  fundNameZh?: string;
  fundNameEn?: string;
  institutionId?: string;
  bankNameZh?: string;
  bankNameEn?: string;
  loanId?: string;
  applicationId?: string;
  enterpriseName?: string;
  year?: number;
};

export type AccountDescription = { accountId: string; purpose: string; code: number; state: string; owner: AccountOwner };

type RefRow = { accountId: string; ownerType: string; ownerId: string; purpose: string; code: number; state: string };

function ownerIds(ref: { ownerType: string; ownerId: string }): { fundId?: string; institutionId?: string; loanId?: string; year?: number } {
  const parts = ref.ownerId.split(":");
  switch (ref.ownerType) {
    case "fund":
      return { fundId: parts[0] };
    case "fund-bank":
      return { fundId: parts[0], institutionId: parts[1] };
    case "fund-bank-year":
      return { fundId: parts[0], institutionId: parts[1], year: Number(parts[2]) };
    case "fund-loan":
      return { fundId: parts[0], loanId: parts[1] };
    case "institution":
      return { institutionId: parts[0] };
    case "loan":
      return { loanId: parts[0] };
    default:
      return {};
  }
}

type Names = {
  funds: Map<string, { nameZh: string; nameEn: string }>;
  banks: Map<string, { nameZh: string; nameEn: string }>;
  loans: Map<string, { applicationId: string; enterpriseName: string; institutionId: string }>;
};

async function loadNames(db: Db, ids: { fundIds: Iterable<string>; institutionIds: Iterable<string>; loanIds: Iterable<string> }): Promise<Names> {
  const valid = (it: Iterable<string>) => [...new Set(it)].filter((id) => UUID.test(id));
  const loanIds = valid(ids.loanIds);
  const loans = loanIds.length
    ? await db.loan.findMany({
        where: { id: { in: loanIds } },
        select: { id: true, applicationId: true, institutionId: true, enterprise: { select: { name: true } } },
      })
    : [];
  const fundIds = valid(ids.fundIds);
  const institutionIds = valid([...ids.institutionIds, ...loans.map((l) => l.institutionId)]);
  const [funds, banks] = await Promise.all([
    fundIds.length ? db.fund.findMany({ where: { id: { in: fundIds } }, select: { id: true, nameZh: true, nameEn: true } }) : [],
    institutionIds.length ? db.institution.findMany({ where: { id: { in: institutionIds } }, select: { id: true, nameZh: true, nameEn: true } }) : [],
  ]);
  return {
    funds: new Map(funds.map((f) => [f.id, { nameZh: f.nameZh, nameEn: f.nameEn }])),
    banks: new Map(banks.map((b) => [b.id, { nameZh: b.nameZh, nameEn: b.nameEn }])),
    loans: new Map(loans.map((l) => [l.id, { applicationId: l.applicationId, enterpriseName: l.enterprise.name, institutionId: l.institutionId }])),
  };
}

function describeRef(ref: RefRow, names: Names): AccountDescription {
  const ids = ownerIds(ref);
  const loan = ids.loanId ? names.loans.get(ids.loanId) : undefined;
  const institutionId = ids.institutionId ?? loan?.institutionId;
  const fund = ids.fundId ? names.funds.get(ids.fundId) : undefined;
  const bank = institutionId ? names.banks.get(institutionId) : undefined;
  return {
    accountId: ref.accountId,
    purpose: ref.purpose,
    code: ref.code,
    state: ref.state,
    owner: {
      type: ref.ownerType,
      ...(ids.fundId ? { fundId: ids.fundId, fundNameZh: fund?.nameZh, fundNameEn: fund?.nameEn } : {}),
      ...(institutionId ? { institutionId, bankNameZh: bank?.nameZh, bankNameEn: bank?.nameEn } : {}),
      ...(ids.loanId ? { loanId: ids.loanId, applicationId: loan?.applicationId, enterpriseName: loan?.enterpriseName } : {}),
      ...(ids.year !== undefined ? { year: ids.year } : {}),
    },
  };
}

/** Accounts by their 128-bit ids (decimal strings), described by owner and purpose. */
export async function describeAccounts(db: Db, accountIds: readonly string[]): Promise<Map<string, AccountDescription>> {
  const ids = [...new Set(accountIds)];
  if (ids.length === 0) return new Map();
  const refs = await db.ledgerAccountRef.findMany({
    where: { accountId: { in: ids } },
    select: { accountId: true, ownerType: true, ownerId: true, purpose: true, code: true, state: true },
  });
  const names = await loadNames(db, {
    fundIds: refs.map((r) => ownerIds(r).fundId ?? ""),
    institutionIds: refs.map((r) => ownerIds(r).institutionId ?? ""),
    loanIds: refs.map((r) => ownerIds(r).loanId ?? ""),
  });
  return new Map(refs.map((r) => [r.accountId, describeRef(r, names)]));
}

export type BusinessLink = { type: string; id: string; href: string | null };

/**
 * Where each business record behind a posting is shown: a loan and its
 * repayments on the application's page, a claim and its decision on the
 * claim's page, contributions and caps on the fund's page.
 */
export async function businessLinks(db: Db, refs: readonly { businessType: string; businessId: string }[]): Promise<Map<string, string | null>> {
  const ofType = (type: string) => [...new Set(refs.filter((r) => r.businessType === type).map((r) => r.businessId))];
  const uuids = (ids: string[]) => ids.filter((id) => UUID.test(id));
  const loanIds = uuids([...ofType("loan"), ...ofType("fund-loan-cap").map((k) => k.split(":")[1] ?? "")]);
  const repaymentIds = uuids(ofType("repayment"));
  const contributionIds = uuids(ofType("contribution"));
  const recoveryIds = uuids(ofType("recovery"));
  const [loans, repayments, contributions, recoveries] = await Promise.all([
    loanIds.length ? db.loan.findMany({ where: { id: { in: loanIds } }, select: { id: true, applicationId: true } }) : [],
    repaymentIds.length ? db.repayment.findMany({ where: { id: { in: repaymentIds } }, select: { id: true, loan: { select: { applicationId: true } } } }) : [],
    contributionIds.length ? db.fundContribution.findMany({ where: { id: { in: contributionIds } }, select: { id: true, fundId: true } }) : [],
    recoveryIds.length
      ? db.recovery.findMany({ where: { id: { in: recoveryIds } }, select: { id: true, claimId: true, loan: { select: { applicationId: true } } } })
      : [],
  ]);
  const loanHref = new Map(loans.map((l) => [l.id, `/app/applications/${l.applicationId}#loan`]));
  const out = new Map<string, string | null>();
  for (const r of refs) {
    const key = `${r.businessType}:${r.businessId}`;
    let href: string | null = null;
    switch (r.businessType) {
      case "loan":
        href = loanHref.get(r.businessId) ?? null;
        break;
      case "repayment": {
        const rep = repayments.find((x) => x.id === r.businessId);
        href = rep ? `/app/applications/${rep.loan.applicationId}#loan` : null;
        break;
      }
      case "claim":
      case "claim-decision":
        href = UUID.test(r.businessId) ? `/app/claims/${r.businessId}` : null;
        break;
      case "contribution": {
        const c = contributions.find((x) => x.id === r.businessId);
        href = c ? `/app/funds/${c.fundId}` : null;
        break;
      }
      case "fund":
        href = UUID.test(r.businessId) ? `/app/funds/${r.businessId}` : null;
        break;
      case "recovery": {
        const rec = recoveries.find((x) => x.id === r.businessId);
        href = rec ? (rec.claimId ? `/app/claims/${rec.claimId}` : `/app/applications/${rec.loan.applicationId}#loan`) : null;
        break;
      }
      case "fund-loan-cap":
        href = loanHref.get(r.businessId.split(":")[1] ?? "") ?? null;
        break;
      case "fund-bank-year-cap": {
        const fundId = r.businessId.split(":")[0] ?? "";
        href = UUID.test(fundId) ? `/app/funds/${fundId}` : null;
        break;
      }
    }
    out.set(key, href);
  }
  return out;
}

// ─── Funds ──────────────────────────────────────────────────────────────────

export type FundChoice = { id: string; nameZh: string; nameEn: string };

/** The funds a regulator may pick, newest first (bounded: a city runs a handful). */
export async function listLedgerFunds(db: Db): Promise<FundChoice[]> {
  return db.fund.findMany({ orderBy: { createdAt: "desc" }, take: 200, select: { id: true, nameZh: true, nameEn: true } });
}

async function loadFund(db: Db, fundId: string) {
  if (!UUID.test(fundId)) throw new DomainError("notFound", { status: 404 });
  const fund = await db.fund.findUnique({
    where: { id: fundId },
    select: { id: true, nameZh: true, nameEn: true, budgetFen: true, validFrom: true, validTo: true, status: true },
  });
  if (!fund) throw new DomainError("notFound", { status: 404 });
  return fund;
}

/** The fund's own accounts, then its per-bank, per-bank-year and per-loan accounts. */
async function fundAccountRefs(db: Db, fundId: string): Promise<RefRow[]> {
  const select = { accountId: true, ownerType: true, ownerId: true, purpose: true, code: true, state: true } as const;
  const [own, perOwner] = await Promise.all([
    db.ledgerAccountRef.findMany({ where: { ownerType: "fund", ownerId: fundId }, select }),
    db.ledgerAccountRef.findMany({
      where: { ownerType: { in: ["fund-bank", "fund-bank-year", "fund-loan"] }, ownerId: { startsWith: `${fundId}:` } },
      orderBy: [{ ownerType: "asc" }, { ownerId: "asc" }, { purpose: "asc" }],
      select,
      // Loans hold two accounts each, banks one per year plus one: the bound is on loans, with room for the banks.
      take: MAX_FUND_LOANS * 2 + 1_000,
    }),
  ]);
  return [...own, ...perOwner];
}

// ─── The accounts page ──────────────────────────────────────────────────────

export const LedgerAccountsQuerySchema = z.object({
  fund: lenient(uuidField),
  day: lenient(dayField),
  loanPage: lenient(z.coerce.number().int().min(1).max(10_000)).transform((v) => v ?? 1),
});
export type LedgerAccountsQuery = z.infer<typeof LedgerAccountsQuerySchema>;

export type OwnAccountLine = { purpose: AccountPurpose; accountId: string | null; state: string | null } & BalanceFigures;

export type FundLedgerView = {
  fund: { id: string; nameZh: string; nameEn: string; budgetFen: string; validFrom: string; validTo: string; status: string };
  day: string;
  asOfNs: string;
  own: OwnAccountLine[];
  banks: {
    institutionId: string;
    nameZh: string;
    nameEn: string;
    accountId: string | null;
    reservedFen: string;
    paidFen: string;
    sharedBackFen: string;
    netFen: string;
    years: { year: number; capFen: string; usedFen: string; pendingFen: string; remainingFen: string }[];
  }[];
  loanCaps: {
    loans: number;
    capGrantedFen: string;
    capUsedFen: string;
    capPendingFen: string;
    capRemainingFen: string;
    recoverableGrantedFen: string;
    recoveredFen: string;
    recoverableRemainingFen: string;
  };
  loans: {
    rows: {
      loanId: string;
      applicationId: string | null;
      enterpriseName: string | null;
      bankNameZh: string | null;
      bankNameEn: string | null;
      claimedLossFen: string;
      reservedFen: string;
      paidFen: string;
      recoveredShareFen: string;
    }[];
    total: number;
    page: number;
    pageSize: number;
  };
  /** Reservations standing now (not at the chosen day): claims RESERVING or RESERVED. */
  pending: {
    rows: {
      claimId: string;
      loanId: string;
      applicationId: string;
      enterpriseName: string;
      bankNameZh: string;
      bankNameEn: string;
      status: string;
      filedAt: string;
      reservedFen: string;
      /** The reservation as the ledger holds it; null when it has not reached the ledger yet. */
      ledgerPendingFen: string | null;
    }[];
    total: number;
    reservedFen: string;
    ledgerPendingFen: string;
  };
  poolHistory: { days: string[]; postedFen: (string | null)[]; availableFen: (string | null)[] };
  /** More per-loan accounts than one page reads: the loan figures cover the first MAX_FUND_LOANS loans. */
  truncated: boolean;
};

const OWN_PURPOSES = ["FUND_BUDGET", "FUND_TREASURY", "FUND_POOL", "FUND_QUOTA", "FUND_CAP_USED"] as const satisfies readonly AccountPurpose[];
const POOL_HISTORY_DAYS = 90;

/** The pool's end-of-day balances over the 90 days up to `day` (null before the first day the ledger returned). */
async function poolHistory(ledger: Ledger, poolId: bigint | null, day: string): Promise<FundLedgerView["poolHistory"]> {
  const firstDay = addDays(day, -(POOL_HISTORY_DAYS - 1));
  const days = Array.from({ length: POOL_HISTORY_DAYS }, (_, i) => addDays(firstDay, i));
  if (poolId === null) return { days, postedFen: days.map(() => "0"), availableFen: days.map(() => "0") };
  const sides = AccountFilterFlags.debits | AccountFilterFlags.credits;
  const limit = 8_000;
  const [before, within] = await Promise.all([
    balanceAt(ledger, poolId, startOfChinaDayNs(firstDay) - 1n),
    ledger.getAccountBalances({
      account_id: poolId,
      timestamp_min: startOfChinaDayNs(firstDay),
      timestamp_max: endOfChinaDayNs(day),
      limit,
      flags: sides | AccountFilterFlags.reversed,
    }),
  ]);
  // Newest first, so a window with more than `limit` balances loses its oldest days, which are left blank.
  const truncated = within.length === limit;
  const lastByDay = new Map<string, AccountBalance>();
  for (const b of within) {
    const d = chinaDayOfNs(b.timestamp);
    if (!lastByDay.has(d)) lastByDay.set(d, b);
  }
  const oldestDay = within.length ? chinaDayOfNs(within[within.length - 1]!.timestamp) : null;
  let current: AccountBalance | null = truncated ? null : before;
  const postedFen: (string | null)[] = [];
  const availableFen: (string | null)[] = [];
  for (const d of days) {
    if (truncated && oldestDay && d < oldestDay) {
      postedFen.push(null);
      availableFen.push(null);
      continue;
    }
    current = lastByDay.get(d) ?? current;
    if (!current) {
      postedFen.push(null);
      availableFen.push(null);
      continue;
    }
    const posted = current.credits_posted - current.debits_posted;
    postedFen.push(posted.toString());
    availableFen.push((posted - current.debits_pending).toString());
  }
  return { days, postedFen, availableFen };
}

/**
 * A fund's accounts with their balances at the end of `day` (China time), read
 * from the ledger: each account's balances after its last transfer up to then
 * (every fund account keeps its history), zero if it had none. Also the
 * reservations standing now, per-bank and per-loan figures, and the pool's
 * balance over the 90 days up to `day`.
 */
export async function loadFundLedger(options: { db: Db; ledger: Ledger; fundId: string; day: string; loanPage?: number }): Promise<FundLedgerView> {
  const { db, ledger, day } = options;
  const fund = await loadFund(db, options.fundId);
  const asOf = endOfChinaDayNs(day);
  const refs = await fundAccountRefs(db, fund.id);
  const loanOwners = [...new Set(refs.filter((r) => r.ownerType === "fund-loan").map((r) => r.ownerId))];
  const truncated = loanOwners.length > MAX_FUND_LOANS;
  const keptLoanOwners = new Set(loanOwners.slice(0, MAX_FUND_LOANS));
  const kept = refs.filter((r) => r.ownerType !== "fund-loan" || keptLoanOwners.has(r.ownerId));
  const balances = await mapLimit(kept, LEDGER_CONCURRENCY, (r) => balanceAt(ledger, BigInt(r.accountId), asOf));
  const balanceOf = new Map(kept.map((r, i) => [`${r.ownerType}/${r.ownerId}/${r.purpose}`, { ref: r, balance: balances[i]! }]));

  const own: OwnAccountLine[] = OWN_PURPOSES.map((purpose) => {
    const found = balanceOf.get(`fund/${fund.id}/${purpose}`);
    return { purpose, accountId: found?.ref.accountId ?? null, state: found?.ref.state ?? null, ...figures(purpose, found?.balance ?? ZERO) };
  });

  const names = await loadNames(db, {
    fundIds: [],
    institutionIds: kept.map((r) => ownerIds(r).institutionId ?? ""),
    loanIds: kept.map((r) => ownerIds(r).loanId ?? ""),
  });

  // Per bank: what the fund reserved for, paid and got back from it; its yearly caps.
  const bankIds = [...new Set(kept.filter((r) => r.ownerType === "fund-bank" || r.ownerType === "fund-bank-year").map((r) => ownerIds(r).institutionId!))];
  const banks = bankIds.map((institutionId) => {
    const comp = balanceOf.get(`fund-bank/${fund.id}:${institutionId}/FUND_BANK_COMPENSATION`);
    const b = comp?.balance ?? ZERO;
    const years = kept
      .filter((r) => r.ownerType === "fund-bank-year" && ownerIds(r).institutionId === institutionId)
      .map((r) => {
        const y = balanceOf.get(`${r.ownerType}/${r.ownerId}/${r.purpose}`)!.balance;
        return {
          year: ownerIds(r).year!,
          capFen: y.credits_posted.toString(),
          usedFen: y.debits_posted.toString(),
          pendingFen: y.debits_pending.toString(),
          remainingFen: (y.credits_posted - y.debits_posted - y.debits_pending).toString(),
        };
      })
      .sort((a, c) => a.year - c.year);
    const bank = names.banks.get(institutionId);
    return {
      institutionId,
      nameZh: bank?.nameZh ?? institutionId,
      nameEn: bank?.nameEn ?? institutionId,
      accountId: comp?.ref.accountId ?? null,
      reservedFen: b.credits_pending.toString(),
      paidFen: b.credits_posted.toString(),
      sharedBackFen: b.debits_posted.toString(),
      netFen: (b.credits_posted - b.debits_posted).toString(),
      years,
    };
  });

  // Per loan: its cap and what the bank may still share back, and the loss claimed by the end of the day.
  const loanIds = [...keptLoanOwners].map((o) => o.split(":")[1]!).filter((id) => UUID.test(id));
  const claimed = loanIds.length
    ? await db.claim.groupBy({
        by: ["loanId"],
        where: { fundId: fund.id, loanId: { in: loanIds }, status: { not: "REFUSED" }, filedAt: { lte: new Date(Number(asOf / NS_PER_MS)) } },
        _sum: { lossFen: true },
      })
    : [];
  const lossOf = new Map(claimed.map((c) => [c.loanId, c._sum.lossFen ?? 0n]));
  const sums = { capGranted: 0n, capUsed: 0n, capPending: 0n, recGranted: 0n, recovered: 0n };
  const loanRows = loanIds.map((loanId) => {
    const cap = balanceOf.get(`fund-loan/${fund.id}:${loanId}/FUND_LOAN_CAP`)?.balance ?? ZERO;
    const rec = balanceOf.get(`fund-loan/${fund.id}:${loanId}/FUND_LOAN_RECOVERABLE`)?.balance ?? ZERO;
    sums.capGranted += cap.credits_posted;
    sums.capUsed += cap.debits_posted;
    sums.capPending += cap.debits_pending;
    sums.recGranted += rec.credits_posted;
    sums.recovered += rec.debits_posted;
    const loan = names.loans.get(loanId);
    const bank = loan ? names.banks.get(loan.institutionId) : undefined;
    return {
      loanId,
      applicationId: loan?.applicationId ?? null,
      enterpriseName: loan?.enterpriseName ?? null,
      bankNameZh: bank?.nameZh ?? null,
      bankNameEn: bank?.nameEn ?? null,
      claimedLossFen: lossOf.get(loanId) ?? 0n,
      reservedFen: cap.debits_pending,
      paidFen: cap.debits_posted,
      recoveredShareFen: rec.debits_posted,
    };
  });
  loanRows.sort((a, c) =>
    c.paidFen > a.paidFen
      ? 1
      : c.paidFen < a.paidFen
        ? -1
        : c.claimedLossFen > a.claimedLossFen
          ? 1
          : c.claimedLossFen < a.claimedLossFen
            ? -1
            : a.loanId.localeCompare(c.loanId),
  );
  const page = Math.max(1, Math.min(options.loanPage ?? 1, Math.max(1, Math.ceil(loanRows.length / LOAN_PAGE_SIZE))));
  const pageRows = loanRows.slice((page - 1) * LOAN_PAGE_SIZE, page * LOAN_PAGE_SIZE).map((r) => ({
    ...r,
    claimedLossFen: r.claimedLossFen.toString(),
    reservedFen: r.reservedFen.toString(),
    paidFen: r.paidFen.toString(),
    recoveredShareFen: r.recoveredShareFen.toString(),
  }));

  // Reservations standing now: the claims' records beside the ledger's pending transfers.
  const [pendingClaims, pendingTotal] = await Promise.all([
    db.claim.findMany({
      where: { fundId: fund.id, status: { in: ["RESERVING", "RESERVED"] } },
      orderBy: [{ filedAt: "asc" }, { id: "asc" }],
      take: PENDING_CLAIMS_MAX,
      select: {
        id: true,
        loanId: true,
        status: true,
        filedAt: true,
        reservedFen: true,
        reservationTransferId: true,
        loan: { select: { applicationId: true, enterprise: { select: { name: true } } } },
        institution: { select: { nameZh: true, nameEn: true } },
      },
    }),
    db.claim.aggregate({ where: { fundId: fund.id, status: { in: ["RESERVING", "RESERVED"] } }, _count: { _all: true }, _sum: { reservedFen: true } }),
  ]);
  const reservationTransfers = pendingClaims.length ? await ledger.lookupTransfers(pendingClaims.map((c) => BigInt(c.reservationTransferId))) : [];
  const transferById = new Map(reservationTransfers.map((t) => [t.id.toString(), t]));
  let ledgerPending = 0n;
  const pendingRows = pendingClaims.map((c) => {
    const t = transferById.get(c.reservationTransferId);
    if (t) ledgerPending += t.amount;
    return {
      claimId: c.id,
      loanId: c.loanId,
      applicationId: c.loan.applicationId,
      enterpriseName: c.loan.enterprise.name,
      bankNameZh: c.institution.nameZh,
      bankNameEn: c.institution.nameEn,
      status: c.status,
      filedAt: c.filedAt.toISOString(),
      reservedFen: c.reservedFen.toString(),
      ledgerPendingFen: t ? t.amount.toString() : null,
    };
  });

  const pool = balanceOf.get(`fund/${fund.id}/FUND_POOL`);
  return {
    fund: {
      id: fund.id,
      nameZh: fund.nameZh,
      nameEn: fund.nameEn,
      budgetFen: fund.budgetFen.toString(),
      validFrom: formatCalendarDate(fund.validFrom),
      validTo: formatCalendarDate(fund.validTo),
      status: fund.status,
    },
    day,
    asOfNs: asOf.toString(),
    own,
    banks,
    loanCaps: {
      loans: loanRows.length,
      capGrantedFen: sums.capGranted.toString(),
      capUsedFen: sums.capUsed.toString(),
      capPendingFen: sums.capPending.toString(),
      capRemainingFen: (sums.capGranted - sums.capUsed - sums.capPending).toString(),
      recoverableGrantedFen: sums.recGranted.toString(),
      recoveredFen: sums.recovered.toString(),
      recoverableRemainingFen: (sums.recGranted - sums.recovered).toString(),
    },
    loans: { rows: pageRows, total: loanRows.length, page, pageSize: LOAN_PAGE_SIZE },
    pending: {
      rows: pendingRows,
      total: pendingTotal._count._all,
      reservedFen: (pendingTotal._sum.reservedFen ?? 0n).toString(),
      ledgerPendingFen: ledgerPending.toString(),
    },
    poolHistory: await poolHistory(ledger, pool ? BigInt(pool.ref.accountId) : null, day),
    truncated,
  };
}

/**
 * Every account of the fund with its balances at the end of `day`, one line
 * each (for the CSV export): no per-page bound beyond MAX_FUND_LOANS loans.
 */
export async function fundAccountBalances(options: { db: Db; ledger: Ledger; fundId: string; day: string }) {
  const { db, ledger, day } = options;
  const fund = await loadFund(db, options.fundId);
  const asOf = endOfChinaDayNs(day);
  const refs = await fundAccountRefs(db, fund.id);
  const balances = await mapLimit(refs, LEDGER_CONCURRENCY, (r) => balanceAt(ledger, BigInt(r.accountId), asOf));
  const names = await loadNames(db, {
    fundIds: [fund.id],
    institutionIds: refs.map((r) => ownerIds(r).institutionId ?? ""),
    loanIds: refs.map((r) => ownerIds(r).loanId ?? ""),
  });
  return {
    fund: { id: fund.id, nameZh: fund.nameZh, nameEn: fund.nameEn },
    day,
    lines: refs.map((r, i) => ({ account: describeRef(r, names), ...figures(r.purpose, balances[i]!) })),
  };
}

// ─── The transfers page ─────────────────────────────────────────────────────

export const LedgerTransfersQuerySchema = z.object({
  fund: lenient(uuidField),
  loans: lenient(z.enum(["1", "on", "true"])).transform((v) => v !== undefined),
  from: lenient(dayField),
  to: lenient(dayField),
  code: lenient(
    z.coerce
      .number()
      .int()
      .refine((c) => CODE_NAME_BY_NUMBER.has(c)),
  ),
  before: lenient(z.string().regex(/^\d{1,39}$/)),
  pageSize: lenient(z.coerce.number().int().min(1).max(200)).transform((v) => v ?? 50),
});
export type LedgerTransfersQuery = z.infer<typeof LedgerTransfersQuerySchema>;

export type TransferView = {
  id: string;
  timestampNs: string;
  at: string;
  code: number;
  codeName: TransferCodeName | null;
  /** single: an ordinary transfer; pending: a reservation; post / void: its resolution. */
  kind: "single" | "pending" | "post" | "void";
  status: "posted" | "pending" | "voided";
  /** For a reservation: how it was later resolved, if it was. */
  resolution: "posted" | "voided" | null;
  pendingId: string | null;
  linked: boolean;
  debit: AccountDescription | null;
  credit: AccountDescription | null;
  debitAccountId: string;
  creditAccountId: string;
  amountFen: string;
  valueDate: string | null;
  business: BusinessLink | null;
};

export type TransferPage = {
  rows: TransferView[];
  /** The cursor of the next (older) page: pass as `before`. */
  nextBefore: string | null;
  accounts: number;
  accountsTruncated: boolean;
};

/** The accounts whose transfers the listing merges. */
async function listedAccountIds(db: Db, fundId: string, includeLoans: boolean): Promise<{ ids: bigint[]; truncated: boolean }> {
  const refs = await fundAccountRefs(db, fundId);
  let ids = refs.map((r) => r.accountId);
  if (includeLoans) {
    const loanRefs = await db.$queryRaw<{ accountId: string }[]>`
      SELECT a."accountId" FROM ledger_account_refs a JOIN loans l ON a."ownerType" = 'loan' AND a."ownerId" = l.id::text
       WHERE l."fundId" = ${fundId}::uuid
       ORDER BY a."accountId" LIMIT ${MAX_LISTED_ACCOUNTS + 1}`;
    ids = [...ids, ...loanRefs.map((r) => r.accountId)];
  }
  const unique = [...new Set(ids)];
  return { ids: unique.slice(0, MAX_LISTED_ACCOUNTS).map((id) => BigInt(id)), truncated: unique.length > MAX_LISTED_ACCOUNTS };
}

/** A max-heap of account streams keyed by their newest unread transfer's timestamp. */
class StreamHeap {
  private items: Stream[] = [];
  get size() {
    return this.items.length;
  }
  private key(i: number) {
    return this.items[i]!.buffer[this.items[i]!.at]!.timestamp;
  }
  push(s: Stream) {
    this.items.push(s);
    let i = this.items.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.key(p) >= this.key(i)) break;
      [this.items[p], this.items[i]] = [this.items[i]!, this.items[p]!];
      i = p;
    }
  }
  pop(): Stream | undefined {
    const top = this.items[0];
    const last = this.items.pop();
    if (this.items.length > 0 && last) {
      this.items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.items.length && this.key(l) > this.key(m)) m = l;
        if (r < this.items.length && this.key(r) > this.key(m)) m = r;
        if (m === i) break;
        [this.items[m], this.items[i]] = [this.items[i]!, this.items[m]!];
        i = m;
      }
    }
    return top;
  }
}

type Stream = { accountId: bigint; buffer: Transfer[]; at: number; done: boolean; nextMax: bigint };

/**
 * Transfers of a set of accounts, newest first, from the ledger: each
 * account's transfers are read newest first in chunks and merged on their
 * timestamps (unique in the ledger, so a transfer between two listed accounts
 * is taken once). Stops after `scanMax` transfers and says where to go on.
 */
async function mergeTransfers(options: {
  ledger: Ledger;
  accountIds: readonly bigint[];
  min: bigint;
  max: bigint;
  want: number;
  accept: (t: Transfer) => boolean;
  scanMax: number;
}): Promise<{ rows: Transfer[]; nextBefore: bigint | null }> {
  const { ledger } = options;
  const chunk = Math.min(Math.max(options.want + 1, 16), 8_000);
  const fill = async (s: Stream) => {
    const got = await ledger.getAccountTransfers({
      account_id: s.accountId,
      timestamp_min: options.min,
      timestamp_max: s.nextMax,
      limit: chunk,
      flags: AccountFilterFlags.debits | AccountFilterFlags.credits | AccountFilterFlags.reversed,
    });
    s.buffer = got;
    s.at = 0;
    s.done = got.length < chunk;
    if (got.length > 0) s.nextMax = got[got.length - 1]!.timestamp - 1n;
  };
  const streams: Stream[] = options.accountIds.map((accountId) => ({ accountId, buffer: [], at: 0, done: false, nextMax: options.max }));
  await mapLimit(streams, LEDGER_CONCURRENCY, fill);
  const heap = new StreamHeap();
  for (const s of streams) if (s.buffer.length > 0) heap.push(s);
  const rows: Transfer[] = [];
  let last: bigint | null = null;
  let scanned = 0;
  while (heap.size > 0) {
    const s = heap.pop()!;
    const t = s.buffer[s.at++]!;
    if (s.at < s.buffer.length) heap.push(s);
    else if (!s.done) {
      await fill(s);
      if (s.buffer.length > 0) heap.push(s);
    }
    if (t.timestamp === last) continue;
    last = t.timestamp;
    scanned++;
    if (options.accept(t)) {
      rows.push(t);
      if (rows.length === options.want) return { rows, nextBefore: heap.size > 0 ? t.timestamp : null };
    }
    if (scanned >= options.scanMax) return { rows, nextBefore: heap.size > 0 ? t.timestamp : null };
  }
  return { rows, nextBefore: null };
}

/** Transfers as the page shows them: accounts described, reasons named, business records linked. */
async function viewTransfers(db: Db, transfers: readonly Transfer[]): Promise<TransferView[]> {
  if (transfers.length === 0) return [];
  const accounts = await describeAccounts(
    db,
    transfers.flatMap((t) => [t.debit_account_id.toString(), t.credit_account_id.toString()]),
  );
  const refs = await db.ledgerTransferRef.findMany({
    where: { transferId: { in: transfers.map((t) => t.id.toString()) } },
    select: { transferId: true, businessType: true, businessId: true },
  });
  const refById = new Map(refs.map((r) => [r.transferId, r]));
  const links = await businessLinks(db, refs);

  // How each reservation on the page was resolved: its post or void, prepared with the decision and committed.
  const pendingIds = transfers.filter((t) => (t.flags & TransferFlags.pending) !== 0).map((t) => t.id.toString());
  const resolution = new Map<string, "posted" | "voided">();
  if (pendingIds.length > 0) {
    const owners = [...new Set(pendingIds.map((id) => refById.get(id)?.businessId).filter((id): id is string => !!id))];
    const resolutions = owners.length
      ? await db.ledgerTransferRef.findMany({
          where: { businessType: "claim-decision", businessId: { in: owners }, state: "COMMITTED" },
          select: { payload: true },
        })
      : [];
    for (const r of resolutions) {
      const p = r.payload as Record<string, string | number>;
      if (p.pending_id === undefined) continue;
      const flags = Number(p.flags ?? 0);
      resolution.set(String(p.pending_id), (flags & TransferFlags.post_pending_transfer) !== 0 ? "posted" : "voided");
    }
  }

  return transfers.map((t) => {
    const id = t.id.toString();
    const kind =
      (t.flags & TransferFlags.pending) !== 0
        ? "pending"
        : (t.flags & TransferFlags.post_pending_transfer) !== 0
          ? "post"
          : (t.flags & TransferFlags.void_pending_transfer) !== 0
            ? "void"
            : "single";
    const ref = refById.get(id);
    return {
      id,
      timestampNs: t.timestamp.toString(),
      at: dateOfNs(t.timestamp).toISOString(),
      code: t.code,
      codeName: transferCodeName(t.code),
      kind,
      status: kind === "pending" ? "pending" : kind === "void" ? "voided" : "posted",
      resolution: kind === "pending" ? (resolution.get(id) ?? null) : null,
      pendingId: t.pending_id !== 0n ? t.pending_id.toString() : null,
      linked: (t.flags & TransferFlags.linked) !== 0,
      debit: accounts.get(t.debit_account_id.toString()) ?? null,
      credit: accounts.get(t.credit_account_id.toString()) ?? null,
      debitAccountId: t.debit_account_id.toString(),
      creditAccountId: t.credit_account_id.toString(),
      amountFen: t.amount.toString(),
      valueDate: valueDateText(t.user_data_64),
      business: ref ? { type: ref.businessType, id: ref.businessId, href: links.get(`${ref.businessType}:${ref.businessId}`) ?? null } : null,
    } satisfies TransferView;
  });
}

/**
 * One page of every transfer of a fund's accounts (and, if asked, of the
 * loans enrolled in it), newest first, from the ledger. Filters: ledger time
 * by China day (`from`, `to`, inclusive) and transfer code. Paged by cursor:
 * `before` is the timestamp of the last row of the page before.
 */
export async function listFundTransfers(options: {
  db: Db;
  ledger: Ledger;
  fundId: string;
  includeLoans?: boolean;
  from?: string;
  to?: string;
  code?: number;
  before?: string;
  pageSize: number;
  scanMax?: number;
}): Promise<TransferPage> {
  const { db, ledger } = options;
  if (!Number.isInteger(options.pageSize) || options.pageSize < 1 || options.pageSize > 8_000) throw new RangeError("pageSize must be 1–8000");
  const fund = await loadFund(db, options.fundId);
  const accounts = await listedAccountIds(db, fund.id, options.includeLoans ?? false);
  const empty = { rows: [], nextBefore: null, accounts: accounts.ids.length, accountsTruncated: accounts.truncated };
  // In the port's filter 0 means unbounded: a bound of 0 or less is an empty range, answered here.
  let max: bigint | null = options.to ? endOfChinaDayNs(options.to) : null;
  if (options.before) {
    const before = BigInt(options.before) - 1n;
    if (before < 1n) return empty;
    if (max === null || before < max) max = before;
  }
  const min = options.from ? startOfChinaDayNs(options.from) : 0n;
  if (max !== null && (max < 1n || max < min)) return empty;
  const merged = await mergeTransfers({
    ledger,
    accountIds: accounts.ids,
    min,
    max: max ?? 0n,
    want: options.pageSize,
    accept: (t) => options.code === undefined || t.code === options.code,
    scanMax: options.scanMax ?? SCAN_MAX,
  });
  return {
    rows: await viewTransfers(db, merged.rows),
    nextBefore: merged.nextBefore?.toString() ?? null,
    accounts: accounts.ids.length,
    accountsTruncated: accounts.truncated,
  };
}

/** Every transfer the listing's filters select, for the CSV export (bounded by EXPORT_MAX_TRANSFERS). */
export async function exportFundTransfers(options: Omit<Parameters<typeof listFundTransfers>[0], "before" | "pageSize" | "scanMax">) {
  const rows: TransferView[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await listFundTransfers({ ...options, before, pageSize: 1_000, scanMax: 100_000 });
    rows.push(...page.rows);
    if (!page.nextBefore || rows.length >= EXPORT_MAX_TRANSFERS) return { rows: rows.slice(0, EXPORT_MAX_TRANSFERS), truncated: !!page.nextBefore };
    before = page.nextBefore;
  }
}

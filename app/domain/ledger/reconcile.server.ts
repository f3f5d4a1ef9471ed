import type { Db } from "~/db.server";
import { TRANSFER_CODES } from "./chart";
import type { Ledger } from "./ledger";
import { businessLinks } from "./ledger-views.server";

/**
 * The ledger reconciled against the business records (PRODUCT.md §3.8): what
 * the ledger holds — read through the port, from TigerBeetle or the embedded
 * ledger — beside what the records say, and every posting that never reached
 * the ledger. Read-only; safe to run at any time and as often as wanted (the
 * regulator's page runs it on every visit; a job may run it on a schedule).
 *
 * Postings still on their way are not differences: a loan or fund with a
 * posting PREPARED is skipped this time ("in flight"), and a posting left
 * PREPARED for longer than `staleAfterMs` is listed as "not yet posted". A
 * figure that differs is measured once more before it is reported, so a
 * repayment committed between reading the records and reading the ledger is
 * not reported as a difference.
 */

export type ReconciliationKind =
  | "loanPrincipal"
  | "loanInterest"
  | "postingFailed"
  | "postingNotPosted"
  | "accountFailed"
  | "accountNotCreated"
  | "poolCredits"
  | "poolDebitsPosted"
  | "poolDebitsPending"
  | "recoveryShare";

export type ReconciliationDifference = {
  kind: ReconciliationKind;
  /** "difference": the ledger and the records part; "notYetPosted": a posting stuck on its way. */
  severity: "difference" | "notYetPosted";
  subjectType: "loan" | "fund" | "posting" | "account" | "recovery";
  subjectId: string;
  /** The figure in the ledger, in 分 (null where the difference is not an amount). */
  ledgerFen: bigint | null;
  /** The figure in the records, in 分. */
  recordsFen: bigint | null;
  /** The ledger's refusal status, or the business record a posting belongs to. */
  detail: string | null;
  /** Where the record behind the difference is shown. */
  href: string | null;
  since: Date | null;
};

export type ReconciliationReport = {
  ranAt: Date;
  checked: { loans: number; funds: number; recoveries: number; postings: number; accounts: number };
  /** Differences first, then postings not yet posted; at most `maxListed`. */
  differences: ReconciliationDifference[];
  differenceCount: number;
  notYetPostedCount: number;
  /** Skipped this time because a posting for them is on its way to the ledger. */
  inFlight: { loans: number; funds: number; recoveries: number };
  /** More findings than listed (the counts are exact). */
  truncated: boolean;
};

/** Loans per batch: one records query and one `lookupAccounts` (two accounts each) per batch. */
const LOAN_BATCH = 500;
const RECOVERY_BATCH = 500;
const FUNDS_MAX = 1_000;
const STALE_AFTER_MS = 5 * 60_000;
const MAX_LISTED = 1_000;

type LoanMeasure = { inFlight: boolean; outstanding: bigint; interestRecords: bigint; principalLedger: bigint; interestLedger: bigint };

async function measureLoans(db: Db, ledger: Ledger, loanIds: readonly string[]): Promise<Map<string, LoanMeasure>> {
  if (loanIds.length === 0) return new Map();
  const ids = [...loanIds];
  // Postings on their way first, then the records, then the ledger: a posting committed meanwhile shows on the ledger's side only, and the second measure clears it.
  const inFlight = await db.$queryRaw<{ id: string }[]>`
    SELECT l.id::text AS id FROM loans l
     WHERE l.id = ANY(${ids}::uuid[])
       AND (EXISTS (SELECT 1 FROM ledger_transfer_refs r WHERE r."businessType" = 'loan' AND r."businessId" = l.id::text AND r.state = 'PREPARED')
         OR EXISTS (SELECT 1 FROM repayments p JOIN ledger_transfer_refs r ON r."businessType" = 'repayment' AND r."businessId" = p.id::text
                     WHERE p."loanId" = l.id AND r.state = 'PREPARED')
         OR EXISTS (SELECT 1 FROM ledger_account_refs a WHERE a."ownerType" = 'loan' AND a."ownerId" = l.id::text AND a.state = 'PREPARED'))`;
  const flying = new Set(inFlight.map((r) => r.id));
  const [loans, interest, refs] = await Promise.all([
    db.loan.findMany({ where: { id: { in: ids } }, select: { id: true, outstandingPrincipalFen: true } }),
    db.repayment.groupBy({ by: ["loanId"], where: { loanId: { in: ids } }, _sum: { interestFen: true } }),
    db.ledgerAccountRef.findMany({
      where: { ownerType: "loan", ownerId: { in: ids }, purpose: { in: ["LOAN_PRINCIPAL", "LOAN_INTEREST"] } },
      select: { accountId: true, ownerId: true, purpose: true },
    }),
  ]);
  const accounts = refs.length ? await ledger.lookupAccounts(refs.map((r) => BigInt(r.accountId))) : [];
  const accountById = new Map(accounts.map((a) => [a.id.toString(), a]));
  const interestOf = new Map(interest.map((i) => [i.loanId, i._sum.interestFen ?? 0n]));
  const out = new Map<string, LoanMeasure>();
  for (const loan of loans) {
    const principalRef = refs.find((r) => r.ownerId === loan.id && r.purpose === "LOAN_PRINCIPAL");
    const interestRef = refs.find((r) => r.ownerId === loan.id && r.purpose === "LOAN_INTEREST");
    const p = principalRef ? accountById.get(principalRef.accountId) : undefined;
    const i = interestRef ? accountById.get(interestRef.accountId) : undefined;
    out.set(loan.id, {
      inFlight: flying.has(loan.id),
      outstanding: loan.outstandingPrincipalFen,
      interestRecords: interestOf.get(loan.id) ?? 0n,
      principalLedger: p ? p.debits_posted - p.credits_posted : 0n,
      interestLedger: i ? i.credits_posted : 0n,
    });
  }
  return out;
}

type FundMeasure = {
  inFlight: boolean;
  poolCredits: bigint;
  poolDebitsPosted: bigint;
  poolDebitsPending: bigint;
  contributions: bigint;
  recoveryShares: bigint;
  approved: bigint;
  reserved: bigint;
};

async function measureFund(db: Db, ledger: Ledger, fundId: string): Promise<FundMeasure> {
  const [reserving, [prepared]] = await Promise.all([
    db.claim.count({ where: { fundId, status: "RESERVING" } }),
    db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM ledger_transfer_refs r
       WHERE r.state = 'PREPARED'
         AND ((r."businessType" = 'fund' AND r."businessId" = ${fundId})
           OR (r."businessType" IN ('fund-loan-cap', 'fund-bank-year-cap') AND r."businessId" LIKE ${`${fundId}:%`})
           OR (r."businessType" = 'contribution' AND r."businessId" IN (SELECT id::text FROM fund_contributions WHERE "fundId" = ${fundId}::uuid))
           OR (r."businessType" IN ('claim', 'claim-decision') AND r."businessId" IN (SELECT id::text FROM claims WHERE "fundId" = ${fundId}::uuid))
           OR (r."businessType" = 'recovery' AND r."businessId" IN (
                SELECT v.id::text FROM recoveries v JOIN claims c ON c.id = v."claimId" WHERE c."fundId" = ${fundId}::uuid)))`,
  ]);
  const [contributions, [shares], approved, reserved, poolRef] = await Promise.all([
    db.fundContribution.aggregate({ where: { fundId }, _sum: { amountFen: true } }),
    db.$queryRaw<{ sum: bigint | null }[]>`
      SELECT sum(v."fundShareFen")::bigint AS sum FROM recoveries v JOIN claims c ON c.id = v."claimId" WHERE c."fundId" = ${fundId}::uuid`,
    db.claim.aggregate({ where: { fundId, status: { in: ["APPROVED", "PARTIALLY_APPROVED"] } }, _sum: { approvedFen: true } }),
    db.claim.aggregate({ where: { fundId, status: "RESERVED" }, _sum: { reservedFen: true } }),
    db.ledgerAccountRef.findUnique({
      where: { ownerType_ownerId_purpose: { ownerType: "fund", ownerId: fundId, purpose: "FUND_POOL" } },
      select: { accountId: true },
    }),
  ]);
  const [pool] = poolRef ? await ledger.lookupAccounts([BigInt(poolRef.accountId)]) : [];
  return {
    inFlight: reserving > 0 || (prepared?.n ?? 0) > 0,
    poolCredits: pool?.credits_posted ?? 0n,
    poolDebitsPosted: pool?.debits_posted ?? 0n,
    poolDebitsPending: pool?.debits_pending ?? 0n,
    contributions: contributions._sum.amountFen ?? 0n,
    recoveryShares: BigInt(shares?.sum ?? 0n),
    approved: approved._sum.approvedFen ?? 0n,
    reserved: reserved._sum.reservedFen ?? 0n,
  };
}

function fundFindings(m: FundMeasure): { kind: ReconciliationKind; ledgerFen: bigint; recordsFen: bigint }[] {
  const all = [
    { kind: "poolCredits" as const, ledgerFen: m.poolCredits, recordsFen: m.contributions + m.recoveryShares },
    { kind: "poolDebitsPosted" as const, ledgerFen: m.poolDebitsPosted, recordsFen: m.approved },
    { kind: "poolDebitsPending" as const, ledgerFen: m.poolDebitsPending, recordsFen: m.reserved },
  ];
  return all.filter((f) => f.ledgerFen !== f.recordsFen);
}

/**
 * Compares the ledger with the records and returns every difference found,
 * with how much was checked:
 * - every loan (in batches of 500, one `lookupAccounts` per batch): its
 *   principal account's balance against `outstandingPrincipalFen`, its
 *   interest account's credits against the interest of its repayments;
 * - every posting (and ledger account) prepared more than 5 minutes ago and
 *   not committed: FAILED is a difference (except a claim reservation the
 *   ledger refused, which the claim records as REFUSED: the records agree),
 *   PREPARED is "not yet posted";
 * - every fund: the pool's credits against contributions plus recovery
 *   shares, its posted debits against approved claims, its pending debits
 *   against reserved claims;
 * - every recovery: its fund share against its posting in the ledger.
 */
export async function reconcileLedger(
  db: Db,
  ledger: Ledger,
  options: { now?: Date; staleAfterMs?: number; maxListed?: number } = {},
): Promise<ReconciliationReport> {
  const ranAt = options.now ?? new Date();
  const stale = new Date(ranAt.getTime() - (options.staleAfterMs ?? STALE_AFTER_MS));
  const maxListed = options.maxListed ?? MAX_LISTED;
  const differences: ReconciliationDifference[] = [];
  const notYetPosted: ReconciliationDifference[] = [];
  let differenceCount = 0;
  let notYetPostedCount = 0;
  const report = (d: Omit<ReconciliationDifference, "since" | "href" | "detail"> & Partial<ReconciliationDifference>) => {
    const full: ReconciliationDifference = { since: null, href: null, detail: null, ...d };
    if (full.severity === "difference") {
      differenceCount++;
      if (differences.length < maxListed) differences.push(full);
    } else {
      notYetPostedCount++;
      if (notYetPosted.length < maxListed) notYetPosted.push(full);
    }
  };
  const checked = { loans: 0, funds: 0, recoveries: 0, postings: 0, accounts: 0 };
  const inFlight = { loans: 0, funds: 0, recoveries: 0 };

  // ── Loans ──
  let cursor: string | undefined;
  for (;;) {
    const batch = await db.loan.findMany({
      where: cursor ? { id: { gt: cursor } } : {},
      orderBy: { id: "asc" },
      take: LOAN_BATCH,
      select: { id: true, applicationId: true },
    });
    if (batch.length === 0) break;
    cursor = batch[batch.length - 1]!.id;
    checked.loans += batch.length;
    const first = await measureLoans(db, ledger, batch.map((l) => l.id));
    const differs = (m: LoanMeasure | undefined) => !!m && !m.inFlight && (m.principalLedger !== m.outstanding || m.interestLedger !== m.interestRecords);
    const suspects = batch.filter((l) => differs(first.get(l.id))).map((l) => l.id);
    const second = await measureLoans(db, ledger, suspects);
    for (const loan of batch) {
      const m = second.get(loan.id) ?? first.get(loan.id);
      if (!m) continue;
      if (m.inFlight) {
        inFlight.loans++;
        continue;
      }
      const href = `/app/applications/${loan.applicationId}#loan`;
      if (m.principalLedger !== m.outstanding) {
        report({ kind: "loanPrincipal", severity: "difference", subjectType: "loan", subjectId: loan.id, ledgerFen: m.principalLedger, recordsFen: m.outstanding, href });
      }
      if (m.interestLedger !== m.interestRecords) {
        report({ kind: "loanInterest", severity: "difference", subjectType: "loan", subjectId: loan.id, ledgerFen: m.interestLedger, recordsFen: m.interestRecords, href });
      }
    }
  }

  // ── Postings that never reached the ledger ──
  checked.postings = await db.ledgerTransferRef.count();
  checked.accounts = await db.ledgerAccountRef.count();
  const stuck = await db.$queryRaw<
    { transferId: string; businessType: string; businessId: string; state: string; failure: string | null; createdAt: Date; amountFen: bigint }[]
  >`
    SELECT r."transferId", r."businessType", r."businessId", r.state::text AS state, r.failure, r."createdAt", r."amountFen"
      FROM ledger_transfer_refs r
     WHERE r.state IN ('PREPARED', 'FAILED') AND r."createdAt" < ${stale}
       AND NOT (r.state = 'FAILED' AND r."businessType" = 'claim'
                AND EXISTS (SELECT 1 FROM claims c WHERE c.id::text = r."businessId" AND c.status = 'REFUSED'))
     ORDER BY r.seq
     LIMIT ${2 * maxListed + 1}`;
  const stuckCounts = await db.$queryRaw<{ state: string; n: number }[]>`
    SELECT r.state::text AS state, count(*)::int AS n
      FROM ledger_transfer_refs r
     WHERE r.state IN ('PREPARED', 'FAILED') AND r."createdAt" < ${stale}
       AND NOT (r.state = 'FAILED' AND r."businessType" = 'claim'
                AND EXISTS (SELECT 1 FROM claims c WHERE c.id::text = r."businessId" AND c.status = 'REFUSED'))
     GROUP BY r.state`;
  const stuckLinks = await businessLinks(db, stuck);
  for (const p of stuck) {
    report({
      kind: p.state === "FAILED" ? "postingFailed" : "postingNotPosted",
      severity: p.state === "FAILED" ? "difference" : "notYetPosted",
      subjectType: "posting",
      subjectId: p.transferId,
      ledgerFen: p.state === "FAILED" ? 0n : null,
      recordsFen: p.amountFen,
      detail: `${p.businessType}:${p.businessId}${p.failure ? ` · ${p.failure}` : ""}`,
      href: stuckLinks.get(`${p.businessType}:${p.businessId}`) ?? null,
      since: p.createdAt,
    });
  }
  // The list is bounded; the counts are not.
  for (const c of stuckCounts) {
    const listed = stuck.filter((p) => p.state === c.state).length;
    if (c.state === "FAILED") differenceCount += c.n - listed;
    else notYetPostedCount += c.n - listed;
  }
  const stuckAccounts = await db.ledgerAccountRef.findMany({
    where: { state: { in: ["PREPARED", "FAILED"] }, createdAt: { lt: stale } },
    orderBy: { createdAt: "asc" },
    take: maxListed,
    select: { accountId: true, ownerType: true, ownerId: true, purpose: true, state: true, failure: true, createdAt: true },
  });
  for (const a of stuckAccounts) {
    report({
      kind: a.state === "FAILED" ? "accountFailed" : "accountNotCreated",
      severity: a.state === "FAILED" ? "difference" : "notYetPosted",
      subjectType: "account",
      subjectId: a.accountId,
      ledgerFen: null,
      recordsFen: null,
      detail: `${a.ownerType}:${a.ownerId} ${a.purpose}${a.failure ? ` · ${a.failure}` : ""}`,
      since: a.createdAt,
    });
  }
  if (stuckAccounts.length === maxListed) {
    const more = await db.ledgerAccountRef.groupBy({ by: ["state"], where: { state: { in: ["PREPARED", "FAILED"] }, createdAt: { lt: stale } }, _count: { _all: true } });
    for (const m of more) {
      const listed = stuckAccounts.filter((a) => a.state === m.state).length;
      if (m.state === "FAILED") differenceCount += m._count._all - listed;
      else notYetPostedCount += m._count._all - listed;
    }
  }

  // ── Funds ──
  const funds = await db.fund.findMany({ orderBy: { createdAt: "asc" }, take: FUNDS_MAX, select: { id: true } });
  for (const fund of funds) {
    checked.funds++;
    let m = await measureFund(db, ledger, fund.id);
    if (!m.inFlight && fundFindings(m).length > 0) m = await measureFund(db, ledger, fund.id);
    if (m.inFlight) {
      inFlight.funds++;
      continue;
    }
    for (const f of fundFindings(m)) {
      report({ ...f, severity: "difference", subjectType: "fund", subjectId: fund.id, href: `/app/funds/${fund.id}` });
    }
  }

  // ── Recoveries ──
  let recoveryCursor: string | undefined;
  for (;;) {
    const batch = await db.recovery.findMany({
      where: recoveryCursor ? { id: { gt: recoveryCursor } } : {},
      orderBy: { id: "asc" },
      take: RECOVERY_BATCH,
      select: { id: true, fundShareFen: true, ledgerTransferId: true, claimId: true, loan: { select: { applicationId: true } } },
    });
    if (batch.length === 0) break;
    recoveryCursor = batch[batch.length - 1]!.id;
    checked.recoveries += batch.length;
    const transferIds = batch.flatMap((r) => (r.ledgerTransferId ? [r.ledgerTransferId] : []));
    const [refs, transfers] = await Promise.all([
      transferIds.length ? db.ledgerTransferRef.findMany({ where: { transferId: { in: transferIds } }, select: { transferId: true, state: true } }) : [],
      transferIds.length ? ledger.lookupTransfers(transferIds.map((id) => BigInt(id))) : [],
    ]);
    const stateOf = new Map(refs.map((r) => [r.transferId, r.state]));
    const transferOf = new Map(transfers.map((t) => [t.id.toString(), t]));
    for (const r of batch) {
      if (r.ledgerTransferId && stateOf.get(r.ledgerTransferId) === "PREPARED") {
        inFlight.recoveries++;
        continue;
      }
      const t = r.ledgerTransferId ? transferOf.get(r.ledgerTransferId) : undefined;
      const ledgerFen = t && t.code === TRANSFER_CODES.RECOVERY_SHARE ? t.amount : 0n;
      if (ledgerFen !== r.fundShareFen) {
        report({
          kind: "recoveryShare",
          severity: "difference",
          subjectType: "recovery",
          subjectId: r.id,
          ledgerFen,
          recordsFen: r.fundShareFen,
          detail: t && t.code !== TRANSFER_CODES.RECOVERY_SHARE ? `code ${t.code}` : null,
          href: r.claimId ? `/app/claims/${r.claimId}` : `/app/applications/${r.loan.applicationId}#loan`,
        });
      }
    }
  }

  const listed = [...differences, ...notYetPosted].slice(0, maxListed);
  return {
    ranAt,
    checked,
    differences: listed,
    differenceCount,
    notYetPostedCount,
    inFlight,
    truncated: listed.length < differenceCount + notYetPostedCount,
  };
}

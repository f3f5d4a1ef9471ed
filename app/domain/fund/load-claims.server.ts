import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { assertRecordId, DomainError } from "~/domain/errors";
import { TransferFlags } from "~/domain/ledger/ledger";
import { userDisplayNames } from "~/domain/users/list-users.server";
import type { Prisma } from "~/generated/prisma/client";
import { CLAIM_VIEWS, type ClaimView } from "~/schemas/claims";
import { CLAIM_DECISION_WORKING_DAYS } from "./claims.server";
import { claimYear, compensationFen } from "./fund-rules";
import { formatCalendarDate } from "~/i18n/format";

/**
 * Read models of the fund's claims (PRODUCT.md §3.7) for the pages: the list,
 * the loans a bank may claim for, the filing page's loan and estimate, and
 * one claim with its decision, recoveries and ledger postings. A bank sees
 * its own claims and loans, the finance office every claim; anyone else is
 * forbidden, and a claim outside the actor's scope is "not found".
 */

export const CLAIM_PAGE_SIZE = 20;
/** Bounds on what one page reads: far more than any bank has at once. */
const MAX_CLAIMABLE_LOANS = 200;
const MAX_RECOVERIES = 500;
const MAX_POSTINGS = 1_000;

export type ClaimStatus = "RESERVING" | "RESERVED" | "APPROVED" | "PARTIALLY_APPROVED" | "REJECTED" | "REFUSED";
export type ClaimSide = "bank" | "office" | "auditor";
export type ClaimCommand = "approveFull" | "approvePart" | "reject" | "recover";

const OPEN: ClaimStatus[] = ["RESERVING", "RESERVED"];
const PAID: ClaimStatus[] = ["APPROVED", "PARTIALLY_APPROVED"];
/** Claims whose compensation is not yet released count against the caps (as claims.server.ts counts them). */
const COUNTING: ClaimStatus[] = ["RESERVING", "RESERVED", "APPROVED", "PARTIALLY_APPROVED"];

const VIEW_STATUSES: Record<ClaimView, ClaimStatus[] | null> = {
  awaiting: ["RESERVED"],
  decided: ["APPROVED", "PARTIALLY_APPROVED", "REJECTED"],
  refused: ["REFUSED"],
  all: null,
};

/** The finance office decides every claim; a bank files its own. */
export function claimSide(actor: Actor): ClaimSide | null {
  if (actor.permissions.has("decide:claim:any")) return "office";
  if (actor.permissions.has("file:claim:institution") && actor.institution?.kind === "BANK") return "bank";
  // Regulators read every claim behind the fund's ledger, and act on none.
  if (actor.permissions.has("read:ledger:any")) return "auditor";
  return null;
}

function claimScope(actor: Actor): { side: ClaimSide; where: Prisma.ClaimWhereInput } {
  const side = claimSide(actor);
  if (side === "office" || side === "auditor") return { side, where: {} };
  if (side === "bank") return { side, where: { institutionId: actor.institution!.id } };
  throw new DomainError("forbidden", { status: 403 });
}

function bankOf(actor: Actor): string {
  if (claimSide(actor) !== "bank") throw new DomainError("forbidden", { status: 403 });
  return actor.institution!.id;
}

/** A decision is due while the claim is undecided; past its deadline it is overdue. */
function isOverdue(status: string, decideBy: Date, now: Date): boolean {
  return (status === "RESERVING" || status === "RESERVED") && decideBy.getTime() < now.getTime();
}

function orderFor(view: ClaimView, side: ClaimSide): Prisma.ClaimOrderByWithRelationInput[] {
  // Oldest undecided first wherever a decision is still due; otherwise the latest first.
  if (view === "awaiting") return [{ decideBy: "asc" }, { id: "asc" }];
  if (view === "decided") return [{ decidedAt: "desc" }, { id: "desc" }];
  if (view === "refused") return [{ filedAt: "desc" }, { id: "desc" }];
  // The status enum sorts in its declared order: RESERVING, RESERVED, then the decided and refused.
  return side === "office" ? [{ status: "asc" }, { decideBy: "asc" }, { id: "asc" }] : [{ filedAt: "desc" }, { id: "desc" }];
}

/** One page of the actor's claims in a tab, with every tab's count. */
export async function listClaims(options: { actor: Actor; view: ClaimView; page: number; pageSize?: number; now?: Date }) {
  const { side, where: scope } = claimScope(options.actor);
  const now = options.now ?? new Date();
  const pageSize = Math.min(Math.max(options.pageSize ?? CLAIM_PAGE_SIZE, 1), 100);
  const statuses = VIEW_STATUSES[options.view];
  const where: Prisma.ClaimWhereInput = { AND: [scope, statuses ? { status: { in: statuses } } : {}] };
  const [total, rows, byStatus] = await Promise.all([
    prisma.claim.count({ where }),
    prisma.claim.findMany({
      where,
      orderBy: orderFor(options.view, side),
      skip: (options.page - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        status: true,
        lossFen: true,
        reservedFen: true,
        approvedFen: true,
        refusal: true,
        filedAt: true,
        decideBy: true,
        decidedAt: true,
        institution: { select: { nameZh: true, nameEn: true } },
        loan: { select: { id: true, principalFen: true, enterprise: { select: { name: true } } } },
      },
    }),
    prisma.claim.groupBy({ by: ["status"], where: scope, _count: { _all: true } }),
  ]);
  const counts = Object.fromEntries(CLAIM_VIEWS.map((v) => [v, 0])) as Record<ClaimView, number>;
  for (const g of byStatus) {
    for (const view of CLAIM_VIEWS) {
      const s = VIEW_STATUSES[view];
      if (!s || s.includes(g.status as ClaimStatus)) counts[view] += g._count._all;
    }
  }
  const overdue = await prisma.claim.count({ where: { AND: [scope, { status: { in: OPEN }, decideBy: { lt: now } }] } });
  return {
    side,
    total,
    page: options.page,
    pageSize,
    counts,
    overdue,
    items: rows.map((r) => ({
      id: r.id,
      status: r.status as ClaimStatus,
      enterpriseName: r.loan.enterprise.name,
      bankNameZh: r.institution.nameZh,
      bankNameEn: r.institution.nameEn,
      principalFen: r.loan.principalFen.toString(),
      lossFen: r.lossFen.toString(),
      reservedFen: r.reservedFen.toString(),
      approvedFen: r.approvedFen?.toString() ?? null,
      refusal: r.refusal,
      filedAt: r.filedAt.toISOString(),
      decideBy: r.decideBy.toISOString(),
      decidedAt: r.decidedAt?.toISOString() ?? null,
      overdue: isOverdue(r.status, r.decideBy, now),
    })),
  };
}

/** A bank's defaulted loans enrolled in a fund with no claim open on them: what it may claim for now. */
export async function listClaimableLoans(options: { actor: Actor }) {
  const institutionId = bankOf(options.actor);
  const loans = await prisma.loan.findMany({
    where: { institutionId, status: "DEFAULTED", fundId: { not: null }, fundRuleVersionId: { not: null }, claims: { none: { status: { in: OPEN } } } },
    orderBy: [{ defaultedAt: "asc" }, { id: "asc" }],
    take: MAX_CLAIMABLE_LOANS,
    select: {
      id: true,
      principalFen: true,
      outstandingPrincipalFen: true,
      daysPastDue: true,
      defaultedAt: true,
      enterprise: { select: { name: true } },
      fund: { select: { nameZh: true, nameEn: true } },
      claims: { where: { status: { in: PAID } }, select: { approvedFen: true } },
    },
  });
  return loans.map((l) => ({
    id: l.id,
    enterpriseName: l.enterprise.name,
    principalFen: l.principalFen.toString(),
    outstandingFen: l.outstandingPrincipalFen.toString(),
    daysPastDue: l.daysPastDue,
    defaultedAt: l.defaultedAt?.toISOString() ?? null,
    fundNameZh: l.fund?.nameZh ?? "",
    fundNameEn: l.fund?.nameEn ?? "",
    compensatedFen: l.claims.reduce((s, c) => s + (c.approvedFen ?? 0n), 0n).toString(),
  }));
}

/** Why a loan cannot be claimed for right now, as the filing would refuse it. */
export type ClaimBlocker = "notEnrolled" | "notDefaulted" | "claimOpen" | "fundClosed" | "bankSuspended" | "noRoom";

/** What a claim's pages show of its loan, and the rules it was disbursed under. */
const CLAIM_LOAN_FACTS = {
  id: true,
  applicationId: true,
  principalFen: true,
  outstandingPrincipalFen: true,
  daysPastDue: true,
  defaultedAt: true,
  disbursedOn: true,
  status: true,
  enterprise: { select: { name: true } },
  fundRule: { select: { version: true, compensationRatioBps: true, capPerLoanFen: true, capPerBankYearFen: true, effectiveFrom: true } },
} as const;

/**
 * The filing page: one of the bank's loans, the fund and rules version it was
 * disbursed under, the room left under the loan's and the bank's yearly cap
 * (as the records see it: the ledger has the last word), and what would stop
 * a claim now.
 */
export async function loadClaimableLoan(options: { actor: Actor; loanId: string; now?: Date }) {
  const institutionId = bankOf(options.actor);
  assertRecordId(options.loanId);
  const now = options.now ?? new Date();
  const loan = await prisma.loan.findFirst({
    where: { id: options.loanId, institutionId },
    select: {
      ...CLAIM_LOAN_FACTS,
      fund: { select: { id: true, nameZh: true, nameEn: true, status: true, validFrom: true, validTo: true } },
    },
  });
  if (!loan) throw new DomainError("notFound", { status: 404 });
  const year = claimYear(now);
  const openClaim = await prisma.claim.findFirst({ where: { loanId: loan.id, status: { in: OPEN } }, select: { id: true } });
  let rooms: { loanRoomFen: bigint; bankYearRoomFen: bigint } | null = null;
  let suspended = false;
  if (loan.fund && loan.fundRule) {
    const used = async (where: Prisma.ClaimWhereInput) => {
      const rows = await prisma.claim.findMany({
        where: { fundId: loan.fund!.id, status: { in: COUNTING }, ...where },
        select: { reservedFen: true, approvedFen: true },
      });
      return rows.reduce((s, r) => s + (r.approvedFen ?? r.reservedFen), 0n);
    };
    const [loanUsed, bankYearUsed, suspensions] = await Promise.all([
      used({ loanId: loan.id }),
      used({ institutionId, year }),
      prisma.fundBankSuspension.count({ where: { fundId: loan.fund.id, institutionId, reinstatedAt: null } }),
    ]);
    rooms = { loanRoomFen: loan.fundRule.capPerLoanFen - loanUsed, bankYearRoomFen: loan.fundRule.capPerBankYearFen - bankYearUsed };
    suspended = suspensions > 0;
  }
  const estimate =
    rooms && loan.fundRule && loan.outstandingPrincipalFen > 0n
      ? compensationFen({ lossFen: loan.outstandingPrincipalFen, ratioBps: loan.fundRule.compensationRatioBps, ...rooms })
      : 0n;
  const blocker: ClaimBlocker | null =
    !loan.fund || !loan.fundRule
      ? "notEnrolled"
      : loan.status !== "DEFAULTED"
        ? "notDefaulted"
        : openClaim
          ? "claimOpen"
          : loan.fund.status !== "ACTIVE"
            ? "fundClosed"
            : suspended
              ? "bankSuspended"
              : estimate <= 0n
                ? "noRoom"
                : null;
  return {
    loan: {
      id: loan.id,
      applicationId: loan.applicationId,
      enterpriseName: loan.enterprise.name,
      principalFen: loan.principalFen.toString(),
      outstandingFen: loan.outstandingPrincipalFen.toString(),
      daysPastDue: loan.daysPastDue,
      defaultedAt: loan.defaultedAt?.toISOString() ?? null,
      disbursedOn: formatCalendarDate(loan.disbursedOn),
      status: loan.status,
    },
    fund: loan.fund
      ? {
          id: loan.fund.id,
          nameZh: loan.fund.nameZh,
          nameEn: loan.fund.nameEn,
          status: loan.fund.status,
          validFrom: formatCalendarDate(loan.fund.validFrom),
          validTo: formatCalendarDate(loan.fund.validTo),
        }
      : null,
    rule: loan.fundRule
      ? {
          version: loan.fundRule.version,
          ratioBps: loan.fundRule.compensationRatioBps,
          capPerLoanFen: loan.fundRule.capPerLoanFen.toString(),
          capPerBankYearFen: loan.fundRule.capPerBankYearFen.toString(),
          effectiveFrom: loan.fundRule.effectiveFrom.toISOString(),
        }
      : null,
    year,
    loanRoomFen: rooms ? (rooms.loanRoomFen < 0n ? 0n : rooms.loanRoomFen).toString() : "0",
    bankYearRoomFen: rooms ? (rooms.bankYearRoomFen < 0n ? 0n : rooms.bankYearRoomFen).toString() : "0",
    estimateFen: estimate.toString(),
    openClaimId: openClaim?.id ?? null,
    blocker,
    decisionWorkingDays: CLAIM_DECISION_WORKING_DAYS,
  };
}

/** The claim open on one of the bank's loans, if any (where a repeated filing lands). */
export async function findOpenClaimId(options: { actor: Actor; loanId: string }): Promise<string | null> {
  const institutionId = bankOf(options.actor);
  assertRecordId(options.loanId);
  const open = await prisma.claim.findFirst({ where: { loanId: options.loanId, institutionId, status: { in: OPEN } }, select: { id: true } });
  return open?.id ?? null;
}

export type PostingStage = "reservation" | "settlement" | "recovery";
export type PostingState = "PREPARED" | "COMMITTED" | "FAILED";

/** All committed, any refused, or still on the way to the ledger. */
function stageState(states: string[]): PostingState | null {
  if (states.length === 0) return null;
  if (states.some((s) => s === "FAILED")) return "FAILED";
  if (states.every((s) => s === "COMMITTED")) return "COMMITTED";
  return "PREPARED";
}

/**
 * One claim as its page shows it: amounts, the rules applied, evidence and
 * recovery actions, the deadline, who filed and decided it and why, the loan's
 * recoveries and what was shared back of what the fund paid, the ledger state
 * of every posting, and the commands the actor's side may run now.
 */
export async function loadClaim(options: { actor: Actor; claimId: string; now?: Date }) {
  const { side, where: scope } = claimScope(options.actor);
  assertRecordId(options.claimId);
  const now = options.now ?? new Date();
  const claim = await prisma.claim.findFirst({
    where: { AND: [scope, { id: options.claimId }] },
    select: {
      id: true,
      status: true,
      lossFen: true,
      reservedFen: true,
      approvedFen: true,
      year: true,
      refusal: true,
      evidence: true,
      recoveryActions: true,
      decisionReason: true,
      filedById: true,
      decidedById: true,
      filedAt: true,
      decideBy: true,
      decidedAt: true,
      institution: { select: { id: true, nameZh: true, nameEn: true } },
      fund: { select: { id: true, nameZh: true, nameEn: true, status: true } },
      loan: { select: CLAIM_LOAN_FACTS },
    },
  });
  if (!claim) throw new DomainError("notFound", { status: 404 });
  const loanId = claim.loan.id;
  const [paidClaims, recoveries] = await Promise.all([
    prisma.claim.findMany({ where: { loanId, status: { in: PAID } }, select: { approvedFen: true } }),
    prisma.recovery.findMany({
      where: { loanId },
      orderBy: [{ receivedOn: "asc" }, { createdAt: "asc" }],
      take: MAX_RECOVERIES,
      select: { id: true, claimId: true, amountFen: true, fundShareFen: true, receivedOn: true, recordedById: true, createdAt: true },
    }),
  ]);
  const refs = await prisma.ledgerTransferRef.findMany({
    where: {
      OR: [
        { businessType: { in: ["claim", "claim-decision"] }, businessId: claim.id },
        ...(recoveries.length ? [{ businessType: "recovery", businessId: { in: recoveries.map((r) => r.id) } }] : []),
      ],
    },
    orderBy: { seq: "asc" },
    take: MAX_POSTINGS,
    select: {
      transferId: true,
      businessType: true,
      businessId: true,
      code: true,
      amountFen: true,
      payload: true,
      state: true,
      failure: true,
      committedAt: true,
    },
  });
  // A post or void carries code 0 in its own record: it takes its pending transfer's code.
  const codeOf = new Map(refs.map((r) => [r.transferId, r.code]));
  const postings = refs.map((r) => {
    const payload = (r.payload ?? {}) as Record<string, string | number>;
    const flags = Number(payload.flags ?? 0);
    const pendingId = payload.pending_id !== undefined ? String(payload.pending_id) : null;
    const stage: PostingStage = r.businessType === "claim" ? "reservation" : r.businessType === "claim-decision" ? "settlement" : "recovery";
    const kind =
      flags & TransferFlags.post_pending_transfer
        ? "post"
        : flags & TransferFlags.void_pending_transfer
          ? "void"
          : flags & TransferFlags.pending
            ? "pending"
            : "transfer";
    return {
      transferId: r.transferId,
      stage,
      businessId: r.businessId,
      code: r.code === 0 && pendingId ? (codeOf.get(pendingId) ?? 0) : r.code,
      kind: kind as "post" | "void" | "pending" | "transfer",
      amountFen: r.amountFen.toString(),
      state: r.state as PostingState,
      failure: r.failure,
      committedAt: r.committedAt?.toISOString() ?? null,
    };
  });
  const ofStage = (stage: PostingStage) => postings.filter((p) => p.stage === stage).map((p) => p.state);
  const recoveryState = new Map<string, PostingState | null>(
    recoveries.map((r) => [r.id, stageState(postings.filter((p) => p.stage === "recovery" && p.businessId === r.id).map((p) => p.state))]),
  );
  const names = await userDisplayNames([claim.filedById, ...(claim.decidedById ? [claim.decidedById] : []), ...recoveries.map((r) => r.recordedById)]);
  const paidFen = paidClaims.reduce((s, c) => s + (c.approvedFen ?? 0n), 0n);
  const sharedFen = recoveries.reduce((s, r) => s + r.fundShareFen, 0n);
  const recoveredFen = recoveries.reduce((s, r) => s + r.amountFen, 0n);
  const status = claim.status as ClaimStatus;
  const commands: ClaimCommand[] =
    side === "office" && status === "RESERVED" ? ["approveFull", "approvePart", "reject"] : side === "bank" && PAID.includes(status) ? ["recover"] : [];
  const evidence = Array.isArray(claim.evidence) ? claim.evidence.filter((e): e is string => typeof e === "string") : [];
  const rule = claim.loan.fundRule;
  const reservationCommittedAt = postings
    .filter((p) => p.stage === "reservation")
    .map((p) => p.committedAt)
    .filter((c): c is string => c !== null)
    .sort()
    .at(-1);
  return {
    side,
    commands,
    claim: {
      id: claim.id,
      status,
      lossFen: claim.lossFen.toString(),
      reservedFen: claim.reservedFen.toString(),
      approvedFen: claim.approvedFen?.toString() ?? null,
      /** What the decision gave back to the fund of what was reserved. */
      releasedFen: claim.decidedAt ? (claim.reservedFen - (claim.approvedFen ?? 0n)).toString() : null,
      year: claim.year,
      refusal: claim.refusal,
      evidence,
      recoveryActions: claim.recoveryActions,
      decisionReason: claim.decisionReason,
      filedAt: claim.filedAt.toISOString(),
      filedBy: names.get(claim.filedById) ?? null,
      decideBy: claim.decideBy.toISOString(),
      decidedAt: claim.decidedAt?.toISOString() ?? null,
      decidedBy: claim.decidedById ? (names.get(claim.decidedById) ?? null) : null,
      reservationSettledAt: reservationCommittedAt ?? null,
      overdue: isOverdue(status, claim.decideBy, now),
      decidedLate: claim.decidedAt ? claim.decidedAt.getTime() > claim.decideBy.getTime() : false,
      decisionWorkingDays: CLAIM_DECISION_WORKING_DAYS,
    },
    bank: { id: claim.institution.id, nameZh: claim.institution.nameZh, nameEn: claim.institution.nameEn },
    fund: { id: claim.fund.id, nameZh: claim.fund.nameZh, nameEn: claim.fund.nameEn, status: claim.fund.status },
    rule: rule
      ? {
          version: rule.version,
          ratioBps: rule.compensationRatioBps,
          capPerLoanFen: rule.capPerLoanFen.toString(),
          capPerBankYearFen: rule.capPerBankYearFen.toString(),
          effectiveFrom: rule.effectiveFrom.toISOString(),
        }
      : null,
    loan: {
      id: claim.loan.id,
      applicationId: claim.loan.applicationId,
      enterpriseName: claim.loan.enterprise.name,
      principalFen: claim.loan.principalFen.toString(),
      outstandingFen: claim.loan.outstandingPrincipalFen.toString(),
      daysPastDue: claim.loan.daysPastDue,
      defaultedAt: claim.loan.defaultedAt?.toISOString() ?? null,
      disbursedOn: formatCalendarDate(claim.loan.disbursedOn),
      status: claim.loan.status,
    },
    /** For the loan, across its claims: what the fund paid, what was recovered, and what was shared back. */
    sharing: {
      paidFen: paidFen.toString(),
      recoveredFen: recoveredFen.toString(),
      sharedFen: sharedFen.toString(),
      recoverableFen: (paidFen - sharedFen < 0n ? 0n : paidFen - sharedFen).toString(),
    },
    recoveries: recoveries.map((r) => ({
      id: r.id,
      forThisClaim: r.claimId === claim.id,
      receivedOn: formatCalendarDate(r.receivedOn),
      amountFen: r.amountFen.toString(),
      fundShareFen: r.fundShareFen.toString(),
      recordedBy: names.get(r.recordedById) ?? null,
      recordedAt: r.createdAt.toISOString(),
      posting: recoveryState.get(r.id) ?? null,
    })),
    ledger: {
      reservation: stageState(ofStage("reservation")),
      settlement: stageState(ofStage("settlement")),
      recoveries: stageState(ofStage("recovery")),
      postings,
    },
  };
}
export type ClaimDetail = Awaited<ReturnType<typeof loadClaim>>;
export type ClaimableLoan = Awaited<ReturnType<typeof loadClaimableLoan>>;

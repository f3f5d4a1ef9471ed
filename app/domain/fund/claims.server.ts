import { isUniqueViolation, prisma, type Db } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { loadResponseDeadline } from "~/domain/calendar/calendar.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { assertRecordId, DomainError } from "~/domain/errors";
import {
  fundAccounts,
  fundBankAccount,
  fundBankYearCapAccount,
  fundLoanCapAccount,
  fundLoanRecoverableAccount,
  LEDGER_CNY,
  TRANSFER_CODES,
  valueDate,
} from "~/domain/ledger/chart";
import { TransferFlags } from "~/domain/ledger/ledger";
import { getLedger } from "~/domain/ledger/ledger.server";
import { uuidToU128 } from "~/domain/ledger/postgres-ledger.server";
import { postNow, prepareAccounts, preparePostings, type Posting } from "~/domain/ledger/postings.server";
import { formatMoneyFen } from "~/i18n/format";
import { claimYear, compensationFen, recoveryShareFen } from "./fund-rules";
import { calendarDay } from "~/domain/needs/need-rules";

/** Working days the finance office has to decide a claim. */
export const CLAIM_DECISION_WORKING_DAYS = 20;
/** Claims whose compensation is not yet settled count against the caps. */
const COUNTING: ("RESERVING" | "RESERVED" | "APPROVED" | "PARTIALLY_APPROVED")[] = ["RESERVING", "RESERVED", "APPROVED", "PARTIALLY_APPROVED"];

/** Serialises the one-time grant of a bank's yearly cap. */
function bankYearLockKey(fundId: string, institutionId: string, year: number): string {
  return `fund-bank-year:${fundId}:${institutionId}:${year}`;
}

/** The ledger's refusal of a reservation chain, as the cap or balance that had no room. */
function refusalOf(states: { state: string; failure: string | null }[]): string {
  const index = states.findIndex((s) => s.state === "FAILED" && s.failure !== "linked_event_failed");
  return ["fund.poolInsufficient", "fund.loanCapReached", "fund.bankYearCapReached"][index] ?? `ledger.${states.find((s) => s.failure)?.failure ?? "refused"}`;
}

/**
 * Moves claims whose reservation the ledger has answered to RESERVED or
 * REFUSED. Run after every submission: by the filing request itself, and by
 * the worker for a request that died before it could.
 */
export async function settleClaimReservations(db: Db): Promise<{ reserved: number; refused: number }> {
  const waiting = await db.claim.findMany({ where: { status: "RESERVING" }, select: { id: true }, take: 1_000 });
  let reserved = 0;
  let refused = 0;
  for (const { id } of waiting) {
    const states = await db.ledgerTransferRef.findMany({
      where: { businessType: "claim", businessId: id },
      orderBy: { seq: "asc" },
      select: { state: true, failure: true },
    });
    if (states.length === 0 || states.some((s) => s.state === "PREPARED")) continue;
    const ok = states.every((s) => s.state === "COMMITTED");
    const moved = await db.claim.updateMany({
      where: { id, status: "RESERVING" },
      data: ok ? { status: "RESERVED" } : { status: "REFUSED", refusal: refusalOf(states) },
    });
    if (moved.count === 1) {
      if (ok) reserved++;
      else refused++;
    }
  }
  return { reserved, refused };
}

export type FileClaimInput = { lossFen: bigint; recoveryActions: string; evidence: string[] };

/**
 * A bank claims compensation for a defaulted loan enrolled in the fund. The
 * compensation — the rules' ratio of the loss, limited by the loan's cap and
 * the bank's yearly cap under the rules the loan was disbursed under — is
 * reserved at once: three pending ledger transfers linked so they stand or
 * fall together (the fund's money, the loan's cap, the bank's yearly cap),
 * each account refusing to go below zero. However many claims race, the
 * ledger reserves only what fits; a claim it refuses ends REFUSED, nothing held.
 */
export async function fileClaim(options: { actor: Actor; loanId: string; input: FileClaimInput; ip: string | null; now?: Date }) {
  const { actor, input } = options;
  assertCan(actor, "file:claim:institution");
  const institutionId = actor.institution?.kind === "BANK" ? actor.institution.id : null;
  if (!institutionId) throw new DomainError("forbidden", { status: 403 });
  assertRecordId(options.loanId);
  if (input.lossFen <= 0n) throw new DomainError("fund.lossNotPositive", { status: 422 });
  const now = options.now ?? new Date();
  const year = claimYear(now);
  const decideBy = await loadResponseDeadline(prisma, now, CLAIM_DECISION_WORKING_DAYS);
  const claimId = crypto.randomUUID();

  try {
    await prisma.$transaction(
      async (tx) => {
        const [loan] = await tx.$queryRaw<
          { id: string; institutionId: string; status: string; fundId: string | null; fundRuleVersionId: string | null; outstandingPrincipalFen: bigint }[]
        >`
          SELECT id::text, "institutionId"::text, status::text, "fundId"::text, "fundRuleVersionId"::text, "outstandingPrincipalFen"
            FROM loans WHERE id = ${options.loanId}::uuid FOR UPDATE`;
        if (!loan || loan.institutionId !== institutionId) throw new DomainError("notFound", { status: 404 });
        if (!loan.fundId || !loan.fundRuleVersionId) throw new DomainError("fund.loanNotEnrolled", { status: 409 });
        if (loan.status !== "DEFAULTED") throw new DomainError("fund.loanNotDefaulted", { status: 409 });
        if (input.lossFen > loan.outstandingPrincipalFen) {
          throw new DomainError("fund.lossBeyondOutstanding", {
            status: 422,
            params: { outstandingFen: loan.outstandingPrincipalFen.toString(), outstanding: formatMoneyFen(loan.outstandingPrincipalFen, "en") },
          });
        }
        const fund = await tx.fund.findUniqueOrThrow({ where: { id: loan.fundId }, select: { id: true, status: true } });
        if (fund.status !== "ACTIVE") throw new DomainError("fund.closed", { status: 409 });
        const suspended = await tx.fundBankSuspension.count({ where: { fundId: fund.id, institutionId, reinstatedAt: null } });
        if (suspended > 0) throw new DomainError("fund.bankSuspended", { status: 409 });
        const rule = await tx.fundRuleVersion.findUniqueOrThrow({ where: { id: loan.fundRuleVersionId } });

        // Room under each cap as the records see it; the ledger has the last word.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${bankYearLockKey(fund.id, institutionId, year)}))`;
        const used = (where: object) =>
          tx.claim.findMany({ where: { fundId: fund.id, status: { in: COUNTING }, ...where }, select: { reservedFen: true, approvedFen: true } });
        const sum = (rows: { reservedFen: bigint; approvedFen: bigint | null }[]) => rows.reduce((s, r) => s + (r.approvedFen ?? r.reservedFen), 0n);
        const loanUsed = sum(await used({ loanId: loan.id }));
        const bankYearUsed = sum(await used({ institutionId, year }));
        const amount = compensationFen({
          lossFen: input.lossFen,
          ratioBps: rule.compensationRatioBps,
          loanRoomFen: rule.capPerLoanFen - loanUsed,
          bankYearRoomFen: rule.capPerBankYearFen - bankYearUsed,
        });
        if (amount <= 0n) throw new DomainError("fund.noRoom", { status: 409 });

        const [, , pool, quota, capUsed, bankAccount, loanCap, bankYearCap] = await prepareAccounts(tx, [
          ...fundAccounts(fund.id),
          fundBankAccount(fund.id, institutionId),
          fundLoanCapAccount(fund.id, loan.id),
          fundBankYearCapAccount(fund.id, institutionId, year),
        ]);
        const common = { ledger: LEDGER_CNY, user_data_64: valueDate(platformToday(now)) };
        // Each cap is granted once, as a balance the claims then draw on: the loan's under its lock, the bank's year under the advisory lock.
        const grants: Posting[] = [];
        if ((await tx.ledgerTransferRef.count({ where: { businessType: "fund-loan-cap", businessId: `${fund.id}:${loan.id}` } })) === 0) {
          grants.push({
            businessType: "fund-loan-cap",
            businessId: `${fund.id}:${loan.id}`,
            transfer: {
              ...common,
              debit_account_id: quota!,
              credit_account_id: loanCap!,
              amount: rule.capPerLoanFen,
              code: TRANSFER_CODES.LOAN_CAP_GRANT,
              user_data_128: uuidToU128(loan.id),
            },
          });
        }
        const yearKey = `${fund.id}:${institutionId}:${year}`;
        if ((await tx.ledgerTransferRef.count({ where: { businessType: "fund-bank-year-cap", businessId: yearKey } })) === 0) {
          grants.push({
            businessType: "fund-bank-year-cap",
            businessId: yearKey,
            transfer: {
              ...common,
              debit_account_id: quota!,
              credit_account_id: bankYearCap!,
              amount: rule.capPerBankYearFen,
              code: TRANSFER_CODES.BANK_YEAR_CAP_GRANT,
              user_data_128: uuidToU128(institutionId),
              user_data_32: year,
            },
          });
        }
        await preparePostings(tx, grants);
        const reservation = { ...common, user_data_128: uuidToU128(claimId), flags: TransferFlags.pending | TransferFlags.linked };
        const [reservationId] = await preparePostings(tx, [
          {
            businessType: "claim",
            businessId: claimId,
            transfer: { ...reservation, debit_account_id: pool!, credit_account_id: bankAccount!, amount, code: TRANSFER_CODES.CLAIM_COMPENSATION },
          },
          {
            businessType: "claim",
            businessId: claimId,
            transfer: { ...reservation, debit_account_id: loanCap!, credit_account_id: capUsed!, amount, code: TRANSFER_CODES.CLAIM_LOAN_CAP },
          },
          {
            businessType: "claim",
            businessId: claimId,
            transfer: {
              ...reservation,
              flags: TransferFlags.pending,
              debit_account_id: bankYearCap!,
              credit_account_id: capUsed!,
              amount,
              code: TRANSFER_CODES.CLAIM_BANK_YEAR_CAP,
            },
          },
        ]);
        await tx.claim.create({
          data: {
            id: claimId,
            fundId: fund.id,
            loanId: loan.id,
            institutionId,
            lossFen: input.lossFen,
            reservedFen: amount,
            year,
            evidence: input.evidence,
            recoveryActions: input.recoveryActions,
            filedById: actor.userId,
            filedAt: now,
            decideBy,
            reservationTransferId: reservationId!.toString(),
          },
        });
        await appendAudit(tx, {
          actorUserId: actor.userId,
          actorInstitutionId: institutionId,
          action: "claim.filed",
          entityType: "claim",
          entityId: claimId,
          summary: { loanId: loan.id, fundId: fund.id, lossFen: input.lossFen.toString(), reservedFen: amount.toString(), ruleVersion: rule.version, year },
          ip: options.ip,
        });
      },
      // Claims of one bank and year queue on its lock: wait for a connection and the lock rather than fail.
      { maxWait: 60_000, timeout: 60_000 },
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError("fund.claimOpen", { status: 409 });
    throw error;
  }
  await postNow(prisma, await getLedger(), "claim", claimId);
  await settleClaimReservations(prisma);
  return prisma.claim.findUniqueOrThrow({ where: { id: claimId }, select: { id: true, status: true, reservedFen: true, refusal: true, decideBy: true } });
}

/**
 * The finance office decides a reserved claim: approve it in full or in part
 * (the three pending transfers posted for the approved amount, which releases
 * the rest of each, linked with the grant of what the bank may later share
 * back from recoveries), or reject it with a reason (all three voided).
 * Decided once: the claim's lock and status make a second decision illegal.
 */
export async function decideClaim(options: {
  actor: Actor;
  claimId: string;
  decision: { kind: "approve"; approvedFen?: bigint; reason?: string } | { kind: "reject"; reason: string };
  ip: string | null;
  now?: Date;
}) {
  const { actor, decision } = options;
  assertCan(actor, "decide:claim:any");
  assertRecordId(options.claimId);
  const now = options.now ?? new Date();
  await prisma.$transaction(async (tx) => {
    const [claim] = await tx.$queryRaw<{ id: string; fundId: string; loanId: string; status: string; reservedFen: bigint }[]>`
      SELECT id::text, "fundId"::text, "loanId"::text, status::text, "reservedFen" FROM claims WHERE id = ${options.claimId}::uuid FOR UPDATE`;
    if (!claim) throw new DomainError("notFound", { status: 404 });
    if (claim.status !== "RESERVED") throw new DomainError("fund.claimNotReserved", { status: 409, params: { status: claim.status } });
    if (decision.kind === "reject" && !decision.reason.trim()) throw new DomainError("fund.reasonRequired", { status: 422 });
    const approved = decision.kind === "approve" ? (decision.approvedFen ?? claim.reservedFen) : 0n;
    if (decision.kind === "approve" && (approved <= 0n || approved > claim.reservedFen)) {
      throw new DomainError("fund.approvedOutOfRange", {
        status: 422,
        params: { maxFen: claim.reservedFen.toString(), max: formatMoneyFen(claim.reservedFen, "en") },
      });
    }
    const pendings = await tx.ledgerTransferRef.findMany({
      where: { businessType: "claim", businessId: claim.id },
      orderBy: { seq: "asc" },
      select: { transferId: true },
    });
    const common = { ledger: LEDGER_CNY, user_data_128: uuidToU128(claim.id), user_data_64: valueDate(platformToday(now)) };
    const resolutions: Posting[] = pendings.map((p, i) => ({
      businessType: "claim-decision",
      businessId: claim.id,
      transfer: {
        ...common,
        pending_id: BigInt(p.transferId),
        // Code 0: a post or void carries its pending transfer's code.
        code: 0,
        amount: decision.kind === "approve" ? approved : 0n,
        flags:
          (decision.kind === "approve" ? TransferFlags.post_pending_transfer : TransferFlags.void_pending_transfer) |
          (i < pendings.length - 1 || decision.kind === "approve" ? TransferFlags.linked : 0),
      },
    }));
    if (decision.kind === "approve") {
      const [, , , quota, , recoverable] = await prepareAccounts(tx, [...fundAccounts(claim.fundId), fundLoanRecoverableAccount(claim.fundId, claim.loanId)]);
      resolutions.push({
        businessType: "claim-decision",
        businessId: claim.id,
        transfer: { ...common, debit_account_id: quota!, credit_account_id: recoverable!, amount: approved, code: TRANSFER_CODES.CLAIM_RECOVERABLE },
      });
    }
    const [settlementId] = await preparePostings(tx, resolutions);
    const status = decision.kind === "reject" ? "REJECTED" : approved === claim.reservedFen ? "APPROVED" : "PARTIALLY_APPROVED";
    await tx.claim.update({
      where: { id: claim.id },
      data: {
        status,
        approvedFen: approved,
        decisionReason: decision.reason?.trim() || null,
        decidedById: actor.userId,
        decidedAt: now,
        settlementTransferId: settlementId!.toString(),
      },
    });
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorInstitutionId: actor.institution?.id,
      action: decision.kind === "reject" ? "claim.rejected" : "claim.approved",
      entityType: "claim",
      entityId: claim.id,
      summary: { from: claim.status, to: status, reservedFen: claim.reservedFen.toString(), approvedFen: approved.toString(), reason: decision.reason ?? null },
      ip: options.ip,
    });
  });
  await postNow(prisma, await getLedger(), "claim-decision", options.claimId);
  return prisma.claim.findUniqueOrThrow({ where: { id: options.claimId }, select: { id: true, status: true, reservedFen: true, approvedFen: true } });
}

/**
 * The bank reports money it recovered from the borrower after compensation:
 * the fund's share — in proportion to what it paid of the loss, never more
 * than it paid for the loan less what was shared before — flows back, linked
 * with the loan's recoverable amount, which the ledger never lets go below
 * zero. Once per idempotency key.
 */
export async function recordRecovery(options: {
  actor: Actor;
  loanId: string;
  input: { amountFen: bigint; receivedOn: string };
  idempotencyKey: string;
  ip: string | null;
  now?: Date;
}) {
  const { actor, input } = options;
  assertCan(actor, "file:claim:institution");
  const institutionId = actor.institution?.kind === "BANK" ? actor.institution.id : null;
  if (!institutionId) throw new DomainError("forbidden", { status: 403 });
  assertRecordId(options.loanId);
  if (input.amountFen <= 0n) throw new DomainError("fund.amountNotPositive", { status: 422 });
  const key = `${options.loanId}:${institutionId}:${options.idempotencyKey}`;
  const previous = await prisma.recovery.findUnique({ where: { idempotencyKey: key }, select: { id: true, amountFen: true, fundShareFen: true } });
  if (previous) {
    if (previous.amountFen !== input.amountFen) throw new DomainError("fund.recoveryKeyReused", { status: 409 });
    return { recoveryId: previous.id, fundShareFen: previous.fundShareFen, replayed: true };
  }
  const recoveryId = crypto.randomUUID();
  const share = await prisma.$transaction(async (tx) => {
    const [loan] = await tx.$queryRaw<{ id: string; institutionId: string; fundId: string | null }[]>`
      SELECT id::text, "institutionId"::text, "fundId"::text FROM loans WHERE id = ${options.loanId}::uuid FOR UPDATE`;
    if (!loan || loan.institutionId !== institutionId) throw new DomainError("notFound", { status: 404 });
    const claims = await tx.claim.findMany({
      where: { loanId: loan.id, status: { in: ["APPROVED", "PARTIALLY_APPROVED"] } },
      orderBy: { decidedAt: "desc" },
      select: { id: true, fundId: true, lossFen: true, approvedFen: true },
    });
    const paid = claims.reduce((s, c) => s + (c.approvedFen ?? 0n), 0n);
    const loss = claims.reduce((s, c) => s + c.lossFen, 0n);
    const shared = (await tx.recovery.aggregate({ where: { loanId: loan.id }, _sum: { fundShareFen: true } }))._sum.fundShareFen ?? 0n;
    const fundShare =
      claims.length === 0 ? 0n : recoveryShareFen({ recoveredFen: input.amountFen, paidFen: paid, lossFen: loss, recoverableFen: paid - shared });
    let transferId: bigint | undefined;
    if (fundShare > 0n) {
      const fundId = claims[0]!.fundId;
      const [, , pool, quota, , bankAccount, recoverable] = await prepareAccounts(tx, [
        ...fundAccounts(fundId),
        fundBankAccount(fundId, institutionId),
        fundLoanRecoverableAccount(fundId, loan.id),
      ]);
      const common = { ledger: LEDGER_CNY, user_data_128: uuidToU128(recoveryId), user_data_64: valueDate(input.receivedOn), amount: fundShare };
      [transferId] = await preparePostings(tx, [
        {
          businessType: "recovery",
          businessId: recoveryId,
          transfer: { ...common, debit_account_id: bankAccount!, credit_account_id: pool!, code: TRANSFER_CODES.RECOVERY_SHARE, flags: TransferFlags.linked },
        },
        {
          businessType: "recovery",
          businessId: recoveryId,
          transfer: { ...common, debit_account_id: recoverable!, credit_account_id: quota!, code: TRANSFER_CODES.RECOVERY_RECOVERABLE },
        },
      ]);
    }
    await tx.recovery.create({
      data: {
        id: recoveryId,
        loanId: loan.id,
        claimId: claims[0]?.id ?? null,
        idempotencyKey: key,
        amountFen: input.amountFen,
        fundShareFen: fundShare,
        receivedOn: calendarDay(input.receivedOn),
        ledgerTransferId: transferId?.toString() ?? null,
        recordedById: actor.userId,
      },
    });
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorInstitutionId: institutionId,
      action: "loan.recovery-recorded",
      entityType: "loan",
      entityId: loan.id,
      summary: {
        recoveryId,
        amountFen: input.amountFen.toString(),
        fundShareFen: fundShare.toString(),
        paidFen: paid.toString(),
        sharedBeforeFen: shared.toString(),
      },
      ip: options.ip,
    });
    return fundShare;
  });
  if (share > 0n) await postNow(prisma, await getLedger(), "recovery", recoveryId);
  return { recoveryId, fundShareFen: share, replayed: false };
}

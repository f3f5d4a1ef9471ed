import { isUniqueViolation, prisma, type Tx } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { assertRecordId, DomainError } from "~/domain/errors";
import { fundAccounts, LEDGER_CNY, TRANSFER_CODES, valueDate } from "~/domain/ledger/chart";
import { getLedger } from "~/domain/ledger/ledger.server";
import { uuidToU128 } from "~/domain/ledger/postgres-ledger.server";
import { postNow, prepareAccounts, preparePostings } from "~/domain/ledger/postings.server";
import { formatMoneyFen } from "~/i18n/format";
import { calendarDay } from "~/domain/needs/need-rules";

/**
 * The finance office runs the risk-compensation fund (PRODUCT.md §3.7): it
 * creates a fund with its budget and first rules, records the treasury's
 * contributions, versions the rules and may suspend a bank. Every command is
 * one transaction with its audit record; money moves only through ledger
 * postings prepared in that transaction (docs/ledger.md).
 */

export type FundRuleInput = {
  compensationRatioBps: number;
  capPerLoanFen: bigint;
  capPerBankYearFen: bigint;
  eligibleProductIds: string[];
};

export type CreateFundInput = {
  nameZh: string;
  nameEn: string;
  /** YYYY-MM-DD, China's calendar: loans disbursed in this period are enrolled. */
  validFrom: string;
  validTo: string;
  budgetFen: bigint;
  rule: FundRuleInput;
};

function officeOf(actor: Actor): string {
  assertCan(actor, "manage:fund:any");
  if (!actor.institution || actor.institution.kind !== "FINANCE_OFFICE") throw new DomainError("forbidden", { status: 403 });
  return actor.institution.id;
}

function checkRule(rule: FundRuleInput): void {
  if (!Number.isInteger(rule.compensationRatioBps) || rule.compensationRatioBps < 1 || rule.compensationRatioBps > 10_000) {
    throw new DomainError("fund.ratioOutOfRange", { status: 422 });
  }
  if (rule.capPerLoanFen <= 0n || rule.capPerBankYearFen <= 0n) throw new DomainError("fund.capNotPositive", { status: 422 });
  rule.eligibleProductIds.forEach(assertRecordId);
}

/**
 * Creates a fund: its accounts, its budget granted to the treasury account
 * (so contributions can never exceed the budget, by the ledger's own rule),
 * its first rules, and its eligible products enrolled.
 */
export async function createFund(options: {
  actor: Actor;
  input: CreateFundInput;
  /** The form's one-time key: the same submission twice creates one fund. */
  createKey?: string;
  ip: string | null;
  now?: Date;
}): Promise<{ fundId: string; replayed?: boolean }> {
  const { actor, input } = options;
  const officeId = officeOf(actor);
  if (options.createKey) {
    const previous = await prisma.fund.findUnique({ where: { createKey: options.createKey }, select: { id: true } });
    if (previous) return { fundId: previous.id, replayed: true };
  }
  if (input.budgetFen <= 0n) throw new DomainError("fund.budgetNotPositive", { status: 422 });
  if (!(input.validFrom <= input.validTo)) throw new DomainError("fund.periodInverted", { status: 422 });
  checkRule(input.rule);
  const now = options.now ?? new Date();
  const fundId = crypto.randomUUID();
  try {
    await prisma.$transaction(async (tx) => {
      await enrolProducts(tx, fundId, input.rule.eligibleProductIds, { create: true });
      await tx.fund.create({
        data: {
          id: fundId,
          createKey: options.createKey ?? null,
          nameZh: input.nameZh,
          nameEn: input.nameEn,
          managedByInstitutionId: officeId,
          validFrom: calendarDay(input.validFrom),
          validTo: calendarDay(input.validTo),
          budgetFen: input.budgetFen,
        },
      });
      await tx.fundRuleVersion.create({
        data: { fundId, version: 1, ...input.rule, effectiveFrom: now, createdById: actor.userId },
      });
      await tx.product.updateMany({ where: { id: { in: input.rule.eligibleProductIds } }, data: { fundId } });
      const [budget, treasury] = await prepareAccounts(tx, fundAccounts(fundId));
      await preparePostings(tx, [
        {
          businessType: "fund",
          businessId: fundId,
          transfer: {
            debit_account_id: budget!,
            credit_account_id: treasury!,
            amount: input.budgetFen,
            ledger: LEDGER_CNY,
            code: TRANSFER_CODES.FUND_BUDGET_GRANT,
            user_data_128: uuidToU128(fundId),
            user_data_64: valueDate(input.validFrom),
          },
        },
      ]);
      await appendAudit(tx, {
        actorUserId: actor.userId,
        actorInstitutionId: officeId,
        action: "fund.created",
        entityType: "fund",
        entityId: fundId,
        summary: {
          nameZh: input.nameZh,
          budgetFen: input.budgetFen.toString(),
          validFrom: input.validFrom,
          validTo: input.validTo,
          ratioBps: input.rule.compensationRatioBps,
        },
        ip: options.ip,
      });
    });
  } catch (error) {
    // The same form submitted twice at once: the other request's fund stands.
    if (options.createKey && isUniqueViolation(error)) {
      const same = await prisma.fund.findUnique({ where: { createKey: options.createKey }, select: { id: true } });
      if (same) return { fundId: same.id, replayed: true };
    }
    throw error;
  }
  await postNow(prisma, await getLedger(), "fund", fundId);
  return { fundId };
}

/**
 * The products a fund's rules name must be listed products not enrolled in
 * another fund. Products a new version leaves out leave the fund (loans
 * already disbursed keep the rules they were made under).
 */
async function enrolProducts(tx: Tx, fundId: string, productIds: readonly string[], options: { create: boolean }): Promise<void> {
  const ids = [...new Set(productIds)];
  const found = await tx.product.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, fundId: true } });
  const eligible = found.filter((p) => p.status === "LISTED" && (p.fundId === null || p.fundId === fundId));
  if (eligible.length !== ids.length) throw new DomainError("fund.productNotEligible", { status: 422 });
  if (!options.create) await tx.product.updateMany({ where: { fundId, id: { notIn: ids } }, data: { fundId: null } });
}

/** A new version of the fund's rules, in force from now; loans keep the version they were disbursed under. */
export async function setFundRules(options: {
  actor: Actor;
  fundId: string;
  rule: FundRuleInput;
  /** The version the new rules were written from: another version made meanwhile refuses these. */
  expectedVersion?: number;
  ip: string | null;
  now?: Date;
}): Promise<{ version: number }> {
  const { actor, rule } = options;
  const officeId = officeOf(actor);
  assertRecordId(options.fundId);
  checkRule(rule);
  return prisma.$transaction(async (tx) => {
    const [fund] = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM funds WHERE id = ${options.fundId}::uuid FOR UPDATE`;
    if (!fund) throw new DomainError("notFound", { status: 404 });
    const last = await tx.fundRuleVersion.findFirstOrThrow({ where: { fundId: fund.id }, orderBy: { version: "desc" }, select: { version: true } });
    if (options.expectedVersion !== undefined && options.expectedVersion !== last.version) {
      throw new DomainError("fund.rulesChanged", { status: 409, params: { version: last.version } });
    }
    const version = last.version + 1;
    await enrolProducts(tx, fund.id, rule.eligibleProductIds, { create: false });
    await tx.fundRuleVersion.create({ data: { fundId: fund.id, version, ...rule, effectiveFrom: options.now ?? new Date(), createdById: actor.userId } });
    await tx.product.updateMany({ where: { id: { in: rule.eligibleProductIds } }, data: { fundId: fund.id } });
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorInstitutionId: officeId,
      action: "fund.rules-set",
      entityType: "fund",
      entityId: fund.id,
      summary: {
        version,
        ratioBps: rule.compensationRatioBps,
        capPerLoanFen: rule.capPerLoanFen.toString(),
        capPerBankYearFen: rule.capPerBankYearFen.toString(),
        products: rule.eligibleProductIds.length,
      },
      ip: options.ip,
    });
    return { version };
  });
}

/**
 * Records money received from the treasury, once per reference (the treasury's
 * payment number): the same reference again returns the first contribution.
 * Contributions beyond the budget are refused, here and by the ledger.
 */
export async function recordContribution(options: {
  actor: Actor;
  fundId: string;
  input: { amountFen: bigint; receivedOn: string; reference: string };
  ip: string | null;
}): Promise<{ contributionId: string; replayed: boolean; state: string }> {
  const { actor, input } = options;
  const officeId = officeOf(actor);
  assertRecordId(options.fundId);
  if (input.amountFen <= 0n) throw new DomainError("fund.amountNotPositive", { status: 422 });
  const previous = await prisma.fundContribution.findUnique({ where: { reference: input.reference }, select: { id: true, fundId: true, amountFen: true } });
  if (previous) {
    if (previous.fundId !== options.fundId || previous.amountFen !== input.amountFen) throw new DomainError("fund.referenceReused", { status: 409 });
    return { contributionId: previous.id, replayed: true, state: "COMMITTED" };
  }
  const contributionId = crypto.randomUUID();
  await prisma.$transaction(async (tx) => {
    const [fund] = await tx.$queryRaw<{ id: string; budgetFen: bigint; status: string }[]>`
      SELECT id::text, "budgetFen", status::text FROM funds WHERE id = ${options.fundId}::uuid FOR UPDATE`;
    if (!fund) throw new DomainError("notFound", { status: 404 });
    if (fund.status !== "ACTIVE") throw new DomainError("fund.closed", { status: 409 });
    const sum = await tx.fundContribution.aggregate({ where: { fundId: fund.id }, _sum: { amountFen: true } });
    const room = fund.budgetFen - (sum._sum.amountFen ?? 0n);
    if (input.amountFen > room)
      throw new DomainError("fund.beyondBudget", { status: 422, params: { roomFen: room.toString(), room: formatMoneyFen(room, "en") } });
    const [, treasury, pool] = await prepareAccounts(tx, fundAccounts(fund.id));
    const [transferId] = await preparePostings(tx, [
      {
        businessType: "contribution",
        businessId: contributionId,
        transfer: {
          debit_account_id: treasury!,
          credit_account_id: pool!,
          amount: input.amountFen,
          ledger: LEDGER_CNY,
          code: TRANSFER_CODES.FUND_CONTRIBUTION,
          user_data_128: uuidToU128(contributionId),
          user_data_64: valueDate(input.receivedOn),
        },
      },
    ]);
    await tx.fundContribution.create({
      data: {
        id: contributionId,
        fundId: fund.id,
        amountFen: input.amountFen,
        receivedOn: calendarDay(input.receivedOn),
        reference: input.reference,
        ledgerTransferId: transferId!.toString(),
        recordedById: actor.userId,
      },
    });
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorInstitutionId: officeId,
      action: "fund.contribution-recorded",
      entityType: "fund",
      entityId: fund.id,
      summary: { contributionId, amountFen: input.amountFen.toString(), receivedOn: input.receivedOn, reference: input.reference },
      ip: options.ip,
    });
  });
  const [posting] = await postNow(prisma, await getLedger(), "contribution", contributionId);
  return { contributionId, replayed: false, state: posting?.state ?? "PREPARED" };
}

/** Suspends a bank from the fund (its new claims are refused) or reinstates it; each once. */
export async function setBankSuspension(options: {
  actor: Actor;
  fundId: string;
  institutionId: string;
  suspend: boolean;
  reason: string;
  ip: string | null;
}): Promise<{ changed: boolean }> {
  const { actor } = options;
  const officeId = officeOf(actor);
  assertRecordId(options.fundId);
  assertRecordId(options.institutionId);
  if (options.suspend && !options.reason.trim()) throw new DomainError("fund.reasonRequired", { status: 422 });
  const bank = await prisma.institution.findUnique({ where: { id: options.institutionId }, select: { kind: true } });
  if (bank?.kind !== "BANK") throw new DomainError("notFound", { status: 404 });
  return prisma.$transaction(async (tx) => {
    const [fund] = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM funds WHERE id = ${options.fundId}::uuid FOR UPDATE`;
    if (!fund) throw new DomainError("notFound", { status: 404 });
    const open = await tx.fundBankSuspension.findFirst({
      where: { fundId: fund.id, institutionId: options.institutionId, reinstatedAt: null },
      select: { id: true },
    });
    if (options.suspend === Boolean(open)) return { changed: false };
    if (options.suspend) {
      await tx.fundBankSuspension.create({
        data: { fundId: fund.id, institutionId: options.institutionId, reason: options.reason, suspendedById: actor.userId },
      });
    } else {
      await tx.fundBankSuspension.update({ where: { id: open!.id }, data: { reinstatedAt: new Date(), reinstatedById: actor.userId } });
    }
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorInstitutionId: officeId,
      action: options.suspend ? "fund.bank-suspended" : "fund.bank-reinstated",
      entityType: "fund",
      entityId: fund.id,
      summary: { institutionId: options.institutionId, reason: options.reason },
      ip: options.ip,
    });
    return { changed: true };
  });
}

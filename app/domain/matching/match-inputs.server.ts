import type { Db, Tx } from "~/db.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import type { CreditGrade } from "~/domain/credit/scorecard/params";
import { ACTIVE_SCORECARD_VERSION, SCORECARD_MODELS } from "~/domain/credit/scorecard/models";
import type { TaxGrade } from "~/domain/credit/scorecard/snapshot";
import { Prisma, type Product } from "~/generated/prisma/client";
import { ACTIVE_NEED_STATUSES, type NeedStatus } from "~/domain/needs/need-rules";
import { PREFECTURE } from "~/domain/reference/regions";
import { ACTIVE_MATCHING_PARAMS } from "./models";
import { compileCatalogue, type Catalogue } from "./rank";
import type { EnterpriseSize, GuaranteeType, MatchEnterprise, MatchNeed, MatchProduct } from "./rules";
import type { BankRecord, ScoreContext } from "./score";
import { formatCalendarDate } from "~/i18n/format";

/**
 * Reads what the pure matching module needs, in plain SQL (these queries
 * feed a full re-match of every open need, so they avoid Prisma's row mapping).
 * Prisma stores an empty list as NULL when a create leaves it out: hence the coalesces.
 */

const scorecard = SCORECARD_MODELS[ACTIVE_SCORECARD_VERSION]!;

export function matchingContext(asOf: string = platformToday()): ScoreContext {
  return {
    asOf,
    prefectureCode: PREFECTURE.code,
    params: ACTIVE_MATCHING_PARAMS,
    gradeMinScores: Object.fromEntries(scorecard.grades.map((g) => [g.grade, g.minScore])) as Record<CreditGrade, number>,
  };
}

/**
 * A product as loadMatchProducts reads it: the model's matching fields (their
 * types from the schema; the grades are stored as text, written only through
 * the product form's grade lists), and the bank's status.
 */
type ProductRow = Pick<
  Product,
  | "id"
  | "institutionId"
  | "status"
  | "minAmountFen"
  | "maxAmountFen"
  | "minTermMonths"
  | "maxTermMonths"
  | "minRateBps"
  | "maxRateBps"
  | "guaranteeTypes"
  | "eligibleRegionCodes"
  | "eligibleIndustryCodes"
  | "eligibleSizes"
  | "minYearsInOperation"
  | "redListRateDiscountBps"
  | "redListLimitUpliftBps"
  | "fundId"
  | "repaymentMethods"
> & { bankStatus: string; minCreditGrade: CreditGrade | null; minTaxGrade: TaxGrade | null };

function toMatchProduct(p: ProductRow): MatchProduct {
  return {
    id: p.id,
    institutionId: p.institutionId,
    listed: p.status === "LISTED",
    bankActive: p.bankStatus === "ACTIVE",
    minAmountFen: Number(p.minAmountFen),
    maxAmountFen: Number(p.maxAmountFen),
    minTermMonths: p.minTermMonths,
    maxTermMonths: p.maxTermMonths,
    minRateBps: p.minRateBps,
    maxRateBps: p.maxRateBps,
    guaranteeTypes: p.guaranteeTypes,
    eligibleRegionCodes: p.eligibleRegionCodes,
    eligibleIndustryCodes: p.eligibleIndustryCodes,
    eligibleSizes: p.eligibleSizes,
    minCreditGrade: p.minCreditGrade,
    minTaxGrade: p.minTaxGrade,
    minYearsInOperation: p.minYearsInOperation,
    redListRateDiscountBps: p.redListRateDiscountBps,
    redListLimitUpliftBps: p.redListLimitUpliftBps,
    fundEnrolled: p.fundId !== null,
    repaymentMethods: p.repaymentMethods,
  };
}

/** Products by id or (without ids) every listed product, with their bank's status. */
export async function loadMatchProducts(db: Db | Tx, ids?: readonly string[]): Promise<MatchProduct[]> {
  const where = ids ? Prisma.sql`p.id = ANY(${[...ids]}::uuid[])` : Prisma.sql`p.status = 'LISTED'`;
  const rows = await db.$queryRaw<ProductRow[]>`
    SELECT p.id::text AS id, p."institutionId"::text AS "institutionId", p.status::text AS status, i.status::text AS "bankStatus",
           p."minAmountFen", p."maxAmountFen", p."minTermMonths", p."maxTermMonths", p."minRateBps", p."maxRateBps",
           coalesce(p."guaranteeTypes"::text[], '{}') AS "guaranteeTypes", coalesce(p."eligibleRegionCodes", '{}') AS "eligibleRegionCodes",
           coalesce(p."eligibleIndustryCodes", '{}') AS "eligibleIndustryCodes",
           coalesce(p."eligibleSizes"::text[], '{}') AS "eligibleSizes", p."minCreditGrade", p."minTaxGrade", p."minYearsInOperation",
           p."redListRateDiscountBps", p."redListLimitUpliftBps", p."fundId"::text AS "fundId",
           coalesce(p."repaymentMethods"::text[], '{}') AS "repaymentMethods"
      FROM products p JOIN institutions i ON i.id = p."institutionId"
     WHERE ${where}
     ORDER BY p.id`;
  return rows.map(toMatchProduct);
}

export async function loadBankRecords(db: Db | Tx): Promise<Map<string, BankRecord>> {
  const rows = await db.$queryRaw<{ institutionId: string; decided: number; onTime: number; medianResponseMinutes: number | null }[]>`
    SELECT "institutionId"::text AS "institutionId", decided, "onTime", "medianResponseMinutes" FROM bank_response_records`;
  return new Map(rows.map((r) => [r.institutionId, { decided: r.decided, onTime: r.onTime, medianResponseMinutes: r.medianResponseMinutes }]));
}

let cached: { stamp: string; catalogue: Catalogue } | null = null;

/**
 * Every listed product, compiled, with the banks' records. Reused while
 * nothing it was built from has changed (the stamp reads a few indexed
 * maxima), so ranking one new need does not reload 2,000 products.
 */
export async function loadCatalogue(db: Db | Tx, asOf: string = platformToday()): Promise<Catalogue> {
  const [row] = await db.$queryRaw<{ stamp: string }[]>`
    SELECT concat_ws('|',
      (SELECT count(*) FROM products WHERE status = 'LISTED'),
      (SELECT max("updatedAt") FROM products),
      (SELECT max("updatedAt") FROM institutions),
      (SELECT max("computedAt") FROM bank_response_records)) AS stamp`;
  const stamp = `${asOf}|${ACTIVE_MATCHING_PARAMS.version}|${row!.stamp}`;
  if (cached?.stamp === stamp) return cached.catalogue;
  const [products, records] = await Promise.all([loadMatchProducts(db), loadBankRecords(db)]);
  const catalogue = compileCatalogue(products, records, matchingContext(asOf));
  cached = { stamp, catalogue };
  return catalogue;
}

export type NeedInput = {
  need: MatchNeed;
  enterprise: MatchEnterprise;
  status: string;
  version: number;
  /** YYYY-MM-DD */
  expiresOn: string;
};

type NeedRow = {
  id: string;
  enterpriseId: string;
  amountFen: bigint;
  termMonths: number;
  maxRateBps: number;
  guaranteeTypes: GuaranteeType[];
  status: string;
  version: number;
  expiresOn: Date;
  regionCode: string;
  industryCode: string;
  size: EnterpriseSize;
  foundedOn: Date;
  score: number | null;
  grade: CreditGrade | null;
  excluded: boolean | null;
  redListed: boolean | null;
  taxGrade: TaxGrade | null;
};

/**
 * Needs with their enterprise's matching facts: region, industry, size, age,
 * and from its current evaluation the score, grade, exclusion, red list and
 * the tax grade that evaluation counted (the latest within the scorecard's
 * age limit, the worse of two for one year — as the scorecard reads it).
 * `lock` takes the needs' rows for the caller's transaction, in id order.
 */
export async function loadNeedInputs(db: Db | Tx, filter: Prisma.Sql, options: { lock?: boolean; limit?: number } = {}): Promise<NeedInput[]> {
  const maxAge = scorecard.factors.taxGrade.maxAgeYears;
  const rows = await db.$queryRaw<NeedRow[]>`
    SELECT n.id::text AS id, n."enterpriseId"::text AS "enterpriseId", n."amountFen", n."termMonths", n."maxRateBps",
           coalesce(n."guaranteeTypes"::text[], '{}') AS "guaranteeTypes", n.status::text AS status, n.version, n."expiresOn",
           e."regionCode", e."industryCode", e.size::text AS size, e."foundedOn",
           v.score, v.grade, v.excluded, v."redListed",
           (SELECT g->>'grade' FROM jsonb_array_elements(v."inputSnapshot"->'taxGrades') g
             WHERE (g->>'year')::int BETWEEN extract(year FROM v."evaluatedOn")::int - ${maxAge} AND extract(year FROM v."evaluatedOn")::int
             ORDER BY g->>'year' DESC, array_position(ARRAY['A','B','M','C','D'], g->>'grade') DESC LIMIT 1) AS "taxGrade"
      FROM financing_needs n
      JOIN enterprises e ON e.id = n."enterpriseId"
      LEFT JOIN credit_evaluations v ON v.id = e."currentEvaluationId"
     WHERE ${filter}
     ORDER BY n.id
     ${options.limit ? Prisma.sql`LIMIT ${options.limit}` : Prisma.empty}
     ${options.lock ? Prisma.sql`FOR UPDATE OF n` : Prisma.empty}`;
  return rows.map((r) => ({
    need: {
      id: r.id,
      enterpriseId: r.enterpriseId,
      amountFen: Number(r.amountFen),
      termMonths: r.termMonths,
      maxRateBps: r.maxRateBps,
      guaranteeTypes: r.guaranteeTypes,
    },
    enterprise: {
      id: r.enterpriseId,
      regionCode: r.regionCode,
      industryCode: r.industryCode,
      size: r.size,
      foundedOn: formatCalendarDate(r.foundedOn),
      creditScore: r.score,
      creditGrade: r.grade,
      taxGrade: r.taxGrade,
      // Not evaluated yet: nothing says it is excluded; products asking a grade will not match it.
      excluded: r.excluded ?? false,
      redListed: r.redListed ?? false,
    },
    status: r.status,
    version: r.version,
    expiresOn: formatCalendarDate(r.expiresOn),
  }));
}

/** Needs that can be recommended products: open or taken up, and not past their expiry date (ACTIVE_NEED_SQL in SQL). */
export function isActiveNeed(input: Pick<NeedInput, "status" | "expiresOn">, asOf: string): boolean {
  return ACTIVE_NEED_STATUSES.includes(input.status as NeedStatus) && input.expiresOn >= asOf;
}

export const ACTIVE_NEED_SQL = (asOf: string) =>
  Prisma.sql`n.status IN (${Prisma.raw(ACTIVE_NEED_STATUSES.map((s) => `'${s}'`).join(", "))}) AND n."expiresOn" >= ${asOf}::date`;

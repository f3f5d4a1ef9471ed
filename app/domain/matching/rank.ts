import { CREDIT_GRADES } from "~/domain/credit/scorecard/params";
import { TAX_GRADES } from "~/domain/credit/scorecard/snapshot";
import {
  bestRateBps,
  checkPair,
  effectiveMaxAmountFen,
  fullYearsBetween,
  reachable,
  type EnterpriseSize,
  type GuaranteeType,
  type MatchEnterprise,
  type MatchNeed,
  type MatchProduct,
  type RuleFailure,
} from "./rules";
import {
  approvalPoints,
  costPoints,
  coveragePoints,
  expectedRateBps,
  responsePoints,
  scorePair,
  weightedScore,
  type BankRecord,
  type MatchPoints,
  type ScoreContext,
} from "./score";

/**
 * Ranking: every listed product against a need, hard rules first, then the
 * soft score. The catalogue is compiled once (numbers, bit masks, sets) so
 * that a full re-match of 100,000 needs × 2,000 products is a tight loop; the
 * compiled test (`eligible`) must agree with `checkPair` exactly, which the
 * property tests check.
 */

const SIZE_BIT: Record<EnterpriseSize, number> = { MICRO: 1, SMALL: 2, MEDIUM: 4, LARGE: 8 };
const GUARANTEE_BIT: Record<GuaranteeType, number> = { CREDIT: 1, GUARANTOR: 2, GUARANTEE_COMPANY: 4, PLEDGE: 8, MORTGAGE: 16 };
const NONE = -1;
const NO_GRADE = 99;

const mask = <T extends string>(bits: Record<T, number>, values: readonly T[]) => values.reduce((m, v) => m | bits[v], 0);

export type CompiledProduct = {
  readonly product: MatchProduct;
  readonly active: boolean;
  readonly minAmount: number;
  readonly maxAmount: number;
  readonly maxAmountRed: number;
  readonly minTerm: number;
  readonly maxTerm: number;
  readonly bestRate: number;
  readonly bestRateRed: number;
  readonly sizeMask: number;
  readonly guaranteeMask: number;
  readonly minCredit: number;
  readonly minTax: number;
  readonly minYears: number;
  /** null: every district. */
  readonly regions: ReadonlySet<string> | null;
  /** null: every industry. */
  readonly industries: ReadonlySet<string> | null;
  /** The bank's response points: the same for all its products. */
  readonly response: number;
};

export type CompiledNeed = {
  readonly need: MatchNeed;
  readonly enterprise: MatchEnterprise;
  readonly amount: number;
  readonly term: number;
  readonly maxRate: number;
  readonly red: boolean;
  readonly excluded: boolean;
  readonly sizeBit: number;
  readonly guaranteeMask: number;
  readonly creditRank: number;
  readonly taxRank: number;
  readonly years: number;
  readonly region: string;
  readonly industry: string;
};

export type Catalogue = {
  readonly products: readonly CompiledProduct[];
  readonly records: ReadonlyMap<string, BankRecord>;
  readonly ctx: ScoreContext;
  /** Each product's position in product-id order: the last tie-break, compared as integers. */
  readonly idOrder: Int32Array;
  /** Working space for rankNeed, one slot per product (ranking is synchronous, so one set serves every call). */
  readonly scratch: { score: Int32Array; rate: Int32Array };
  /**
   * The products that can serve a district, industry, size and security offered
   * (keyed by all four), in catalogue order: built on first use, so a need is
   * checked only against products these rules already let through.
   */
  readonly candidates: Map<string, Int32Array>;
};

export function compileCatalogue(products: readonly MatchProduct[], records: ReadonlyMap<string, BankRecord>, ctx: ScoreContext): Catalogue {
  const response = new Map<string, number>();
  const compiled = products.map((p): CompiledProduct => {
    let bank = response.get(p.institutionId);
    if (bank === undefined) {
      bank = responsePoints(records.get(p.institutionId), ctx.params);
      response.set(p.institutionId, bank);
    }
    const allRegions = p.eligibleRegionCodes.length === 0 || p.eligibleRegionCodes.includes(ctx.prefectureCode);
    return {
      product: p,
      active: p.listed && p.bankActive,
      minAmount: p.minAmountFen,
      maxAmount: effectiveMaxAmountFen(p, { redListed: false }),
      maxAmountRed: effectiveMaxAmountFen(p, { redListed: true }),
      minTerm: p.minTermMonths,
      maxTerm: p.maxTermMonths,
      bestRate: bestRateBps(p, { redListed: false }),
      bestRateRed: bestRateBps(p, { redListed: true }),
      sizeMask: mask(SIZE_BIT, p.eligibleSizes),
      guaranteeMask: mask(GUARANTEE_BIT, p.guaranteeTypes),
      minCredit: p.minCreditGrade === null ? NONE : CREDIT_GRADES.indexOf(p.minCreditGrade),
      minTax: p.minTaxGrade === null ? NONE : TAX_GRADES.indexOf(p.minTaxGrade),
      minYears: p.minYearsInOperation,
      regions: allRegions ? null : new Set(p.eligibleRegionCodes),
      industries: p.eligibleIndustryCodes.length === 0 ? null : new Set(p.eligibleIndustryCodes),
      response: bank,
    };
  });
  const byId = compiled.map((_, i) => i).sort((a, b) => (products[a]!.id < products[b]!.id ? -1 : products[a]!.id > products[b]!.id ? 1 : 0));
  const idOrder = new Int32Array(compiled.length);
  byId.forEach((productIndex, position) => (idOrder[productIndex] = position));
  return {
    products: compiled,
    records,
    ctx,
    idOrder,
    scratch: { score: new Int32Array(compiled.length), rate: new Int32Array(compiled.length) },
    candidates: new Map(),
  };
}

/** Bound on the cached candidate lists; past it the cache starts again (a catalogue lives minutes, not days). */
const MAX_CANDIDATE_LISTS = 50_000;

function candidatesFor(need: CompiledNeed, catalogue: Catalogue): Int32Array {
  const key = `${need.region}|${need.industry}|${need.sizeBit}|${need.guaranteeMask}`;
  let list = catalogue.candidates.get(key);
  if (!list) {
    const ids: number[] = [];
    catalogue.products.forEach((p, i) => {
      if (!p.active || (p.sizeMask & need.sizeBit) === 0 || (p.guaranteeMask & need.guaranteeMask) === 0) return;
      if (p.regions !== null && !p.regions.has(need.region)) return;
      if (p.industries !== null && !p.industries.has(need.industry)) return;
      ids.push(i);
    });
    list = Int32Array.from(ids);
    if (catalogue.candidates.size >= MAX_CANDIDATE_LISTS) catalogue.candidates.clear();
    catalogue.candidates.set(key, list);
  }
  return list;
}

export function compileNeed(need: MatchNeed, enterprise: MatchEnterprise, asOf: string): CompiledNeed {
  return {
    need,
    enterprise,
    amount: need.amountFen,
    term: need.termMonths,
    maxRate: need.maxRateBps,
    red: enterprise.redListed,
    excluded: enterprise.excluded,
    sizeBit: SIZE_BIT[enterprise.size],
    guaranteeMask: mask(GUARANTEE_BIT, need.guaranteeTypes),
    creditRank: enterprise.creditGrade === null ? NO_GRADE : CREDIT_GRADES.indexOf(enterprise.creditGrade),
    taxRank: enterprise.taxGrade === null ? NO_GRADE : TAX_GRADES.indexOf(enterprise.taxGrade),
    years: fullYearsBetween(enterprise.foundedOn, asOf),
    region: enterprise.regionCode,
    industry: enterprise.industryCode,
  };
}

/** The hard rules, compiled: true exactly when checkPair finds no failure. */
export function eligible(n: CompiledNeed, p: CompiledProduct): boolean {
  if (!p.active || n.excluded) return false;
  if (n.amount < p.minAmount || n.amount > (n.red ? p.maxAmountRed : p.maxAmount)) return false;
  if (n.term < p.minTerm || n.term > p.maxTerm) return false;
  if (n.maxRate < (n.red ? p.bestRateRed : p.bestRate)) return false;
  if ((p.sizeMask & n.sizeBit) === 0 || (p.guaranteeMask & n.guaranteeMask) === 0) return false;
  if (p.minCredit !== NONE && n.creditRank > p.minCredit) return false;
  if (p.minTax !== NONE && n.taxRank > p.minTax) return false;
  if (n.years < p.minYears) return false;
  if (p.regions !== null && !p.regions.has(n.region)) return false;
  if (p.industries !== null && !p.industries.has(n.industry)) return false;
  return true;
}

const EMPTY = new Int32Array(0);

export type RankedMatch = {
  product: MatchProduct;
  /** Position among every eligible product (1 = best). */
  rank: number;
  points: MatchPoints;
  /** The best-ranked product of its bank for this need. */
  bankBest: boolean;
};

export type NeedRanking = {
  needId: string;
  eligibleCount: number;
  /** The best `limits.recommendations` products, then every other bank's best, in rank order. */
  kept: RankedMatch[];
};

/**
 * Ranks one need against the whole catalogue and keeps what the SME's page
 * and every bank's inbox read. Best first: higher score, then the lower
 * expected rate, then the product id, so equal inputs give one order.
 *
 * The hot loop of a full re-match (100,000 needs × 2,000 products): scores
 * go into the catalogue's typed arrays and only the kept matches become
 * objects, so ranking makes little garbage. Points are the ones scorePair
 * gives (a property test holds the two to the same ranking).
 */
export function rankNeed(need: CompiledNeed, catalogue: Catalogue): NeedRanking {
  const { ctx, products, idOrder } = catalogue;
  const { score, rate } = catalogue.scratch;
  const found: number[] = [];
  const n = need.need;
  const e = need.enterprise;
  // An excluded enterprise is recommended nothing: no list to walk.
  const candidates = need.excluded ? EMPTY : candidatesFor(need, catalogue);
  for (let c = 0; c < candidates.length; c++) {
    const i = candidates[c]!;
    const p = products[i]!;
    // Every rule again (the candidate list already passed four): cheap, and the list can never let a pair through.
    if (!eligible(need, p)) continue;
    const approval = approvalPoints(e, p.product, ctx);
    const expected = expectedRateBps(e, p.product, approval);
    const cost = costPoints(n, expected, ctx);
    const coverage = coveragePoints(n, need.red ? p.maxAmountRed : p.maxAmount, ctx);
    score[i] = weightedScore(approval, cost, coverage, p.response, ctx.params);
    rate[i] = expected;
    found.push(i);
  }
  found.sort((a, b) => score[b]! - score[a]! || rate[a]! - rate[b]! || idOrder[a]! - idOrder[b]!);
  const limit = ctx.params.limits.recommendations;
  const banks = new Set<string>();
  const kept: RankedMatch[] = [];
  for (let r = 0; r < found.length; r++) {
    const p = products[found[r]!]!;
    const bankBest = !banks.has(p.product.institutionId);
    banks.add(p.product.institutionId);
    if (r < limit || bankBest) kept.push({ product: p.product, rank: r + 1, points: scorePair(n, e, p.product, p.response, ctx), bankBest });
  }
  return { needId: n.id, eligibleCount: found.length, kept };
}

/** The needs among `needs` that any of `products` would be eligible for (which rankings a product change can enter). */
export function needsEligibleFor(products: readonly CompiledProduct[], needs: readonly CompiledNeed[]): string[] {
  const ids: string[] = [];
  for (const n of needs) if (products.some((p) => eligible(n, p))) ids.push(n.need.id);
  return ids;
}

export type NearMiss = { product: MatchProduct; failures: RuleFailure[] };

/**
 * Products the need just misses and the enterprise could reach: every failed
 * rule offers a change. Fewest changes first, then the product id; the rest
 * (another district, industry or size) are counted, not listed.
 */
export function nearMisses(
  need: MatchNeed,
  enterprise: MatchEnterprise,
  catalogue: Catalogue,
  limit: number,
): { misses: NearMiss[]; moreReachable: number; unreachable: number } {
  const misses: NearMiss[] = [];
  let unreachable = 0;
  for (const p of catalogue.products) {
    if (!p.active) continue;
    const failures = checkPair(need, enterprise, p.product, catalogue.ctx);
    if (failures.length === 0) continue;
    if (reachable(failures)) misses.push({ product: p.product, failures });
    else unreachable++;
  }
  misses.sort((a, b) => a.failures.length - b.failures.length || (a.product.id < b.product.id ? -1 : a.product.id > b.product.id ? 1 : 0));
  return { misses: misses.slice(0, limit), moreReachable: Math.max(0, misses.length - limit), unreachable };
}

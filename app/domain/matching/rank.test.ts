import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GRADE_MIN_SCORES, PREFECTURE, asOfArb, catalogueArb, enterpriseArb, needArb, productArb, recordArb, scoreContext } from "./arbitraries";
import { ACTIVE_MATCHING_PARAMS } from "./models";
import { compileCatalogue, compileNeed, eligible, nearMisses, needsEligibleFor, rankNeed } from "./rank";
import { addYears, applyChange, checkPair, fullYearsBetween, mulDiv, type MatchEnterprise, type MatchNeed, type MatchProduct } from "./rules";
import { estimateInterestFen, explainFit, scorePair, type BankRecord } from "./score";

const RUNS = { numRuns: 400 };

const pairArb = fc.tuple(enterpriseArb, productArb, asOfArb).chain(([enterprise, product, asOf]) =>
  needArb(enterprise.id).map((need) => ({ enterprise, product, asOf, need })),
);

const rankingArb = fc
  .tuple(enterpriseArb, catalogueArb, asOfArb, fc.array(fc.tuple(fc.constantFrom<string>("bank-a", "bank-b", "bank-c", "bank-d"), recordArb), { maxLength: 4 }))
  .chain(([enterprise, products, asOf, records]) =>
    needArb(enterprise.id).map((need) => ({
      enterprise,
      products,
      asOf,
      need,
      records: new Map(records.filter((r): r is [string, BankRecord] => r[1] !== undefined)) as Map<string, BankRecord>,
    })),
  );

function catalogueOf(products: MatchProduct[], records: Map<string, BankRecord>, asOf: string) {
  return compileCatalogue(products, records, scoreContext(asOf));
}

describe("hard rules", () => {
  it("the compiled test agrees with checkPair on every pair", () => {
    fc.assert(
      fc.property(pairArb, ({ enterprise, product, asOf, need }) => {
        const catalogue = catalogueOf([product], new Map(), asOf);
        const fast = eligible(compileNeed(need, enterprise, asOf), catalogue.products[0]!);
        expect(fast).toBe(checkPair(need, enterprise, product, scoreContext(asOf)).length === 0);
      }),
      { numRuns: 3000 },
    );
  });

  it("each counterfactual makes its own rule hold, and applying all of them makes the pair eligible", () => {
    fc.assert(
      fc.property(pairArb, ({ enterprise, product, asOf, need }) => {
        const ctx = scoreContext(asOf);
        const failures = checkPair(need, enterprise, product, ctx);
        let pair: { need: MatchNeed; enterprise: MatchEnterprise } = { need, enterprise };
        for (const failure of failures) {
          if (!failure.change) continue;
          const alone = applyChange(need, enterprise, failure.change, ctx);
          expect(checkPair(alone.need, alone.enterprise, product, ctx).map((f) => f.rule)).not.toContain(failure.rule);
          pair = applyChange(pair.need, pair.enterprise, failure.change, ctx);
        }
        const after = checkPair(pair.need, pair.enterprise, product, ctx);
        // What remains is exactly what the enterprise cannot change.
        expect(after.map((f) => f.rule)).toEqual(failures.filter((f) => !f.change).map((f) => f.rule));
      }),
      { numRuns: 3000 },
    );
  });

  it("a counterfactual is the smallest change: one step less still fails", () => {
    fc.assert(
      fc.property(pairArb, ({ enterprise, product, asOf, need }) => {
        const ctx = scoreContext(asOf);
        for (const failure of checkPair(need, enterprise, product, ctx)) {
          const change = failure.change;
          if (change?.kind === "amount") {
            const nudged = failure.rule === "AMOUNT_ABOVE_MAX" ? change.amountFen + 1 : change.amountFen - 1;
            expect(checkPair({ ...need, amountFen: nudged }, enterprise, product, ctx).map((f) => f.rule)).toContain(failure.rule);
          }
          if (change?.kind === "maxRate") {
            expect(checkPair({ ...need, maxRateBps: change.maxRateBps - 1 }, enterprise, product, ctx).map((f) => f.rule)).toContain(failure.rule);
          }
          if (change?.kind === "term") {
            const nudged = failure.rule === "TERM_ABOVE_MAX" ? change.termMonths + 1 : change.termMonths - 1;
            expect(checkPair({ ...need, termMonths: nudged }, enterprise, product, ctx).map((f) => f.rule)).toContain(failure.rule);
          }
        }
      }),
      RUNS,
    );
  });

  it("years in operation count whole years, and the date a minimum is reached is exact", () => {
    expect(fullYearsBetween("2020-11-22", "2026-11-22")).toBe(6);
    expect(fullYearsBetween("2020-11-23", "2026-11-22")).toBe(5);
    expect(fullYearsBetween("2024-02-29", "2027-02-28")).toBe(2);
    expect(addYears("2024-02-29", 3)).toBe("2027-02-28");
    expect(addYears("2024-02-29", 4)).toBe("2028-02-29");
  });

  it("mulDiv is exact beyond 2^53", () => {
    expect(mulDiv(1_000_000_000_000, 15_000, 10_000)).toBe(1_500_000_000_000);
    expect(mulDiv(999_999_999_999, 10_001, 10_000)).toBe(Number((999_999_999_999n * 10_001n) / 10_000n));
  });
});

describe("ranking", () => {
  it("no excluded enterprise is ever recommended anything", () => {
    fc.assert(
      fc.property(rankingArb, ({ enterprise, products, asOf, need, records }) => {
        const ranking = rankNeed(compileNeed(need, { ...enterprise, excluded: true }, asOf), catalogueOf(products, records, asOf));
        expect(ranking.eligibleCount).toBe(0);
        expect(ranking.kept).toEqual([]);
      }),
      RUNS,
    );
  });

  it("every kept pair satisfies every hard rule, and every eligible product is counted", () => {
    fc.assert(
      fc.property(rankingArb, ({ enterprise, products, asOf, need, records }) => {
        const ctx = scoreContext(asOf);
        const ranking = rankNeed(compileNeed(need, enterprise, asOf), catalogueOf(products, records, asOf));
        for (const m of ranking.kept) expect(checkPair(need, enterprise, m.product, ctx)).toEqual([]);
        expect(ranking.eligibleCount).toBe(products.filter((p) => checkPair(need, enterprise, p, ctx).length === 0).length);
      }),
      RUNS,
    );
  });

  it("keeps the best N and every bank's best, in rank order, with consistent ranks", () => {
    fc.assert(
      fc.property(rankingArb, ({ enterprise, products, asOf, need, records }) => {
        const ranking = rankNeed(compileNeed(need, enterprise, asOf), catalogueOf(products, records, asOf));
        const limit = ACTIVE_MATCHING_PARAMS.limits.recommendations;
        const ranks = ranking.kept.map((m) => m.rank);
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
        expect(ranks.slice(0, Math.min(limit, ranking.eligibleCount))).toEqual(Array.from({ length: Math.min(limit, ranking.eligibleCount) }, (_, i) => i + 1));
        const banks = new Set(ranking.kept.map((m) => m.product.institutionId));
        for (const bank of banks) expect(ranking.kept.filter((m) => m.product.institutionId === bank && m.bankBest)).toHaveLength(1);
        for (let i = 1; i < ranking.kept.length; i++) expect(ranking.kept[i - 1]!.points.score).toBeGreaterThanOrEqual(ranking.kept[i]!.points.score);
      }),
      RUNS,
    );
  });

  it("equals the plain definition: every product checkPair passes, scored by scorePair, by score, then rate, then id", () => {
    fc.assert(
      fc.property(rankingArb, ({ enterprise, products, asOf, need, records }) => {
        const catalogue = catalogueOf(products, records, asOf);
        const ctx = scoreContext(asOf);
        const plain = catalogue.products
          .filter((p) => checkPair(need, enterprise, p.product, ctx).length === 0)
          .map((p) => ({ id: p.product.id, points: scorePair(need, enterprise, p.product, p.response, ctx) }))
          .sort((a, b) => b.points.score - a.points.score || a.points.expectedRateBps - b.points.expectedRateBps || (a.id < b.id ? -1 : 1));
        const ranking = rankNeed(compileNeed(need, enterprise, asOf), catalogue);
        for (const m of ranking.kept) {
          expect(plain[m.rank - 1]!.id).toBe(m.product.id);
          expect(plain[m.rank - 1]!.points).toEqual(m.points);
        }
        expect(ranking.eligibleCount).toBe(plain.length);
      }),
      RUNS,
    );
  });

  it("is deterministic: the same inputs in any catalogue order give the same ranking", () => {
    fc.assert(
      fc.property(rankingArb, fc.integer(), ({ enterprise, products, asOf, need, records }, seed) => {
        const shuffled = [...products].sort((a, b) => ((a.id.charCodeAt(2) * seed) % 7) - ((b.id.charCodeAt(2) * seed) % 7));
        const first = rankNeed(compileNeed(need, enterprise, asOf), catalogueOf(products, records, asOf));
        const second = rankNeed(compileNeed(need, enterprise, asOf), catalogueOf(shuffled, records, asOf));
        expect(second).toEqual(first);
      }),
      RUNS,
    );
  });

  it("scores stay within 0–1000 and every eligible product's expected rate lies within what it offers", () => {
    fc.assert(
      fc.property(pairArb, recordArb, ({ enterprise, product, asOf, need }, record) => {
        const ctx = scoreContext(asOf);
        if (checkPair(need, enterprise, product, ctx).length > 0) return;
        const catalogue = catalogueOf([product], new Map(record ? [[product.institutionId, record]] : []), asOf);
        const points = scorePair(need, enterprise, product, catalogue.products[0]!.response, ctx);
        for (const v of [points.approval, points.cost, points.coverage, points.response, points.score]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1000);
        }
        const floor = enterprise.redListed ? Math.max(1, product.minRateBps - product.redListRateDiscountBps) : product.minRateBps;
        expect(points.expectedRateBps).toBeGreaterThanOrEqual(floor);
        expect(points.expectedRateBps).toBeLessThanOrEqual(product.maxRateBps);
        expect(explainFit(need, enterprise, product, record, points, ctx).map((r) => r.code)).toContain("EXPECTED_RATE");
      }),
      RUNS,
    );
  });

  it("a better credit score never lowers the approval points or raises the expected rate", () => {
    fc.assert(
      fc.property(pairArb, fc.integer({ min: 0, max: 300 }), ({ enterprise, product, asOf, need }, gain) => {
        if (enterprise.creditScore === null) return;
        const ctx = scoreContext(asOf);
        const before = scorePair(need, enterprise, product, 500, ctx);
        const after = scorePair(need, { ...enterprise, creditScore: Math.min(1000, enterprise.creditScore + gain) }, product, 500, ctx);
        expect(after.approval).toBeGreaterThanOrEqual(before.approval);
        expect(after.expectedRateBps).toBeLessThanOrEqual(before.expectedRateBps);
      }),
      RUNS,
    );
  });

  it("a product's reach over open needs is exactly the needs it is eligible for", () => {
    fc.assert(
      fc.property(productArb, fc.array(fc.tuple(enterpriseArb, fc.integer({ min: 1, max: 1500 }), fc.integer({ min: 1, max: 96 })), { maxLength: 30 }), asOfArb, (product, rows, asOf) => {
        const ctx = scoreContext(asOf);
        const needs = rows.map(([e, wan, term], i) => ({ need: { id: `n-${i}`, enterpriseId: e.id, amountFen: wan * 1_000_000, termMonths: term, maxRateBps: 1200, guaranteeTypes: ["CREDIT" as const] }, e }));
        const compiled = needs.map(({ need, e }) => compileNeed(need, e, asOf));
        const catalogue = catalogueOf([product], new Map(), asOf);
        expect(needsEligibleFor([catalogue.products[0]!], compiled)).toEqual(needs.filter(({ need, e }) => checkPair(need, e, product, ctx).length === 0).map(({ need }) => need.id));
      }),
      { numRuns: 200 },
    );
  });

  it("near misses list only products the enterprise can reach, fewest changes first", () => {
    fc.assert(
      fc.property(rankingArb, ({ enterprise, products, asOf, need, records }) => {
        const { misses, moreReachable, unreachable } = nearMisses(need, enterprise, catalogueOf(products, records, asOf), 5);
        const counts = misses.map((m) => m.failures.length);
        expect(counts).toEqual([...counts].sort((a, b) => a - b));
        for (const m of misses) expect(m.failures.every((f) => f.change !== null)).toBe(true);
        const active = products.filter((p) => p.listed && p.bankActive);
        const eligibleCount = active.filter((p) => checkPair(need, enterprise, p, scoreContext(asOf)).length === 0).length;
        expect(misses.length + moreReachable + unreachable + eligibleCount).toBe(active.length);
      }),
      RUNS,
    );
  });
});

describe("cost estimate", () => {
  it("for one year at 12 %: a bullet costs 12 % of the amount, equal principal 6.5 %, equal instalments in between", () => {
    const amount = 100_000_000; // ¥1,000,000
    expect(estimateInterestFen(amount, 1200, 12, "INTEREST_ONLY_BULLET")).toBe(12_000_000);
    expect(estimateInterestFen(amount, 1200, 12, "EQUAL_PRINCIPAL")).toBe(6_500_000);
    const instalments = estimateInterestFen(amount, 1200, 12, "EQUAL_INSTALMENT");
    expect(instalments).toBeGreaterThan(6_500_000);
    expect(instalments).toBeLessThan(12_000_000);
    expect(instalments).toBe(6_618_546); // ¥88,848.79 a month × 12 − ¥1,000,000
  });

  it("grade thresholds in the arbitraries are the active scorecard's", async () => {
    const { SCORECARD_MODELS, ACTIVE_SCORECARD_VERSION } = await import("~/domain/credit/scorecard/models");
    const grades = Object.fromEntries(SCORECARD_MODELS[ACTIVE_SCORECARD_VERSION]!.grades.map((g) => [g.grade, g.minScore]));
    expect(grades).toEqual(GRADE_MIN_SCORES);
    expect(PREFECTURE).toBe("211100");
  });
});

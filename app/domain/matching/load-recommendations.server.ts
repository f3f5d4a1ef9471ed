import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { DomainError } from "~/domain/errors";
import { isNeedId } from "~/domain/needs/need-rules";
import { Prisma } from "~/generated/prisma/client";
import { isActiveNeed, loadCatalogue, loadNeedInputs } from "./match-inputs.server";
import { nearMisses } from "./rank";
import type { MatchProduct, RuleFailure } from "./rules";
import { estimateInterestFen, estimateMethod, explainFit, type FitReason, type MatchPoints } from "./score";

/** Near misses shown under the recommendations. */
const NEAR_MISS_LIMIT = 5;

export type ProductSummary = {
  id: string;
  nameZh: string;
  nameEn: string | null;
  bankZh: string;
  bankEn: string;
  minRateBps: number;
  maxRateBps: number;
  minAmountFen: string;
  maxAmountFen: string;
  minTermMonths: number;
  maxTermMonths: number;
  fundEnrolled: boolean;
};

export type Recommendation = {
  rank: number;
  product: ProductSummary;
  points: MatchPoints;
  reasons: FitReason[];
  estimate: { method: string; interestFen: string };
};

export type Recommendations =
  | { state: "ended" }
  | { state: "pending"; needVersion: number }
  | {
      state: "ready";
      matchedAt: string;
      modelVersion: string | null;
      eligibleCount: number;
      recommendations: Recommendation[];
      nearMisses: { product: ProductSummary; failures: RuleFailure[] }[];
      moreNearMisses: number;
      unreachable: number;
    };

async function summaries(ids: readonly string[]): Promise<Map<string, ProductSummary>> {
  const rows = await prisma.product.findMany({
    where: { id: { in: [...ids] } },
    select: {
      id: true,
      nameZh: true,
      nameEn: true,
      minRateBps: true,
      maxRateBps: true,
      minAmountFen: true,
      maxAmountFen: true,
      minTermMonths: true,
      maxTermMonths: true,
      fundId: true,
      institution: { select: { nameZh: true, nameEn: true } },
    },
  });
  return new Map(
    rows.map((p) => [
      p.id,
      {
        id: p.id,
        nameZh: p.nameZh,
        nameEn: p.nameEn,
        bankZh: p.institution.nameZh,
        bankEn: p.institution.nameEn,
        minRateBps: p.minRateBps,
        maxRateBps: p.maxRateBps,
        minAmountFen: p.minAmountFen.toString(),
        maxAmountFen: p.maxAmountFen.toString(),
        minTermMonths: p.minTermMonths,
        maxTermMonths: p.maxTermMonths,
        fundEnrolled: p.fundId !== null,
      },
    ]),
  );
}

/**
 * The SME's recommendations for one of its needs: the stored ranking (its
 * best products in order), each with why it fits — rebuilt by the pure module
 * from the stored points and today's facts — and an estimate of its cost;
 * then the products it just misses, with the smallest change that would make
 * each one fit. While the worker has not ranked the need's latest version,
 * the state says so and the page waits.
 */
export async function loadRecommendations(options: { actor: Actor; needId: string }): Promise<Recommendations> {
  const { actor } = options;
  assertCan(actor, "manage:need:own");
  const enterpriseId = actor.enterprise?.id;
  if (!enterpriseId) throw new DomainError("forbidden", { status: 403 });
  if (!isNeedId(options.needId)) throw new DomainError("notFound", { status: 404 });
  const asOf = platformToday();
  const [input] = await loadNeedInputs(prisma, Prisma.sql`n.id = ${options.needId}::uuid AND n."enterpriseId" = ${enterpriseId}::uuid`);
  if (!input) throw new DomainError("notFound", { status: 404 });
  if (!isActiveNeed(input, asOf)) return { state: "ended" };

  const ranked = await prisma.needRanking.findUnique({ where: { needId: input.need.id } });
  if (!ranked || ranked.version !== input.version) return { state: "pending", needVersion: input.version };

  const catalogue = await loadCatalogue(prisma, asOf);
  const limit = catalogue.ctx.params.limits.recommendations;
  const rows = await prisma.match.findMany({
    where: { needId: input.need.id, rank: { lte: limit } },
    orderBy: { rank: "asc" },
    select: {
      productId: true,
      rank: true,
      score: true,
      approvalPoints: true,
      costPoints: true,
      coveragePoints: true,
      responsePoints: true,
      expectedRateBps: true,
    },
  });
  // The ranked products and the bank records come from the catalogue the ranking was made against (cached while
  // nothing changed): a product delisted since is left out, as its need's re-ranking will leave it out.
  const byId = new Map<string, MatchProduct>(catalogue.products.map((p) => [p.product.id, p.product]));
  const misses = nearMisses(input.need, input.enterprise, catalogue, NEAR_MISS_LIMIT);
  const summary = await summaries([...rows.map((r) => r.productId), ...misses.misses.map((m) => m.product.id)]);
  const recommendations: Recommendation[] = [];
  for (const row of rows) {
    const product = byId.get(row.productId);
    const shown = summary.get(row.productId);
    if (!product || !shown) continue;
    const points: MatchPoints = {
      approval: row.approvalPoints,
      cost: row.costPoints,
      coverage: row.coveragePoints,
      response: row.responsePoints,
      score: row.score,
      expectedRateBps: row.expectedRateBps,
    };
    const method = estimateMethod(product);
    recommendations.push({
      rank: row.rank,
      product: shown,
      points,
      reasons: explainFit(input.need, input.enterprise, product, catalogue.records.get(product.institutionId), points, catalogue.ctx),
      estimate: { method, interestFen: String(estimateInterestFen(input.need.amountFen, row.expectedRateBps, input.need.termMonths, method)) },
    });
  }
  return {
    state: "ready",
    matchedAt: ranked.rankedAt.toISOString(),
    modelVersion: ranked.modelVersion,
    eligibleCount: ranked.eligibleCount,
    recommendations,
    nearMisses: misses.misses.flatMap((m) => {
      const product = summary.get(m.product.id);
      return product ? [{ product, failures: m.failures }] : [];
    }),
    moreNearMisses: misses.moreReachable,
    unreachable: misses.unreachable,
  };
}

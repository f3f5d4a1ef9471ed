import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { Prisma } from "~/generated/prisma/client";
import { ACTIVE_NEED_SQL, loadMatchProducts, loadNeedInputs, matchingContext } from "./match-inputs.server";
import { checkPair, type RuleFailure } from "./rules";

/** An SME rarely has more open needs than this; the newest are shown. */
const MAX_NEEDS = 10;
/** Bound on the needs read to find the newest (open needs per enterprise are few). */
const MAX_LOADED = 50;

export type NeedFit = {
  needId: string;
  amountFen: string;
  termMonths: number;
  purpose: string;
  /** Empty when the product fits the need. */
  failures: RuleFailure[];
  /** The product's place in the need's stored ranking, if it is kept there. */
  rank: number | null;
};

/**
 * "Does this product fit my needs?": the hard rules of matching, run for one
 * product against each of the SME's open needs, with every rule it fails and
 * the change that would fix each (or none, where the enterprise cannot change
 * it). Null for anyone who has no needs of their own to compare.
 */
export async function checkProductFit(options: { actor: Actor; productId: string }): Promise<NeedFit[] | null> {
  const { actor } = options;
  const enterpriseId = actor.enterprise?.id;
  if (!enterpriseId || !actor.permissions.has("manage:need:own")) return null;
  const asOf = platformToday();
  const [product] = await loadMatchProducts(prisma, [options.productId]);
  if (!product) return null;
  const needs = await loadNeedInputs(prisma, Prisma.sql`n."enterpriseId" = ${enterpriseId}::uuid AND ${ACTIVE_NEED_SQL(asOf)}`, { limit: MAX_LOADED });
  if (needs.length === 0) return [];
  const newest = needs;
  const [ranks, details] = await Promise.all([
    prisma.match.findMany({ where: { productId: product.id, needId: { in: newest.map((n) => n.need.id) } }, select: { needId: true, rank: true } }),
    prisma.financingNeed.findMany({ where: { id: { in: newest.map((n) => n.need.id) } }, select: { id: true, purpose: true, createdAt: true } }),
  ]);
  const rankOf = new Map(ranks.map((r) => [r.needId, r.rank]));
  const detailOf = new Map(details.map((d) => [d.id, d]));
  const ctx = matchingContext(asOf);
  return newest
    .map((n) => ({
      needId: n.need.id,
      amountFen: String(n.need.amountFen),
      termMonths: n.need.termMonths,
      purpose: detailOf.get(n.need.id)?.purpose ?? "",
      failures: checkPair(n.need, n.enterprise, product, ctx),
      rank: rankOf.get(n.need.id) ?? null,
      createdAt: detailOf.get(n.need.id)?.createdAt.getTime() ?? 0,
    }))
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, MAX_NEEDS)
    .map(({ createdAt: _createdAt, ...fit }) => fit);
}

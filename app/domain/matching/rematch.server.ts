import type { Db, Tx } from "~/db.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { ensureModelVersion } from "~/domain/credit/evaluate-enterprises.server";
import { Prisma } from "~/generated/prisma/client";
import type { MatchChangeKind } from "~/jobs/definitions";
import { ACTIVE_MATCHING_PARAMS, ACTIVE_MATCHING_VERSION } from "./models";
import { ACTIVE_NEED_SQL, isActiveNeed, loadCatalogue, loadMatchProducts, loadNeedInputs, matchingContext, type NeedInput } from "./match-inputs.server";
import { compileCatalogue, compileNeed, needsEligibleFor, rankNeed, type Catalogue, type NeedRanking } from "./rank";

/**
 * The thin shell around the pure matching module: it locks the needs, reads
 * their inputs, ranks them, and replaces their stored rankings — one
 * transaction per chunk, so a reader sees a need's old ranking or its new
 * one, never half of either. Running it twice gives the same rows (the
 * ranking is a function of its inputs), which is what makes every re-match
 * job safe to retry.
 */

/**
 * Every re-match transaction holds this advisory lock shared; the full
 * rebuild's swap holds it exclusively (rebuild-rankings.server.ts).
 */
export const REMATCH_LOCK_KEY = 7_302_026_0;

/** Needs ranked per transaction. */
const CHUNK = 1_000;
/** Needs read per page when looking for the ones a product could match. */
const SCAN_PAGE = 5_000;

export type RematchResult = { needs: number; ranked: number; eligiblePairs: number; keptRows: number; pairsChecked: number };

const empty = (): RematchResult => ({ needs: 0, ranked: 0, eligiblePairs: 0, keptRows: 0, pairsChecked: 0 });

function add(total: RematchResult, part: RematchResult): void {
  total.needs += part.needs;
  total.ranked += part.ranked;
  total.eligiblePairs += part.eligiblePairs;
  total.keptRows += part.keptRows;
  total.pairsChecked += part.pairsChecked;
}

/** Records the active matching parameters with their hash (once per process), before any ranking is written. */
export async function registerModel(db: Db): Promise<void> {
  await ensureModelVersion(db, ACTIVE_MATCHING_VERSION, ACTIVE_MATCHING_PARAMS, "MATCHING");
}

/** Ranks and stores one chunk of needs inside `tx`, with their rows locked. */
async function rematchChunk(tx: Tx, ids: readonly string[], catalogue: Catalogue | null, asOf: string): Promise<RematchResult> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(${REMATCH_LOCK_KEY}::bigint)`;
  const inputs = await loadNeedInputs(tx, Prisma.sql`n.id = ANY(${[...ids]}::uuid[])`, { lock: true });
  if (inputs.length === 0) return empty();
  const cat = catalogue ?? (await loadCatalogue(tx, asOf));
  const rankings: NeedRanking[] = [];
  const versions: number[] = [];
  const counts: number[] = [];
  for (const input of inputs) {
    // A need that has ended keeps no ranking: it leaves the SME's recommendations and every inbox.
    const ranking = isActiveNeed(input, asOf) ? rankNeed(compileNeed(input.need, input.enterprise, asOf), cat) : { needId: input.need.id, eligibleCount: 0, kept: [] };
    rankings.push(ranking);
    versions.push(input.version);
    counts.push(ranking.eligibleCount);
  }
  const needIds = inputs.map((i) => i.need.id);
  await tx.$executeRaw`DELETE FROM matches WHERE "needId" = ANY(${needIds}::uuid[])`;
  const rows = rankings.flatMap((r) => r.kept.map((m) => ({ needId: r.needId, m })));
  if (rows.length > 0) {
    await tx.$executeRaw`
      INSERT INTO matches ("needId", "productId", "institutionId", rank, score, "approvalPoints", "costPoints", "coveragePoints",
                           "responsePoints", "expectedRateBps", "bankBest")
      SELECT r.*
        FROM unnest(${rows.map((r) => r.needId)}::uuid[], ${rows.map((r) => r.m.product.id)}::uuid[], ${rows.map((r) => r.m.product.institutionId)}::uuid[],
                    ${rows.map((r) => r.m.rank)}::int[], ${rows.map((r) => r.m.points.score)}::int[], ${rows.map((r) => r.m.points.approval)}::int[],
                    ${rows.map((r) => r.m.points.cost)}::int[], ${rows.map((r) => r.m.points.coverage)}::int[], ${rows.map((r) => r.m.points.response)}::int[],
                    ${rows.map((r) => r.m.points.expectedRateBps)}::int[], ${rows.map((r) => r.m.bankBest)}::boolean[]) AS r`;
  }
  // Monitoring counts a need as matched (to a bank, to a product) once it ever was: the history outlives the ranking.
  await tx.$executeRaw`
    INSERT INTO need_match_history ("needId", "productId", "institutionId", "firstMatchedAt")
    SELECT "needId", "productId", "institutionId", now() AT TIME ZONE 'UTC' FROM matches WHERE "needId" = ANY(${needIds}::uuid[])
    ON CONFLICT DO NOTHING`;
  await tx.$executeRaw`
    INSERT INTO need_rankings ("needId", version, "modelVersion", "rankedAt", "eligibleCount")
    SELECT u.id, u.version, ${ACTIVE_MATCHING_VERSION}, now() AT TIME ZONE 'UTC', u.eligible
      FROM unnest(${needIds}::uuid[], ${versions}::int[], ${counts}::int[]) AS u(id, version, eligible)
    ON CONFLICT ("needId") DO UPDATE
       SET version = excluded.version, "modelVersion" = excluded."modelVersion", "rankedAt" = excluded."rankedAt", "eligibleCount" = excluded."eligibleCount"`;
  return {
    needs: inputs.length,
    ranked: rankings.filter((r) => r.kept.length > 0).length,
    eligiblePairs: counts.reduce((a, b) => a + b, 0),
    keptRows: rows.length,
    pairsChecked: inputs.length * cat.products.length,
  };
}

export type RematchOptions = {
  /** Rank against this catalogue instead of reading it per chunk. */
  catalogue?: Catalogue;
  asOf?: string;
  onProgress?: (done: number, total: number) => void;
};

/** Re-ranks exactly these needs (any status: an ended need loses its ranking). */
export async function rematchNeeds(db: Db, needIds: readonly string[], options: RematchOptions = {}): Promise<RematchResult> {
  await registerModel(db);
  const asOf = options.asOf ?? platformToday();
  const ids = [...new Set(needIds)].sort();
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += CHUNK) chunks.push(ids.slice(i, i + CHUNK));
  const total = empty();
  let next = 0;
  let done = 0;
  // Two chunks in flight: while Node ranks one, PostgreSQL reads or writes the other (chunks lock disjoint needs).
  const lane = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      const part = await db.$transaction((tx) => rematchChunk(tx, chunk, options.catalogue ?? null, asOf), { timeout: 120_000, maxWait: 30_000 });
      add(total, part);
      done += chunk.length;
      options.onProgress?.(done, ids.length);
    }
  };
  await Promise.all([lane(), lane()]);
  return total;
}

/**
 * Needs whose ranking is out of date: an open need ranked from an older
 * version of itself or of the model, or never; an ended need still holding rows.
 */
export async function rematchStale(db: Db, asOf: string = platformToday()): Promise<RematchResult> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT n.id::text AS id FROM financing_needs n
      LEFT JOIN need_rankings r ON r."needId" = n.id
     WHERE (${ACTIVE_NEED_SQL(asOf)} AND (r."needId" IS NULL OR r.version <> n.version OR r."modelVersion" <> ${ACTIVE_MATCHING_VERSION}))
        OR (NOT (${ACTIVE_NEED_SQL(asOf)}) AND EXISTS (SELECT 1 FROM matches m WHERE m."needId" = n.id))`;
  return rematchNeeds(db, rows.map((r) => r.id), { asOf });
}

/**
 * The needs a change to these products can move: those the products are
 * ranked for now (they may drop out) and the open needs they are eligible
 * for now (they may enter). Found with the pure rules over every open need.
 */
export async function needsAffectedByProducts(db: Db, productIds: readonly string[], asOf: string = platformToday()): Promise<string[]> {
  if (productIds.length === 0) return [];
  const affected = new Set<string>();
  const current = await db.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT "needId"::text AS id FROM matches WHERE "productId" = ANY(${[...productIds]}::uuid[])`;
  for (const r of current) affected.add(r.id);
  const products = await loadMatchProducts(db, productIds);
  const compiled = compileCatalogue(products, new Map(), matchingContext(asOf)).products.filter((p) => p.active);
  if (compiled.length === 0) return [...affected];
  // Only needs within the products' widest amount, term and rate bounds can match: PostgreSQL drops the rest.
  const bounds = Prisma.sql`n."amountFen" BETWEEN ${Math.min(...compiled.map((p) => p.minAmount))} AND ${Math.max(...compiled.map((p) => p.maxAmountRed))}
    AND n."termMonths" BETWEEN ${Math.min(...compiled.map((p) => p.minTerm))} AND ${Math.max(...compiled.map((p) => p.maxTerm))}
    AND n."maxRateBps" >= ${Math.min(...compiled.map((p) => p.bestRateRed))}`;
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const page: NeedInput[] = await loadNeedInputs(db, Prisma.sql`${ACTIVE_NEED_SQL(asOf)} AND ${bounds} AND n.id > ${after}::uuid`, { limit: SCAN_PAGE });
    const needs = page.map((input) => compileNeed(input.need, input.enterprise, asOf));
    for (const id of needsEligibleFor(compiled, needs)) affected.add(id);
    if (page.length < SCAN_PAGE) break;
    after = page[page.length - 1]!.need.id;
  }
  return [...affected];
}

export async function needsOfEnterprises(db: Db, enterpriseIds: readonly string[]): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT n.id::text AS id FROM financing_needs n
     WHERE n."enterpriseId" = ANY(${[...enterpriseIds]}::uuid[])
       AND (n.status IN ('OPEN', 'IN_PROGRESS') OR EXISTS (SELECT 1 FROM matches m WHERE m."needId" = n.id))`;
  return rows.map((r) => r.id);
}

export async function productsOfInstitution(db: Db, institutionId: string): Promise<string[]> {
  const rows = await db.product.findMany({ where: { institutionId }, select: { id: true } });
  return rows.map((r) => r.id);
}

/** What a re-match job asks for: re-rank exactly the needs these records' changes can move. */
export async function rematchForChange(
  db: Db,
  change: { kind: MatchChangeKind; ids: readonly string[] },
): Promise<RematchResult & { affected: number }> {
  let needIds: string[];
  switch (change.kind) {
    case "need":
      needIds = [...change.ids];
      break;
    case "product":
      needIds = await needsAffectedByProducts(db, change.ids);
      break;
    case "enterprise":
      needIds = await needsOfEnterprises(db, change.ids);
      break;
    case "institution": {
      const products = (await Promise.all(change.ids.map((id) => productsOfInstitution(db, id)))).flat();
      needIds = await needsAffectedByProducts(db, products);
      break;
    }
  }
  return { ...(await rematchNeeds(db, needIds)), affected: needIds.length };
}

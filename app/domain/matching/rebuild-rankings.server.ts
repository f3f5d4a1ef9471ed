import { once } from "node:events";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { env } from "~/config/env.server";
import type { Db } from "~/db.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { ensureModelVersion } from "~/domain/credit/evaluate-enterprises.server";
import { Prisma } from "~/generated/prisma/client";
import { ACTIVE_MATCHING_PARAMS, ACTIVE_MATCHING_VERSION } from "./models";
import { ACTIVE_NEED_SQL, loadCatalogue, loadNeedInputs, type NeedInput } from "./match-inputs.server";
import { compileNeed, rankNeed } from "./rank";
import { REMATCH_LOCK_KEY, rematchStale, type RematchResult } from "./rematch.server";

/**
 * The full re-match (a model change, the nightly pass, `npm run match:all`):
 * rather than replacing 100,000 needs' rows in place — millions of index
 * updates — it ranks every open need into a fresh table without indexes
 * (streamed with COPY while the ranking runs), builds the indexes once, and
 * swaps the table in. Readers see the old rankings until the swap and the new
 * ones after it, never a mixture.
 *
 * Incremental re-match jobs keep running meanwhile (each takes the rematch
 * lock shared); the swap takes it exclusively, so none is half-way through.
 * A need such a job re-ranked after this pass read its inputs keeps the
 * job's rows; a need that changed without being re-ranked yet gets this
 * pass's ranking, marked with the version it was made from, and its own job
 * replaces it after the swap.
 */

const NEEDS_PAGE = 5_000;
const COLUMNS = `"needId", "productId", "institutionId", rank, score, "approvalPoints", "costPoints", "coveragePoints", "responsePoints", "expectedRateBps", "bankBest", "modelVersion", "computedAt"`;
/** A second full pass while one runs would only repeat it. */
const REBUILD_LOCK_KEY = 7_302_026_1;

/** PostgreSQL's text form of a UTC timestamp, as Prisma stores DateTime in `timestamp(3)`. */
const pgTimestamp = (d: Date) => d.toISOString().replace("T", " ").replace("Z", "");

export type RebuildOptions = { asOf?: string; onProgress?: (done: number, total: number) => void | Promise<void> };

export async function rematchAll(db: Db, options: RebuildOptions = {}): Promise<RematchResult & { seconds: number }> {
  const started = Date.now();
  const asOf = options.asOf ?? platformToday();
  await ensureModelVersion(db, ACTIVE_MATCHING_VERSION, ACTIVE_MATCHING_PARAMS, "MATCHING");
  const result: RematchResult = { needs: 0, ranked: 0, eligiblePairs: 0, keptRows: 0, pairsChecked: 0 };
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    const { rows: got } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [REBUILD_LOCK_KEY]);
    if (!got[0]!.ok) throw new Error("a full re-match is already running");
    // What this pass reads is as of now: anything re-ranked later by a job is newer than it.
    const { rows: clock } = await client.query<{ now: Date }>("SELECT clock_timestamp() AS now");
    const readAt = clock[0]!.now;
    const catalogue = await loadCatalogue(db, asOf);

    await client.query("DROP TABLE IF EXISTS matches_next");
    await client.query("CREATE TABLE matches_next (LIKE matches INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
    const copy = client.query(copyFrom(`COPY matches_next (${COLUMNS}) FROM STDIN`));
    const now = pgTimestamp(new Date());
    const total = (await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM financing_needs n WHERE ${ACTIVE_NEED_SQL(asOf)}`)[0]!.n;
    const ranked: { id: string; version: number; eligible: number }[] = [];
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const page: NeedInput[] = await loadNeedInputs(db, Prisma.sql`${ACTIVE_NEED_SQL(asOf)} AND n.id > ${after}::uuid`, { limit: NEEDS_PAGE });
      let chunk = "";
      for (const input of page) {
        const ranking = rankNeed(compileNeed(input.need, input.enterprise, asOf), catalogue);
        for (const m of ranking.kept) {
          const p = m.points;
          chunk += `${input.need.id}\t${m.product.id}\t${m.product.institutionId}\t${m.rank}\t${p.score}\t${p.approval}\t${p.cost}\t${p.coverage}\t${p.response}\t${p.expectedRateBps}\t${m.bankBest ? "t" : "f"}\t${ACTIVE_MATCHING_VERSION}\t${now}\n`;
        }
        ranked.push({ id: input.need.id, version: input.version, eligible: ranking.eligibleCount });
        result.eligiblePairs += ranking.eligibleCount;
        result.keptRows += ranking.kept.length;
        if (ranking.kept.length > 0) result.ranked++;
        // Written in pieces as it grows, waiting when PostgreSQL is behind, so memory stays flat.
        if (chunk.length > 1 << 20) {
          if (!copy.write(chunk)) await once(copy, "drain");
          chunk = "";
        }
      }
      if (chunk && !copy.write(chunk)) await once(copy, "drain");
      await options.onProgress?.(ranked.length, total);
      if (page.length < NEEDS_PAGE) break;
      after = page[page.length - 1]!.need.id;
    }
    copy.end();
    await once(copy, "finish");
    result.needs = ranked.length;
    result.pairsChecked = ranked.length * catalogue.products.length;

    // The indexes the migrations define, built once over the whole table (named so after the swap).
    await client.query(`ALTER TABLE matches_next ADD CONSTRAINT matches_next_pkey PRIMARY KEY ("needId", "productId")`);
    await client.query(`CREATE INDEX matches_next_institution_idx ON matches_next ("institutionId", "bankBest", score DESC)`);
    await client.query(`CREATE INDEX matches_next_product_idx ON matches_next ("productId")`);

    await client.query("BEGIN");
    try {
      // No incremental re-match is half-way through while the tables change hands.
      await client.query("SELECT pg_advisory_xact_lock($1)", [REMATCH_LOCK_KEY]);
      await client.query("LOCK TABLE matches IN ACCESS EXCLUSIVE MODE");
      // Needs a job re-ranked after this pass read them keep the job's (newer) rows.
      const touched = await client.query<{ id: string }>(`SELECT id::text AS id FROM financing_needs WHERE "matchedAt" > $1`, [readAt]);
      const touchedIds = touched.rows.map((r) => r.id);
      if (touchedIds.length > 0) {
        await client.query(`DELETE FROM matches_next WHERE "needId" = ANY($1::uuid[])`, [touchedIds]);
        await client.query(`INSERT INTO matches_next (${COLUMNS}) SELECT ${COLUMNS} FROM matches WHERE "needId" = ANY($1::uuid[])`, [touchedIds]);
      }
      const skip = new Set(touchedIds);
      const mine = ranked.filter((r) => !skip.has(r.id));
      await client.query(
        `UPDATE financing_needs AS n
            SET "matchedVersion" = u.version, "matchModelVersion" = $4, "matchedAt" = $5, "eligibleCount" = u.eligible
           FROM unnest($1::uuid[], $2::int[], $3::int[]) AS u(id, version, eligible)
          WHERE n.id = u.id`,
        [mine.map((r) => r.id), mine.map((r) => r.version), mine.map((r) => r.eligible), ACTIVE_MATCHING_VERSION, now],
      );
      await client.query("DROP TABLE matches");
      await client.query("ALTER TABLE matches_next RENAME TO matches");
      await client.query("ALTER TABLE matches RENAME CONSTRAINT matches_next_pkey TO matches_pkey");
      await client.query(`ALTER INDEX matches_next_institution_idx RENAME TO "matches_institutionId_bankBest_score_idx"`);
      await client.query(`ALTER INDEX matches_next_product_idx RENAME TO "matches_productId_idx"`);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
    await client.query("ANALYZE matches");
    await client.query("SELECT pg_advisory_unlock($1)", [REBUILD_LOCK_KEY]);
  } finally {
    // After a failure the half-built table goes; the old rankings stand. (After success it is already gone.)
    try {
      await client.query("DROP TABLE IF EXISTS matches_next");
    } catch (error) {
      console.warn(JSON.stringify({ message: "could not drop matches_next", reason: error instanceof Error ? error.message : String(error) }));
    }
    await client.end();
  }
  // Needs that ended since (or were never active) lose any ranking they still had; cheap, they are few.
  await rematchStale(db, asOf);
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

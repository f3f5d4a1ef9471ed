import { once } from "node:events";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { env } from "~/config/env.server";
import type { Db } from "~/db.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { Prisma } from "~/generated/prisma/client";
import { ACTIVE_MATCHING_VERSION } from "./models";
import { ACTIVE_NEED_SQL, loadCatalogue, loadNeedInputs, type NeedInput } from "./match-inputs.server";
import { compileNeed, rankNeed } from "./rank";
import { REMATCH_LOCK_KEY, registerModel, rematchStale, type RematchResult } from "./rematch.server";

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
const COLUMNS = `"needId", "productId", "institutionId", rank, score, "approvalPoints", "costPoints", "coveragePoints", "responsePoints", "expectedRateBps", "bankBest"`;
/** Two COPY streams, so two PostgreSQL backends take rows while Node ranks the next page. */
const STREAMS = 2;
/** Sorting memory for the index builds (a session setting, this connection only). */
const INDEX_BUILD_MEMORY = "256MB";
/** A second full pass while one runs would only repeat it. */
const REBUILD_LOCK_KEY = 7_302_026_1;


export type RebuildOptions = { asOf?: string; onProgress?: (done: number, total: number) => void | Promise<void> };

export type RebuildResult = RematchResult & {
  seconds: number;
  /** Where the time went: ranking while streaming rows, building the indexes, the swap (with ANALYZE). */
  phases: { rankAndCopyMs: number; indexesMs: number; swapMs: number };
};

/**
 * A connection of the pass's own. One the server ends while it sits idle (a
 * database restart, a failover, an administrator) emits 'error'; with no
 * listener that would end the whole worker process. The pass instead fails at
 * its next statement, its half-built table is dropped, and its job is retried.
 */
function connectionKeepingTheProcess(): pg.Client {
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  client.on("error", (error) => console.warn(JSON.stringify({ message: "full re-match lost a database connection", reason: error.message })));
  return client;
}

export async function rematchAll(db: Db, options: RebuildOptions = {}): Promise<RebuildResult> {
  const started = Date.now();
  const phases = { rankAndCopyMs: 0, indexesMs: 0, swapMs: 0 };
  const asOf = options.asOf ?? platformToday();
  await registerModel(db);
  const result: RematchResult = { needs: 0, ranked: 0, eligiblePairs: 0, keptRows: 0, pairsChecked: 0 };
  const client = connectionKeepingTheProcess();
  await client.connect();
  const writers: pg.Client[] = [];
  try {
    const { rows: got } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [REBUILD_LOCK_KEY]);
    if (!got[0]!.ok) throw new Error("a full re-match is already running");
    // What this pass reads is as of now: anything re-ranked later by a job is newer than it.
    // (Naive UTC text, as the timestamp columns hold it.)
    const { rows: clock } = await client.query<{ now: string }>(`SELECT (clock_timestamp() AT TIME ZONE 'UTC')::text AS now`);
    const readAt = clock[0]!.now;
    const catalogue = await loadCatalogue(db, asOf);

    await client.query("DROP TABLE IF EXISTS matches_next, need_rankings_next");
    await client.query("CREATE TABLE matches_next (LIKE matches INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
    await client.query("CREATE TABLE need_rankings_next (LIKE need_rankings INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
    for (let i = 0; i < STREAMS; i++) {
      const writer = connectionKeepingTheProcess();
      await writer.connect();
      writers.push(writer);
    }
    const streams = writers.map((w) => w.query(copyFrom(`COPY matches_next (${COLUMNS}) FROM STDIN`)));
    const total = (await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM financing_needs n WHERE ${ACTIVE_NEED_SQL(asOf)}`)[0]!.n;
    const ranked: { id: string; version: number; eligible: number }[] = [];
    const readPage = (after: string) => loadNeedInputs(db, Prisma.sql`${ACTIVE_NEED_SQL(asOf)} AND n.id > ${after}::uuid`, { limit: NEEDS_PAGE });
    let page: NeedInput[] = await readPage("00000000-0000-0000-0000-000000000000");
    for (let p = 0; ; p++) {
      // The next page is read while this one is ranked.
      const next = page.length === NEEDS_PAGE ? readPage(page[page.length - 1]!.need.id) : null;
      const stream = streams[p % STREAMS]!;
      let chunk = "";
      for (const input of page) {
        const ranking = rankNeed(compileNeed(input.need, input.enterprise, asOf), catalogue);
        for (const m of ranking.kept) {
          const q = m.points;
          chunk += `${input.need.id}\t${m.product.id}\t${m.product.institutionId}\t${m.rank}\t${q.score}\t${q.approval}\t${q.cost}\t${q.coverage}\t${q.response}\t${q.expectedRateBps}\t${m.bankBest ? "t" : "f"}\n`;
        }
        ranked.push({ id: input.need.id, version: input.version, eligible: ranking.eligibleCount });
        result.eligiblePairs += ranking.eligibleCount;
        result.keptRows += ranking.kept.length;
        if (ranking.kept.length > 0) result.ranked++;
        // Written in pieces as it grows, waiting when PostgreSQL is behind, so memory stays flat.
        if (chunk.length > 1 << 20) {
          if (!stream.write(chunk)) await once(stream, "drain");
          chunk = "";
        }
      }
      if (chunk && !stream.write(chunk)) await once(stream, "drain");
      await options.onProgress?.(ranked.length, total);
      if (!next) break;
      page = await next;
    }
    for (const stream of streams) stream.end();
    await Promise.all(streams.map((stream) => once(stream, "finish")));
    result.needs = ranked.length;
    result.pairsChecked = ranked.length * catalogue.products.length;

    // One row per need ranked: its version, the model, when, how many products were eligible.
    // (The stamp first: a connection runs one statement at a time, and the COPY holds it until it ends.)
    const { rows: stamp } = await client.query<{ now: string }>(`SELECT (now() AT TIME ZONE 'UTC')::text AS now`);
    const rankings = client.query(copyFrom(`COPY need_rankings_next ("needId", version, "modelVersion", "rankedAt", "eligibleCount") FROM STDIN`));
    for (let i = 0; i < ranked.length; i += 10_000) {
      const piece = ranked.slice(i, i + 10_000).map((r) => `${r.id}\t${r.version}\t${ACTIVE_MATCHING_VERSION}\t${stamp[0]!.now}\t${r.eligible}\n`).join("");
      if (!rankings.write(piece)) await once(rankings, "drain");
    }
    rankings.end();
    await once(rankings, "finish");
    phases.rankAndCopyMs = Date.now() - started;
    // The indexes the migrations define, built once over the whole table (named so after the swap).
    await client.query(`SET maintenance_work_mem = '${INDEX_BUILD_MEMORY}'`);
    // The two builds run side by side on the two connections.
    await Promise.all([
      client
        .query(`ALTER TABLE matches_next ADD CONSTRAINT matches_next_pkey PRIMARY KEY ("needId", "productId")`)
        .then(() => client.query(`ALTER TABLE need_rankings_next ADD CONSTRAINT need_rankings_next_pkey PRIMARY KEY ("needId")`)),
      writers[0]!
        .query(`SET maintenance_work_mem = '${INDEX_BUILD_MEMORY}'`)
        .then(() => writers[0]!.query(`CREATE INDEX matches_next_institution_idx ON matches_next ("institutionId", "bankBest", score DESC)`)),
    ]);

    phases.indexesMs = Date.now() - started - phases.rankAndCopyMs;
    // The match history (monitoring's "matched") keeps every pair ranked, before the swap and outside its lock.
    await client.query(
      `INSERT INTO need_match_history ("needId", "productId", "institutionId", "firstMatchedAt")
       SELECT "needId", "productId", "institutionId", $1::timestamp FROM matches_next ON CONFLICT DO NOTHING`,
      [stamp[0]!.now],
    );
    await client.query("BEGIN");
    try {
      // No incremental re-match is half-way through while the tables change hands.
      await client.query("SELECT pg_advisory_xact_lock($1)", [REMATCH_LOCK_KEY]);
      await client.query("LOCK TABLE matches, need_rankings IN ACCESS EXCLUSIVE MODE");
      // Needs a job re-ranked after this pass read them keep the job's (newer) rows.
      const touched = await client.query<{ id: string }>(`SELECT "needId"::text AS id FROM need_rankings WHERE "rankedAt" > $1::timestamp`, [readAt]);
      const touchedIds = touched.rows.map((r) => r.id);
      if (touchedIds.length > 0) {
        await client.query(`DELETE FROM matches_next WHERE "needId" = ANY($1::uuid[])`, [touchedIds]);
        await client.query(`INSERT INTO matches_next (${COLUMNS}) SELECT ${COLUMNS} FROM matches WHERE "needId" = ANY($1::uuid[])`, [touchedIds]);
        await client.query(`DELETE FROM need_rankings_next WHERE "needId" = ANY($1::uuid[])`, [touchedIds]);
        await client.query(`INSERT INTO need_rankings_next SELECT * FROM need_rankings WHERE "needId" = ANY($1::uuid[])`, [touchedIds]);
      }
      await client.query("DROP TABLE matches, need_rankings");
      await client.query("ALTER TABLE matches_next RENAME TO matches");
      await client.query("ALTER TABLE matches RENAME CONSTRAINT matches_next_pkey TO matches_pkey");
      await client.query(`ALTER INDEX matches_next_institution_idx RENAME TO "matches_institutionId_bankBest_score_idx"`);
      await client.query("ALTER TABLE need_rankings_next RENAME TO need_rankings");
      await client.query("ALTER TABLE need_rankings RENAME CONSTRAINT need_rankings_next_pkey TO need_rankings_pkey");
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
    await client.query("ANALYZE matches, need_rankings");
    phases.swapMs = Date.now() - started - phases.rankAndCopyMs - phases.indexesMs;
    await client.query("SELECT pg_advisory_unlock($1)", [REBUILD_LOCK_KEY]);
  } finally {
    // After a failure the half-built table goes; the old rankings stand. (After success it is already gone.)
    try {
      await client.query("DROP TABLE IF EXISTS matches_next, need_rankings_next");
    } catch (error) {
      console.warn(JSON.stringify({ message: "could not drop matches_next, need_rankings_next", reason: error instanceof Error ? error.message : String(error) }));
    }
    await client.end();
    await Promise.all(writers.map((w) => w.end()));
  }
  // Needs that ended since (or were never active) lose any ranking they still had; cheap, they are few.
  await rematchStale(db, asOf);
  return { ...result, seconds: (Date.now() - started) / 1000, phases };
}

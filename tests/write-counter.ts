/**
 * Counting writes, to prove a refused request changed nothing: a
 * statement-level AFTER INSERT/UPDATE/DELETE trigger on every table of the
 * test file's own database records the rows each statement touched.
 * Transactional, so a rolled-back write leaves the count as it was; counting
 * transition-table rows, so a statement that matches nothing is not a write.
 */
import { prisma } from "~/db.server";

const COUNTER = "test_write_counter";

/** Installs the triggers (again, if a migration added tables since). */
export async function installWriteCounter(): Promise<void> {
  // One row appended per writing statement, never one row updated: concurrent transactions of the
  // app (two chunks in flight) would otherwise queue on the counter's row lock while the app waits
  // for both, a deadlock PostgreSQL cannot see.
  await prisma.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS ${COUNTER} (id bigserial PRIMARY KEY, table_name text NOT NULL, writes bigint NOT NULL)`);
  for (const [name, rows] of [
    ["test_count_new", "test_new_rows"],
    ["test_count_old", "test_old_rows"],
  ] as const) {
    await prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE n bigint;
      BEGIN
        SELECT count(*) INTO n FROM ${rows};
        IF n > 0 THEN INSERT INTO ${COUNTER} (table_name, writes) VALUES (TG_TABLE_NAME, n); END IF;
        RETURN NULL;
      END $$`);
  }
  const tables = await prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND c.relname NOT IN ('${COUNTER}', '_prisma_migrations')`,
  );
  for (const { name } of tables) {
    const table = `"${name.replace(/"/g, '""')}"`;
    for (const [trigger, event, transition] of [
      ["test_ins", "INSERT", "NEW TABLE AS test_new_rows"],
      ["test_upd", "UPDATE", "NEW TABLE AS test_new_rows"],
      ["test_del", "DELETE", "OLD TABLE AS test_old_rows"],
    ] as const) {
      const fn = event === "DELETE" ? "test_count_old" : "test_count_new";
      await prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${trigger} ON ${table}`);
      await prisma.$executeRawUnsafe(`CREATE TRIGGER ${trigger} AFTER ${event} ON ${table} REFERENCING ${transition} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
    }
  }
}

/** Rows written per table so far, leaving out the tables named. */
export async function writeCounts(ignore: readonly string[] = []): Promise<Record<string, number>> {
  const rows = await prisma.$queryRawUnsafe<{ table_name: string; n: bigint }[]>(
    `SELECT table_name, sum(writes)::bigint AS n FROM ${COUNTER} WHERE NOT (table_name = ANY($1::text[])) GROUP BY table_name`,
    [...ignore],
  );
  return Object.fromEntries(rows.map((r) => [r.table_name, Number(r.n)]));
}

/** Rows written in all so far and the table written last, leaving out the tables named. */
export async function writeTotal(ignore: readonly string[] = []): Promise<{ writes: bigint; lastTable: string | null }> {
  const [row] = await prisma.$queryRawUnsafe<{ writes: bigint | null; last_table: string | null }[]>(
    `SELECT (SELECT sum(writes) FROM ${COUNTER} WHERE NOT (table_name = ANY($1::text[])))::bigint AS writes,
            (SELECT table_name FROM ${COUNTER} WHERE NOT (table_name = ANY($1::text[])) ORDER BY id DESC LIMIT 1) AS last_table`,
    [...ignore],
  );
  return { writes: BigInt(row?.writes ?? 0), lastTable: row?.last_table ?? null };
}

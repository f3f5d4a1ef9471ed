/**
 * The database the migrations produce must be exactly the one schema.prisma
 * describes. Two databases are built — one by `migrate deploy` (this file's own
 * database, copied from the migrated template), one by executing the SQL Prisma
 * derives from schema.prisma alone — and their catalogs compared: tables,
 * columns (type, nullability, default), enums and their order, indexes, keys
 * and foreign keys. Triggers, functions, CHECK constraints, GIN and partial indexes, which
 * schema.prisma cannot express, are compared separately against a known list.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, dropDatabase, schemaSql, withDatabase } from "../../scripts/lib/db-admin";

const CATALOG_QUERIES = {
  columns: `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, character_maximum_length
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
            ORDER BY table_name, column_name`,
  enums: `SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels
          FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY t.typname`,
  indexes: `SELECT tablename, indexname, indexdef FROM pg_indexes
            WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' AND indexdef NOT LIKE '% USING gin %'
              AND indexdef NOT LIKE '% WHERE %'
            ORDER BY tablename, indexname`,
  constraints: `SELECT conrelid::regclass::text AS tbl, conname, contype, pg_get_constraintdef(oid) AS def
                FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype IN ('p','u','f')
                  AND conrelid::regclass::text <> '_prisma_migrations'
                ORDER BY 1, 2`,
};

type Catalog = Record<keyof typeof CATALOG_QUERIES, unknown[]> & { extras: string[] };

async function catalog(url: string): Promise<Catalog> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, unknown[]> = {};
    for (const [name, sql] of Object.entries(CATALOG_QUERIES)) out[name] = (await client.query(sql)).rows;
    const extras = await client.query(`
      SELECT 'trigger:' || tgname AS item FROM pg_trigger WHERE NOT tgisinternal
      UNION ALL SELECT 'function:' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
      UNION ALL SELECT 'check:' || conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype = 'c'
      -- GIN indexes on columns schema.prisma cannot type (tsvector) are hand-written.
      UNION ALL SELECT 'index:' || indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE '% USING gin %'
      -- So are partial indexes (a WHERE clause).
      UNION ALL SELECT 'index:' || indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE '% WHERE %'
      ORDER BY 1`);
    return { ...(out as Record<keyof typeof CATALOG_QUERIES, unknown[]>), extras: extras.rows.map((r: { item: string }) => r.item) };
  } finally {
    await client.end();
  }
}

const fromSchema = withDatabase(process.env.DATABASE_URL!, `${new URL(process.env.DATABASE_URL!).pathname.slice(1)}_schema`);
afterAll(() => dropDatabase(fromSchema));

describe("migrations", () => {
  it("produce exactly the database schema.prisma describes", async () => {
    await createDatabase(fromSchema);
    const sql = await schemaSql(fromSchema);
    const client = new pg.Client({ connectionString: fromSchema });
    await client.connect();
    await client.query(sql);
    await client.end();

    const migrated = await catalog(process.env.DATABASE_URL!);
    const declared = await catalog(fromSchema);
    expect(migrated.columns).toEqual(declared.columns);
    expect(migrated.enums).toEqual(declared.enums);
    expect(migrated.indexes).toEqual(declared.indexes);
    expect(migrated.constraints).toEqual(declared.constraints);
    expect(migrated.columns.length).toBeGreaterThan(300);

    // What only the hand-written SQL adds, and nothing else (the keywords GIN index is declared in schema.prisma).
    expect(declared.extras).toEqual(["index:search_documents_keywords_idx"]);
    expect(migrated.extras).toEqual([
      "check:instalments_amounts_check",
      "check:ledger_accounts_balances_not_negative",
      "check:ledger_accounts_credits_within_debits",
      "check:ledger_accounts_debits_within_credits",
      "check:ledger_transfers_amount_not_negative",
      "check:loans_amounts_check",
      "check:memberships_one_home",
      "check:monitoring_refresh_state_one_row",
      "check:repayments_amounts_check",
      "function:audit_log_refuse_change",
      "function:ledger_accounts_balances_only",
      "function:ledger_refuse_change",
      "index:applications_one_live_per_product",
      "index:claims_one_open_per_loan",
      "index:search_documents_document_idx",
      "index:search_documents_keywords_idx",
      "index:search_documents_searchText_idx",
      "trigger:audit_log_no_truncate",
      "trigger:audit_log_no_update_delete",
      "trigger:ledger_account_balances_no_truncate",
      "trigger:ledger_account_balances_no_update_delete",
      "trigger:ledger_accounts_balances_only",
      "trigger:ledger_accounts_no_truncate",
      "trigger:ledger_transfers_no_truncate",
      "trigger:ledger_transfers_no_update_delete",
    ]);
  });
});

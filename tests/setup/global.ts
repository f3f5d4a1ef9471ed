/**
 * Once per test run: a template database with every migration applied and the
 * roles seeded. Each test file then gets its own copy (tests/setup/database.ts),
 * so files run in parallel without seeing each other's rows.
 */
import pg from "pg";
import { createDatabase, dropDatabase, ensureReachable, migrateDeploy, withDatabase } from "../../scripts/lib/db-admin";

const BASE = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const TEMPLATE = `xyd_test_template_${process.pid}`;

export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  const problems = await ensureReachable(BASE, process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0");
  if (problems.length) throw new Error(problems.join("\n"));
  const url = withDatabase(BASE, TEMPLATE);
  await dropDatabase(url);
  await createDatabase(url);
  await migrateDeploy(url);
  // Roles are reference data every test needs; written with plain SQL to keep app modules out of this process.
  const { ROLE_DEFINITIONS } = await import("../../app/domain/access/permissions");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  for (const r of ROLE_DEFINITIONS) {
    await client.query(
      `INSERT INTO roles (key, "nameZh", "nameEn", permissions, "updatedAt") VALUES ($1, $2, $3, $4, now())`,
      [r.key, r.nameZh, r.nameEn, [...r.permissions]],
    );
  }
  await client.end();
  provide("templateDatabase", TEMPLATE);
  provide("baseDatabaseUrl", BASE);
  return async () => {
    await dropDatabase(url);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
    baseDatabaseUrl: string;
  }
}

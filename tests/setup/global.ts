/**
 * Once per test run: a template database with every migration applied and the
 * roles seeded. Each test file then gets its own copy (tests/setup/database.ts),
 * so files run in parallel without seeing each other's rows.
 */
import { createDatabase, dropDatabase, ensureReachable, migrateDeploy, withDatabase } from "../../scripts/lib/db-admin";

const BASE = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const TEMPLATE = `xyd_test_template_${process.pid}`;

export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  const problems = await ensureReachable(BASE, process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0");
  if (problems.length) throw new Error(problems.join("\n"));
  const url = withDatabase(BASE, TEMPLATE);
  await dropDatabase(url);
  await createDatabase(url);
  await migrateDeploy(url);
  // Roles are reference data every test needs, written by the same function the seed uses.
  const { createPrismaClient } = await import("../../app/db.server");
  const { seedRoles } = await import("../../prisma/seed/seed");
  const db = createPrismaClient(url);
  await seedRoles(db);
  await db.$disconnect();
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

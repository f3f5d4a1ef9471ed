/**
 * `npm run db:migration:new -- <name>`: writes the SQL that takes the database
 * from the schema of the last migration (prisma/migrations/schema.snapshot.prisma)
 * to prisma/schema.prisma, as a new migration directory, and moves the snapshot on.
 * Hand-written SQL that Prisma cannot express (triggers) may be appended.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createDatabase, deriveMigratorSchema, diffSql, dropDatabase, ROOT, schemaSql, withDatabase } from "./lib/db-admin";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration:new -- <name_in_snake_case>");
  process.exit(2);
}
const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/xinyidai";
const scratch = withDatabase(base, `xyd_scratch_${process.pid}`);
const snapshot = join(ROOT, "prisma", "migrations", "schema.snapshot.prisma");
await createDatabase(scratch);
try {
  const sql = existsSync(snapshot) ? await diffSql(snapshot, scratch) : await schemaSql(scratch);
  if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
    console.log("schema.prisma matches the last migration: nothing to write.");
    process.exit(0);
  }
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const dir = join(ROOT, "prisma", "migrations", `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "migration.sql"), sql);
  copyFileSync(deriveMigratorSchema(), snapshot);
  console.log(`Wrote ${dir}/migration.sql`);
} finally {
  await dropDatabase(scratch);
}

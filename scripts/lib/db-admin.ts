/**
 * Database administration used by the demo, the test runner and the migration
 * commands: create/drop databases and apply migrations with Prisma 6's
 * WebAssembly schema engine (docs/decisions/0002-offline-migrations.md).
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MIGRATOR = join(ROOT, "prisma", "migrator");
const PRISMA6 = join(MIGRATOR, "node_modules", ".bin", "prisma");

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

/** A connection to the server's maintenance database, for CREATE/DROP DATABASE. */
async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(url, "postgres") });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function databaseExists(url: string): Promise<boolean> {
  return admin(url, async (c) => (await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [databaseName(url)])).rowCount === 1);
}

export async function createDatabase(url: string, template?: string): Promise<void> {
  await admin(url, (c) =>
    c.query(`CREATE DATABASE ${quoteIdent(databaseName(url))}${template ? ` TEMPLATE ${quoteIdent(template)}` : ""}`),
  );
}

export async function dropDatabase(url: string): Promise<void> {
  await admin(url, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`));
}

/**
 * Prisma 6 reads a schema that declares `url` and an engine-less generator;
 * Prisma 7 forbids both. The migrator's copy is derived from the one source.
 */
export function deriveMigratorSchema(): string {
  const source = readFileSync(join(ROOT, "prisma", "schema.prisma"), "utf8");
  const derived = source
    .replace(/generator client \{[^}]*\}/, 'generator client {\n  provider   = "prisma-client-js"\n  engineType = "client"\n}')
    .replace(/datasource db \{[^}]*\}/, 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}');
  const target = join(MIGRATOR, "schema.prisma");
  writeFileSync(target, `// Derived from ../schema.prisma by scripts/lib/db-admin.ts. Do not edit.\n${derived}`);
  return target;
}

async function prisma6(args: string[], databaseUrl: string): Promise<string> {
  deriveMigratorSchema();
  const { stdout } = await run(PRISMA6, args, {
    cwd: MIGRATOR,
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Applies every pending migration (idempotent: applied ones are skipped). */
export async function migrateDeploy(databaseUrl: string): Promise<string> {
  if (!(await databaseExists(databaseUrl))) await createDatabase(databaseUrl);
  return prisma6(["migrate", "deploy"], databaseUrl);
}

/** The SQL that creates schema.prisma's model in an empty database, as Prisma computes it. */
export async function schemaSql(scratchUrl: string): Promise<string> {
  return prisma6(["migrate", "diff", "--from-empty", "--to-schema-datamodel", "schema.prisma", "--script"], scratchUrl);
}

/** SQL from one datamodel file to the current schema (for a new migration). */
export async function diffSql(fromSchemaFile: string, scratchUrl: string): Promise<string> {
  return prisma6(["migrate", "diff", "--from-schema-datamodel", fromSchemaFile, "--to-schema-datamodel", "schema.prisma", "--script"], scratchUrl);
}

export async function ensureReachable(databaseUrl: string, redisUrl: string): Promise<string[]> {
  const problems: string[] = [];
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, "postgres"), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    problems.push(
      `PostgreSQL is not reachable at ${new URL(databaseUrl).host} (${(error as Error).message}).\n` +
        `  Start it:  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n` +
        `  or set DATABASE_URL to a server you can reach.`,
    );
  }
  const { Redis } = await import("ioredis");
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    problems.push(
      `Redis is not reachable at ${new URL(redisUrl).host} (${(error as Error).message}).\n` +
        `  Start it:  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no\n` +
        `  or set REDIS_URL to a server you can reach.`,
    );
  } finally {
    redis.disconnect();
  }
  return problems;
}

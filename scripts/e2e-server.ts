/**
 * The system under end-to-end test: a fresh database migrated and seeded with
 * a small demo city, served by the production build on E2E_PORT, with the
 * background worker (credit imports and re-evaluations run there).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { Redis } from "ioredis";
import { dropDatabase, migrateDeploy, ROOT, withDatabase } from "./lib/db-admin";

const port = process.env.E2E_PORT ?? "3210";
const url = withDatabase(process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres", "xyd_e2e");
const redisPrefix = "xyd-e2e";
const env = { ...process.env, DATABASE_URL: url, REDIS_PREFIX: redisPrefix, PORT: port, NODE_ENV: "production", SESSION_SECRET: "e2e-session-secret-at-least-32-characters-long" };
const tsx = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

await dropDatabase(url);
await migrateDeploy(url);

// Queued jobs and rate-limit counters of an earlier run name rows of the dropped database: start clean.
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0", { maxRetriesPerRequest: 1 });
for (let cursor = "0"; ; ) {
  const [next, keys] = await redis.scan(cursor, "MATCH", `${redisPrefix}:*`, "COUNT", 1000);
  if (keys.length) await redis.del(...keys);
  cursor = next;
  if (cursor === "0") break;
}
await redis.quit();

const seed = spawn(process.execPath, [tsx, "prisma/seed/main.ts", "--enterprises", "300"], { cwd: ROOT, env, stdio: "inherit" });
const code = await new Promise<number | null>((resolve) => seed.on("exit", resolve));
if (code !== 0) process.exit(code ?? 1);

const children: ChildProcess[] = [
  spawn(process.execPath, ["server.mjs"], { cwd: ROOT, env, stdio: "inherit" }),
  spawn(process.execPath, [tsx, "workers/main.ts"], { cwd: ROOT, env, stdio: "inherit" }),
];
let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
};
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => stop(signal));
let running = children.length;
for (const child of children) {
  child.on("exit", (c) => {
    // One process stopping on its own stops the other: the system under test is both.
    if (!stopping) {
      process.exitCode = c || 1;
      stop("SIGTERM");
    }
    if (--running === 0) process.exit(process.exitCode ?? 0);
  });
}

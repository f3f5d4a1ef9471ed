/**
 * The system under end-to-end test: a fresh database migrated and seeded with
 * a small demo city, served by the production build on E2E_PORT.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { dropDatabase, migrateDeploy, ROOT, withDatabase } from "./lib/db-admin";

const port = process.env.E2E_PORT ?? "3210";
const url = withDatabase(process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres", "xyd_e2e");
const env = { ...process.env, DATABASE_URL: url, REDIS_PREFIX: "xyd-e2e", PORT: port, NODE_ENV: "production", SESSION_SECRET: "e2e-session-secret-at-least-32-characters-long" };

await dropDatabase(url);
await migrateDeploy(url);
const seed = spawn(process.execPath, [join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "prisma/seed/main.ts", "--enterprises", "300"], { cwd: ROOT, env, stdio: "inherit" });
const code = await new Promise<number | null>((resolve) => seed.on("exit", resolve));
if (code !== 0) process.exit(code ?? 1);

const web = spawn(process.execPath, ["server.mjs"], { cwd: ROOT, env, stdio: "inherit" });
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => web.kill(signal));
web.on("exit", (c) => process.exit(c ?? 0));

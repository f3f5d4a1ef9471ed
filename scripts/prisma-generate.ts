/**
 * Generates the Prisma 7 client offline. The CLI insists on a schema-engine
 * binary before generating, although generation never runs it; pointing the
 * variable at any existing executable stops it from trying to download one.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./lib/db-admin";

execFileSync(join(ROOT, "node_modules", ".bin", "prisma"), ["generate"], {
  cwd: ROOT,
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/xinyidai",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});

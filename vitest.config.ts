import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import LongestFirst from "./tests/setup/sequencer";

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ["app/**/*.test.ts", "app/**/*.test.tsx", "tests/**/*.test.ts", "workers/**/*.test.ts", "prisma/**/*.test.ts"],
    exclude: ["**/node_modules/**", "e2e/**"],
    globalSetup: ["tests/setup/global.ts"],
    setupFiles: ["tests/setup/database.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // A file spends much of its time waiting on PostgreSQL, Redis or a child process: one per core, never fewer than two.
    maxWorkers: Math.max(2, availableParallelism()),
    sequence: { sequencer: LongestFirst },
  },
});

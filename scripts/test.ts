/**
 * `npm test`: typecheck, unit and integration tests (Vitest, against the real
 * PostgreSQL and Redis, one database per test file), production build, the
 * service-restart scenario (Redis and PostgreSQL restarted under load, on
 * servers of its own), and end-to-end tests (Playwright in Debian's Chromium).
 * Ends with one line "N passed, N failed" summing them.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { chromiumPath } from "./lib/chromium";
import { ensureReachable, ROOT } from "./lib/db-admin";

const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);
const started = Date.now();

function step(title: string, command: string, args: string[]): boolean {
  console.log(`\n━━ ${title}`);
  const t = Date.now();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit" });
  console.log(`━━ ${title}: ${result.status === 0 ? "ok" : "FAILED"} (${((Date.now() - t) / 1000).toFixed(0)} s)`);
  return result.status === 0;
}

const problems = await ensureReachable(
  process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0",
);
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
if (!existsSync(chromiumPath())) {
  console.error("Chromium is missing: install Debian's packages with  apt-get install -y chromium-headless-shell fonts-noto-cjk");
  process.exit(1);
}

const results = join(ROOT, "test-results");
rmSync(results, { recursive: true, force: true });

let ok =
  step("generate Prisma client", process.execPath, [bin("tsx"), "scripts/prisma-generate.ts"]) &&
  step("route types", bin("react-router"), ["typegen"]) &&
  step("typecheck", bin("tsc"), ["--noEmit"]);

let passed = 0;
let failed = 0;
if (ok) {
  ok = step("unit and integration tests", bin("vitest"), ["run", "--reporter=default", "--reporter=json", "--outputFile.json=test-results/vitest.json"]);
  if (existsSync(join(results, "vitest.json"))) {
    const report = JSON.parse(readFileSync(join(results, "vitest.json"), "utf8")) as { numPassedTests: number; numFailedTests: number };
    passed += report.numPassedTests;
    failed += report.numFailedTests;
  }
}
const built = ok && step("production build", bin("react-router"), ["build"]);
if (built) {
  // Redis and PostgreSQL restarted under load (private servers of its own): one scenario, counted as one test.
  const restart = step("service restart under load", process.execPath, [bin("tsx"), "scripts/reliability/service-restart.ts"]);
  ok = ok && restart;
  if (restart) passed += 1;
  else failed += 1;
  const e2e = step("end-to-end tests", bin("playwright"), ["test"]);
  ok = ok && e2e;
  if (existsSync(join(results, "e2e.json"))) {
    const report = JSON.parse(readFileSync(join(results, "e2e.json"), "utf8")) as { stats: { expected: number; unexpected: number; flaky: number } };
    passed += report.stats.expected + report.stats.flaky;
    failed += report.stats.unexpected;
  }
} else {
  ok = false;
}
if (!ok && failed === 0) failed = 1; // a step failed before any test could: never report a clean run
console.log(`\nnpm test finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);

/**
 * npm run fuzz: the fuzz suites (tests/fuzz) at full strength — 10,000 inputs
 * per schema, per API operation and for the CSV importer, 1,000 per page route
 * (FUZZ_RUNS / 10) — and a summary per target: inputs tried, refused,
 * accepted, 500s and writes on refusal (both must be 0). Exits 1 when any
 * test failed or either figure is not 0. FUZZ_RUNS=n runs n instead; extra
 * arguments go to vitest (a file name or -t pattern runs one layer).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

type TargetFigures = { target: string; tried: number; refused: number; accepted: number; serverErrors: number; writesOnRefusal: number };

const runs = process.env.FUZZ_RUNS ?? "10000";
const resultsFile = join(tmpdir(), `xyd-fuzz-${process.pid}.jsonl`);
rmSync(resultsFile, { force: true });

const started = Date.now();
const vitest = spawnSync("npx", ["vitest", "run", "tests/fuzz", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, FUZZ_RUNS: runs, FUZZ_RESULTS: resultsFile },
});
const seconds = Math.round((Date.now() - started) / 1000);

const figures: TargetFigures[] = existsSync(resultsFile)
  ? readFileSync(resultsFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as TargetFigures)
  : [];
rmSync(resultsFile, { force: true });

const width = Math.max(6, ...figures.map((f) => f.target.length));
const row = (cells: (string | number)[]) => cells.map((c, i) => (i === 0 ? String(c).padEnd(width) : String(c).padStart(9))).join("  ");
console.log(`\nFuzz summary (FUZZ_RUNS=${runs}, ${seconds} s)\n`);
console.log(row(["target", "tried", "refused", "accepted", "500s", "writes"]));
for (const f of figures.sort((a, b) => a.target.localeCompare(b.target))) {
  console.log(row([f.target, f.tried, f.refused, f.accepted, f.serverErrors, f.writesOnRefusal]));
}
const total = figures.reduce(
  (sum, f) => ({ tried: sum.tried + f.tried, serverErrors: sum.serverErrors + f.serverErrors, writesOnRefusal: sum.writesOnRefusal + f.writesOnRefusal }),
  { tried: 0, serverErrors: 0, writesOnRefusal: 0 },
);
console.log(`\n${figures.length} targets, ${total.tried} inputs, ${total.serverErrors} server errors, ${total.writesOnRefusal} writes on refusal`);

const failed = vitest.status !== 0 || total.serverErrors > 0 || total.writesOnRefusal > 0 || figures.length === 0;
console.log(failed ? "FAIL" : "PASS");
process.exit(failed ? 1 : 0);

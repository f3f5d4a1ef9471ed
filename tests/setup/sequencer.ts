/**
 * The order test files start in. Vitest starts the largest files first when it
 * has no timings from an earlier run (a fresh clone, CI); a small file that
 * runs long — the worker-kill scenarios spawn and kill real workers for about
 * three minutes — would then start last and run alone at the end. These files
 * start first, longest first, so the workers finish together.
 */
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const LONG_RUNNING = [
  "tests/reliability/worker-kill.test.ts",
  "tests/integration/search-worker-crash.test.ts",
  "tests/fuzz/api.test.ts",
  "tests/fuzz/csv-import.test.ts",
  "tests/integration/seed.test.ts",
  "tests/integration/fund.test.ts",
  "tests/integration/migrations.test.ts",
];

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const at = LONG_RUNNING.indexOf(relative(spec.project.config.root, spec.moduleId).replaceAll("\\", "/"));
      return at === -1 ? LONG_RUNNING.length : at;
    };
    return sorted.map((spec, i) => ({ spec, i })).sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i).map(({ spec }) => spec);
  }
}

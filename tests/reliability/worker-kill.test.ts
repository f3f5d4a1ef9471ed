/**
 * kill -9 of the real worker in the middle of a credit-signal import, the full
 * re-match and a large batch of ledger postings; after a restart each job's
 * effect is exactly one clean run's. The scenarios (and how each makes sure
 * the kill lands mid-work) are in scripts/reliability/lib/worker-crash-scenarios.ts,
 * shared with `tsx scripts/reliability/worker-crash.ts`, which prints their figures.
 */
import { afterAll, afterEach, describe, it } from "vitest";
import { closeQueues } from "~/jobs/enqueue.server";
import { Report } from "../../scripts/reliability/lib/checks";
import { stopAllProcesses } from "../../scripts/reliability/lib/processes";
import { creditImportScenario, ledgerPostingsScenario, rematchScenario } from "../../scripts/reliability/lib/worker-crash-scenarios";

describe("the worker killed with SIGKILL mid-job, then restarted", () => {
  // No worker outlives its test, passed or failed: a stray one would take the next test's jobs.
  afterEach(stopAllProcesses);
  afterAll(async () => {
    await stopAllProcesses();
    await closeQueues();
  });

  it("applies a credit-signal import killed mid-apply exactly once", { timeout: 360_000 }, async () => {
    await creditImportScenario(new Report("import"));
  });

  it("leaves the rankings of a full re-match killed before its swap equal to a clean re-match's", { timeout: 360_000 }, async () => {
    await rematchScenario(new Report("re-match"));
  });

  it("commits each posting of a batch killed between the ledger and the records exactly once", { timeout: 360_000 }, async () => {
    await ledgerPostingsScenario(new Report("postings"));
  });
});

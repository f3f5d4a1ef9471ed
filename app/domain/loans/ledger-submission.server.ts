import { enqueue } from "~/jobs/enqueue.server";

/**
 * Asks the worker to submit prepared ledger postings now. A lost request
 * costs only time: the scheduled run submits whatever is still prepared.
 */
export async function requestLedgerSubmission(): Promise<void> {
  try {
    await enqueue("submitLedgerPostings", { reason: "change" });
  } catch (error) {
    console.warn(
      JSON.stringify({
        message: "ledger submission request failed; the scheduled run will submit the postings",
        reason: error instanceof Error ? error.message : String(error),
      }),
    );
  }
}

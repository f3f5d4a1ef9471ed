/**
 * Re-ranks every open need against every listed product: `npm run match:all`.
 * For a new matching model (models/matching-<version>.json made active) or
 * after restoring a database; the worker does the same by itself at start-up
 * for rankings made under another model version, and nightly. Safe to run
 * while the platform is up: each chunk of needs is replaced in one
 * transaction, with the needs locked, exactly as the worker's jobs do.
 */
import { prisma } from "~/db.server";
import { ACTIVE_MATCHING_VERSION } from "~/domain/matching/models";
import { rematchAll } from "~/domain/matching/rebuild-rankings.server";

const started = Date.now();
let last = 0;
const result = await rematchAll(prisma, {
  onProgress: (done, total) => {
    const now = Date.now();
    if (done < total && now - last < 1_000) return;
    last = now;
    const width = 30;
    const filled = Math.round((done / Math.max(1, total)) * width);
    process.stdout.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} needs`);
  },
});
process.stdout.write("\n");
console.log(
  `model ${ACTIVE_MATCHING_VERSION}: ${result.needs} needs ranked in ${((Date.now() - started) / 1000).toFixed(1)} s — ` +
    `${result.eligiblePairs} eligible pairs, ${result.keptRows} rows kept, ${result.pairsChecked} pairs checked`,
);
await prisma.$disconnect();

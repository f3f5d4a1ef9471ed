/**
 * Verifies the whole audit hash chain: `npm run audit:verify`. Recomputes each
 * record's hash from its fields and the previous record's hash, a batch at a
 * time, and stops at the first broken record. Read-only (unlike the audit
 * page's button, it does not record the run in the audit log): safe to run
 * while the platform is up, from cron or by an auditor with database access.
 *
 * Options: --batch-size=N (default 5000). Exit code 0 = PASS, 1 = FAIL, 2 = error.
 */
import { prisma } from "~/db.server";
import { DEFAULT_VERIFY_BATCH_SIZE, verifyAuditChain } from "~/domain/audit/verify-audit.server";

const batchArg = process.argv.find((a) => a.startsWith("--batch-size="));
const batchSize = batchArg ? Number(batchArg.slice("--batch-size=".length)) : DEFAULT_VERIFY_BATCH_SIZE;

const started = performance.now();
let lastDraw = Number.NEGATIVE_INFINITY;
const interactive = process.stdout.isTTY;

try {
  const result = await verifyAuditChain(prisma, {
    batchSize,
    onProgress: (checked, total) => {
      const now = performance.now();
      if (checked < total && now - lastDraw < 1_000) return;
      lastDraw = now;
      const percent = total ? Math.floor((checked / total) * 100) : 100;
      if (interactive) {
        const width = 30;
        const filled = Math.round((percent / 100) * width);
        process.stdout.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${checked}/${total} records`);
      } else {
        console.log(`${checked}/${total} records (${percent}%)`);
      }
    },
  });
  if (interactive) process.stdout.write("\n");
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.ok) {
    console.log(
      `PASS audit chain intact: ${result.checked} records checked in ${seconds} s; ` +
        `last seq ${result.lastSeq ?? "(none)"}, last hash ${result.lastHash}`,
    );
    process.exitCode = 0;
  } else {
    const b = result.brokenAt;
    console.log(
      `FAIL audit chain broken at seq ${b.seq} (${b.reason}): action ${b.action}, entity ${b.entityType}:${b.entityId}; ` +
        `previous seq ${b.previousSeq ?? "(none)"}; expected ${b.expected}, found ${b.found}; ` +
        `${result.checked} records before it verified, in ${seconds} s`,
    );
    process.exitCode = 1;
  }
} catch (error) {
  console.error("ERROR audit chain could not be verified:", error);
  process.exitCode = 2;
} finally {
  await prisma.$disconnect();
}

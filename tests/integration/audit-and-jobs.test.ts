import { Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { env } from "~/config/env.server";
import { prisma } from "~/db.server";
import { appendAudit, auditRecordHash, GENESIS_HASH } from "~/domain/audit/append-audit.server";
import { readPlatformStats } from "~/domain/stats/platform-stats.server";
import { JOBS } from "~/jobs/definitions";
import { closeQueues, enqueue, getQueue } from "~/jobs/enqueue.server";
import { createRedis } from "~/redis.server";
import { HANDLERS } from "../../workers/handlers";
import { makeInstitution } from "../helpers";

afterAll(async () => {
  await getQueue(JOBS.refreshPlatformStats.queue).obliterate({ force: true });
  await closeQueues();
});

describe("audit log", () => {
  it("chains each record to the one before, including under concurrent appends", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        prisma.$transaction((tx) => appendAudit(tx, { action: "test.append", entityType: "test", entityId: String(i), summary: { i } })),
      ),
    );
    const rows = await prisma.auditLog.findMany({ orderBy: { seq: "asc" } });
    let prev = GENESIS_HASH;
    for (const row of rows) {
      expect(row.prevHash).toBe(prev);
      expect(row.hash).toBe(auditRecordHash(row.prevHash, { ...row, summary: row.summary }));
      prev = row.hash;
    }
    expect(rows.length).toBeGreaterThanOrEqual(20);
  });

  it("is refused any update or deletion by the database itself", async () => {
    await prisma.$transaction((tx) => appendAudit(tx, { action: "test.immutable", entityType: "test", entityId: "x" }));
    await expect(prisma.$executeRaw`UPDATE audit_log SET action = 'forged'`).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRaw`DELETE FROM audit_log`).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRaw`TRUNCATE audit_log`).rejects.toThrow(/append-only/);
  });
});

describe("worker: refresh-platform-stats", () => {
  it("runs end to end through Redis: enqueued, consumed by a worker, figures stored", async () => {
    await makeInstitution("BANK");
    const worker = new Worker(
      JOBS.refreshPlatformStats.queue,
      async (job) => HANDLERS[job.name]!(prisma, job.data, { finalAttempt: false }),
      { connection: createRedis(), prefix: env.REDIS_PREFIX },
    );
    const done = new Promise<void>((resolve, reject) => {
      worker.on("completed", () => resolve());
      worker.on("failed", (_job, error) => reject(error));
    });
    await enqueue("refreshPlatformStats", { reason: "manual" });
    await done;
    await worker.close();
    const stats = await readPlatformStats(prisma);
    expect(stats?.values.banks).toBe(BigInt(await prisma.institution.count({ where: { kind: "BANK", status: "ACTIVE" } })));
    expect(stats?.values.enterprises).toBe(BigInt(await prisma.enterprise.count()));
  });

  it("is safe to run twice and gives the same figures", async () => {
    const handler = HANDLERS[JOBS.refreshPlatformStats.name]!;
    const first = await handler(prisma, { reason: "manual" }, { finalAttempt: false });
    const second = await handler(prisma, { reason: "manual" }, { finalAttempt: false });
    expect(second).toEqual(first);
  });

  it("refuses a payload that does not match its schema", async () => {
    const handler = HANDLERS[JOBS.refreshPlatformStats.name]!;
    await expect(handler(prisma, { reason: "because" }, { finalAttempt: false })).rejects.toBeInstanceOf(ZodError);
    await expect(handler(prisma, { reason: "manual", secret: "x" }, { finalAttempt: false })).rejects.toBeInstanceOf(ZodError);
  });

  it("folds repeated requests into one pending job", async () => {
    const queue = getQueue(JOBS.refreshPlatformStats.queue);
    await queue.obliterate({ force: true });
    await enqueue("refreshPlatformStats", { reason: "registration" });
    await enqueue("refreshPlatformStats", { reason: "registration" });
    expect(await queue.getWaitingCount()).toBe(1);
  });
});

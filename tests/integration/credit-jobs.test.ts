/**
 * The credit jobs through Redis as the worker runs them: an uploaded batch is
 * imported and its enterprises re-evaluated; duplicate deliveries change
 * nothing; a batch out of retries is marked failed with its reason.
 */
import { Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { env } from "~/config/env.server";
import { prisma } from "~/db.server";
import { submitSignalBatch } from "~/domain/credit/import/submit-signal-batch.server";
import { JOBS, QUEUES } from "~/jobs/definitions";
import { closeQueues } from "~/jobs/enqueue.server";
import { createRedis } from "~/redis.server";
import { HANDLERS } from "../../workers/handlers";
import { makeActor, makeEnterprise } from "../helpers";

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(closeQueues);

describe("credit jobs", () => {
  it("imports an uploaded batch in the worker and re-evaluates exactly its enterprises, once in effect", async () => {
    const finance = await makeActor("finance_office");
    const [a, b, untouched] = [await makeEnterprise(), await makeEnterprise(), await makeEnterprise()];
    const worker = new Worker(QUEUES.credit, async (job) => HANDLERS[job.name]!(prisma, job.data, { finalAttempt: false }), {
      connection: createRedis(),
      prefix: env.REDIS_PREFIX,
    });
    try {
      const csv = ["uscc,year,grade,as_of", `${a.uscc},2025,A,2026-04-30`, `${b.uscc},2025,C,2026-04-30`].join("\n");
      const submitted = await submitSignalBatch({
        actor: finance,
        kind: "TAX_GRADE",
        source: "税务局",
        policy: "ALL_OR_NOTHING",
        fileName: "grades.csv",
        format: "CSV",
        content: Buffer.from(csv),
        ip: null,
      });
      await until(
        () => prisma.enterprise.findMany({ where: { id: { in: [a.id, b.id] } }, select: { currentEvaluationId: true } }),
        (rows) => rows.every((r) => r.currentEvaluationId !== null),
      );
      const batch = await prisma.creditSignalBatch.findUniqueOrThrow({ where: { id: submitted.batchId } });
      expect(batch).toMatchObject({ status: "APPLIED", rowsAccepted: 2, enterprisesAffected: 2 });
      expect((await prisma.enterprise.findUniqueOrThrow({ where: { id: untouched.id } })).currentEvaluationId).toBeNull();

      // A duplicate delivery of either job changes nothing.
      const evaluations = await prisma.creditEvaluation.count({ where: { enterpriseId: { in: [a.id, b.id] } } });
      await HANDLERS[JOBS.importSignalBatch.name]!(prisma, { batchId: submitted.batchId }, { finalAttempt: false });
      await HANDLERS[JOBS.evaluateEnterprises.name]!(prisma, { enterpriseIds: [a.id, b.id], trigger: `batch:${submitted.batchId}`, key: "again" }, { finalAttempt: false });
      expect(await prisma.creditEvaluation.count({ where: { enterpriseId: { in: [a.id, b.id] } } })).toBe(evaluations);
      expect(await prisma.creditSignal.count({ where: { enterpriseId: { in: [a.id, b.id] } } })).toBe(2);
    } finally {
      await worker.close();
    }
  });

  it("marks a batch failed, with the reason, when its last attempt fails", async () => {
    const finance = await makeActor("finance_office");
    const submitted = await submitSignalBatch({
      actor: finance,
      kind: "TAX_GRADE",
      source: "税务局",
      policy: "ALL_OR_NOTHING",
      fileName: null,
      format: "CSV",
      content: Buffer.from(`uscc,year,grade,as_of\n${(await makeEnterprise()).uscc},2024,B,2025-04-30\n`),
      ip: null,
    });
    // The content vanishes (as if storage failed): the import cannot run.
    await prisma.creditSignalBatchFile.delete({ where: { batchId: submitted.batchId } });
    const handler = HANDLERS[JOBS.importSignalBatch.name]!;
    await expect(handler(prisma, { batchId: submitted.batchId }, { finalAttempt: false })).rejects.toThrow(/no content/);
    expect((await prisma.creditSignalBatch.findUniqueOrThrow({ where: { id: submitted.batchId } })).status).toBe("QUEUED");
    await expect(handler(prisma, { batchId: submitted.batchId }, { finalAttempt: true })).rejects.toThrow(/no content/);
    expect(await prisma.creditSignalBatch.findUniqueOrThrow({ where: { id: submitted.batchId } })).toMatchObject({
      status: "FAILED",
      failureReason: expect.stringContaining("no content"),
    });
  });

  it("refuses job payloads that do not match their schema", async () => {
    await expect(HANDLERS[JOBS.importSignalBatch.name]!(prisma, { batchId: "x" }, { finalAttempt: false })).rejects.toThrow();
    await expect(
      HANDLERS[JOBS.evaluateEnterprises.name]!(prisma, { enterpriseIds: [], trigger: "batch", key: "k" }, { finalAttempt: false }),
    ).rejects.toThrow();
  });
});

import { createHash } from "node:crypto";
import { env } from "~/config/env.server";
import { prisma, type Db } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { appendAudit, canonicalJson } from "~/domain/audit/append-audit.server";
import { DomainError } from "~/domain/errors";
import { enqueue } from "~/jobs/enqueue.server";
import type { ImportPolicy } from "~/generated/prisma/client";
import type { SignalKindKey } from "../signal-kinds";

export type SubmitSignalBatchInput = {
  actor: Actor;
  kind: SignalKindKey;
  source: string;
  policy: ImportPolicy;
  fileName: string | null;
  ip: string | null;
} & ({ format: "CSV"; content: Uint8Array } | { format: "JSON"; rows: unknown[] });

export type SubmitSignalBatchResult = {
  batchId: string;
  /** True when the same content of the same kind was imported before: nothing was changed. */
  duplicate: boolean;
  status: string;
  createdAt: Date;
};

/**
 * Records a batch and hands it to the worker. The content is stored with the
 * batch, so the worker (any worker, after any restart) reads exactly what was
 * uploaded. Re-submitting the same content of the same kind is recognised by
 * its SHA-256 and changes nothing: the earlier batch is returned.
 */
export async function submitSignalBatch(input: SubmitSignalBatchInput): Promise<SubmitSignalBatchResult> {
  assertCan(input.actor, "import:credit-signal:any");
  const institutionId = input.actor.institution?.id;
  if (!institutionId) throw new DomainError("forbidden", { status: 403 });

  const stored = await storeSignalBatch(prisma, {
    kind: input.kind,
    source: input.source,
    policy: input.policy,
    fileName: input.fileName,
    format: input.format,
    content: input.format === "CSV" ? input.content : Buffer.from(canonicalJson(input.rows), "utf8"),
    institutionId,
    createdById: input.actor.userId,
    ip: input.ip,
  });
  if (stored.duplicate) return stored;

  // If this enqueue is lost, the worker's sweep finds the queued batch (see resumeQueuedImports).
  await enqueue("importSignalBatch", { batchId: stored.batchId });
  return stored;
}

export type StoreSignalBatchInput = {
  kind: SignalKindKey;
  source: string;
  policy: ImportPolicy;
  fileName: string | null;
  format: "CSV" | "JSON";
  /** CSV bytes as uploaded, or the canonical JSON of the rows (so key order does not make a "new" batch). */
  content: Uint8Array;
  institutionId: string;
  createdById: string;
  ip: string | null;
};

/**
 * Records a batch with its content and audit record, or recognises it as a
 * repeat of earlier content (same kind, same SHA-256) and changes nothing.
 */
export async function storeSignalBatch(db: Db, input: StoreSignalBatchInput): Promise<SubmitSignalBatchResult> {
  const content = Buffer.from(input.content);
  const maxBytes = env.IMPORT_MAX_MB * 1024 * 1024;
  if (content.length === 0) throw new DomainError("import.emptyFile");
  if (content.length > maxBytes) throw new DomainError("import.fileTooLarge", { params: { maxMb: env.IMPORT_MAX_MB }, status: 413 });
  const sha256 = createHash("sha256").update(content).digest("hex");

  const existing = await findBatch(db, input.kind, sha256);
  if (existing) return { ...existing, duplicate: true };
  try {
    const created = await db.$transaction(async (tx) => {
      const batch = await tx.creditSignalBatch.create({
        data: {
          kind: input.kind,
          source: input.source,
          fileName: input.fileName,
          format: input.format,
          fileSha256: sha256,
          sizeBytes: content.length,
          policy: input.policy,
          institutionId: input.institutionId,
          createdById: input.createdById,
          file: { create: { content } },
        },
        select: { id: true, status: true, createdAt: true },
      });
      await appendAudit(tx, {
        actorUserId: input.createdById,
        actorInstitutionId: input.institutionId,
        action: "credit-signal-batch.submitted",
        entityType: "credit-signal-batch",
        entityId: batch.id,
        summary: { kind: input.kind, source: input.source, format: input.format, sha256, sizeBytes: content.length, policy: input.policy },
        ip: input.ip,
      });
      return batch;
    });
    return { batchId: created.id, duplicate: false, status: created.status, createdAt: created.createdAt };
  } catch (error) {
    // Two identical uploads at once: the loser reports the winner's batch.
    const raced = await findBatch(db, input.kind, sha256);
    if (raced) return { ...raced, duplicate: true };
    throw error;
  }
}

async function findBatch(db: Db, kind: SignalKindKey, sha256: string) {
  const found = await db.creditSignalBatch.findUnique({
    where: { kind_fileSha256: { kind, fileSha256: sha256 } },
    select: { id: true, status: true, createdAt: true },
  });
  return found ? { batchId: found.id, status: found.status, createdAt: found.createdAt } : null;
}

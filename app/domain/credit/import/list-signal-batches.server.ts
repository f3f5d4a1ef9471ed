import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { DomainError } from "~/domain/errors";
import type { SignalKindKey } from "../signal-kinds";
import { userDisplayNames } from "~/domain/users/list-users.server";
import type { Prisma } from "~/generated/prisma/client";

/** The columns of a batch shown to the finance office and returned by the API. */
export const BATCH_SELECT = {
  id: true,
  kind: true,
  source: true,
  fileName: true,
  format: true,
  fileSha256: true,
  sizeBytes: true,
  policy: true,
  status: true,
  rowsTotal: true,
  bytesDone: true,
  rowsDone: true,
  rowsAccepted: true,
  rowsRejected: true,
  enterprisesAffected: true,
  failureReason: true,
  createdById: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} as const;

type BatchRow = Prisma.CreditSignalBatchGetPayload<{ select: typeof BATCH_SELECT }>;

/** A batch for the browser: who by name, times as ISO strings. */
function view(b: BatchRow, names: Map<string, string>) {
  return {
    ...b,
    createdBy: names.get(b.createdById) ?? "—",
    createdAt: b.createdAt.toISOString(),
    startedAt: b.startedAt?.toISOString() ?? null,
    finishedAt: b.finishedAt?.toISOString() ?? null,
  };
}

/** Every batch, newest first: who, when, which file (by hash), what came of it. */
export async function listSignalBatches(options: { actor: Actor; page: number; pageSize: number; kind?: SignalKindKey }) {
  assertCan(options.actor, "import:credit-signal:any");
  const where = options.kind ? { kind: options.kind } : {};
  const [total, rows] = await Promise.all([
    prisma.creditSignalBatch.count({ where }),
    prisma.creditSignalBatch.findMany({
      where,
      orderBy: { createdAt: "desc" },
      skip: (options.page - 1) * options.pageSize,
      take: options.pageSize,
      select: BATCH_SELECT,
    }),
  ]);
  const names = await userDisplayNames(rows.map((r) => r.createdById));
  return { total, rows: rows.map((r) => view(r, names)) };
}

export const ERRORS_PAGE_SIZE = 50;

/** One batch with one page of its row errors (in line order). */
export async function getSignalBatch(options: { actor: Actor; batchId: string; errorsPage: number }) {
  assertCan(options.actor, "import:credit-signal:any");
  const batch = await prisma.creditSignalBatch.findUnique({ where: { id: options.batchId }, select: BATCH_SELECT });
  if (!batch) throw new DomainError("notFound", { status: 404 });
  const [errorTotal, errors] = await Promise.all([
    prisma.creditSignalBatchError.count({ where: { batchId: batch.id } }),
    prisma.creditSignalBatchError.findMany({
      where: { batchId: batch.id },
      orderBy: [{ line: "asc" }, { id: "asc" }],
      skip: (options.errorsPage - 1) * ERRORS_PAGE_SIZE,
      take: ERRORS_PAGE_SIZE,
      select: { id: true, line: true, column: true, code: true, params: true },
    }),
  ]);
  const names = await userDisplayNames([batch.createdById]);
  return {
    batch: view(batch, names),
    errorTotal,
    errors: errors.map((e) => ({ ...e, id: e.id.toString(), params: e.params as Record<string, string | number> })),
  };
}

/** All of a batch's errors, streamed in pages, for the CSV download. */
export async function* batchErrors(options: { actor: Actor; batchId: string }) {
  assertCan(options.actor, "import:credit-signal:any");
  let after = 0n;
  for (;;) {
    const page = await prisma.creditSignalBatchError.findMany({
      where: { batchId: options.batchId, id: { gt: after } },
      orderBy: { id: "asc" },
      take: 5_000,
      select: { id: true, line: true, column: true, code: true, params: true },
    });
    if (page.length === 0) return;
    for (const e of page) yield { ...e, params: e.params as Record<string, string | number> };
    after = page[page.length - 1]!.id;
  }
}

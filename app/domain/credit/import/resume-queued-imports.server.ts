import type { Db } from "~/db.server";

/** Batches still queued a minute after upload: their job may never have reached Redis. */
export async function resumeQueuedImports(db: Db, olderThanMs = 60_000): Promise<string[]> {
  const batches = await db.creditSignalBatch.findMany({
    where: { status: "QUEUED", createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    select: { id: true },
    orderBy: { createdAt: "asc" },
    take: 100,
  });
  return batches.map((b) => b.id);
}

import pg from "pg";
import { env } from "~/config/env.server";
import type { Db, Tx } from "~/db.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { EVALUATION_CHUNK, type JobPayload } from "~/jobs/definitions";
import { storableValue } from "~/schemas/fields";
import { SIGNAL_DEFINITIONS, isSignalKind, type SignalFields } from "../signal-kinds";
import { readCsvRows, readJsonRows, validateRow, type ReadEvent, type RowError } from "./read-rows.server";

/**
 * The worker's side of an import, in two passes over the stored content:
 *
 * 1. validate every row (cells, known enterprise, no fact twice in the batch),
 *    recording each bad row with its line, column and reason;
 * 2. unless the policy says otherwise, write every valid row in ONE
 *    transaction together with the batch's final status and its audit record.
 *
 * Under ALL_OR_NOTHING one bad row rejects the batch and nothing is written;
 * under VALID_ROWS the valid rows are written and the bad ones reported. Either
 * way a row is never half-written and a crash at any point leaves either
 * nothing or everything: the retried job starts again from pass 1.
 *
 * Upserts skip facts that an upheld objection corrected or withdrew, keep a
 * completed credit repair, and touch a row only when something changed; the
 * rows this batch really changed carry its id, and exactly their enterprises
 * are re-evaluated.
 */

const LOOKUP_CHUNK = 2_000;
const WRITE_CHUNK = 5_000;
const ERROR_FLUSH = 1_000;
const PROGRESS_EVERY_MS = 500;
const ANALYZE_AFTER_ROWS = 10_000;

export type ImportOutcome = {
  status: "APPLIED" | "REJECTED";
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  enterprisesAffected: number;
  evaluationJobs: JobPayload<"evaluateEnterprises">[];
};

type ValidRow = { line: number; uscc: string; fields: SignalFields };

/** pg_advisory_lock(class, hashtext(batch id)): one run per batch at a time. */
const IMPORT_RUN_LOCK_CLASS = 7_302_027;

/**
 * One delivery of a batch at a time: a duplicate (a stalled job run again, the
 * same job in two workers) waits for the run in progress and then finds the
 * batch done, instead of validating beside it — two runs at once would each
 * clear and write the batch's row errors, reporting every bad row twice. The
 * lock is held by a connection of its own for the whole run (which spans
 * several transactions); a worker that dies releases it with its connection.
 */
export async function runSignalImport(db: Db, batchId: string): Promise<ImportOutcome | { status: "ALREADY_DONE" | "FAILED" }> {
  const lock = new pg.Client({ connectionString: env.DATABASE_URL });
  // Losing this connection (a database restart) fails the run's own queries too; it must not crash the worker.
  lock.on("error", (error) => console.warn(JSON.stringify({ message: "import run lock connection lost", batchId, reason: error.message })));
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock($1, hashtext($2))", [IMPORT_RUN_LOCK_CLASS, batchId]);
    return await runSignalImportLocked(db, batchId);
  } finally {
    // Ending the session releases the lock.
    await lock.end().catch(() => undefined);
  }
}

async function runSignalImportLocked(db: Db, batchId: string): Promise<ImportOutcome | { status: "ALREADY_DONE" | "FAILED" }> {
  const batch = await db.creditSignalBatch.findUnique({
    where: { id: batchId },
    select: { id: true, kind: true, status: true, format: true, policy: true, source: true, createdById: true, institutionId: true },
  });
  if (!batch) throw new Error(`credit signal batch ${batchId} not found`);
  if (batch.status === "APPLIED" || batch.status === "REJECTED" || batch.status === "FAILED") {
    // Done before (a retried or duplicated job): only make sure its re-evaluations are enqueued.
    return batch.status === "APPLIED"
      ? { ...(await outcomeOf(db, batchId)), evaluationJobs: await evaluationJobsFor(db, batchId) }
      : { status: batch.status === "FAILED" ? "FAILED" : "ALREADY_DONE" };
  }
  if (!isSignalKind(batch.kind)) throw new Error(`unknown signal kind ${batch.kind}`);
  const definition = SIGNAL_DEFINITIONS[batch.kind];

  const file = await db.creditSignalBatchFile.findUnique({ where: { batchId }, select: { content: true } });
  if (!file) throw new Error(`credit signal batch ${batchId} has no content`);

  // A retry starts from a clean slate: errors from an interrupted run are dropped.
  await db.creditSignalBatchError.deleteMany({ where: { batchId } });
  await db.creditSignalBatch.update({
    where: { id: batchId },
    data: { status: "VALIDATING", startedAt: new Date(), bytesDone: 0, rowsDone: 0, rowsTotal: null, rowsAccepted: 0, rowsRejected: 0 },
  });

  const progress = throttled(async (data: { bytesDone?: number; rowsDone?: number; rowsRejected?: number }) => {
    await db.creditSignalBatch.update({ where: { id: batchId }, data });
  });
  const sizeBytes = file.content.length;
  const events = (): AsyncIterable<ReadEvent> | Iterable<ReadEvent> =>
    batch.format === "CSV"
      ? readCsvRows(definition, file.content, (fraction) => progress.set({ bytesDone: Math.round(fraction * sizeBytes) }))
      : readJsonRows(definition, JSON.parse(Buffer.from(file.content).toString("utf8")) as unknown[]);

  // ── Pass 1: validate ─────────────────────────────────────────────────────
  const enterpriseIds = new Map<string, string | null>();
  const seenFacts = new Set<string>();
  const badLines = new Set<number>();
  const errorBuffer: RowError[] = [];
  let rowsTotal = 0;
  let rowsRejected = 0;
  let fatal = false;
  let pending: ValidRow[] = [];

  const flushErrors = async () => {
    if (errorBuffer.length === 0) return;
    const chunk = errorBuffer.splice(0, errorBuffer.length);
    await db.creditSignalBatchError.createMany({
      // The cell or header a row error quotes is the file's own text: kept readable, never failing the import on a NUL.
      data: chunk.map((e) => ({ batchId, line: e.line, column: storableValue(e.column), code: e.code, params: storableValue(e.params) })),
    });
  };
  const reject = async (errors: RowError[]) => {
    for (const e of errors) errorBuffer.push(e);
    const line = errors[0]!.line;
    if (!badLines.has(line)) {
      badLines.add(line);
      rowsRejected++;
    }
    if (errorBuffer.length >= ERROR_FLUSH) await flushErrors();
  };
  const checkPending = async () => {
    await lookUpEnterprises(db, enterpriseIds, pending.map((r) => r.uscc));
    for (const row of pending) {
      if (!enterpriseIds.get(row.uscc)) {
        await reject([{ line: row.line, column: "uscc", code: "import.unknownEnterprise", params: { uscc: row.uscc } }]);
        continue;
      }
      const fact = `${row.uscc}\u0000${row.fields.naturalKey}`;
      if (seenFacts.has(fact)) {
        await reject([{ line: row.line, column: null, code: "import.duplicateRow", params: { key: row.fields.naturalKey } }]);
        continue;
      }
      seenFacts.add(fact);
    }
    pending = [];
  };

  for await (const event of events()) {
    if (event.type === "error") {
      // A fatal error is about the file, not a row; any other is one bad row.
      if (event.fatal) fatal = true;
      else rowsTotal++;
      await reject([event.error]);
      continue;
    }
    rowsTotal++;
    const result = validateRow(definition, event.row);
    if (!result.ok) await reject(result.errors);
    else pending.push({ line: event.row.line, uscc: result.uscc, fields: result.fields });
    if (pending.length >= LOOKUP_CHUNK) await checkPending();
    progress.set({ rowsDone: rowsTotal, rowsRejected });
  }
  await checkPending();
  if (rowsTotal === 0 && !fatal) {
    await reject([{ line: 1, column: null, code: "import.noRows", params: {} }]);
    fatal = true;
  }
  await flushErrors();
  await progress.flush();

  const rowsAccepted = rowsTotal - rowsRejected;
  const rejectBatch = fatal || rowsAccepted <= 0 || (batch.policy === "ALL_OR_NOTHING" && rowsRejected > 0);
  const audit = {
    actorUserId: batch.createdById,
    actorInstitutionId: batch.institutionId,
    entityType: "credit-signal-batch",
    entityId: batchId,
  };

  if (rejectBatch) {
    await db.$transaction(async (tx) => {
      await tx.creditSignalBatch.update({
        where: { id: batchId },
        data: { status: "REJECTED", rowsTotal, rowsDone: rowsTotal, rowsAccepted: 0, rowsRejected, finishedAt: new Date(), bytesDone: sizeBytes },
      });
      await appendAudit(tx, { ...audit, action: "credit-signal-batch.rejected", summary: { rowsTotal, rowsRejected, policy: batch.policy } });
    });
    return { status: "REJECTED", rowsTotal, rowsAccepted: 0, rowsRejected, enterprisesAffected: 0, evaluationJobs: [] };
  }

  // ── Pass 2: apply, all in one transaction ────────────────────────────────
  await db.creditSignalBatch.update({
    where: { id: batchId },
    data: { status: "APPLYING", rowsTotal, rowsAccepted, rowsRejected, rowsDone: 0, bytesDone: sizeBytes },
  });
  seenFacts.clear();
  let written = 0;
  const affected = await db.$transaction(
    async (tx) => {
      let chunk: ValidRow[] = [];
      // One upsert in flight while the next chunk is read and validated: Node and PostgreSQL work at the same time.
      let inFlight: Promise<void> = Promise.resolve();
      let failure: unknown = null;
      const settle = async () => {
        await inFlight;
        if (failure) throw failure;
      };
      const write = async () => {
        const rows = chunk;
        chunk = [];
        await settle();
        // The failure is kept and rethrown at the next settle, so it never goes unhandled meanwhile.
        inFlight = upsertSignals(tx, { kind: definition.kind, batchId, source: batch.source }, rows, enterpriseIds).then(
          () => {
            written += rows.length;
            progress.set({ rowsDone: written });
          },
          (error: unknown) => {
            failure = error;
          },
        );
      };
      for await (const event of events()) {
        if (event.type !== "row" || badLines.has(event.row.line)) continue;
        const result = validateRow(definition, event.row);
        if (!result.ok) continue; // cannot happen: pass 1 saw the same bytes
        chunk.push({ line: event.row.line, uscc: result.uscc, fields: result.fields });
        if (chunk.length >= WRITE_CHUNK) await write();
      }
      if (chunk.length > 0) await write();
      await settle();
      // No progress write may land after the final status.
      await progress.flush();
      progress.cancel();
      // The facts this batch changed are the ones carrying its id (an unchanged fact keeps its earlier batch).
      const [{ enterprises }] = await tx.$queryRaw<[{ enterprises: number }]>`
        SELECT count(DISTINCT "enterpriseId")::int AS enterprises FROM credit_signals WHERE "batchId" = ${batchId}::uuid`;
      await tx.creditSignalBatch.update({
        where: { id: batchId },
        data: { status: "APPLIED", rowsDone: written, enterprisesAffected: enterprises, finishedAt: new Date() },
      });
      await appendAudit(tx, {
        ...audit,
        action: "credit-signal-batch.applied",
        summary: { rowsTotal, rowsAccepted, rowsRejected, enterprisesAffected: enterprises, policy: batch.policy },
      });
      return enterprises;
    },
    { timeout: 30 * 60_000, maxWait: 60_000 },
  );
  // Re-evaluation reads these facts next; after a large batch, fresh statistics keep its plans on the indexes.
  if (written >= ANALYZE_AFTER_ROWS) await db.$executeRawUnsafe("ANALYZE credit_signals");
  return { status: "APPLIED", rowsTotal, rowsAccepted, rowsRejected, enterprisesAffected: affected, evaluationJobs: await evaluationJobsFor(db, batchId) };
}

/** Records that a batch could not be imported after every retry; whatever it wrote was rolled back. */
export async function markImportFailed(db: Db, batchId: string, error: unknown): Promise<void> {
  const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
  await db.$transaction(async (tx) => {
    const updated = await tx.creditSignalBatch.updateMany({
      where: { id: batchId, status: { in: ["QUEUED", "VALIDATING", "APPLYING"] } },
      data: { status: "FAILED", failureReason: reason, finishedAt: new Date() },
    });
    if (updated.count === 0) return;
    const batch = await tx.creditSignalBatch.findUniqueOrThrow({ where: { id: batchId }, select: { createdById: true, institutionId: true } });
    await appendAudit(tx, {
      actorUserId: batch.createdById,
      actorInstitutionId: batch.institutionId,
      action: "credit-signal-batch.failed",
      entityType: "credit-signal-batch",
      entityId: batchId,
      summary: { reason },
    });
  });
}

async function lookUpEnterprises(db: Db, cache: Map<string, string | null>, usccs: string[]): Promise<void> {
  const missing = [...new Set(usccs.filter((u) => !cache.has(u)))];
  if (missing.length === 0) return;
  const found = await db.enterprise.findMany({ where: { uscc: { in: missing } }, select: { id: true, uscc: true } });
  for (const u of missing) cache.set(u, null);
  for (const e of found) cache.set(e.uscc, e.id);
}

/** Inserts or updates one chunk; a fact it changes takes the batch's id. */
async function upsertSignals(
  tx: Tx,
  batch: { kind: string; batchId: string; source: string },
  rows: ValidRow[],
  enterpriseIds: Map<string, string | null>,
): Promise<void> {
  const col = <T>(pick: (f: SignalFields) => T) => rows.map((r) => pick(r.fields));
  const date = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);
  await tx.$executeRawUnsafe(
    `INSERT INTO credit_signals AS s
       (id, "enterpriseId", kind, "naturalKey", "batchId", source, "asOf", period, grade, "amountFen", count, "ratioBps",
        severity, "startsOn", "endsOn", kept, repaired, details, "createdAt", "updatedAt")
     SELECT gen_random_uuid(), t.e::uuid, $1::"SignalKind", t.nk, $2::uuid, $3, t.as_of::date, t.period, t.grade,
            t.amount::bigint, t.cnt::int, t.ratio::int, t.sev, t.starts::date, t.ends::date, t.kept::boolean,
            t.repaired::boolean, t.details::jsonb, now(), now()
       FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                   $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[])
         AS t(e, nk, as_of, period, grade, amount, cnt, ratio, sev, starts, ends, kept, repaired, details)
     ON CONFLICT ("enterpriseId", kind, "naturalKey") DO UPDATE SET
       "batchId" = EXCLUDED."batchId", source = EXCLUDED.source, "asOf" = EXCLUDED."asOf", period = EXCLUDED.period,
       grade = EXCLUDED.grade, "amountFen" = EXCLUDED."amountFen", count = EXCLUDED.count, "ratioBps" = EXCLUDED."ratioBps",
       severity = EXCLUDED.severity, "startsOn" = EXCLUDED."startsOn", "endsOn" = EXCLUDED."endsOn", kept = EXCLUDED.kept,
       repaired = s.repaired OR EXCLUDED.repaired, details = EXCLUDED.details, "updatedAt" = now()
     WHERE s."voidedAt" IS NULL AND s."correctedAt" IS NULL
       AND (s.source, s."asOf", s.period, s.grade, s."amountFen", s.count, s."ratioBps", s.severity, s."startsOn", s."endsOn",
            s.kept, s.repaired OR EXCLUDED.repaired, s.details)
           IS DISTINCT FROM
           (EXCLUDED.source, EXCLUDED."asOf", EXCLUDED.period, EXCLUDED.grade, EXCLUDED."amountFen", EXCLUDED.count,
            EXCLUDED."ratioBps", EXCLUDED.severity, EXCLUDED."startsOn", EXCLUDED."endsOn", EXCLUDED.kept,
            s.repaired OR EXCLUDED.repaired, EXCLUDED.details)`,
    batch.kind,
    batch.batchId,
    batch.source,
    rows.map((r) => enterpriseIds.get(r.uscc)!),
    col((f) => f.naturalKey),
    col((f) => date(f.asOf)),
    col((f) => f.period),
    col((f) => f.grade),
    col((f) => (f.amountFen === null ? null : f.amountFen.toString())),
    col((f) => (f.count === null ? null : String(f.count))),
    col((f) => (f.ratioBps === null ? null : String(f.ratioBps))),
    col((f) => f.severity),
    col((f) => date(f.startsOn)),
    col((f) => date(f.endsOn)),
    col((f) => (f.kept === null ? null : String(f.kept))),
    col((f) => String(f.repaired)),
    col((f) => JSON.stringify(f.details)),
  );
}

async function outcomeOf(db: Db, batchId: string): Promise<Omit<ImportOutcome, "evaluationJobs">> {
  const b = await db.creditSignalBatch.findUniqueOrThrow({
    where: { id: batchId },
    select: { rowsTotal: true, rowsAccepted: true, rowsRejected: true, enterprisesAffected: true },
  });
  return { status: "APPLIED", rowsTotal: b.rowsTotal ?? 0, rowsAccepted: b.rowsAccepted, rowsRejected: b.rowsRejected, enterprisesAffected: b.enterprisesAffected };
}

/**
 * The re-evaluations an applied batch needs: the enterprises whose facts carry
 * its id (facts it left unchanged keep their earlier batch), in chunks whose
 * job ids derive from the batch, so enqueueing them again adds nothing.
 */
export async function evaluationJobsFor(db: Db, batchId: string): Promise<JobPayload<"evaluateEnterprises">[]> {
  const rows = await db.$queryRaw<{ enterpriseId: string }[]>`
    SELECT DISTINCT "enterpriseId"::text AS "enterpriseId" FROM credit_signals WHERE "batchId" = ${batchId}::uuid ORDER BY 1`;
  const jobs: JobPayload<"evaluateEnterprises">[] = [];
  for (let i = 0; i < rows.length; i += EVALUATION_CHUNK) {
    jobs.push({
      enterpriseIds: rows.slice(i, i + EVALUATION_CHUNK).map((r) => r.enterpriseId),
      trigger: `batch:${batchId}`,
      key: `batch-${batchId}-${i / EVALUATION_CHUNK}`,
    });
  }
  return jobs;
}

/** Progress writes at most every PROGRESS_EVERY_MS, so a fast import is not slowed by its own progress bar. */
function throttled<T extends object>(write: (data: T) => Promise<void>) {
  let latest: T | null = null;
  let last = 0;
  let inFlight: Promise<void> = Promise.resolve();
  let cancelled = false;
  const push = () => {
    if (!latest || cancelled) return;
    const data = latest;
    latest = null;
    last = Date.now();
    // A lost progress write only delays the bar; the import itself must go on.
    inFlight = inFlight
      .then(() => write(data))
      .catch((error: unknown) => console.warn(JSON.stringify({ message: "import progress write failed", reason: String(error) })));
  };
  return {
    set(data: T) {
      latest = { ...(latest ?? {}), ...data } as T;
      if (Date.now() - last >= PROGRESS_EVERY_MS) push();
    },
    async flush() {
      push();
      await inFlight;
    },
    cancel() {
      cancelled = true;
    },
  };
}

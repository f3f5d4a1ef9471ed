import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { Db, Tx } from "~/db.server";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { recordMatchChange } from "~/domain/outbox/match-outbox.server";
import type { Prisma } from "~/generated/prisma/client";
import { buildSnapshot, platformToday, type SignalRow } from "./build-snapshot";
import { evaluate } from "./scorecard/evaluate";
import { scorecardParamsSha256, snapshotSha256 } from "./scorecard/hash.server";
import { ACTIVE_SCORECARD_VERSION, SCORECARD_MODELS } from "./scorecard/models";
import { ScorecardParamsSchema, type ScorecardParams } from "./scorecard/params";
import { EvaluationSnapshotSchema } from "./scorecard/snapshot";

/** Enterprises evaluated per transaction. */
const CHUNK = 500;

export type EvaluateOptions = {
  enterpriseIds: readonly string[];
  /** What caused it, e.g. `batch:<id>`, `objection:<id>`, `registration`. */
  trigger: string;
  /** The day being evaluated (YYYY-MM-DD); today in Asia/Shanghai unless a test pins it. */
  asOf?: string;
  /** Run inside the caller's transaction (an upheld objection re-evaluates at once, atomically). */
  tx?: Tx;
};

export type EvaluateResult = { evaluated: number; created: number; changed: number };

const registered = new Set<string>();

/**
 * Records a model version's parameters with their hash, once. A version whose
 * file was edited after it was first used is refused: scoring (or matching)
 * changes need a new version, or stored results could no longer be explained.
 */
export async function ensureModelVersion(db: Db, version: string, params: object, kind: "SCORECARD" | "MATCHING" = "SCORECARD"): Promise<void> {
  const key = `${kind}:${version}`;
  if (registered.has(key)) return;
  const sha256 = scorecardParamsSha256(params);
  // Insert-if-absent, then compare: two workers registering at once cannot both fail or both win.
  await db.modelVersion.createMany({
    data: [{ kind, version, params: params as Prisma.InputJsonValue, sha256, activatedAt: new Date() }],
    skipDuplicates: true,
  });
  const stored = await db.modelVersion.findUniqueOrThrow({ where: { kind_version: { kind, version } }, select: { sha256: true } });
  if (stored.sha256 !== sha256) {
    throw new Error(`${kind.toLowerCase()} model ${version} differs from the parameters first recorded for it; publish a new version instead`);
  }
  registered.add(key);
}

/**
 * Evaluates the given enterprises with the active scorecard and makes each
 * result current. Idempotent: an enterprise whose facts (and day) are
 * unchanged gets no new evaluation, only its existing one is made current.
 * Rows of the evaluated enterprises are locked for the duration, so two
 * workers re-evaluating the same enterprise cannot leave the older result current.
 */
export async function evaluateEnterprises(db: Db, options: EvaluateOptions): Promise<EvaluateResult> {
  const version = ACTIVE_SCORECARD_VERSION;
  const params = SCORECARD_MODELS[version]!;
  // Registered outside the caller's transaction, so a rolled-back caller cannot un-register it.
  await ensureModelVersion(db, version, params);
  const asOf = options.asOf ?? platformToday();
  const ids = [...new Set(options.enterpriseIds)].sort();
  const total: EvaluateResult = { evaluated: 0, created: 0, changed: 0 };
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += CHUNK) chunks.push(ids.slice(i, i + CHUNK));
  const run = (tx: Tx, chunk: string[]) => evaluateChunk(tx, chunk, { version, params, asOf, trigger: options.trigger });
  // Two chunks in flight: while Node scores one, PostgreSQL reads or writes the other (chunks lock disjoint rows).
  let next = 0;
  const lane = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      const result = options.tx ? await run(options.tx, chunk) : await db.$transaction((tx) => run(tx, chunk), { timeout: 120_000, maxWait: 30_000 });
      total.evaluated += result.evaluated;
      total.created += result.created;
      total.changed += result.changed;
    }
  };
  // Inside a caller's transaction there is one connection: one lane.
  await Promise.all(options.tx ? [lane()] : [lane(), lane()]);
  return total;
}

async function evaluateChunk(
  tx: Tx,
  ids: string[],
  model: { version: string; params: ScorecardParams; asOf: string; trigger: string },
): Promise<EvaluateResult> {
  const locked = await tx.$queryRaw<{ id: string; foundedOn: Date; size: "MICRO" | "SMALL" | "MEDIUM" | "LARGE"; currentEvaluationId: string | null }[]>`
    SELECT id::text AS id, "foundedOn", size::text AS size, "currentEvaluationId"::text AS "currentEvaluationId"
      FROM enterprises WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
  if (locked.length === 0) return { evaluated: 0, created: 0, changed: 0 };
  // Plain SQL on this hot path: Prisma's row mapping costs more than the query (see docs/BENCHMARKS.md).
  const signals = await tx.$queryRaw<(SignalRow & { enterpriseId: string })[]>`
    SELECT "enterpriseId"::text AS "enterpriseId", kind::text AS kind, "naturalKey", period, grade, "amountFen", count, "ratioBps",
           severity, "startsOn", "endsOn", kept, repaired, details
      FROM credit_signals WHERE "enterpriseId" = ANY(${locked.map((e) => e.id)}::uuid[]) AND "voidedAt" IS NULL`;
  const byEnterprise = new Map<string, SignalRow[]>();
  for (const s of signals) {
    const list = byEnterprise.get(s.enterpriseId) ?? [];
    list.push(s);
    byEnterprise.set(s.enterpriseId, list);
  }

  const computed = locked.map((e) => {
    const snapshot = buildSnapshot(e, byEnterprise.get(e.id) ?? [], model.asOf);
    return { enterprise: e, snapshot, sha256: snapshotSha256(snapshot), result: evaluate(snapshot, model.params) };
  });
  const existing = await tx.$queryRaw<{ id: string; enterpriseId: string; inputSha256: string }[]>`
    SELECT v.id::text AS id, v."enterpriseId"::text AS "enterpriseId", v."inputSha256"
      FROM credit_evaluations v
      JOIN unnest(${computed.map((c) => c.enterprise.id)}::uuid[], ${computed.map((c) => c.sha256)}::text[]) AS k(enterprise_id, sha)
        ON v."enterpriseId" = k.enterprise_id AND v."inputSha256" = k.sha
     WHERE v."modelVersion" = ${model.version}`;
  const existingId = new Map(existing.map((e) => [`${e.enterpriseId}:${e.inputSha256}`, e.id]));

  const toCreate: Record<string, unknown>[] = [];
  const current: { enterpriseId: string; evaluationId: string }[] = [];
  for (const c of computed) {
    let id = existingId.get(`${c.enterprise.id}:${c.sha256}`);
    if (!id) {
      id = randomUUID();
      toCreate.push({
        id,
        enterpriseId: c.enterprise.id,
        modelVersion: model.version,
        inputSha256: c.sha256,
        inputSnapshot: c.snapshot,
        evaluatedOn: model.asOf,
        score: c.result.score,
        grade: c.result.grade,
        excluded: c.result.excluded,
        exclusions: c.result.exclusions,
        redListed: c.result.redListed,
        incentives: c.result.incentives,
        reasons: c.result.reasons,
        trigger: model.trigger,
      });
    }
    if (c.enterprise.currentEvaluationId !== id) current.push({ enterpriseId: c.enterprise.id, evaluationId: id });
  }
  if (toCreate.length > 0) {
    // One statement for the chunk: the rows travel as one JSON document PostgreSQL unpacks itself.
    await tx.$executeRaw`
      INSERT INTO credit_evaluations (id, "enterpriseId", "modelVersion", "inputSha256", "inputSnapshot", "evaluatedOn", score, grade,
                                      excluded, exclusions, "redListed", incentives, reasons, trigger)
      SELECT r.id, r."enterpriseId", r."modelVersion", r."inputSha256", r."inputSnapshot", r."evaluatedOn", r.score, r.grade,
             r.excluded, r.exclusions, r."redListed", r.incentives, r.reasons, r.trigger
        FROM jsonb_to_recordset(${JSON.stringify(toCreate)}::jsonb) AS r(
             id uuid, "enterpriseId" uuid, "modelVersion" text, "inputSha256" text, "inputSnapshot" jsonb, "evaluatedOn" date,
             score int, grade text, excluded boolean, exclusions jsonb, "redListed" boolean, incentives text[], reasons jsonb, trigger text)`;
  }
  if (current.length > 0) {
    const resultOf = new Map(computed.map((c) => [c.enterprise.id, c.result]));
    await tx.$executeRaw`
      UPDATE enterprises AS e SET "currentEvaluationId" = c.evaluation_id::uuid, "updatedAt" = now()
        FROM unnest(${current.map((c) => c.enterpriseId)}::text[], ${current.map((c) => c.evaluationId)}::text[]) AS c(enterprise_id, evaluation_id)
       WHERE e.id = c.enterprise_id::uuid`;
    // A new grade, exclusion or red-list status changes what the enterprise's open needs can be recommended.
    await recordMatchChange(tx, "enterprise", current.map((c) => c.enterpriseId));
    await appendAudit(tx, {
      action: "credit-evaluation.applied",
      entityType: "credit-evaluation",
      entityId: model.trigger,
      summary: {
        modelVersion: model.version,
        asOf: model.asOf,
        changed: current.map((c) => {
          const r = resultOf.get(c.enterpriseId)!;
          return { enterpriseId: c.enterpriseId, grade: r.grade, score: r.score, excluded: r.excluded };
        }),
      },
    });
  }
  return { evaluated: computed.length, created: toCreate.length, changed: current.length };
}

export type ReplayResult = { evaluationId: string; modelVersion: string; matches: boolean; stored: unknown; replayed: unknown };

/**
 * Re-runs a stored evaluation from its own snapshot and the parameters recorded
 * for its model version, and says whether the result is identical.
 */
export async function replayEvaluation(db: Db, evaluationId: string): Promise<ReplayResult> {
  const stored = await db.creditEvaluation.findUniqueOrThrow({ where: { id: evaluationId } });
  const model = await db.modelVersion.findUniqueOrThrow({
    where: { kind_version: { kind: "SCORECARD", version: stored.modelVersion } },
    select: { params: true },
  });
  const snapshot = EvaluationSnapshotSchema.parse(stored.inputSnapshot);
  const result = evaluate(snapshot, ScorecardParamsSchema.parse(model.params));
  const storedView = {
    sha256: stored.inputSha256,
    score: stored.score,
    grade: stored.grade,
    excluded: stored.excluded,
    exclusions: stored.exclusions,
    redListed: stored.redListed,
    incentives: stored.incentives,
    reasons: stored.reasons,
  };
  const replayed = {
    sha256: snapshotSha256(snapshot),
    score: result.score,
    grade: result.grade,
    excluded: result.excluded,
    exclusions: JSON.parse(JSON.stringify(result.exclusions)) as unknown,
    redListed: result.redListed,
    incentives: result.incentives,
    reasons: JSON.parse(JSON.stringify(result.reasons)) as unknown,
  };
  return { evaluationId, modelVersion: stored.modelVersion, matches: isDeepStrictEqual(storedView, replayed), stored: storedView, replayed };
}

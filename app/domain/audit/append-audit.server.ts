import { createHash } from "node:crypto";
import type { Tx } from "~/db.server";
import { storableValue } from "~/schemas/fields";

export const GENESIS_HASH = "0".repeat(64);

export type AuditEntry = {
  actorUserId?: string | null;
  actorInstitutionId?: string | null;
  actorEnterpriseId?: string | null;
  action: string;
  entityType: string;
  entityId: string;
  /** A before/after summary: never passwords, tokens or full ID numbers. */
  summary?: Record<string, unknown>;
  ip?: string | null;
};

/** Canonical JSON: keys sorted, so the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    return JSON.stringify(typeof value === "bigint" ? value.toString() : value) ?? "null";
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function auditRecordHash(prevHash: string, record: Omit<AuditEntry, "summary"> & { at: Date; summary: unknown }): string {
  const body = canonicalJson({
    at: record.at.toISOString(),
    actorUserId: record.actorUserId ?? null,
    actorInstitutionId: record.actorInstitutionId ?? null,
    actorEnterpriseId: record.actorEnterpriseId ?? null,
    action: record.action,
    entityType: record.entityType,
    entityId: record.entityId,
    summary: record.summary,
    ip: record.ip ?? null,
  });
  return createHash("sha256").update(prevHash).update("\n").update(body).digest("hex");
}

const AUDIT_LOCK_KEY = 7_310_001; // pg_advisory_xact_lock key that serialises appends

/**
 * Appends one record to the hash-chained audit log inside the caller's
 * transaction, so the record exists exactly when the change it describes does.
 */
export async function appendAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`;
  const last = await tx.auditLog.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
  const prevHash = last?.hash ?? GENESIS_HASH;
  const at = new Date();
  // Stored as PostgreSQL keeps them, so what is hashed is what is read back: uuids in lower case, and text
  // without NUL or lone surrogates (which jsonb refuses) — replaced by U+FFFD rather than failing the change.
  const summary = JSON.parse(canonicalJson(storableValue(entry.summary ?? {}))) as object;
  const actors = {
    actorUserId: entry.actorUserId?.toLowerCase() ?? null,
    actorInstitutionId: entry.actorInstitutionId?.toLowerCase() ?? null,
    actorEnterpriseId: entry.actorEnterpriseId?.toLowerCase() ?? null,
  };
  const hash = auditRecordHash(prevHash, { ...entry, ...actors, at, summary });
  await tx.auditLog.create({
    data: {
      at,
      ...actors,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      summary,
      ip: entry.ip ?? null,
      prevHash,
      hash,
    },
  });
}

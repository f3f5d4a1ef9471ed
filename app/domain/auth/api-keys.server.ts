import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { isUniqueViolation, prisma } from "~/db.server";
import { assertCan, loadActor, type Actor } from "~/domain/access/actor.server";
import { isPermission, type Permission } from "~/domain/access/permissions";
import { appendAudit } from "~/domain/audit/append-audit.server";
import { DomainError } from "~/domain/errors";
import { CreateApiKeySchema } from "~/schemas/api-keys";
import { apiAuthBlockedForSeconds, recordApiAuthFailure } from "./api-rate-limit.server";
import { userDisplayNames } from "~/domain/users/list-users.server";

/**
 * API keys let an institution's own systems call the platform. A key acts for
 * the institution with the permissions its creator's role had that make sense
 * for a machine, never more; the creator stays accountable for it.
 *
 * Token: `xyd_<prefix>_<secret>`. The prefix (12 lowercase hex) is public: it
 * finds the row and is shown in the UI. The secret is 32 random bytes
 * (base64url) and is stored only as its SHA-256. A slow password hash (argon2)
 * protects low-entropy human passwords against guessing; a 256-bit random
 * secret cannot be guessed, so a fast hash is as safe and keeps every API call
 * cheap.
 */

/** The permissions a key may carry, if its creator holds them. */
export const API_KEY_PERMISSIONS = [
  "import:credit-signal:any",
  "manage:product:institution",
  "decide:application:institution",
  "manage:loan:institution",
  "file:claim:institution",
  "read:need-inbox:institution",
] as const satisfies readonly Permission[];
export type ApiKeyPermission = (typeof API_KEY_PERMISSIONS)[number];

export const MAX_LIVE_API_KEYS_PER_INSTITUTION = 20;
/** Listing bound: all live keys plus the most recently revoked ones. */
const LIST_LIMIT = 100;
const LAST_USED_RESOLUTION_MS = 60_000;

const TOKEN_PATTERN = /^xyd_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const PREFIX_ATTEMPTS = 3;
// Compared against when no key has the presented prefix, so both paths do the same work.
const NO_KEY_HASH = "0".repeat(64);

function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

function sameHash(presentedHex: string, storedHex: string): boolean {
  const a = Buffer.from(presentedHex, "hex");
  const b = Buffer.from(storedHex, "hex");
  return a.length === 32 && b.length === 32 && timingSafeEqual(a, b);
}

/** What the actor's role lets a new key do: the allow-list cut down to what the actor holds. */
export function apiKeyPermissionsFor(actor: Actor): ApiKeyPermission[] {
  return API_KEY_PERMISSIONS.filter((p) => actor.permissions.has(p));
}

function requireInstitution(actor: Actor): string {
  assertCan(actor, "manage:api-key:institution");
  const institutionId = actor.institution?.id;
  if (!institutionId) throw new DomainError("forbidden", { status: 403 });
  return institutionId;
}

export type CreatedApiKey = { id: string; name: string; prefix: string; permissions: ApiKeyPermission[]; token: string };

/** Creates a key for the actor's institution. The token is returned here and never again. */
export async function createApiKey(options: { actor: Actor; name: string; ip: string | null }): Promise<CreatedApiKey> {
  const { actor, ip } = options;
  const institutionId = requireInstitution(actor);
  const parsed = CreateApiKeySchema.safeParse({ name: options.name });
  if (!parsed.success) throw new DomainError("invalid");
  const name = parsed.data.name;
  const permissions = apiKeyPermissionsFor(actor);
  if (permissions.length === 0) throw new DomainError("apiKeys.noPermissions", { status: 403 });

  for (let attempt = 1; ; attempt++) {
    const prefix = randomBytes(6).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    try {
      const id = await prisma.$transaction(async (tx) => {
        // Serialises key creation per institution, so two requests cannot both pass the limit.
        await tx.$queryRaw`SELECT id FROM institutions WHERE id = ${institutionId}::uuid FOR UPDATE`;
        const live = await tx.apiKey.count({ where: { institutionId, revokedAt: null } });
        if (live >= MAX_LIVE_API_KEYS_PER_INSTITUTION) {
          throw new DomainError("apiKeys.limitReached", { params: { max: MAX_LIVE_API_KEYS_PER_INSTITUTION }, status: 409 });
        }
        const created = await tx.apiKey.create({
          data: { institutionId, name, prefix, secretHash: hashSecret(secret), permissions, createdById: actor.userId },
          select: { id: true },
        });
        await appendAudit(tx, {
          actorUserId: actor.userId,
          actorInstitutionId: institutionId,
          action: "api-key.created",
          entityType: "api-key",
          entityId: created.id,
          summary: { name, prefix, permissions },
          ip,
        });
        return created.id;
      });
      return { id, name, prefix, permissions, token: `xyd_${prefix}_${secret}` };
    } catch (error) {
      // 48 random bits rarely collide; when they do, draw again.
      if (isUniqueViolation(error) && attempt < PREFIX_ATTEMPTS) continue;
      throw error;
    }
  }
}

/** Revokes a key of the actor's institution. Revoking a revoked key changes nothing. */
export async function revokeApiKey(options: { actor: Actor; apiKeyId: string; ip: string | null }): Promise<{ name: string; revokedAt: Date }> {
  const { actor, apiKeyId, ip } = options;
  const institutionId = requireInstitution(actor);
  if (!/^[0-9a-f-]{36}$/i.test(apiKeyId)) throw new DomainError("notFound", { status: 404 });
  return prisma.$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({
      where: { id: apiKeyId, institutionId },
      select: { id: true, name: true, prefix: true, revokedAt: true },
    });
    if (!key) throw new DomainError("notFound", { status: 404 });
    if (key.revokedAt) return { name: key.name, revokedAt: key.revokedAt };
    const revokedAt = new Date();
    const { count } = await tx.apiKey.updateMany({ where: { id: key.id, revokedAt: null }, data: { revokedAt } });
    if (count === 0) {
      // Revoked by a concurrent request, which wrote the audit record.
      const current = await tx.apiKey.findUniqueOrThrow({ where: { id: key.id }, select: { revokedAt: true } });
      return { name: key.name, revokedAt: current.revokedAt ?? revokedAt };
    }
    await appendAudit(tx, {
      actorUserId: actor.userId,
      actorInstitutionId: institutionId,
      action: "api-key.revoked",
      entityType: "api-key",
      entityId: key.id,
      summary: { name: key.name, prefix: key.prefix },
      ip,
    });
    return { name: key.name, revokedAt };
  });
}

export type ApiKeySummary = {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

/** The institution's keys, live ones first, newest first. Secrets and hashes never leave this module. */
export async function listApiKeys(actor: Actor): Promise<ApiKeySummary[]> {
  const institutionId = requireInstitution(actor);
  const keys = await prisma.apiKey.findMany({
    where: { institutionId },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    take: LIST_LIMIT,
    select: { id: true, name: true, prefix: true, permissions: true, createdAt: true, createdById: true, lastUsedAt: true, revokedAt: true },
  });
  const names = await userDisplayNames(keys.map((k) => k.createdById));
  return keys.map(({ createdById, ...k }) => ({ ...k, createdBy: names.get(createdById) ?? null }));
}

/**
 * The actor an `Authorization: Bearer xyd_…` header stands for, or null when
 * the header carries no valid live key. Refuses keys that are revoked, of a
 * suspended institution, or whose creator is no longer active (or has left the
 * institution). The key's permissions are also cut to what the creator's role
 * holds today, so demoting a person demotes their keys.
 *
 * Throws DomainError "rateLimited" (429, params.retryAfterSeconds) while the
 * address is blocked after too many failed attempts; a blocked address is not
 * checked at all, so it learns nothing more.
 */
export async function authenticateApiKey(authorizationHeader: string | null | undefined, ip: string): Promise<Actor | null> {
  if (!authorizationHeader?.trim()) return null;
  const blockedSeconds = await apiAuthBlockedForSeconds(ip);
  if (blockedSeconds > 0) throw new DomainError("rateLimited", { params: { retryAfterSeconds: blockedSeconds }, status: 429 });

  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorizationHeader.trim());
  const parts = match ? TOKEN_PATTERN.exec(match[1]!) : null;
  if (!parts) {
    await recordApiAuthFailure(ip);
    return null;
  }
  const [, prefix, secret] = parts as unknown as [string, string, string];
  const key = await prisma.apiKey.findUnique({
    where: { prefix },
    select: {
      id: true,
      name: true,
      prefix: true,
      secretHash: true,
      permissions: true,
      createdById: true,
      lastUsedAt: true,
      revokedAt: true,
      institutionId: true,
      institution: { select: { id: true, kind: true, nameZh: true, nameEn: true, status: true } },
    },
  });
  const valid = sameHash(hashSecret(secret), key?.secretHash ?? NO_KEY_HASH);
  if (!key || !valid) {
    // Only a wrong credential counts towards the block: a revoked key is not a guess.
    await recordApiAuthFailure(ip);
    return null;
  }
  if (key.revokedAt || key.institution.status !== "ACTIVE") return null;

  const creator = await loadActor(key.createdById, `api-key:${key.id}`);
  if (!creator || creator.institution?.id !== key.institutionId) return null;
  const permissions = key.permissions.filter(isPermission).filter((p) => creator.permissions.has(p));

  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await prisma.apiKey.updateMany({
      where: { id: key.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(Date.now() - LAST_USED_RESOLUTION_MS) } }] },
      data: { lastUsedAt: new Date() },
    });
  }

  const { institution } = key;
  return {
    userId: creator.userId,
    sessionId: `api-key:${key.id}`,
    username: `api:${key.prefix}`,
    displayName: key.name,
    locale: creator.locale,
    roleKey: creator.roleKey,
    institution: { id: institution.id, kind: institution.kind, nameZh: institution.nameZh, nameEn: institution.nameEn },
    enterprise: null,
    permissions: new Set(permissions),
  };
}

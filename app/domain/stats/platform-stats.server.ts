import type { Db } from "~/db.server";
import { PROFILE_GRAIN } from "~/domain/monitoring/grains";
import { PLATFORM_STAT_KEYS, type PlatformStatKey } from "./platform-stat-keys";

export { PLATFORM_STAT_KEYS };
export type PlatformStats = { values: Record<PlatformStatKey, bigint>; computedAt: Date } | null;

/**
 * Recomputes the public headline figures and stores them. Needs posted and
 * the amount financed come from the monitoring rollups (the same figures the
 * finance office sees, unfiltered); the counts of banks, listed products and
 * enterprises are read directly (one indexed count each).
 */
export async function refreshPlatformStats(db: Db, now: Date = new Date()): Promise<Record<PlatformStatKey, bigint>> {
  const [banks, listedProducts, enterprises, rollups] = await Promise.all([
    db.institution.count({ where: { kind: "BANK", status: "ACTIVE" } }),
    db.product.count({ where: { status: "LISTED" } }),
    db.enterprise.count(),
    // The profile grain: one row per month, region, industry and size, so its sums are the whole platform's (grains.ts).
    db.$queryRaw<{ needs: bigint | null; financed: string | null }[]>`
      SELECT (SELECT sum(posted) FROM monitoring_need_facts WHERE grain = ${PROFILE_GRAIN})::bigint AS needs,
             (SELECT sum("principalFen") FROM monitoring_loan_facts WHERE grain = ${PROFILE_GRAIN})::text AS financed`,
  ]);
  const values: Record<PlatformStatKey, bigint> = {
    banks: BigInt(banks),
    listedProducts: BigInt(listedProducts),
    enterprises: BigInt(enterprises),
    needsPosted: rollups[0]?.needs ?? 0n,
    amountFinancedFen: BigInt(rollups[0]?.financed ?? "0"),
  };
  await db.$transaction(
    PLATFORM_STAT_KEYS.map((key) =>
      db.platformStatistic.upsert({
        where: { key },
        create: { key, value: values[key], computedAt: now },
        update: { value: values[key], computedAt: now },
      }),
    ),
  );
  return values;
}

export async function readPlatformStats(db: Db): Promise<PlatformStats> {
  const rows = await db.platformStatistic.findMany({ where: { key: { in: [...PLATFORM_STAT_KEYS] } } });
  if (rows.length !== PLATFORM_STAT_KEYS.length) return null;
  const values = Object.fromEntries(rows.map((r) => [r.key, r.value])) as Record<PlatformStatKey, bigint>;
  const computedAt = new Date(Math.min(...rows.map((r) => r.computedAt.getTime())));
  return { values, computedAt };
}

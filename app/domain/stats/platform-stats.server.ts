import type { Db } from "~/db.server";
import { PLATFORM_STAT_KEYS, type PlatformStatKey } from "./platform-stat-keys";

export { PLATFORM_STAT_KEYS };
export type PlatformStats = { values: Record<PlatformStatKey, bigint>; computedAt: Date } | null;

/** Recomputes the public headline figures from the detail records and stores them. */
export async function refreshPlatformStats(db: Db, now: Date = new Date()): Promise<Record<PlatformStatKey, bigint>> {
  const [banks, listedProducts, enterprises, openNeeds, financed] = await Promise.all([
    db.institution.count({ where: { kind: "BANK", status: "ACTIVE" } }),
    db.product.count({ where: { status: "LISTED" } }),
    db.enterprise.count(),
    db.financingNeed.count({ where: { status: { in: ["OPEN", "IN_PROGRESS"] } } }),
    db.loan.aggregate({ _sum: { principalFen: true } }),
  ]);
  const values: Record<PlatformStatKey, bigint> = {
    banks: BigInt(banks),
    listedProducts: BigInt(listedProducts),
    enterprises: BigInt(enterprises),
    openNeeds: BigInt(openNeeds),
    amountFinancedFen: financed._sum.principalFen ?? 0n,
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

import type { MonitoringFilters } from "./filters";

/**
 * The rollups keep each month's figures at a few grains at once (SQL GROUPING
 * SETS in one pass): a grain is the set of dimensions a row keeps, as bits; the
 * others are summed over (null in the row). A question is answered from the
 * smallest grain that keeps every dimension it filters or groups by — an
 * aggregate navigator. Unfiltered, the dashboard reads a few thousand rows
 * instead of the finest grain's hundreds of thousands.
 */
export const DIM = { region: 1, industry: 2, size: 4, bank: 8, product: 16 } as const;
export type Dim = keyof typeof DIM;

/** The enterprise profile alone (region × industry × size): every fact table keeps it; whole-platform totals read it. */
export const PROFILE_GRAIN = DIM.region | DIM.industry | DIM.size;
/** Every dimension kept. */
export const FULL_GRAIN = DIM.region | DIM.industry | DIM.size | DIM.bank | DIM.product;
/** Needs matched to a bank: the profile and the bank. */
export const NEED_BANK_GRAIN = PROFILE_GRAIN | DIM.bank;

/** Applications, loans and claims: smallest first (bank × region; product × region; enterprise profile; everything). */
export const FACT_GRAINS = [DIM.region | DIM.bank, DIM.region | DIM.bank | DIM.product, PROFILE_GRAIN, FULL_GRAIN] as const;
/** Needs: the enterprise profile, then matched to a bank, then to a product (needs have no bank until matched). */
export const NEED_GRAINS = [PROFILE_GRAIN, NEED_BANK_GRAIN, FULL_GRAIN] as const;

/** The dimensions a filter set narrows by, as bits. */
export function filterDims(filters: MonitoringFilters): number {
  return (
    (filters.regionCode ? DIM.region : 0) |
    (filters.industryCode ? DIM.industry : 0) |
    (filters.size ? DIM.size : 0) |
    (filters.institutionId ? DIM.bank : 0) |
    (filters.productId ? DIM.product : 0)
  );
}

/** The smallest grain keeping every dimension in `needed`. */
export function chooseGrain(grains: readonly number[], needed: number): number {
  const grain = grains.find((g) => (g & needed) === needed);
  if (grain === undefined) throw new RangeError(`no grain keeps dimensions ${needed}`);
  return grain;
}

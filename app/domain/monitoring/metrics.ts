/**
 * Shared by the rollup refresh (SQL), the dashboard and its exports: the rate
 * bands and the ratios, defined once.
 */

/** Upper bounds (exclusive, bps) of the rate bands; the last band is open-ended: <3.00 %, 3.00–3.49 %, …, ≥6.00 %. */
export const RATE_BANDS_BPS = [300, 350, 400, 450, 500, 600] as const;
export const RATE_BAND_COUNT = RATE_BANDS_BPS.length + 1;

/** The band's label, e.g. "3.00–3.49%", "<3.00%", "≥6.00%". */
export function rateBandLabel(band: number): string {
  const pct = (bps: number) => (bps / 100).toFixed(2);
  if (band === 0) return `<${pct(RATE_BANDS_BPS[0])}%`;
  if (band === RATE_BANDS_BPS.length) return `≥${pct(RATE_BANDS_BPS[RATE_BANDS_BPS.length - 1]!)}%`;
  return `${pct(RATE_BANDS_BPS[band - 1]!)}–${pct(RATE_BANDS_BPS[band]! - 1)}%`;
}

/** part / whole in basis points of a share (0–10,000), rounded half up; null when the whole is 0 (no share, not 0 %). */
export function shareBps(part: bigint | number, whole: bigint | number): number | null {
  const p = BigInt(part);
  const w = BigInt(whole);
  if (w === 0n) return null;
  return Number((p * 20_000n + w) / (2n * w));
}

/** The average of a sum over a count, to two decimals; null over nothing. */
export function average(sum: bigint | number, count: bigint | number): number | null {
  const c = BigInt(count);
  if (c === 0n) return null;
  const s = BigInt(sum);
  // In hundredths, rounded half up (sums are never negative).
  return Number((s * 200n + c) / (2n * c)) / 100;
}

/**
 * Stored values written back as a person types them, to fill a form or a
 * search box again: 分 → 元 ("500000", "1234.5"), basis points → percent ("4.35").
 * Integer arithmetic only, so what is shown parses back to the same number.
 */
export function fenToYuanText(fen: string | number | bigint): string {
  const value = BigInt(fen);
  const yuan = value / 100n;
  const cents = value % 100n;
  if (cents === 0n) return yuan.toString();
  return `${yuan}.${cents.toString().padStart(2, "0").replace(/0$/, "")}`;
}

export function bpsToPercentText(bps: number): string {
  const whole = Math.floor(bps / 100);
  const rest = bps % 100;
  if (rest === 0) return String(whole);
  return `${whole}.${String(rest).padStart(2, "0").replace(/0$/, "")}`;
}

/** A calendar day `days` after `day` (both YYYY-MM-DD). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The fund's arithmetic (PRODUCT.md §3.7), pure and in integers: money in 分,
 * ratios in basis points, every division rounding down — in the fund's
 * favour, never paying or claiming back a fen more than the rules allow.
 */

/** Compensation for a loss: the ratio of it, limited by the room left under the loan's cap and the bank's yearly cap. */
export function compensationFen(options: { lossFen: bigint; ratioBps: number; loanRoomFen: bigint; bankYearRoomFen: bigint }): bigint {
  if (options.lossFen <= 0n) throw new RangeError("a loss is positive");
  if (!Number.isInteger(options.ratioBps) || options.ratioBps < 0 || options.ratioBps > 10_000) throw new RangeError("a ratio is 0–10,000 bps");
  const byRatio = (options.lossFen * BigInt(options.ratioBps)) / 10_000n;
  const rooms = [options.loanRoomFen, options.bankYearRoomFen].map((r) => (r < 0n ? 0n : r));
  return rooms.reduce((min, r) => (r < min ? r : min), byRatio);
}

/**
 * A recovery's share for the fund: in proportion to what the fund paid of the
 * loss, and never more than what is still recoverable (what the fund paid
 * for the loan less what was already shared back).
 */
export function recoveryShareFen(options: { recoveredFen: bigint; paidFen: bigint; lossFen: bigint; recoverableFen: bigint }): bigint {
  if (options.recoveredFen <= 0n) throw new RangeError("a recovery is positive");
  if (options.lossFen <= 0n || options.paidFen <= 0n) return 0n;
  const proportional = (options.recoveredFen * options.paidFen) / options.lossFen;
  const room = options.recoverableFen < 0n ? 0n : options.recoverableFen;
  return proportional < room ? proportional : room;
}

/** The year a claim counts against, in China's calendar. */
export function claimYear(at: Date): number {
  return Number(new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric" }).format(at));
}

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCalendarDate, formatDate, formatDateTime, formatMoneyCompact, formatMoneyFen, formatRateBps, maskMiddle } from "./format";

describe("formatting", () => {
  it("shows money in yuan with separators and two decimals", () => {
    expect(formatMoneyFen(123456789n, "zh-CN")).toBe("1,234,567.89 元");
    expect(formatMoneyFen(123456789n, "en")).toBe("¥1,234,567.89");
    expect(formatMoneyFen(5, "zh-CN")).toBe("0.05 元");
    expect(formatMoneyFen(-100n, "en")).toBe("-¥1.00");
    // Beyond 2^53 fen nothing is lost.
    expect(formatMoneyFen(9007199254740993n, "zh-CN")).toBe("90,071,992,547,409.93 元");
  });

  it("round-trips every amount exactly", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), (fen) => {
        const text = formatMoneyFen(fen, "en").replace(/[¥,]/g, "");
        expect(BigInt(text.replace(".", ""))).toBe(fen);
      }),
    );
  });

  it("shows compact amounts", () => {
    expect(formatMoneyCompact(1_234_500_000n, "zh-CN")).toBe("1,234.5 万元");
    expect(formatMoneyCompact(1_234_500_000n, "en")).toBe("¥12.3m");
  });

  it("shows rates from basis points", () => {
    expect(formatRateBps(435)).toBe("4.35%");
    expect(formatRateBps(5)).toBe("0.05%");
    expect(formatRateBps(1200)).toBe("12.00%");
  });

  it("shows dates in Beijing time as YYYY-MM-DD", () => {
    expect(formatDate(new Date("2026-11-21T17:30:00Z"))).toBe("2026-11-22");
    expect(formatDateTime(new Date("2026-11-21T17:30:00Z"))).toBe("2026-11-22 01:30");
    expect(formatCalendarDate(new Date("2026-11-21T00:00:00Z"))).toBe("2026-11-21");
  });

  it("masks personal data", () => {
    expect(maskMiddle("210102199001011234", 6, 4)).toBe("210102********1234");
    expect(maskMiddle("abc", 2, 2)).toBe("***");
  });
});

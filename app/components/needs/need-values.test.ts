import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { percentToBpsField, yuanToFenField } from "~/schemas/fields";
import { addDays, bpsToPercentText, fenToYuanText } from "./need-values";

describe("need values written back for editing", () => {
  it("parse back to the same 分 and basis points", () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 1_000_000_000_000n }), (fen) => yuanToFenField.parse(fenToYuanText(fen)) === fen));
    fc.assert(fc.property(fc.integer({ min: 1, max: 2_400 }), (bps) => percentToBpsField.parse(bpsToPercentText(bps)) === bps));
    expect(fenToYuanText(50_000_000n)).toBe("500000");
    expect(fenToYuanText(123_450n)).toBe("1234.5");
    expect(bpsToPercentText(435)).toBe("4.35");
    expect(bpsToPercentText(450)).toBe("4.5");
  });

  it("adds calendar days across month and year ends", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
  });
});

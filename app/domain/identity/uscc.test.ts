import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { USCC_ALPHABET, normaliseUscc, parseUscc, usccCheckCharacter } from "./uscc";

// Published codes of real enterprises, whose check characters are known to be right.
const REAL = ["91110000802100433B", "91440300708461136T", "9131000013221158XC"];

describe("USCC (GB 32100-2015)", () => {
  it("accepts real codes", () => {
    for (const code of REAL) expect(parseUscc(code)).toEqual({ ok: true, value: code });
  });

  it("normalises full-width characters, lower case and spaces", () => {
    expect(parseUscc("９１１１００００８０２１００４３３ｂ")).toEqual({ ok: true, value: "91110000802100433B" });
    expect(parseUscc(" 9111 0000 8021 0043 3b ")).toEqual({ ok: true, value: "91110000802100433B" });
    expect(normaliseUscc("ａｂ\u3000c")).toBe("ABC");
  });

  it("names the problem", () => {
    expect(parseUscc("")).toEqual({ ok: false, error: { code: "uscc.empty" } });
    expect(parseUscc("9111000080210043")).toEqual({ ok: false, error: { code: "uscc.length", length: 16 } });
    expect(parseUscc("91110000802100433I")).toEqual({
      ok: false,
      error: { code: "uscc.character", position: 18, character: "I" },
    });
    expect(parseUscc("91110000802100433C")).toEqual({ ok: false, error: { code: "uscc.checkCharacter" } });
    expect(parseUscc("9111000080210043😀B")).toEqual({
      ok: false,
      error: { code: "uscc.character", position: 17, character: "😀" },
    });
  });

  it("accepts every code whose check character is computed, and rejects every single-character change", () => {
    const body = fc.array(fc.constantFrom(...USCC_ALPHABET), { minLength: 17, maxLength: 17 }).map((a) => a.join(""));
    fc.assert(
      fc.property(body, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 30 }), (first17, pos, shift) => {
        const code = first17 + usccCheckCharacter(first17);
        expect(parseUscc(code).ok).toBe(true);
        const chars = code.split("");
        chars[pos] = USCC_ALPHABET[(USCC_ALPHABET.indexOf(chars[pos]!) + shift) % 31]!;
        expect(parseUscc(chars.join("")).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { highlight } from "./highlight";
import { documentTokens, hanBigrams, queryTerms } from "./segment";

describe("Chinese segmentation for search", () => {
  it("indexes words and bigrams, so a query matches however the document was cut", () => {
    const tokens = documentTokens("税易贷·小微企业纳税信用贷");
    for (const bigram of ["税易", "易贷", "纳税", "信用"]) expect(tokens).toContain(bigram);
    for (const term of queryTerms("税易贷")) for (const lexeme of term.lexemes) expect(tokens).toContain(lexeme);
  });

  it("normalises full-width and case, and drops punctuation", () => {
    expect(documentTokens("ＡＢＣ　Bank，贷款！")).toEqual(expect.arrayContaining(["abc", "bank", "贷款"]));
    expect(documentTokens("，。！")).toEqual([]);
    expect(queryTerms("GOV")).toEqual([{ lexemes: ["gov"], prefix: true }]);
    expect(queryTerms("贷")).toEqual([{ lexemes: ["贷"], prefix: true }]);
  });

  it("never yields a lexeme that would need quoting in a tsquery", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (text) => {
        for (const t of [...documentTokens(text), ...queryTerms(text).flatMap((q) => q.lexemes)]) expect(t).toMatch(/^[\p{L}\p{N}]+$/u);
      }),
      { numRuns: 500 },
    );
  });

  it("bigrams only pair Chinese characters", () => {
    expect(hanBigrams("A股上市B")).toEqual(["股上", "上市"]);
  });
});

describe("highlight", () => {
  it("cuts the text into plain and matched parts, merging overlaps, keeping the text intact", () => {
    expect(highlight("小微企业纳税信用贷", ["纳税", "税信"])).toEqual([
      { text: "小微企业", match: false },
      { text: "纳税信", match: true },
      { text: "用贷", match: false },
    ]);
    expect(highlight("Patents as pledge", ["patents"])).toEqual([
      { text: "Patents", match: true },
      { text: " as pledge", match: false },
    ]);
  });

  it("always reassembles to the original text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }), (text, needles) => {
        expect(highlight(text, needles).map((p) => p.text).join("")).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});

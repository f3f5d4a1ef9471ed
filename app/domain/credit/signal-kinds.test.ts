import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateRow } from "./import/read-rows.server";
import { SIGNAL_DEFINITIONS, SIGNAL_KINDS, columnForHeader, signalToCells, templateRows } from "./signal-kinds";

const USCC = "91211100MA0Q5X8K3A";

describe("signal column sets", () => {
  for (const kind of SIGNAL_KINDS) {
    const definition = SIGNAL_DEFINITIONS[kind];

    it(`${kind}: the template's example row is valid, and its headers are recognised in both spellings`, () => {
      const [zh, example] = templateRows(definition, "zh") as [string[], string[]];
      const [keys] = templateRows(definition, "key") as [string[]];
      expect(zh.map((h) => columnForHeader(definition, h))).toEqual(keys);
      expect(keys.map((h) => columnForHeader(definition, h.toUpperCase()))).toEqual(keys);
      const cells = Object.fromEntries(keys.map((k, i) => [k, example[i]!]));
      const result = validateRow(definition, { line: 2, cells });
      expect(result.ok).toBe(true);
    });

    it(`${kind}: a stored fact turns back into the cells it came from`, () => {
      const [keys, example] = templateRows(definition, "key") as [string[], string[]];
      const cells = Object.fromEntries(keys.map((k, i) => [k, example[i]!]));
      const first = validateRow(definition, { line: 2, cells });
      if (!first.ok) throw new Error("example must be valid");
      const back = signalToCells(kind, first.fields, first.uscc);
      const again = validateRow(definition, { line: 2, cells: back });
      expect(again).toEqual(first);
      expect(back.uscc).toBe(USCC);
    });

    it(`${kind}: a row missing its required cells names each of them`, () => {
      const empty = Object.fromEntries(definition.columns.map((c) => [c.key, ""]));
      const result = validateRow(definition, { line: 5, cells: empty });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const required = definition.columns.filter((c) => c.required).map((c) => c.key);
      expect(result.errors.map((e) => e.column).sort()).toEqual([...required].sort());
      expect(result.errors.every((e) => e.line === 5)).toBe(true);
    });
  }

  it("accepts full-width digits, Chinese choice words and thousands separators", () => {
    const result = validateRow(SIGNAL_DEFINITIONS.UTILITY_PAYMENT, {
      line: 2,
      cells: { uscc: ` ${USCC.toLowerCase()} `, period: "２０２６-０９", utility: "燃气", bills_due: "３", bills_on_time: "2", as_of: "2026/9/30" },
    });
    expect(result).toMatchObject({ ok: true, fields: { naturalKey: "2026-09:GAS", period: "2026-09", count: 3, ratioBps: 6666 } });
    const money = validateRow(SIGNAL_DEFINITIONS.TAX_PAID, { line: 2, cells: { uscc: USCC, period: "2026-09", amount_yuan: "1,234,567.8", as_of: "2026-09-30" } });
    expect(money).toMatchObject({ ok: true, fields: { amountFen: 123_456_780n } });
  });

  it("refuses impossible dates and an end before a start", () => {
    const result = validateRow(SIGNAL_DEFINITIONS.RED_LIST, {
      line: 9,
      cells: { uscc: USCC, list_type: "AEO", reference: "r", starts_on: "2026-05-01", ends_on: "2026-04-31", as_of: "2026-02-30" },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.column, e.code])).toEqual([
      ["ends_on", "invalidDate"],
      ["as_of", "invalidDate"],
    ]);
    const order = validateRow(SIGNAL_DEFINITIONS.RED_LIST, {
      line: 9,
      cells: { uscc: USCC, list_type: "AEO", reference: "r", starts_on: "2026-05-01", ends_on: "2026-04-30", as_of: "2026-05-01" },
    });
    expect(order).toMatchObject({ ok: false, errors: [{ column: "ends_on", code: "import.endBeforeStart" }] });
  });
});

describe("docs/credit-data.md", () => {
  it("documents every column of every kind", () => {
    const doc = readFileSync(new URL("../../../docs/credit-data.md", import.meta.url), "utf8");
    for (const kind of SIGNAL_KINDS) {
      const section = doc.split(`## ${kind} `)[1]?.split("\n## ")[0] ?? "";
      expect(section, kind).not.toBe("");
      for (const column of SIGNAL_DEFINITIONS[kind].columns) expect(section, `${kind}.${column.key}`).toContain(`| \`${column.key}\``);
    }
  });
});

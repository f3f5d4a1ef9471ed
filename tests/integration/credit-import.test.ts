/**
 * Credit-signal imports end to end through the worker's code: good, bad and
 * duplicate batches, both policies, re-imports that change nothing, and facts
 * protected by an upheld objection.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { runSignalImport } from "~/domain/credit/import/run-signal-import.server";
import { storeSignalBatch, submitSignalBatch } from "~/domain/credit/import/submit-signal-batch.server";
import type { SignalKindKey } from "~/domain/credit/signal-kinds";
import { makeActor, makeEnterprise } from "../helpers";

async function importCsv(actor: Actor, kind: SignalKindKey, csv: string | Uint8Array, policy: "ALL_OR_NOTHING" | "VALID_ROWS" = "ALL_OR_NOTHING") {
  const stored = await storeSignalBatch(prisma, {
    kind,
    source: "测试来源",
    policy,
    fileName: "test.csv",
    format: "CSV",
    content: typeof csv === "string" ? Buffer.from(csv, "utf8") : csv,
    institutionId: actor.institution!.id,
    createdById: actor.userId,
    ip: null,
  });
  const outcome = stored.duplicate ? null : await runSignalImport(prisma, stored.batchId);
  const batch = await prisma.creditSignalBatch.findUniqueOrThrow({ where: { id: stored.batchId } });
  const errors = await prisma.creditSignalBatchError.findMany({ where: { batchId: stored.batchId }, orderBy: [{ line: "asc" }, { id: "asc" }] });
  return { stored, outcome, batch, errors };
}

const SALES_HEADER = "统一社会信用代码,所属月份,开票销售额（元）,开票张数,数据日期";

describe("credit signal import", () => {
  it("applies a good batch, records who/when/hash/counts, and re-evaluates exactly the enterprises it changed", async () => {
    const finance = await makeActor("finance_office");
    const [a, b] = [await makeEnterprise(), await makeEnterprise()];
    const csv = [SALES_HEADER, `${a.uscc},2026-09,120000.50,12,2026-09-30`, `${a.uscc},2026-10,130000,,2026-10-31`, `${b.uscc},2026-10,5000,3,2026-10-31`].join("\n");
    const { outcome, batch, errors } = await importCsv(finance, "INVOICED_SALES", csv);
    expect(errors).toEqual([]);
    expect(batch).toMatchObject({ status: "APPLIED", rowsTotal: 3, rowsAccepted: 3, rowsRejected: 0, enterprisesAffected: 2, createdById: finance.userId });
    expect(batch.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    const rows = await prisma.creditSignal.findMany({ where: { enterpriseId: a.id }, orderBy: { period: "asc" } });
    expect(rows.map((r) => [r.period, r.amountFen, r.count])).toEqual([
      ["2026-09", 12_000_050n, 12],
      ["2026-10", 13_000_000n, null],
    ]);
    expect(outcome && "evaluationJobs" in outcome ? outcome.evaluationJobs.flatMap((j) => j.enterpriseIds).sort() : []).toEqual([a.id, b.id].sort());
    const audit = await prisma.auditLog.findMany({ where: { entityId: batch.id }, select: { action: true } });
    expect(audit.map((x) => x.action)).toEqual(["credit-signal-batch.submitted", "credit-signal-batch.applied"]);
  });

  it("rejects an all-or-nothing batch with one bad row and writes nothing, naming every bad line, column and reason", async () => {
    const finance = await makeActor("finance_office");
    const a = await makeEnterprise();
    const csv = [
      SALES_HEADER,
      `${a.uscc},2026-09,100,1,2026-09-30`,
      `${a.uscc},2026-13,100,1,2026-09-30`,
      `${a.uscc},2026-08,abc,1,2026-08-31`,
      `91110000600037341L,2026-08,100,1,2026-08-31`,
      `${a.uscc},2026-09,200,1,2026-09-30`,
      `${a.uscc},2026-07,100`,
      `${a.uscc.slice(0, 17)}${a.uscc.endsWith("0") ? "1" : "0"},2026-06,100,1,2026-06-30`,
    ].join("\n");
    const { batch, errors } = await importCsv(finance, "INVOICED_SALES", csv);
    expect(batch).toMatchObject({ status: "REJECTED", rowsTotal: 7, rowsAccepted: 0, rowsRejected: 6 });
    expect(errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [3, "period", "import.invalidMonth"],
      [4, "amount_yuan", "invalidMoney"],
      [5, "uscc", "import.unknownEnterprise"],
      [6, null, "import.duplicateRow"],
      [7, null, "import.columnCount"],
      [8, "uscc", "uscc.checkCharacter"],
    ]);
    expect(await prisma.creditSignal.count({ where: { enterpriseId: a.id } })).toBe(0);
  });

  it("under the valid-rows policy writes the valid rows and lists the bad ones", async () => {
    const finance = await makeActor("finance_office");
    const a = await makeEnterprise();
    const csv = ["uscc,period,utility,bills_due,bills_on_time,as_of", `${a.uscc},2026-10,电费,2,1,2026-10-31`, `${a.uscc},2026-10,WATER,1,3,2026-10-31`].join("\n");
    const { batch, errors } = await importCsv(finance, "UTILITY_PAYMENT", csv, "VALID_ROWS");
    expect(batch).toMatchObject({ status: "APPLIED", rowsAccepted: 1, rowsRejected: 1 });
    expect(errors.map((e) => [e.line, e.column, e.code])).toEqual([[3, "bills_on_time", "import.onTimeExceedsDue"]]);
    const stored = await prisma.creditSignal.findMany({ where: { enterpriseId: a.id } });
    expect(stored.map((s) => [s.naturalKey, s.count, s.ratioBps, s.details])).toEqual([["2026-10:ELECTRICITY", 2, 5000, { utility: "ELECTRICITY", billsOnTime: 1 }]]);
  });

  it("a bad first JSON row is one bad row, not a bad header", async () => {
    const finance = await makeActor("finance_office");
    const a = await makeEnterprise();
    const submitted = await submitSignalBatch({
      actor: finance,
      kind: "TAX_GRADE",
      source: "x",
      policy: "VALID_ROWS",
      fileName: null,
      ip: null,
      format: "JSON",
      rows: [{ uscc: a.uscc, year: "2023", grade: "B", as_of: "2024-04-30", colour: "red" }, { uscc: a.uscc, year: "2024", grade: "A", as_of: "2025-04-30" }],
    });
    expect(await runSignalImport(prisma, submitted.batchId)).toMatchObject({ status: "APPLIED", rowsTotal: 2, rowsAccepted: 1, rowsRejected: 1 });
    const errors = await prisma.creditSignalBatchError.findMany({ where: { batchId: submitted.batchId } });
    expect(errors.map((e) => [e.line, e.column, e.code])).toEqual([[1, "colour", "import.unknownColumn"]]);
    expect((await prisma.creditSignal.findMany({ where: { enterpriseId: a.id } })).map((s) => s.period)).toEqual(["2024"]);
  });

  it("a header problem rejects the whole batch whatever the policy", async () => {
    const finance = await makeActor("finance_office");
    const { batch, errors } = await importCsv(finance, "TAX_GRADE", "uscc,year,grade_typo,as_of\n", "VALID_ROWS");
    expect(batch.status).toBe("REJECTED");
    expect(errors.map((e) => e.code).sort()).toEqual(["import.missingColumn", "import.unknownColumn"]);
  });

  it("a NUL or lone surrogate in a header or cell is named in the row error as U+FFFD instead of failing the import", async () => {
    const finance = await makeActor("finance_office");
    const a = await makeEnterprise();
    const csv = `uscc,year,grade,as_of,col\u0000our\n${a.uscc},2024,A\u0000\ud800,2025-04-30,x\n`;
    const { batch, errors } = await importCsv(finance, "TAX_GRADE", csv, "VALID_ROWS");
    expect(batch.status).toBe("REJECTED");
    expect(errors.map((e) => [e.code, e.column])).toEqual([["import.unknownColumn", "col\ufffdour"]]);
    const { batch: cells, errors: cellErrors } = await importCsv(finance, "TAX_GRADE", `uscc,year,grade,as_of\n${a.uscc},2024,A\u0000,2025-04-30\n`, "VALID_ROWS");
    expect(cells).toMatchObject({ status: "REJECTED", rowsAccepted: 0, rowsRejected: 1 });
    expect(cellErrors.map((e) => [e.code, e.column])).toEqual([["import.invalidChoice", "grade"]]);
    expect(JSON.stringify(cellErrors.map((e) => e.params))).not.toMatch(/\\u0000/);
  });

  it("re-importing the same content changes nothing and says so; changed content touches only changed facts", async () => {
    const finance = await makeActor("finance_office");
    const [a, b] = [await makeEnterprise(), await makeEnterprise()];
    const header = "uscc,year,grade,as_of";
    const first = await importCsv(finance, "TAX_GRADE", [header, `${a.uscc},2025,A,2026-04-30`, `${b.uscc},2025,B,2026-04-30`].join("\n"));
    expect(first.batch.status).toBe("APPLIED");
    const before = await prisma.creditSignal.findMany({ where: { enterpriseId: { in: [a.id, b.id] } }, orderBy: { enterpriseId: "asc" } });

    const again = await importCsv(finance, "TAX_GRADE", [header, `${a.uscc},2025,A,2026-04-30`, `${b.uscc},2025,B,2026-04-30`].join("\n"));
    expect(again.stored).toMatchObject({ duplicate: true, batchId: first.batch.id });
    expect(await prisma.creditSignalBatch.count({ where: { fileSha256: first.batch.fileSha256 } })).toBe(1);

    // Same facts plus one change, in a different order: only b's fact is rewritten.
    const changed = await importCsv(finance, "TAX_GRADE", [header, `${b.uscc},2025,M,2026-04-30`, `${a.uscc},2025,A,2026-04-30`].join("\n"));
    expect(changed.batch).toMatchObject({ status: "APPLIED", rowsAccepted: 2, enterprisesAffected: 1 });
    const after = await prisma.creditSignal.findMany({ where: { enterpriseId: { in: [a.id, b.id] } }, orderBy: { enterpriseId: "asc" } });
    const byEnterprise = new Map(after.map((s) => [s.enterpriseId, s]));
    expect(byEnterprise.get(a.id)!.batchId).toBe(first.batch.id);
    expect(byEnterprise.get(a.id)!.updatedAt).toEqual(before.find((s) => s.enterpriseId === a.id)!.updatedAt);
    expect(byEnterprise.get(b.id)).toMatchObject({ grade: "M", batchId: changed.batch.id });
  });

  it("reads GBK files from Excel and Chinese headers and choice words", async () => {
    const finance = await makeActor("finance_office");
    const a = await makeEnterprise();
    const text = ["统一社会信用代码,处罚决定书文号,处罚机关,处罚日期,严重程度,罚款金额（元）,是否已信用修复,数据日期", `${a.uscc},盘市监罚〔2026〕9号,盘锦市市场监督管理局,2026-03-01,一般,"5,000",否,2026-10-31`].join("\r\n");
    // Encoded as GB18030, the way Excel on Chinese Windows saves it.
    const gbk = encodeGb18030(text);
    expect(gbk).not.toBeNull();
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(gbk!)).toThrow();
    const { batch, errors } = await importCsv(finance, "ADMIN_PENALTY", gbk!);
    expect(errors).toEqual([]);
    expect(batch.status).toBe("APPLIED");
    const penalty = await prisma.creditSignal.findFirstOrThrow({ where: { enterpriseId: a.id, kind: "ADMIN_PENALTY" } });
    expect(penalty).toMatchObject({ naturalKey: "盘市监罚〔2026〕9号", severity: "GENERAL", amountFen: 500_000n, repaired: false, details: { authority: "盘锦市市场监督管理局" } });
  });

  it("does not let a later import overwrite a fact an upheld objection corrected or withdrew", async () => {
    const finance = await makeActor("finance_office");
    const a = await makeEnterprise();
    const header = "uscc,period,headcount,arrears_yuan,as_of";
    await importCsv(finance, "SOCIAL_INSURANCE", [header, `${a.uscc},2026-10,10,500,2026-10-31`].join("\n"));
    await prisma.creditSignal.updateMany({ where: { enterpriseId: a.id }, data: { voidedAt: new Date(), voidReason: "objection:test" } });
    const later = await importCsv(finance, "SOCIAL_INSURANCE", [header, `${a.uscc},2026-10,10,800,2026-11-05`].join("\n"));
    expect(later.batch).toMatchObject({ status: "APPLIED", enterprisesAffected: 0 });
    const fact = await prisma.creditSignal.findFirstOrThrow({ where: { enterpriseId: a.id } });
    expect(fact.amountFen).toBe(50_000n);
  });

  it("only the finance office may submit, and a JSON batch hashes by content not key order", async () => {
    const bank = await makeActor("bank_admin");
    await expect(
      submitSignalBatch({ actor: bank, kind: "TAX_GRADE", source: "x", policy: "ALL_OR_NOTHING", fileName: null, ip: null, format: "JSON", rows: [{}] }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const finance = await makeActor("finance_office");
    const a = await makeEnterprise();
    const rows1 = [{ uscc: a.uscc, year: "2024", grade: "B", as_of: "2025-04-30" }];
    const rows2 = [{ as_of: "2025-04-30", grade: "B", year: "2024", uscc: a.uscc }];
    const first = await submitSignalBatch({ actor: finance, kind: "TAX_GRADE", source: "x", policy: "ALL_OR_NOTHING", fileName: null, ip: null, format: "JSON", rows: rows1 });
    const second = await submitSignalBatch({ actor: finance, kind: "TAX_GRADE", source: "x", policy: "ALL_OR_NOTHING", fileName: null, ip: null, format: "JSON", rows: rows2 });
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, batchId: first.batchId });
    const outcome = await runSignalImport(prisma, first.batchId);
    expect(outcome).toMatchObject({ status: "APPLIED", rowsAccepted: 1 });
    // A retried job finds the batch applied and changes nothing.
    const retried = await runSignalImport(prisma, first.batchId);
    expect(retried).toMatchObject({ status: "APPLIED", rowsAccepted: 1 });
    expect(await prisma.creditSignal.count({ where: { enterpriseId: a.id } })).toBe(1);
  });
});

/** GB18030 encoding of CJK text via the platform's ICU (TextDecoder can decode it; we invert by table). */
function encodeGb18030(text: string): Uint8Array | null {
  const decoder = new TextDecoder("gb18030");
  const table = new Map<string, number[]>();
  // Build the code points we need by scanning the two-byte GBK range once.
  const needed = new Set([...text].filter((c) => c.charCodeAt(0) > 0x7f));
  for (let hi = 0x81; hi <= 0xfe && table.size < needed.size; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([hi, lo]));
      if (needed.has(ch) && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  if (table.size < needed.size) return null;
  const bytes: number[] = [];
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (code <= 0x7f) bytes.push(code);
    else bytes.push(...table.get(c)!);
  }
  return new Uint8Array(bytes);
}

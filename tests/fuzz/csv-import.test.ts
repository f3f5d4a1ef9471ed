/**
 * CSV importer: generated files — random and Chinese headers, quoted cells,
 * CRLF or LF, a BOM, GB18030 bytes as Excel saves them, ragged rows, huge
 * cells, formula-looking cells — through the real path: stored as the upload
 * stores them, then the worker's import handler run in-process. The batch
 * ends APPLIED or REJECTED, every bad row is named with its line and a reason
 * that reads in both languages, and the same file again changes nothing.
 * A file over IMPORT_MAX_MB is refused with that limit, writing nothing.
 */
import fc from "fast-check";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.IMPORT_MAX_MB = "1";
});

import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { storeSignalBatch, submitSignalBatch } from "~/domain/credit/import/submit-signal-batch.server";
import { DomainError } from "~/domain/errors";
import { JOBS } from "~/jobs/definitions";
import { closeQueues, getQueue } from "~/jobs/enqueue.server";
import { HANDLERS } from "../../workers/handlers";
import { makeActor, makeEnterprise } from "../helpers";
import { catalogEntry, FUZZ_RUNS, fcOptions, fuzzTimeout, HOSTILE_STRINGS, installWriteCounter, Tally, writeCount } from "./helpers";

let finance: Actor;
let usccs: string[];

beforeAll(async () => {
  await installWriteCounter();
  finance = await makeActor("finance_office");
  usccs = [(await makeEnterprise()).uscc, (await makeEnterprise()).uscc];
});

afterAll(async () => {
  await getQueue(JOBS.importSignalBatch.queue).obliterate({ force: true });
  await getQueue(JOBS.evaluateEnterprises.queue).obliterate({ force: true });
  await closeQueues();
});

const COLUMNS = [
  ["uscc", "统一社会信用代码"],
  ["year", "评价年度"],
  ["grade", "纳税信用等级"],
  ["as_of", "数据日期"],
] as const;

const cell = () =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...usccs, "2023", "2024", "2025", "A", "B", "M", "a", "Ａ", "2026-04-30", "2026/4/30", "") },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length < 2_000)) },
    { weight: 1, arbitrary: fc.constantFrom("=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(A1)", "\"quoted, with comma\"", "line\nbreak", "\"\"", "x".repeat(70_000)) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  );

const header = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...COLUMNS.flatMap(([key, zh]) => [key, zh])) },
    { weight: 1, arbitrary: fc.constantFrom("grade_typo", "等级", "﻿uscc", " uscc ", "USCC", "") },
  ),
  { minLength: 0, maxLength: 6 },
);

/** A valid row of the kind, so batches also have something to apply. */
const validRow = () =>
  fc.tuple(fc.constantFrom(...usccs), fc.constantFrom("2022", "2023", "2024", "2025"), fc.constantFrom("A", "B", "M", "C", "D")).map(([uscc, year, grade]) => [uscc, year, grade, "2026-04-30"]);

function quote(value: string, always: boolean): string {
  return always || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const csvFile = () =>
  fc
    .record({
      header: fc.oneof({ weight: 3, arbitrary: fc.constant(COLUMNS.map(([key]) => key) as string[]) }, { weight: 1, arbitrary: fc.constant(COLUMNS.map(([, zh]) => zh) as string[]) }, { weight: 2, arbitrary: header }),
      rows: fc.array(fc.oneof({ weight: 2, arbitrary: validRow() }, { weight: 1, arbitrary: fc.array(cell(), { minLength: 0, maxLength: 6 }) }), { maxLength: 12 }),
      newline: fc.constantFrom("\n", "\r\n", "\r"),
      bom: fc.boolean(),
      quoteAll: fc.boolean(),
      encoding: fc.constantFrom("utf8", "utf8", "gb18030"),
      policy: fc.constantFrom("ALL_OR_NOTHING" as const, "VALID_ROWS" as const),
      brokenQuote: fc.boolean().map((b) => b && Math.random() < 0.2),
    })
    .map((f) => {
      const lines = ([f.header, ...f.rows] as string[][]).map((cells) => cells.map((c) => quote(c, f.quoteAll)).join(","));
      let text = lines.join(f.newline);
      if (f.brokenQuote) text += `${f.newline}"unterminated,2024`;
      if (f.bom) text = `\uFEFF${text}`;
      const bytes = f.encoding === "gb18030" ? iconv.encode(text, "gb18030") : Buffer.from(text, "utf8");
      return { bytes: new Uint8Array(bytes), policy: f.policy };
    });

/** Stores a file as the upload does: the same bytes again are recognised as the earlier batch. */
const storeFile = (content: Uint8Array, policy: "ALL_OR_NOTHING" | "VALID_ROWS") =>
  storeSignalBatch(prisma, {
    kind: "TAX_GRADE",
    source: "模糊测试",
    policy,
    fileName: "fuzz.csv",
    format: "CSV",
    content,
    institutionId: finance.institution!.id,
    createdById: finance.userId,
    ip: null,
  });

const runImportJob = (batchId: string) => HANDLERS[JOBS.importSignalBatch.name]!(prisma, { batchId }, { finalAttempt: true });

describe("CSV importer under generated files", () => {
  const tally = new Tally("csv import TAX_GRADE");
  afterAll(() => tally.flush());

  it(`${FUZZ_RUNS} files end in a defined status with every bad row named, and importing one again changes nothing`, { timeout: fuzzTimeout(FUZZ_RUNS, 250) }, async () => {
    await fc.assert(
      fc.asyncProperty(csvFile(), async ({ bytes, policy }) => {
        // An empty file is refused at upload, before any batch exists: a refusal in both languages, writing nothing.
        const refusedBefore = await writeCount();
        let stored: Awaited<ReturnType<typeof storeSignalBatch>>;
        try {
          stored = await storeFile(bytes, policy);
        } catch (error) {
          if (!(error instanceof DomainError) || error.status >= 500) {
            tally.record("serverError");
            throw error;
          }
          tally.record("refused");
          for (const locale of ["zh-CN", "en"] as const) {
            expect(catalogEntry(locale, `errors.${error.code}`), `refusal ${error.code} has a ${locale} message`).toBeTruthy();
          }
          const after = await writeCount();
          expect(after.writes, `a refused upload wrote to ${after.lastTable}`).toBe(refusedBefore.writes);
          return;
        }
        if (!stored.duplicate) {
          try {
            await runImportJob(stored.batchId);
          } catch (error) {
            tally.record("serverError");
            throw new Error(`the import job failed: ${String(error)}`);
          }
        }
        const batch = await prisma.creditSignalBatch.findUniqueOrThrow({ where: { id: stored.batchId } });
        if (batch.status !== "APPLIED" && batch.status !== "REJECTED") {
          tally.record("serverError");
          throw new Error(`batch ended ${batch.status}: ${batch.failureReason}`);
        }
        tally.record(batch.status === "APPLIED" ? "accepted" : "refused");
        // The same bytes generated earlier under the other policy are that earlier batch: its policy is what applied.
        policy = batch.policy;
        const errors = await prisma.creditSignalBatchError.findMany({ where: { batchId: batch.id } });
        // A rejected header counts as one rejected line while no row was read, so the sum is checked for applied batches only.
        if (batch.status === "APPLIED") expect((batch.rowsAccepted ?? 0) + (batch.rowsRejected ?? 0)).toBeLessThanOrEqual(batch.rowsTotal ?? 0);
        if (batch.status === "REJECTED") expect(errors.length, "a rejected batch says why").toBeGreaterThan(0);
        if (batch.status === "APPLIED" && policy === "ALL_OR_NOTHING") expect(errors).toEqual([]);
        for (const error of errors) {
          expect(error.line, "every bad row is named by its line").toBeGreaterThanOrEqual(1);
          for (const locale of ["zh-CN", "en"] as const) {
            expect(catalogEntry(locale, `errors.${error.code}`), `reason ${error.code} has a ${locale} message`).toBeTruthy();
          }
        }
        if (batch.status === "APPLIED") {
          const applied = await prisma.creditSignal.count({ where: { batchId: batch.id } });
          expect(applied, "never more facts than accepted rows").toBeLessThanOrEqual(batch.rowsAccepted);
        }

        // The same file again: the earlier batch, and nothing written; the job run again does nothing either.
        const before = await writeCount();
        const again = await storeFile(bytes, policy);
        expect(again).toMatchObject({ duplicate: true, batchId: batch.id });
        await runImportJob(batch.id);
        const after = await writeCount();
        expect(after.writes, `re-import wrote to ${after.lastTable}`).toBe(before.writes);
      }),
      // An empty file is tried every run, not only when the generator happens on one.
      { ...fcOptions(FUZZ_RUNS), examples: [[{ bytes: new Uint8Array(0), policy: "VALID_ROWS" as const }]] },
    );
    expect(tally.figures.serverErrors).toBe(0);
  });

  it("refuses a file over IMPORT_MAX_MB with that limit in the message, writing nothing", async () => {
    const before = await writeCount();
    const content = new Uint8Array(1024 * 1024 + 1).fill(0x41);
    await expect(
      submitSignalBatch({ actor: finance, kind: "TAX_GRADE", source: "x", policy: "VALID_ROWS", fileName: "big.csv", format: "CSV", content, ip: null }),
    ).rejects.toMatchObject({ code: "import.fileTooLarge", status: 413, params: { maxMb: 1 } });
    expect(catalogEntry("zh-CN", "errors.import.fileTooLarge")).toContain("{{maxMb}}");
    expect(catalogEntry("en", "errors.import.fileTooLarge")).toContain("{{maxMb}}");
    expect((await writeCount()).writes).toBe(before.writes);
  });
});

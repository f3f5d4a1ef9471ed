import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { columnForHeader, type SignalFields, type SignalKindDefinition } from "../signal-kinds";

/** One problem found in a batch, before translation: shown as line, column and reason. */
export type RowError = { line: number; column: string | null; code: string; params: Record<string, string | number> };

export type RawRow = { line: number; cells: Record<string, string> };

/** A fatal error means nothing after it can be read (a bad header, broken quoting, too many rows): the batch is rejected. */
export type ReadEvent = { type: "row"; row: RawRow } | { type: "error"; error: RowError; fatal: boolean };

/** Validates one row with its kind's zod schema; every failing cell is named. */
export function validateRow(
  definition: SignalKindDefinition,
  row: RawRow,
): { ok: true; uscc: string; fields: SignalFields } | { ok: false; errors: RowError[] } {
  const result = definition.row.safeParse(row.cells);
  if (result.success) return { ok: true, uscc: result.data.uscc, fields: result.data.fields };
  const errors: RowError[] = [];
  const seen = new Set<string>();
  for (const issue of result.error.issues) {
    const column = typeof issue.path[0] === "string" ? issue.path[0] : null;
    // One reason per cell is enough to fix it.
    if (seen.has(column ?? "")) continue;
    seen.add(column ?? "");
    const { code, params } = splitMessage(issue.message);
    errors.push({ line: row.line, column, code, params });
  }
  return { ok: false, errors };
}

/** Upper bound on rows in one batch (TIGER_STYLE: every loop has a limit). */
export const MAX_ROWS_PER_BATCH = 2_000_000;
const CHUNK_BYTES = 256 * 1024;

export function splitMessage(message: string): { code: string; params: Record<string, string | number> } {
  const bar = message.indexOf("|");
  if (bar < 0) return { code: message, params: {} };
  try {
    return { code: message.slice(0, bar), params: JSON.parse(message.slice(bar + 1)) as Record<string, string | number> };
  } catch {
    return { code: message.slice(0, bar), params: {} };
  }
}

/**
 * Excel on Chinese Windows saves CSV as GB18030 (GBK); everything else sends
 * UTF-8. Bytes that are not valid UTF-8 are read as GB18030, so a file saved
 * either way imports the same.
 */
export function decodeCsv(content: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(content);
  } catch {
    return new TextDecoder("gb18030").decode(content);
  }
}

/**
 * Streams a CSV file's rows keyed by column, validating the header first. A
 * header problem is fatal (reported on line 1 and nothing else is read); row
 * problems found here (wrong number of cells) are reported and reading goes on.
 */
export async function* readCsvRows(
  definition: SignalKindDefinition,
  content: Uint8Array,
  onBytes: (fraction: number) => void = () => {},
): AsyncGenerator<ReadEvent> {
  const text = Buffer.from(decodeCsv(content), "utf8");
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: false,
    info: true,
    max_record_size: 64 * 1024,
  });
  const source = Readable.from(
    (function* () {
      for (let offset = 0; offset < text.length; offset += CHUNK_BYTES) {
        yield text.subarray(offset, offset + CHUNK_BYTES);
        onBytes(Math.min(1, (offset + CHUNK_BYTES) / text.length));
      }
    })(),
  );
  source.on("error", (e) => parser.destroy(e));
  source.pipe(parser);

  let header: (string | null)[] | null = null;
  let rows = 0;
  try {
    for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = record.info.lines;
      if (!header) {
        const problems = headerProblems(definition, record.record);
        if (problems.errors.length > 0) {
          for (const error of problems.errors) yield { type: "error", error, fatal: true };
          return;
        }
        header = problems.keys;
        continue;
      }
      if (++rows > MAX_ROWS_PER_BATCH) {
        yield { type: "error", error: { line, column: null, code: "import.tooManyRows", params: { max: MAX_ROWS_PER_BATCH } }, fatal: true };
        return;
      }
      if (record.record.length !== header.length) {
        yield {
          type: "error",
          error: { line, column: null, code: "import.columnCount", params: { expected: header.length, actual: record.record.length } },
          fatal: false,
        };
        continue;
      }
      yield { type: "row", row: { line, cells: toCells(definition, header, record.record) } };
    }
  } catch (error) {
    // Broken quoting and the like: csv-parse names the line; nothing after it can be trusted.
    const line = (error as { lines?: number }).lines ?? 0;
    yield { type: "error", error: { line, column: null, code: "import.malformedCsv", params: {} }, fatal: true };
    return;
  }
  if (!header) yield { type: "error", error: { line: 1, column: null, code: "import.emptyFile", params: {} }, fatal: true };
}

function headerProblems(definition: SignalKindDefinition, cells: string[]): { keys: (string | null)[]; errors: RowError[] } {
  const errors: RowError[] = [];
  const keys = cells.map((cell) => columnForHeader(definition, cell));
  const seen = new Set<string>();
  keys.forEach((key, i) => {
    const name = cells[i]!.trim();
    if (key === null) {
      errors.push({ line: 1, column: name, code: "import.unknownColumn", params: { column: name } });
    } else if (seen.has(key)) {
      errors.push({ line: 1, column: key, code: "import.duplicateColumn", params: { column: name } });
    } else {
      seen.add(key);
    }
  });
  for (const column of definition.columns) {
    if (column.required && !seen.has(column.key)) {
      errors.push({ line: 1, column: column.key, code: "import.missingColumn", params: { column: column.key } });
    }
  }
  return { keys, errors };
}

function toCells(definition: SignalKindDefinition, header: (string | null)[], values: string[]): Record<string, string> {
  const cells: Record<string, string> = {};
  // Optional columns left out of the file read as empty.
  for (const column of definition.columns) cells[column.key] = "";
  header.forEach((key, i) => {
    if (key) cells[key] = values[i] ?? "";
  });
  return cells;
}

/** JSON rows (from the API) are objects keyed by column; scalars are read as the text a CSV cell would hold. */
export function* readJsonRows(definition: SignalKindDefinition, rows: unknown[]): Generator<ReadEvent> {
  const known = new Set(definition.columns.map((c) => c.key));
  for (let i = 0; i < rows.length && i < MAX_ROWS_PER_BATCH; i++) {
    const line = i + 1;
    const value = rows[i];
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      yield { type: "error", error: { line, column: null, code: "import.rowNotObject", params: {} }, fatal: false };
      continue;
    }
    const unknown = Object.keys(value).find((k) => !known.has(k));
    if (unknown) {
      yield { type: "error", error: { line, column: unknown, code: "import.unknownColumn", params: { column: unknown.slice(0, 64) } }, fatal: false };
      continue;
    }
    const cells: Record<string, string> = {};
    let bad: string | null = null;
    for (const column of definition.columns) {
      const v = (value as Record<string, unknown>)[column.key];
      if (v === undefined || v === null) cells[column.key] = "";
      else if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") cells[column.key] = String(v);
      else bad = column.key;
    }
    if (bad) {
      yield { type: "error", error: { line, column: bad, code: "import.notScalar", params: {} }, fatal: false };
      continue;
    }
    yield { type: "row", row: { line, cells } };
  }
  if (rows.length > MAX_ROWS_PER_BATCH) {
    yield { type: "error", error: { line: MAX_ROWS_PER_BATCH + 1, column: null, code: "import.tooManyRows", params: { max: MAX_ROWS_PER_BATCH } }, fatal: true };
  }
}

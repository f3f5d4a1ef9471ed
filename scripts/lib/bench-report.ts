import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { ROOT, dropDatabase } from "./db-admin";

/**
 * What every benchmark script shares: refusing bad options, timing the
 * statements pg sends, Markdown tables, and writing its own section of docs/BENCHMARKS.md (replacing the section's
 * last run, leaving the other sections as they are).
 */

const DOC = join(ROOT, "docs", "BENCHMARKS.md");

const INTRO = [
  "# Benchmarks",
  "",
  "Reference machine: 2 cores, 24 GiB, PostgreSQL on the same host. Each section is written by its script under",
  "`scripts/bench/`, which creates, fills and drops its own database; the figures are those of the last run, with the",
  "machine's load at the time.",
  "",
].join("\n");

/**
 * The benchmark's own database is dropped when the run ends or is interrupted
 * (Ctrl-C, SIGTERM), unless it is to be kept. Returns the clean-up to call at the end.
 */
export function dropOnExit(url: string, name: string, keep: boolean): () => Promise<void> {
  let dropped = false;
  const cleanUp = async () => {
    if (keep || dropped) return;
    dropped = true;
    await dropDatabase(url);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: dropping ${name} …`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  return cleanUp;
}

export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

export function markdownTable(header: string[], rows: string[][], align: ("l" | "r")[]): string[] {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(align.map((a) => (a === "r" ? "---:" : "---"))), ...rows.map(line)];
}

/**
 * Replaces the section whose first line is `title` ("## …") with `section`; a
 * section not there yet is appended, or with `first` put before every other
 * section (right after the intro: where the summary of them all belongs).
 */
export function writeBenchmarkSection(title: string, section: string, options: { first?: boolean } = {}): void {
  const existing = existsSync(DOC) ? readFileSync(DOC, "utf8") : INTRO;
  const start = existing.indexOf(`${title}\n`);
  const nextHeading = existing.indexOf("\n## ");
  const firstSection = existing.startsWith("## ") ? 0 : nextHeading < 0 ? -1 : nextHeading + 1;
  let next: string;
  if (start < 0 && options.first && firstSection >= 0) {
    next = `${existing.slice(0, firstSection)}${section.trimEnd()}\n\n${existing.slice(firstSection)}`;
  } else if (start < 0) {
    next = `${existing.trimEnd()}\n\n${section}`;
  } else {
    const after = existing.indexOf("\n## ", start + title.length);
    next = existing.slice(0, start) + section.trimEnd() + "\n" + (after < 0 ? "" : `\n${existing.slice(after + 1)}`);
  }
  writeFileSync(DOC, `${next.trimEnd()}\n`);
  console.log(`\nwrote "${title}" in docs/BENCHMARKS.md`);
}

/** The sections of docs/BENCHMARKS.md in document order: each "## " title with the text up to the next one. */
export function readBenchmarkSections(): { title: string; body: string }[] {
  if (!existsSync(DOC)) return [];
  const text = readFileSync(DOC, "utf8");
  const sections: { title: string; body: string }[] = [];
  // A "## " inside a fenced block (a printed summary) is text, not a section.
  let fenced = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    if (!fenced && line.startsWith("## ")) sections.push({ title: line, body: "" });
    else if (sections.length > 0) sections[sections.length - 1]!.body += `${line}\n`;
  }
  return sections;
}

/**
 * Calls `observe` for every statement the pg driver sends (Prisma's adapter
 * included) as it is sent; the function it returns, if any, is called once when
 * the reply arrives. pg.Pool#query passes a callback, a client's query returns
 * a promise: both are covered.
 */
export function onEveryStatement(observe: (sql: string, params: unknown[]) => (() => void) | null): void {
  type Query = (this: pg.Client, ...args: unknown[]) => unknown;
  const proto = pg.Client.prototype as unknown as { query: Query };
  const original = proto.query;
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string; values?: unknown[] } | undefined;
    const sql = typeof first === "string" ? first : (first?.text ?? "");
    const params = typeof first === "object" && first && Array.isArray(first.values) ? first.values : Array.isArray(args[1]) ? args[1] : [];
    const replied = observe(sql, params);
    if (!replied) return original.apply(this, args);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      replied();
    };
    const callbackAt = args.findIndex((a) => typeof a === "function");
    if (callbackAt >= 0) {
      const callback = args[callbackAt] as (...a: unknown[]) => unknown;
      args[callbackAt] = function (this: unknown, ...result: unknown[]) {
        finish();
        return callback.apply(this, result);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result instanceof Promise) result.then(finish, finish);
    return result;
  };
}

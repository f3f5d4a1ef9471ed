import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./db-admin";

/**
 * What every benchmark script shares: refusing bad options, Markdown tables,
 * and writing its own section of docs/BENCHMARKS.md (replacing the section's
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

export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

export function markdownTable(header: string[], rows: string[][], align: ("l" | "r")[]): string[] {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(align.map((a) => (a === "r" ? "---:" : "---"))), ...rows.map(line)];
}

/** Replaces (or appends) the section whose first line is `title` ("## …") with `section`. */
export function writeBenchmarkSection(title: string, section: string): void {
  const existing = existsSync(DOC) ? readFileSync(DOC, "utf8") : INTRO;
  const start = existing.indexOf(`${title}\n`);
  let next: string;
  if (start < 0) {
    next = `${existing.trimEnd()}\n\n${section}`;
  } else {
    const after = existing.indexOf("\n## ", start + title.length);
    next = existing.slice(0, start) + section.trimEnd() + "\n" + (after < 0 ? "" : `\n${existing.slice(after + 1)}`);
  }
  writeFileSync(DOC, `${next.trimEnd()}\n`);
  console.log(`\nwrote "${title}" in docs/BENCHMARKS.md`);
}

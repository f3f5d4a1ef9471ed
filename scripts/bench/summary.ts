/**
 * `npx tsx scripts/bench/summary.ts`: rewrites the "## Summary" section at the
 * top of docs/BENCHMARKS.md from the other sections as they stand — one row
 * per goal a section states (its "- goal: figure — **MET**" lines, or
 * "Goal: … — **MET**"), or its "Headline: …" line when it states no goal;
 * with the section's date, command and a link to it. Also called at the end
 * of scripts/bench/load.ts. Reads the sections' figures, never invents one: a
 * section whose figure cannot be found says so in its row.
 */
import { pathToFileURL } from "node:url";
import { markdownTable, readBenchmarkSections, writeBenchmarkSection } from "../lib/bench-report";

const SECTION = "## Summary";

type Row = { benchmark: string; goal: string; figure: string; result: string; date: string; command: string };

/**
 * Sections whose goal line gives the verdict but not the figure: where their
 * figure is. The ledger's is the batched row of its table (transfers/s column).
 */
const FIGURE_ELSEWHERE: Record<string, (body: string) => string | null> = {
  "## Ledger: embedded PostgreSQL implementation": (body) => {
    const row = /^\| batched[^|]*\| ([\d,]+) \| ([\d,]+) \|/m.exec(body);
    return row ? `${row[2]} transfers/s batched (${row[1]} transfers)` : null;
  },
};

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchor(title: string): string {
  return title
    .replace(/^#+\s*/, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .trim()
    .replace(/\s/g, "-");
}

/** Lines outside fenced blocks: a section's "Summary as printed" repeats its goals and must not count twice. */
function prose(body: string): string[] {
  let fenced = false;
  return body.split("\n").filter((line) => {
    if (line.startsWith("```")) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

function rowsOf(title: string, body: string): Row[] {
  const name = title.replace(/^##\s*/, "");
  const benchmark = `[${name.split(":")[0]}](#${anchor(title)})`;
  const command = /```sh\n([^\n]+)/.exec(body)?.[1]?.replace(/\s+#.*$/, "").trim() ?? "";
  const date = /Last run (\d{4}-\d{2}-\d{2})/.exec(body)?.[1] ?? "?";
  const rows: Row[] = [];
  for (const line of prose(body)) {
    const goal = /^(?:- |Goal: )(.+?) — \*\*(met|missed)\*\*/i.exec(line);
    if (!goal) continue;
    const [, text, verdict] = goal as unknown as [string, string, string];
    const split = text.indexOf(": ");
    const figure = split >= 0 ? text.slice(split + 2) : (FIGURE_ELSEWHERE[title]?.(body) ?? "figure not found in its section");
    rows.push({ benchmark, goal: split >= 0 ? text.slice(0, split) : text, figure, result: `**${verdict.toUpperCase()}**`, date, command });
  }
  if (rows.length === 0) {
    const headline = prose(body)
      .map((line) => /^Headline: (.+)$/.exec(line)?.[1])
      .find((h) => h !== undefined);
    const errors = headline !== undefined && /\bwith errors\b/.test(headline);
    rows.push({
      benchmark,
      goal: "none stated",
      figure: headline ?? "no headline figure in its section",
      result: errors ? "**ERRORS**" : "—",
      date,
      command,
    });
  }
  return rows;
}

export function writeBenchmarkSummary(): void {
  const sections = readBenchmarkSections().filter((s) => s.title !== SECTION);
  const rows = sections.flatMap((s) => rowsOf(s.title, s.body));
  const table = markdownTable(
    ["benchmark", "goal", "headline figure of the last run", "result", "run", "command"],
    rows.map((r) => [r.benchmark, r.goal, r.figure, r.result, r.date, r.command ? `\`${r.command}\`` : ""]),
    ["l", "l", "l", "l", "l", "l"],
  );
  const section = [
    SECTION,
    "",
    "One row per goal a benchmark states, with the figure its section's last run recorded (the runs are of different",
    "days and machine loads: each section gives its own). Rewritten from the sections by `npx tsx scripts/bench/summary.ts`,",
    "which `scripts/bench/load.ts` runs at its end; run it after any other benchmark too.",
    "",
    ...table,
    "",
  ].join("\n");
  writeBenchmarkSection(SECTION, section, { first: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) writeBenchmarkSummary();

/**
 * What the reliability scenarios share: checks that collect their figures
 * (so the summary prints what was measured, passed or not), money shown in
 * 元 and 分, and the PASS/FAIL summary the commands print.
 */

export type Figures = Record<string, string | number | bigint | boolean | null>;

export class CheckFailed extends Error {
  constructor(
    message: string,
    readonly figures: Figures,
  ) {
    super(message);
  }
}

/** A scenario's record of what it measured and what it checked. */
export class Report {
  readonly figures: Figures = {};
  readonly checks: { what: string; ok: boolean }[] = [];

  /**
   * A scenario whose later steps build on earlier ones stops at the first failed check;
   * one that measures independent outcomes (the service restart) records every failure and goes on.
   */
  constructor(
    readonly scenario: string,
    readonly options: { stopAtFirstFailure: boolean } = { stopAtFirstFailure: true },
  ) {}

  get failures(): string[] {
    return this.checks.filter((c) => !c.ok).map((c) => c.what);
  }

  figure(name: string, value: Figures[string]): void {
    this.figures[name] = value;
  }

  /** Records the check; a failure throws unless the report goes on past failures. */
  check(ok: boolean, what: string, detail?: string): void {
    const described = `${what}${detail ? ` (${detail})` : ""}`;
    this.checks.push({ what: described, ok });
    if (!ok && this.options.stopAtFirstFailure) throw new CheckFailed(`${this.scenario}: ${described}`, this.figures);
  }

  /** Equality check that prints both sides when they differ. */
  same<T>(actual: T, expected: T, what: string): void {
    const a = stringify(actual);
    const e = stringify(expected);
    this.check(a === e, what, a === e ? undefined : `got ${a.slice(0, 300)}, expected ${e.slice(0, 300)}`);
  }
}

function stringify(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}

/** 分 as "¥1,234.56 (123456 分)". */
export function money(fen: bigint): string {
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  const yuan = (abs / 100n).toLocaleString("en-US");
  const cents = (abs % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}¥${yuan}.${cents} (${fen} 分)`;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Prints one scenario's outcome with its figures; returns whether it passed. */
export function printSummary(report: Report, error: unknown, elapsedMs: number): boolean {
  const passed = error === null && report.failures.length === 0;
  console.log(`\n${passed ? "PASS" : "FAIL"}  ${report.scenario}  (${seconds(elapsedMs)})`);
  for (const [name, value] of Object.entries(report.figures)) console.log(`  ${name.padEnd(44)} ${String(value)}`);
  console.log(`  checks passed: ${report.checks.filter((c) => c.ok).length}`);
  for (const failure of report.failures) console.log(`  FAILED: ${failure}`);
  if (error !== null && !(error instanceof CheckFailed)) console.log(`  error: ${error instanceof Error ? error.message : String(error)}`);
  return passed;
}

/**
 * `npm run security:audit`: the dependency checks, with one summary line each
 * and PASS / FAIL / NOT RUN at the end.
 *
 * 1. Known vulnerabilities: `npm audit` for the packages the platform runs
 *    (dev tools apart), failing on any high or critical advisory. The audit
 *    needs the registry's advisory endpoint; a registry mirror without one
 *    answers 405, and the check is then reported NOT RUN (exit 3), never passed.
 * 2. The installed tree matches package.json and the lockfile (`npm ls`): no
 *    missing, invalid or extraneous package.
 * 3. Every locked package comes from the npm registry with a sha512 integrity
 *    hash: no git, file or tarball URL that would bypass the registry (the
 *    lockfile leaves `resolved` out where it is the configured registry).
 *    Which registry that is comes from npm's own configuration.
 *
 * Exit 0 when every check passed, 1 when one failed, 3 when none failed but
 * the advisory check could not run.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./lib/db-admin";

type Outcome = { check: string; status: "PASS" | "FAIL" | "NOT RUN"; detail: string };
const npm = (args: string[]) => spawnSync("npm", args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
/** The registry npm is configured to install from (a mirror, on an intranet). */
const REGISTRY = npm(["config", "get", "registry"]).stdout.trim();

function advisories(): Outcome {
  const check = "known vulnerabilities (npm audit, runtime packages, high and critical)";
  const run = npm(["audit", "--omit=dev", "--json"]);
  let report: { message?: string; error?: { summary?: string }; metadata?: { vulnerabilities?: Record<string, number> }; vulnerabilities?: Record<string, { severity: string; via: unknown[] }> };
  try {
    report = JSON.parse(run.stdout || "{}");
  } catch {
    return { check, status: "NOT RUN", detail: `npm audit printed no report (${(run.stderr || "").trim().split("\n").pop()})` };
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts) {
    const reason = report.message ?? report.error?.summary ?? "no report";
    return { check, status: "NOT RUN", detail: `the registry did not answer the audit (${reason.trim()})` };
  }
  const serious = Object.entries(report.vulnerabilities ?? {})
    .filter(([, v]) => v.severity === "high" || v.severity === "critical")
    .map(([name, v]) => `${name} (${v.severity})`);
  const summary = Object.entries(counts).map(([severity, n]) => `${severity} ${n}`).join(", ");
  return serious.length
    ? { check, status: "FAIL", detail: `${summary}; fix: ${serious.join(", ")}` }
    : { check, status: "PASS", detail: summary };
}

function installedTree(): Outcome {
  const check = "installed tree matches package.json and the lockfile (npm ls)";
  const run = npm(["ls", "--all", "--json"]);
  const problems = (JSON.parse(run.stdout || "{}") as { problems?: string[] }).problems ?? [];
  return problems.length
    ? { check, status: "FAIL", detail: `${problems.length} problem(s): ${problems.slice(0, 5).join("; ")}` }
    : { check, status: "PASS", detail: "no missing, invalid or extraneous package" };
}

function lockfileSources(): Outcome {
  const check = "every locked package from the npm registry, with a sha512 integrity hash";
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { resolved?: string; integrity?: string; link?: boolean; version?: string }>;
  };
  const entries = Object.entries(lock.packages).filter(([path, p]) => path.includes("node_modules/") && !p.link);
  const offending = entries
    .filter(([, p]) => (p.resolved !== undefined && !p.resolved.startsWith(REGISTRY)) || !p.integrity?.startsWith("sha512-"))
    .map(([path, p]) => `${path.replace(/^.*node_modules\//, "")}@${p.version ?? "?"} (${p.resolved ?? "registry"}, ${p.integrity?.slice(0, 7) ?? "no integrity"})`);
  return offending.length
    ? { check, status: "FAIL", detail: `${offending.length} of ${entries.length}: ${offending.slice(0, 5).join(", ")}` }
    : { check, status: "PASS", detail: `${entries.length} packages` };
}

const outcomes = [advisories(), installedTree(), lockfileSources()];
console.log("\nDependency audit");
for (const o of outcomes) console.log(`  ${o.status.padEnd(7)} ${o.check}\n          ${o.detail}`);
const failed = outcomes.some((o) => o.status === "FAIL");
const notRun = outcomes.some((o) => o.status === "NOT RUN");
console.log(`\n${failed ? "FAIL" : notRun ? "NOT RUN: the advisory check needs a registry that serves npm's audit endpoint" : "PASS"}`);
process.exit(failed ? 1 : notRun ? 3 : 0);

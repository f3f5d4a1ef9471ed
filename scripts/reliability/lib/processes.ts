/**
 * The real worker (workers/main.ts) and web server (server.mjs) as child
 * processes, for tests and scripts that kill them: output kept for the failure
 * message, start detected by the process's own log line, every wait bounded.
 * Shared by the crash tests (tests/integration/search-worker-crash.test.ts,
 * tests/reliability/*) and the scenarios under scripts/reliability/.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "../../lib/db-admin";

// tsx as a loader in the one node process: `tsx workers/main.ts` runs the worker in a child process that a SIGKILL would not reach.
const TSX_LOADER = pathToFileURL(join(ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;
const STARTUP_MS = 90_000;
const STOP_MS = 60_000;
const OUTPUT_LINES_KEPT = 2_000;

export type Exit = { code: number | null; signal: NodeJS.Signals | null };
export type ManagedProcess = {
  name: string;
  child: ChildProcess;
  /** Lines of stdout ("out …") and stderr ("err …"), the latest OUTPUT_LINES_KEPT. */
  output: string[];
  exited: Promise<Exit>;
  /** Resolves at the first stdout line containing `text` (also one already printed). */
  lineContaining(text: string): Promise<string>;
};

const running = new Set<ManagedProcess>();

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function outputTail(proc: ManagedProcess | undefined, lines = 30): string {
  return proc ? `\n${proc.name} output (last lines):\n${proc.output.slice(-lines).join("\n")}` : "";
}

export function isAlive(proc: ManagedProcess): boolean {
  return proc.child.exitCode === null && proc.child.signalCode === null;
}

type StartOptions = { name: string; args: string[]; env: NodeJS.ProcessEnv; startedWhen: string; startupMs?: number };

/** Spawns `node <args>` in the repository and waits for the line that says it is ready. */
export async function startProcess(options: StartOptions): Promise<ManagedProcess> {
  const child = spawn(process.execPath, options.args, { cwd: ROOT, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  const exited = new Promise<Exit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const watchers: { text: string; resolve: (line: string) => void }[] = [];
  const proc: ManagedProcess = {
    name: options.name,
    child,
    output,
    exited,
    lineContaining(text) {
      const seen = output.find((l) => l.startsWith("out ") && l.includes(text));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => watchers.push({ text, resolve }));
    },
  };
  running.add(proc);
  void exited.then(() => running.delete(proc));

  const collect = (stream: NodeJS.ReadableStream | null, label: "out" | "err") => {
    let rest = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        output.push(`${label} ${line}`);
        if (output.length > OUTPUT_LINES_KEPT) output.shift();
        if (label !== "out") continue;
        for (let i = watchers.length - 1; i >= 0; i--) {
          if (line.includes(watchers[i]!.text)) watchers.splice(i, 1)[0]!.resolve(line);
        }
      }
    });
  };
  collect(child.stdout, "out");
  collect(child.stderr, "err");

  const startupMs = options.startupMs ?? STARTUP_MS;
  const outcome = await Promise.race([
    proc.lineContaining(options.startedWhen).then(() => "started" as const),
    exited.then((e) => `exited (code ${e.code}, signal ${e.signal})`),
    sleep(startupMs).then(() => `not started within ${startupMs / 1000} s`),
  ]);
  if (outcome !== "started") {
    await stopProcess(proc, "SIGKILL");
    throw new Error(`${options.name} ${outcome}${outputTail(proc)}`);
  }
  return proc;
}

/**
 * The worker with this process's environment plus `env`; PGAPPNAME names its
 * database connections so a test can watch them in pg_stat_activity.
 */
export function startWorker(options: { appName: string; env?: NodeJS.ProcessEnv }): Promise<ManagedProcess> {
  return startProcess({
    name: "worker",
    args: ["--import", TSX_LOADER, "workers/main.ts"],
    env: { ...process.env, SEARCH_BACKEND: "postgres", ...options.env, PGAPPNAME: options.appName },
    startedWhen: '"message":"started"',
  });
}

/** The production web server (needs build/server/index.js). */
export function startWeb(options: { appName: string; env?: NodeJS.ProcessEnv }): Promise<ManagedProcess> {
  return startProcess({
    name: "web",
    args: ["server.mjs"],
    env: { ...process.env, ...options.env, PGAPPNAME: options.appName },
    startedWhen: '"message":"listening"',
  });
}

/** Sends the signal and waits for the process to end (SIGKILL after a minute if a SIGTERM was not enough). */
export async function stopProcess(proc: ManagedProcess, signal: NodeJS.Signals): Promise<Exit> {
  if (isAlive(proc)) proc.child.kill(signal);
  const exit = await Promise.race([proc.exited, sleep(STOP_MS).then(() => null)]);
  if (exit) return exit;
  proc.child.kill("SIGKILL");
  await proc.exited;
  throw new Error(`${proc.name} did not stop within ${STOP_MS / 1000} s of ${signal}${outputTail(proc)}`);
}

/** Stops every process started here that still runs (SIGTERM, then SIGKILL). */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((p) => stopProcess(p, "SIGTERM").catch(() => undefined)));
}

/** Kills every process started here at once, for an exit handler that cannot wait. */
export function killAllProcessesNow(): void {
  for (const p of running) if (isAlive(p)) p.child.kill("SIGKILL");
}

/** Polls until the probe holds, for at most timeoutMs. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, proc?: ManagedProcess, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (proc && !isAlive(proc)) throw new Error(`${proc.name} exited while waiting for: ${what}${outputTail(proc)}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for: ${what}${outputTail(proc)}`);
    await sleep(everyMs);
  }
}

/** Lines of the process's stdout that are JSON log records with this message. */
export function logRecords(proc: ManagedProcess, message: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const line of proc.output) {
    if (!line.startsWith("out {")) continue;
    try {
      const record = JSON.parse(line.slice(4)) as Record<string, unknown>;
      if (record.message === message) records.push(record);
    } catch {
      // Not every line is a log record (a library may print); those are not looked at.
    }
  }
  return records;
}

/**
 * A PostgreSQL cluster and a Redis server of the scenario's own, on free
 * ports of 127.0.0.1, in a temporary directory: the shared servers on 5432 and
 * 6379 serve other people's tests and are never stopped or restarted. Each is
 * restartable (that is the point) and removed with its directory on stop.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { sleep } from "./processes";

const run = promisify(execFile);
const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";
const PG_OS_USER = "postgres";
const READY_MS = 60_000;

/** The preferred port if it is free on 127.0.0.1, else one the system picks. */
export async function freePort(preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(null));
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : null));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0))!;
}

const asPostgres = (args: string[]) => ["-u", PG_OS_USER, "--", ...args];

export type PrivatePostgres = {
  port: number;
  /** The maintenance database's URL; the scenario makes its own database from it. */
  baseUrl: string;
  dir: string;
  restart(mode: "fast" | "immediate"): Promise<void>;
  stop(): Promise<void>;
  /** For an exit handler: stops and removes synchronously. */
  stopNow(): void;
};

/** initdb (trust, 127.0.0.1 only, no fsync: the data is thrown away) and start. */
export async function startPrivatePostgres(preferredPort = 55432): Promise<PrivatePostgres> {
  const port = await freePort(preferredPort);
  const dir = mkdtempSync(join(tmpdir(), "xyd-reliability-pg-"));
  const data = join(dir, "data");
  await run("chown", [`${PG_OS_USER}:${PG_OS_USER}`, dir]);
  await run("runuser", asPostgres([join(PG_BIN, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]));
  const options = [`-p ${port}`, "-c listen_addresses=127.0.0.1", `-c unix_socket_directories=${dir}`, "-c fsync=off", "-c max_connections=200"].join(" ");
  const pgCtl = (args: string[]) => run("runuser", asPostgres([join(PG_BIN, "pg_ctl"), "-D", data, "-l", join(dir, "server.log"), ...args]));
  await pgCtl(["-w", "-t", "60", "-o", options, "start"]);
  const baseUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  await waitForPostgres(baseUrl);
  let stopped = false;
  return {
    port,
    baseUrl,
    dir,
    async restart(mode) {
      // pg_ctl restart keeps the options the server was started with (postmaster.opts).
      await pgCtl(["-w", "-t", "60", "-m", mode, "restart"]);
      await waitForPostgres(baseUrl);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await pgCtl(["-w", "-t", "30", "-m", "immediate", "stop"]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
    stopNow() {
      if (stopped) return;
      stopped = true;
      try {
        execFileSync("runuser", asPostgres([join(PG_BIN, "pg_ctl"), "-D", data, "-w", "-t", "30", "-m", "immediate", "stop"]), { stdio: "ignore" });
      } catch {
        // Already stopped (or never started): the directory still goes.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPostgres(url: string): Promise<void> {
  const deadline = Date.now() + READY_MS;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.query("SELECT 1");
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`private PostgreSQL not ready within ${READY_MS / 1000} s: ${(error as Error).message}`);
      await sleep(200);
    }
  }
}

export type PrivateRedis = {
  port: number;
  url: string;
  /** Kills the server (SIGKILL: no persistence, so everything in it is lost, as in a crash), waits `downMs`, starts it again. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
  stopNow(): void;
};

/** redis-server on 127.0.0.1 without persistence, in its own directory. */
export async function startPrivateRedis(preferredPort = 56379): Promise<PrivateRedis> {
  const port = await freePort(preferredPort);
  const dir = mkdtempSync(join(tmpdir(), "xyd-reliability-redis-"));
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--loglevel", "warning"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    await waitForRedis(port);
  };
  const kill = async () => {
    const current = child;
    child = null;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once("exit", resolve));
    current.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    async restart(downMs) {
      await kill();
      await sleep(downMs);
      await start();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
    stopNow() {
      const current = child as ChildProcess | null;
      if (current && current.exitCode === null) current.kill("SIGKILL");
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForRedis(port: number): Promise<void> {
  const { Redis } = await import("ioredis");
  const deadline = Date.now() + READY_MS;
  for (;;) {
    const redis = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on("error", () => undefined);
    try {
      await redis.connect();
      await redis.ping();
      redis.disconnect();
      return;
    } catch (error) {
      redis.disconnect();
      if (Date.now() > deadline) throw new Error(`private Redis not ready within ${READY_MS / 1000} s: ${(error as Error).message}`);
      await sleep(100);
    }
  }
}

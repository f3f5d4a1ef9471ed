/**
 * `npm run demo`: the whole platform with demo data for every role.
 * Checks PostgreSQL and Redis, migrates, generates the client, seeds, builds,
 * then runs the web server and the worker until Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { ensureReachable, migrateDeploy, ROOT } from "./lib/db-admin";

const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/xinyidai",
  REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0",
  PORT: process.env.PORT ?? "3000",
  NODE_ENV: "production",
  SESSION_SECRET: process.env.SESSION_SECRET ?? "demo-only-session-secret-not-for-production-use",
};
const tsx = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

function run(title: string, command: string, args: string[]): void {
  process.stdout.write(`• ${title} … `);
  const result = spawnSync(command, args, { cwd: ROOT, env, encoding: "utf8" });
  if (result.status !== 0) {
    console.log("failed\n");
    console.error(result.stdout, result.stderr);
    process.exit(1);
  }
  console.log("done");
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once("error", () => resolve(false))
      .once("listening", () => server.close(() => resolve(true)))
      .listen(port, "0.0.0.0");
  });
}

const problems = await ensureReachable(env.DATABASE_URL, env.REDIS_URL);
if (problems.length) {
  console.error(`The demo needs PostgreSQL and Redis.\n\n${problems.join("\n\n")}`);
  process.exit(1);
}
if (!(await portFree(Number(env.PORT)))) {
  console.error(`Port ${env.PORT} is in use. Stop what uses it, or run:  PORT=3001 npm run demo`);
  process.exit(1);
}

process.stdout.write("• migrating the database … ");
await migrateDeploy(env.DATABASE_URL);
console.log("done");
run("generating the database client", process.execPath, [tsx, "scripts/prisma-generate.ts"]);
run("seeding the demo city (16 banks, 1,000 enterprises)", process.execPath, [tsx, "prisma/seed/main.ts"]);
run("building the web application", join(ROOT, "node_modules", ".bin", "react-router"), ["build"]);

const children: ChildProcess[] = [
  spawn(process.execPath, ["server.mjs"], { cwd: ROOT, env, stdio: ["ignore", "inherit", "inherit"] }),
  spawn(process.execPath, [tsx, "workers/main.ts"], { cwd: ROOT, env, stdio: ["ignore", "inherit", "inherit"] }),
];
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const child of children) {
  child.on("exit", (code) => {
    if (!stopping) {
      console.error(`A demo process stopped unexpectedly (exit ${code}); stopping the rest.`);
      stop();
      process.exitCode = 1;
    }
  });
}

const url = `http://localhost:${env.PORT}`;
// Print the logins only once the server answers, so the URL works when shown.
for (let attempt = 0; ; attempt++) {
  const ready = await fetch(url).then((r) => r.ok, () => false);
  if (ready) break;
  if (attempt === 60 || stopping) {
    console.error(`The web server did not answer at ${url}; see the messages above.`);
    stop();
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
console.log(`
信易贷 is running at  ${url}
Every demo user's password is:  xinyidai-demo

  role                    username            acts for
  ──────────────────────  ──────────────────  ─────────────────────────────
  SME (企业)              sme, sme2           two demo enterprises
  Bank admin (银行管理员)  icbc-pj.admin       中国工商银行盘锦分行
  Loan officer (客户经理)  icbc-pj.officer     中国工商银行盘锦分行
  Finance office (金融办)  finance             盘锦市地方金融管理局
  Regulator (监管审计)     auditor             中国人民银行盘锦市分行
  Platform admin          admin               平台运营中心

  Every other bank has <code>.admin and <code>.officer too, e.g. abc-pj.admin, ccb-pj.officer.
Press Ctrl-C to stop.
`);

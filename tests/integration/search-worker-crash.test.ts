/**
 * A crashed worker loses no search change. The real worker process
 * (workers/main.ts, SEARCH_BACKEND=postgres) runs against this file's database
 * and Redis prefix; it is killed with SIGKILL (no graceful shutdown), a change
 * is written while it is dead, and after a restart the change is in the index.
 * A second case kills it in the middle of a drain: after the events were
 * claimed, before the index was written.
 */
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { recordSearchChange } from "~/domain/outbox/search-outbox.server";
import { createPostgresSearchIndex } from "~/domain/search/postgres-search.server";
import { HEARTBEAT_KEY } from "~/jobs/definitions";
import { getRedis } from "~/redis.server";
import {
  startWorker as startWorkerProcess,
  stopAllProcesses as stopAll,
  stopProcess as stopWorker,
  waitFor,
  type ManagedProcess as WorkerProcess,
} from "../../scripts/reliability/lib/processes";
import { makeInstitution, makeProduct, makeUser, uniqueSuffix } from "../helpers";

const search = createPostgresSearchIndex(prisma);
const find = async (q: string) => (await search.search("products", { q, page: 1, pageSize: 20 })).hits.map((h) => h.id);

/** The worker's connections carry this name (PGAPPNAME), so the test can watch them in pg_stat_activity. */
const WORKER_APP_NAME = `xyd-crash-worker-${uniqueSuffix()}`;
const INDEXED_MS = 90_000;

const startWorker = () => startWorkerProcess({ appName: WORKER_APP_NAME });

/** The worker's open connections to this test's database, and what each is doing. */
async function workerBackends() {
  return prisma.$queryRaw<{ pid: number; state: string | null; query: string }[]>`
    SELECT pid, state, query FROM pg_stat_activity WHERE datname = current_database() AND application_name = ${WORKER_APP_NAME}`;
}

/** Search events of these products that no drain has completed. */
const pendingEvents = (ids: string[]) =>
  prisma.outboxEvent.findMany({ where: { aggregateId: { in: ids }, topic: "search.products", processedAt: null }, orderBy: { id: "asc" } });

/** Lists a product: the row and its search event in one transaction, as the application writes them. */
async function listProduct(institutionId: string, createdById: string, nameZh: string) {
  const product = await makeProduct(institutionId, createdById, nameZh, "DRAFT");
  await prisma.$transaction(async (tx) => {
    await tx.product.update({ where: { id: product.id }, data: { status: "LISTED", listedAt: new Date() } });
    await recordSearchChange(tx, "products", [product.id]);
  });
  return product;
}

async function bankUser() {
  const bank = await makeInstitution("BANK");
  const user = await makeUser({ roleKey: "bank_admin", institutionId: bank.id });
  return { bankId: bank.id, userId: user.id };
}

describe("search indexing across a worker crash", () => {
  // Every test leaves no worker behind, passed or failed: a stray one would drain the next test's events.
  afterEach(stopAll);
  afterAll(stopAll);

  it("indexes after a restart the changes written while the worker was dead", { timeout: 300_000 }, async () => {
    const { bankId, userId } = await bankUser();

    let worker = await startWorker();
    // Same Redis prefix as this test file (the heartbeat is written before "started").
    expect(await getRedis().get(HEARTBEAT_KEY(process.env.REDIS_PREFIX!))).toBeTruthy();

    // A running worker indexes a change on its own.
    const crab = await listProduct(bankId, userId, "盘山河蟹冷链贷");
    await waitFor(
      "the first product indexed and its event processed",
      async () => (await find("河蟹")).includes(crab.id) && (await pendingEvents([crab.id])).length === 0,
      INDEXED_MS,
      worker,
    );

    // The crash: no shutdown handler runs, nothing is flushed.
    expect(await stopWorker(worker, "SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
    await waitFor("the dead worker's connections closed", async () => (await workerBackends()).length === 0, 30_000);

    // While it is dead: a new product is listed and the first delisted, each with its event in the same transaction.
    const reed = await makeProduct(bankId, userId, "大洼苇田碳汇贷", "DRAFT");
    await prisma.$transaction(async (tx) => {
      await tx.product.update({ where: { id: crab.id }, data: { status: "DELISTED" } });
      await tx.product.update({ where: { id: reed.id }, data: { status: "LISTED", listedAt: new Date() } });
      await recordSearchChange(tx, "products", [crab.id, reed.id]);
    });
    // Written to the database, not to the index: the events wait.
    expect(await find("苇田")).toEqual([]);
    expect(await find("河蟹")).toEqual([crab.id]);
    const waiting = await pendingEvents([crab.id, reed.id]);
    expect(waiting.map((e) => e.aggregateId).sort()).toEqual([crab.id, reed.id].sort());
    expect(waiting.every((e) => e.attempts === 0)).toBe(true);

    // After the restart the worker's own schedule drains them.
    worker = await startWorker();
    await waitFor(
      "the new product indexed, the delisted one removed, the events processed",
      async () =>
        (await find("苇田")).includes(reed.id) && (await find("河蟹")).length === 0 && (await pendingEvents([crab.id, reed.id])).length === 0,
      INDEXED_MS,
      worker,
    );
    expect(await find("苇田")).toEqual([reed.id]);
    expect(await prisma.outboxEvent.count({ where: { topic: { startsWith: "search." }, processedAt: null } })).toBe(0);

    expect(await stopWorker(worker, "SIGTERM")).toEqual({ code: 0, signal: null });
  });

  it("keeps the events of a drain killed after its claim and before the index write", { timeout: 300_000 }, async () => {
    const { bankId, userId } = await bankUser();
    // Written while no worker runs, so the first drain of the next one takes it.
    const wetland = await listProduct(bankId, userId, "双台子河口湿地贷");
    expect(await pendingEvents([wetland.id])).toHaveLength(1);

    // A lock on products stops the drain where it reads the product's current state: after it has
    // claimed the event (its transaction open, the row locked), before it writes the index.
    // Only a read waits on it, so the dead worker's waiting connection can write nothing when freed.
    const lock = new pg.Client({ connectionString: process.env.DATABASE_URL, application_name: "xyd-crash-test-lock" });
    await lock.connect();
    let worker: WorkerProcess | undefined;
    try {
      await lock.query("BEGIN");
      await lock.query("LOCK TABLE products IN ACCESS EXCLUSIVE MODE");
      worker = await startWorker();

      await waitFor(
        "a drain holding the claimed event and waiting on the products lock",
        async () => {
          const backends = await workerBackends();
          const claiming = backends.some((b) => b.state === "idle in transaction" && b.query.includes("FOR UPDATE SKIP LOCKED"));
          if (!claiming) return false;
          const waiting = await prisma.$queryRaw<{ pid: number }[]>`
            SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a USING (pid)
             WHERE NOT l.granted AND l.relation = 'products'::regclass AND a.application_name = ${WORKER_APP_NAME}`;
          if (waiting.length === 0) return false;
          // The event row is locked by the claim: a SKIP LOCKED probe does not see it.
          const free = await prisma.$queryRaw<{ id: bigint }[]>`
            SELECT id FROM outbox_events WHERE "aggregateId" = ${wetland.id} AND "processedAt" IS NULL FOR UPDATE SKIP LOCKED`;
          return free.length === 0;
        },
        INDEXED_MS,
        worker,
      );

      expect(await stopWorker(worker, "SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
      // The claiming connection is idle, reading from the socket: PostgreSQL sees the end of the
      // dead client at once and rolls the claim back, so the event is free again.
      await waitFor(
        "the dead worker's claim rolled back",
        async () => !(await workerBackends()).some((b) => b.state?.startsWith("idle in transaction")),
        30_000,
      );
      const free = await prisma.$queryRaw<{ id: bigint }[]>`
        SELECT id FROM outbox_events WHERE "aggregateId" = ${wetland.id} AND "processedAt" IS NULL FOR UPDATE SKIP LOCKED`;
      expect(free).toHaveLength(1);
      expect(await find("湿地")).toEqual([]);
    } finally {
      await lock.query("ROLLBACK").catch(() => undefined);
      await lock.end();
    }

    // The connections that were waiting on the lock end once they find their client gone; nothing was written.
    await waitFor("no connection of the dead worker left", async () => (await workerBackends()).length === 0, 30_000);
    expect(await find("湿地")).toEqual([]);
    expect(await pendingEvents([wetland.id])).toMatchObject([{ processedAt: null, attempts: 0, lastError: null }]);

    worker = await startWorker();
    await waitFor(
      "the product indexed and its event processed by the restarted worker",
      async () => (await find("湿地")).includes(wetland.id) && (await pendingEvents([wetland.id])).length === 0,
      INDEXED_MS,
      worker,
    );
    expect(await find("湿地")).toEqual([wetland.id]);
    expect(await prisma.outboxEvent.count({ where: { topic: { startsWith: "search." }, processedAt: null } })).toBe(0);

    expect(await stopWorker(worker, "SIGTERM")).toEqual({ code: 0, signal: null });
  });
});

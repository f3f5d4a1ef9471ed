/**
 * A database connection ended under a running job — a PostgreSQL restart
 * (`pg_ctl restart -m fast` ends every backend with 57P01), a failover, an
 * administrator — fails that job, to be retried, and never the worker
 * process. The full re-match holds connections of its own beside Prisma's
 * pool; one the server ends while it sits idle must not become an unhandled
 * 'error' event (which ends a Node process). The whole pass is run here, in
 * this process: had the event gone unhandled, this test file would die with it.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { evaluateEnterprises } from "~/domain/credit/evaluate-enterprises.server";
import { rematchAll } from "~/domain/matching/rebuild-rankings.server";
import { calendarDay } from "~/domain/needs/need-rules";
import { postNeed } from "~/domain/needs/post-need.server";
import { makeActor, makeProduct } from "../helpers";

const DAY = 86_400_000;

async function matchableProduct(institutionId: string, userId: string, nameZh: string, minRateBps: number) {
  const product = await makeProduct(institutionId, userId, nameZh);
  await prisma.product.update({ where: { id: product.id }, data: { eligibleSizes: ["MICRO", "SMALL", "MEDIUM"], minRateBps } });
  return product;
}

const rankings = () =>
  prisma.match.findMany({ select: { needId: true, productId: true, rank: true, score: true }, orderBy: [{ needId: "asc" }, { rank: "asc" }] });
const tableExists = async (name: string) => (await prisma.$queryRaw<{ ok: boolean }[]>`SELECT to_regclass(${name}) IS NOT NULL AS ok`)[0]!.ok;

describe("a database connection ended under a job", () => {
  it("fails a full re-match, keeping the old rankings, without ending the process; the retry completes", { timeout: 120_000 }, async () => {
    const bank = await makeActor("bank_admin");
    await matchableProduct(bank.institution!.id, bank.userId, "断线测试信用贷", 380);
    const enterprises: string[] = [];
    for (let n = 0; n < 6; n++) {
      const sme = await makeActor("sme");
      enterprises.push(sme.enterprise!.id);
      await postNeed({
        actor: sme,
        ip: null,
        input: {
          amount: BigInt(30_000_000 + n * 1_000_000),
          termMonths: 12,
          purpose: "采购原材料（钢材），用于承接新订单",
          maxRate: 450,
          guaranteeTypes: ["CREDIT"],
          urgency: "NORMAL",
          expiresOn: new Date(calendarDay(platformToday()).getTime() + 30 * DAY),
        },
      });
    }
    await evaluateEnterprises(prisma, { enterpriseIds: enterprises, trigger: "manual" });
    await rematchAll(prisma);
    const before = await rankings();
    expect(before.length).toBeGreaterThan(0);
    const cheaper = await matchableProduct(bank.institution!.id, bank.userId, "断线测试低息贷", 300);

    // While the pass ranks, its control connection sits idle (its last statement created the staging table): the server ends it.
    let ended = 0;
    const outcome = await rematchAll(prisma, {
      onProgress: async () => {
        const idle = await prisma.$queryRaw<{ pid: number }[]>`
          SELECT pid FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle' AND query LIKE 'CREATE TABLE need_rankings_next%'`;
        for (const { pid } of idle) await prisma.$queryRaw`SELECT pg_terminate_backend(${pid})`;
        ended += idle.length;
        // The 'error' event reaches the idle client in a moment: it must arrive before the pass's next statement.
        await new Promise((resolve) => setTimeout(resolve, 500));
      },
    }).then(
      () => "completed",
      (error: Error) => error.message,
    );
    expect(ended).toBe(1);
    expect(outcome).not.toBe("completed");
    expect(await rankings()).toEqual(before);

    // The retry (BullMQ's, in the worker) starts afresh and swaps the new rankings in.
    await rematchAll(prisma);
    const after = await rankings();
    expect(after.some((m) => m.productId === cheaper.id)).toBe(true);
    expect(await tableExists("matches_next")).toBe(false);
  });
});

/**
 * Search follows the database through the outbox: listed products appear,
 * delisted ones disappear, a failed index write loses nothing, and replaying
 * events changes nothing.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { drainSearchOutbox, rebuildSearchIndex, recordSearchChange } from "~/domain/outbox/search-outbox.server";
import { createPostgresSearchIndex } from "~/domain/search/postgres-search.server";
import type { SearchIndex } from "~/domain/search/search-index";
import { makeInstitution, makeProduct, makeUser } from "../helpers";

const search = createPostgresSearchIndex(prisma);

const find = async (q: string) => (await search.search("products", { q, page: 1, pageSize: 20 })).hits.map((h) => h.id);

describe("search outbox", () => {
  it("indexes a listed product, removes it when delisted, and replays harmlessly", async () => {
    const bank = await makeInstitution("BANK");
    const user = await makeUser({ roleKey: "bank_admin", institutionId: bank.id });
    const listed = await makeProduct(bank.id, user.id, "盘锦稻蟹养殖贷");
    const draft = await makeProduct(bank.id, user.id, "盘锦稻蟹冷链贷", "DRAFT");
    await prisma.$transaction((tx) => recordSearchChange(tx, "products", [listed.id, draft.id]));

    expect(await find("稻蟹")).toEqual([]);
    expect((await drainSearchOutbox(prisma, search)).applied).toBe(2);
    expect(await find("稻蟹")).toEqual([listed.id]);

    await prisma.$transaction(async (tx) => {
      await tx.product.update({ where: { id: listed.id }, data: { status: "DELISTED" } });
      await recordSearchChange(tx, "products", [listed.id]);
    });
    await drainSearchOutbox(prisma, search);
    expect(await find("稻蟹")).toEqual([]);

    // Replaying already-processed events (as after a crash before they were marked) changes nothing.
    await prisma.outboxEvent.updateMany({ where: { aggregateId: { in: [listed.id, draft.id] } }, data: { processedAt: null } });
    await drainSearchOutbox(prisma, search);
    expect(await find("稻蟹")).toEqual([]);
    expect(await prisma.outboxEvent.count({ where: { processedAt: null, topic: { startsWith: "search." } } })).toBe(0);
  });

  it("keeps the events when the index write fails, and applies them on the next drain", async () => {
    const bank = await makeInstitution("BANK");
    const user = await makeUser({ roleKey: "bank_admin", institutionId: bank.id });
    const product = await makeProduct(bank.id, user.id, "辽河口海参贷");
    await prisma.$transaction((tx) => recordSearchChange(tx, "products", [product.id]));
    const broken: SearchIndex = { ...search, upsert: async () => Promise.reject(new Error("index unavailable")) };
    await expect(drainSearchOutbox(prisma, broken)).rejects.toThrow("index unavailable");
    const pending = await prisma.outboxEvent.findFirstOrThrow({ where: { aggregateId: product.id } });
    expect(pending).toMatchObject({ processedAt: null, attempts: 1, lastError: "index unavailable" });
    await drainSearchOutbox(prisma, search);
    expect(await find("海参")).toEqual([product.id]);
  });

  it("rebuilds an index from the database", async () => {
    const bank = await makeInstitution("BANK");
    const user = await makeUser({ roleKey: "bank_admin", institutionId: bank.id });
    const product = await makeProduct(bank.id, user.id, "湿地生态旅游贷");
    await search.clear("products");
    expect(await find("湿地")).toEqual([]);
    const { documents } = await rebuildSearchIndex(prisma, search, "products");
    expect(documents).toBeGreaterThanOrEqual(1);
    expect(await find("湿地")).toEqual([product.id]);
  });
});

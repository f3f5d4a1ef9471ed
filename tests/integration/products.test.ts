/**
 * Products through their lifecycle, as banks and the finance office drive it:
 * who may do what, optimistic versions, the review trail, and the
 * supermarket's index following every change through the outbox.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { drainSearchOutbox } from "~/domain/outbox/search-outbox.server";
import { changeProductStatus } from "~/domain/products/change-product-status.server";
import { listInstitutionProducts, listProductsForReview } from "~/domain/products/list-products.server";
import { loadListedProduct, loadProductForStaff } from "~/domain/products/load-product.server";
import { searchProducts } from "~/domain/products/search-products.server";
import { createProduct, updateProduct } from "~/domain/products/save-product.server";
import { createPostgresSearchIndex } from "~/domain/search/postgres-search.server";
import * as productRoute from "~/routes/app/product";
import { ProductFormSchema, SupermarketQuerySchema } from "~/schemas/products";
import { makeActor, makeInstitution, outcome, routeContext, uniqueSuffix } from "../helpers";

const search = createPostgresSearchIndex(prisma);
const ip = "127.0.0.1";

function form(overrides: Record<string, unknown> = {}) {
  return ProductFormSchema.parse({
    nameZh: "辽河口稻蟹贷",
    type: "CREDIT",
    scenarioTags: ["AGRI"],
    description: "服务稻蟹种养主体的信用贷款",
    minAmount: "50000",
    maxAmount: "2000000",
    minTermMonths: "6",
    maxTermMonths: "24",
    minRate: "3.6",
    maxRate: "6",
    repaymentMethods: ["INTEREST_ONLY_BULLET"],
    guaranteeTypes: ["CREDIT", "GUARANTOR"],
    eligibleSizes: ["MICRO", "SMALL"],
    minYearsInOperation: "1",
    redListRateDiscountBps: "20",
    redListLimitUpliftPercent: "10",
    requiredMaterials: "营业执照\n土地流转合同",
    responseDeadlineWorkingDays: "5",
    ...overrides,
  });
}

const code = (error: unknown) => (error as { code?: string }).code;
async function failure(call: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await call();
  } catch (error) {
    return code(error);
  }
  return "no error";
}
const find = async (q: string) => (await searchProducts(SupermarketQuerySchema.parse({ q }))).hits.map((h) => h.id);

let bankAdmin: Actor;
let otherBankAdmin: Actor;
let officer: Actor;
let finance: Actor;
let sme: Actor;

beforeAll(async () => {
  const bank = await makeInstitution("BANK");
  bankAdmin = await makeActor("bank_admin", { institutionId: bank.id });
  officer = await makeActor("loan_officer", { institutionId: bank.id });
  otherBankAdmin = await makeActor("bank_admin");
  finance = await makeActor("finance_office");
  sme = await makeActor("sme");
});

describe("product lifecycle", () => {
  it("drafts, submits, is approved and listed, found by a Chinese keyword, delisted and forgotten", async () => {
    const name = `大洼${uniqueSuffix()}苇田贷`;
    const { id } = await createProduct({ actor: bankAdmin, input: form({ nameZh: name }), ip });
    const draft = await prisma.product.findUniqueOrThrow({ where: { id } });
    expect(draft).toMatchObject({ status: "DRAFT", version: 1, minAmountFen: 5_000_000n, maxRateBps: 600, redListLimitUpliftBps: 1_000 });
    expect(draft.code).toMatch(/^T-[0-9A-F]{8}-[0-9A-F]{6}$/);

    // The finance office does not see a draft that was never submitted.
    expect(await failure(() => loadProductForStaff(finance, id))).toBe("notFound");

    await changeProductStatus({ actor: bankAdmin, productId: id, command: { intent: "submit", version: 1 }, ip });
    // A bank cannot approve its own product, and the finance office must name the version it reviewed.
    expect(await failure(() => changeProductStatus({ actor: bankAdmin, productId: id, command: { intent: "approve", version: 2, comment: "" }, ip }))).toBe("forbidden");
    expect(await failure(() => changeProductStatus({ actor: finance, productId: id, command: { intent: "approve", version: 1, comment: "" }, ip }))).toBe("product.stale");
    const review = await loadProductForStaff(finance, id);
    expect(review.commands).toEqual(["approve", "return"]);
    await changeProductStatus({ actor: finance, productId: id, command: { intent: "approve", version: 2, comment: "材料齐全" }, ip });

    const listed = await prisma.product.findUniqueOrThrow({ where: { id }, include: { events: { orderBy: { at: "asc" } } } });
    expect(listed.status).toBe("LISTED");
    expect(listed.listedAt).not.toBeNull();
    expect(listed.events.map((e) => `${e.fromStatus ?? ""}>${e.toStatus}`)).toEqual([">DRAFT", "DRAFT>UNDER_REVIEW", "UNDER_REVIEW>LISTED"]);
    expect(listed.events[2]!.comment).toBe("材料齐全");
    const audits = await prisma.auditLog.findMany({ where: { entityId: id }, orderBy: { seq: "asc" }, select: { action: true } });
    expect(audits.map((a) => a.action)).toEqual(["product.created", "product.submit", "product.approve"]);
    expect(await prisma.notification.count({ where: { institutionId: listed.institutionId, kind: "product.approve" } })).toBe(1);

    // Listed in the database, but in search only once the worker drained the outbox.
    expect(await find("苇田")).not.toContain(id);
    await drainSearchOutbox(prisma, search);
    expect(await find("苇田")).toContain(id);
    expect(await find("稻蟹")).toContain(id);
    expect((await loadListedProduct(id)).nameZh).toBe(name);

    await changeProductStatus({ actor: bankAdmin, productId: id, command: { intent: "delist", version: 3, comment: "产品调整" }, ip });
    await drainSearchOutbox(prisma, search);
    expect(await find("苇田")).not.toContain(id);
    expect(await failure(() => loadListedProduct(id))).toBe("notFound");
  });

  it("edits only drafts, from the version the editor saw, and only by the bank that owns them", async () => {
    const { id } = await createProduct({ actor: bankAdmin, input: form(), ip });
    const saved = await updateProduct({ actor: bankAdmin, productId: id, input: form({ maxRate: "5.8", version: "1" }), ip });
    expect(saved.version).toBe(2);
    expect((await prisma.product.findUniqueOrThrow({ where: { id } })).maxRateBps).toBe(580);
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { entityId: id, action: "product.updated" } });
    expect(audit.summary).toMatchObject({ changed: ["maxRateBps"] });

    // A second editor working from version 1 is refused, and nothing changes.
    expect(await failure(() => updateProduct({ actor: bankAdmin, productId: id, input: form({ maxRate: "9", version: "1" }), ip }))).toBe("product.stale");
    expect((await prisma.product.findUniqueOrThrow({ where: { id } })).maxRateBps).toBe(580);

    expect(await failure(() => updateProduct({ actor: otherBankAdmin, productId: id, input: form({ version: "2" }), ip }))).toBe("notFound");
    expect(await failure(() => loadProductForStaff(otherBankAdmin, id))).toBe("notFound");
    expect(await failure(() => updateProduct({ actor: officer, productId: id, input: form({ version: "2" }), ip }))).toBe("forbidden");
    expect(await failure(() => createProduct({ actor: sme, input: form(), ip }))).toBe("forbidden");
    expect(await failure(() => createProduct({ actor: finance, input: form(), ip }))).toBe("forbidden");

    await changeProductStatus({ actor: bankAdmin, productId: id, command: { intent: "submit", version: 2 }, ip });
    expect(await failure(() => updateProduct({ actor: bankAdmin, productId: id, input: form({ version: "3" }), ip }))).toBe("product.notEditable");
    expect(await failure(() => changeProductStatus({ actor: otherBankAdmin, productId: id, command: { intent: "withdraw", version: 3 }, ip }))).toBe("notFound");
  });

  it("returns a product with the finance office's comment, which the bank sees, and lists the review queue oldest first", async () => {
    const first = await createProduct({ actor: bankAdmin, input: form({ nameZh: "先提交的产品" }), ip });
    const second = await createProduct({ actor: bankAdmin, input: form({ nameZh: "后提交的产品" }), ip });
    await changeProductStatus({ actor: bankAdmin, productId: first.id, command: { intent: "submit", version: 1 }, ip });
    await changeProductStatus({ actor: bankAdmin, productId: second.id, command: { intent: "submit", version: 1 }, ip });
    const queue = await listProductsForReview(finance, { status: "UNDER_REVIEW", page: 1 });
    const order = queue.rows.map((r) => r.id).filter((i) => i === first.id || i === second.id);
    expect(order).toEqual([first.id, second.id]);

    await changeProductStatus({ actor: finance, productId: first.id, command: { intent: "return", version: 2, comment: "请补充利率定价依据" }, ip });
    const view = await loadProductForStaff(bankAdmin, first.id);
    expect(view.product.status).toBe("DRAFT");
    expect(view.events[0]).toMatchObject({ fromStatus: "UNDER_REVIEW", toStatus: "DRAFT", comment: "请补充利率定价依据" });
    expect(view.commands).toEqual(["submit"]);
    // The finance office still sees a product it returned.
    expect((await loadProductForStaff(finance, first.id)).commands).toEqual([]);

    const mine = await listInstitutionProducts(bankAdmin, { page: 1 });
    expect(mine.counts.DRAFT).toBeGreaterThanOrEqual(1);
    expect(mine.rows.every((r) => r.institution.nameZh === mine.rows[0]!.institution.nameZh)).toBe(true);
    expect(await failure(() => listInstitutionProducts(finance, { page: 1 }))).toBe("forbidden");
    expect(await failure(() => listProductsForReview(bankAdmin, { status: "UNDER_REVIEW", page: 1 }))).toBe("forbidden");
  });

  it("answers a bad command on the product page with a message and changes nothing", async () => {
    const { id } = await createProduct({ actor: bankAdmin, input: form(), ip });
    const post = (actor: Actor, body: Record<string, string>) =>
      outcome(() =>
        productRoute.action({
          request: new Request(`http://localhost/app/products/${id}`, { method: "POST", body: new URLSearchParams(body) }),
          context: routeContext(actor),
          params: { productId: id },
        } as never),
      );
    const wrong = await post(bankAdmin, { intent: "approve", version: "1" });
    expect(wrong.status).toBe(403);
    const stale = await post(bankAdmin, { intent: "submit", version: "7" });
    expect(stale.data).toMatchObject({ data: { error: "product.stale" } });
    const other = await post(otherBankAdmin, { intent: "submit", version: "1" });
    expect(other.status).toBe(404);
    expect((await prisma.product.findUniqueOrThrow({ where: { id } })).status).toBe("DRAFT");
    const notAProduct = await outcome(() =>
      productRoute.loader({ request: new Request("http://localhost/app/products/x"), context: routeContext(bankAdmin), params: { productId: "x" } } as never),
    );
    expect(notAProduct.status).toBe(404);
  });
});

import { describe, expect, it } from "vitest";
import { productColumns, productFormValues } from "~/domain/products/product-data";
import { supermarketSearchQuery } from "~/domain/products/search-products.server";
import { ProductFormSchema, SupermarketQuerySchema } from "./products";

const FORM = {
  nameZh: "盘锦税易贷",
  nameEn: "",
  type: "CREDIT",
  scenarioTags: ["TAX", "FIRST_LOAN"],
  description: "依据纳税信用核定额度",
  minAmount: "100,000",
  maxAmount: "３,000,000.50",
  minTermMonths: "3",
  maxTermMonths: "36",
  minRate: "3.45",
  maxRate: "6.5%",
  repaymentMethods: "EQUAL_INSTALMENT",
  guaranteeTypes: ["CREDIT"],
  eligibleRegionCodes: [],
  eligibleIndustryCodes: ["C13"],
  eligibleSizes: ["MICRO", "SMALL"],
  minCreditGrade: "B",
  minTaxGrade: "B",
  minYearsInOperation: "2",
  redListRateDiscountBps: "20",
  redListLimitUpliftPercent: "10",
  requiredMaterials: "营业执照\n\n  近两年纳税申报表  \n",
  responseDeadlineWorkingDays: "5",
};

describe("product form", () => {
  it("turns 元 into 分 and % into basis points, exactly", () => {
    const v = ProductFormSchema.parse(FORM);
    expect(v.minAmount).toBe(10_000_000n);
    expect(v.maxAmount).toBe(300_000_050n);
    expect(v.minRate).toBe(345);
    expect(v.maxRate).toBe(650);
    expect(v.repaymentMethods).toEqual(["EQUAL_INSTALMENT"]);
    expect(v.requiredMaterials).toEqual(["营业执照", "近两年纳税申报表"]);
    expect(productColumns(v).redListLimitUpliftBps).toBe(1_000);
  });

  it("puts a range's error on its upper field, and refuses empty choices and out-of-range numbers", () => {
    const r = ProductFormSchema.safeParse({ ...FORM, maxAmount: "50000", maxRate: "3", guaranteeTypes: [], minTermMonths: "0" });
    expect(r.success).toBe(false);
    const paths = Object.fromEntries(r.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(paths.guaranteeTypes).toBe("chooseAtLeastOne");
    expect(paths.minTermMonths).toMatch(/^numberOutOfRange/);
    const r2 = ProductFormSchema.safeParse({ ...FORM, maxAmount: "50000", maxRate: "3" });
    const paths2 = Object.fromEntries(r2.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(paths2).toEqual({ maxAmount: "rangeInverted", maxRate: "rangeInverted" });
    expect(ProductFormSchema.safeParse({ ...FORM, minRate: "30" }).success).toBe(false);
    expect(ProductFormSchema.safeParse({ ...FORM, redListRateDiscountBps: "400" }).error?.issues[0]?.message).toBe("product.discountTooLarge");
  });

  it("round-trips a stored product through the edit form unchanged", () => {
    const columns = productColumns(ProductFormSchema.parse(FORM));
    const again = productColumns(ProductFormSchema.parse(productFormValues({ ...columns, version: 3 })));
    expect(again).toEqual(columns);
  });
});

describe("supermarket query", () => {
  it("reads 万元, months and % and keeps products whose ranges cover them", () => {
    const q = SupermarketQuerySchema.parse({ q: " 税易贷 ", amount: "50", term: "12", rate: "5.5", region: "211102", sort: "rate" });
    expect(q.amount).toBe(50_000_000n); // 50 万元 = 500,000 元
    const s = supermarketSearchQuery(q);
    expect(s.q).toBe("税易贷");
    expect(s.ranges).toEqual({
      minAmountFen: { max: 50_000_000 },
      maxAmountFen: { min: 50_000_000 },
      minTermMonths: { max: 12 },
      maxTermMonths: { min: 12 },
      minRateBps: { max: 550 },
    });
    expect(s.equals).toEqual({ regionCodes: ["211102", "ANY"] });
    expect(s.sort).toEqual({ field: "minRateBps", direction: "asc" });
  });

  it("drops values a hand-edited link got wrong instead of failing the page", () => {
    const q = SupermarketQuerySchema.parse({ amount: "lots", type: ["CREDIT", "ROCKET"], bank: "x", page: "-3", sort: "cheapest" });
    expect(q).toMatchObject({ amount: undefined, type: ["CREDIT"], bank: [], page: 1, sort: "relevance", q: "" });
  });
});

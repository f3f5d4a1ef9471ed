import { describe, expect, it } from "vitest";
import { ROLE_DEFINITIONS } from "~/domain/access/permissions";
import { PRODUCT_STATUSES } from "~/schemas/products";
import { availableTransitions, PRODUCT_TRANSITIONS } from "./product-lifecycle";

const permissionsOf = (key: string) => new Set(ROLE_DEFINITIONS.find((r) => r.key === key)!.permissions as readonly string[]);

describe("product lifecycle", () => {
  it("lets a bank admin submit, withdraw, delist and revise only its own products", () => {
    const admin = { permissions: permissionsOf("bank_admin"), institutionId: "bank-a" };
    expect(availableTransitions("DRAFT", admin, "bank-a")).toEqual(["submit"]);
    expect(availableTransitions("UNDER_REVIEW", admin, "bank-a")).toEqual(["withdraw"]);
    expect(availableTransitions("LISTED", admin, "bank-a")).toEqual(["delist"]);
    expect(availableTransitions("DELISTED", admin, "bank-a")).toEqual(["revise"]);
    for (const status of PRODUCT_STATUSES) expect(availableTransitions(status, admin, "bank-b")).toEqual([]);
  });

  it("lets the finance office approve, return and delist any bank's product, and nothing else", () => {
    const finance = { permissions: permissionsOf("finance_office"), institutionId: "jrj" };
    expect(availableTransitions("DRAFT", finance, "bank-a")).toEqual([]);
    expect(availableTransitions("UNDER_REVIEW", finance, "bank-a")).toEqual(["approve", "return"]);
    expect(availableTransitions("LISTED", finance, "bank-a")).toEqual(["delist"]);
    expect(availableTransitions("DELISTED", finance, "bank-a")).toEqual([]);
  });

  it("gives loan officers, SMEs, regulators and platform admins no product commands", () => {
    for (const key of ["loan_officer", "sme", "regulator", "platform_admin"]) {
      const actor = { permissions: permissionsOf(key), institutionId: "bank-a" };
      for (const status of PRODUCT_STATUSES) expect(availableTransitions(status, actor, "bank-a"), `${key} ${status}`).toEqual([]);
    }
  });

  it("reaches every status and lists a product only through the finance office's approval", () => {
    const reached = new Set(Object.values(PRODUCT_TRANSITIONS).map((r) => r.to));
    expect([...reached].sort()).toEqual(["DELISTED", "DRAFT", "LISTED", "UNDER_REVIEW"]);
    const toListed = Object.entries(PRODUCT_TRANSITIONS).filter(([, r]) => r.to === "LISTED");
    expect(toListed.map(([k]) => k)).toEqual(["approve"]);
    expect(toListed[0]![1].by.map((b) => b.permission)).toEqual(["review:product:any"]);
  });
});

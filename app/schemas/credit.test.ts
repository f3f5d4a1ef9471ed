import { describe, expect, it } from "vitest";
import { GrantAuthorisationSchema } from "./credit";

const grant = { institutionId: "3f2504e0-4f89-41d3-9a0c-0305e82c3301", purpose: "LOAN_APPLICATION", expiresOn: "2099-01-31" };

describe("GrantAuthorisationSchema", () => {
  it("accepts a grant that includes the credit evaluation", () => {
    expect(GrantAuthorisationSchema.safeParse({ ...grant, scopes: ["CREDIT_REPORT", "SIGNALS"] }).success).toBe(true);
  });

  it("refuses a grant of records or contact details alone, which would open nothing", () => {
    const result = GrantAuthorisationSchema.safeParse({ ...grant, scopes: ["SIGNALS", "CONTACT"] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["scopes", "consent.reportScopeRequired"]]);
  });
});

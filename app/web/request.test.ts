import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./request.server";

describe("safeRedirectPath", () => {
  it("keeps a same-site path with its query and fragment", () => {
    expect(safeRedirectPath("/app/products?status=ACTIVE#top")).toBe("/app/products?status=ACTIVE#top");
  });

  it.each(["https://evil.example/", "//evil.example/", "/\\evil.example/", "/\t/evil.example/", "/\n/evil.example/", "app", "", null, undefined])(
    "falls back for %j, which a browser could read as another site",
    (value) => {
      expect(safeRedirectPath(value)).toBe("/app");
      expect(safeRedirectPath(value, "/")).toBe("/");
    },
  );

  it("percent-encodes what a Location header cannot carry", () => {
    const path = safeRedirectPath("/app/products?q=贷款 \u0000产品");
    expect(path).toBe("/app/products?q=%E8%B4%B7%E6%AC%BE%20%00%E4%BA%A7%E5%93%81");
    expect(() => new Headers({ Location: path })).not.toThrow();
  });
});

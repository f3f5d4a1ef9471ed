import { describe, expect, it } from "vitest";
import { AREAS } from "~/components/areas";
import { PERMISSIONS, ROLE_DEFINITIONS, ROLE_KEYS } from "./permissions";

describe("permission table", () => {
  it("uses only known action:entity:scope strings", () => {
    for (const p of PERMISSIONS) expect(p).toMatch(/^[a-z-]+:[a-z-]+:(own|institution|authorised|listed|any)$/);
    for (const role of ROLE_DEFINITIONS) for (const p of role.permissions) expect(PERMISSIONS).toContain(p);
    expect(ROLE_DEFINITIONS.map((r) => r.key).sort()).toEqual([...ROLE_KEYS].sort());
  });

  it("keeps read-only roles read-only and enterprise data out of banks' reach without authorisation", () => {
    const regulator = ROLE_DEFINITIONS.find((r) => r.key === "regulator")!;
    expect(regulator.permissions.every((p) => /^(read|verify):/.test(p))).toBe(true);
    for (const bankRole of ROLE_DEFINITIONS.filter((r) => r.key.startsWith("bank") || r.key === "loan_officer")) {
      expect(bankRole.permissions.filter((p) => p.includes("enterprise") || p.includes("credit"))).toEqual(["read:credit-report:authorised"]);
    }
  });

  it("gives every navigation area a permission that exists", () => {
    for (const area of AREAS) {
      for (const permission of area.permission === null ? [] : typeof area.permission === "string" ? [area.permission] : area.permission) {
        expect(PERMISSIONS).toContain(permission);
      }
    }
  });
});

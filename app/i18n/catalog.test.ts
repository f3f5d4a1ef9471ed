import { describe, expect, it } from "vitest";
import { AREAS } from "~/components/areas";
import { ROLE_DEFINITIONS } from "~/domain/access/permissions";
import { en } from "./en";
import { createI18n } from "./i18n";
import { zhCN } from "./zh-CN";

function keys(value: object, prefix = ""): string[] {
  return Object.entries(value).flatMap(([k, v]) => (typeof v === "object" && v ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe("message catalogs", () => {
  it("have the same keys in both languages, none empty", () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
    for (const key of keys(en)) {
      for (const locale of ["zh-CN", "en"] as const) expect(createI18n(locale).t(key), `${locale} ${key}`).not.toBe("");
    }
  });

  it("name every role and every navigation area in both languages", () => {
    for (const locale of ["zh-CN", "en"] as const) {
      const t = createI18n(locale).t;
      for (const role of ROLE_DEFINITIONS) expect(t(`roles.${role.key}`)).not.toBe(`roles.${role.key}`);
      for (const area of AREAS) expect(t(`nav.${area.key}`)).not.toBe(`nav.${area.key}`);
    }
    expect(createI18n("zh-CN").t("errors.uscc.length", { length: 16 })).toBe("统一社会信用代码应为 18 位，您输入了 16 位");
  });
});

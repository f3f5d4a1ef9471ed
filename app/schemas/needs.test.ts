import { parseWithZod } from "@conform-to/zod/v4";
import { describe, expect, it } from "vitest";
import { platformToday } from "~/domain/credit/build-snapshot";
import { addDays } from "~/components/needs/need-values";
import { CloseNeedSchema, NeedFormSchema, NeedSearchParamsSchema } from "./needs";

function form(values: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(values)) for (const one of Array.isArray(v) ? v : [v]) data.append(k, one);
  return data;
}

const valid = () => ({
  amount: "500,000",
  termMonths: "12",
  purpose: "采购原材料（钢材）",
  maxRate: "4.5",
  guaranteeTypes: ["CREDIT", "GUARANTOR"],
  urgency: "HIGH",
  expiresOn: addDays(platformToday(), 30),
});

describe("the need form", () => {
  it("turns typed 元 and % into 分 and basis points", () => {
    const result = parseWithZod(form(valid()), { schema: NeedFormSchema });
    expect(result.status).toBe("success");
    if (result.status !== "success") return;
    expect(result.value).toMatchObject({ amount: 50_000_000n, termMonths: 12, maxRate: 450, guaranteeTypes: ["CREDIT", "GUARANTOR"], urgency: "HIGH" });
  });

  it("puts each problem on its field, in words the user can act on", () => {
    const result = parseWithZod(
      form({ ...valid(), amount: "999.99", purpose: "借钱", guaranteeTypes: [], urgency: "ASAP", expiresOn: platformToday(), termMonths: "0" }),
      { schema: NeedFormSchema },
    );
    expect(result.status).toBe("error");
    const errors = result.reply().error!;
    expect(errors.amount).toEqual(["need.amountTooSmall"]);
    expect(errors.purpose).toEqual(['need.purposeTooShort|{"min":5}']);
    expect(errors.guaranteeTypes).toEqual(["need.guaranteeRequired"]);
    expect(errors.urgency).toEqual(["invalidChoice"]);
    expect(errors.expiresOn).toEqual(["need.expiryNotFuture"]);
    expect(errors.termMonths).toEqual(['numberOutOfRange|{"min":1,"max":360}']);
  });

  it("refuses an expiry more than 180 days ahead", () => {
    const result = parseWithZod(form({ ...valid(), expiresOn: addDays(platformToday(), 181) }), { schema: NeedFormSchema });
    expect(result.reply().error?.expiresOn).toEqual(['need.expiryTooFar|{"days":180}']);
  });

  it("needs a version to close", () => {
    expect(CloseNeedSchema.safeParse({ intent: "close" }).success).toBe(false);
    expect(CloseNeedSchema.parse({ intent: "close", version: "3", reason: " 已解决 " })).toEqual({ intent: "close", version: 3, reason: "已解决" });
  });
});

describe("the need-search URL", () => {
  it("keeps valid values and drops invalid ones instead of failing", () => {
    const params = NeedSearchParamsSchema.parse(
      new URLSearchParams(
        "q=%E5%8E%9F%E6%9D%90%E6%96%99&region=211103&region=999999&industry=C34&industry=zz&size=SMALL&size=HUGE&guarantee=CREDIT&urgency=HIGH" +
          "&amountMin=10,000&amountMax=abc&termMin=6&termMax=999&rateMin=4.5&sort=sideways&page=-3",
      ),
    );
    expect(params).toEqual({
      q: "原材料",
      region: ["211103"],
      industry: ["C34"],
      size: ["SMALL"],
      guarantee: ["CREDIT"],
      urgency: ["HIGH"],
      amountMin: 1_000_000n,
      amountMax: undefined,
      termMin: 6,
      termMax: undefined,
      rateMin: 450,
      sort: "relevance",
      page: 1,
    });
  });

  it("gives an empty search for an empty URL", () => {
    expect(NeedSearchParamsSchema.parse(new URLSearchParams())).toMatchObject({ q: "", region: [], sort: "relevance", page: 1 });
  });
});

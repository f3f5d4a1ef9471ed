import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { registerEnterprise } from "~/domain/auth/register-enterprise.server";
import { usccCheckCharacter } from "~/domain/identity/uscc";
import { RegisterEnterpriseSchema } from "~/schemas/auth";
import { makeEnterprise, uniqueSuffix } from "../helpers";

function form(overrides: Record<string, string> = {}) {
  const body17 = `91211103MA${uniqueSuffix().toUpperCase().replace(/[IOSVZ]/g, "A").slice(0, 7)}`;
  return {
    uscc: body17 + usccCheckCharacter(body17),
    name: `盘锦测试${uniqueSuffix()}科技有限公司`,
    regionCode: "211103",
    industryCode: "I65",
    size: "SMALL",
    foundedOn: "2018-03-15",
    registeredCapitalYuan: "1,000,000.50",
    legalRepName: "李四",
    displayName: "李四",
    phone: "13800138000",
    username: `sme-${uniqueSuffix()}`,
    password: "a-long-password",
    confirmPassword: "a-long-password",
    agree: "on",
    ...overrides,
  };
}

const register = (input: ReturnType<typeof RegisterEnterpriseSchema.parse>) =>
  registerEnterprise({ input, ip: "10.0.0.1", userAgent: null });

describe("enterprise self-registration", () => {
  it("creates the enterprise, its first user and an audit record, and signs in", async () => {
    const input = RegisterEnterpriseSchema.parse(form());
    expect(input.registeredCapitalYuan).toBe(100_000_050n);
    const result = await register(input);
    const enterprise = await prisma.enterprise.findUniqueOrThrow({ where: { uscc: input.uscc } });
    expect(enterprise.registeredCapitalFen).toBe(100_000_050n);
    const member = await prisma.membership.findFirstOrThrow({ where: { enterpriseId: enterprise.id } });
    expect(member).toMatchObject({ userId: result.userId, roleKey: "sme", institutionId: null });
    expect(await prisma.session.count({ where: { userId: result.userId } })).toBe(1);
    expect(await prisma.auditLog.count({ where: { action: "enterprise.register", entityId: enterprise.id } })).toBe(1);
  });

  it("normalises full-width and lower-case codes", () => {
    const f = form();
    const fullWidth = f.uscc.toLowerCase().replace(/[0-9a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    expect(RegisterEnterpriseSchema.parse({ ...f, uscc: fullWidth }).uscc).toBe(f.uscc);
  });

  it("rejects a bad check character with a message naming it, before anything is written", async () => {
    const f = form();
    const wrong = f.uscc.slice(0, 17) + (f.uscc[17] === "0" ? "1" : "0");
    const result = RegisterEnterpriseSchema.safeParse({ ...f, uscc: wrong });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["uscc", "uscc.checkCharacter"]]);
  });

  it("claims an imported enterprise when the registered name matches, and refuses a wrong name or a second claim", async () => {
    const imported = await makeEnterprise();
    await expect(register(RegisterEnterpriseSchema.parse(form({ uscc: imported.uscc, name: "别的名字有限公司" })))).rejects.toMatchObject({
      code: "register.nameMismatch",
    });
    // Full-width brackets and spaces in the name do not matter.
    const first = await register(RegisterEnterpriseSchema.parse(form({ uscc: imported.uscc, name: ` ${imported.name} ` })));
    expect((await prisma.membership.findFirstOrThrow({ where: { userId: first.userId } })).enterpriseId).toBe(imported.id);
    await expect(register(RegisterEnterpriseSchema.parse(form({ uscc: imported.uscc, name: imported.name })))).rejects.toMatchObject({
      code: "register.alreadyRegistered",
    });
    expect(await prisma.enterprise.count({ where: { uscc: imported.uscc } })).toBe(1);
  });

  it("lets exactly one of two simultaneous registrations of the same username through", async () => {
    const username = `race-${uniqueSuffix()}`;
    const results = await Promise.allSettled([
      register(RegisterEnterpriseSchema.parse(form({ username }))),
      register(RegisterEnterpriseSchema.parse(form({ username }))),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "register.usernameTaken" });
    expect(await prisma.user.count({ where: { username } })).toBe(1);
  });
});

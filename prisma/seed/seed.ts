/**
 * The deterministic demo city. Safe to run again: every record is found by its
 * natural key (role key, institution code, username, USCC, product code) and
 * created only when missing, so a second run changes nothing.
 */
import { hashPassword } from "~/domain/auth/password.server";
import { ROLE_DEFINITIONS, type RoleKey } from "~/domain/access/permissions";
import type { Db } from "~/db.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { refreshPlatformStats } from "~/domain/stats/platform-stats.server";
import { refreshMonitoring } from "~/domain/monitoring/refresh-monitoring.server";
import { rebuildSearchIndex } from "~/domain/outbox/search-outbox.server";
import { getSearchIndex } from "~/domain/search/search.server";
import { seedCalendar } from "./calendar";
import { seedCreditData } from "./credit";
import { BANKS, generateEnterprise, mobilePhone, personName, type GeneratedEnterprise } from "./city";
import { generateProducts, shortBankName, workflowProducts } from "./products";
import { seedClaims, seedFund } from "./fund";
import { seedLoans } from "./loans";
import { seedNeeds } from "./needs";
import { Random } from "./random";

export const DEMO_PASSWORD = "xinyidai-demo";

export type SeedOptions = { enterprises: number; seed: number; log?: (line: string) => void };

export type DemoLogin = { username: string; roleKey: RoleKey; organisation: string };

const GOVERNMENT = [
  { code: "XYD-OPS", kind: "PLATFORM", nameZh: "盘锦市信易贷平台运营中心", nameEn: "Panjin Xinyidai Platform Operations" },
  { code: "PJ-JRJ", kind: "FINANCE_OFFICE", nameZh: "盘锦市地方金融管理局", nameEn: "Panjin Local Financial Administration" },
  { code: "PBOC-PJ", kind: "REGULATOR", nameZh: "中国人民银行盘锦市分行", nameEn: "People's Bank of China Panjin Branch" },
] as const;

export async function seedDemo(db: Db, options: SeedOptions): Promise<{ logins: DemoLogin[] }> {
  const log = options.log ?? (() => undefined);
  const rng = new Random(options.seed);

  await seedRoles(db);
  await seedCalendar(db);

  const institutionIds = new Map<string, string>();
  for (const inst of [...GOVERNMENT, ...BANKS.map(([code, nameZh, nameEn]) => ({ code, kind: "BANK" as const, nameZh, nameEn }))]) {
    const row = await db.institution.upsert({
      where: { code: inst.code },
      create: { code: inst.code, kind: inst.kind, nameZh: inst.nameZh, nameEn: inst.nameEn, regionCode: "211100" },
      update: {},
      select: { id: true },
    });
    institutionIds.set(inst.code, row.id);
  }
  log(`institutions: ${institutionIds.size}`);

  // Enterprises: generated in a fixed order, so the same seed gives the same city.
  const enterprises: GeneratedEnterprise[] = [];
  const seen = new Set<string>();
  while (enterprises.length < options.enterprises) {
    const e = generateEnterprise(rng);
    if (seen.has(e.uscc)) continue;
    seen.add(e.uscc);
    enterprises.push(e);
  }
  const CHUNK = 5_000;
  let created = 0;
  for (let i = 0; i < enterprises.length; i += CHUNK) {
    const result = await db.enterprise.createMany({ data: enterprises.slice(i, i + CHUNK), skipDuplicates: true });
    created += result.count;
    log(`enterprises: ${Math.min(i + CHUNK, enterprises.length)} / ${enterprises.length}`);
  }
  log(`enterprises created: ${created} (already present: ${enterprises.length - created})`);

  // Products: listed, each with the review trail a listed product has.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const users: { username: string; displayName: string; roleKey: RoleKey; institutionCode?: string; uscc?: string }[] = [
    { username: "admin", displayName: "平台管理员 赵工", roleKey: "platform_admin", institutionCode: "XYD-OPS" },
    { username: "finance", displayName: "金融局 王科长", roleKey: "finance_office", institutionCode: "PJ-JRJ" },
    { username: "auditor", displayName: "人行 审计 李处", roleKey: "regulator", institutionCode: "PBOC-PJ" },
  ];
  for (const [code] of BANKS) {
    const slug = code.toLowerCase();
    users.push({ username: `${slug}.admin`, displayName: `${personName(rng)}（管理员）`, roleKey: "bank_admin", institutionCode: code });
    users.push({ username: `${slug}.officer`, displayName: `${personName(rng)}（客户经理）`, roleKey: "loan_officer", institutionCode: code });
  }
  users.push({ username: "sme", displayName: enterprises[0]!.legalRepName, roleKey: "sme", uscc: enterprises[0]!.uscc });
  users.push({ username: "sme2", displayName: enterprises[1]!.legalRepName, roleKey: "sme", uscc: enterprises[1]!.uscc });

  const financeUser = await ensureUsers(db, users, passwordHash, institutionIds, rng);

  let products = 0;
  for (const [code, nameZh] of BANKS) {
    const shortName = shortBankName(nameZh);
    for (const p of generateProducts(rng, code, shortName)) {
      const existing = await db.product.findUnique({ where: { code: p.code }, select: { id: true } });
      if (existing) continue;
      const createdById = financeUser.get(`${code.toLowerCase()}.admin`)!;
      await db.product.create({
        data: {
          ...p,
          institutionId: institutionIds.get(code)!,
          status: "LISTED",
          listedAt: new Date(),
          createdById,
          events: {
            create: [
              { fromStatus: null, toStatus: "DRAFT", actorId: createdById },
              { fromStatus: "DRAFT", toStatus: "UNDER_REVIEW", actorId: createdById },
              { fromStatus: "UNDER_REVIEW", toStatus: "LISTED", actorId: financeUser.get("finance")!, comment: "材料齐全，准予上架" },
            ],
          },
        },
      });
      products++;
    }
  }
  // The first bank also has a product waiting for review and a draft.
  {
    const [code, nameZh] = BANKS[0]!;
    const shortName = shortBankName(nameZh);
    const createdById = financeUser.get(`${code.toLowerCase()}.admin`)!;
    for (const { status, ...p } of workflowProducts(code, shortName)) {
      if (await db.product.findUnique({ where: { code: p.code }, select: { id: true } })) continue;
      const submitted = status === "UNDER_REVIEW";
      await db.product.create({
        data: {
          ...p,
          institutionId: institutionIds.get(code)!,
          status,
          version: submitted ? 2 : 1,
          submittedAt: submitted ? new Date() : null,
          createdById,
          events: {
            create: [
              { fromStatus: null, toStatus: "DRAFT", actorId: createdById },
              ...(submitted ? [{ fromStatus: "DRAFT" as const, toStatus: "UNDER_REVIEW" as const, actorId: createdById }] : []),
            ],
          },
        },
      });
      products++;
    }
  }
  log(`products created: ${products}`);

  // Credit data and evaluations: the demo SME has a clean record, the second demo SME
  // an unrepaired penalty it can ask to repair, everyone else a realistic mix.
  await seedCreditData(db, {
    rng,
    enterprises: enterprises.map((e, i) => ({ ...e, profile: i === 0 ? "good" : i === 1 ? "penalised" : "random" })),
    institutionId: institutionIds.get("PJ-JRJ")!,
    createdById: financeUser.get("finance")!,
    asOf: platformToday(),
    log,
  });
  const demoSme = await db.enterprise.findUniqueOrThrow({ where: { uscc: enterprises[0]!.uscc }, select: { id: true } });
  const firstBank = institutionIds.get(BANKS[0]![0])!;
  const granted = await db.authorisation.count({ where: { enterpriseId: demoSme.id, institutionId: firstBank } });
  if (granted === 0) {
    await db.authorisation.create({
      data: {
        enterpriseId: demoSme.id,
        institutionId: firstBank,
        scopes: ["CREDIT_REPORT", "SIGNALS"],
        purpose: "PRE_LOAN_REVIEW",
        grantedById: financeUser.get("sme")!,
        expiresAt: new Date(Date.now() + 180 * 86_400_000),
      },
    });
  }

  // Before the loans, so those disbursed under its rules are enrolled.
  const fundId = await seedFund(db, { financeUserId: financeUser.get("finance")!, log });

  await seedNeeds(db, {
    seed: options.seed,
    usccs: enterprises.map((e) => e.uscc),
    banks: BANKS.map(([code]) => ({ institutionId: institutionIds.get(code)!, userId: financeUser.get(`${code.toLowerCase()}.officer`)! })),
    smeUsers: new Map([[enterprises[0]!.uscc, financeUser.get("sme")!], [enterprises[1]!.uscc, financeUser.get("sme2")!]]),
    passwordHash,
    today: platformToday(),
    log,
  });

  await seedLoans(db, {
    rng,
    today: platformToday(),
    demoSmeUserId: financeUser.get("sme")!,
    firstBankId: firstBank,
    banks: new Map(
      BANKS.map(([code]) => [
        institutionIds.get(code)!,
        { admin: financeUser.get(`${code.toLowerCase()}.admin`)!, officer: financeUser.get(`${code.toLowerCase()}.officer`)! },
      ]),
    ),
    log,
  });

  await seedClaims(db, {
    fundId,
    financeUserId: financeUser.get("finance")!,
    bankAdmins: new Map(BANKS.map(([code]) => [institutionIds.get(code)!, financeUser.get(`${code.toLowerCase()}.admin`)!])),
    log,
  });

  // The product supermarket's index, rebuilt from what was just seeded.
  const search = await getSearchIndex();
  const indexed = await rebuildSearchIndex(db, search, "products");
  log(`search index (${search.backend}): ${indexed.documents} products`);
  log(`search index (${search.backend}): ${(await rebuildSearchIndex(db, search, "needs")).documents} needs`);

  // The monitoring rollups, then the public headline figures drawn from them.
  const monitoring = await refreshMonitoring(db, { full: true });
  log(`monitoring rollups: ${monitoring.rows} rows over ${monitoring.months} months`);
  await refreshPlatformStats(db);

  // Planner statistics for what was just bulk-loaded, as autovacuum would gather them in time: without them
  // the first hours of a fresh database plan joins for empty tables (the bank's needs inbox took ten times longer).
  await db.$executeRaw`ANALYZE`;
  log("planner statistics gathered");

  return {
    logins: users.map((u) => ({
      username: u.username,
      roleKey: u.roleKey,
      organisation: u.institutionCode
        ? (GOVERNMENT.find((g) => g.code === u.institutionCode)?.nameZh ?? BANKS.find(([c]) => c === u.institutionCode)![1])
        : enterprises.find((e) => e.uscc === u.uscc)!.name,
    })),
  };
}

/** Writes the reviewed role definitions to the roles table (re-seeding restores them). */
export async function seedRoles(db: Db): Promise<void> {
  for (const role of ROLE_DEFINITIONS) {
    await db.role.upsert({
      where: { key: role.key },
      create: { key: role.key, nameZh: role.nameZh, nameEn: role.nameEn, permissions: [...role.permissions] },
      update: { nameZh: role.nameZh, nameEn: role.nameEn, permissions: [...role.permissions] },
    });
  }
}

/** Creates missing demo users; returns username → id for all of them. */
async function ensureUsers(
  db: Db,
  users: { username: string; displayName: string; roleKey: RoleKey; institutionCode?: string; uscc?: string }[],
  passwordHash: string,
  institutionIds: Map<string, string>,
  rng: Random,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const u of users) {
    const phone = mobilePhone(rng);
    const existing = await db.user.findUnique({ where: { username: u.username }, select: { id: true } });
    if (existing) {
      ids.set(u.username, existing.id);
      continue;
    }
    const enterpriseId = u.uscc
      ? (await db.enterprise.findUniqueOrThrow({ where: { uscc: u.uscc }, select: { id: true } })).id
      : null;
    const user = await db.user.create({
      data: {
        username: u.username,
        displayName: u.displayName,
        phone,
        passwordHash,
        memberships: {
          create: {
            roleKey: u.roleKey,
            institutionId: u.institutionCode ? institutionIds.get(u.institutionCode)! : null,
            enterpriseId,
          },
        },
      },
      select: { id: true },
    });
    ids.set(u.username, user.id);
  }
  return ids;
}

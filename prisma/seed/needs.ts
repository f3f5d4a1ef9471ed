/**
 * Financing needs for the demo city: a few hundred, posted by about one
 * enterprise in seven, mostly open, some taken up by seeded banks, some
 * closed, fulfilled or expired. The demo SME gets three (one open, one in
 * progress with two banks, one fulfilled), so every page has something to show.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { Random } from "./random";

type Status = "OPEN" | "IN_PROGRESS" | "FULFILLED" | "CLOSED" | "EXPIRED";
type Guarantee = "CREDIT" | "MORTGAGE" | "PLEDGE" | "GUARANTOR" | "GUARANTEE_COMPANY";
type Urgency = "LOW" | "NORMAL" | "HIGH";

const GENERAL_PURPOSES = [
  "采购原材料，满足新签订单的生产需要",
  "支付上游供应商货款，争取现款采购折扣",
  "扩大产能，购置生产设备两台（套）",
  "补充流动资金，支付员工工资和厂房租金",
  "承接政府采购项目，垫付项目前期费用",
  "厂房升级改造，新增一条生产线",
  "购置运输车辆，降低外包物流成本",
  "年底前集中备货，应对旺季订单",
  "支付货款，应收账款回笼前的资金周转",
];

/** Purposes in the words each trade uses, by GB/T 4754 division. */
const TRADE_PURPOSES: Record<string, string[]> = {
  A01: ["春耕备货：采购化肥、种子和农药", "购置插秧机、收割机等农机具", "土地流转费用及水稻种植投入", "收购稻谷，储备冬季加工原料"],
  A04: ["稻蟹养殖饲料采购", "河蟹苗种采购及养殖塘口改造", "冷库建设与冷链运输设备购置", "海参育苗池改造"],
  C13: ["收购稻谷，储备加工原料", "大米加工生产线升级改造", "稻蟹养殖饲料采购与加工", "冷链仓储设备购置"],
  C14: ["食品生产线技术改造", "采购包装材料与原辅料", "申请 SC 认证前的车间改造"],
  B07: ["油田技术服务项目垫资", "采购钻采配件及井下工具", "购置修井作业设备"],
  C25: ["采购原油和燃料油原料", "环保设施升级改造", "沥青储罐扩建"],
  C26: ["采购化工原材料", "安全环保设施改造", "新材料中试线建设"],
  C33: ["采购钢材等原材料", "钢结构项目垫资", "购置数控切割设备"],
  C34: ["采购原材料（钢材、铸件）", "扩大产能购置设备（数控机床）", "泵阀产品出口订单备料"],
  C35: ["石油装备订单备料", "购置数控加工中心", "研发试制新型专用设备"],
  C38: ["电力设备订单备料", "采购铜材等原材料", "新建产品检测实验室"],
  C39: ["采购电子元器件", "表面贴装生产线扩产", "研发投入：支付研发人员工资"],
  E47: ["工程项目垫资，支付材料款和人工费", "投标保证金及履约保函", "购置塔吊等施工设备"],
  E48: ["市政工程项目垫资", "采购沥青、水泥等建材", "购置压路机等路桥施工设备"],
  F51: ["节前集中备货", "采购库存商品，支付供应商货款", "新增仓储网点"],
  F52: ["门店装修及扩张", "节前备货", "开设社区便利店分店"],
  G54: ["购置冷链运输车辆", "车辆更新，淘汰国四货车", "支付燃油费及路桥费周转"],
  G59: ["仓库扩建及叉车采购", "港口装卸设备更新", "支付仓库租金"],
  H61: ["客房装修改造", "旅游旺季前的经营周转"],
  H62: ["新开门店装修", "旺季前采购食材", "中央厨房设备购置"],
  I65: ["研发投入：支付研发人员工资", "采购服务器及软件授权", "承接政府信息化项目垫资"],
  M75: ["专利产业化，购置中试设备", "技术服务项目前期投入", "研发投入及检测认证费用"],
  N77: ["环保工程项目垫资", "湿地生态修复项目备料"],
};

const SIZE_AMOUNT_WAN: Record<string, [number, number]> = { MICRO: [5, 100], SMALL: [20, 500], MEDIUM: [100, 2000], LARGE: [500, 5000] };
const STATUS_WEIGHTS: readonly (readonly [Status, number])[] = [["OPEN", 60], ["IN_PROGRESS", 18], ["FULFILLED", 8], ["CLOSED", 8], ["EXPIRED", 6]];
const GUARANTEE_WEIGHTS: readonly (readonly [Guarantee, number])[] = [["CREDIT", 40], ["MORTGAGE", 25], ["GUARANTOR", 15], ["GUARANTEE_COMPANY", 12], ["PLEDGE", 8]];
const URGENCY_WEIGHTS: readonly (readonly [Urgency, number])[] = [["NORMAL", 55], ["HIGH", 25], ["LOW", 20]];
const CLOSE_REASONS = ["已通过其他渠道解决", "项目推迟，暂不需要资金", "订单取消", "利率不合适，暂缓融资"];

const DAY_MS = 86_400_000;
const dayAfter = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS);

type Enterprise = { id: string; uscc: string; industryCode: string; size: string; legalRepName: string };
type Bank = { institutionId: string; userId: string };

export type SeedNeedsOptions = {
  seed: number;
  /** The seeded enterprises' USCCs in generation order: the first is the demo SME, the second the second demo SME. */
  usccs: readonly string[];
  /** Banks that take needs up, each through one of its loan officers; the first takes up the demo SME's need. */
  banks: readonly Bank[];
  /** The demo SME users, by USCC: their needs are posted by them. */
  smeUsers: ReadonlyMap<string, string>;
  /** Other posting enterprises get an SME account (only registered enterprises post needs), with this password hash. */
  passwordHash: string;
  today: string;
  log?: (line: string) => void;
};

type NeedRow = {
  id: string;
  enterpriseId: string;
  amountFen: bigint;
  termMonths: number;
  purpose: string;
  maxRateBps: number;
  guaranteeTypes: Guarantee[];
  urgency: Urgency;
  expiresOn: Date;
  status: Status;
  version: number;
  closedAt: Date | null;
  closeReason: string | null;
  createdById: string;
  createdAt: Date;
};

/** Idempotent: an enterprise that already has needs gets none, and existing accounts are reused. */
export async function seedNeeds(db: Db, options: SeedNeedsOptions): Promise<{ needs: number; claims: number }> {
  const rng = new Random(options.seed ^ 0x6e656564); // its own stream: adding needs does not shift the rest of the city
  const rows = await db.enterprise.findMany({
    where: { uscc: { in: [...options.usccs] } },
    select: { id: true, uscc: true, industryCode: true, size: true, legalRepName: true },
  });
  const byUscc = new Map(rows.map((e) => [e.uscc, e]));
  const ordered = options.usccs.map((u) => byUscc.get(u)).filter((e) => e !== undefined);
  if (ordered.length === 0 || options.banks.length === 0) return { needs: 0, claims: 0 };

  // About one enterprise in seven posts: the demo SMEs always, the rest drawn in a fixed order.
  const posting = [...ordered.slice(0, 2), ...rng.sample(ordered.slice(2), Math.min(ordered.length - 2, Math.ceil(ordered.length * 0.14)))];
  const withNeeds = new Set(
    (await db.financingNeed.groupBy({ by: ["enterpriseId"], where: { enterpriseId: { in: posting.map((e) => e.id) } } })).map((g) => g.enterpriseId),
  );
  const todo = posting.filter((e) => !withNeeds.has(e.id));
  if (todo.length === 0) return { needs: 0, claims: 0 };

  const authors = await ensureAuthors(db, todo, options);
  const needs: NeedRow[] = [];
  const claims: { needId: string; institutionId: string; userId: string; at: Date }[] = [];

  const add = (e: Enterprise, status: Status, over: Partial<Pick<NeedRow, "purpose" | "urgency">> = {}, claimBanks?: Bank[]) => {
    const [lo, hi] = SIZE_AMOUNT_WAN[e.size] ?? [10, 200];
    // Round amounts as people ask for them: whole 万, or 5万 steps above 50万.
    const wan = rng.int(lo, hi);
    const amountWan = wan > 50 ? Math.round(wan / 5) * 5 : wan;
    const expired = status === "EXPIRED";
    const ended = status === "FULFILLED" || status === "CLOSED" || expired;
    // Posted at least a day ago (in office hours), so nothing seeded lies in the future.
    const ageDays = expired ? rng.int(40, 200) : ended ? rng.int(5, 90) : rng.int(1, 75);
    const createdAt = new Date(dayAfter(options.today, -ageDays).getTime() + rng.int(1, 9) * 3_600_000 + rng.int(0, 59) * 60_000);
    // Valid for at most 180 days from posting; an expired need's date is already past, every other one's still ahead.
    const expiresOn = expired
      ? dayAfter(options.today, -rng.int(Math.max(1, ageDays - 180), Math.min(ageDays - 1, 60)))
      : dayAfter(options.today, rng.int(3, 180 - ageDays));
    const closedAt = !ended ? null : expired ? new Date(expiresOn.getTime() + DAY_MS) : new Date(createdAt.getTime() + rng.int(2, ageDays - 1) * DAY_MS);
    const banks = claimBanks ?? (status === "OPEN" ? [] : status === "CLOSED" && rng.next() < 0.6 ? [] : rng.sample(options.banks, rng.weighted([[1, 70], [2, 25], [3, 5]] as const)));
    const id = randomUUID();
    const purposes = TRADE_PURPOSES[e.industryCode];
    needs.push({
      id,
      enterpriseId: e.id,
      amountFen: BigInt(amountWan) * 1_000_000n,
      termMonths: rng.pick([3, 6, 6, 12, 12, 12, 12, 18, 24, 24, 36, 60]),
      purpose: over.purpose ?? (purposes && rng.next() < 0.7 ? rng.pick(purposes) : rng.pick(GENERAL_PURPOSES)),
      maxRateBps: rng.int(70, 160) * 5,
      guaranteeTypes: [...new Set([rng.weighted(GUARANTEE_WEIGHTS), ...(rng.next() < 0.35 ? [rng.weighted(GUARANTEE_WEIGHTS)] : [])])],
      urgency: over.urgency ?? rng.weighted(URGENCY_WEIGHTS),
      expiresOn,
      status,
      // Posting is version 1; each claim and the ending bumped it.
      version: 1 + banks.length + (ended ? 1 : 0),
      closedAt,
      closeReason: status === "CLOSED" && rng.next() < 0.7 ? rng.pick(CLOSE_REASONS) : null,
      createdById: authors.get(e.id)!,
      createdAt,
    });
    for (const b of banks) {
      // Taken up in office hours of the day after posting: before any ending (a day or more later), never in the future.
      const at = new Date(dayAfter(options.today, 1 - ageDays).getTime() + rng.int(1, 8) * 3_600_000 + rng.int(0, 59) * 60_000);
      claims.push({ needId: id, institutionId: b.institutionId, userId: b.userId, at: new Date(Math.min(at.getTime(), Date.now())) });
    }
  };

  for (const e of todo) {
    if (e.uscc === options.usccs[0]) {
      add(e, "OPEN", { purpose: "采购原材料（钢材、铸件），用于承接新签的 300 台泵阀订单", urgency: "HIGH" });
      add(e, "IN_PROGRESS", { purpose: "扩大产能购置设备：两台数控加工中心" }, options.banks.slice(0, 2));
      add(e, "FULFILLED", { purpose: "支付上游供应商货款，年底集中结算" });
    } else if (e.uscc === options.usccs[1]) {
      add(e, "OPEN");
      add(e, "CLOSED");
    } else {
      const count = rng.weighted([[1, 45], [2, 35], [3, 20]] as const);
      for (let i = 0; i < count; i++) add(e, rng.weighted(STATUS_WEIGHTS));
    }
  }

  const CHUNK = 1_000;
  for (let i = 0; i < needs.length; i += CHUNK) await db.financingNeed.createMany({ data: needs.slice(i, i + CHUNK) });
  for (let i = 0; i < claims.length; i += CHUNK) await db.needClaim.createMany({ data: claims.slice(i, i + CHUNK), skipDuplicates: true });
  options.log?.(`financing needs created: ${needs.length} (claims: ${claims.length})`);
  return { needs: needs.length, claims: claims.length };
}

/** Who posts each enterprise's needs: its existing SME user, or a new account for it. */
async function ensureAuthors(db: Db, enterprises: Enterprise[], options: SeedNeedsOptions): Promise<Map<string, string>> {
  const authors = new Map<string, string>();
  const members = await db.membership.findMany({
    where: { roleKey: "sme", enterpriseId: { in: enterprises.map((e) => e.id) } },
    orderBy: { createdAt: "asc" },
    select: { userId: true, enterpriseId: true },
  });
  for (const m of members) if (m.enterpriseId && !authors.has(m.enterpriseId)) authors.set(m.enterpriseId, m.userId);
  for (const e of enterprises) {
    const demo = options.smeUsers.get(e.uscc);
    if (demo) authors.set(e.id, demo);
  }
  const missing = enterprises.filter((e) => !authors.has(e.id));
  if (missing.length === 0) return authors;
  const users = missing.map((e) => ({ id: randomUUID(), enterpriseId: e.id, username: `ent-${e.uscc.slice(-8).toLowerCase()}`, displayName: e.legalRepName }));
  // A rerun finds accounts created before by their username.
  const existing = new Map(
    (await db.user.findMany({ where: { username: { in: users.map((u) => u.username) } }, select: { id: true, username: true } })).map((u) => [u.username, u.id]),
  );
  const fresh = users.filter((u) => !existing.has(u.username));
  await db.user.createMany({ data: fresh.map((u) => ({ id: u.id, username: u.username, displayName: u.displayName, passwordHash: options.passwordHash })) });
  await db.membership.createMany({ data: fresh.map((u) => ({ userId: u.id, roleKey: "sme", enterpriseId: u.enterpriseId })) });
  for (const u of users) authors.set(u.enterpriseId, existing.get(u.username) ?? u.id);
  return authors;
}

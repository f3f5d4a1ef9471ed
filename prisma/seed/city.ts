/**
 * The demo city: 盘锦's banks, and generators for enterprises with valid USCCs,
 * real-looking names and legal representatives with valid ID numbers.
 */
import { organisationCodeCheck, USCC_ALPHABET, usccCheckCharacter } from "~/domain/identity/uscc";
import { INDUSTRIES } from "~/domain/reference/industries";
import { REGIONS } from "~/domain/reference/regions";
import type { Random } from "./random";

export const BANKS = [
  ["ICBC-PJ", "中国工商银行盘锦分行", "ICBC Panjin Branch"],
  ["ABC-PJ", "中国农业银行盘锦分行", "Agricultural Bank of China Panjin Branch"],
  ["BOC-PJ", "中国银行盘锦分行", "Bank of China Panjin Branch"],
  ["CCB-PJ", "中国建设银行盘锦分行", "China Construction Bank Panjin Branch"],
  ["BOCOM-PJ", "交通银行盘锦分行", "Bank of Communications Panjin Branch"],
  ["PSBC-PJ", "中国邮政储蓄银行盘锦市分行", "Postal Savings Bank of China Panjin Branch"],
  ["CMB-PJ", "招商银行盘锦分行", "China Merchants Bank Panjin Branch"],
  ["CIB-PJ", "兴业银行盘锦分行", "Industrial Bank Panjin Branch"],
  ["CITIC-PJ", "中信银行盘锦分行", "China CITIC Bank Panjin Branch"],
  ["CEB-PJ", "中国光大银行盘锦分行", "China Everbright Bank Panjin Branch"],
  ["LSB-PJ", "辽沈银行盘锦分行", "Liaoshen Bank Panjin Branch"],
  ["SJB-PJ", "盛京银行盘锦分行", "Shengjing Bank Panjin Branch"],
  ["JZB-PJ", "锦州银行盘锦分行", "Bank of Jinzhou Panjin Branch"],
  ["DLB-PJ", "大连银行盘锦分行", "Bank of Dalian Panjin Branch"],
  ["PSRCB", "盘山农村商业银行", "Panshan Rural Commercial Bank"],
  ["DWRCB", "大洼农村商业银行", "Dawa Rural Commercial Bank"],
] as const;

const BRAND = "鑫源华盛泰恒瑞德宏兴隆海辽河金福利达通博汇丰嘉诚新远正宇航润安凯昌明永信和益中天禾顺祥裕晟锦川苇蟹稻鹤港湾".split("");

const TRADE_WORDS: Record<string, string[]> = {
  A01: ["农业", "稻米", "农产品", "种植"],
  A04: ["水产", "河蟹养殖", "渔业"],
  B07: ["油田技术服务", "石油工程"],
  C13: ["粮油", "米业", "食品加工"],
  C14: ["食品", "调味品"],
  C17: ["纺织", "织造"],
  C25: ["石化", "燃料油", "沥青"],
  C26: ["化工", "新材料", "精细化工"],
  C29: ["塑业", "橡塑制品"],
  C33: ["金属制品", "钢结构"],
  C34: ["机械", "泵业", "阀门"],
  C35: ["石油装备", "专用设备"],
  C38: ["电气", "电力设备"],
  C39: ["电子", "智能科技"],
  D44: ["热力", "新能源"],
  E47: ["建筑工程", "建设"],
  E48: ["路桥工程", "市政工程"],
  F51: ["商贸", "物资"],
  F52: ["商行", "超市"],
  G54: ["物流", "运输"],
  G59: ["仓储", "港口服务"],
  H61: ["酒店管理", "宾馆"],
  H62: ["餐饮管理", "食府"],
  I65: ["软件", "信息技术", "网络科技"],
  L72: ["企业管理咨询", "商务服务"],
  M75: ["科技", "技术服务"],
  N77: ["环保科技", "生态工程"],
  O80: ["家政服务", "物业服务"],
};

const SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文".split("");
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬飞鹏辉建国志红梅婷宇浩凯晨欣雪琳鑫波斌宁丹阳亮东海峰".split("");

export function personName(rng: Random): string {
  const given = rng.next() < 0.6 ? rng.pick(GIVEN) + rng.pick(GIVEN) : rng.pick(GIVEN);
  return rng.pick(SURNAMES) + given;
}

/** An 18-digit resident ID number with a valid ISO 7064 MOD 11-2 check character. */
export function residentIdNumber(rng: Random, regionCode: string): string {
  const year = rng.int(1960, 1995);
  const month = String(rng.int(1, 12)).padStart(2, "0");
  const day = String(rng.int(1, 28)).padStart(2, "0");
  const body = `${regionCode}${year}${month}${day}${String(rng.int(0, 999)).padStart(3, "0")}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = body.split("").reduce((s, c, i) => s + Number(c) * weights[i]!, 0);
  return body + "10X98765432"[sum % 11];
}

export function mobilePhone(rng: Random): string {
  return `1${rng.pick(["3", "5", "7", "8", "9"])}${String(rng.int(0, 999_999_999)).padStart(9, "0")}`;
}

const ORG_ALPHABET = USCC_ALPHABET.replace(/[IOSVZ]/g, "");

/** A USCC for an enterprise registered by market regulation (登记管理部门 9, 类别 1 企业). */
export function enterpriseUscc(rng: Random, regionCode: string): string {
  let org = "MA";
  for (let i = 0; i < 6; i++) org += rng.pick(ORG_ALPHABET.split(""));
  org += organisationCodeCheck(org);
  const first17 = `91${regionCode}${org}`;
  return first17 + usccCheckCharacter(first17);
}

const DISTRICTS = REGIONS.filter((r) => r.code !== "211100");
const SIZE_WEIGHTS = [["MICRO", 55], ["SMALL", 30], ["MEDIUM", 12], ["LARGE", 3]] as const;
const CAPITAL_RANGE_WAN: Record<string, [number, number]> = { MICRO: [10, 200], SMALL: [100, 1000], MEDIUM: [500, 5000], LARGE: [3000, 50000] };
const SUFFIX: Record<string, string> = { MICRO: "有限公司", SMALL: "有限公司", MEDIUM: "有限公司", LARGE: "股份有限公司" };

export type GeneratedEnterprise = {
  uscc: string;
  name: string;
  regionCode: string;
  industryCode: string;
  size: "MICRO" | "SMALL" | "MEDIUM" | "LARGE";
  foundedOn: Date;
  registeredCapitalFen: bigint;
  legalRepName: string;
  legalRepIdNumber: string;
  contactPhone: string;
  address: string;
};

export function generateEnterprise(rng: Random): GeneratedEnterprise {
  const region = rng.pick(DISTRICTS);
  const industry = rng.pick(INDUSTRIES);
  const size = rng.weighted(SIZE_WEIGHTS);
  const [lo, hi] = CAPITAL_RANGE_WAN[size]!;
  const brand = rng.pick(BRAND) + rng.pick(BRAND);
  const trade = rng.pick(TRADE_WORDS[industry.code] ?? ["实业"]);
  const prefix = rng.next() < 0.7 ? "盘锦" : region.nameZh.replace(/[区县]$/, "");
  const foundedOn = new Date(Date.UTC(rng.int(1995, 2025), rng.int(0, 11), rng.int(1, 28)));
  return {
    uscc: enterpriseUscc(rng, region.code),
    name: `${prefix}${brand}${trade}${SUFFIX[size]}`,
    regionCode: region.code,
    industryCode: industry.code,
    size,
    foundedOn,
    registeredCapitalFen: BigInt(rng.int(lo, hi)) * 1_000_000n, // 万元 → 分
    legalRepName: personName(rng),
    legalRepIdNumber: residentIdNumber(rng, region.code),
    contactPhone: mobilePhone(rng),
    address: `${region.nameZh}${rng.pick(["兴隆", "石油", "渤海", "辽河", "中兴", "双兴", "惠宾", "泰山"])}${rng.pick(["大街", "路"])}${rng.int(1, 999)}号`,
  };
}

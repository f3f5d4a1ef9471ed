import { INDUSTRIES } from "~/domain/reference/industries";
import { REGIONS } from "~/domain/reference/regions";
import type { Random } from "./random";

type Template = {
  suffix: string;
  nameZh: string;
  nameEn: string;
  type: "CREDIT" | "MORTGAGE" | "PLEDGE" | "GUARANTEE";
  tags: string[];
  amountWan: [number, number];
  termMonths: [number, number];
  rateBps: [number, number];
  methods: ("EQUAL_INSTALMENT" | "EQUAL_PRINCIPAL" | "INTEREST_ONLY_BULLET")[];
  guarantees: ("CREDIT" | "MORTGAGE" | "PLEDGE" | "GUARANTOR" | "GUARANTEE_COMPANY")[];
  minCreditGrade: string | null;
  minTaxGrade: string | null;
  minYears: number;
  industries?: string[];
  materials: string[];
  description: string;
};

const TEMPLATES: Template[] = [
  {
    suffix: "TAX", nameZh: "税易贷", nameEn: "Tax-based loan", type: "CREDIT", tags: ["TAX"],
    amountWan: [10, 300], termMonths: [3, 36], rateBps: [345, 650], methods: ["EQUAL_INSTALMENT", "INTEREST_ONLY_BULLET"],
    guarantees: ["CREDIT"], minCreditGrade: "B", minTaxGrade: "B", minYears: 2,
    materials: ["营业执照", "近两年纳税申报表", "法定代表人身份证"],
    description: "依据企业纳税信用等级和纳税额核定额度的纯信用贷款，随借随还。",
  },
  {
    suffix: "GOV", nameZh: "政采贷", nameEn: "Government-procurement loan", type: "CREDIT", tags: ["GOV_PROCUREMENT"],
    amountWan: [20, 500], termMonths: [3, 12], rateBps: [360, 600], methods: ["INTEREST_ONLY_BULLET"],
    guarantees: ["CREDIT"], minCreditGrade: "B", minTaxGrade: null, minYears: 1,
    materials: ["营业执照", "政府采购中标通知书", "政府采购合同"],
    description: "凭政府采购合同办理，无需抵押担保，回款账户监管。",
  },
  {
    suffix: "TECH", nameZh: "科创贷", nameEn: "Tech-enterprise loan", type: "CREDIT", tags: ["TECH"],
    amountWan: [50, 1000], termMonths: [6, 36], rateBps: [380, 700], methods: ["EQUAL_INSTALMENT", "EQUAL_PRINCIPAL"],
    guarantees: ["CREDIT", "GUARANTOR"], minCreditGrade: "B-", minTaxGrade: "M", minYears: 1,
    industries: ["C38", "C39", "I65", "M75", "C35"],
    materials: ["营业执照", "高新技术企业或科技型中小企业证书", "近一年财务报表"],
    description: "面向科技型中小企业的信用贷款，可叠加风险补偿金增信。",
  },
  {
    suffix: "IP", nameZh: "知识产权质押贷", nameEn: "IP pledge loan", type: "PLEDGE", tags: ["IP_PLEDGE", "TECH"],
    amountWan: [50, 1000], termMonths: [12, 36], rateBps: [400, 750], methods: ["EQUAL_PRINCIPAL", "INTEREST_ONLY_BULLET"],
    guarantees: ["PLEDGE"], minCreditGrade: "C", minTaxGrade: null, minYears: 2,
    materials: ["营业执照", "专利证书或商标注册证", "知识产权评估报告"],
    description: "以专利权、商标权质押，评估后按评估值一定比例授信。",
  },
  {
    suffix: "CUS", nameZh: "关税贷", nameEn: "Customs-duty loan", type: "CREDIT", tags: ["CUSTOMS"],
    amountWan: [20, 500], termMonths: [3, 12], rateBps: [350, 620], methods: ["INTEREST_ONLY_BULLET"],
    guarantees: ["CREDIT"], minCreditGrade: "B", minTaxGrade: "B", minYears: 2,
    materials: ["营业执照", "海关进出口报关数据", "海关信用认证（如有）"],
    description: "依据企业进出口和海关信用记录授信，用于支付关税和货款。",
  },
  {
    suffix: "MTG", nameZh: "房产抵押经营贷", nameEn: "Property-backed business loan", type: "MORTGAGE", tags: ["SUPPLY_CHAIN"],
    amountWan: [50, 3000], termMonths: [12, 120], rateBps: [330, 550], methods: ["EQUAL_INSTALMENT", "EQUAL_PRINCIPAL"],
    guarantees: ["MORTGAGE"], minCreditGrade: "C", minTaxGrade: null, minYears: 1,
    materials: ["营业执照", "不动产权证书", "经营流水"],
    description: "以企业或实际控制人房产抵押，额度高、期限长。",
  },
  {
    suffix: "GUA", nameZh: "担保增信贷", nameEn: "Guarantee-company loan", type: "GUARANTEE", tags: ["FIRST_LOAN"],
    amountWan: [10, 500], termMonths: [6, 24], rateBps: [380, 680], methods: ["EQUAL_INSTALMENT", "INTEREST_ONLY_BULLET"],
    guarantees: ["GUARANTEE_COMPANY", "GUARANTOR"], minCreditGrade: "C", minTaxGrade: null, minYears: 0,
    materials: ["营业执照", "担保公司担保函", "近六个月银行流水"],
    description: "由政府性融资担保机构提供担保，支持首贷户。",
  },
  {
    suffix: "AGR", nameZh: "稻蟹兴农贷", nameEn: "Rice-and-crab farming loan", type: "CREDIT", tags: ["AGRI", "FIRST_LOAN"],
    amountWan: [5, 200], termMonths: [6, 24], rateBps: [340, 600], methods: ["INTEREST_ONLY_BULLET", "EQUAL_INSTALMENT"],
    guarantees: ["CREDIT", "GUARANTOR"], minCreditGrade: "C", minTaxGrade: null, minYears: 1,
    industries: ["A01", "A04", "C13"],
    materials: ["营业执照", "土地承包或流转合同", "养殖或种植规模证明"],
    description: "服务盘锦稻蟹种养和农副产品加工主体，按季节放款。",
  },
];

/** "中国工商银行盘锦分行" → "工商银行": the prefix of a bank's product names (Bank of China keeps its name). */
export function shortBankName(nameZh: string): string {
  return nameZh
    .replace(/(中国|股份有限公司)/g, "")
    .replace(/(盘锦(市)?|辽宁省)分行$/, "")
    .replace(/农村商业银行$/, "农商行")
    .replace(/^银行$/, "中国银行");
}

export type GeneratedProduct = {
  code: string;
  nameZh: string;
  nameEn: string;
  type: Template["type"];
  scenarioTags: string[];
  description: string;
  minAmountFen: bigint;
  maxAmountFen: bigint;
  minTermMonths: number;
  maxTermMonths: number;
  minRateBps: number;
  maxRateBps: number;
  repaymentMethods: Template["methods"];
  guaranteeTypes: Template["guarantees"];
  eligibleRegionCodes: string[];
  eligibleIndustryCodes: string[];
  eligibleSizes: ("MICRO" | "SMALL" | "MEDIUM" | "LARGE")[];
  minCreditGrade: string | null;
  minTaxGrade: string | null;
  minYearsInOperation: number;
  redListRateDiscountBps: number;
  redListLimitUpliftBps: number;
  requiredMaterials: string[];
  responseDeadlineWorkingDays: number;
};

/** Four or five products per bank, varied around the templates. */
export function generateProducts(rng: Random, bankCode: string, bankShortName: string): GeneratedProduct[] {
  const count = rng.int(4, 5);
  return rng.sample(TEMPLATES, count).map((tpl) => {
    const spread = rng.int(-30, 30);
    const allRegions = rng.next() < 0.8;
    return {
      code: `${bankCode}-${tpl.suffix}`,
      nameZh: `${bankShortName}${tpl.nameZh}`,
      nameEn: `${tpl.nameEn} (${bankCode})`,
      type: tpl.type,
      scenarioTags: tpl.tags,
      description: tpl.description,
      minAmountFen: BigInt(tpl.amountWan[0]) * 1_000_000n,
      maxAmountFen: BigInt(tpl.amountWan[1]) * 1_000_000n,
      minTermMonths: tpl.termMonths[0],
      maxTermMonths: tpl.termMonths[1],
      minRateBps: tpl.rateBps[0] + spread,
      maxRateBps: tpl.rateBps[1] + spread,
      repaymentMethods: tpl.methods,
      guaranteeTypes: tpl.guarantees,
      eligibleRegionCodes: allRegions ? [] : rng.sample(REGIONS.filter((r) => r.code !== "211100").map((r) => r.code), 2),
      eligibleIndustryCodes: tpl.industries ?? (rng.next() < 0.2 ? rng.sample(INDUSTRIES.map((i) => i.code), 8) : []),
      eligibleSizes: rng.next() < 0.7 ? ["MICRO", "SMALL", "MEDIUM"] : ["MICRO", "SMALL"],
      minCreditGrade: tpl.minCreditGrade,
      minTaxGrade: tpl.minTaxGrade,
      minYearsInOperation: tpl.minYears,
      redListRateDiscountBps: rng.pick([0, 10, 20, 30]),
      redListLimitUpliftBps: rng.pick([0, 1000, 2000]),
      requiredMaterials: tpl.materials,
      responseDeadlineWorkingDays: rng.pick([3, 5, 7]),
    };
  });
}

/**
 * Products still in the workflow, for the first bank: one waiting for the
 * finance office's review and one draft, so both queues have something in them.
 */
export function workflowProducts(bankCode: string, bankShortName: string): (GeneratedProduct & { status: "DRAFT" | "UNDER_REVIEW" })[] {
  const base = {
    type: "CREDIT" as const,
    minTermMonths: 6,
    maxTermMonths: 36,
    repaymentMethods: ["EQUAL_INSTALMENT", "EQUAL_PRINCIPAL"] as Template["methods"],
    guaranteeTypes: ["CREDIT", "GUARANTOR"] as Template["guarantees"],
    eligibleRegionCodes: [],
    eligibleIndustryCodes: [],
    eligibleSizes: ["MICRO", "SMALL", "MEDIUM"] as GeneratedProduct["eligibleSizes"],
    minTaxGrade: null,
    redListRateDiscountBps: 20,
    redListLimitUpliftBps: 1000,
    responseDeadlineWorkingDays: 5,
  };
  return [
    {
      ...base,
      status: "UNDER_REVIEW",
      code: `${bankCode}-GRN`,
      nameZh: `${bankShortName}绿色转型贷`,
      nameEn: `Green transition loan (${bankCode})`,
      scenarioTags: ["GREEN", "TECH"],
      description: "支持企业节能改造、清洁能源和碳减排项目，利率随减排成效下调。",
      minAmountFen: 50_000_000n,
      maxAmountFen: 1_000_000_000n,
      minRateBps: 330,
      maxRateBps: 520,
      minCreditGrade: "B-",
      minYearsInOperation: 2,
      requiredMaterials: ["营业执照", "项目节能评估报告", "近一年财务报表"],
    },
    {
      ...base,
      status: "DRAFT",
      code: `${bankCode}-SCF`,
      nameZh: `${bankShortName}订单融资贷`,
      nameEn: `Purchase-order loan (${bankCode})`,
      scenarioTags: ["SUPPLY_CHAIN"],
      description: "凭核心企业订单放款，回款自动还款。",
      minAmountFen: 10_000_000n,
      maxAmountFen: 300_000_000n,
      minRateBps: 380,
      maxRateBps: 600,
      minCreditGrade: "C",
      minYearsInOperation: 1,
      requiredMaterials: ["营业执照", "采购订单或合同"],
    },
  ];
}

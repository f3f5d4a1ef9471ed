/**
 * Industry classification (GB/T 4754-2017): section letter plus two-digit division.
 * The divisions listed are those in use on this platform; the format rule accepts any.
 */
export type Industry = { code: string; nameZh: string; nameEn: string };

export const INDUSTRY_CODE_PATTERN = /^[A-T]\d{2}$/;

export const INDUSTRIES: readonly Industry[] = [
  { code: "A01", nameZh: "农业", nameEn: "Agriculture" },
  { code: "A04", nameZh: "渔业", nameEn: "Fishery" },
  { code: "B07", nameZh: "石油和天然气开采业", nameEn: "Oil and gas extraction" },
  { code: "C13", nameZh: "农副食品加工业", nameEn: "Agricultural food processing" },
  { code: "C14", nameZh: "食品制造业", nameEn: "Food manufacturing" },
  { code: "C17", nameZh: "纺织业", nameEn: "Textiles" },
  { code: "C25", nameZh: "石油、煤炭及其他燃料加工业", nameEn: "Petroleum and fuel processing" },
  { code: "C26", nameZh: "化学原料和化学制品制造业", nameEn: "Chemical products" },
  { code: "C29", nameZh: "橡胶和塑料制品业", nameEn: "Rubber and plastics" },
  { code: "C33", nameZh: "金属制品业", nameEn: "Metal products" },
  { code: "C34", nameZh: "通用设备制造业", nameEn: "General-purpose machinery" },
  { code: "C35", nameZh: "专用设备制造业", nameEn: "Special-purpose machinery" },
  { code: "C38", nameZh: "电气机械和器材制造业", nameEn: "Electrical equipment" },
  { code: "C39", nameZh: "计算机、通信和其他电子设备制造业", nameEn: "Computers and electronics" },
  { code: "D44", nameZh: "电力、热力生产和供应业", nameEn: "Power and heat supply" },
  { code: "E47", nameZh: "房屋建筑业", nameEn: "Building construction" },
  { code: "E48", nameZh: "土木工程建筑业", nameEn: "Civil engineering" },
  { code: "F51", nameZh: "批发业", nameEn: "Wholesale" },
  { code: "F52", nameZh: "零售业", nameEn: "Retail" },
  { code: "G54", nameZh: "道路运输业", nameEn: "Road transport" },
  { code: "G59", nameZh: "装卸搬运和仓储业", nameEn: "Warehousing and handling" },
  { code: "H61", nameZh: "住宿业", nameEn: "Accommodation" },
  { code: "H62", nameZh: "餐饮业", nameEn: "Catering" },
  { code: "I65", nameZh: "软件和信息技术服务业", nameEn: "Software and IT services" },
  { code: "L72", nameZh: "商务服务业", nameEn: "Business services" },
  { code: "M75", nameZh: "科技推广和应用服务业", nameEn: "Technology services" },
  { code: "N77", nameZh: "生态保护和环境治理业", nameEn: "Environmental services" },
  { code: "O80", nameZh: "居民服务业", nameEn: "Household services" },
];

export function industryName(code: string, locale: string): string {
  const industry = INDUSTRIES.find((i) => i.code === code);
  if (!industry) return code;
  return locale.startsWith("zh") ? industry.nameZh : industry.nameEn;
}

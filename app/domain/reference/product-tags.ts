/**
 * The scenario tags a product may carry (PRODUCT.md §3.4): a controlled list,
 * so the supermarket's facet groups products the same way for every bank.
 * Codes are stored; names are shown and searched.
 */
export type ScenarioTag = { code: string; nameZh: string; nameEn: string };

export const SCENARIO_TAGS = [
  { code: "TAX", nameZh: "税易贷", nameEn: "Tax-based" },
  { code: "GOV_PROCUREMENT", nameZh: "政采贷", nameEn: "Government procurement" },
  { code: "IP_PLEDGE", nameZh: "知识产权质押", nameEn: "IP pledge" },
  { code: "CUSTOMS", nameZh: "关税贷", nameEn: "Customs" },
  { code: "TECH", nameZh: "科技创新", nameEn: "Technology" },
  { code: "SUPPLY_CHAIN", nameZh: "供应链", nameEn: "Supply chain" },
  { code: "FIRST_LOAN", nameZh: "首贷", nameEn: "First loan" },
  { code: "AGRI", nameZh: "涉农", nameEn: "Agriculture" },
  { code: "GREEN", nameZh: "绿色金融", nameEn: "Green finance" },
] as const satisfies readonly ScenarioTag[];

export type ScenarioTagCode = (typeof SCENARIO_TAGS)[number]["code"];
export const SCENARIO_TAG_CODES = SCENARIO_TAGS.map((t) => t.code) as [ScenarioTagCode, ...ScenarioTagCode[]];

export function scenarioTagName(code: string, locale: string): string {
  const tag = SCENARIO_TAGS.find((t) => t.code === code);
  if (!tag) return code;
  return locale.startsWith("zh") ? tag.nameZh : tag.nameEn;
}

/**
 * Administrative divisions (GB/T 2260) of the prefecture this installation serves:
 * 盘锦市, Liaoning. Other installations replace this table.
 */
export type Region = { code: string; nameZh: string; nameEn: string };

export const PREFECTURE: Region = { code: "211100", nameZh: "盘锦市", nameEn: "Panjin" };

export const REGIONS: readonly Region[] = [
  PREFECTURE,
  { code: "211102", nameZh: "双台子区", nameEn: "Shuangtaizi District" },
  { code: "211103", nameZh: "兴隆台区", nameEn: "Xinglongtai District" },
  { code: "211104", nameZh: "大洼区", nameEn: "Dawa District" },
  { code: "211122", nameZh: "盘山县", nameEn: "Panshan County" },
];

export const REGION_CODES = REGIONS.map((r) => r.code) as [string, ...string[]];

export function regionName(code: string, locale: string): string {
  const region = REGIONS.find((r) => r.code === code);
  if (!region) return code;
  return locale.startsWith("zh") ? region.nameZh : region.nameEn;
}

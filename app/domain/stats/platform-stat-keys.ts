/** The public headline figures, in display order (shared by the browser and the server). */
export const PLATFORM_STAT_KEYS = ["banks", "listedProducts", "enterprises", "needsPosted", "amountFinancedFen"] as const;
export type PlatformStatKey = (typeof PLATFORM_STAT_KEYS)[number];

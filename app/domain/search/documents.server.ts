import type { Db } from "~/db.server";
import { industryName } from "~/domain/reference/industries";
import { scenarioTagName } from "~/domain/reference/product-tags";
import type { IndexName } from "../../../search/indexes";
import type { SearchDocument } from "./search-index";
import { PRODUCT_TERMS_SELECT } from "~/domain/products/product-data";

/**
 * What each index holds, built from the database's current state. Only what a
 * searcher may see goes in: listed products, open needs (without personal data).
 * Money stays in 分 and rates in bps, as numbers (safe integers).
 */

const PRODUCT_SELECT = {
  id: true,
  nameZh: true,
  type: true,
  scenarioTags: true,
  description: true,
  ...PRODUCT_TERMS_SELECT,
  guaranteeTypes: true,
  eligibleRegionCodes: true,
  fundId: true,
  status: true,
  listedAt: true,
  institution: { select: { id: true, nameZh: true, status: true } },
} as const;

type ProductRow = {
  id: string;
  nameZh: string;
  type: string;
  scenarioTags: string[];
  description: string;
  minAmountFen: bigint;
  maxAmountFen: bigint;
  minTermMonths: number;
  maxTermMonths: number;
  minRateBps: number;
  maxRateBps: number;
  repaymentMethods: string[];
  guaranteeTypes: string[];
  eligibleRegionCodes: string[];
  fundId: string | null;
  status: string;
  listedAt: Date | null;
  institution: { id: string; nameZh: string; status: string };
};

export function productDocument(p: ProductRow): SearchDocument {
  return {
    id: p.id,
    name: p.nameZh,
    bankName: p.institution.nameZh,
    bankId: p.institution.id,
    scenarioTags: p.scenarioTags,
    // Tags are stored as codes (the facet); their Chinese names are what people type.
    tagNames: p.scenarioTags.map((c) => scenarioTagName(c, "zh-CN")),
    description: p.description,
    type: p.type,
    guaranteeTypes: p.guaranteeTypes,
    // An empty eligibility list means "anywhere"; the facet shows it as such.
    regionCodes: p.eligibleRegionCodes.length > 0 ? p.eligibleRegionCodes : ["ANY"],
    repaymentMethods: p.repaymentMethods,
    fundEnrolled: p.fundId ? "yes" : "no",
    minAmountFen: Number(p.minAmountFen),
    maxAmountFen: Number(p.maxAmountFen),
    minTermMonths: p.minTermMonths,
    maxTermMonths: p.maxTermMonths,
    minRateBps: p.minRateBps,
    maxRateBps: p.maxRateBps,
    listedAt: p.listedAt ? Math.floor(p.listedAt.getTime() / 1000) : 0,
  };
}

/** A listed product of an active bank is searchable; anything else is removed from the index. */
function productSearchable(p: ProductRow): boolean {
  return p.status === "LISTED" && p.institution.status === "ACTIVE";
}

type NeedRow = {
  id: string;
  amountFen: bigint;
  termMonths: number;
  purpose: string;
  maxRateBps: number;
  guaranteeTypes: string[];
  urgency: string;
  status: string;
  expiresOn: Date;
  createdAt: Date;
  enterprise: { name: string; regionCode: string; industryCode: string; size: string };
};

const NEED_SELECT = {
  id: true,
  amountFen: true,
  termMonths: true,
  purpose: true,
  maxRateBps: true,
  guaranteeTypes: true,
  urgency: true,
  status: true,
  expiresOn: true,
  createdAt: true,
  enterprise: { select: { name: true, regionCode: true, industryCode: true, size: true } },
} as const;

export function needDocument(n: NeedRow): SearchDocument {
  return {
    id: n.id,
    purpose: n.purpose,
    enterpriseName: n.enterprise.name,
    industryName: industryName(n.enterprise.industryCode, "zh-CN"),
    regionCode: n.enterprise.regionCode,
    industryCode: n.enterprise.industryCode,
    size: n.enterprise.size,
    guaranteeTypes: n.guaranteeTypes,
    urgency: n.urgency,
    status: n.status,
    amountFen: Number(n.amountFen),
    termMonths: n.termMonths,
    maxRateBps: n.maxRateBps,
    postedAt: Math.floor(n.createdAt.getTime() / 1000),
    expiresAt: Math.floor(n.expiresOn.getTime() / 1000),
  };
}

function needSearchable(n: NeedRow): boolean {
  return n.status === "OPEN" || n.status === "IN_PROGRESS";
}

/**
 * The current documents for some ids: those to upsert, and the ids to remove
 * (gone, delisted, closed). Reading the current state — not the event's
 * payload — is what makes replaying an outbox event harmless.
 */
export async function currentDocuments(db: Db, index: IndexName, ids: readonly string[]): Promise<{ upsert: SearchDocument[]; remove: string[] }> {
  const wanted = [...new Set(ids)];
  if (index === "products") {
    const rows = (await db.product.findMany({ where: { id: { in: wanted } }, select: PRODUCT_SELECT })) as ProductRow[];
    const upsert = rows.filter(productSearchable).map(productDocument);
    const keep = new Set(upsert.map((d) => d.id));
    return { upsert, remove: wanted.filter((id) => !keep.has(id)) };
  }
  const rows = (await db.financingNeed.findMany({ where: { id: { in: wanted } }, select: NEED_SELECT })) as NeedRow[];
  const upsert = rows.filter(needSearchable).map(needDocument);
  const keep = new Set(upsert.map((d) => d.id));
  return { upsert, remove: wanted.filter((id) => !keep.has(id)) };
}

/** Every searchable id of an index, in pages, for a rebuild. */
export async function* searchableIds(db: Db, index: IndexName, pageSize = 1_000): AsyncGenerator<string[]> {
  let cursor: string | undefined;
  for (;;) {
    const rows =
      index === "products"
        ? await db.product.findMany({
            where: { status: "LISTED", institution: { status: "ACTIVE" } },
            orderBy: { id: "asc" },
            take: pageSize,
            ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
            select: { id: true },
          })
        : await db.financingNeed.findMany({
            where: { status: { in: ["OPEN", "IN_PROGRESS"] } },
            orderBy: { id: "asc" },
            take: pageSize,
            ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
            select: { id: true },
          });
    if (rows.length === 0) return;
    yield rows.map((r) => r.id);
    cursor = rows[rows.length - 1]!.id;
  }
}

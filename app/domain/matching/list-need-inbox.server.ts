import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { REPORT_SCOPE } from "~/domain/consent/open-credit-report.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { DomainError } from "~/domain/errors";
import { Prisma } from "~/generated/prisma/client";
import { INBOX_EXPORT_LIMIT, type InboxQuery } from "~/schemas/matching";
import { formatCalendarDate } from "~/i18n/format";

/** Best match first; or the newest need; or the need that expires soonest. Ties fall back to the match, then the id. */
const ORDER = {
  score: Prisma.sql`m.score DESC, n."createdAt" ASC, n.id`,
  newest: Prisma.sql`n."createdAt" DESC, m.score DESC, n.id`,
  expiring: Prisma.sql`n."expiresOn" ASC, m.score DESC, n.id`,
} as const;

type InboxRow = {
  needId: string;
  productId: string;
  productNameZh: string;
  productNameEn: string | null;
  score: number;
  rank: number;
  expectedRateBps: number;
  matchedAt: Date;
  amountFen: bigint;
  termMonths: number;
  purpose: string;
  maxRateBps: number;
  urgency: string;
  expiresOn: Date;
  status: string;
  createdAt: Date;
  enterpriseId: string;
  enterpriseName: string;
  regionCode: string;
  industryCode: string;
  size: string;
  grade: string | null;
  claimedAt: Date | null;
  authorised: boolean;
};

/**
 * A bank's ranked inbox (PRODUCT.md §3.5): the open needs its products match,
 * best match first, each with the bank's best product for it, the score, and
 * the enterprise's credit grade. The grade is what the SME's posting shows
 * every bank; the credit report behind it opens only under a live
 * authorisation, which the row says. Scoped to the caller's bank by the query.
 */
export async function listNeedInbox(options: { actor: Actor; query: InboxQuery; exportAll?: boolean }) {
  const { actor, query } = options;
  // A CSV export takes the filtered list from its start, up to a bound; a page takes its page.
  const limit = options.exportAll ? INBOX_EXPORT_LIMIT : query.pageSize;
  const offset = options.exportAll ? 0 : (query.page - 1) * query.pageSize;
  assertCan(actor, "read:need-inbox:institution");
  const bank = actor.institution;
  if (!bank || bank.kind !== "BANK") throw new DomainError("forbidden", { status: 403 });
  const today = platformToday();
  const conditions: Prisma.Sql[] = [
    Prisma.sql`m."institutionId" = ${bank.id}::uuid`,
    Prisma.sql`m."bankBest"`,
    Prisma.sql`n.status IN ('OPEN', 'IN_PROGRESS')`,
    Prisma.sql`n."expiresOn" >= ${today}::date`,
  ];
  if (query.product) conditions.push(Prisma.sql`m."productId" = ${query.product}::uuid`);
  const claimed = Prisma.sql`EXISTS (SELECT 1 FROM need_claims c WHERE c."needId" = n.id AND c."institutionId" = ${bank.id}::uuid)`;
  if (query.claimed === "claimed") conditions.push(claimed);
  if (query.claimed === "unclaimed") conditions.push(Prisma.sql`NOT ${claimed}`);
  const where = Prisma.join(conditions, " AND ");

  const [rows, counted, products] = await Promise.all([
    prisma.$queryRaw<InboxRow[]>`
      SELECT m."needId"::text AS "needId", m."productId"::text AS "productId", p."nameZh" AS "productNameZh", p."nameEn" AS "productNameEn",
             m.score, m.rank, m."expectedRateBps", r."rankedAt" AS "matchedAt",
             n."amountFen", n."termMonths", n.purpose, n."maxRateBps", n.urgency::text AS urgency, n."expiresOn", n.status::text AS status, n."createdAt",
             e.id::text AS "enterpriseId", e.name AS "enterpriseName", e."regionCode", e."industryCode", e.size::text AS size, v.grade,
             (SELECT c.at FROM need_claims c WHERE c."needId" = n.id AND c."institutionId" = ${bank.id}::uuid) AS "claimedAt",
             EXISTS (SELECT 1 FROM authorisations a
                      WHERE a."enterpriseId" = e.id AND a."institutionId" = ${bank.id}::uuid AND a."revokedAt" IS NULL AND a."expiresAt" > now()
                        AND ${REPORT_SCOPE}::text = ANY(a.scopes)) AS authorised
        FROM matches m
        JOIN financing_needs n ON n.id = m."needId"
        JOIN need_rankings r ON r."needId" = m."needId"
        JOIN enterprises e ON e.id = n."enterpriseId"
        LEFT JOIN credit_evaluations v ON v.id = e."currentEvaluationId"
        JOIN products p ON p.id = m."productId"
       WHERE ${where}
       ORDER BY ${ORDER[query.sort]}
       LIMIT ${limit} OFFSET ${offset}`,
    prisma.$queryRaw<{ total: number }[]>`
      SELECT count(*)::int AS total FROM matches m JOIN financing_needs n ON n.id = m."needId" WHERE ${where}`,
    prisma.product.findMany({
      where: { institutionId: bank.id, status: "LISTED" },
      orderBy: { nameZh: "asc" },
      take: 200,
      select: { id: true, nameZh: true, nameEn: true },
    }),
  ]);
  return {
    rows: rows.map((r) => ({
      needId: r.needId,
      product: { id: r.productId, nameZh: r.productNameZh, nameEn: r.productNameEn },
      score: r.score,
      rank: r.rank,
      expectedRateBps: r.expectedRateBps,
      matchedAt: r.matchedAt.toISOString(),
      amountFen: r.amountFen.toString(),
      termMonths: r.termMonths,
      purpose: r.purpose,
      maxRateBps: r.maxRateBps,
      urgency: r.urgency,
      expiresOn: formatCalendarDate(r.expiresOn),
      status: r.status,
      createdAt: r.createdAt.toISOString(),
      enterprise: { id: r.enterpriseId, name: r.enterpriseName, regionCode: r.regionCode, industryCode: r.industryCode, size: r.size, grade: r.grade },
      claimedAt: r.claimedAt?.toISOString() ?? null,
      authorised: r.authorised,
    })),
    total: counted[0]?.total ?? 0,
    page: query.page,
    pageSize: query.pageSize,
    products,
  };
}

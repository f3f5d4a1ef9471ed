import { stringify } from "csv-stringify/sync";
import type { Route } from "./+types/need-inbox-csv";
import { listNeedInbox } from "~/domain/matching/list-need-inbox.server";
import { industryName } from "~/domain/reference/industries";
import { regionName } from "~/domain/reference/regions";
import { createI18n } from "~/i18n/i18n";
import { formatRateBps } from "~/i18n/format";
import { searchParamsObject } from "~/schemas/fields";
import { InboxQuerySchema } from "~/schemas/matching";
import { localeContext } from "~/web/context";
import { orHttpError, requirePermission } from "~/web/request.server";

/**
 * The bank's inbox as CSV, with the page's filters and order (UTF-8 with BOM
 * so Excel opens the Chinese text). Amounts in 元 with two decimals, rates in %.
 */
export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:need-inbox:institution");
  const query = InboxQuerySchema.parse(searchParamsObject(new URL(request.url).searchParams));
  const inbox = await orHttpError(() => listNeedInbox({ actor, query, exportAll: true }));
  const locale = context.get(localeContext);
  const { t } = createI18n(locale);
  const yuan = (fen: string) => {
    const value = BigInt(fen);
    return `${value / 100n}.${(value % 100n).toString().padStart(2, "0")}`;
  };
  const header = [
    t("inbox.columns.score"),
    t("inbox.csv.amount"),
    t("inbox.csv.term"),
    t("inbox.csv.maxRate"),
    t("needs.purpose"),
    t("inbox.columns.enterprise"),
    t("inbox.csv.region"),
    t("inbox.csv.industry"),
    t("inbox.csv.size"),
    t("inbox.columns.grade"),
    t("inbox.columns.product"),
    t("inbox.columns.expectedRate"),
    t("inbox.columns.expiresOn"),
    t("inbox.claimedFilter"),
  ];
  const rows = inbox.rows.map((r) => [
    String(Math.round(r.score / 10)),
    yuan(r.amountFen),
    String(r.termMonths),
    formatRateBps(r.maxRateBps),
    r.purpose,
    r.enterprise.name,
    regionName(r.enterprise.regionCode, locale),
    industryName(r.enterprise.industryCode, locale),
    t(`sizes.${r.enterprise.size}`),
    r.enterprise.grade ?? "",
    locale === "zh-CN" ? r.product.nameZh : (r.product.nameEn ?? r.product.nameZh),
    formatRateBps(r.expectedRateBps),
    r.expiresOn,
    r.claimedAt ? t("inbox.claimed.claimed") : t("inbox.claimed.unclaimed"),
  ]);
  return new Response("\uFEFF" + stringify([header, ...rows]), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="need-inbox.csv"`,
      "Cache-Control": "no-store",
    },
  });
}

import i18next, { type TFunction } from "i18next";
import type { Route } from "./+types/ledger-export";
import { prisma } from "~/db.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { getLedger } from "~/domain/ledger/ledger.server";
import {
  exportFundTransfers,
  fundAccountBalances,
  LedgerAccountsQuerySchema,
  LedgerTransfersQuerySchema,
  listLedgerFunds,
} from "~/domain/ledger/ledger-views.server";
import { reconcileLedger } from "~/domain/ledger/reconcile.server";
import type { Locale } from "~/i18n/i18n";
import { ledgerEn } from "~/i18n/ledger.en";
import { ledgerZhCN } from "~/i18n/ledger.zh-CN";
import { searchParamsObject } from "~/schemas/fields";
import { localeContext } from "~/web/context";
import { csvResponse, yuan } from "~/web/csv.server";
import { orHttpError, requirePermission } from "~/web/request.server";
import { accountLabel } from "./ledger";
import { serialiseDifference } from "./ledger-reconciliation";
import { transferReason } from "./ledger-transfers";

/**
 * The ledger workspace's three reports as CSV, with the same query parameters
 * as their pages: UTF-8 with a BOM (so Excel reads the Chinese), every amount
 * both in 元 with two decimals and in 分, headers in the user's language.
 */

const REPORTS = ["accounts", "transfers", "reconciliation"] as const;

/** This workspace's own messages, so the export reads the same whichever catalogs the app has merged. */
function translator(locale: Locale): TFunction {
  const instance = i18next.createInstance();
  void instance.init({
    resources: { "zh-CN": { translation: ledgerZhCN }, en: { translation: ledgerEn } },
    lng: locale,
    fallbackLng: "zh-CN",
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  return instance.t;
}

function chinaTime(iso: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: "Asia/Shanghai",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  requirePermission(request, context, "read:ledger:any");
  const report = REPORTS.find((r) => r === params.report);
  if (!report) throw new Response("Not Found", { status: 404 });
  const locale = context.get(localeContext);
  const zh = locale === "zh-CN";
  const t = translator(locale);
  const h = (key: string) => t(`ledgerView.csv.${key}`);
  const money = (key: string) => [t("ledgerView.csv.inYuan", { name: h(key) }), t("ledgerView.csv.inFen", { name: h(key) })];
  const searchParams = searchParamsObject(new URL(request.url).searchParams);
  const ledger = await getLedger();
  const today = platformToday();
  const fundName = (f: { nameZh: string; nameEn: string }) => (zh ? f.nameZh : f.nameEn);

  if (report === "reconciliation") {
    const result = await reconcileLedger(prisma, ledger);
    const ranAt = chinaTime(result.ranAt.toISOString());
    const header = [
      h("ranAt"),
      h("severity"),
      h("kind"),
      h("subjectType"),
      h("subjectId"),
      ...money("ledger"),
      ...money("records"),
      ...money("gap"),
      h("detail"),
      h("since"),
      h("link"),
    ];
    const rows = result.differences
      .map(serialiseDifference)
      .map((d) => [
        ranAt,
        t(`ledgerView.severity.${d.severity}`),
        t(`ledgerView.reconKinds.${d.kind}`),
        t(`ledgerView.subjects.${d.subjectType}`),
        d.subjectId,
        yuan(d.ledgerFen),
        d.ledgerFen ?? "",
        yuan(d.recordsFen),
        d.recordsFen ?? "",
        yuan(d.gapFen),
        d.gapFen ?? "",
        d.detail ?? "",
        d.since ? chinaTime(d.since) : "",
        d.href ?? "",
      ]);
    const title = t("ledgerView.tabs.reconciliation");
    return csvResponse([header, ...rows], `ledger-reconciliation-${today}.csv`, `${t("ledgerView.title")}-${title}-${today}.csv`);
  }

  const funds = await listLedgerFunds(prisma);

  if (report === "accounts") {
    const query = LedgerAccountsQuerySchema.parse(searchParams);
    const fundId = query.fund ?? funds[0]?.id;
    if (!fundId) throw new Response("Not Found", { status: 404 });
    const day = query.day && query.day <= today ? query.day : today;
    const result = await orHttpError(() => fundAccountBalances({ db: prisma, ledger, fundId, day }));
    const header = [
      h("fund"),
      h("day"),
      h("accountId"),
      h("ownerType"),
      h("owner"),
      h("purpose"),
      h("accountCode"),
      ...money("debitsPending"),
      ...money("debitsPosted"),
      ...money("creditsPending"),
      ...money("creditsPosted"),
      ...money("balance"),
    ];
    const rows = result.lines.map((l) => [
      fundName(result.fund),
      day,
      l.account.accountId,
      l.account.owner.type,
      accountLabel(t, l.account, l.account.accountId, zh),
      t(`ledgerView.purposes.${l.account.purpose}`, { defaultValue: l.account.purpose }),
      String(l.account.code),
      yuan(l.debitsPendingFen),
      l.debitsPendingFen,
      yuan(l.debitsPostedFen),
      l.debitsPostedFen,
      yuan(l.creditsPendingFen),
      l.creditsPendingFen,
      yuan(l.creditsPostedFen),
      l.creditsPostedFen,
      yuan(l.balanceFen),
      l.balanceFen,
    ]);
    return csvResponse(
      [header, ...rows],
      `ledger-accounts-${result.fund.id.slice(0, 8)}-${day}.csv`,
      `${t("ledgerView.title")}-${t("ledgerView.tabs.accounts")}-${fundName(result.fund)}-${day}.csv`,
    );
  }

  const query = LedgerTransfersQuerySchema.parse(searchParams);
  const fund = funds.find((f) => f.id === (query.fund ?? funds[0]?.id));
  if (!fund) throw new Response("Not Found", { status: 404 });
  const result = await orHttpError(() =>
    exportFundTransfers({ db: prisma, ledger, fundId: fund.id, includeLoans: query.loans, from: query.from, to: query.to, code: query.code }),
  );
  const header = [
    h("transferId"),
    h("time"),
    h("timestampNs"),
    h("transferCode"),
    h("reason"),
    h("debitAccount"),
    h("debitAccountId"),
    h("creditAccount"),
    h("creditAccountId"),
    ...money("amount"),
    h("status"),
    h("valueDate"),
    h("businessType"),
    h("businessId"),
    h("link"),
  ];
  const rows = result.rows.map((r) => [
    r.id,
    chinaTime(r.at),
    r.timestampNs,
    String(r.code),
    transferReason(t, r),
    accountLabel(t, r.debit, r.debitAccountId, zh),
    r.debitAccountId,
    accountLabel(t, r.credit, r.creditAccountId, zh),
    r.creditAccountId,
    yuan(r.amountFen),
    r.amountFen,
    r.kind === "pending"
      ? `${t(`ledgerView.status.${r.status}`)} (${t(`ledgerView.resolution.${r.resolution ?? "open"}`)})`
      : t(`ledgerView.status.${r.status}`),
    r.valueDate ?? "",
    r.business ? t(`ledgerView.business.${r.business.type}`, { defaultValue: r.business.type }) : "",
    r.business?.id ?? "",
    r.business?.href ?? "",
  ]);
  const period = `${query.from ?? ""}_${query.to ?? today}`;
  return csvResponse(
    [header, ...rows],
    `ledger-transfers-${fund.id.slice(0, 8)}-${period}.csv`,
    `${t("ledgerView.title")}-${t("ledgerView.tabs.transfers")}-${fundName(fund)}-${period}.csv`,
  );
}

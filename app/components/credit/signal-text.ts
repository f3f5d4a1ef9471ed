import type { TFunction } from "i18next";
import { formatMoneyFen } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";

/** The stored fact as the browser receives it (money as a decimal string). */
export type SignalView = {
  kind: string;
  naturalKey: string;
  period: string | null;
  grade: string | null;
  amountFen: string | null;
  count: number | null;
  severity: string | null;
  startsOn: string | null;
  endsOn: string | null;
  kept: boolean | null;
  repaired: boolean;
  details: Record<string, string | number>;
};

/** One line, in the reader's language, saying what a credit record states. */
export function describeSignal(t: TFunction, locale: Locale, s: SignalView): string {
  const money = (fen: string | null) => formatMoneyFen(fen ?? "0", locale);
  const d = s.details;
  switch (s.kind) {
    case "TAX_GRADE":
      return t("signalValues.TAX_GRADE", { year: s.period ?? s.naturalKey, grade: s.grade });
    case "TAX_PAID":
      return t("signalValues.TAX_PAID", { period: s.period, amount: money(s.amountFen) });
    case "INVOICED_SALES":
      return s.count === null
        ? t("signalValues.INVOICED_SALES", { period: s.period, amount: money(s.amountFen) })
        : t("signalValues.INVOICED_SALES_COUNT", { period: s.period, amount: money(s.amountFen), count: s.count });
    case "SOCIAL_INSURANCE":
      return t("signalValues.SOCIAL_INSURANCE", { period: s.period, count: s.count, amount: money(s.amountFen) });
    case "PROVIDENT_FUND":
      return t("signalValues.PROVIDENT_FUND", { period: s.period, count: s.count, amount: money(s.amountFen) });
    case "UTILITY_PAYMENT":
      return t("signalValues.UTILITY_PAYMENT", {
        period: s.period,
        utility: t(`signalValues.utility.${String(d.utility)}`),
        due: s.count,
        onTime: d.billsOnTime,
      });
    case "DISHONEST_DEBTOR":
      return t("signalValues.DISHONEST_DEBTOR", {
        caseNo: s.naturalKey,
        court: d.court,
        startsOn: s.startsOn,
        ends: s.endsOn ? t("signalValues.removedOn", { date: s.endsOn }) : t("signalValues.stillListed"),
      });
    case "ADMIN_PENALTY":
      return (
        t("signalValues.ADMIN_PENALTY", {
          decisionNo: s.naturalKey,
          authority: d.authority,
          severity: t(`signalValues.severity.${s.severity}`),
          decidedOn: s.startsOn,
        }) + (s.amountFen ? t("signalValues.fine", { amount: money(s.amountFen) }) : "")
      );
    case "RED_LIST":
      return t("signalValues.RED_LIST", {
        listType: t(`signalValues.redList.${s.grade}`),
        reference: s.naturalKey.slice(s.naturalKey.indexOf(":") + 1),
        startsOn: s.startsOn,
        until: s.endsOn ? t("signalValues.until", { date: s.endsOn }) : "",
      });
    case "CREDIT_COMMITMENT":
      return t("signalValues.CREDIT_COMMITMENT", {
        reference: s.naturalKey,
        matter: d.matter,
        status: t(`signalValues.commitment.${s.kept === true ? "KEPT" : s.kept === false ? "BROKEN" : "PENDING"}`),
      });
    default:
      return s.naturalKey;
  }
}

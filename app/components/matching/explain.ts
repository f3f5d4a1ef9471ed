import type { TFunction } from "i18next";
import type { Change, RuleFailure } from "~/domain/matching/rules";
import type { FitReason } from "~/domain/matching/score";
import type { Locale } from "~/i18n/i18n";
import { formatMoneyFen, formatRateBps } from "~/i18n/format";

/**
 * The words for what the pure matching module decided: reasons a product
 * fits, rules a product fails, and the change that would make it fit. The
 * module returns codes and numbers; this turns them into a sentence in the
 * reader's language, with money and rates formatted as everywhere else.
 */

const num = (v: unknown) => (typeof v === "number" ? v : Number(v));
const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : []);

function gradeText(grade: unknown, t: TFunction): string {
  return typeof grade === "string" ? grade : t("matching.noGrade");
}

function guarantees(types: unknown, t: TFunction, locale: Locale): string {
  return list(types)
    .map((g) => t(`guaranteeTypes.${g}`))
    .join(locale === "zh-CN" ? "、" : ", ");
}

export function describeReason(reason: FitReason, t: TFunction, locale: Locale): string {
  const p = reason.params;
  switch (reason.code) {
    case "AMOUNT_FITS":
      return t("matching.reasons.AMOUNT_FITS", { amount: formatMoneyFen(num(p.amountFen), locale), min: formatMoneyFen(num(p.minFen), locale), max: formatMoneyFen(num(p.maxFen), locale) });
    case "TERM_FITS":
      return t("matching.reasons.TERM_FITS", { months: p.termMonths, min: p.minTermMonths, max: p.maxTermMonths });
    case "GUARANTEE_FITS":
      return t("matching.reasons.GUARANTEE_FITS", { types: guarantees(p.types, t, locale) });
    case "CREDIT_GRADE_FITS":
    case "TAX_GRADE_FITS":
      return t(`matching.reasons.${reason.code}`, { grade: gradeText(p.grade, t), minGrade: p.minGrade });
    case "NO_GRADE_REQUIRED":
    case "FUND_ENROLLED":
    case "BANK_NO_RECORD":
      return t(`matching.reasons.${reason.code}`);
    case "EXPECTED_RATE": {
      const above = num(p.expectedRateBps) > num(p.maxRateBps);
      return t(above ? "matching.reasons.EXPECTED_RATE_ABOVE" : "matching.reasons.EXPECTED_RATE", {
        rate: formatRateBps(num(p.expectedRateBps)),
        ceiling: formatRateBps(num(p.maxRateBps)),
        best: formatRateBps(num(p.bestRateBps)),
      });
    }
    case "RED_LIST_DISCOUNT":
      return t("matching.reasons.RED_LIST_DISCOUNT", { discount: formatRateBps(num(p.discountBps)) });
    case "RED_LIST_UPLIFT":
      return t("matching.reasons.RED_LIST_UPLIFT", { uplift: `${num(p.upliftBps) / 100}%` });
    case "BANK_RECORD": {
      const share = `${Math.round(num(p.onTimeBps) / 100)}%`;
      return p.medianHours === null
        ? t("matching.reasons.BANK_RECORD", { share, count: p.decided })
        : t("matching.reasons.BANK_RECORD_MEDIAN", { share, count: p.decided, hours: p.medianHours });
    }
  }
}

export function describeFailure(failure: RuleFailure, t: TFunction, locale: Locale): string {
  const p = failure.params;
  switch (failure.rule) {
    case "AMOUNT_BELOW_MIN":
      return t("matching.rules.AMOUNT_BELOW_MIN", { min: formatMoneyFen(num(p.minFen), locale) });
    case "AMOUNT_ABOVE_MAX":
      return t("matching.rules.AMOUNT_ABOVE_MAX", { max: formatMoneyFen(num(p.maxFen), locale) });
    case "TERM_BELOW_MIN":
      return t("matching.rules.TERM_BELOW_MIN", { months: p.minTermMonths });
    case "TERM_ABOVE_MAX":
      return t("matching.rules.TERM_ABOVE_MAX", { months: p.maxTermMonths });
    case "RATE_CEILING_TOO_LOW":
      return t("matching.rules.RATE_CEILING_TOO_LOW", { rate: formatRateBps(num(p.offerBps)) });
    case "GUARANTEE_INCOMPATIBLE":
      return t("matching.rules.GUARANTEE_INCOMPATIBLE", { types: guarantees(p.accepted, t, locale) });
    case "CREDIT_GRADE_TOO_LOW":
    case "TAX_GRADE_TOO_LOW":
      return t(`matching.rules.${failure.rule}`, { grade: gradeText(p.grade, t), minGrade: p.minGrade });
    case "TOO_FEW_YEARS":
      return t("matching.rules.TOO_FEW_YEARS", { years: p.years, minYears: p.minYears });
    default:
      return t(`matching.rules.${failure.rule}`);
  }
}

export function describeChange(change: Change, t: TFunction, locale: Locale): string {
  switch (change.kind) {
    case "clearExclusion":
      return t("matching.changes.clearExclusion");
    case "amount":
      return t("matching.changes.amount", { amount: formatMoneyFen(change.amountFen, locale) });
    case "term":
      return t("matching.changes.term", { months: change.termMonths });
    case "maxRate":
      return t("matching.changes.maxRate", { rate: formatRateBps(change.maxRateBps) });
    case "addGuarantee":
      return t("matching.changes.addGuarantee", { type: t(`guaranteeTypes.${change.guaranteeType}`) });
    case "creditGrade":
      return t("matching.changes.creditGrade", { grade: change.grade });
    case "taxGrade":
      return t("matching.changes.taxGrade", { grade: change.grade });
    case "yearsInOperation":
      return t("matching.changes.yearsInOperation", { years: change.years, date: change.reachedOn });
  }
}

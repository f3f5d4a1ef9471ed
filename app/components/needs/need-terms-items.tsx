import { Tag, type DescriptionsProps } from "antd";
import type { TFunction } from "i18next";
import { formatDateTime, formatRateBps } from "~/i18n/format";
import { NeedAmount } from "./NeedAmount";
import { NeedStatusTag, UrgencyTag } from "./NeedStatusTag";

type NeedTerms = {
  purpose: string;
  status: string;
  amountFen: string;
  termMonths: number;
  maxRateBps: number;
  guaranteeTypes: string[];
  urgency: string;
  expiresOn: string;
  createdAt: string;
};

type Items = NonNullable<DescriptionsProps["items"]>;

/** A need's purpose, as the first, full-width row of its description. */
export function needPurposeItem(need: Pick<NeedTerms, "purpose">, t: TFunction): Items[number] {
  return {
    key: "purpose",
    label: t("needs.purpose"),
    span: 2,
    children: (
      <span style={{ whiteSpace: "pre-wrap" }} data-testid="need-purpose">
        {need.purpose}
      </span>
    ),
  };
}

/** What a need asks for, the same on the SME's page and a bank's. */
export function needTermsItems(need: NeedTerms, t: TFunction): Items {
  return [
    { key: "status", label: t("common.status"), children: <NeedStatusTag status={need.status} /> },
    { key: "amount", label: t("needs.amount"), children: <NeedAmount fen={need.amountFen} strong /> },
    { key: "term", label: t("needs.term"), children: t("needs.termValue", { count: need.termMonths }) },
    { key: "maxRate", label: t("needs.maxRate"), children: formatRateBps(need.maxRateBps) },
    {
      key: "guaranteeTypes",
      label: t("needs.guaranteeTypes"),
      children: need.guaranteeTypes.map((g) => <Tag key={g}>{t(`needs.guarantee.${g}`)}</Tag>),
    },
    { key: "urgency", label: t("needs.urgencyLabel"), children: <UrgencyTag urgency={need.urgency} /> },
    { key: "expiresOn", label: t("needs.expiresOn"), children: need.expiresOn },
    { key: "postedAt", label: t("needs.postedAt"), children: formatDateTime(need.createdAt) },
  ];
}

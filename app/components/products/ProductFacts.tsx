import { Descriptions, Space, Tag } from "antd";
import { useTranslation } from "react-i18next";
import { industryName } from "~/domain/reference/industries";
import { scenarioTagName } from "~/domain/reference/product-tags";
import { regionName } from "~/domain/reference/regions";
import type { Locale } from "~/i18n/i18n";
import { formatMoneyFen, formatRateBps } from "~/i18n/format";

export type ProductFactsData = {
  code: string;
  nameZh: string;
  nameEn: string | null;
  type: string;
  scenarioTags: string[];
  description: string;
  minAmountFen: string;
  maxAmountFen: string;
  minTermMonths: number;
  maxTermMonths: number;
  minRateBps: number;
  maxRateBps: number;
  repaymentMethods: string[];
  guaranteeTypes: string[];
  eligibleRegionCodes: string[];
  eligibleIndustryCodes: string[];
  eligibleSizes: string[];
  minCreditGrade: string | null;
  minTaxGrade: string | null;
  minYearsInOperation: number;
  redListRateDiscountBps: number;
  redListLimitUpliftBps: number;
  requiredMaterials: string[];
  responseDeadlineWorkingDays: number;
  institution: { nameZh: string; nameEn: string };
  fund: { nameZh: string; nameEn: string } | null;
};

/** Every field of a product, as an enterprise, a bank or the finance office reads it. */
export function ProductFacts({ product: p }: { product: ProductFactsData }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const tags = (values: string[], label: (v: string) => string) =>
    values.length ? (
      <Space wrap size={[4, 4]}>
        {values.map((v) => (
          <Tag key={v}>{label(v)}</Tag>
        ))}
      </Space>
    ) : null;
  return (
    <Descriptions bordered size="small" column={{ xs: 1, sm: 1, md: 2 }} data-testid="product-facts">
      <Descriptions.Item label={t("product.fields.bank")}>{zh ? p.institution.nameZh : p.institution.nameEn}</Descriptions.Item>
      <Descriptions.Item label={t("product.fields.code")}>{p.code}</Descriptions.Item>
      <Descriptions.Item label={t("product.fields.type")}>{t(`productTypes.${p.type}`)}</Descriptions.Item>
      <Descriptions.Item label={t("product.fields.scenarioTags")}>{tags(p.scenarioTags, (v) => scenarioTagName(v, locale)) ?? t("product.none")}</Descriptions.Item>
      <Descriptions.Item label={t("product.fields.amountRange")}>
        {formatMoneyFen(p.minAmountFen, locale)} – {formatMoneyFen(p.maxAmountFen, locale)}
      </Descriptions.Item>
      <Descriptions.Item label={t("product.fields.termRange")}>{t("product.months", { min: p.minTermMonths, max: p.maxTermMonths })}</Descriptions.Item>
      <Descriptions.Item label={t("product.fields.rateRange")}>
        {formatRateBps(p.minRateBps)} – {formatRateBps(p.maxRateBps)}
      </Descriptions.Item>
      <Descriptions.Item label={t("product.fields.repaymentMethods")}>{tags(p.repaymentMethods, (v) => t(`repaymentMethods.${v}`))}</Descriptions.Item>
      <Descriptions.Item label={t("product.fields.guaranteeTypes")}>{tags(p.guaranteeTypes, (v) => t(`guaranteeTypes.${v}`))}</Descriptions.Item>
      <Descriptions.Item label={t("product.fields.eligibleRegionCodes")}>
        {tags(p.eligibleRegionCodes, (v) => regionName(v, locale)) ?? t("product.anyRegion")}
      </Descriptions.Item>
      <Descriptions.Item label={t("product.fields.eligibleIndustryCodes")}>
        {tags(p.eligibleIndustryCodes, (v) => industryName(v, locale)) ?? t("product.anyIndustry")}
      </Descriptions.Item>
      <Descriptions.Item label={t("product.fields.eligibleSizes")}>{tags(p.eligibleSizes, (v) => t(`sizes.${v}`))}</Descriptions.Item>
      <Descriptions.Item label={t("product.fields.minCreditGrade")}>{p.minCreditGrade ?? t("product.none")}</Descriptions.Item>
      <Descriptions.Item label={t("product.fields.minTaxGrade")}>{p.minTaxGrade ?? t("product.none")}</Descriptions.Item>
      <Descriptions.Item label={t("product.fields.minYearsInOperation")}>
        {p.minYearsInOperation > 0 ? t("product.years", { count: p.minYearsInOperation }) : t("product.none")}
      </Descriptions.Item>
      <Descriptions.Item label={t("product.fields.fundId")}>{p.fund ? (zh ? p.fund.nameZh : p.fund.nameEn) : t("product.noFund")}</Descriptions.Item>
      <Descriptions.Item label={t("supermarket.redListBadge")}>
        {p.redListRateDiscountBps > 0 || p.redListLimitUpliftBps > 0
          ? t("supermarket.redListIncentive", { discount: p.redListRateDiscountBps, uplift: p.redListLimitUpliftBps / 100 })
          : t("supermarket.noIncentive")}
      </Descriptions.Item>
      <Descriptions.Item label={t("product.fields.responseDeadlineWorkingDays")}>
        {t("product.workingDays", { count: p.responseDeadlineWorkingDays })}
      </Descriptions.Item>
      <Descriptions.Item label={t("product.fields.requiredMaterials")} span={{ xs: 1, sm: 1, md: 2 }}>
        {p.requiredMaterials.length ? (
          <ol style={{ margin: 0, paddingInlineStart: 20 }}>
            {p.requiredMaterials.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ol>
        ) : (
          t("product.noMaterials")
        )}
      </Descriptions.Item>
      {p.description && (
        <Descriptions.Item label={t("product.fields.description")} span={{ xs: 1, sm: 1, md: 2 }}>
          {p.description}
        </Descriptions.Item>
      )}
    </Descriptions>
  );
}

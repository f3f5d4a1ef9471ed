import { Col, Input, Row } from "antd";
import { useTranslation } from "react-i18next";
import { Field, inputProps } from "~/components/forms";
import { MultiSelectField } from "~/components/SelectField";
import type { EligibleProductOption } from "~/domain/fund/load-funds.server";
import { FUND_LIMITS } from "~/schemas/funds";

type TextField = Parameters<typeof inputProps>[0];

/** "Product · Bank", searchable by either name; a delisted product says so. */
export function productOptions(products: EligibleProductOption[], zh: boolean, delisted: string) {
  return products.map((p) => {
    const name = zh ? p.nameZh : (p.nameEn ?? p.nameZh);
    const bank = zh ? p.bankNameZh : p.bankNameEn;
    return { value: p.id, label: `${name} · ${bank}${p.status === "LISTED" ? "" : ` (${delisted})`}` };
  });
}

/**
 * A fund's rules as a form shows them, for a new fund and for a new version:
 * compensation ratio, cap per loan, cap per bank per year, eligible products.
 */
export function FundRuleFields(props: {
  fields: { ratio: TextField; capPerLoan: TextField; capPerBankYear: TextField; productIds: { id: string; name: string; errors?: string[] } };
  products: EligibleProductOption[];
  defaultProductIds?: string[];
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === "zh-CN";
  const { fields } = props;
  const label = (k: string) => t(`funds.fields.${k}`);
  return (
    <Row gutter={16}>
      <Col xs={24} md={8}>
        <Field id={fields.ratio.id} label={label("ratio")} errors={fields.ratio.errors} help={t("funds.ratioHelp")} required>
          <Input {...inputProps(fields.ratio, { type: "text" })} inputMode="decimal" suffix="%" autoComplete="off" />
        </Field>
      </Col>
      <Col xs={24} md={8}>
        <Field id={fields.capPerLoan.id} label={label("capPerLoan")} errors={fields.capPerLoan.errors} required>
          <Input {...inputProps(fields.capPerLoan, { type: "text" })} inputMode="decimal" suffix="元" autoComplete="off" />
        </Field>
      </Col>
      <Col xs={24} md={8}>
        <Field id={fields.capPerBankYear.id} label={label("capPerBankYear")} errors={fields.capPerBankYear.errors} required>
          <Input {...inputProps(fields.capPerBankYear, { type: "text" })} inputMode="decimal" suffix="元" autoComplete="off" />
        </Field>
      </Col>
      <Col xs={24}>
        <Field id={fields.productIds.id} label={label("products")} errors={fields.productIds.errors} help={t("funds.productsHelp")}>
          <MultiSelectField
            id={fields.productIds.id}
            name={fields.productIds.name}
            defaultValue={props.defaultProductIds}
            invalid={Boolean(fields.productIds.errors)}
            placeholder={t("funds.productsPlaceholder")}
            maxCount={FUND_LIMITS.maxEligibleProducts}
            options={productOptions(props.products, zh, t("funds.delisted"))}
          />
        </Field>
      </Col>
    </Row>
  );
}

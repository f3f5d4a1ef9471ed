import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Button, Card, Checkbox, Col, Form as AntForm, Input, Row, Space } from "antd";
import { useTranslation } from "react-i18next";
import { Form, useNavigate, useNavigation } from "react-router";
import { CsrfInput, Field, FormError, inputProps } from "~/components/forms";
import { MultiSelectField, SelectField } from "~/components/SelectField";
import { CREDIT_GRADES } from "~/domain/credit/scorecard/params";
import { TAX_GRADES } from "~/domain/credit/scorecard/snapshot";
import { INDUSTRIES } from "~/domain/reference/industries";
import { SCENARIO_TAGS } from "~/domain/reference/product-tags";
import { REGIONS } from "~/domain/reference/regions";
import { GUARANTEE_TYPES, PRODUCT_TYPES, ProductFormSchema, REPAYMENT_METHODS } from "~/schemas/products";

const SIZES = ["MICRO", "SMALL", "MEDIUM", "LARGE"] as const;

type Values = Record<string, string | string[]>;

/** A group of native checkboxes posting one field as a list. */
function CheckGroup(props: { id: string; name: string; label: string; options: { value: string; label: string }[]; defaults: readonly string[] }) {
  return (
    <fieldset id={props.id} style={{ border: 0, padding: 0, margin: 0 }}>
      <legend className="visually-hidden">{props.label}</legend>
      <Space wrap size={[16, 4]}>
        {props.options.map((o) => (
          <Checkbox key={o.value} name={props.name} value={o.value} defaultChecked={props.defaults.includes(o.value)}>
            {o.label}
          </Checkbox>
        ))}
      </Space>
    </fieldset>
  );
}

/**
 * The product form, for a new draft and for editing one. The same zod schema
 * validates in the browser (on blur) and on the server; every field has a
 * label, money is typed in 元, rates in %, and a failed submission keeps what was typed.
 */
export function ProductForm(props: {
  lastResult: SubmissionResult<string[]> | undefined;
  defaults: Values;
  funds: { id: string; nameZh: string; nameEn: string }[];
  submitLabel: string;
  cancelTo: string;
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === "zh-CN";
  const navigation = useNavigation();
  const navigate = useNavigate();
  const [form, fields] = useForm({
    lastResult: props.lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ProductFormSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const d = props.defaults;
  const text = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : "");
  const many = (k: string) => (Array.isArray(d[k]) ? (d[k] as string[]) : []);
  const label = (k: string) => t(`product.fields.${k}`);
  const textInput = (name: keyof typeof fields, opts: { inputMode?: "decimal" | "numeric"; maxLength?: number } = {}) => (
    <Input {...inputProps(fields[name], { type: "text" })} defaultValue={text(name)} inputMode={opts.inputMode} maxLength={opts.maxLength} />
  );
  return (
    <Form method="post" {...getFormProps(form)} data-testid="product-form">
      <CsrfInput />
      {d.version && <input type="hidden" name="version" value={text("version")} />}
      <FormError errors={form.errors} />
      <AntForm layout="vertical" component={false}>
        <Card title={t("product.sections.basics")} style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Field id={fields.nameZh.id} label={label("nameZh")} errors={fields.nameZh.errors} help={t("product.help.nameZh")} required>
                {textInput("nameZh", { maxLength: 60 })}
              </Field>
            </Col>
            <Col xs={24} md={12}>
              <Field id={fields.nameEn.id} label={label("nameEn")} errors={fields.nameEn.errors}>
                {textInput("nameEn", { maxLength: 120 })}
              </Field>
            </Col>
            <Col xs={24} md={12}>
              <Field id={fields.type.id} label={label("type")} errors={fields.type.errors} required>
                <SelectField
                  id={fields.type.id}
                  name={fields.type.name}
                  defaultValue={text("type")}
                  invalid={Boolean(fields.type.errors)}
                  placeholder={t("product.form.choose")}
                  options={PRODUCT_TYPES.map((v) => ({ value: v, label: t(`productTypes.${v}`) }))}
                />
              </Field>
            </Col>
            <Col xs={24} md={12}>
              <Field id={fields.scenarioTags.id} label={label("scenarioTags")} errors={fields.scenarioTags.errors} help={t("product.help.scenarioTags")}>
                <MultiSelectField
                  id={fields.scenarioTags.id}
                  name={fields.scenarioTags.name}
                  defaultValue={many("scenarioTags")}
                  maxCount={5}
                  options={SCENARIO_TAGS.map((tag) => ({ value: tag.code, label: zh ? tag.nameZh : tag.nameEn }))}
                />
              </Field>
            </Col>
            <Col xs={24}>
              <Field id={fields.description.id} label={label("description")} errors={fields.description.errors}>
                <Input.TextArea {...inputProps(fields.description, { type: "text" })} defaultValue={text("description")} rows={3} maxLength={2000} showCount />
              </Field>
            </Col>
          </Row>
        </Card>

        <Card title={t("product.sections.terms")} style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={12} md={6}>
              <Field id={fields.minAmount.id} label={label("minAmount")} errors={fields.minAmount.errors} help={t("product.help.amount")} required>
                {textInput("minAmount", { inputMode: "decimal" })}
              </Field>
            </Col>
            <Col xs={12} md={6}>
              <Field id={fields.maxAmount.id} label={label("maxAmount")} errors={fields.maxAmount.errors} required>
                {textInput("maxAmount", { inputMode: "decimal" })}
              </Field>
            </Col>
            <Col xs={12} md={6}>
              <Field id={fields.minTermMonths.id} label={label("minTermMonths")} errors={fields.minTermMonths.errors} required>
                {textInput("minTermMonths", { inputMode: "numeric" })}
              </Field>
            </Col>
            <Col xs={12} md={6}>
              <Field id={fields.maxTermMonths.id} label={label("maxTermMonths")} errors={fields.maxTermMonths.errors} required>
                {textInput("maxTermMonths", { inputMode: "numeric" })}
              </Field>
            </Col>
            <Col xs={12} md={6}>
              <Field id={fields.minRate.id} label={label("minRate")} errors={fields.minRate.errors} help={t("product.help.rate")} required>
                {textInput("minRate", { inputMode: "decimal" })}
              </Field>
            </Col>
            <Col xs={12} md={6}>
              <Field id={fields.maxRate.id} label={label("maxRate")} errors={fields.maxRate.errors} required>
                {textInput("maxRate", { inputMode: "decimal" })}
              </Field>
            </Col>
            <Col xs={24} md={12}>
              <Field id={fields.repaymentMethods.id} label={label("repaymentMethods")} errors={fields.repaymentMethods.errors} required>
                <CheckGroup
                  id={fields.repaymentMethods.id}
                  name={fields.repaymentMethods.name}
                  label={label("repaymentMethods")}
                  defaults={many("repaymentMethods")}
                  options={REPAYMENT_METHODS.map((v) => ({ value: v, label: t(`repaymentMethods.${v}`) }))}
                />
              </Field>
            </Col>
            <Col xs={24}>
              <Field id={fields.guaranteeTypes.id} label={label("guaranteeTypes")} errors={fields.guaranteeTypes.errors} required>
                <CheckGroup
                  id={fields.guaranteeTypes.id}
                  name={fields.guaranteeTypes.name}
                  label={label("guaranteeTypes")}
                  defaults={many("guaranteeTypes")}
                  options={GUARANTEE_TYPES.map((v) => ({ value: v, label: t(`guaranteeTypes.${v}`) }))}
                />
              </Field>
            </Col>
          </Row>
        </Card>

        <Card title={t("product.sections.eligibility")} style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Field id={fields.eligibleRegionCodes.id} label={label("eligibleRegionCodes")} errors={fields.eligibleRegionCodes.errors} help={t("product.help.regions")}>
                <MultiSelectField
                  id={fields.eligibleRegionCodes.id}
                  name={fields.eligibleRegionCodes.name}
                  defaultValue={many("eligibleRegionCodes")}
                  placeholder={t("product.anyRegion")}
                  options={REGIONS.map((r) => ({ value: r.code, label: zh ? r.nameZh : r.nameEn }))}
                />
              </Field>
            </Col>
            <Col xs={24} md={12}>
              <Field id={fields.eligibleIndustryCodes.id} label={label("eligibleIndustryCodes")} errors={fields.eligibleIndustryCodes.errors} help={t("product.help.industries")}>
                <MultiSelectField
                  id={fields.eligibleIndustryCodes.id}
                  name={fields.eligibleIndustryCodes.name}
                  defaultValue={many("eligibleIndustryCodes")}
                  placeholder={t("product.anyIndustry")}
                  options={INDUSTRIES.map((i) => ({ value: i.code, label: `${i.code} ${zh ? i.nameZh : i.nameEn}` }))}
                />
              </Field>
            </Col>
            <Col xs={24} md={12}>
              <Field id={fields.eligibleSizes.id} label={label("eligibleSizes")} errors={fields.eligibleSizes.errors} required>
                <CheckGroup
                  id={fields.eligibleSizes.id}
                  name={fields.eligibleSizes.name}
                  label={label("eligibleSizes")}
                  defaults={many("eligibleSizes")}
                  options={SIZES.map((v) => ({ value: v, label: t(`sizes.${v}`) }))}
                />
              </Field>
            </Col>
            <Col xs={12} md={4}>
              <Field id={fields.minCreditGrade.id} label={label("minCreditGrade")} errors={fields.minCreditGrade.errors} help={t("product.help.grade")}>
                <SelectField
                  id={fields.minCreditGrade.id}
                  name={fields.minCreditGrade.name}
                  defaultValue={text("minCreditGrade")}
                  placeholder={t("product.none")}
                  options={[{ value: "", label: t("product.none") }, ...CREDIT_GRADES.filter((g) => g !== "D").map((g) => ({ value: g, label: g }))]}
                />
              </Field>
            </Col>
            <Col xs={12} md={4}>
              <Field id={fields.minTaxGrade.id} label={label("minTaxGrade")} errors={fields.minTaxGrade.errors}>
                <SelectField
                  id={fields.minTaxGrade.id}
                  name={fields.minTaxGrade.name}
                  defaultValue={text("minTaxGrade")}
                  placeholder={t("product.none")}
                  options={[{ value: "", label: t("product.none") }, ...TAX_GRADES.filter((g) => g !== "D").map((g) => ({ value: g, label: g }))]}
                />
              </Field>
            </Col>
            <Col xs={12} md={4}>
              <Field id={fields.minYearsInOperation.id} label={label("minYearsInOperation")} errors={fields.minYearsInOperation.errors} required>
                {textInput("minYearsInOperation", { inputMode: "numeric" })}
              </Field>
            </Col>
          </Row>
        </Card>

        <Card title={t("product.sections.incentives")} style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Field id={fields.fundId.id} label={label("fundId")} errors={fields.fundId.errors} help={t("product.help.fund")}>
                <SelectField
                  id={fields.fundId.id}
                  name={fields.fundId.name}
                  defaultValue={text("fundId")}
                  placeholder={t("product.noFund")}
                  options={[{ value: "", label: t("product.noFund") }, ...props.funds.map((f) => ({ value: f.id, label: zh ? f.nameZh : f.nameEn }))]}
                />
              </Field>
            </Col>
            <Col xs={12} md={8}>
              <Field
                id={fields.redListRateDiscountBps.id}
                label={label("redListRateDiscountBps")}
                errors={fields.redListRateDiscountBps.errors}
                help={t("product.help.redListDiscount")}
                required
              >
                {textInput("redListRateDiscountBps", { inputMode: "numeric" })}
              </Field>
            </Col>
            <Col xs={12} md={8}>
              <Field id={fields.redListLimitUpliftPercent.id} label={label("redListLimitUpliftPercent")} errors={fields.redListLimitUpliftPercent.errors} required>
                {textInput("redListLimitUpliftPercent", { inputMode: "numeric" })}
              </Field>
            </Col>
          </Row>
        </Card>

        <Card title={t("product.sections.service")} style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} md={16}>
              <Field id={fields.requiredMaterials.id} label={label("requiredMaterials")} errors={fields.requiredMaterials.errors} help={t("product.help.materials")}>
                <Input.TextArea {...inputProps(fields.requiredMaterials, { type: "text" })} defaultValue={text("requiredMaterials")} rows={4} />
              </Field>
            </Col>
            <Col xs={24} md={8}>
              <Field
                id={fields.responseDeadlineWorkingDays.id}
                label={label("responseDeadlineWorkingDays")}
                errors={fields.responseDeadlineWorkingDays.errors}
                help={t("product.help.responseDays")}
                required
              >
                {textInput("responseDeadlineWorkingDays", { inputMode: "numeric" })}
              </Field>
            </Col>
          </Row>
        </Card>
        <Space>
          <Button type="primary" htmlType="submit" loading={navigation.state === "submitting"} data-testid="product-save">
            {props.submitLabel}
          </Button>
          <Button onClick={() => navigate(props.cancelTo)}>{t("common.cancel")}</Button>
        </Space>
      </AntForm>
    </Form>
  );
}

/** What a new product's form starts with: sensible defaults a bank edits. */
export const NEW_PRODUCT_DEFAULTS: Values = {
  repaymentMethods: ["EQUAL_INSTALMENT"],
  guaranteeTypes: ["CREDIT"],
  eligibleSizes: ["MICRO", "SMALL", "MEDIUM"],
  minYearsInOperation: "0",
  redListRateDiscountBps: "0",
  redListLimitUpliftPercent: "0",
  responseDeadlineWorkingDays: "5",
  requiredMaterials: "营业执照\n法定代表人身份证",
};

import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Button, Checkbox, Col, Form as AntForm, Input, Radio, Row, Space } from "antd";
import { useTranslation } from "react-i18next";
import { Form, useNavigation } from "react-router";
import { CsrfInput, Field, FormError, inputProps } from "~/components/forms";
import { NEED_LIMITS, URGENCIES } from "~/domain/needs/need-rules";
import { GUARANTEE_TYPES } from "~/schemas/products";
import { NeedFormSchema } from "~/schemas/needs";

/** The form's fields as typed text (money in 元, rate in %), as the browser posts them. */
export type NeedFormValues = {
  amount: string;
  termMonths: string;
  purpose: string;
  maxRate: string;
  guaranteeTypes: string[];
  urgency: string;
  expiresOn: string;
};

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : []);

/**
 * The need form, for posting and for editing (then carrying the version it
 * was opened from, so a stale edit is refused). Validated in the browser and
 * again on the server with the same schema; a refused submission keeps what
 * was typed.
 */
export function NeedForm(props: {
  lastResult?: SubmissionResult<string[]> | null;
  defaultValue: NeedFormValues;
  /** For an edit: the version shown, and the action's intent. */
  version?: number;
  intent?: string;
  submitLabel: string;
  extra?: React.ReactNode;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: props.lastResult ?? undefined,
    defaultValue: props.defaultValue,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: NeedFormSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const chosenGuarantees = new Set(asList(fields.guaranteeTypes.initialValue ?? props.defaultValue.guaranteeTypes));
  const urgency = typeof fields.urgency.initialValue === "string" ? fields.urgency.initialValue : props.defaultValue.urgency;
  const submitting = navigation.state === "submitting" && navigation.formMethod?.toUpperCase() === "POST";
  return (
    <>
      <FormError errors={form.errors} />
      <Form method="post" {...getFormProps(form)} data-testid="need-form">
        <CsrfInput />
        {props.intent && <input type="hidden" name="intent" value={props.intent} />}
        {props.version !== undefined && <input type="hidden" name="version" value={props.version} />}
        <AntForm layout="vertical" component={false}>
          <Row gutter={16}>
            <Col xs={24}>
              <Field id={fields.purpose.id} label={t("needs.purpose")} errors={fields.purpose.errors} help={t("needs.purposeHelp")} required>
                <Input.TextArea
                  {...inputProps(fields.purpose, { type: "text" })}
                  rows={3}
                  maxLength={NEED_LIMITS.maxPurposeLength}
                  placeholder={t("needs.purposePlaceholder")}
                />
              </Field>
            </Col>
            <Col xs={24} md={8}>
              <Field id={fields.amount.id} label={t("needs.amountYuan")} errors={fields.amount.errors} help={t("needs.amountHelp")} required>
                <Input {...inputProps(fields.amount, { type: "text" })} inputMode="decimal" autoComplete="off" suffix="元" />
              </Field>
            </Col>
            <Col xs={24} sm={12} md={8}>
              <Field id={fields.termMonths.id} label={t("needs.termMonths")} errors={fields.termMonths.errors} required>
                <Input {...inputProps(fields.termMonths, { type: "text" })} inputMode="numeric" autoComplete="off" />
              </Field>
            </Col>
            <Col xs={24} sm={12} md={8}>
              <Field id={fields.maxRate.id} label={t("needs.maxRatePercent")} errors={fields.maxRate.errors} help={t("needs.maxRateHelp")} required>
                <Input {...inputProps(fields.maxRate, { type: "text" })} inputMode="decimal" autoComplete="off" suffix="%" />
              </Field>
            </Col>
            <Col xs={24}>
              <Field id={fields.guaranteeTypes.id} label={t("needs.guaranteeTypes")} errors={fields.guaranteeTypes.errors} required>
                <fieldset
                  id={fields.guaranteeTypes.id}
                  aria-invalid={fields.guaranteeTypes.errors ? true : undefined}
                  aria-describedby={fields.guaranteeTypes.errors ? `${fields.guaranteeTypes.id}-error` : undefined}
                  style={{ border: 0, padding: 0, margin: 0 }}
                >
                  <legend className="visually-hidden">{t("needs.guaranteeTypes")}</legend>
                  <Space wrap size={[16, 4]}>
                    {GUARANTEE_TYPES.map((g) => (
                      <Checkbox key={`${form.key}-${g}`} name={fields.guaranteeTypes.name} value={g} defaultChecked={chosenGuarantees.has(g)}>
                        {t(`needs.guarantee.${g}`)}
                      </Checkbox>
                    ))}
                  </Space>
                </fieldset>
              </Field>
            </Col>
            <Col xs={24} md={12}>
              <Field id={fields.urgency.id} label={t("needs.urgencyLabel")} errors={fields.urgency.errors} required>
                <Radio.Group key={form.key} id={fields.urgency.id} name={fields.urgency.name} defaultValue={urgency}>
                  {URGENCIES.map((u) => (
                    <Radio key={u} value={u}>
                      {t(`needs.urgency.${u}`)}
                    </Radio>
                  ))}
                </Radio.Group>
              </Field>
            </Col>
            <Col xs={24} md={12}>
              <Field id={fields.expiresOn.id} label={t("needs.expiresOn")} errors={fields.expiresOn.errors} help={t("needs.expiresHelp")} required>
                <Input {...inputProps(fields.expiresOn, { type: "date" })} />
              </Field>
            </Col>
          </Row>
          <Space wrap>
            <Button type="primary" htmlType="submit" loading={submitting} data-testid="need-submit">
              {props.submitLabel}
            </Button>
            {props.extra}
          </Space>
        </AntForm>
      </Form>
    </>
  );
}

import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form as AntForm, Alert, Button, Card, Col, Descriptions, Input, Row, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Form, Link, data, redirect, useNavigation } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/application-new";
import { CsrfInput, Field, FormError, inputProps } from "~/components/forms";
import { fenToYuanText } from "~/components/needs/need-values";
import { prisma } from "~/db.server";
import { submitApplication, APPLICATION_AUTHORISATION_DAYS } from "~/domain/applications/submit-application.server";
import { formatMoneyFen } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { ApplyFormSchema } from "~/schemas/applications";
import { clientIp, requirePermission, withDomainErrors } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "申请贷款 · 信易贷" }];

const TargetSchema = z.object({ needId: z.string().uuid(), productId: z.string().uuid() });

const clamp = (value: bigint, min: bigint, max: bigint) => (value < min ? min : value > max ? max : value);

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "manage:application:own");
  const parsed = TargetSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success || !actor.enterprise) throw new Response("Not Found", { status: 404 });
  const { needId, productId } = parsed.data;
  const [need, product] = await Promise.all([
    prisma.financingNeed.findFirst({
      where: { id: needId, enterpriseId: actor.enterprise.id },
      select: { id: true, purpose: true, amountFen: true, termMonths: true, status: true },
    }),
    prisma.product.findFirst({
      where: { id: productId, status: "LISTED" },
      select: {
        id: true,
        nameZh: true,
        nameEn: true,
        minAmountFen: true,
        maxAmountFen: true,
        minTermMonths: true,
        maxTermMonths: true,
        requiredMaterials: true,
        responseDeadlineWorkingDays: true,
        institution: { select: { nameZh: true, nameEn: true } },
      },
    }),
  ]);
  if (!need || !product) throw new Response("Not Found", { status: 404 });
  return {
    need: { id: need.id, purpose: need.purpose, amountFen: need.amountFen.toString(), termMonths: need.termMonths, status: need.status },
    product: {
      id: product.id,
      nameZh: product.nameZh,
      nameEn: product.nameEn,
      bankZh: product.institution.nameZh,
      bankEn: product.institution.nameEn,
      minAmountFen: product.minAmountFen.toString(),
      maxAmountFen: product.maxAmountFen.toString(),
      minTermMonths: product.minTermMonths,
      maxTermMonths: product.maxTermMonths,
      requiredMaterials: product.requiredMaterials,
      days: product.responseDeadlineWorkingDays,
    },
    defaults: {
      amount: fenToYuanText(clamp(need.amountFen, product.minAmountFen, product.maxAmountFen)),
      termMonths: String(Math.min(Math.max(need.termMonths, product.minTermMonths), product.maxTermMonths)),
    },
    // A fresh key per page view: the same submission sent twice creates one application.
    submitKey: crypto.randomUUID(),
    authorisationDays: APPLICATION_AUTHORISATION_DAYS,
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "manage:application:own");
  const submission = parseWithZod(await request.formData(), { schema: ApplyFormSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const { needId, productId, amount, termMonths, submitKey } = submission.value;
  const outcome = await withDomainErrors(() =>
    submitApplication({ actor, input: { needId, productId, amountFen: amount, termMonths, submitKey }, ip: clientIp(request) }),
  );
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: [outcome.formError] }) }, { status: outcome.status });
  return redirect(`/app/applications/${outcome.value.applicationId}?done=submitted`);
}

export default function ApplicationNewPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const navigation = useNavigation();
  const { need, product } = loaderData;
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    defaultValue: { ...loaderData.defaults, needId: need.id, productId: product.id, submitKey: loaderData.submitKey },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ApplyFormSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const bank = zh ? product.bankZh : product.bankEn;
  return (
    <div style={{ maxWidth: 860 }}>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("applications.applyTitle")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("applications.applyHelp", { days: product.days })}</Typography.Paragraph>
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t("applications.applyFor")}>
            <Link to={`/app/supermarket/${product.id}`}>{zh ? product.nameZh : (product.nameEn ?? product.nameZh)}</Link> · {bank}
          </Descriptions.Item>
          <Descriptions.Item label={t("applications.forNeed")}>
            <Link to={`/app/needs/${need.id}`}>{need.purpose}</Link> ·{" "}
            {t("applications.requestedValue", { amount: formatMoneyFen(need.amountFen, locale), months: need.termMonths })}
          </Descriptions.Item>
          <Descriptions.Item label={t("applications.materials")}>
            {product.requiredMaterials.length === 0 ? (
              t("applications.noMaterials")
            ) : (
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {product.requiredMaterials.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            )}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card>
        <FormError errors={form.errors} />
        <Form method="post" {...getFormProps(form)} data-testid="apply-form">
          <CsrfInput />
          <input type="hidden" name="needId" value={need.id} />
          <input type="hidden" name="productId" value={product.id} />
          <input type="hidden" name="submitKey" value={loaderData.submitKey} />
          <AntForm layout="vertical" component={false}>
            <Row gutter={16}>
              <Col xs={24} md={12}>
                <Field
                  id={fields.amount.id}
                  label={t("applications.amountLabel")}
                  errors={fields.amount.errors}
                  help={t("applications.amountHelp", { min: formatMoneyFen(product.minAmountFen, locale), max: formatMoneyFen(product.maxAmountFen, locale) })}
                  required
                >
                  <Input {...inputProps(fields.amount, { type: "text" })} inputMode="decimal" autoComplete="off" suffix="元" />
                </Field>
              </Col>
              <Col xs={24} md={12}>
                <Field
                  id={fields.termMonths.id}
                  label={t("applications.termLabel")}
                  errors={fields.termMonths.errors}
                  help={t("applications.termHelp", { min: product.minTermMonths, max: product.maxTermMonths })}
                  required
                >
                  <Input {...inputProps(fields.termMonths, { type: "text" })} inputMode="numeric" autoComplete="off" />
                </Field>
              </Col>
            </Row>
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 16 }}
              title={t("applications.consentTitle")}
              description={t("applications.consentBody", { bank, days: loaderData.authorisationDays })}
            />
            <Space wrap>
              <Button type="primary" htmlType="submit" loading={navigation.state === "submitting"} data-testid="apply-submit">
                {t("applications.submit")}
              </Button>
              <Link to={`/app/needs/${need.id}`}>{t("common.cancel")}</Link>
            </Space>
          </AntForm>
        </Form>
      </Card>
    </div>
  );
}

import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Alert, Button, Card, Col, Form as AntForm, Input, Row, Space, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Form, Link, data, redirect, useNavigation } from "react-router";
import type { Route } from "./+types/funds";
import { CsrfInput, Field, FormError, inputProps } from "~/components/forms";
import { PagedTable } from "~/components/PagedTable";
import { FundRuleFields } from "~/components/funds/FundRuleFields";
import { platformToday } from "~/domain/credit/build-snapshot";
import { createFund } from "~/domain/fund/fund-admin.server";
import { listEligibleProducts, listFunds, type EligibleProductOption } from "~/domain/fund/load-funds.server";
import { formatMoneyFen } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { searchParamsObject } from "~/schemas/fields";
import { FUND_LIMITS, FundCreateSchema, FundPageQuerySchema } from "~/schemas/funds";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "风险补偿资金 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "manage:fund:any");
  const query = FundPageQuerySchema.parse(searchParamsObject(new URL(request.url).searchParams));
  const [funds, products] = await Promise.all([orHttpError(() => listFunds({ actor, query })), orHttpError(() => listEligibleProducts({ actor }))]);
  // A fresh key per page view: the same form sent twice creates one fund.
  return { ...funds, products, today: platformToday(), createKey: crypto.randomUUID() };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "manage:fund:any");
  const submission = parseWithZod(await request.formData(), { schema: FundCreateSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const v = submission.value;
  const outcome = await withDomainErrors(() =>
    createFund({
      actor,
      input: {
        nameZh: v.nameZh,
        nameEn: v.nameEn,
        validFrom: v.validFrom,
        validTo: v.validTo,
        budgetFen: v.budget,
        rule: { compensationRatioBps: v.ratio, capPerLoanFen: v.capPerLoan, capPerBankYearFen: v.capPerBankYear, eligibleProductIds: v.productIds },
      },
      createKey: v.createKey,
      ip: clientIp(request),
    }),
  );
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: [outcome.formError] }) }, { status: outcome.status });
  return redirect(`/app/funds/${outcome.value.fundId}?done=created`);
}

type LoaderData = Route.ComponentProps["loaderData"];
type FundRow = LoaderData["rows"][number];

function CreateFundForm({
  products,
  today,
  createKey,
  lastResult,
}: {
  products: EligibleProductOption[];
  today: string;
  createKey: string;
  lastResult?: SubmissionResult<string[]>;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "fund-create",
    lastResult,
    defaultValue: { validFrom: today },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: FundCreateSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const label = (k: string) => t(`funds.fields.${k}`);
  return (
    <Card title={t("funds.createTitle")} data-testid="fund-create">
      <Typography.Paragraph type="secondary">{t("funds.createHelp")}</Typography.Paragraph>
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="createKey" value={createKey} />
        <CsrfInput />
        <FormError errors={form.errors} />
        <AntForm layout="vertical" component={false}>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Field id={fields.nameZh.id} label={label("nameZh")} errors={fields.nameZh.errors} required>
                <Input {...inputProps(fields.nameZh, { type: "text" })} maxLength={FUND_LIMITS.nameZhMax} placeholder={t("funds.nameZhPlaceholder")} />
              </Field>
            </Col>
            <Col xs={24} md={12}>
              <Field id={fields.nameEn.id} label={label("nameEn")} errors={fields.nameEn.errors} required>
                <Input {...inputProps(fields.nameEn, { type: "text" })} maxLength={FUND_LIMITS.nameEnMax} placeholder={t("funds.nameEnPlaceholder")} />
              </Field>
            </Col>
            <Col xs={12} md={6}>
              <Field id={fields.validFrom.id} label={label("validFrom")} errors={fields.validFrom.errors} required>
                <Input {...inputProps(fields.validFrom, { type: "date" })} />
              </Field>
            </Col>
            <Col xs={12} md={6}>
              <Field id={fields.validTo.id} label={label("validTo")} errors={fields.validTo.errors} help={t("funds.validToHelp")} required>
                <Input {...inputProps(fields.validTo, { type: "date" })} />
              </Field>
            </Col>
            <Col xs={24} md={12}>
              <Field id={fields.budget.id} label={label("budget")} errors={fields.budget.errors} help={t("funds.budgetHelp")} required>
                <Input {...inputProps(fields.budget, { type: "text" })} inputMode="decimal" suffix="元" autoComplete="off" />
              </Field>
            </Col>
          </Row>
          <Typography.Title level={5}>{t("funds.firstRules")}</Typography.Title>
          <FundRuleFields fields={fields} products={products} />
          <Button type="primary" htmlType="submit" loading={navigation.state === "submitting"} data-testid="fund-create-submit">
            {t("funds.create")}
          </Button>
        </AntForm>
      </Form>
    </Card>
  );
}

export default function FundsPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const money = (fen: string) => formatMoneyFen(fen, locale);
  const right = { align: "right" as const };
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <div>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t("funds.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t("funds.intro")}
        </Typography.Paragraph>
      </div>

      {loaderData.total === 0 ? (
        <Alert type="info" showIcon title={t("funds.empty")} data-testid="funds-empty" />
      ) : (
        <PagedTable<FundRow>
          testId="funds"
          rows={loaderData.rows}
          total={loaderData.total}
          page={loaderData.page}
          pageSize={loaderData.pageSize}
          columns={[
            {
              title: t("funds.columns.name"),
              key: "name",
              fixed: "left",
              render: (_, f) => (
                <Space size={4} wrap>
                  <Link to={`/app/funds/${f.id}`}>{zh ? f.nameZh : f.nameEn}</Link>
                  {f.status !== "ACTIVE" && <Tag>{t(`funds.status.${f.status}`)}</Tag>}
                </Space>
              ),
            },
            { title: t("funds.columns.validity"), key: "validity", render: (_, f) => t("funds.period", { from: f.validFrom, to: f.validTo }) },
            { title: t("funds.columns.budget"), key: "budget", ...right, render: (_, f) => money(f.balances.budgetFen) },
            { title: t("funds.columns.contributed"), key: "contributed", ...right, render: (_, f) => money(f.balances.contributedFen) },
            {
              title: t("funds.columns.available"),
              key: "available",
              ...right,
              render: (_, f) => <strong data-testid="fund-available">{money(f.balances.availableFen)}</strong>,
            },
            { title: t("funds.columns.reserved"), key: "reserved", ...right, render: (_, f) => money(f.balances.reservedFen) },
            { title: t("funds.columns.paid"), key: "paid", ...right, render: (_, f) => money(f.balances.paidFen) },
            { title: t("funds.columns.recovered"), key: "recovered", ...right, render: (_, f) => money(f.balances.recoveredFen) },
          ]}
        />
      )}

      <CreateFundForm products={loaderData.products} today={loaderData.today} lastResult={actionData?.result} createKey={loaderData.createKey} />
    </Space>
  );
}

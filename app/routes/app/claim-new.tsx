import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form as AntForm, Alert, Button, Card, Col, Descriptions, Flex, Input, Row, Space, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Form, Link, data, redirect, useNavigation } from "react-router";
import type { Route } from "./+types/claim-new";
import { CsrfInput, Field, FormError, inputProps } from "~/components/forms";
import { fenToYuanText } from "~/components/needs/need-values";
import { fileClaim } from "~/domain/fund/claims.server";
import { compensationFen } from "~/domain/fund/fund-rules";
import { findOpenClaimId, loadClaimableLoan } from "~/domain/fund/load-claims.server";
import { formatDateTime, formatMoneyFen, formatRateBps } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { CLAIM_LIMITS, FileClaimFormSchema } from "~/schemas/claims";
import { yuanToFenField } from "~/schemas/fields";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "申请风险补偿 · 信易贷" }];

/** Domain refusals that belong to one field rather than to the whole form. */
const FIELD_OF_ERROR: Record<string, string> = { "fund.lossBeyondOutstanding": "loss", "fund.lossNotPositive": "loss" };

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "file:claim:institution");
  const loanId = new URL(request.url).searchParams.get("loanId") ?? "";
  return orHttpError(() => loadClaimableLoan({ actor, loanId }));
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "file:claim:institution");
  const submission = parseWithZod(await request.formData(), { schema: FileClaimFormSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const { loanId, loss, recoveryActions, evidence } = submission.value;
  const outcome = await withDomainErrors(() => fileClaim({ actor, loanId, input: { lossFen: loss, recoveryActions, evidence }, ip: clientIp(request) }));
  if (!outcome.ok) {
    const code = outcome.formError.split("|", 1)[0]!;
    // Filed already (a double click, a second tab): the claim that is open is where the bank wants to be.
    if (code === "fund.claimOpen") {
      const openId = await findOpenClaimId({ actor, loanId });
      if (openId) return redirect(`/app/claims/${openId}`);
    }
    const field = FIELD_OF_ERROR[code];
    const result = field ? submission.reply({ fieldErrors: { [field]: [outcome.formError] } }) : submission.reply({ formErrors: [outcome.formError] });
    return data({ result }, { status: outcome.status });
  }
  // A refusal by the ledger is a filed claim too: its page says why.
  return redirect(`/app/claims/${outcome.value.id}?done=filed`);
}

export default function ClaimNewPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const navigation = useNavigation();
  const { loan, fund, rule, blocker } = loaderData;
  const money = (fen: string | bigint) => formatMoneyFen(fen, locale);
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    defaultValue: { loanId: loan.id, loss: fenToYuanText(loan.outstandingFen), recoveryActions: "", evidence: "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: FileClaimFormSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const [lossText, setLossText] = useState(fenToYuanText(loan.outstandingFen));
  const lossFen = yuanToFenField.safeParse(lossText);
  // The same arithmetic the filing uses, on the room the records show now: an estimate, the ledger decides.
  const estimate =
    rule && lossFen.success && lossFen.data > 0n
      ? compensationFen({
          lossFen: lossFen.data,
          ratioBps: rule.ratioBps,
          loanRoomFen: BigInt(loaderData.loanRoomFen),
          bankYearRoomFen: BigInt(loaderData.bankYearRoomFen),
        })
      : null;
  const submitting = navigation.state === "submitting";
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%", maxWidth: 960 }}>
      <div>
        <Link to="/app/claims">← {t("claims.back")}</Link>
        <Typography.Title level={2} style={{ marginTop: 8, marginBottom: 0 }}>
          {t("claims.new.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t("claims.new.help", { days: loaderData.decisionWorkingDays })}
        </Typography.Paragraph>
      </div>

      <Card title={t("claims.loan.title")}>
        <Descriptions column={{ xs: 1, md: 2 }} size="small" data-testid="claim-loan">
          <Descriptions.Item label={t("claims.columns.enterprise")}>{loan.enterpriseName}</Descriptions.Item>
          <Descriptions.Item label={t("claims.columns.principal")}>{money(loan.principalFen)}</Descriptions.Item>
          <Descriptions.Item label={t("claims.loan.outstanding")}>
            <span data-testid="loan-outstanding">{money(loan.outstandingFen)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("claims.loan.daysPastDue")}>{t("claims.loan.days", { count: loan.daysPastDue })}</Descriptions.Item>
          <Descriptions.Item label={t("claims.loan.disbursedOn")}>{loan.disbursedOn}</Descriptions.Item>
          <Descriptions.Item label={t("claims.loan.defaultedAt")}>{loan.defaultedAt ? formatDateTime(loan.defaultedAt) : "—"}</Descriptions.Item>
          <Descriptions.Item label={t("claims.loan.status")}>{t(`loans.status.${loan.status}`)}</Descriptions.Item>
          <Descriptions.Item label={t("claims.loan.application")}>
            <Link to={`/app/applications/${loan.applicationId}#loan`}>{t("claims.loan.viewLoan")}</Link>
          </Descriptions.Item>
        </Descriptions>
      </Card>

      {fund && rule && (
        <Card title={t("claims.rules.title")}>
          <Descriptions column={{ xs: 1, md: 2 }} size="small" data-testid="claim-rules">
            <Descriptions.Item label={t("claims.fund")} span={2}>
              {zh ? fund.nameZh : fund.nameEn}
              <Typography.Text type="secondary"> · {t("claims.rules.validity", { from: fund.validFrom, to: fund.validTo })}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t("claims.rules.version")}>
              {t("claims.rules.versionValue", { version: rule.version, from: formatDateTime(rule.effectiveFrom) })}
            </Descriptions.Item>
            <Descriptions.Item label={t("claims.rules.ratio")}>{formatRateBps(rule.ratioBps)}</Descriptions.Item>
            <Descriptions.Item label={t("claims.rules.capPerLoan")}>
              {money(rule.capPerLoanFen)}
              <Typography.Text type="secondary"> · {t("claims.rules.roomLeft", { amount: money(loaderData.loanRoomFen) })}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t("claims.rules.capPerBankYear")}>
              {money(rule.capPerBankYearFen)}
              <Typography.Text type="secondary">
                {" "}
                · {t("claims.rules.roomLeftYear", { year: loaderData.year, amount: money(loaderData.bankYearRoomFen) })}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
        </Card>
      )}

      {blocker ? (
        <Alert
          type="warning"
          showIcon
          data-testid="claim-blocked"
          title={t(`claims.new.blocked.${blocker}`)}
          action={loaderData.openClaimId ? <Link to={`/app/claims/${loaderData.openClaimId}`}>{t("claims.new.viewOpen")}</Link> : undefined}
        />
      ) : (
        <Card title={t("claims.new.formTitle")}>
          <FormError errors={form.errors} />
          <Form method="post" {...getFormProps(form)} data-testid="claim-form">
            <CsrfInput />
            <input type="hidden" name={fields.loanId.name} value={loan.id} />
            <AntForm layout="vertical" component={false}>
              <Row gutter={16} align="bottom">
                <Col xs={24} md={10}>
                  <Field id={fields.loss.id} label={t("claims.new.loss")} errors={fields.loss.errors} help={t("claims.new.lossHelp")} required>
                    <Input
                      {...inputProps(fields.loss, { type: "text" })}
                      inputMode="decimal"
                      autoComplete="off"
                      suffix="元"
                      onChange={(e) => setLossText(e.target.value)}
                    />
                  </Field>
                </Col>
                <Col xs={24} md={14}>
                  <Card size="small" style={{ marginBottom: 24 }}>
                    <Typography.Text type="secondary">{t("claims.new.estimate")}</Typography.Text>
                    <div style={{ fontSize: 20, fontWeight: 600 }} data-testid="claim-estimate" aria-live="polite">
                      {estimate === null ? "—" : money(estimate)}
                    </div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t("claims.new.estimateHelp")}
                    </Typography.Text>
                  </Card>
                </Col>
              </Row>
              <Field
                id={fields.recoveryActions.id}
                label={t("claims.recoveryActions")}
                errors={fields.recoveryActions.errors}
                help={t("claims.new.recoveryActionsHelp")}
                required
              >
                <Input.TextArea
                  {...inputProps(fields.recoveryActions, { type: "text" })}
                  rows={4}
                  maxLength={CLAIM_LIMITS.recoveryActionsMax}
                  placeholder={t("claims.new.recoveryActionsPlaceholder")}
                />
              </Field>
              <Field
                id={fields.evidence.id}
                label={t("claims.evidence")}
                errors={fields.evidence.errors}
                help={t("claims.new.evidenceHelp", { max: CLAIM_LIMITS.evidenceMax })}
                required
              >
                <Input.TextArea {...inputProps(fields.evidence, { type: "text" })} rows={5} placeholder={t("claims.new.evidencePlaceholder")} />
              </Field>
              <Flex gap={12} align="center">
                <Button type="primary" htmlType="submit" loading={submitting} data-testid="submit-claim">
                  {t("claims.new.submit")}
                </Button>
                <Link to="/app/claims">{t("common.cancel")}</Link>
              </Flex>
            </AntForm>
          </Form>
        </Card>
      )}
    </Space>
  );
}

import { parseWithZod } from "@conform-to/zod/v4";
import {
  Form as AntForm,
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Descriptions,
  Flex,
  Input,
  Progress,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Form, Link, data, useNavigation, useSearchParams } from "react-router";
import type { Route } from "./+types/application";
import { ApplicationStatusTag } from "~/components/applications/ApplicationStatusTag";
import { CommandButton } from "~/components/CommandButton";
import { CsrfInput, Field, FormError, translateError } from "~/components/forms";
import { bpsToPercentText, fenToYuanText } from "~/components/needs/need-values";
import { DECLINE_REASONS, REROUTE_MAX_PICKS } from "~/domain/applications/lifecycle";
import { loadApplication, type ApplicationDetail } from "~/domain/applications/load-application.server";
import { rerouteApplication } from "~/domain/applications/reroute-application.server";
import { runApplicationCommand } from "~/domain/applications/run-application-command.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { disburseLoan } from "~/domain/loans/disburse-loan.server";
import { recordRepayment } from "~/domain/loans/record-repayment.server";
import { formatDateTime, formatDeadline, formatMoneyFen, formatRateBps } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { ApplicationCommandFormSchema } from "~/schemas/applications";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";
import { revalidateAfterConflict } from "~/web/revalidate";

export const meta: Route.MetaFunction = () => [{ title: "申请详情 · 信易贷" }];

const VIEW_PERMISSIONS = ["manage:application:own", "decide:application:institution", "read:monitoring:any"] as const;

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, ...VIEW_PERMISSIONS);
  const application = await orHttpError(() => loadApplication({ actor, applicationId: params.applicationId }));
  // A fresh key per page view: a command sent twice (a double click, a retry) is done once.
  return { application, commandKey: crypto.randomUUID(), today: platformToday(), canRepay: actor.permissions.has("manage:loan:institution") };
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const actor = requirePermission(request, context, ...VIEW_PERMISSIONS);
  const submission = parseWithZod(await request.formData(), { schema: ApplicationCommandFormSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), done: null, count: 0 }, { status: 400 });
  const input = submission.value;
  const ip = clientIp(request);
  const applicationId = params.applicationId;
  const outcome = await withDomainErrors(async (): Promise<number> => {
    switch (input.intent) {
      case "accept":
      case "withdraw":
        await runApplicationCommand({ actor, applicationId, input: { command: input.intent, note: input.note }, commandKey: input.commandKey, ip });
        return 1;
      case "acceptOffer":
        await runApplicationCommand({ actor, applicationId, input: { command: "acceptOffer" }, commandKey: input.commandKey, ip });
        return 1;
      case "decline":
        await runApplicationCommand({
          actor,
          applicationId,
          input: { command: "decline", reasonCode: input.reasonCode, note: input.note },
          commandKey: input.commandKey,
          ip,
        });
        return 1;
      case "approve":
        await runApplicationCommand({
          actor,
          applicationId,
          input: {
            command: "approve",
            amountFen: input.amount,
            rateBps: input.rate,
            termMonths: input.termMonths,
            repaymentMethod: input.repaymentMethod,
            note: input.note,
          },
          commandKey: input.commandKey,
          ip,
        });
        return 1;
      case "disburse":
        await disburseLoan({
          actor,
          applicationId,
          input: { disbursedOn: input.disbursedOn, bankReference: input.bankReference },
          commandKey: input.commandKey,
          ip,
        });
        return 1;
      case "repay": {
        const loaded = await loadApplication({ actor, applicationId });
        if (!loaded.loan) throw new Response("Not Found", { status: 404 });
        await recordRepayment({
          actor,
          loanId: loaded.loan.id,
          input: { amountFen: input.amount, receivedOn: input.receivedOn, bankReference: input.bankReference },
          idempotencyKey: input.commandKey,
          ip,
        });
        return 1;
      }
      case "reroute": {
        const rerouted = await rerouteApplication({ actor, applicationId, productIds: input.productIds, commandKey: input.commandKey, ip });
        return rerouted.applicationIds.length;
      }
    }
  });
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: [outcome.formError] }), done: null, count: 0 }, { status: outcome.status });
  return { result: submission.reply({ resetForm: true }), done: input.intent, count: outcome.value };
}

export const shouldRevalidate = revalidateAfterConflict;

type Result = { error?: Record<string, string[] | null> | null } | undefined;

/** A field's problems from the last submission, for `Field`. */
const errorsOf = (result: Result, name: string): string[] | undefined => result?.error?.[name] ?? undefined;

function fieldError(t: (k: string) => string, result: Result, name: string): string | undefined {
  return translateError(t as never, result?.error?.[name]?.[0] ?? undefined);
}

function BankActions({ app, commandKey, result, today }: { app: ApplicationDetail; commandKey: string; result: Result; today: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const navigation = useNavigation();
  const [reason, setReason] = useState<string>(DECLINE_REASONS[0]);
  const [method, setMethod] = useState<string>(app.product.repaymentMethods[0] ?? "EQUAL_INSTALMENT");
  const [disbursedOn, setDisbursedOn] = useState(today);
  const has = (c: string) => (app.commands as string[]).includes(c);
  const submitting = (intent: string) => navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
  const p = app.product;
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      {has("accept") && (
        <Flex gap={12} align="center" wrap>
          <CommandButton intent="accept" commandKey={commandKey} label={t("applications.commands.accept")} primary />
          <Typography.Text type="secondary">{t("applications.acceptHelp")}</Typography.Text>
        </Flex>
      )}
      {has("approve") && (
        <Card size="small" title={t("applications.approveTitle")}>
          <Typography.Paragraph type="secondary">
            {t("applications.productRanges", {
              minAmount: formatMoneyFen(p.minAmountFen, locale),
              maxAmount: formatMoneyFen(p.maxAmountFen, locale),
              minRate: formatRateBps(p.minRateBps),
              maxRate: formatRateBps(p.maxRateBps),
              minTerm: p.minTermMonths,
              maxTerm: p.maxTermMonths,
            })}
          </Typography.Paragraph>
          <Form method="post" preventScrollReset data-testid="approve-form">
            <CsrfInput />
            <input type="hidden" name="intent" value="approve" />
            <input type="hidden" name="commandKey" value={commandKey} />
            <input type="hidden" name="repaymentMethod" value={method} />
            <AntForm layout="vertical" component={false}>
              <Row gutter={16}>
                <Col xs={24} md={6}>
                  <Field id="approve-amount" label={t("applications.approvedAmount")} errors={errorsOf(result, "amount")}>
                    <Input id="approve-amount" name="amount" inputMode="decimal" defaultValue={fenToYuanText(app.requested.amountFen)} suffix="元" />
                  </Field>
                </Col>
                <Col xs={24} md={6}>
                  <Field id="approve-rate" label={t("applications.approvedRate")} errors={errorsOf(result, "rate")}>
                    <Input id="approve-rate" name="rate" inputMode="decimal" defaultValue={bpsToPercentText(p.minRateBps)} suffix="%" />
                  </Field>
                </Col>
                <Col xs={24} md={4}>
                  <Field id="approve-term" label={t("applications.approvedTerm")} errors={errorsOf(result, "termMonths")}>
                    <Input id="approve-term" name="termMonths" inputMode="numeric" defaultValue={String(app.requested.termMonths)} />
                  </Field>
                </Col>
                <Col xs={24} md={8}>
                  <Field id="approve-method" label={t("applications.repaymentMethod")} errors={errorsOf(result, "repaymentMethod")}>
                    <Select
                      id="approve-method"
                      value={method}
                      onChange={setMethod}
                      options={p.repaymentMethods.map((m) => ({ value: m, label: t(`loans.methods.${m}`) }))}
                    />
                  </Field>
                </Col>
              </Row>
              <Field id="approve-note" label={t("applications.note")}>
                <Input id="approve-note" name="note" maxLength={500} placeholder={t("applications.notePlaceholder")} />
              </Field>
              <Button type="primary" htmlType="submit" loading={submitting("approve")} data-testid="command-approve">
                {t("applications.commands.approve")}
              </Button>
            </AntForm>
          </Form>
        </Card>
      )}
      {has("decline") && (
        <Card size="small" title={t("applications.commands.decline")}>
          <Form method="post" preventScrollReset data-testid="decline-form">
            <CsrfInput />
            <input type="hidden" name="intent" value="decline" />
            <input type="hidden" name="commandKey" value={commandKey} />
            <input type="hidden" name="reasonCode" value={reason} />
            <AntForm layout="vertical" component={false}>
              <Row gutter={16}>
                <Col xs={24} md={10}>
                  <Field id="decline-reason" label={t("applications.declineReason")} errors={errorsOf(result, "reasonCode")}>
                    <Select
                      id="decline-reason"
                      value={reason}
                      onChange={setReason}
                      options={DECLINE_REASONS.map((r) => ({ value: r, label: t(`applications.declineReasons.${r}`) }))}
                    />
                  </Field>
                </Col>
                <Col xs={24} md={14}>
                  <Field id="decline-note" label={t("applications.note")}>
                    <Input id="decline-note" name="note" maxLength={500} placeholder={t("applications.notePlaceholder")} />
                  </Field>
                </Col>
              </Row>
              <Button danger htmlType="submit" loading={submitting("decline")} data-testid="command-decline">
                {t("applications.commands.decline")}
              </Button>
            </AntForm>
          </Form>
        </Card>
      )}
      {has("disburse") && (
        <Card size="small" title={t("applications.disburseTitle")}>
          <Typography.Paragraph type="secondary">{t("applications.disburseHelp")}</Typography.Paragraph>
          <Form method="post" preventScrollReset data-testid="disburse-form">
            <CsrfInput />
            <input type="hidden" name="intent" value="disburse" />
            <input type="hidden" name="commandKey" value={commandKey} />
            <input type="hidden" name="disbursedOn" value={disbursedOn} />
            <AntForm layout="vertical" component={false}>
              <Row gutter={16}>
                <Col xs={24} md={8}>
                  <Field id="disbursed-on" label={t("applications.disbursedOn")} errors={errorsOf(result, "disbursedOn")}>
                    <DatePicker
                      id="disbursed-on"
                      style={{ width: "100%" }}
                      value={dayjs(disbursedOn)}
                      allowClear={false}
                      disabledDate={(d) => d.format("YYYY-MM-DD") > today}
                      onChange={(d) => d && setDisbursedOn(d.format("YYYY-MM-DD"))}
                    />
                  </Field>
                </Col>
                <Col xs={24} md={16}>
                  <Field id="bank-reference" label={t("applications.bankReference")} errors={errorsOf(result, "bankReference")}>
                    <Input id="bank-reference" name="bankReference" maxLength={64} />
                  </Field>
                </Col>
              </Row>
              <Button type="primary" htmlType="submit" loading={submitting("disburse")} data-testid="command-disburse">
                {t("applications.commands.disburse")}
              </Button>
            </AntForm>
          </Form>
        </Card>
      )}
    </Space>
  );
}

function SmeActions({ app, commandKey }: { app: ApplicationDetail; commandKey: string }) {
  const { t } = useTranslation();
  const has = (c: string) => (app.commands as string[]).includes(c);
  if (!has("acceptOffer") && !has("withdraw")) return null;
  return (
    <Flex gap={12} wrap>
      {has("acceptOffer") && (
        <CommandButton
          intent="acceptOffer"
          commandKey={commandKey}
          label={t("applications.commands.acceptOffer")}
          confirm={t("applications.acceptOfferConfirm")}
          primary
        />
      )}
      {has("withdraw") && (
        <CommandButton
          intent="withdraw"
          commandKey={commandKey}
          label={t("applications.commands.withdraw")}
          confirm={t("applications.withdrawConfirm")}
          danger
        />
      )}
    </Flex>
  );
}

function Reroute({ app, commandKey, result }: { app: ApplicationDetail; commandKey: string; result: Result }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === "zh-CN";
  const navigation = useNavigation();
  const [picked, setPicked] = useState<string[]>(app.alternatives.slice(0, 1).map((a) => a.productId));
  return (
    <Card title={t("applications.rerouteTitle")} data-testid="reroute">
      {app.alternatives.length === 0 ? (
        <Alert type="info" showIcon title={t("applications.rerouteNone")} />
      ) : (
        <Form method="post" preventScrollReset>
          <CsrfInput />
          <input type="hidden" name="intent" value="reroute" />
          <input type="hidden" name="commandKey" value={commandKey} />
          {picked.map((id) => (
            <input key={id} type="hidden" name="productIds" value={id} />
          ))}
          <Typography.Paragraph type="secondary">{t("applications.rerouteHelp", { max: REROUTE_MAX_PICKS })}</Typography.Paragraph>
          <Checkbox.Group value={picked} onChange={(v) => setPicked((v as string[]).slice(0, REROUTE_MAX_PICKS))} style={{ width: "100%" }}>
            <Space orientation="vertical">
              {app.alternatives.map((a) => (
                <Checkbox key={a.productId} value={a.productId} disabled={!picked.includes(a.productId) && picked.length >= REROUTE_MAX_PICKS}>
                  <strong>{zh ? a.productNameZh : (a.productNameEn ?? a.productNameZh)}</strong> · {zh ? a.bankNameZh : a.bankNameEn}
                  <div>
                    <Typography.Text type="secondary">
                      {t("applications.rerouteRank", { rank: a.rank, score: Math.round(a.score / 10), rate: formatRateBps(a.expectedRateBps) })}
                    </Typography.Text>
                  </div>
                </Checkbox>
              ))}
            </Space>
          </Checkbox.Group>
          {fieldError(t, result, "productIds") && <Alert type="error" showIcon title={fieldError(t, result, "productIds")} style={{ marginTop: 12 }} />}
          <div style={{ marginTop: 16 }}>
            <Button type="primary" htmlType="submit" disabled={picked.length === 0} loading={navigation.state === "submitting"} data-testid="command-reroute">
              {t("applications.rerouteSubmit")}
            </Button>
          </div>
        </Form>
      )}
    </Card>
  );
}

function LoanSection({
  app,
  commandKey,
  result,
  canRepay,
  today,
}: {
  app: ApplicationDetail;
  commandKey: string;
  result: Result;
  canRepay: boolean;
  today: string;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const navigation = useNavigation();
  const [receivedOn, setReceivedOn] = useState(today);
  const loan = app.loan!;
  const money = (fen: string | bigint) => formatMoneyFen(fen, locale);
  const principal = BigInt(loan.principalFen);
  const repaidPercent = Number(((principal - BigInt(loan.outstandingPrincipalFen)) * 1000n) / principal) / 10;
  const totals = loan.instalments.reduce(
    (acc, i) => ({
      principal: acc.principal + BigInt(i.principalFen),
      interest: acc.interest + BigInt(i.interestFen),
      paid: acc.paid + BigInt(i.paidPrincipalFen) + BigInt(i.paidInterestFen),
    }),
    { principal: 0n, interest: 0n, paid: 0n },
  );
  const postingTag = (posting: { state: string } | null) =>
    posting ? (
      <Tag color={posting.state === "COMMITTED" ? "success" : posting.state === "FAILED" ? "error" : "processing"}>{t(`loans.posting.${posting.state}`)}</Tag>
    ) : null;
  return (
    <Card title={t("loans.section")} id="loan" data-testid="loan">
      <Descriptions column={{ xs: 1, sm: 2, xxl: 3 }} size="small" bordered>
        <Descriptions.Item label={t("loans.principal")}>{money(loan.principalFen)}</Descriptions.Item>
        <Descriptions.Item label={t("loans.rate")}>{formatRateBps(loan.rateBps)}</Descriptions.Item>
        <Descriptions.Item label={t("loans.term")}>{t("applications.months", { count: loan.termMonths })}</Descriptions.Item>
        <Descriptions.Item label={t("loans.method")}>{t(`loans.methods.${loan.repaymentMethod}`)}</Descriptions.Item>
        <Descriptions.Item label={t("loans.disbursedOn")}>{loan.disbursedOn}</Descriptions.Item>
        <Descriptions.Item label={t("loans.maturityOn")}>{loan.maturityOn}</Descriptions.Item>
        <Descriptions.Item label={t("loans.outstanding")}>
          <span data-testid="loan-outstanding">{money(loan.outstandingPrincipalFen)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t("applications.columns.status")}>
          <Flex gap={4} wrap>
            <ApplicationStatusTag status={loan.status} kind="loan" />
            {loan.firstTimeBorrower && <Tag>{t("loans.firstTimeBorrower")}</Tag>}
            {loan.pureCredit && <Tag>{t("loans.pureCredit")}</Tag>}
          </Flex>
        </Descriptions.Item>
        <Descriptions.Item label={t("loans.daysPastDue")}>
          <Typography.Text type={loan.daysPastDue > 0 ? "danger" : undefined}>{loan.daysPastDue}</Typography.Text>
        </Descriptions.Item>
        {loan.bankReference && <Descriptions.Item label={t("loans.bankReference")}>{loan.bankReference}</Descriptions.Item>}
        <Descriptions.Item label={t("loans.ledger")}>
          <span data-testid="disbursement-posting">{postingTag(loan.disbursementPosting)}</span>
        </Descriptions.Item>
        {loan.ledgerCheck && (
          <Descriptions.Item label={t("loans.ledgerCheck")}>
            <span data-testid="ledger-check" data-state={loan.ledgerCheck.state}>
              {loan.ledgerCheck.state === "agrees" ? (
                <Tag color="success">
                  {t("loans.ledgerAgrees", { principal: money(loan.ledgerCheck.principalFen), interest: money(loan.ledgerCheck.interestFen) })}
                </Tag>
              ) : loan.ledgerCheck.state === "posting" ? (
                <Tag color="processing">{t("loans.ledgerPosting", { count: loan.ledgerCheck.pending })}</Tag>
              ) : (
                <Tag color="error">
                  {t("loans.ledgerDiffers", {
                    principal: money(loan.ledgerCheck.principalFen),
                    expected: money(loan.ledgerCheck.expectedPrincipalFen),
                    failed: loan.ledgerCheck.failed,
                  })}
                </Tag>
              )}
            </span>
          </Descriptions.Item>
        )}
      </Descriptions>
      <div style={{ margin: "16px 0" }}>
        <Progress
          percent={repaidPercent}
          format={() => t("loans.progress", { percent: repaidPercent })}
          aria-label={t("loans.progress", { percent: repaidPercent })}
        />
        {loan.payoffFen && <Typography.Text type="secondary">{t("loans.payoff", { day: loan.today, amount: money(loan.payoffFen) })}</Typography.Text>}
      </div>

      <Typography.Title level={4}>{t("loans.schedule")}</Typography.Title>
      <Typography.Paragraph type="secondary">{t("loans.scheduleNote")}</Typography.Paragraph>
      <Table
        data-testid="schedule"
        size="small"
        rowKey="seq"
        pagination={loan.instalments.length > 24 ? { pageSize: 24, showSizeChanger: false } : false}
        scroll={{ x: "max-content" }}
        dataSource={loan.instalments}
        columns={[
          { title: t("loans.scheduleColumns.seq"), dataIndex: "seq", width: 60 },
          { title: t("loans.scheduleColumns.dueOn"), dataIndex: "dueOn" },
          { title: t("loans.scheduleColumns.principal"), key: "p", align: "right", render: (_, i) => money(i.principalFen) },
          { title: t("loans.scheduleColumns.interest"), key: "i", align: "right", render: (_, i) => money(i.interestFen) },
          { title: t("loans.scheduleColumns.total"), key: "t", align: "right", render: (_, i) => money(BigInt(i.principalFen) + BigInt(i.interestFen)) },
          {
            title: t("loans.scheduleColumns.paid"),
            key: "paid",
            align: "right",
            render: (_, i) => money(BigInt(i.paidPrincipalFen) + BigInt(i.paidInterestFen)),
          },
          {
            title: t("loans.scheduleColumns.status"),
            key: "s",
            render: (_, i) =>
              i.pastDue ? (
                <Tag color="error">{t("loans.instalmentStatus.PAST_DUE")}</Tag>
              ) : (
                <Tag color={i.status === "PAID" ? "success" : i.status === "PARTIALLY_PAID" ? "processing" : undefined}>
                  {t(`loans.instalmentStatus.${i.status}`)}
                </Tag>
              ),
          },
        ]}
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0} colSpan={2}>
              <strong>{t("loans.totalRow")}</strong>
            </Table.Summary.Cell>
            <Table.Summary.Cell index={2} align="right">
              <strong data-testid="schedule-total-principal">{money(totals.principal)}</strong>
            </Table.Summary.Cell>
            <Table.Summary.Cell index={3} align="right">
              <strong>{money(totals.interest)}</strong>
            </Table.Summary.Cell>
            <Table.Summary.Cell index={4} align="right">
              <strong>{money(totals.principal + totals.interest)}</strong>
            </Table.Summary.Cell>
            <Table.Summary.Cell index={5} align="right">
              <strong>{money(totals.paid)}</strong>
            </Table.Summary.Cell>
            <Table.Summary.Cell index={6} />
          </Table.Summary.Row>
        )}
      />

      <Typography.Title level={4} style={{ marginTop: 24 }}>
        {t("loans.repayments")}
      </Typography.Title>
      {loan.repayments.length === 0 ? (
        <Typography.Paragraph type="secondary">{t("loans.noRepayments")}</Typography.Paragraph>
      ) : (
        <Table
          data-testid="repayments"
          size="small"
          rowKey="id"
          pagination={false}
          scroll={{ x: "max-content" }}
          dataSource={loan.repayments}
          columns={[
            { title: t("loans.repaymentColumns.receivedOn"), dataIndex: "receivedOn" },
            { title: t("loans.repaymentColumns.amount"), key: "a", align: "right", render: (_, r) => money(r.amountFen) },
            { title: t("loans.repaymentColumns.principal"), key: "p", align: "right", render: (_, r) => money(r.principalFen) },
            { title: t("loans.repaymentColumns.interest"), key: "i", align: "right", render: (_, r) => money(r.interestFen) },
            { title: t("loans.repaymentColumns.reference"), key: "ref", render: (_, r) => r.bankReference ?? "—" },
            { title: t("loans.repaymentColumns.ledger"), key: "l", render: (_, r) => postingTag(r.posting) },
          ]}
        />
      )}

      {canRepay && app.side === "bank" && loan.status !== "REPAID" && (
        <Card size="small" title={t("loans.repayTitle")} style={{ marginTop: 16 }}>
          <Typography.Paragraph type="secondary">{t("loans.repayHelp")}</Typography.Paragraph>
          <Form method="post" preventScrollReset data-testid="repay-form">
            <CsrfInput />
            <input type="hidden" name="intent" value="repay" />
            <input type="hidden" name="commandKey" value={commandKey} />
            <input type="hidden" name="receivedOn" value={receivedOn} />
            <AntForm layout="vertical" component={false}>
              <Row gutter={16}>
                <Col xs={24} md={8}>
                  <Field id="repay-amount" label={t("loans.repayAmount")} errors={errorsOf(result, "amount")}>
                    <Input id="repay-amount" name="amount" inputMode="decimal" suffix="元" autoComplete="off" />
                  </Field>
                </Col>
                <Col xs={24} md={8}>
                  <Field id="received-on" label={t("loans.receivedOn")} errors={errorsOf(result, "receivedOn")}>
                    <DatePicker
                      id="received-on"
                      style={{ width: "100%" }}
                      value={dayjs(receivedOn)}
                      allowClear={false}
                      disabledDate={(d) => d.format("YYYY-MM-DD") > today || d.format("YYYY-MM-DD") < loan.disbursedOn}
                      onChange={(d) => d && setReceivedOn(d.format("YYYY-MM-DD"))}
                    />
                  </Field>
                </Col>
                <Col xs={24} md={8}>
                  <Field id="repay-reference" label={t("loans.repayReference")} errors={errorsOf(result, "bankReference")}>
                    <Input id="repay-reference" name="bankReference" maxLength={64} />
                  </Field>
                </Col>
              </Row>
              <Button type="primary" htmlType="submit" loading={navigation.state === "submitting"} data-testid="command-repay">
                {t("loans.repaySubmit")}
              </Button>
            </AntForm>
          </Form>
        </Card>
      )}
    </Card>
  );
}

export default function ApplicationPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const [params] = useSearchParams();
  const { application: app, commandKey, today, canRepay } = loaderData;
  const result = actionData?.result as Result;
  const money = (fen: string) => formatMoneyFen(fen, locale);
  const done = actionData?.done ?? (params.get("done") === "submitted" ? "submitted" : null);
  const declineReason = app.decline ? t(`applications.declineReasons.${app.decline.reasonCode}`) + (app.decline.note ? `（${app.decline.note}）` : "") : "";
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <div>
        <Link to="/app/applications">← {t("applications.back")}</Link>
        <Flex align="center" gap={12} wrap style={{ marginTop: 8 }}>
          <Typography.Title level={2} style={{ margin: 0 }}>
            {zh ? app.product.nameZh : (app.product.nameEn ?? app.product.nameZh)}
          </Typography.Title>
          <ApplicationStatusTag status={app.status} />
          {app.overdue && <Tag color="red">{t("applications.overdue")}</Tag>}
        </Flex>
      </div>

      {done && (
        <Alert
          type="success"
          showIcon
          role="status"
          data-testid="command-done"
          title={done === "submitted" ? t("applications.submitted") : t(`applications.done.${done}`, { count: actionData?.count ?? 0 })}
        />
      )}
      <FormError errors={result?.error?.[""] ?? undefined} />
      {app.overdue && (
        <Alert
          type="warning"
          showIcon
          title={t(app.side === "sme" ? "applications.overdueAlertSme" : "applications.overdueAlert", { time: formatDeadline(app.respondBy) })}
        />
      )}
      {app.status === "DECLINED" && (
        <Alert
          type="error"
          showIcon
          data-testid="declined"
          title={t(app.side === "sme" ? "applications.declinedAlertSme" : "applications.declinedAlert", { reason: declineReason })}
        />
      )}
      {app.status === "OFFER_LAPSED" && <Alert type="warning" showIcon title={t("applications.lapsedAlert")} />}
      {app.reroutedFromId && (
        <Alert
          type="info"
          showIcon
          title={t("applications.reroutedFrom")}
          action={<Link to={`/app/applications/${app.reroutedFromId}`}>{t("applications.viewOriginal")}</Link>}
        />
      )}
      {app.reroutedTo.length > 0 && (
        <Alert
          type="info"
          showIcon
          title={
            <span>
              {t("applications.reroutedTo")}{" "}
              {app.reroutedTo.map((r, i) => (
                <span key={r.id}>
                  {i > 0 && "、"}
                  <Link to={`/app/applications/${r.id}`}>{zh ? r.bankNameZh : r.bankNameEn}</Link>
                </span>
              ))}
            </span>
          }
        />
      )}

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Space orientation="vertical" size={16} style={{ width: "100%" }}>
            <Card title={t("applications.summary")}>
              <Descriptions column={{ xs: 1, md: 2 }} size="small">
                <Descriptions.Item label={t("applications.columns.enterprise")}>
                  {app.enterprise.name}
                  {app.side === "bank" && app.authorisationLive && (
                    <>
                      {" "}
                      · <Link to={`/app/credit-reports/${app.enterprise.id}`}>{t("applications.viewReport")}</Link>
                    </>
                  )}
                </Descriptions.Item>
                <Descriptions.Item label={t("applications.columns.bank")}>{zh ? app.bank.nameZh : app.bank.nameEn}</Descriptions.Item>
                {app.enterprise.grade && (
                  <Descriptions.Item label={t("applications.creditGrade")}>
                    <Tag>{app.enterprise.grade}</Tag>
                    {app.enterprise.score !== null && (
                      <Typography.Text type="secondary">{t("applications.creditScore", { score: app.enterprise.score })}</Typography.Text>
                    )}
                  </Descriptions.Item>
                )}
                <Descriptions.Item label={t("applications.requested")}>
                  {t("applications.requestedValue", { amount: money(app.requested.amountFen), months: app.requested.termMonths })}
                </Descriptions.Item>
                <Descriptions.Item label={t("applications.columns.submittedAt")}>{formatDateTime(app.submittedAt)}</Descriptions.Item>
                <Descriptions.Item label={t("applications.respondBy")}>
                  <Typography.Text type={app.overdue ? "danger" : undefined}>{formatDeadline(app.respondBy)}</Typography.Text>
                </Descriptions.Item>
                {app.respondedAt && (
                  <Descriptions.Item label={t("applications.respondedAt")}>
                    {formatDateTime(app.respondedAt)}
                    {app.respondedLate && t("applications.respondedLate")}
                  </Descriptions.Item>
                )}
                {app.product.requiredMaterials.length > 0 && (
                  <Descriptions.Item label={t("applications.materials")} span={2}>
                    {app.product.requiredMaterials.join("、")}
                  </Descriptions.Item>
                )}
                <Descriptions.Item label={t("applications.authorisation")}>
                  {app.authorisationLive ? t("applications.authorisationLive") : t("applications.authorisationEnded")}
                </Descriptions.Item>
                {app.approved && (
                  <Descriptions.Item label={t("applications.offer")} span={2}>
                    <span data-testid="offer">
                      {t("applications.offerValue", {
                        amount: money(app.approved.amountFen),
                        rate: formatRateBps(app.approved.rateBps),
                        months: app.approved.termMonths,
                        method: t(`loans.methods.${app.approved.repaymentMethod}`),
                      })}
                    </span>
                    {app.status === "APPROVED" && app.approved.offerExpiresAt && (
                      <div>
                        <Typography.Text type="secondary">
                          {t("applications.offerExpires", { time: formatDateTime(app.approved.offerExpiresAt) })}
                        </Typography.Text>
                      </div>
                    )}
                    {app.offerPreview && (
                      <div data-testid="offer-preview">
                        <Typography.Text type="secondary">
                          {t("applications.offerPreview", {
                            first: money(app.offerPreview.firstFen),
                            last: money(app.offerPreview.lastFen),
                            count: app.offerPreview.instalments,
                            interest: money(app.offerPreview.interestFen),
                          })}
                        </Typography.Text>
                      </div>
                    )}
                  </Descriptions.Item>
                )}
              </Descriptions>
            </Card>

            {app.side && app.commands.length > 0 && (
              <Card title={t("applications.actions")} data-testid="actions">
                {app.side === "bank" ? (
                  <BankActions app={app} commandKey={commandKey} result={result} today={today} />
                ) : (
                  <SmeActions app={app} commandKey={commandKey} />
                )}
              </Card>
            )}
            {!app.side && <Alert type="info" showIcon title={t("applications.readOnly")} />}
            {app.reroutable && <Reroute app={app} commandKey={commandKey} result={result} />}
            {app.loan && <LoanSection app={app} commandKey={commandKey} result={result} canRepay={canRepay} today={today} />}
          </Space>
        </Col>
        <Col xs={24} lg={8}>
          <Card title={t("applications.timeline")}>
            <Timeline
              data-testid="timeline"
              items={app.events.map((e) => ({
                key: e.id,
                color: e.toStatus === "DECLINED" ? "red" : e.toStatus === "DISBURSED" ? "green" : "blue",
                content: (
                  <div>
                    <strong>{t(`applications.events.${e.toStatus}`)}</strong>
                    {e.reasonCode && (
                      <div>
                        {DECLINE_REASONS.includes(e.reasonCode as never)
                          ? t(`applications.declineReasons.${e.reasonCode}`)
                          : t(`applications.eventReason.${e.reasonCode}`, { defaultValue: e.reasonCode })}
                      </div>
                    )}
                    {e.note && <div>{e.note}</div>}
                    <div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {formatDateTime(e.at)} · {e.actor ?? t("applications.system")}
                      </Typography.Text>
                    </div>
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

import { parseWithZod } from "@conform-to/zod/v4";
import { Form as AntForm, Alert, Button, Card, Col, DatePicker, Descriptions, Flex, Input, Row, Space, Table, Tag, Timeline, Typography } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Form, Link, data, useNavigation, useSearchParams } from "react-router";
import type { Route } from "./+types/claim";
import { CommandButton } from "~/components/CommandButton";
import { CsrfInput, Field, FormError, translateError } from "~/components/forms";
import { fenToYuanText } from "~/components/needs/need-values";
import { platformToday } from "~/domain/credit/build-snapshot";
import { DomainError } from "~/domain/errors";
import { decideClaim, recordRecovery } from "~/domain/fund/claims.server";
import { loadClaim, type ClaimDetail } from "~/domain/fund/load-claims.server";
import { formatDateTime, formatDeadline, formatMoneyFen, formatRateBps } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { CLAIM_LIMITS, CLAIM_STATUS_COLORS, ClaimCommandFormSchema, type ClaimIntent } from "~/schemas/claims";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";
import { revalidateAfterConflict } from "~/web/revalidate";

export const meta: Route.MetaFunction = () => [{ title: "补偿申请详情 · 信易贷" }];

const VIEW_PERMISSIONS = ["file:claim:institution", "decide:claim:any", "read:ledger:any"] as const;

/** Domain refusals that belong to one field rather than to the whole form. */
const FIELD_OF_ERROR: Record<string, string> = { "fund.approvedOutOfRange": "amount", "fund.amountNotPositive": "amount", "fund.reasonRequired": "reason" };

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, ...VIEW_PERMISSIONS);
  const detail = await orHttpError(() => loadClaim({ actor, claimId: params.claimId }));
  // A fresh key per page view: a recovery sent twice (a double click, a retry) is recorded once.
  return {
    ...detail,
    commandKey: crypto.randomUUID(),
    today: platformToday(),
    canViewFund: actor.permissions.has("manage:fund:any") || actor.permissions.has("read:ledger:any"),
  };
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const actor = requirePermission(request, context, ...VIEW_PERMISSIONS);
  const submission = parseWithZod(await request.formData(), { schema: ClaimCommandFormSchema });
  const submitted = typeof submission.payload.intent === "string" ? submission.payload.intent : null;
  if (submission.status !== "success") return data({ result: submission.reply(), intent: submitted, done: null }, { status: 400 });
  const input = submission.value;
  const ip = clientIp(request);
  const claimId = params.claimId;
  const outcome = await withDomainErrors(async () => {
    switch (input.intent) {
      case "approveFull":
        await decideClaim({ actor, claimId, decision: { kind: "approve" }, ip });
        return;
      case "approvePart":
        await decideClaim({ actor, claimId, decision: { kind: "approve", approvedFen: input.amount, reason: input.reason }, ip });
        return;
      case "reject":
        await decideClaim({ actor, claimId, decision: { kind: "reject", reason: input.reason }, ip });
        return;
      case "recover": {
        // Recoveries belong to the loan; they are recorded here once this claim was paid, by the bank that filed it.
        const loaded = await loadClaim({ actor, claimId });
        if (loaded.side !== "bank") throw new DomainError("forbidden", { status: 403 });
        if (!loaded.commands.includes("recover")) throw new DomainError("fund.claimNotApproved", { status: 409, params: { status: loaded.claim.status } });
        await recordRecovery({
          actor,
          loanId: loaded.loan.id,
          input: { amountFen: input.amount, receivedOn: input.receivedOn },
          idempotencyKey: input.commandKey,
          ip,
        });
        return;
      }
    }
  });
  if (!outcome.ok) {
    const field = FIELD_OF_ERROR[outcome.formError.split("|", 1)[0]!];
    const result = field ? submission.reply({ fieldErrors: { [field]: [outcome.formError] } }) : submission.reply({ formErrors: [outcome.formError] });
    return data({ result, intent: input.intent, done: null }, { status: outcome.status });
  }
  return { result: submission.reply({ resetForm: true }), intent: input.intent, done: input.intent };
}

export const shouldRevalidate = revalidateAfterConflict;

type Result = { error?: Record<string, string[] | null> | null } | undefined;

function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={CLAIM_STATUS_COLORS[status]} data-testid="claim-status" data-status={status}>
      {t(`claims.status.${status}`)}
    </Tag>
  );
}

function PostingTag({ state }: { state: string | null }) {
  const { t } = useTranslation();
  if (!state) return <Typography.Text type="secondary">—</Typography.Text>;
  return <Tag color={state === "COMMITTED" ? "success" : state === "FAILED" ? "error" : "processing"}>{t(`claims.ledger.state.${state}`)}</Tag>;
}

function OfficeActions({ detail, result, intent }: { detail: ClaimDetail; result: Result; intent: string | null }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const navigation = useNavigation();
  const submitting = (which: ClaimIntent) => navigation.state === "submitting" && navigation.formData?.get("intent") === which;
  const errorsOf = (which: ClaimIntent, name: string) => (intent === which ? (result?.error?.[name] ?? undefined) : undefined);
  const reserved = formatMoneyFen(detail.claim.reservedFen, locale);
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <Flex gap={12} align="center" wrap>
        <CommandButton
          intent="approveFull"
          primary
          label={t("claims.decide.approveFull")}
          confirm={t("claims.decide.approveFullConfirm", { amount: reserved })}
        />
        <Typography.Text type="secondary">{t("claims.decide.approveFullHelp", { amount: reserved })}</Typography.Text>
      </Flex>
      <Card size="small" title={t("claims.decide.approvePart")}>
        <Form method="post" preventScrollReset data-testid="approve-part-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="approvePart" />
          <AntForm layout="vertical" component={false}>
            <Row gutter={16}>
              <Col xs={24} md={8}>
                <Field
                  id="approve-amount"
                  label={t("claims.decide.amount")}
                  errors={errorsOf("approvePart", "amount")}
                  help={t("claims.decide.amountHelp", { amount: reserved })}
                  required
                >
                  <Input
                    id="approve-amount"
                    name="amount"
                    inputMode="decimal"
                    autoComplete="off"
                    suffix="元"
                    defaultValue={fenToYuanText(detail.claim.reservedFen)}
                  />
                </Field>
              </Col>
              <Col xs={24} md={16}>
                <Field id="approve-reason" label={t("claims.decide.reason")} errors={errorsOf("approvePart", "reason")} required>
                  <Input.TextArea
                    id="approve-reason"
                    name="reason"
                    rows={2}
                    maxLength={CLAIM_LIMITS.reasonMax}
                    placeholder={t("claims.decide.partReasonPlaceholder")}
                  />
                </Field>
              </Col>
            </Row>
            <Button type="primary" ghost htmlType="submit" loading={submitting("approvePart")} data-testid="command-approvePart">
              {t("claims.decide.approvePartSubmit")}
            </Button>
          </AntForm>
        </Form>
      </Card>
      <Card size="small" title={t("claims.decide.reject")}>
        <Form method="post" preventScrollReset data-testid="reject-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="reject" />
          <AntForm layout="vertical" component={false}>
            <Field id="reject-reason" label={t("claims.decide.reason")} errors={errorsOf("reject", "reason")} help={t("claims.decide.rejectHelp")} required>
              <Input.TextArea
                id="reject-reason"
                name="reason"
                rows={2}
                maxLength={CLAIM_LIMITS.reasonMax}
                placeholder={t("claims.decide.rejectReasonPlaceholder")}
              />
            </Field>
            <Button danger htmlType="submit" loading={submitting("reject")} data-testid="command-reject">
              {t("claims.decide.rejectSubmit")}
            </Button>
          </AntForm>
        </Form>
      </Card>
    </Space>
  );
}

function RecoveryForm({ commandKey, today, result, intent }: { commandKey: string; today: string; result: Result; intent: string | null }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const [receivedOn, setReceivedOn] = useState(today);
  const errorsOf = (name: string) => (intent === "recover" ? (result?.error?.[name] ?? undefined) : undefined);
  return (
    // Keyed by the page's command key: a recorded recovery clears the form for the next one.
    <Form key={commandKey} method="post" preventScrollReset data-testid="recover-form">
      <CsrfInput />
      <input type="hidden" name="intent" value="recover" />
      <input type="hidden" name="commandKey" value={commandKey} />
      <input type="hidden" name="receivedOn" value={receivedOn} />
      <AntForm layout="vertical" component={false}>
        <Row gutter={16}>
          <Col xs={24} md={10}>
            <Field id="recover-amount" label={t("claims.recovery.amount")} errors={errorsOf("amount")} required>
              <Input id="recover-amount" name="amount" inputMode="decimal" autoComplete="off" suffix="元" />
            </Field>
          </Col>
          <Col xs={24} md={10}>
            <Field id="recover-received-on" label={t("claims.recovery.receivedOn")} errors={errorsOf("receivedOn")} required>
              <DatePicker
                id="recover-received-on"
                style={{ width: "100%" }}
                value={dayjs(receivedOn)}
                allowClear={false}
                disabledDate={(d) => d.format("YYYY-MM-DD") > today}
                onChange={(d) => d && setReceivedOn(d.format("YYYY-MM-DD"))}
              />
            </Field>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={navigation.state === "submitting"} data-testid="command-recover">
          {t("claims.recovery.submit")}
        </Button>
      </AntForm>
    </Form>
  );
}

export default function ClaimPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const [params] = useSearchParams();
  const { claim, loan, rule, fund, bank, sharing, ledger, side, commands, commandKey, today } = loaderData;
  const result = actionData?.result as Result;
  const intent = actionData?.intent ?? null;
  const money = (fen: string | bigint | null) => (fen === null ? "—" : formatMoneyFen(fen, locale));
  const done = actionData?.done ?? (params.get("done") === "filed" ? "filed" : null);
  const decided = claim.status === "APPROVED" || claim.status === "PARTIALLY_APPROVED" || claim.status === "REJECTED";
  const paid = claim.status === "APPROVED" || claim.status === "PARTIALLY_APPROVED";
  // The fund's share of each recovery: what it paid of the loss.
  const shareBps = claim.approvedFen && BigInt(claim.lossFen) > 0n ? Number((BigInt(claim.approvedFen) * 10_000n) / BigInt(claim.lossFen)) : null;
  // A cap or balance the fund names, else the ledger's own status.
  const refusal = claim.refusal
    ? i18n.exists(`errors.${claim.refusal}`)
      ? translateError(t, claim.refusal)
      : t("claims.refusalOther", { code: claim.refusal })
    : null;

  const timeline = [
    {
      key: "filed",
      color: "blue",
      content: (
        <div>
          <strong>{t("claims.timeline.filed")}</strong>
          <div>{t("claims.timeline.filedDetail", { loss: money(claim.lossFen), reserved: money(claim.reservedFen) })}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {formatDateTime(claim.filedAt)} · {claim.filedBy ?? t("claims.system")}
          </Typography.Text>
        </div>
      ),
    },
    claim.status === "REFUSED"
      ? {
          key: "refused",
          color: "red",
          content: (
            <div>
              <strong>{t("claims.timeline.refused")}</strong>
              {refusal && <div>{refusal}</div>}
            </div>
          ),
        }
      : claim.status === "RESERVING"
        ? { key: "reserving", color: "gray", content: <strong>{t("claims.timeline.reserving")}</strong> }
        : {
            key: "reserved",
            color: "blue",
            content: (
              <div>
                <strong>{t("claims.timeline.reserved", { amount: money(claim.reservedFen) })}</strong>
                {claim.reservationSettledAt && (
                  <div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(claim.reservationSettledAt)}
                    </Typography.Text>
                  </div>
                )}
              </div>
            ),
          },
    decided && claim.decidedAt
      ? {
          key: "decided",
          color: claim.status === "REJECTED" ? "red" : "green",
          content: (
            <div>
              <strong>{t(`claims.timeline.${claim.status}`, { amount: money(claim.approvedFen) })}</strong>
              {claim.decisionReason && <div data-testid="decision-reason">{claim.decisionReason}</div>}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatDateTime(claim.decidedAt)} · {claim.decidedBy ?? t("claims.system")}
                {claim.decidedLate && ` · ${t("claims.decidedLate")}`}
              </Typography.Text>
            </div>
          ),
        }
      : claim.status === "RESERVED"
        ? {
            key: "awaiting",
            color: claim.overdue ? "red" : "gray",
            content: <strong>{t("claims.timeline.awaiting", { time: formatDeadline(claim.decideBy) })}</strong>,
          }
        : null,
    ...loaderData.recoveries.map((r) => ({
      key: r.id,
      color: "green",
      content: (
        <div>
          <strong>{t("claims.timeline.recovery", { amount: money(r.amountFen), share: money(r.fundShareFen) })}</strong>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.receivedOn} · {r.recordedBy ?? t("claims.system")}
            </Typography.Text>
          </div>
        </div>
      ),
    })),
  ].filter((item): item is NonNullable<typeof item> => item !== null);

  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <div>
        <Link to="/app/claims">← {t("claims.back")}</Link>
        <Flex align="center" gap={12} wrap style={{ marginTop: 8 }}>
          <Typography.Title level={2} style={{ margin: 0 }}>
            {t("claims.detailTitle", { enterprise: loan.enterpriseName })}
          </Typography.Title>
          <StatusTag status={claim.status} />
          {claim.overdue && <Tag color="red">{t("claims.overdue")}</Tag>}
        </Flex>
      </div>

      {done && <Alert type="success" showIcon role="status" data-testid="command-done" title={t(`claims.done.${done}`)} />}
      <FormError errors={result?.error?.[""] ?? undefined} />
      {claim.status === "REFUSED" && (
        <Alert type="error" showIcon data-testid="claim-refused" title={t("claims.refusedAlert")} description={refusal ?? undefined} />
      )}
      {claim.status === "RESERVING" && <Alert type="info" showIcon title={t("claims.reservingAlert")} />}
      {claim.overdue && (
        <Alert
          type="warning"
          showIcon
          data-testid="claim-overdue"
          title={t(side === "office" ? "claims.overdueAlertOffice" : "claims.overdueAlertBank", { time: formatDeadline(claim.decideBy) })}
        />
      )}

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Space orientation="vertical" size={16} style={{ width: "100%" }}>
            <Card title={t("claims.summary")}>
              <Descriptions column={{ xs: 1, md: 2 }} size="small" data-testid="claim-summary">
                <Descriptions.Item label={t("claims.columns.enterprise")}>{loan.enterpriseName}</Descriptions.Item>
                <Descriptions.Item label={t("claims.columns.bank")}>{zh ? bank.nameZh : bank.nameEn}</Descriptions.Item>
                <Descriptions.Item label={t("claims.columns.loss")}>
                  <span data-testid="claim-loss">{money(claim.lossFen)}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t("claims.columns.reserved")}>
                  <span data-testid="claim-reserved">{money(claim.reservedFen)}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t("claims.columns.approved")}>
                  <span data-testid="claim-approved">{money(claim.approvedFen)}</span>
                </Descriptions.Item>
                {claim.releasedFen !== null && <Descriptions.Item label={t("claims.released")}>{money(claim.releasedFen)}</Descriptions.Item>}
                <Descriptions.Item label={t("claims.columns.filedAt")}>{formatDateTime(claim.filedAt)}</Descriptions.Item>
                <Descriptions.Item label={t("claims.columns.decideBy")}>
                  <Typography.Text type={claim.overdue ? "danger" : undefined} data-testid="claim-decide-by">
                    {formatDeadline(claim.decideBy)}
                  </Typography.Text>
                  <Typography.Text type="secondary"> {t("claims.workingDays", { count: claim.decisionWorkingDays })}</Typography.Text>
                </Descriptions.Item>
                {claim.decidedAt && (
                  <Descriptions.Item label={t("claims.decidedAt")}>
                    {formatDateTime(claim.decidedAt)}
                    {claim.decidedBy && ` · ${claim.decidedBy}`}
                  </Descriptions.Item>
                )}
                {claim.decisionReason && (
                  <Descriptions.Item label={t("claims.decisionReason")} span={2}>
                    {claim.decisionReason}
                  </Descriptions.Item>
                )}
                <Descriptions.Item label={t("claims.claimYear")}>{claim.year}</Descriptions.Item>
              </Descriptions>
            </Card>

            {commands.length > 0 && side === "office" && (
              <Card title={t("claims.decide.title")} data-testid="decide">
                <OfficeActions detail={loaderData} result={result} intent={intent} />
              </Card>
            )}

            <Card title={t("claims.loan.title")}>
              <Descriptions column={{ xs: 1, md: 2 }} size="small">
                <Descriptions.Item label={t("claims.columns.principal")}>{money(loan.principalFen)}</Descriptions.Item>
                <Descriptions.Item label={t("claims.loan.outstanding")}>{money(loan.outstandingFen)}</Descriptions.Item>
                <Descriptions.Item label={t("claims.loan.daysPastDue")}>{t("claims.loan.days", { count: loan.daysPastDue })}</Descriptions.Item>
                <Descriptions.Item label={t("claims.loan.defaultedAt")}>{loan.defaultedAt ? formatDateTime(loan.defaultedAt) : "—"}</Descriptions.Item>
                <Descriptions.Item label={t("claims.loan.disbursedOn")}>{loan.disbursedOn}</Descriptions.Item>
                <Descriptions.Item label={t("claims.loan.application")}>
                  <Link to={`/app/applications/${loan.applicationId}#loan`}>{t("claims.loan.viewLoan")}</Link>
                </Descriptions.Item>
              </Descriptions>
            </Card>

            <Card title={t("claims.rules.title")}>
              <Descriptions column={{ xs: 1, md: 2 }} size="small" data-testid="claim-rules">
                <Descriptions.Item label={t("claims.fund")} span={2}>
                  {loaderData.canViewFund ? <Link to={`/app/funds/${fund.id}`}>{zh ? fund.nameZh : fund.nameEn}</Link> : zh ? fund.nameZh : fund.nameEn}
                </Descriptions.Item>
                {rule && (
                  <>
                    <Descriptions.Item label={t("claims.rules.version")}>
                      {t("claims.rules.versionValue", { version: rule.version, from: formatDateTime(rule.effectiveFrom) })}
                    </Descriptions.Item>
                    <Descriptions.Item label={t("claims.rules.ratio")}>{formatRateBps(rule.ratioBps)}</Descriptions.Item>
                    <Descriptions.Item label={t("claims.rules.capPerLoan")}>{money(rule.capPerLoanFen)}</Descriptions.Item>
                    <Descriptions.Item label={t("claims.rules.capPerBankYear")}>{money(rule.capPerBankYearFen)}</Descriptions.Item>
                  </>
                )}
              </Descriptions>
            </Card>

            <Card title={t("claims.material")}>
              <Typography.Title level={5} style={{ marginTop: 0 }}>
                {t("claims.recoveryActions")}
              </Typography.Title>
              <Typography.Paragraph style={{ whiteSpace: "pre-wrap" }} data-testid="claim-recovery-actions">
                {claim.recoveryActions}
              </Typography.Paragraph>
              <Typography.Title level={5}>{t("claims.evidence")}</Typography.Title>
              {claim.evidence.length === 0 ? (
                <Typography.Text type="secondary">{t("claims.noEvidence")}</Typography.Text>
              ) : (
                <ol data-testid="claim-evidence" style={{ margin: 0, paddingInlineStart: 24 }}>
                  {claim.evidence.map((item, i) => (
                    <li key={i}>{item}</li>
                  ))}
                </ol>
              )}
            </Card>

            {paid && (
              <Card title={t("claims.recovery.title")} data-testid="recoveries">
                <Typography.Paragraph type="secondary">
                  {t("claims.recovery.help", { ratio: shareBps === null ? "—" : formatRateBps(shareBps) })}
                </Typography.Paragraph>
                <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered style={{ marginBottom: 16 }}>
                  <Descriptions.Item label={t("claims.recovery.shareRatio")}>{shareBps === null ? "—" : formatRateBps(shareBps)}</Descriptions.Item>
                  <Descriptions.Item label={t("claims.recovery.paid")}>
                    <span data-testid="sharing-paid">{money(sharing.paidFen)}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={t("claims.recovery.recovered")}>{money(sharing.recoveredFen)}</Descriptions.Item>
                  <Descriptions.Item label={t("claims.recovery.shared")}>
                    <span data-testid="sharing-shared">{money(sharing.sharedFen)}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={t("claims.recovery.recoverable")} span={2}>
                    {money(sharing.recoverableFen)}
                  </Descriptions.Item>
                </Descriptions>
                {loaderData.recoveries.length === 0 ? (
                  <Typography.Paragraph type="secondary">{t("claims.recovery.none")}</Typography.Paragraph>
                ) : (
                  <Table
                    data-testid="recoveries-table"
                    size="small"
                    rowKey="id"
                    pagination={false}
                    scroll={{ x: "max-content" }}
                    dataSource={loaderData.recoveries}
                    columns={[
                      { title: t("claims.recovery.receivedOn"), dataIndex: "receivedOn" },
                      { title: t("claims.recovery.amount"), key: "a", align: "right", render: (_, r) => money(r.amountFen) },
                      { title: t("claims.recovery.fundShare"), key: "s", align: "right", render: (_, r) => money(r.fundShareFen) },
                      { title: t("claims.recovery.recordedBy"), key: "by", render: (_, r) => r.recordedBy ?? "—" },
                      { title: t("claims.ledger.column"), key: "l", render: (_, r) => (BigInt(r.fundShareFen) > 0n ? <PostingTag state={r.posting} /> : "—") },
                    ]}
                  />
                )}
                {commands.includes("recover") && (
                  <Card size="small" type="inner" title={t("claims.recovery.record")} style={{ marginTop: 16 }}>
                    <RecoveryForm commandKey={commandKey} today={today} result={result} intent={intent} />
                  </Card>
                )}
              </Card>
            )}

            <Card title={t("claims.ledger.title")} data-testid="claim-ledger">
              <Typography.Paragraph type="secondary">{t("claims.ledger.help")}</Typography.Paragraph>
              <Descriptions column={{ xs: 1, md: 3 }} size="small" style={{ marginBottom: 16 }}>
                <Descriptions.Item label={t("claims.ledger.reservation")}>
                  <span data-testid="ledger-reservation">
                    <PostingTag state={ledger.reservation} />
                  </span>
                </Descriptions.Item>
                <Descriptions.Item label={t("claims.ledger.settlement")}>
                  <span data-testid="ledger-settlement">
                    <PostingTag state={ledger.settlement} />
                  </span>
                </Descriptions.Item>
                <Descriptions.Item label={t("claims.ledger.recoveries")}>
                  <PostingTag state={ledger.recoveries} />
                </Descriptions.Item>
              </Descriptions>
              <Table
                size="small"
                rowKey="transferId"
                pagination={false}
                scroll={{ x: "max-content" }}
                dataSource={ledger.postings}
                locale={{ emptyText: t("claims.ledger.none") }}
                columns={[
                  { title: t("claims.ledger.stage"), key: "stage", render: (_, p) => t(`claims.ledger.stages.${p.stage}`) },
                  {
                    title: t("claims.ledger.code"),
                    key: "code",
                    render: (_, p) => (
                      <span>
                        {t(`claims.ledger.codes.${p.code}`, { defaultValue: String(p.code) })}
                        <Typography.Text type="secondary"> · {t(`claims.ledger.kinds.${p.kind}`)}</Typography.Text>
                      </span>
                    ),
                  },
                  { title: t("claims.ledger.amount"), key: "amount", align: "right", render: (_, p) => (p.kind === "void" ? "—" : money(p.amountFen)) },
                  {
                    title: t("claims.ledger.column"),
                    key: "state",
                    render: (_, p) => (
                      <span>
                        <PostingTag state={p.state} />
                        {p.failure && <Typography.Text type="danger">{p.failure}</Typography.Text>}
                      </span>
                    ),
                  },
                  { title: t("claims.ledger.committedAt"), key: "at", render: (_, p) => (p.committedAt ? formatDateTime(p.committedAt) : "—") },
                ]}
              />
            </Card>
          </Space>
        </Col>
        <Col xs={24} lg={8}>
          <Card title={t("claims.timeline.title")}>
            <Timeline data-testid="timeline" items={timeline} />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Alert, Button, Card, Col, Flex, Form as AntForm, Input, Modal, Progress, Row, Space, Statistic, Table, Tag, Tooltip, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Form, Link, data, useNavigation, useSearchParams } from "react-router";
import type { Route } from "./+types/fund";
import { CsrfInput, Field, FormError, inputProps } from "~/components/forms";
import { bpsToPercentText, fenToYuanText } from "~/components/needs/need-values";
import { PagedTable } from "~/components/PagedTable";
import { FundRuleFields } from "~/components/funds/FundRuleFields";
import { platformToday } from "~/domain/credit/build-snapshot";
import { recordContribution, setBankSuspension, setFundRules } from "~/domain/fund/fund-admin.server";
import { listEligibleProducts, loadFund, type EligibleProductOption, type FundDetail } from "~/domain/fund/load-funds.server";
import { formatDateTime, formatMoneyFen, formatRateBps } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { searchParamsObject } from "~/schemas/fields";
import { FUND_LIMITS, FundActionSchema, FundContributionSchema, FundPageQuerySchema, FundRulesSchema, FundSuspensionSchema } from "~/schemas/funds";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";
import { revalidateAfterConflict } from "~/web/revalidate";

export const meta: Route.MetaFunction = () => [{ title: "风险补偿资金详情 · 信易贷" }];

export async function loader({ request, context, params }: Route.LoaderArgs) {
  // Regulators read the fund behind its ledger; only the finance office acts on it.
  const actor = requirePermission(request, context, "manage:fund:any", "read:ledger:any");
  const query = FundPageQuerySchema.parse(searchParamsObject(new URL(request.url).searchParams));
  const detail = await orHttpError(() => loadFund({ actor, fundId: params.fundId, query }));
  const canManage = actor.permissions.has("manage:fund:any");
  const products = canManage ? await orHttpError(() => listEligibleProducts({ actor, include: detail.rules[0]?.productIds ?? [] })) : [];
  return { ...detail, products, today: platformToday(), canManage };
}

type Notice =
  | { kind: "rulesSet"; version: number }
  | { kind: "contributionRecorded" | "contributionReplayed"; amountFen: string; state: string }
  | { kind: "suspended" | "reinstated" | "unchanged"; institutionId: string };

export async function action({ request, context, params }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "manage:fund:any");
  const submission = parseWithZod(await request.formData(), { schema: FundActionSchema });
  const payload = submission.payload as Record<string, unknown>;
  const intent = typeof payload.intent === "string" ? payload.intent : null;
  const target = typeof payload.institutionId === "string" ? payload.institutionId : null;
  if (submission.status !== "success") return data({ intent, target, result: submission.reply(), notice: null as Notice | null }, { status: 400 });
  const input = submission.value;
  const ip = clientIp(request);
  const fundId = params.fundId;
  const outcome = await withDomainErrors(async (): Promise<Notice> => {
    switch (input.intent) {
      case "rules": {
        // The form carries the version it was filled from: sent again after another version was made, it is refused, not made twice.
        const { version } = await setFundRules({
          actor,
          fundId,
          expectedVersion: input.baseVersion,
          rule: {
            compensationRatioBps: input.ratio,
            capPerLoanFen: input.capPerLoan,
            capPerBankYearFen: input.capPerBankYear,
            eligibleProductIds: input.productIds,
          },
          ip,
        });
        return { kind: "rulesSet", version };
      }
      case "contribute": {
        const recorded = await recordContribution({
          actor,
          fundId,
          input: { amountFen: input.amount, receivedOn: input.receivedOn, reference: input.reference },
          ip,
        });
        return { kind: recorded.replayed ? "contributionReplayed" : "contributionRecorded", amountFen: input.amount.toString(), state: recorded.state };
      }
      case "suspend":
      case "reinstate": {
        const { changed } = await setBankSuspension({
          actor,
          fundId,
          institutionId: input.institutionId,
          suspend: input.intent === "suspend",
          reason: input.reason,
          ip,
        });
        return { kind: !changed ? "unchanged" : input.intent === "suspend" ? "suspended" : "reinstated", institutionId: input.institutionId };
      }
    }
  });
  if (!outcome.ok) {
    return data({ intent, target, result: submission.reply({ formErrors: [outcome.formError] }), notice: null as Notice | null }, { status: outcome.status });
  }
  return { intent, target, result: submission.reply({ resetForm: true }), notice: outcome.value as Notice | null };
}

export const shouldRevalidate = revalidateAfterConflict;

type LoaderData = Route.ComponentProps["loaderData"];
type ActionData = Route.ComponentProps["actionData"];
type ContributionRow = FundDetail["contributions"]["rows"][number];
type BankRow = FundDetail["banks"][number];
type RuleRow = FundDetail["rules"][number];

/** Integer share of a whole, in percent to one decimal (0 when there is no whole). */
function percentOf(part: bigint, whole: bigint): number {
  if (whole <= 0n) return 0;
  const clamped = part < 0n ? 0n : part > whole ? whole : part;
  return Number((clamped * 1000n) / whole) / 10;
}

function lastResultFor(actionData: ActionData, intents: string[]): SubmissionResult<string[]> | undefined {
  return actionData && actionData.intent && intents.includes(actionData.intent) ? (actionData.result as SubmissionResult<string[]>) : undefined;
}

function PostingTag({ state }: { state: string }) {
  const { t } = useTranslation();
  const color = state === "COMMITTED" ? "success" : state === "FAILED" ? "error" : "processing";
  return <Tag color={color}>{t(`funds.posting.${state}`)}</Tag>;
}

/** Budget → contributed, and where the pool's money is: paid, reserved, available. */
function Overview({ balances }: { balances: LoaderData["balances"] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const money = (fen: string | bigint) => formatMoneyFen(fen, locale);
  const b = {
    budget: BigInt(balances.budgetFen),
    contributed: BigInt(balances.contributedFen),
    available: BigInt(balances.availableFen),
    reserved: BigInt(balances.reservedFen),
    paid: BigInt(balances.paidFen),
    recovered: BigInt(balances.recoveredFen),
  };
  const inflow = b.contributed + b.recovered;
  const segments = [
    { key: "paid", fen: b.paid, color: "#52c41a" },
    { key: "reserved", fen: b.reserved, color: "#faad14" },
    { key: "available", fen: b.available, color: "#1677ff" },
  ];
  const stats: { key: string; fen: bigint }[] = [
    { key: "budget", fen: b.budget },
    { key: "contributed", fen: b.contributed },
    { key: "available", fen: b.available },
    { key: "reserved", fen: b.reserved },
    { key: "paid", fen: b.paid },
    { key: "recovered", fen: b.recovered },
  ];
  return (
    <Card title={t("funds.overview")} data-testid="fund-overview">
      <Row gutter={[16, 16]}>
        {stats.map((s) => (
          <Col key={s.key} xs={12} md={8} xl={4}>
            <Statistic title={t(`funds.balances.${s.key}`)} value={money(s.fen)} data-testid={`balance-${s.key}`} />
          </Col>
        ))}
      </Row>
      <Row gutter={[24, 16]} style={{ marginTop: 24 }}>
        <Col xs={24} md={10}>
          <Typography.Text strong id="fund-progress-label">
            {t("funds.contributedOfBudget")}
          </Typography.Text>
          <Progress percent={percentOf(b.contributed, b.budget)} aria-labelledby="fund-progress-label" format={(p) => `${p}%`} />
          <Typography.Text type="secondary">
            {t("funds.contributedOfBudgetValue", { contributed: money(b.contributed), budget: money(b.budget), room: money(balances.budgetRoomFen) })}
          </Typography.Text>
        </Col>
        <Col xs={24} md={14}>
          <Typography.Text strong>{t("funds.poolUse")}</Typography.Text>
          <div
            role="img"
            aria-label={t("funds.poolUseLabel", { paid: money(b.paid), reserved: money(b.reserved), available: money(b.available) })}
            style={{ display: "flex", height: 16, borderRadius: 8, overflow: "hidden", background: "#f0f0f0", margin: "8px 0" }}
          >
            {inflow > 0n &&
              segments.map((s) => (
                <div
                  key={s.key}
                  style={{ width: `${percentOf(s.fen, inflow)}%`, background: s.color }}
                  title={`${t(`funds.balances.${s.key}`)} ${money(s.fen)}`}
                />
              ))}
          </div>
          <Flex gap={16} wrap>
            {segments.map((s) => (
              <Space key={s.key} size={4}>
                <span aria-hidden style={{ display: "inline-block", width: 10, height: 10, borderRadius: 2, background: s.color }} />
                <Typography.Text>
                  {t("funds.poolShare", { label: t(`funds.balances.${s.key}`), amount: money(s.fen), percent: percentOf(s.fen, inflow) })}
                </Typography.Text>
              </Space>
            ))}
          </Flex>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t("funds.poolUseHelp", { inflow: money(inflow) })}
          </Typography.Paragraph>
        </Col>
      </Row>
    </Card>
  );
}

function RulesForm({ current, products, lastResult }: { current: RuleRow; products: EligibleProductOption[]; lastResult?: SubmissionResult<string[]> }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "fund-rules",
    lastResult,
    defaultValue: {
      ratio: bpsToPercentText(current.ratioBps),
      capPerLoan: fenToYuanText(current.capPerLoanFen),
      capPerBankYear: fenToYuanText(current.capPerBankYearFen),
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: FundRulesSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "rules";
  return (
    <Form method="post" {...getFormProps(form)} preventScrollReset data-testid="fund-rules-form">
      <CsrfInput />
      <input type="hidden" name="intent" value="rules" />
      <input type="hidden" name="baseVersion" value={current.version} />
      <FormError errors={form.errors} />
      <Typography.Paragraph type="secondary">{t("funds.rulesHelp", { version: current.version + 1 })}</Typography.Paragraph>
      <AntForm layout="vertical" component={false}>
        <FundRuleFields fields={fields} products={products} defaultProductIds={current.productIds} />
        <Button type="primary" htmlType="submit" loading={busy} data-testid="fund-rules-submit">
          {t("funds.rulesSubmit")}
        </Button>
      </AntForm>
    </Form>
  );
}

function ContributionForm({ today, lastResult }: { today: string; lastResult?: SubmissionResult<string[]> }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "fund-contribution",
    lastResult,
    defaultValue: { receivedOn: today },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: FundContributionSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const label = (k: string) => t(`funds.fields.${k}`);
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "contribute";
  return (
    <Form method="post" {...getFormProps(form)} preventScrollReset data-testid="fund-contribution-form">
      <CsrfInput />
      <input type="hidden" name="intent" value="contribute" />
      <FormError errors={form.errors} />
      <Typography.Paragraph type="secondary">{t("funds.contributionHelp")}</Typography.Paragraph>
      <AntForm layout="vertical" component={false}>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Field id={fields.amount.id} label={label("amount")} errors={fields.amount.errors} required>
              <Input {...inputProps(fields.amount, { type: "text" })} key={form.key} inputMode="decimal" suffix="元" autoComplete="off" />
            </Field>
          </Col>
          <Col xs={24} md={8}>
            <Field id={fields.receivedOn.id} label={label("receivedOn")} errors={fields.receivedOn.errors} required>
              <Input {...inputProps(fields.receivedOn, { type: "date" })} key={form.key} max={today} />
            </Field>
          </Col>
          <Col xs={24} md={8}>
            <Field id={fields.reference.id} label={label("reference")} errors={fields.reference.errors} help={t("funds.referenceHelp")} required>
              <Input {...inputProps(fields.reference, { type: "text" })} key={form.key} maxLength={FUND_LIMITS.referenceMax} autoComplete="off" />
            </Field>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="fund-contribution-submit">
          {t("funds.contributionSubmit")}
        </Button>
      </AntForm>
    </Form>
  );
}

/** Suspend or reinstate one bank, with the reason the audit log keeps. */
function SuspensionForm({ bank, lastResult, onCancel }: { bank: BankRow; lastResult?: SubmissionResult<string[]>; onCancel: () => void }) {
  const { t, i18n } = useTranslation();
  const navigation = useNavigation();
  const suspend = !bank.suspension;
  const intent = suspend ? "suspend" : "reinstate";
  const [form, fields] = useForm({
    id: `fund-suspension-${bank.id}`,
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: FundSuspensionSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const busy = navigation.state === "submitting" && navigation.formData?.get("institutionId") === bank.id;
  const name = i18n.language === "zh-CN" ? bank.nameZh : bank.nameEn;
  return (
    <Form method="post" {...getFormProps(form)} preventScrollReset data-testid="fund-suspension-form">
      <CsrfInput />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="institutionId" value={bank.id} />
      <FormError errors={form.errors} />
      <Typography.Paragraph>{t(suspend ? "funds.suspendHelp" : "funds.reinstateHelp", { bank: name })}</Typography.Paragraph>
      <AntForm layout="vertical" component={false}>
        <Field id={fields.reason.id} label={t("funds.fields.reason")} errors={fields.reason.errors} required>
          <Input.TextArea {...inputProps(fields.reason, { type: "text" })} rows={3} maxLength={FUND_LIMITS.reasonMax} showCount />
        </Field>
        <Space>
          <Button type="primary" danger={suspend} htmlType="submit" loading={busy} data-testid={`fund-${intent}-submit`}>
            {t(suspend ? "funds.suspend" : "funds.reinstate")}
          </Button>
          <Button htmlType="button" onClick={onCancel}>
            {t("common.cancel")}
          </Button>
        </Space>
      </AntForm>
    </Form>
  );
}

function NoticeAlert({ notice, banks }: { notice: Notice; banks: BankRow[] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const bankName = (id: string) => {
    const bank = banks.find((b) => b.id === id);
    return bank ? (locale === "zh-CN" ? bank.nameZh : bank.nameEn) : "";
  };
  let title: string;
  switch (notice.kind) {
    case "rulesSet":
      title = t("funds.notices.rulesSet", { version: notice.version });
      break;
    case "contributionRecorded":
    case "contributionReplayed":
      title = t(`funds.notices.${notice.kind}`, { amount: formatMoneyFen(notice.amountFen, locale), state: t(`funds.posting.${notice.state}`) });
      break;
    default:
      title = t(`funds.notices.${notice.kind}`, { bank: bankName(notice.institutionId) });
  }
  return (
    <Alert
      type={notice.kind === "contributionReplayed" || notice.kind === "unchanged" ? "info" : "success"}
      showIcon
      role="status"
      title={title}
      data-testid="fund-notice"
    />
  );
}

export default function FundPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const [params] = useSearchParams();
  const money = (fen: string | bigint) => formatMoneyFen(fen, locale);
  const { fund, balances, rules, contributions, banks, products, year } = loaderData;
  const current = rules[0]!;
  const [editing, setEditing] = useState<string | null>(null);
  const editingBank = banks.find((b) => b.id === editing) ?? null;
  const notice = actionData?.notice ?? null;
  // A decided suspension closes its dialog; a refused one keeps it open with the message.
  useEffect(() => {
    if (notice && "institutionId" in notice) setEditing(null);
  }, [notice]);
  const productName = (id: string) => {
    const p = loaderData.products.find((x) => x.id === id) ?? loaderData.ruleProducts.find((x) => x.id === id);
    if (!p) return id;
    return `${zh ? p.nameZh : (p.nameEn ?? p.nameZh)} · ${zh ? p.bankNameZh : p.bankNameEn}`;
  };
  const suspensionResult = lastResultFor(actionData, ["suspend", "reinstate"]);
  const right = { align: "right" as const };
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <div>
        <Link to="/app/funds">← {t("funds.back")}</Link>
        <Flex align="center" gap={12} wrap style={{ marginTop: 8 }}>
          <Typography.Title level={2} style={{ margin: 0 }}>
            {zh ? fund.nameZh : fund.nameEn}
          </Typography.Title>
          <Tag color={fund.status === "ACTIVE" ? "green" : undefined}>{t(`funds.status.${fund.status}`)}</Tag>
        </Flex>
        <Typography.Text type="secondary">{t("funds.periodLine", { from: fund.validFrom, to: fund.validTo })}</Typography.Text>
      </div>

      {params.get("done") === "created" && !actionData && (
        <Alert type="success" showIcon role="status" title={t("funds.notices.created")} data-testid="fund-created" />
      )}
      {notice && <NoticeAlert notice={notice} banks={banks} />}
      {loaderData.budgetPosting !== "COMMITTED" && (
        <Alert
          type={loaderData.budgetPosting === "FAILED" ? "error" : "warning"}
          showIcon
          title={t(loaderData.budgetPosting === "FAILED" ? "funds.budgetPostingFailed" : "funds.budgetPostingPending")}
        />
      )}

      <Overview balances={balances} />

      <Card title={t("funds.rulesTitle")} data-testid="fund-rules">
        <Table<RuleRow>
          data-testid="fund-rule-versions"
          rowKey="id"
          size="small"
          pagination={false}
          scroll={{ x: "max-content" }}
          dataSource={rules}
          columns={[
            {
              title: t("funds.ruleColumns.version"),
              key: "version",
              render: (_, r) => (
                <Space size={4}>
                  <span>v{r.version}</span>
                  {r.id === current.id && <Tag color="blue">{t("funds.currentRules")}</Tag>}
                </Space>
              ),
            },
            { title: t("funds.ruleColumns.ratio"), key: "ratio", ...right, render: (_, r) => formatRateBps(r.ratioBps) },
            { title: t("funds.ruleColumns.capPerLoan"), key: "capPerLoan", ...right, render: (_, r) => money(r.capPerLoanFen) },
            { title: t("funds.ruleColumns.capPerBankYear"), key: "capPerBankYear", ...right, render: (_, r) => money(r.capPerBankYearFen) },
            {
              title: t("funds.ruleColumns.products"),
              key: "products",
              ...right,
              render: (_, r) =>
                r.productIds.length === 0 ? (
                  0
                ) : (
                  <Tooltip title={r.productIds.map(productName).join("；")}>
                    <Typography.Text underline tabIndex={0}>
                      {r.productIds.length}
                    </Typography.Text>
                  </Tooltip>
                ),
            },
            { title: t("funds.ruleColumns.effectiveFrom"), key: "effectiveFrom", render: (_, r) => formatDateTime(r.effectiveFrom) },
          ]}
        />
        {loaderData.canManage && (
          <>
            <Typography.Title level={5} style={{ marginTop: 24 }}>
              {t("funds.rulesFormTitle")}
            </Typography.Title>
            <RulesForm key={current.version} current={current} products={products} lastResult={lastResultFor(actionData, ["rules"])} />
          </>
        )}
      </Card>

      <Card title={t("funds.contributionsTitle")} data-testid="fund-contributions">
        {contributions.total === 0 ? (
          <Alert type="info" showIcon title={t("funds.noContributions")} style={{ marginBottom: 16 }} />
        ) : (
          <PagedTable<ContributionRow>
            testId="fund-contribution-rows"
            rows={contributions.rows}
            total={contributions.total}
            page={contributions.page}
            pageSize={contributions.pageSize}
            columns={[
              { title: t("funds.contributionColumns.receivedOn"), dataIndex: "receivedOn", key: "receivedOn" },
              { title: t("funds.contributionColumns.amount"), key: "amount", ...right, render: (_, c) => money(c.amountFen) },
              { title: t("funds.contributionColumns.reference"), dataIndex: "reference", key: "reference" },
              { title: t("funds.contributionColumns.recordedAt"), key: "recordedAt", render: (_, c) => formatDateTime(c.recordedAt) },
              {
                title: t("funds.contributionColumns.posting"),
                key: "posting",
                render: (_, c) =>
                  c.failure ? (
                    <Tooltip title={c.failure}>
                      <PostingTag state={c.posting} />
                    </Tooltip>
                  ) : (
                    <PostingTag state={c.posting} />
                  ),
              },
            ]}
          />
        )}
        {loaderData.canManage && (
          <>
            <Typography.Title level={5} style={{ marginTop: 24 }}>
              {t("funds.contributionFormTitle")}
            </Typography.Title>
            <ContributionForm today={loaderData.today} lastResult={lastResultFor(actionData, ["contribute"])} />
          </>
        )}
      </Card>

      <Card title={t("funds.banksTitle", { year })} data-testid="fund-banks">
        <Typography.Paragraph type="secondary">{t("funds.banksHelp")}</Typography.Paragraph>
        {banks.length === 0 ? (
          <Alert type="info" showIcon title={t("funds.noBanks")} />
        ) : (
          <Table<BankRow>
            data-testid="fund-bank-rows"
            rowKey="id"
            size="small"
            pagination={false}
            scroll={{ x: "max-content" }}
            dataSource={banks}
            columns={[
              { title: t("funds.bankColumns.bank"), key: "bank", fixed: "left", render: (_, b) => (zh ? b.nameZh : b.nameEn) },
              { title: t("funds.bankColumns.loans"), dataIndex: "loansEnrolled", key: "loans", ...right },
              { title: t("funds.bankColumns.claims"), dataIndex: "claims", key: "claims", ...right },
              { title: t("funds.bankColumns.reserved"), key: "reserved", ...right, render: (_, b) => money(b.reservedFen) },
              { title: t("funds.bankColumns.paid"), key: "paid", ...right, render: (_, b) => money(b.paidFen) },
              {
                title: t("funds.bankColumns.cap"),
                key: "cap",
                render: (_, b) => {
                  const used = BigInt(b.reservedFen) + BigInt(b.paidFen);
                  const percent = percentOf(used, BigInt(b.capFen));
                  return (
                    <div style={{ minWidth: 180 }}>
                      <Progress percent={percent} size="small" status={percent >= 100 ? "exception" : "normal"} aria-label={t("funds.capUsed", { percent })} />
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {t("funds.capLine", { used: money(used), cap: money(b.capFen) })}
                      </Typography.Text>
                    </div>
                  );
                },
              },
              {
                title: t("funds.bankColumns.status"),
                key: "status",
                render: (_, b) =>
                  b.suspension ? (
                    <Tooltip title={t("funds.suspendedSince", { time: formatDateTime(b.suspension.since), reason: b.suspension.reason })}>
                      <Tag color="red" tabIndex={0} data-testid="bank-suspended">
                        {t("funds.bankStatus.suspended")}
                      </Tag>
                    </Tooltip>
                  ) : (
                    <Tag color="green">{t("funds.bankStatus.active")}</Tag>
                  ),
              },
              {
                title: t("funds.bankColumns.actions"),
                key: "actions",
                fixed: "right",
                render: (_, b) =>
                  loaderData.canManage && (
                    <Button size="small" danger={!b.suspension} onClick={() => setEditing(b.id)} data-testid="bank-suspension-open">
                      {t(b.suspension ? "funds.reinstate" : "funds.suspend")}
                    </Button>
                  ),
              },
            ]}
          />
        )}
      </Card>

      <Modal
        open={editingBank !== null}
        title={editingBank ? t(editingBank.suspension ? "funds.reinstateTitle" : "funds.suspendTitle") : ""}
        footer={null}
        destroyOnHidden
        onCancel={() => setEditing(null)}
      >
        {editingBank && (
          <SuspensionForm
            key={editingBank.id}
            bank={editingBank}
            lastResult={actionData?.target === editingBank.id ? suspensionResult : undefined}
            onCancel={() => setEditing(null)}
          />
        )}
      </Modal>
    </Space>
  );
}

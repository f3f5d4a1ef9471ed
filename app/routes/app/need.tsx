import { parseWithZod } from "@conform-to/zod/v4";
import { Alert, Button, Card, Col, Descriptions, Input, Popconfirm, Row, Space, Table, Typography } from "antd";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { Form, Link, data, useNavigation, useSearchParams, useSubmit } from "react-router";
import type { Route } from "./+types/need";
import { CsrfInput, FormError } from "~/components/forms";
import { Recommendations } from "~/components/matching/Recommendations";
import { NeedForm } from "~/components/needs/NeedForm";
import { needPurposeItem, needTermsItems } from "~/components/needs/need-terms-items";
import { bpsToPercentText, fenToYuanText } from "~/components/needs/need-values";
import { listNeedApplications } from "~/domain/applications/list-applications.server";
import { loadRecommendations } from "~/domain/matching/load-recommendations.server";
import { closeNeed } from "~/domain/needs/close-need.server";
import { fulfilNeed } from "~/domain/needs/fulfil-need.server";
import { loadOwnNeed, serialiseNeedTerms } from "~/domain/needs/load-need.server";
import { NEED_LIMITS } from "~/domain/needs/need-rules";
import { updateNeed } from "~/domain/needs/update-need.server";
import { formatDateTime } from "~/i18n/format";
import { CloseNeedSchema, FulfilNeedSchema, NeedFormSchema } from "~/schemas/needs";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";
import { revalidateAfterConflict } from "~/web/revalidate";

export const meta: Route.MetaFunction = () => [{ title: "融资需求详情 · 信易贷" }];

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "manage:need:own");
  const [{ need, commands, pastDue }, recommendations, applications] = await orHttpError(() =>
    Promise.all([
      loadOwnNeed({ actor, needId: params.needId }),
      loadRecommendations({ actor, needId: params.needId }),
      listNeedApplications({ actor, needId: params.needId }),
    ]),
  );
  return {
    recommendations,
    applied: applications,
    need: {
      ...serialiseNeedTerms(need),
      version: need.version,
      closedAt: need.closedAt?.toISOString() ?? null,
      closeReason: need.closeReason,
    },
    claims: need.claims.map((c) => ({ id: c.id, at: c.at.toISOString(), bank: c.institution })),
    commands,
    pastDue,
  };
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "manage:need:own");
  const formData = await request.formData();
  const ip = clientIp(request);
  const intent = formData.get("intent");
  if (intent === "close") {
    const submission = parseWithZod(formData, { schema: CloseNeedSchema });
    if (submission.status !== "success") return data({ intent, result: submission.reply(), done: null }, { status: 400 });
    const { version, reason } = submission.value;
    const outcome = await withDomainErrors(() => closeNeed({ actor, needId: params.needId, version, reason, ip }));
    if (!outcome.ok) return data({ intent, result: submission.reply({ formErrors: [outcome.formError] }), done: null }, { status: outcome.status });
    return { intent, result: submission.reply({ resetForm: true }), done: "closed" as const };
  }
  if (intent === "fulfil") {
    const submission = parseWithZod(formData, { schema: FulfilNeedSchema });
    if (submission.status !== "success") return data({ intent, result: submission.reply(), done: null }, { status: 400 });
    const { version } = submission.value;
    const outcome = await withDomainErrors(() => fulfilNeed({ actor, needId: params.needId, version, ip }));
    if (!outcome.ok) return data({ intent, result: submission.reply({ formErrors: [outcome.formError] }), done: null }, { status: outcome.status });
    return { intent, result: submission.reply({ resetForm: true }), done: "fulfilled" as const };
  }
  const submission = parseWithZod(formData, { schema: NeedFormSchema });
  if (submission.status !== "success") return data({ intent: "update", result: submission.reply(), done: null }, { status: 400 });
  const outcome = await withDomainErrors(() => updateNeed({ actor, needId: params.needId, input: submission.value, ip }));
  if (!outcome.ok) {
    return data({ intent: "update", result: submission.reply({ formErrors: [outcome.formError] }), done: null }, { status: outcome.status });
  }
  return { intent: "update", result: submission.reply(), done: "updated" as const };
}

export const shouldRevalidate = revalidateAfterConflict;

export default function NeedPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === "zh-CN";
  const navigation = useNavigation();
  const submit = useSubmit();
  const [params] = useSearchParams();
  const closeForm = useRef<HTMLFormElement>(null);
  const fulfilForm = useRef<HTMLFormElement>(null);
  const { need, claims, commands, pastDue, recommendations } = loaderData;
  // "Posted" belongs to the first view after posting only, not to a later refused command.
  const done = actionData ? actionData.done : params.get("done") === "posted" ? "posted" : null;
  const formErrors = actionData?.result.error?.[""] ?? undefined;
  // Errors of a form that is no longer shown (the need moved on) are shown at the top instead.
  const topErrors = actionData && (actionData.intent !== "update" || !commands.includes("edit")) ? formErrors : undefined;
  const busy = navigation.state !== "idle";
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%", maxWidth: 960 }}>
      <div>
        <Link to="/app/needs">← {t("needs.backToList")}</Link>
        <Typography.Title level={2} style={{ margin: "8px 0 0" }}>
          {t("needs.detailTitle")}
        </Typography.Title>
      </div>
      {done && <Alert type="success" showIcon role="status" title={t(`needs.${done}`)} data-testid="need-done" />}
      {topErrors && (
        <div data-testid="need-error">
          <FormError errors={topErrors} />
        </div>
      )}
      {pastDue && need.status !== "EXPIRED" && commands.length > 0 && <Alert type="warning" showIcon title={t("needs.pastDue")} />}
      <Card>
        <Descriptions
          column={{ xs: 1, md: 2 }}
          bordered
          size="small"
          items={[
            needPurposeItem(need, t),
            ...needTermsItems(need, t),
            ...(need.closedAt ? [{ key: "endedAt", label: t("needs.endedAt"), children: formatDateTime(need.closedAt) }] : []),
            ...(need.closeReason ? [{ key: "closeReason", label: t("needs.closeReasonShown"), children: need.closeReason }] : []),
          ]}
        />
      </Card>

      <Recommendations
        data={recommendations}
        maxRateBps={need.maxRateBps}
        termMonths={need.termMonths}
        apply={!pastDue && (need.status === "OPEN" || need.status === "IN_PROGRESS") ? { needId: need.id, applied: loaderData.applied } : undefined}
      />

      <Card title={`${t("needs.claims")} (${claims.length})`}>
        {claims.length > 0 && commands.length > 0 && <Typography.Paragraph type="secondary">{t("needs.claimsHelp")}</Typography.Paragraph>}
        <Table
          data-testid="need-claims"
          rowKey="id"
          size="small"
          dataSource={claims}
          pagination={false}
          locale={{ emptyText: t("needs.noClaims") }}
          columns={[
            { title: t("needs.bank"), key: "bank", render: (_, c) => (zh ? c.bank.nameZh : c.bank.nameEn) },
            { title: t("needs.claimedAt"), dataIndex: "at", render: (v: string) => formatDateTime(v) },
          ]}
        />
      </Card>

      {commands.includes("edit") ? (
        <Card title={t("needs.editTitle")}>
          <NeedForm
            lastResult={actionData?.intent === "update" ? actionData.result : undefined}
            defaultValue={{
              amount: fenToYuanText(need.amountFen),
              termMonths: String(need.termMonths),
              purpose: need.purpose,
              maxRate: bpsToPercentText(need.maxRateBps),
              guaranteeTypes: need.guaranteeTypes,
              urgency: need.urgency,
              expiresOn: need.expiresOn,
            }}
            version={need.version}
            intent="update"
            submitLabel={t("needs.submitEdit")}
          />
        </Card>
      ) : (
        commands.length > 0 && <Alert type="info" showIcon title={pastDue ? t("needs.pastDue") : t("needs.notEditable")} />
      )}

      {commands.includes("close") && (
        <Card title={t("needs.actionsTitle")}>
          <Row gutter={[32, 24]}>
            {commands.includes("fulfil") && (
              <Col xs={24} md={10}>
                <Typography.Paragraph type="secondary">{t("needs.fulfilHelp")}</Typography.Paragraph>
                <Form method="post" ref={fulfilForm}>
                  <CsrfInput />
                  <input type="hidden" name="intent" value="fulfil" />
                  <input type="hidden" name="version" value={need.version} />
                  <Popconfirm
                    title={t("needs.fulfilConfirm")}
                    okText={t("needs.fulfil")}
                    cancelText={t("common.cancel")}
                    onConfirm={() => {
                      if (fulfilForm.current) void submit(fulfilForm.current);
                    }}
                  >
                    <Button type="primary" loading={busy && navigation.formData?.get("intent") === "fulfil"} data-testid="need-fulfil">
                      {t("needs.fulfil")}
                    </Button>
                  </Popconfirm>
                </Form>
              </Col>
            )}
            <Col xs={24} md={14}>
              <Typography.Paragraph type="secondary">{t("needs.closeHelp")}</Typography.Paragraph>
              <Form method="post" ref={closeForm}>
                <CsrfInput />
                <input type="hidden" name="intent" value="close" />
                <input type="hidden" name="version" value={need.version} />
                <label htmlFor="close-reason" style={{ display: "block", marginBottom: 4 }}>
                  {t("needs.closeReason")}
                </label>
                <Input.TextArea
                  id="close-reason"
                  name="reason"
                  rows={2}
                  maxLength={NEED_LIMITS.maxCloseReasonLength}
                  showCount
                  placeholder={t("needs.closeReasonPlaceholder")}
                  style={{ marginBottom: 12 }}
                />
                <Popconfirm
                  title={t("needs.closeConfirm")}
                  okText={t("needs.close")}
                  okButtonProps={{ danger: true }}
                  cancelText={t("common.cancel")}
                  onConfirm={() => {
                    if (closeForm.current) void submit(closeForm.current);
                  }}
                >
                  <Button danger loading={busy && navigation.formData?.get("intent") === "close"} data-testid="need-close">
                    {t("needs.close")}
                  </Button>
                </Popconfirm>
              </Form>
            </Col>
          </Row>
        </Card>
      )}
    </Space>
  );
}

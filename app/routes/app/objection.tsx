import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Alert, Button, Card, Descriptions, Form as AntForm, Input, Radio, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Form, Link, data, useNavigation } from "react-router";
import type { Route } from "./+types/objection";
import { describeSignal } from "~/components/credit/signal-text";
import { CsrfInput, Field, FormError, inputProps } from "~/components/forms";
import { decideObjection } from "~/domain/credit/objections/decide-objection.server";
import { getObjection } from "~/domain/credit/objections/list-objections.server";
import { SIGNAL_DEFINITIONS, isSignalKind, signalToCells } from "~/domain/credit/signal-kinds";
import { formatDateTime } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { DecideObjectionSchema } from "~/schemas/credit";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";
import { signalValues } from "~/domain/credit/credit-profile.server";

export const meta: Route.MetaFunction = () => [{ title: "处理异议 · 信易贷" }];

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "handle:objection:any");
  if (!/^[0-9a-f-]{36}$/.test(params.objectionId)) throw new Response("Not Found", { status: 404 });
  const o = await orHttpError(() => getObjection({ actor, objectionId: params.objectionId, ip: clientIp(request) }));
  const s = o.signal;
  if (!isSignalKind(s.kind)) throw new Error(`unknown signal kind ${s.kind}`);
  const definition = SIGNAL_DEFINITIONS[s.kind];
  return {
    objection: {
      id: o.id,
      kind: o.kind,
      status: o.status,
      remedy: o.remedy,
      reason: o.reason,
      commitment: o.commitment,
      resolution: o.resolution,
      attachmentName: o.attachmentName,
      dueOn: o.dueOn.toISOString().slice(0, 10),
      createdAt: o.createdAt.toISOString(),
      handledAt: o.handledAt?.toISOString() ?? null,
      correction: o.correction as { before: Record<string, string>; after: Record<string, string> } | null,
      enterprise: o.enterprise,
    },
    signal: {
      ...signalValues(s),
      asOf: s.asOf.toISOString().slice(0, 10),
      createdAt: undefined,
      updatedAt: undefined,
      voidedAt: undefined,
      correctedAt: undefined,
    },
    cells: signalToCells(s.kind, s, o.enterprise.uscc),
    columns: definition.columns.filter((c) => c.correctable),
  };
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "handle:objection:any");
  const submission = parseWithZod(await request.formData(), { schema: DecideObjectionSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), decided: false }, { status: 400 });
  const outcome = await withDomainErrors(() =>
    decideObjection({ actor, objectionId: params.objectionId, input: submission.value, ip: clientIp(request) }),
  );
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: [outcome.formError] }), decided: false }, { status: outcome.status });
  return { result: submission.reply({ resetForm: true }), decided: true };
}

export default function ObjectionPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const navigation = useNavigation();
  const { objection: o, signal, cells, columns } = loaderData;
  const decisions = o.kind === "REPAIR" ? (["REPAIR", "DISMISS"] as const) : (["WITHDRAW", "CORRECT", "DISMISS"] as const);
  const [decision, setDecision] = useState<string>(decisions[0]);
  const [form, fields] = useForm<{ decision: string; resolution: string }>({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DecideObjectionSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%", maxWidth: 960 }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t("objections.decideTitle")}
      </Typography.Title>
      <Link to="/app/objections">← {t("objections.queueTitle")}</Link>
      {actionData?.decided && <Alert type="success" showIcon role="status" title={t("objections.decided")} />}
      <Card>
        <Descriptions column={{ xs: 1, md: 2 }} bordered size="small">
          <Descriptions.Item label={t("objections.enterprise")} span={2}>
            {o.enterprise.name}（{o.enterprise.uscc}）
          </Descriptions.Item>
          <Descriptions.Item label={t("credit.kind")}>{t(`objections.kinds.${o.kind}`)}</Descriptions.Item>
          <Descriptions.Item label={t("common.status")}>
            <Tag data-testid="objection-status">
              {t(`objections.statuses.${o.status}`)}
              {o.remedy ? ` · ${t(`objections.remedies.${o.remedy}`)}` : ""}
            </Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t("objections.signal")} span={2}>
            <Tag>{t(`signalKinds.${signal.kind}`)}</Tag> {describeSignal(t, locale, signal)}
            <div style={{ color: "rgba(0,0,0,0.55)" }}>
              {signal.source} · {signal.asOf}
            </div>
          </Descriptions.Item>
          <Descriptions.Item label={o.kind === "REPAIR" ? t("objections.repairReason") : t("objections.reason")} span={2}>
            <span style={{ whiteSpace: "pre-wrap" }}>{o.reason}</span>
          </Descriptions.Item>
          {o.commitment && (
            <Descriptions.Item label={t("objections.commitment")} span={2}>
              <span style={{ whiteSpace: "pre-wrap" }}>{o.commitment}</span>
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t("objections.attachment")} span={2}>
            {o.attachmentName ? <a href={`/app/objections/${o.id}/attachment`}>{`${t("objections.attachmentDownload")}：${o.attachmentName}`}</a> : t("objections.noAttachment")}
          </Descriptions.Item>
          <Descriptions.Item label={t("objections.createdAt")}>{formatDateTime(o.createdAt)}</Descriptions.Item>
          <Descriptions.Item label={t("objections.dueOn")}>{o.dueOn}</Descriptions.Item>
          {o.resolution && (
            <Descriptions.Item label={t("objections.resolution")} span={2}>
              {o.resolution}
            </Descriptions.Item>
          )}
          {o.correction && (
            <Descriptions.Item label={t("objections.correction")} span={2}>
              {Object.keys(o.correction.after)
                .filter((k) => o.correction!.after[k] !== o.correction!.before[k])
                .map((k) => (
                  <div key={k}>
                    <code>{k}</code>: {o.correction!.before[k]} → <strong>{o.correction!.after[k]}</strong>
                  </div>
                ))}
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      {o.status === "OPEN" && !actionData?.decided && (
        <Card title={t("objections.decision")}>
          <FormError errors={form.errors} />
          <Form method="post" {...getFormProps(form)}>
            <CsrfInput />
            <AntForm layout="vertical" component={false}>
              <Field id={fields.decision.id} label={t("objections.decision")} errors={fields.decision.errors} required>
                <Radio.Group name={fields.decision.name} value={decision} onChange={(e) => setDecision(e.target.value as string)}>
                  <Space orientation="vertical">
                    {decisions.map((d) => (
                      <Radio key={d} value={d}>
                        {t(`objections.decisions.${d}`)}
                      </Radio>
                    ))}
                  </Space>
                </Radio.Group>
              </Field>
              {decision === "CORRECT" && (
                <Card size="small" title={t("objections.correction")} style={{ marginBottom: 16 }}>
                  <Typography.Paragraph type="secondary">{t("objections.correctionHelp")}</Typography.Paragraph>
                  {columns.map((c) => (
                    <AntForm.Item key={c.key} label={<label htmlFor={`cells-${c.key}`}>{locale === "zh-CN" ? c.zh : c.en}</label>}>
                      <Input id={`cells-${c.key}`} name={`cells.${c.key}`} defaultValue={cells[c.key] ?? ""} />
                    </AntForm.Item>
                  ))}
                </Card>
              )}
              <Field id={fields.resolution.id} label={t("objections.resolution")} errors={fields.resolution.errors} required>
                <Input.TextArea {...inputProps(fields.resolution, { type: "text" })} rows={3} maxLength={1000} showCount />
              </Field>
              <Button type="primary" htmlType="submit" loading={navigation.state === "submitting"}>
                {t("objections.decide")}
              </Button>
            </AntForm>
          </Form>
        </Card>
      )}
    </Space>
  );
}

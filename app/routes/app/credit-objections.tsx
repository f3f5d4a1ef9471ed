import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Alert, Button, Card, Form as AntForm, Input, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Form, Link, data, useNavigation } from "react-router";
import type { Route } from "./+types/credit-objections";
import { CsrfInput, Field, FormError, inputProps } from "~/components/forms";
import { ObjectionStatusTag } from "~/components/credit/ObjectionStatusTag";
import { PagedTable } from "~/components/PagedTable";
import { describeSignal } from "~/components/credit/signal-text";
import { env } from "~/config/env.server";
import { listObjections } from "~/domain/credit/objections/list-objections.server";
import { raiseObjection } from "~/domain/credit/objections/raise-objection.server";
import { formatDateTime } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { ListQuerySchema } from "~/schemas/admin";
import { RaiseObjectionSchema, RequestRepairSchema } from "~/schemas/credit";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";
import { readAttachment } from "~/web/uploads.server";
import { findOwnSignal } from "~/domain/credit/credit-profile.server";

export const meta: Route.MetaFunction = () => [{ title: "异议与信用修复 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "raise:objection:own");
  const url = new URL(request.url);
  const query = ListQuerySchema.parse(Object.fromEntries(url.searchParams));
  const kind = url.searchParams.get("kind") === "REPAIR" ? ("REPAIR" as const) : ("OBJECTION" as const);
  const signalId = url.searchParams.get("signal");
  // Only the caller's own records can be named here.
  const signal = signalId && /^[0-9a-f-]{36}$/.test(signalId) ? await findOwnSignal(actor, signalId) : null;
  const list = await orHttpError(() => listObjections({ actor, scope: "own", page: query.page, pageSize: query.pageSize }));
  return {
    kind,
    days: env.OBJECTION_RESPONSE_DAYS,
    signal,
    rows: list.rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      remedy: r.remedy,
      signalKind: r.signal.kind,
      signalKey: r.signal.naturalKey,
      reason: r.reason,
      resolution: r.resolution,
      dueOn: r.dueOn.toISOString().slice(0, 10),
      createdAt: r.createdAt.toISOString(),
    })),
    total: list.total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "raise:objection:own");
  const formData = await request.formData();
  const kind = formData.get("kind") === "REPAIR" ? "REPAIR" : "OBJECTION";
  const submission =
    kind === "REPAIR" ? parseWithZod(formData, { schema: RequestRepairSchema }) : parseWithZod(formData, { schema: RaiseObjectionSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), dueOn: null }, { status: 400 });
  const attachment = await readAttachment(formData.get("attachment"));
  const value = submission.value as { signalId: string; reason: string; commitment?: string };
  const outcome = await withDomainErrors(() =>
    raiseObjection({
      actor,
      signalId: value.signalId,
      reason: value.reason,
      attachment,
      ip: clientIp(request),
      ...(kind === "REPAIR" ? { kind: "REPAIR" as const, commitment: value.commitment ?? "" } : { kind: "OBJECTION" as const }),
    }),
  );
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: [outcome.formError] }), dueOn: null }, { status: outcome.status });
  return { result: submission.reply({ resetForm: true }), dueOn: outcome.value.dueOn.toISOString().slice(0, 10) };
}

export default function CreditObjectionsPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const navigation = useNavigation();
  const repair = loaderData.kind === "REPAIR";
  const [form, fields] = useForm<{ signalId: string; reason: string; commitment?: string }>({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: repair ? RequestRepairSchema : RaiseObjectionSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const signal = loaderData.signal;
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("objections.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("objections.help", { days: loaderData.days })}</Typography.Paragraph>
      {actionData?.dueOn && (
        <Alert type="success" showIcon role="status" title={t("objections.submitted", { date: actionData.dueOn })} style={{ marginBottom: 16 }} />
      )}
      {signal && !actionData?.dueOn && (
        <Card title={repair ? t("objections.repairTitle") : t("objections.raiseTitle")} style={{ marginBottom: 16, maxWidth: 760 }}>
          <FormError errors={form.errors} />
          <Form method="post" encType="multipart/form-data" {...getFormProps(form)}>
            <CsrfInput />
            <input type="hidden" name="kind" value={loaderData.kind} />
            <input type="hidden" name="signalId" value={signal.id} />
            <AntForm layout="vertical" component={false}>
              <AntForm.Item label={t("objections.signal")}>
                <Tag>{t(`signalKinds.${signal.kind}`)}</Tag> {describeSignal(t, locale, signal)}
                <div style={{ color: "rgba(0,0,0,0.45)" }}>{signal.source}</div>
              </AntForm.Item>
              <Field id={fields.reason.id} label={repair ? t("objections.repairReason") : t("objections.reason")} errors={fields.reason.errors} required>
                <Input.TextArea {...inputProps(fields.reason, { type: "text" })} rows={4} maxLength={1000} showCount />
              </Field>
              {repair && (
                <Field id={fields.commitment.id} label={t("objections.commitment")} errors={fields.commitment.errors} required>
                  <Input.TextArea
                    {...inputProps(fields.commitment, { type: "text" })}
                    rows={4}
                    maxLength={1000}
                    showCount
                    placeholder={t("objections.commitmentPlaceholder")}
                  />
                </Field>
              )}
              <AntForm.Item label={<label htmlFor="attachment">{t("objections.attachment")}</label>}>
                <input id="attachment" name="attachment" type="file" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" />
              </AntForm.Item>
              <Button type="primary" htmlType="submit" loading={navigation.state === "submitting"}>
                {t("objections.submit")}
              </Button>{" "}
              <Link to="/app/credit">{t("common.back")}</Link>
            </AntForm>
          </Form>
        </Card>
      )}
      <Card title={t("objections.myList")}>
        <PagedTable
          testId="my-objections"
          rows={loaderData.rows}
          total={loaderData.total}
          page={loaderData.page}
          pageSize={loaderData.pageSize}
          columns={[
            { title: t("objections.createdAt"), dataIndex: "createdAt", render: (v: string) => formatDateTime(v) },
            { title: t("credit.kind"), dataIndex: "kind", render: (v: string) => t(`objections.kinds.${v}`) },
            { title: t("objections.signal"), key: "signal", render: (_, r) => `${t(`signalKinds.${r.signalKind}`)} · ${r.signalKey}` },
            {
              title: t("common.status"),
              key: "status",
              render: (_, r) => <ObjectionStatusTag status={r.status} remedy={r.remedy} />,
            },
            { title: t("objections.dueOn"), dataIndex: "dueOn" },
            { title: t("objections.resolution"), dataIndex: "resolution", render: (v: string | null) => v ?? "—" },
          ]}
        />
      </Card>
    </>
  );
}

import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Alert, Button, Card, Checkbox, Col, Form as AntForm, Input, Popconfirm, Row, Table, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Form, data, useNavigation, useSubmit } from "react-router";
import type { Route } from "./+types/authorisations";
import { CsrfInput, Field, FormError, inputProps } from "~/components/forms";
import { SelectField } from "~/components/SelectField";
import { grantAuthorisation } from "~/domain/consent/grant-authorisation.server";
import { listOwnAuthorisations } from "~/domain/consent/list-authorisations.server";
import { revokeAuthorisation } from "~/domain/consent/revoke-authorisation.server";
import { formatDateTime } from "~/i18n/format";
import { AUTHORISATION_PURPOSES, AUTHORISATION_SCOPES, GrantAuthorisationSchema, RevokeAuthorisationSchema } from "~/schemas/credit";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "数据授权 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "manage:authorisation:own");
  const { rows, banks } = await orHttpError(() => listOwnAuthorisations(actor));
  return {
    banks,
    rows: rows.map((r) => ({
      id: r.id,
      bank: r.institution,
      scopes: r.scopes,
      purpose: r.purpose,
      note: r.note,
      grantedAt: r.grantedAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
      state: r.state,
      views: r.views,
    })),
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "manage:authorisation:own");
  const formData = await request.formData();
  if (formData.get("intent") === "revoke") {
    const parsed = RevokeAuthorisationSchema.safeParse({ authorisationId: formData.get("authorisationId") });
    if (!parsed.success) throw new Response("Bad Request", { status: 400 });
    await orHttpError(() => revokeAuthorisation({ actor, authorisationId: parsed.data.authorisationId, ip: clientIp(request) }));
    return { result: null, done: "revoked" as const };
  }
  const submission = parseWithZod(formData, { schema: GrantAuthorisationSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), done: null }, { status: 400 });
  const outcome = await withDomainErrors(() => grantAuthorisation({ actor, input: submission.value, ip: clientIp(request) }));
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: [outcome.formError] }), done: null }, { status: outcome.status });
  return { result: submission.reply({ resetForm: true }), done: "granted" as const };
}

function defaultExpiry(): string {
  const d = new Date(Date.now() + 90 * 86_400_000);
  return d.toISOString().slice(0, 10);
}

export default function AuthorisationsPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === "zh-CN";
  const navigation = useNavigation();
  const submit = useSubmit();
  const [form, fields] = useForm({
    lastResult: actionData?.result ?? undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: GrantAuthorisationSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("consent.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("consent.help")}</Typography.Paragraph>
      {actionData?.done && (
        <Alert type="success" showIcon role="status" style={{ marginBottom: 16 }} title={t(`consent.${actionData.done}`)} />
      )}
      <Card title={t("consent.grant")} style={{ marginBottom: 16 }}>
        <FormError errors={form.errors} />
        <Form method="post" {...getFormProps(form)}>
          <CsrfInput />
          <AntForm layout="vertical" component={false}>
            <Row gutter={16}>
              <Col xs={24} md={12}>
                <Field id={fields.institutionId.id} label={t("consent.bank")} errors={fields.institutionId.errors} required>
                  <SelectField
                    key={form.key}
                    id={fields.institutionId.id}
                    name={fields.institutionId.name}
                    showSearch
                    invalid={Boolean(fields.institutionId.errors)}
                    placeholder={t("register.choose")}
                    options={loaderData.banks.map((b) => ({ value: b.id, label: zh ? b.nameZh : b.nameEn }))}
                  />
                </Field>
              </Col>
              <Col xs={24} md={12}>
                <Field id={fields.purpose.id} label={t("consent.purpose")} errors={fields.purpose.errors} required>
                  <SelectField
                    key={form.key}
                    id={fields.purpose.id}
                    name={fields.purpose.name}
                    defaultValue="LOAN_APPLICATION"
                    options={AUTHORISATION_PURPOSES.map((p) => ({ value: p, label: t(`consent.purposes.${p}`) }))}
                  />
                </Field>
              </Col>
              <Col xs={24}>
                <Field id={fields.scopes.id} label={t("consent.scopes")} errors={fields.scopes.errors} required>
                  <fieldset id={fields.scopes.id} style={{ border: 0, padding: 0, margin: 0 }}>
                    <legend className="visually-hidden">{t("consent.scopes")}</legend>
                    {AUTHORISATION_SCOPES.map((s) => (
                      <div key={`${form.key}-${s}`}>
                        <Checkbox name={fields.scopes.name} value={s} defaultChecked={s !== "CONTACT"}>
                          {t(`consent.scopeNames.${s}`)}
                        </Checkbox>
                      </div>
                    ))}
                  </fieldset>
                </Field>
              </Col>
              <Col xs={24} md={8}>
                <Field id={fields.expiresOn.id} label={t("consent.expiresOn")} errors={fields.expiresOn.errors} help={t("consent.expiresHelp")} required>
                  <Input {...inputProps(fields.expiresOn, { type: "date" })} key={form.key} defaultValue={defaultExpiry()} />
                </Field>
              </Col>
              <Col xs={24} md={16}>
                <Field id={fields.note.id} label={t("consent.note")} errors={fields.note.errors}>
                  <Input {...inputProps(fields.note, { type: "text" })} maxLength={200} />
                </Field>
              </Col>
            </Row>
            <Button type="primary" htmlType="submit" loading={navigation.state === "submitting"}>
              {t("consent.submit")}
            </Button>
          </AntForm>
        </Form>
      </Card>
      <Card title={t("consent.list")}>
        <Table
          data-testid="authorisations"
          rowKey="id"
          size="small"
          dataSource={loaderData.rows}
          scroll={{ x: "max-content" }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: t("common.noData") }}
          columns={[
            { title: t("consent.bank"), key: "bank", render: (_, r) => (zh ? r.bank.nameZh : r.bank.nameEn) },
            { title: t("consent.scopes"), dataIndex: "scopes", render: (v: string[]) => v.map((s) => <Tag key={s}>{t(`consent.scopeShort.${s}`)}</Tag>) },
            { title: t("consent.purpose"), dataIndex: "purpose", render: (v: string) => t(`consent.purposes.${v}`) },
            { title: t("consent.grantedAt"), dataIndex: "grantedAt", render: (v: string) => formatDateTime(v) },
            { title: t("consent.expiresOn"), dataIndex: "expiresAt", render: (v: string) => formatDateTime(v) },
            {
              title: t("consent.state"),
              dataIndex: "state",
              render: (v: string) => <Tag color={v === "LIVE" ? "green" : "default"}>{t(`consent.states.${v}`)}</Tag>,
            },
            { title: t("consent.views"), dataIndex: "views" },
            {
              title: t("common.actions"),
              key: "actions",
              render: (_, r) =>
                r.state === "LIVE" ? (
                  <Popconfirm
                    title={t("consent.revokeConfirm")}
                    okText={t("consent.revoke")}
                    cancelText={t("common.cancel")}
                    onConfirm={() => {
                      const body = new FormData();
                      body.set("intent", "revoke");
                      body.set("authorisationId", r.id);
                      body.set("csrf", (document.querySelector('input[name="csrf"]') as HTMLInputElement | null)?.value ?? "");
                      void submit(body, { method: "post" });
                    }}
                  >
                    <Button danger size="small">
                      {t("consent.revoke")}
                    </Button>
                  </Popconfirm>
                ) : null,
            },
          ]}
        />
      </Card>
    </>
  );
}

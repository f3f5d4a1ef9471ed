import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Alert, Button, Card, Col, Form as AntForm, Input, Row, Tag, Typography, type TableColumnsType } from "antd";
import { useTranslation } from "react-i18next";
import { data, Form, Link, useNavigation } from "react-router";
import type { Route } from "./+types/institutions";
import { CsrfInput, Field, FormError, inputProps } from "~/components/forms";
import { PagedTable } from "~/components/PagedTable";
import { SelectField } from "~/components/SelectField";
import { createInstitution, listInstitutions } from "~/domain/institutions/institutions.server";
import { REGIONS, regionName } from "~/domain/reference/regions";
import type { Locale } from "~/i18n/i18n";
import { CreateInstitutionSchema, ListQuerySchema } from "~/schemas/admin";
import { clientIp, orHttpError, parseForm, requirePermission, withDomainErrors } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "机构管理 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:institution:any");
  const query = ListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const result = await orHttpError(() => listInstitutions({ actor, query }));
  return {
    rows: result.rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), memberCount: r._count.memberships })),
    total: result.total,
    page: query.page,
    pageSize: query.pageSize,
    canCreate: actor.permissions.has("create:institution:any"),
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "create:institution:any");
  const submission = await parseForm(request, CreateInstitutionSchema);
  if (submission.status !== "success") return data({ result: submission.reply(), created: null }, { status: 400 });
  const outcome = await withDomainErrors(() => createInstitution({ actor, input: submission.value, ip: clientIp(request) }));
  if (!outcome.ok) {
    return data({ result: submission.reply({ formErrors: [outcome.formError] }), created: null }, { status: outcome.status });
  }
  return { result: submission.reply({ resetForm: true }), created: outcome.value.nameZh };
}

type Row = Awaited<ReturnType<typeof loader>>["rows"][number];

export default function InstitutionsPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateInstitutionSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const columns: TableColumnsType<Row> = [
    { title: t("institutions.code"), dataIndex: "code" },
    {
      title: t("institution.name"),
      key: "name",
      render: (_, r) => <Link to={`/app/institutions/${r.id}`}>{locale === "zh-CN" ? r.nameZh : r.nameEn}</Link>,
    },
    { title: t("institutions.kind"), dataIndex: "kind", render: (k: string) => <Tag>{t(`institutionKinds.${k}`)}</Tag> },
    { title: t("institutions.region"), dataIndex: "regionCode", render: (c: string) => regionName(c, locale) },
    { title: t("institutions.memberCount"), dataIndex: "memberCount", align: "right" },
    { title: t("common.status"), dataIndex: "status", render: (s: string) => t(`institutionStatus.${s}`) },
  ];
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("institutions.title")}
      </Typography.Title>
      <PagedTable<Row>
        testId="institution-table"
        columns={columns}
        rows={loaderData.rows}
        total={loaderData.total}
        page={loaderData.page}
        pageSize={loaderData.pageSize}
        searchPlaceholder={`${t("institution.name")} / ${t("institution.code")}`}
      />
      {loaderData.canCreate && (
        <Card title={t("institutions.createTitle")} style={{ marginTop: 16 }}>
          {actionData?.created && (
            <Alert type="success" showIcon title={t("institutions.created", { name: actionData.created })} style={{ marginBottom: 16 }} />
          )}
          <FormError errors={form.errors} />
          <Form method="post" {...getFormProps(form)}>
            <CsrfInput />
            <AntForm layout="vertical" component={false}>
              <Row gutter={16}>
                <Col xs={24} md={6}>
                  <Field id={fields.code.id} label={t("institutions.code")} errors={fields.code.errors} help={t("institutions.codeHelp")} required>
                    <Input {...inputProps(fields.code, { type: "text" })} />
                  </Field>
                </Col>
                <Col xs={24} md={6}>
                  <Field id={fields.nameZh.id} label={t("institutions.nameZh")} errors={fields.nameZh.errors} required>
                    <Input {...inputProps(fields.nameZh, { type: "text" })} />
                  </Field>
                </Col>
                <Col xs={24} md={6}>
                  <Field id={fields.nameEn.id} label={t("institutions.nameEn")} errors={fields.nameEn.errors} required>
                    <Input {...inputProps(fields.nameEn, { type: "text" })} />
                  </Field>
                </Col>
                <Col xs={12} md={3}>
                  <Field id={fields.kind.id} label={t("institutions.kind")} errors={fields.kind.errors} required>
                    <SelectField
                      key={form.key}
                      id={fields.kind.id}
                      name={fields.kind.name}
                      defaultValue={(fields.kind.initialValue as string | undefined) ?? "BANK"}
                      options={(["BANK", "FINANCE_OFFICE", "REGULATOR"] as const).map((k) => ({ value: k, label: t(`institutionKinds.${k}`) }))}
                    />
                  </Field>
                </Col>
                <Col xs={12} md={3}>
                  <Field id={fields.regionCode.id} label={t("institutions.region")} errors={fields.regionCode.errors} required>
                    <SelectField
                      key={form.key}
                      id={fields.regionCode.id}
                      name={fields.regionCode.name}
                      defaultValue={(fields.regionCode.initialValue as string | undefined) ?? REGIONS[0]!.code}
                      options={REGIONS.map((r) => ({ value: r.code, label: locale === "zh-CN" ? r.nameZh : r.nameEn }))}
                    />
                  </Field>
                </Col>
              </Row>
              <Button type="primary" htmlType="submit" loading={navigation.state === "submitting"}>
                {t("institutions.create")}
              </Button>
            </AntForm>
          </Form>
        </Card>
      )}
    </>
  );
}

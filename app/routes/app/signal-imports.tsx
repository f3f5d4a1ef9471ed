import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Alert, Button, Card, Col, Collapse, Form as AntForm, Input, Radio, Row, Select, Space, Table, Tag, Typography } from "antd";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Form, Link, data, useNavigate, useNavigation, useRevalidator, useSearchParams } from "react-router";
import type { Route } from "./+types/signal-imports";
import { BATCH_IN_PROGRESS, BatchProgress } from "~/components/credit/BatchProgress";
import { CsrfInput, Field, FormError, inputProps } from "~/components/forms";
import { PagedTable } from "~/components/PagedTable";
import { SelectField } from "~/components/SelectField";
import { env } from "~/config/env.server";
import { listSignalBatches } from "~/domain/credit/import/list-signal-batches.server";
import { submitSignalBatch } from "~/domain/credit/import/submit-signal-batch.server";
import { SIGNAL_DEFINITIONS, SIGNAL_KINDS, isSignalKind, type Column } from "~/domain/credit/signal-kinds";
import { formatDateTime } from "~/i18n/format";
import { ListQuerySchema } from "~/schemas/admin";
import { SignalUploadSchema } from "~/schemas/credit";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "信用数据导入 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "import:credit-signal:any");
  const url = new URL(request.url);
  const query = ListQuerySchema.parse(Object.fromEntries(url.searchParams));
  const kindParam = url.searchParams.get("kind") ?? "";
  const kind = isSignalKind(kindParam) ? kindParam : undefined;
  const result = await orHttpError(() => listSignalBatches({ actor, page: query.page, pageSize: query.pageSize, kind }));
  return { ...result, page: query.page, pageSize: query.pageSize, maxMb: env.IMPORT_MAX_MB };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "import:credit-signal:any");
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: SignalUploadSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), outcome: null }, { status: 400 });
  const file = formData.get("file");
  if (!file || typeof file === "string" || file.size === 0) {
    return data({ result: submission.reply({ fieldErrors: { file: ["import.fileRequired"] } }), outcome: null }, { status: 400 });
  }
  if (!/\.csv$/i.test(file.name)) {
    return data({ result: submission.reply({ fieldErrors: { file: ["import.notCsv"] } }), outcome: null }, { status: 400 });
  }
  const content = new Uint8Array(await file.arrayBuffer());
  const outcome = await withDomainErrors(() =>
    submitSignalBatch({
      actor,
      kind: submission.value.kind,
      source: submission.value.source,
      policy: submission.value.policy,
      fileName: file.name.slice(0, 200),
      format: "CSV",
      content,
      ip: clientIp(request),
    }),
  );
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: [outcome.formError] }), outcome: null }, { status: outcome.status });
  return {
    result: submission.reply({ resetForm: !outcome.value.duplicate }),
    outcome: { ...outcome.value, kind: submission.value.kind, createdAt: outcome.value.createdAt.toISOString() },
  };
}

function ColumnDocs({ columns }: { columns: readonly Column[] }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === "zh-CN";
  return (
    <Table
      size="small"
      rowKey="key"
      pagination={false}
      scroll={{ x: "max-content" }}
      dataSource={[...columns]}
      columns={[
        { title: t("imports.column"), dataIndex: "key", render: (v: string) => <code>{v}</code> },
        { title: t("imports.columnZh"), dataIndex: "zh" },
        ...(zh ? [] : [{ title: "", dataIndex: "en" }]),
        {
          title: t("imports.type"),
          key: "type",
          render: (_: unknown, c: Column) => (
            <>
              {t(`imports.types.${c.type}`)}
              {c.choices && c.type === "choice" && (
                <div style={{ color: "rgba(0,0,0,0.55)" }}>
                  {t("imports.choices", { values: Object.entries(c.choices).map(([k, words]) => [k, ...words].join("/")).join("；") })}
                </div>
              )}
            </>
          ),
        },
        { title: t("imports.required"), dataIndex: "required", render: (v: boolean) => (v ? t("common.yes") : t("common.no")) },
        { title: t("imports.example"), dataIndex: "example", render: (v: string) => <code>{v}</code> },
      ]}
    />
  );
}

export default function SignalImportsPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form, fields] = useForm<{ kind: string; source: string; policy: string; file?: File }>({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignalUploadSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const busy = loaderData.rows.some((r) => BATCH_IN_PROGRESS.has(r.status));
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") void revalidator.revalidate();
    }, 2_000);
    return () => clearInterval(timer);
  }, [busy, revalidator]);
  const outcome = actionData?.outcome;

  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("imports.title")}
      </Typography.Title>
      {outcome && (
        <Alert
          type={outcome.duplicate ? "warning" : "success"}
          showIcon
          role="status"
          data-testid="import-outcome"
          style={{ marginBottom: 16 }}
          title={
            outcome.duplicate
              ? t("imports.duplicate", {
                  kind: t(`signalKinds.${outcome.kind}`),
                  date: formatDateTime(outcome.createdAt),
                  status: t(`imports.statuses.${outcome.status}`),
                })
              : t("imports.submitted")
          }
          action={<Link to={`/app/signal-imports/${outcome.batchId}`}>{t("imports.viewBatch")}</Link>}
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card title={t("imports.upload")}>
            <FormError errors={form.errors} />
            <Form method="post" encType="multipart/form-data" {...getFormProps(form)}>
              <CsrfInput />
              <AntForm layout="vertical" component={false}>
                <Field id={fields.kind.id} label={t("imports.kind")} errors={fields.kind.errors} required>
                  <SelectField
                    key={form.key}
                    id={fields.kind.id}
                    name={fields.kind.name}
                    defaultValue={fields.kind.initialValue as string | undefined}
                    invalid={Boolean(fields.kind.errors)}
                    placeholder={t("register.choose")}
                    options={SIGNAL_KINDS.map((k) => ({ value: k, label: t(`signalKinds.${k}`) }))}
                  />
                </Field>
                <Field id={fields.source.id} label={t("imports.source")} errors={fields.source.errors} required>
                  <Input {...inputProps(fields.source, { type: "text" })} placeholder={t("imports.sourcePlaceholder")} maxLength={100} />
                </Field>
                <Field id={fields.policy.id} label={t("imports.policy")} errors={fields.policy.errors} required>
                  <Radio.Group name={fields.policy.name} defaultValue={(fields.policy.initialValue as string | undefined) ?? "ALL_OR_NOTHING"} key={form.key}>
                    <Space orientation="vertical">
                      <Radio value="ALL_OR_NOTHING">{t("imports.policies.ALL_OR_NOTHING")}</Radio>
                      <Radio value="VALID_ROWS">{t("imports.policies.VALID_ROWS")}</Radio>
                    </Space>
                  </Radio.Group>
                </Field>
                <Field id={fields.file.id} label={t("imports.file")} errors={fields.file.errors} help={t("imports.fileHelp", { maxMb: loaderData.maxMb })} required>
                  <input id={fields.file.id} name={fields.file.name} type="file" accept=".csv,text/csv" aria-invalid={Boolean(fields.file.errors) || undefined} />
                </Field>
                <Button type="primary" htmlType="submit" loading={navigation.state === "submitting"}>
                  {t("imports.submit")}
                </Button>
              </AntForm>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card title={t("imports.templates")}>
            <Typography.Paragraph type="secondary">{t("imports.templatesHelp")}</Typography.Paragraph>
            <Collapse
              size="small"
              items={SIGNAL_KINDS.map((k) => ({
                key: k,
                label: t(`signalKinds.${k}`),
                extra: (
                  <Space size={12} onClick={(e) => e.stopPropagation()}>
                    <a href={`/app/signal-templates/${k}?header=zh`} download>
                      {t("imports.downloadTemplate")}
                    </a>
                    <a href={`/app/signal-templates/${k}?header=key`} download>
                      {t("imports.downloadTemplateKeys")}
                    </a>
                  </Space>
                ),
                children: <ColumnDocs columns={SIGNAL_DEFINITIONS[k].columns} />,
              }))}
            />
          </Card>
        </Col>
      </Row>
      <Card
        title={t("imports.batches")}
        style={{ marginTop: 16 }}
        extra={
          <Select
            aria-label={t("imports.filterByKind")}
            style={{ minWidth: 160 }}
            value={params.get("kind") ?? ""}
            options={[{ value: "", label: t("imports.kindFilter") }, ...SIGNAL_KINDS.map((k) => ({ value: k, label: t(`signalKinds.${k}`) }))]}
            onChange={(value: string) => {
              const next = new URLSearchParams(params);
              if (value) next.set("kind", value);
              else next.delete("kind");
              next.delete("page");
              void navigate(`?${next.toString()}`);
            }}
          />
        }
      >
        <PagedTable
          testId="batches"
          rows={loaderData.rows}
          total={loaderData.total}
          page={loaderData.page}
          pageSize={loaderData.pageSize}
          columns={[
            { title: t("imports.createdAt"), dataIndex: "createdAt", render: (v: string, r) => <Link to={`/app/signal-imports/${r.id}`}>{formatDateTime(v)}</Link> },
            { title: t("imports.kind"), dataIndex: "kind", render: (v: string) => t(`signalKinds.${v}`) },
            { title: t("imports.source"), dataIndex: "source" },
            { title: t("imports.fileName"), dataIndex: "fileName", render: (v: string | null, r) => v ?? r.format },
            { title: t("imports.by"), dataIndex: "createdBy" },
            { title: t("imports.policy"), dataIndex: "policy", render: (v: string) => t(`imports.policyShort.${v}`) },
            {
              title: t("common.status"),
              dataIndex: "status",
              render: (v: string) => (
                <Tag color={v === "APPLIED" ? "green" : v === "REJECTED" || v === "FAILED" ? "red" : "processing"}>{t(`imports.statuses.${v}`)}</Tag>
              ),
            },
            { title: t("imports.rows"), dataIndex: "rowsTotal", render: (v: number | null) => v ?? "—" },
            { title: t("imports.accepted"), dataIndex: "rowsAccepted" },
            { title: t("imports.rejected"), dataIndex: "rowsRejected" },
            { title: t("imports.progress"), key: "progress", render: (_, r) => <BatchProgress batch={r} compact /> },
          ]}
        />
      </Card>
    </>
  );
}

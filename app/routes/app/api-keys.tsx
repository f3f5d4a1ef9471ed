import { CopyOutlined } from "@ant-design/icons";
import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { App, Alert, Button, Card, Form as AntForm, Input, Popconfirm, Space, Table, Tag, Typography } from "antd";
import type { TFunction } from "i18next";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { Form, data, useNavigation, useSubmit } from "react-router";
import type { Route } from "./+types/api-keys";
import { CsrfInput, Field, inputProps, translateError } from "~/components/forms";
import {
  MAX_LIVE_API_KEYS_PER_INSTITUTION,
  apiKeyPermissionsFor,
  createApiKey,
  listApiKeys,
  revokeApiKey,
} from "~/domain/auth/api-keys.server";
import { formatDateTime } from "~/i18n/format";
import { API_KEY_NAME_MAX, ApiKeyActionSchema, CreateApiKeySchema } from "~/schemas/api-keys";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "API 密钥 · 信易贷" }];

/** i18next reads ":" as a namespace separator, so permissions are labelled through this map. */
const PERMISSION_LABELS: Record<string, string> = {
  "import:credit-signal:any": "importCreditSignal",
  "manage:product:institution": "manageProduct",
  "decide:application:institution": "decideApplication",
  "manage:loan:institution": "manageLoan",
  "file:claim:institution": "fileClaim",
  "read:need-inbox:institution": "readNeedInbox",
};

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "manage:api-key:institution");
  const keys = await orHttpError(() => listApiKeys(actor));
  return {
    keys: keys.map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      permissions: k.permissions,
      createdBy: k.createdBy,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
      revokedAt: k.revokedAt?.toISOString() ?? null,
    })),
    live: keys.filter((k) => !k.revokedAt).length,
    max: MAX_LIVE_API_KEYS_PER_INSTITUTION,
    newKeyPermissions: apiKeyPermissionsFor(actor),
  };
}

// The token is in this one response only: it must not be stored by any cache.
const NO_STORE = { headers: { "Cache-Control": "no-store" } };

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "manage:api-key:institution");
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: ApiKeyActionSchema });
  if (submission.status !== "success") {
    return data({ result: submission.reply(), created: null, revoked: null }, { status: 400, ...NO_STORE });
  }
  const input = submission.value;
  const ip = clientIp(request);
  if (input.intent === "revoke") {
    const revoked = await orHttpError(() => revokeApiKey({ actor, apiKeyId: input.apiKeyId, ip }));
    return data({ result: null, created: null, revoked: revoked.name }, NO_STORE);
  }
  const outcome = await withDomainErrors(() => createApiKey({ actor, name: input.name, ip }));
  if (!outcome.ok) {
    return data(
      { result: submission.reply({ formErrors: [outcome.formError] }), created: null, revoked: null },
      { status: outcome.status, ...NO_STORE },
    );
  }
  const { name, prefix, token } = outcome.value;
  return data({ result: submission.reply({ resetForm: true }), created: { name, prefix, token }, revoked: null }, NO_STORE);
}

/** Form errors of this page: `apiKeys.*` codes have their messages under `apiKeys.errors`. */
function errorText(t: TFunction, message: string | undefined): string | undefined {
  if (!message?.startsWith("apiKeys.")) return translateError(t, message);
  const [key, params] = message.split("|", 2) as [string, string | undefined];
  return t(`apiKeys.errors.${key.slice("apiKeys.".length)}`, params ? (JSON.parse(params) as Record<string, unknown>) : {});
}

function PermissionTags({ permissions }: { permissions: readonly string[] }) {
  const { t } = useTranslation();
  return (
    <Space size={[4, 4]} wrap>
      {permissions.map((p) => (
        <Tag key={p} title={p}>
          {PERMISSION_LABELS[p] ? t(`apiKeys.permissionNames.${PERMISSION_LABELS[p]}`) : p}
        </Tag>
      ))}
    </Space>
  );
}

function NewToken({ name, token }: { name: string; token: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token);
      void message.success(t("apiKeys.copied"));
    } catch {
      void message.error(t("apiKeys.copyFailed"));
    }
  };
  return (
    <Alert
      type="warning"
      showIcon
      role="alert"
      data-testid="new-api-key"
      style={{ marginBottom: 16 }}
      title={t("apiKeys.createdTitle", { name })}
      description={
        <>
          <Typography.Paragraph>{t("apiKeys.tokenOnce")}</Typography.Paragraph>
          <Space.Compact style={{ width: "100%", maxWidth: 640 }}>
            <Input readOnly value={token} aria-label={t("apiKeys.tokenLabel")} onFocus={(e) => e.currentTarget.select()} />
            <Button icon={<CopyOutlined />} onClick={() => void copy()}>
              {t("apiKeys.copy")}
            </Button>
          </Space.Compact>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t("apiKeys.usage")}
          </Typography.Paragraph>
        </>
      }
    />
  );
}

type KeyRow = Route.ComponentProps["loaderData"]["keys"][number];

function RevokeButton({ row }: { row: KeyRow }) {
  const { t } = useTranslation();
  const submit = useSubmit();
  const formRef = useRef<HTMLFormElement>(null);
  return (
    <Form method="post" ref={formRef} className="inline-form">
      <CsrfInput />
      <input type="hidden" name="intent" value="revoke" />
      <input type="hidden" name="apiKeyId" value={row.id} />
      <Popconfirm
        title={t("apiKeys.revokeConfirmTitle", { name: row.name })}
        description={t("apiKeys.revokeConfirm")}
        okText={t("apiKeys.revoke")}
        okButtonProps={{ danger: true }}
        cancelText={t("common.cancel")}
        onConfirm={() => {
          if (formRef.current) void submit(formRef.current);
        }}
      >
        <Button danger size="small" htmlType="button">
          {t("apiKeys.revoke")}
        </Button>
      </Popconfirm>
    </Form>
  );
}

export default function ApiKeysPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.result ?? undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateApiKeySchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const formError = errorText(t, form.errors?.[0]);
  const full = loaderData.live >= loaderData.max;
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("apiKeys.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        {t("apiKeys.intro")}{" "}
        <a href="/api/docs" target="_blank" rel="noreferrer" data-testid="api-docs-link">
          {t("apiKeys.docsLink")}
        </a>
      </Typography.Paragraph>
      {actionData?.created && <NewToken name={actionData.created.name} token={actionData.created.token} />}
      {actionData?.revoked && (
        <Alert type="success" showIcon role="status" style={{ marginBottom: 16 }} title={t("apiKeys.revokedNotice", { name: actionData.revoked })} />
      )}
      <Card title={t("apiKeys.createTitle")} style={{ marginBottom: 16 }}>
        {formError && <Alert type="error" showIcon role="alert" style={{ marginBottom: 16 }} title={formError} />}
        <Typography.Paragraph>
          {t("apiKeys.willCarry")} <PermissionTags permissions={loaderData.newKeyPermissions} />
        </Typography.Paragraph>
        <Form method="post" {...getFormProps(form)}>
          <CsrfInput />
          <input type="hidden" name="intent" value="create" />
          <AntForm layout="vertical" component={false}>
            <div style={{ maxWidth: 420 }}>
              <Field id={fields.name.id} label={t("apiKeys.name")} errors={fields.name.errors} help={t("apiKeys.nameHelp")} required>
                <Input {...inputProps(fields.name, { type: "text" })} key={form.key} maxLength={API_KEY_NAME_MAX} autoComplete="off" />
              </Field>
            </div>
            <Button type="primary" htmlType="submit" disabled={full} loading={navigation.state === "submitting" && navigation.formData?.get("intent") === "create"}>
              {t("common.create")}
            </Button>
          </AntForm>
        </Form>
      </Card>
      <Card title={t("apiKeys.listTitle")} extra={<Typography.Text>{t("apiKeys.liveCount", { live: loaderData.live, max: loaderData.max })}</Typography.Text>}>
        <Table<KeyRow>
          data-testid="api-keys"
          rowKey="id"
          size="small"
          dataSource={loaderData.keys}
          scroll={{ x: "max-content" }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (total) => t("common.total", { count: total }) }}
          locale={{ emptyText: t("common.noData") }}
          columns={[
            { title: t("apiKeys.name"), dataIndex: "name" },
            { title: t("apiKeys.prefix"), dataIndex: "prefix", render: (v: string) => <code>xyd_{v}_…</code> },
            { title: t("apiKeys.permissions"), dataIndex: "permissions", render: (v: string[]) => <PermissionTags permissions={v} /> },
            { title: t("apiKeys.createdBy"), dataIndex: "createdBy", render: (v: string | null) => v ?? "—" },
            { title: t("apiKeys.createdAt"), dataIndex: "createdAt", render: (v: string) => formatDateTime(v) },
            { title: t("apiKeys.lastUsedAt"), dataIndex: "lastUsedAt", render: (v: string | null) => (v ? formatDateTime(v) : t("apiKeys.neverUsed")) },
            {
              title: t("apiKeys.state"),
              key: "state",
              render: (_, r) =>
                r.revokedAt ? (
                  <Tag title={formatDateTime(r.revokedAt)}>{t("apiKeys.states.revoked")}</Tag>
                ) : (
                  <Tag color="green">{t("apiKeys.states.active")}</Tag>
                ),
            },
            { title: t("common.actions"), key: "actions", render: (_, r) => (r.revokedAt ? null : <RevokeButton row={r} />) },
          ]}
        />
      </Card>
    </>
  );
}

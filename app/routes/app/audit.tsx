import { SafetyCertificateOutlined } from "@ant-design/icons";
import { Alert, Button, Flex, Typography, type TableColumnsType } from "antd";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Form, data, useNavigation } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/audit";
import { CsrfInput } from "~/components/forms";
import { PagedTable } from "~/components/PagedTable";
import { listAuditLog } from "~/domain/audit/list-audit.server";
import { verifyAuditLog, type ChainVerification } from "~/domain/audit/verify-audit.server";
import { formatDateTime, formatNumber } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { ListQuerySchema } from "~/schemas/admin";
import { clientIp, orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "审计日志 · 信易贷" }];

const AuditActionSchema = z.object({ intent: z.literal("verify") });

/**
 * An action code's label, or the code itself when it has none. Codes contain
 * dots (`user.sign_in`), which i18next reads as nesting: the flat catalog keys
 * are found by i18next's fallback lookup (`ignoreJSONStructure`, on by default).
 */
export function auditActionLabel(t: TFunction, code: string): string {
  return t(`audit.actions.${code}`, { defaultValue: code, nsSeparator: false });
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:audit-log:any");
  const query = ListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const result = await orHttpError(() => listAuditLog({ actor, query }));
  return {
    rows: result.rows.map((r) => ({
      id: r.seq,
      at: r.at.toISOString(),
      actor: r.actor ? `${r.actor.displayName} (${r.actor.username})` : "—",
      action: r.action,
      entity: `${r.entityType}:${r.entityId.slice(0, 8)}`,
      summary: JSON.stringify(r.summary),
      ip: r.ip,
      hash: r.hash,
    })),
    total: result.total,
    page: query.page,
    pageSize: query.pageSize,
    canVerify: actor.permissions.has("verify:audit-log:any"),
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "verify:audit-log:any");
  const parsed = AuditActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ verification: null, elapsedMs: 0 }, { status: 400 });
  const started = performance.now();
  const verification: ChainVerification = await orHttpError(() => verifyAuditLog({ actor, ip: clientIp(request) }));
  return { verification, elapsedMs: Math.round(performance.now() - started) };
}

type Row = Awaited<ReturnType<typeof loader>>["rows"][number];

const abbreviate = (hash: string) => `${hash.slice(0, 12)}…`;

function VerificationResult({ verification, elapsedMs }: { verification: ChainVerification; elapsedMs: number }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const seconds = (elapsedMs / 1000).toFixed(1);
  if (verification.ok) {
    return (
      <Alert
        type="success"
        showIcon
        role="status"
        data-testid="audit-verify-result"
        style={{ marginBottom: 16 }}
        title={t("audit.verify.okTitle")}
        description={
          verification.lastSeq === null ? (
            t("audit.verify.okEmpty")
          ) : (
            <>
              {t("audit.verify.ok", { count: formatNumber(verification.checked, locale), seq: verification.lastSeq, seconds })}{" "}
              <code title={verification.lastHash}>{abbreviate(verification.lastHash)}</code>
            </>
          )
        }
      />
    );
  }
  const broken = verification.brokenAt;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="audit-verify-result"
      style={{ marginBottom: 16 }}
      title={t("audit.verify.brokenTitle", { seq: broken.seq })}
      description={
        <>
          <Typography.Paragraph style={{ marginBottom: 4 }}>
            {t("audit.verify.brokenRecord", { seq: broken.seq, action: auditActionLabel(t, broken.action), entity: `${broken.entityType}:${broken.entityId}` })}
          </Typography.Paragraph>
          <Typography.Paragraph style={{ marginBottom: 4 }}>
            {t(`audit.verify.reasons.${broken.reason}`, { previousSeq: broken.previousSeq ?? "—" })}
          </Typography.Paragraph>
          <Typography.Paragraph style={{ marginBottom: 4 }}>
            {t("audit.verify.expected")} <code title={broken.expected}>{abbreviate(broken.expected)}</code> · {t("audit.verify.found")}{" "}
            <code title={broken.found}>{abbreviate(broken.found)}</code>
          </Typography.Paragraph>
          <Typography.Text type="secondary">
            {t("audit.verify.checkedBefore", { count: formatNumber(verification.checked, locale), seconds })}
          </Typography.Text>
        </>
      }
    />
  );
}

export default function AuditPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const verifying = navigation.state === "submitting" && navigation.formData?.get("intent") === "verify";
  const columns: TableColumnsType<Row> = [
    { title: t("audit.seq"), dataIndex: "id", align: "right" },
    { title: t("audit.at"), dataIndex: "at", render: (v: string) => formatDateTime(v) },
    { title: t("audit.actor"), dataIndex: "actor" },
    { title: t("audit.action"), dataIndex: "action", render: (a: string) => <span title={a}>{auditActionLabel(t, a)}</span> },
    { title: t("audit.entity"), dataIndex: "entity", render: (v: string) => <code>{v}</code> },
    { title: t("audit.summary"), dataIndex: "summary", ellipsis: true, width: 320 },
    { title: t("audit.hash"), dataIndex: "hash", render: (h: string) => <code title={h}>{abbreviate(h)}</code> },
  ];
  return (
    <>
      <Flex justify="space-between" align="start" gap={16} wrap>
        <div>
          <Typography.Title level={2} style={{ marginTop: 0 }}>
            {t("audit.title")}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t("audit.chainNote")}</Typography.Paragraph>
        </div>
        {loaderData.canVerify && (
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="verify" />
            <Button htmlType="submit" icon={<SafetyCertificateOutlined />} loading={verifying} data-testid="audit-verify">
              {verifying ? t("audit.verify.running") : t("audit.verify.button")}
            </Button>
          </Form>
        )}
      </Flex>
      {loaderData.canVerify && !actionData?.verification && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {t("audit.verify.help")}
        </Typography.Paragraph>
      )}
      {actionData?.verification && <VerificationResult verification={actionData.verification} elapsedMs={actionData.elapsedMs} />}
      <PagedTable<Row> testId="audit-table" columns={columns} rows={loaderData.rows} total={loaderData.total} page={loaderData.page} pageSize={loaderData.pageSize} />
    </>
  );
}

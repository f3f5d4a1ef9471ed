import { Alert, Card, Descriptions, Space, Table, Tag, Typography } from "antd";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useRevalidator, useSearchParams } from "react-router";
import type { Route } from "./+types/signal-import";
import { BATCH_IN_PROGRESS, BatchProgress } from "~/components/credit/BatchProgress";
import { translateError } from "~/components/forms";
import { ERRORS_PAGE_SIZE, getSignalBatch } from "~/domain/credit/import/list-signal-batches.server";
import { formatDateTime, formatNumber } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "导入批次 · 信易贷" }];

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "import:credit-signal:any");
  if (!/^[0-9a-f-]{36}$/.test(params.batchId)) throw new Response("Not Found", { status: 404 });
  const page = Math.min(100_000, Math.max(1, Number(new URL(request.url).searchParams.get("page")) || 1));
  const result = await orHttpError(() => getSignalBatch({ actor, batchId: params.batchId, errorsPage: page }));
  return { ...result, page, pageSize: ERRORS_PAGE_SIZE };
}

export default function SignalImportPage({ loaderData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const { batch } = loaderData;
  const revalidator = useRevalidator();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const running = BATCH_IN_PROGRESS.has(batch.status);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") void revalidator.revalidate();
    }, 1_000);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  const message = (code: string, p: Record<string, string | number>) =>
    translateError(t, Object.keys(p).length ? `${code}|${JSON.stringify(p)}` : code);
  const columnName = (key: string | null) => key ?? "—";

  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <Typography.Title level={2} style={{ marginTop: 0, marginBottom: 0 }}>
        {t("imports.batchTitle")}
      </Typography.Title>
      <Link to="/app/signal-imports">← {t("imports.title")}</Link>
      <Card>
        <BatchProgress batch={batch} />
        {running && <Typography.Paragraph type="secondary">{t("imports.leaveHint")}</Typography.Paragraph>}
        {batch.status === "APPLIED" && (
          <Alert
            type={batch.rowsRejected > 0 ? "warning" : "success"}
            showIcon
            role="status"
            data-testid="batch-summary"
            title={t("imports.appliedSummary", {
              accepted: formatNumber(batch.rowsAccepted, locale),
              rejected: formatNumber(batch.rowsRejected, locale),
              enterprises: formatNumber(batch.enterprisesAffected, locale),
            })}
          />
        )}
        {batch.status === "REJECTED" && (
          <Alert
            type="error"
            showIcon
            role="status"
            data-testid="batch-summary"
            title={t("imports.rejectedSummary", { rejected: formatNumber(batch.rowsRejected, locale) })}
            description={batch.policy === "ALL_OR_NOTHING" ? t("imports.rejectedPolicy") : undefined}
          />
        )}
        {batch.status === "FAILED" && <Alert type="error" showIcon title={t("imports.failedSummary", { reason: batch.failureReason ?? "" })} />}
      </Card>
      <Card>
        <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
          <Descriptions.Item label={t("imports.kind")}>{t(`signalKinds.${batch.kind}`)}</Descriptions.Item>
          <Descriptions.Item label={t("common.status")}>
            <Tag data-testid="batch-status">{t(`imports.statuses.${batch.status}`)}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t("imports.source")}>{batch.source}</Descriptions.Item>
          <Descriptions.Item label={t("imports.policy")}>{t(`imports.policies.${batch.policy}`)}</Descriptions.Item>
          <Descriptions.Item label={t("imports.fileName")}>{batch.fileName ?? batch.format}</Descriptions.Item>
          <Descriptions.Item label={t("imports.size")}>{formatNumber(batch.sizeBytes, locale)} B</Descriptions.Item>
          <Descriptions.Item label={t("imports.sha256")} span={2}>
            <code style={{ wordBreak: "break-all" }}>{batch.fileSha256}</code>
          </Descriptions.Item>
          <Descriptions.Item label={t("imports.by")}>{batch.createdBy}</Descriptions.Item>
          <Descriptions.Item label={t("imports.createdAt")}>{formatDateTime(batch.createdAt)}</Descriptions.Item>
          <Descriptions.Item label={t("imports.startedAt")}>{batch.startedAt ? formatDateTime(batch.startedAt) : "—"}</Descriptions.Item>
          <Descriptions.Item label={t("imports.finishedAt")}>{batch.finishedAt ? formatDateTime(batch.finishedAt) : "—"}</Descriptions.Item>
          <Descriptions.Item label={t("imports.rows")}>{batch.rowsTotal === null ? "—" : formatNumber(batch.rowsTotal, locale)}</Descriptions.Item>
          <Descriptions.Item label={t("imports.accepted")}>{formatNumber(batch.rowsAccepted, locale)}</Descriptions.Item>
          <Descriptions.Item label={t("imports.rejected")}>{formatNumber(batch.rowsRejected, locale)}</Descriptions.Item>
          <Descriptions.Item label={t("imports.enterprisesAffected")}>{formatNumber(batch.enterprisesAffected, locale)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card
        title={t("imports.errors")}
        extra={loaderData.errorTotal > 0 && <a href={`/app/signal-imports/${batch.id}/errors.csv`}>{t("imports.downloadErrors")}</a>}
      >
        <Table
          data-testid="batch-errors"
          rowKey="id"
          size="small"
          dataSource={loaderData.errors}
          locale={{ emptyText: t("imports.noErrors") }}
          scroll={{ x: "max-content" }}
          columns={[
            { title: t("imports.errorLine"), dataIndex: "line", width: 90 },
            { title: t("imports.errorColumn"), dataIndex: "column", width: 160, render: (v: string | null) => <code>{columnName(v)}</code> },
            { title: t("imports.errorReason"), key: "reason", render: (_, e) => message(e.code, e.params) },
          ]}
          pagination={{
            current: loaderData.page,
            pageSize: loaderData.pageSize,
            total: loaderData.errorTotal,
            showSizeChanger: false,
            showTotal: (total) => t("common.total", { count: total }),
            onChange: (page) => {
              const next = new URLSearchParams(params);
              next.set("page", String(page));
              void navigate(`?${next.toString()}`);
            },
          }}
        />
      </Card>
    </Space>
  );
}

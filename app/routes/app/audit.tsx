import { Typography, type TableColumnsType } from "antd";
import { useTranslation } from "react-i18next";
import type { Route } from "./+types/audit";
import { PagedTable } from "~/components/PagedTable";
import { listAuditLog } from "~/domain/audit/list-audit.server";
import { formatDateTime } from "~/i18n/format";
import { ListQuerySchema } from "~/schemas/admin";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "审计日志 · 信易贷" }];

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
  };
}

type Row = Awaited<ReturnType<typeof loader>>["rows"][number];

export default function AuditPage({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const columns: TableColumnsType<Row> = [
    { title: t("audit.seq"), dataIndex: "id", align: "right" },
    { title: t("audit.at"), dataIndex: "at", render: (v: string) => formatDateTime(v) },
    { title: t("audit.actor"), dataIndex: "actor" },
    { title: t("audit.action"), dataIndex: "action", render: (a: string) => t(`audit.actions.${a}`, { defaultValue: a }) },
    { title: t("audit.entity"), dataIndex: "entity", render: (v: string) => <code>{v}</code> },
    { title: t("audit.summary"), dataIndex: "summary", ellipsis: true, width: 320 },
    { title: t("audit.hash"), dataIndex: "hash", render: (h: string) => <code title={h}>{h.slice(0, 12)}…</code> },
  ];
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("audit.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("audit.chainNote")}</Typography.Paragraph>
      <PagedTable<Row> testId="audit-table" columns={columns} rows={loaderData.rows} total={loaderData.total} page={loaderData.page} pageSize={loaderData.pageSize} />
    </>
  );
}

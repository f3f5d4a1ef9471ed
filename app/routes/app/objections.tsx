import { Segmented, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import type { Route } from "./+types/objections";
import { ObjectionStatusTag } from "~/components/credit/ObjectionStatusTag";
import { PagedTable } from "~/components/PagedTable";
import { platformToday } from "~/domain/credit/build-snapshot";
import { listObjections } from "~/domain/credit/objections/list-objections.server";
import { formatDateTime } from "~/i18n/format";
import { ListQuerySchema } from "~/schemas/admin";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "异议处理 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "handle:objection:any");
  const url = new URL(request.url);
  const query = ListQuerySchema.parse(Object.fromEntries(url.searchParams));
  const status = url.searchParams.get("status") === "DECIDED" ? ("DECIDED" as const) : ("OPEN" as const);
  const result = await orHttpError(() => listObjections({ actor, scope: "any", status, page: query.page, pageSize: query.pageSize }));
  return {
    status,
    today: platformToday(),
    total: result.total,
    page: query.page,
    pageSize: query.pageSize,
    rows: result.rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      remedy: r.remedy,
      enterprise: r.enterprise,
      signalKind: r.signal.kind,
      signalKey: r.signal.naturalKey,
      dueOn: r.dueOn.toISOString().slice(0, 10),
      createdAt: r.createdAt.toISOString(),
    })),
  };
}

export default function ObjectionsPage({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("objections.queueTitle")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("objections.queueHelp")}</Typography.Paragraph>
      <Segmented
        style={{ marginBottom: 16 }}
        value={loaderData.status}
        options={[
          { value: "OPEN", label: t("objections.filterOpen") },
          { value: "DECIDED", label: t("objections.filterDecided") },
        ]}
        onChange={(value) => {
          const next = new URLSearchParams(params);
          next.set("status", String(value));
          next.delete("page");
          void navigate(`?${next.toString()}`);
        }}
      />
      <PagedTable
        testId="objections"
        rows={loaderData.rows}
        total={loaderData.total}
        page={loaderData.page}
        pageSize={loaderData.pageSize}
        columns={[
          { title: t("objections.createdAt"), dataIndex: "createdAt", render: (v: string) => formatDateTime(v) },
          { title: t("objections.enterprise"), key: "enterprise", render: (_, r) => `${r.enterprise.name}（${r.enterprise.uscc}）` },
          { title: t("credit.kind"), dataIndex: "kind", render: (v: string) => <Tag>{t(`objections.kinds.${v}`)}</Tag> },
          { title: t("objections.signal"), key: "signal", render: (_, r) => `${t(`signalKinds.${r.signalKind}`)} · ${r.signalKey}` },
          {
            title: t("objections.dueOn"),
            dataIndex: "dueOn",
            render: (v: string, r) => (
              <>
                {v} {r.status === "OPEN" && v < loaderData.today && <Tag color="red">{t("objections.overdue")}</Tag>}
              </>
            ),
          },
          {
            title: t("common.status"),
            key: "status",
            render: (_, r) => <ObjectionStatusTag status={r.status} remedy={r.remedy} />,
          },
          {
            title: t("common.actions"),
            key: "actions",
            render: (_, r) => <Link to={`/app/objections/${r.id}`}>{r.status === "OPEN" ? t("objections.open") : t("objections.view")}</Link>,
          },
        ]}
      />
    </>
  );
}

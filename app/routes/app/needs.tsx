import { PlusOutlined } from "@ant-design/icons";
import { Card, Empty, Grid, Space, Tabs, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/needs";
import { LinkButton } from "~/components/LinkButton";
import { NeedAmount } from "~/components/needs/NeedAmount";
import { NeedStatusTag, UrgencyTag } from "~/components/needs/NeedStatusTag";
import { PagedTable } from "~/components/PagedTable";
import { listOwnNeeds } from "~/domain/needs/list-own-needs.server";
import { NEED_STATUSES } from "~/domain/needs/need-rules";
import { formatCalendarDate, formatDate, formatRateBps } from "~/i18n/format";
import { ListQuerySchema } from "~/schemas/admin";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "融资需求 · 信易贷" }];

const StatusFilterSchema = z.enum(NEED_STATUSES).optional().catch(undefined);

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "manage:need:own");
  const url = new URL(request.url);
  const query = ListQuerySchema.parse(Object.fromEntries(url.searchParams));
  const status = StatusFilterSchema.parse(url.searchParams.get("status") ?? undefined);
  const list = await orHttpError(() => listOwnNeeds({ actor, status, page: query.page, pageSize: query.pageSize }));
  return {
    status: status ?? null,
    total: list.total,
    page: list.page,
    pageSize: list.pageSize,
    byStatus: list.byStatus,
    rows: list.rows.map((r) => ({
      id: r.id,
      purpose: r.purpose,
      amountFen: r.amountFen.toString(),
      termMonths: r.termMonths,
      maxRateBps: r.maxRateBps,
      urgency: r.urgency,
      status: r.status,
      expiresOn: formatCalendarDate(r.expiresOn),
      createdAt: r.createdAt.toISOString(),
      claims: r.claims,
    })),
  };
}

export default function NeedsPage({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  // Known only in the browser: the server renders the desktop table, a phone then folds it into one column.
  const phone = Grid.useBreakpoint().sm === false;
  const everything = Object.values(loaderData.byStatus).reduce((sum, n) => sum + n, 0);
  const postButton = (
    <LinkButton to="/app/needs/new" type="primary" icon={<PlusOutlined />} data-testid="post-need">
      {t("needs.post")}
    </LinkButton>
  );
  return (
    <>
      <Space style={{ width: "100%", justifyContent: "space-between", alignItems: "flex-start" }} wrap>
        <Typography.Title level={2} style={{ marginTop: 0 }}>
          {t("needs.title")}
        </Typography.Title>
        {everything > 0 && postButton}
      </Space>
      <Typography.Paragraph type="secondary">{t("needs.help")}</Typography.Paragraph>
      {everything === 0 ? (
        <Card>
          <Empty
            data-testid="needs-empty"
            description={
              <>
                <Typography.Text strong>{t("needs.empty")}</Typography.Text>
                <br />
                <Typography.Text type="secondary">{t("needs.emptyHelp")}</Typography.Text>
              </>
            }
          >
            {postButton}
          </Empty>
        </Card>
      ) : (
        <Card title={t("needs.list")}>
          <Tabs
            aria-label={t("needs.filterLabel")}
            activeKey={loaderData.status ?? "ALL"}
            onChange={(key) => {
              const next = new URLSearchParams(params);
              if (key === "ALL") next.delete("status");
              else next.set("status", key);
              next.delete("page");
              void navigate(`?${next.toString()}`);
            }}
            items={[
              { key: "ALL", label: `${t("needs.all")} (${everything})` },
              ...NEED_STATUSES.map((s) => ({ key: s, label: `${t(`needs.status.${s}`)} (${loaderData.byStatus[s]})` })),
            ]}
          />
          <PagedTable
            testId="my-needs"
            rows={loaderData.rows}
            total={loaderData.total}
            page={loaderData.page}
            pageSize={loaderData.pageSize}
            columns={[
              {
                title: t("needs.purpose"),
                dataIndex: "purpose",
                render: (v: string, r) =>
                  phone ? (
                    // On a phone the other columns fold into this one: a table of nine columns does not fit 390 px.
                    <div style={{ maxWidth: 300, whiteSpace: "normal" }}>
                      <Link to={`/app/needs/${r.id}`}>{v}</Link>
                      <Space size={4} style={{ margin: "6px 0 4px" }}>
                        <NeedStatusTag status={r.status} />
                        <UrgencyTag urgency={r.urgency} />
                      </Space>
                      <NeedAmount fen={r.amountFen} strong /> · {t("needs.termValue", { count: r.termMonths })} · {formatRateBps(r.maxRateBps)}
                      <div>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {t("needs.expiresOn")} {r.expiresOn} · {t("needs.claims")} {t("needs.claimsCount", { count: r.claims })}
                        </Typography.Text>
                      </div>
                    </div>
                  ) : (
                    <Link to={`/app/needs/${r.id}`} style={{ display: "inline-block", maxWidth: 280 }}>
                      <Typography.Text ellipsis={{ tooltip: v }} style={{ maxWidth: 280, color: "inherit" }}>
                        {v}
                      </Typography.Text>
                    </Link>
                  ),
              },
              { title: t("common.status"), dataIndex: "status", responsive: ["sm"], render: (v: string) => <NeedStatusTag status={v} /> },
              { title: t("needs.amount"), dataIndex: "amountFen", align: "right", responsive: ["sm"], render: (v: string) => <NeedAmount fen={v} block /> },
              { title: t("needs.term"), dataIndex: "termMonths", responsive: ["md"], render: (v: number) => t("needs.termValue", { count: v }) },
              { title: t("needs.maxRateShort"), dataIndex: "maxRateBps", align: "right", responsive: ["md"], render: (v: number) => formatRateBps(v) },
              { title: t("needs.urgencyLabel"), dataIndex: "urgency", responsive: ["lg"], render: (v: string) => <UrgencyTag urgency={v} /> },
              { title: t("needs.expiresOn"), dataIndex: "expiresOn", responsive: ["sm"] },
              { title: t("needs.claims"), dataIndex: "claims", align: "right", responsive: ["md"], render: (v: number) => t("needs.claimsCount", { count: v }) },
              { title: t("needs.postedAt"), dataIndex: "createdAt", responsive: ["xl"], render: (v: string) => formatDate(v) },
            ]}
          />
        </Card>
      )}
    </>
  );
}

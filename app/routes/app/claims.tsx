import { Alert, Card, Flex, Space, Table, Tabs, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import type { Route } from "./+types/claims";
import { LinkButton } from "~/components/LinkButton";
import { PagedTable } from "~/components/PagedTable";
import { translateError } from "~/components/forms";
import { listClaimableLoans, listClaims } from "~/domain/fund/load-claims.server";
import { formatDateTime, formatDeadline, formatMoneyFen } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { CLAIM_STATUS_COLORS, CLAIM_VIEWS, ClaimListQuerySchema } from "~/schemas/claims";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "风险补偿申请 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "file:claim:institution", "decide:claim:any", "read:ledger:any");
  const query = ClaimListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  // The finance office opens on its queue; a bank on everything it filed.
  const view = query.view ?? (actor.permissions.has("decide:claim:any") ? "awaiting" : "all");
  const list = await orHttpError(() => listClaims({ actor, view, page: query.page, pageSize: query.pageSize }));
  const claimable = list.side === "bank" ? await orHttpError(() => listClaimableLoans({ actor })) : [];
  return { ...list, view, claimable };
}

type Row = Route.ComponentProps["loaderData"]["items"][number];
type LoanRow = Route.ComponentProps["loaderData"]["claimable"][number];

function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={CLAIM_STATUS_COLORS[status]} data-testid="claim-status" data-status={status}>
      {t(`claims.status.${status}`)}
    </Tag>
  );
}

export default function ClaimsPage({ loaderData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const navigate = useNavigate();
  const { side } = loaderData;
  const money = (fen: string | null) => (fen === null ? "—" : formatMoneyFen(fen, locale));
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <div>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t("claims.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t(side === "bank" ? "claims.helpBank" : "claims.helpOffice")}
        </Typography.Paragraph>
      </div>

      {side === "office" && loaderData.overdue > 0 && (
        <Alert type="warning" showIcon data-testid="claims-overdue" title={t("claims.overdueAlert", { count: loaderData.overdue })} />
      )}

      {side === "bank" && (
        <Card title={t("claims.claimable.title")} data-testid="claimable-loans">
          <Typography.Paragraph type="secondary">{t("claims.claimable.help")}</Typography.Paragraph>
          <Table<LoanRow>
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: "max-content" }}
            dataSource={loaderData.claimable}
            locale={{ emptyText: t("claims.claimable.empty") }}
            columns={[
              { title: t("claims.columns.enterprise"), dataIndex: "enterpriseName" },
              { title: t("claims.columns.principal"), key: "principal", align: "right", render: (_, r) => money(r.principalFen) },
              { title: t("claims.loan.outstanding"), key: "outstanding", align: "right", render: (_, r) => money(r.outstandingFen) },
              { title: t("claims.loan.daysPastDue"), key: "dpd", align: "right", render: (_, r) => t("claims.loan.days", { count: r.daysPastDue }) },
              { title: t("claims.loan.defaultedAt"), key: "defaultedAt", render: (_, r) => (r.defaultedAt ? formatDateTime(r.defaultedAt) : "—") },
              { title: t("claims.fund"), key: "fund", render: (_, r) => (zh ? r.fundNameZh : r.fundNameEn) },
              {
                title: t("claims.claimable.compensated"),
                key: "compensated",
                align: "right",
                render: (_, r) => (BigInt(r.compensatedFen) > 0n ? money(r.compensatedFen) : "—"),
              },
              {
                title: t("claims.columns.actions"),
                key: "file",
                render: (_, r) => (
                  <LinkButton type="primary" size="small" to={`/app/claims/new?loanId=${r.id}`} data-testid="file-claim-link">
                    {t("claims.claimable.file")}
                  </LinkButton>
                ),
              },
            ]}
          />
        </Card>
      )}

      <Tabs
        activeKey={loaderData.view}
        onChange={(key) => void navigate(`?view=${key}`)}
        items={CLAIM_VIEWS.map((v) => ({
          key: v,
          label: (
            <span data-testid={`claims-tab-${v}`}>
              {t(`claims.views.${v}`)} <Tag color={v === "awaiting" && loaderData.counts[v] > 0 ? "gold" : undefined}>{loaderData.counts[v]}</Tag>
            </span>
          ),
        }))}
      />
      {loaderData.counts.all === 0 ? (
        <Alert type="info" showIcon title={t(side === "bank" ? "claims.emptyBank" : "claims.empty")} data-testid="claims-empty" />
      ) : (
        <PagedTable<Row>
          testId="claims"
          rows={loaderData.items}
          total={loaderData.total}
          page={loaderData.page}
          pageSize={loaderData.pageSize}
          columns={[
            {
              title: t("claims.columns.enterprise"),
              key: "enterprise",
              render: (_, r) => (
                <Link to={`/app/claims/${r.id}`} data-testid="claim-link">
                  {r.enterpriseName}
                </Link>
              ),
            },
            { title: t("claims.columns.bank"), key: "bank", render: (_, r) => (zh ? r.bankNameZh : r.bankNameEn) },
            { title: t("claims.columns.principal"), key: "principal", align: "right", render: (_, r) => money(r.principalFen) },
            { title: t("claims.columns.loss"), key: "loss", align: "right", render: (_, r) => money(r.lossFen) },
            { title: t("claims.columns.reserved"), key: "reserved", align: "right", render: (_, r) => money(r.reservedFen) },
            { title: t("claims.columns.approved"), key: "approved", align: "right", render: (_, r) => money(r.approvedFen) },
            {
              title: t("claims.columns.status"),
              key: "status",
              render: (_, r) => (
                <Flex gap={4} wrap>
                  <StatusTag status={r.status} />
                  {r.overdue && (
                    <Tag color="red" data-testid="claim-overdue">
                      {t("claims.overdue")}
                    </Tag>
                  )}
                  {r.status === "REFUSED" && r.refusal && (
                    <Typography.Text type="secondary">
                      {i18n.exists(`errors.${r.refusal}`) ? translateError(t, r.refusal) : t("claims.refusalOther", { code: r.refusal })}
                    </Typography.Text>
                  )}
                </Flex>
              ),
            },
            { title: t("claims.columns.filedAt"), key: "filedAt", render: (_, r) => formatDateTime(r.filedAt) },
            {
              title: t("claims.columns.decideBy"),
              key: "decideBy",
              render: (_, r) =>
                r.status === "RESERVED" || r.status === "RESERVING" ? (
                  <Typography.Text type={r.overdue ? "danger" : undefined}>{formatDeadline(r.decideBy)}</Typography.Text>
                ) : r.decidedAt ? (
                  <Typography.Text type="secondary">{t("claims.decidedOn", { time: formatDateTime(r.decidedAt) })}</Typography.Text>
                ) : (
                  "—"
                ),
            },
          ]}
        />
      )}
    </Space>
  );
}

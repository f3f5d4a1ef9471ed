import { DownloadOutlined } from "@ant-design/icons";
import { Alert, Card, Col, Flex, Row, Space, Statistic, Table, Tag, Tooltip, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Route } from "./+types/ledger-reconciliation";
import { prisma } from "~/db.server";
import { getLedger } from "~/domain/ledger/ledger.server";
import { reconcileLedger, type ReconciliationDifference } from "~/domain/ledger/reconcile.server";
import { formatDateTime, formatMoneyFen, formatNumber } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { requirePermission } from "~/web/request.server";
import { LedgerNav } from "./ledger";

export const meta: Route.MetaFunction = () => [{ title: "对账 · 资金账本 · 信易贷" }];

/** A finding as the page and the export show it: amounts as decimal strings in 分. */
export function serialiseDifference(d: ReconciliationDifference) {
  return {
    kind: d.kind,
    severity: d.severity,
    subjectType: d.subjectType,
    subjectId: d.subjectId,
    ledgerFen: d.ledgerFen?.toString() ?? null,
    recordsFen: d.recordsFen?.toString() ?? null,
    gapFen: d.ledgerFen !== null && d.recordsFen !== null ? (d.ledgerFen - d.recordsFen).toString() : null,
    detail: d.detail,
    href: d.href,
    since: d.since?.toISOString() ?? null,
  };
}

/**
 * Runs the reconciliation in the loader (bounded: loans in batches of 500,
 * funds and recoveries likewise), so every visit shows the ledger as it is now.
 */
export async function loader({ request, context }: Route.LoaderArgs) {
  requirePermission(request, context, "read:ledger:any");
  const report = await reconcileLedger(prisma, await getLedger());
  return {
    ranAt: report.ranAt.toISOString(),
    checked: report.checked,
    differenceCount: report.differenceCount,
    notYetPostedCount: report.notYetPostedCount,
    inFlight: report.inFlight,
    truncated: report.truncated,
    rows: report.differences.map((d, i) => ({ id: String(i), ...serialiseDifference(d) })),
  };
}

type Row = Route.ComponentProps["loaderData"]["rows"][number];

export default function LedgerReconciliationPage({ loaderData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const money = (fen: string | null) => (fen === null ? "—" : formatMoneyFen(fen, locale));
  const { checked, inFlight } = loaderData;
  const skipped = inFlight.loans + inFlight.funds + inFlight.recoveries;
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <div>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t("ledgerView.reconTitle")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t("ledgerView.reconHelp")}
        </Typography.Paragraph>
      </div>
      <LedgerNav active="reconciliation" fundId={null} />
      <Flex wrap gap={16} align="center" justify="space-between">
        <Typography.Text type="secondary">{t("ledgerView.reconRanAt", { at: formatDateTime(loaderData.ranAt) })}</Typography.Text>
        <Tooltip title={t("ledgerView.exportHelp")}>
          <a href="/app/ledger/export/reconciliation" download data-testid="ledger-export-reconciliation">
            <DownloadOutlined aria-hidden /> {t("ledgerView.exportCsv")}
          </a>
        </Tooltip>
      </Flex>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card>
            <Statistic
              title={t("ledgerView.reconDifferences")}
              value={formatNumber(loaderData.differenceCount, locale)}
              styles={{ content: loaderData.differenceCount > 0 ? { color: "#cf1322" } : undefined }}
              data-testid="recon-differences"
            />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card>
            <Statistic
              title={t("ledgerView.reconNotYetPosted")}
              value={formatNumber(loaderData.notYetPostedCount, locale)}
              styles={{ content: loaderData.notYetPostedCount > 0 ? { color: "#d46b08" } : undefined }}
              data-testid="recon-not-yet-posted"
            />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card>
            <Typography.Paragraph style={{ margin: 0 }} data-testid="recon-checked">
              {t("ledgerView.reconChecked", checked)}
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>
      {skipped > 0 && <Alert type="info" showIcon title={t("ledgerView.reconInFlight", inFlight)} />}
      {loaderData.differenceCount === 0 && loaderData.notYetPostedCount === 0 ? (
        <Alert type="success" showIcon role="status" title={t("ledgerView.reconAgree")} data-testid="recon-agree" />
      ) : (
        <>
          {loaderData.truncated && <Alert type="warning" showIcon title={t("ledgerView.reconTruncated", { count: loaderData.rows.length })} />}
          <Table<Row>
            data-testid="recon-table"
            rowKey="id"
            size="small"
            scroll={{ x: "max-content" }}
            dataSource={loaderData.rows}
            // The report is computed whole on every visit and bounded (1,000 findings): paged here, in the browser.
            pagination={{ pageSize: 50, showTotal: (total) => t("common.total", { count: total }) }}
            columns={[
              {
                title: t("ledgerView.reconColumns.severity"),
                key: "severity",
                render: (_, r) => <Tag color={r.severity === "difference" ? "red" : "orange"}>{t(`ledgerView.severity.${r.severity}`)}</Tag>,
              },
              { title: t("ledgerView.reconColumns.kind"), key: "kind", render: (_, r) => <div style={{ maxWidth: 300 }}>{t(`ledgerView.reconKinds.${r.kind}`)}</div> },
              {
                title: t("ledgerView.reconColumns.subject"),
                key: "subject",
                render: (_, r) => {
                  const text = `${t(`ledgerView.subjects.${r.subjectType}`)} ${r.subjectId.length > 12 ? `${r.subjectId.slice(0, 8)}…` : r.subjectId}`;
                  return r.href ? (
                    <Link to={r.href} title={r.subjectId}>
                      {text}
                    </Link>
                  ) : (
                    <span title={r.subjectId}>{text}</span>
                  );
                },
              },
              { title: t("ledgerView.reconColumns.ledger"), key: "ledger", align: "right", render: (_, r) => money(r.ledgerFen) },
              { title: t("ledgerView.reconColumns.records"), key: "records", align: "right", render: (_, r) => money(r.recordsFen) },
              { title: t("ledgerView.reconColumns.gap"), key: "gap", align: "right", render: (_, r) => money(r.gapFen) },
              { title: t("ledgerView.reconColumns.detail"), key: "detail", render: (_, r) => r.detail ?? "—" },
              { title: t("ledgerView.reconColumns.since"), key: "since", render: (_, r) => (r.since ? formatDateTime(r.since) : "—") },
            ]}
          />
        </>
      )}
    </Space>
  );
}

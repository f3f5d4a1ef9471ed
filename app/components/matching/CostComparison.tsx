import { Table, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { formatMoneyFen, formatRateBps } from "~/i18n/format";

export type CostRow = { rank: number; productName: string; bankName: string; expectedRateBps: number; interestFen: string; method: string };

/**
 * The offers side by side: each product's expected annual rate as a bar, the
 * SME's ceiling as a line across them, and the estimated interest. The
 * figures are in the table cells, so the bars add a picture, not information
 * a screen reader would miss.
 */
export function CostComparison({ rows, ceilingBps }: { rows: CostRow[]; ceilingBps: number }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const scale = Math.max(ceilingBps, ...rows.map((r) => r.expectedRateBps)) * 1.1;
  const ceilingLeft = `${((ceilingBps / scale) * 100).toFixed(1)}%`;
  return (
    <div data-testid="cost-comparison">
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t("matching.costTitle")}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t("matching.costHelp", { ceiling: formatRateBps(ceilingBps) })} {t("matching.methodNote")}
      </Typography.Paragraph>
      <Table
        size="small"
        rowKey="rank"
        pagination={false}
        dataSource={rows}
        aria-label={t("matching.costTable")}
        scroll={{ x: 560 }}
        columns={[
          { title: t("matching.columns.rank"), dataIndex: "rank", width: 56 },
          {
            title: t("matching.columns.product"),
            key: "product",
            render: (_, r) => (
              <span>
                {r.productName}
                <Typography.Text type="secondary"> · {r.bankName}</Typography.Text>
              </span>
            ),
          },
          {
            title: t("matching.columns.expectedRate"),
            key: "rate",
            width: 240,
            render: (_, r) => (
              <div style={{ display: "flex", alignItems: "center", gap: 8 }}>
                <div aria-hidden style={{ position: "relative", flex: 1, height: 12, background: "#f0f0f0", borderRadius: 2 }}>
                  <div
                    style={{
                      width: `${((r.expectedRateBps / scale) * 100).toFixed(1)}%`,
                      height: "100%",
                      background: r.expectedRateBps <= ceilingBps ? "#1677ff" : "#fa8c16",
                      borderRadius: 2,
                    }}
                  />
                  <div style={{ position: "absolute", left: ceilingLeft, top: -3, bottom: -3, width: 2, background: "#cf1322" }} title={t("matching.ceiling")} />
                </div>
                <span style={{ minWidth: 52, textAlign: "right", fontVariantNumeric: "tabular-nums" }}>{formatRateBps(r.expectedRateBps)}</span>
              </div>
            ),
          },
          {
            title: t("matching.columns.interest"),
            key: "interest",
            align: "right",
            render: (_, r) => (
              <div>
                <div style={{ fontVariantNumeric: "tabular-nums" }}>≈ {formatMoneyFen(r.interestFen, locale)}</div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t(`repaymentMethods.${r.method}`)}
                </Typography.Text>
              </div>
            ),
          },
        ]}
      />
    </div>
  );
}

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
function RateBar({ rateBps, ceilingBps, scale, label }: { rateBps: number; ceilingBps: number; scale: number; label: string }) {
  return (
    <div style={{ display: "flex", alignItems: "center", gap: 8 }}>
      <div aria-hidden style={{ position: "relative", flex: 1, height: 12, background: "#f0f0f0", borderRadius: 2 }}>
        <div
          style={{
            width: `${((rateBps / scale) * 100).toFixed(1)}%`,
            height: "100%",
            background: rateBps <= ceilingBps ? "#1677ff" : "#fa8c16",
            borderRadius: 2,
          }}
        />
        <div style={{ position: "absolute", left: `${((ceilingBps / scale) * 100).toFixed(1)}%`, top: -3, bottom: -3, width: 2, background: "#cf1322" }} title={label} />
      </div>
      <span style={{ minWidth: 52, textAlign: "right", fontVariantNumeric: "tabular-nums" }}>{formatRateBps(rateBps)}</span>
    </div>
  );
}

export function CostComparison({ rows, ceilingBps }: { rows: CostRow[]; ceilingBps: number }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const scale = Math.max(ceilingBps, ...rows.map((r) => r.expectedRateBps)) * 1.1;
  return (
    <div data-testid="cost-comparison">
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t("matching.costTitle")}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t("matching.costHelp", { ceiling: formatRateBps(ceilingBps) })} {t("matching.methodNote")}
      </Typography.Paragraph>
      <Table
        className="cost-table"
        size="small"
        rowKey="rank"
        pagination={false}
        dataSource={rows}
        aria-label={t("matching.costTable")}
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
            render: (_, r) => <RateBar rateBps={r.expectedRateBps} ceilingBps={ceilingBps} scale={scale} label={t("matching.ceiling")} />,
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
      <ol className="cost-stack" aria-label={t("matching.costTable")}>
        {rows.map((r) => (
          <li key={r.rank}>
            <div>
              {r.rank}. {r.productName}
              <Typography.Text type="secondary"> · {r.bankName}</Typography.Text>
            </div>
            <RateBar rateBps={r.expectedRateBps} ceilingBps={ceilingBps} scale={scale} label={t("matching.ceiling")} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t("matching.columns.interest")} ≈ {formatMoneyFen(r.interestFen, locale)} · {t(`repaymentMethods.${r.method}`)}
            </Typography.Text>
          </li>
        ))}
      </ol>
    </div>
  );
}

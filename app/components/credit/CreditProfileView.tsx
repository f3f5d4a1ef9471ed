import { Alert, Card, Col, Descriptions, List, Row, Space, Statistic, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useTranslation } from "react-i18next";
import { TrendChart } from "~/components/charts/TrendChart";
import { explainReason, type Reason } from "~/domain/credit/scorecard/evaluate";
import { SCORECARD_MODELS } from "~/domain/credit/scorecard/models";
import { formatMoneyFen, formatNumber, formatRateBps } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { describeSignal, type SignalView } from "./signal-text";

export type ProfileSignal = SignalView & {
  id: string;
  source: string;
  asOf: string;
  status: "COUNTED" | "WITHDRAWN" | "CORRECTED" | "REPAIRED";
  openObjection: { id: string; kind: string; dueOn: string } | null;
};

export type ProfileView = {
  current: {
    score: number;
    grade: string;
    excluded: boolean;
    exclusions: Reason[];
    redListed: boolean;
    incentives: string[];
    reasons: Reason[];
    modelVersion: string;
    evaluatedOn: string;
  } | null;
  history: { id: string; score: number; grade: string; excluded: boolean; modelVersion: string; evaluatedOn: string; trigger: string; createdAt: string }[];
  trends: { months: string[]; salesFen: (string | null)[]; headcount: (number | null)[]; utilityOnTimeBps: (number | null)[] } | null;
  signals: ProfileSignal[] | null;
};

const GRADE_COLOURS: Record<string, string> = { A: "green", B: "blue", C: "orange", D: "red" };
const STATUS_COLOURS: Record<ProfileSignal["status"], string> = { COUNTED: "default", WITHDRAWN: "default", CORRECTED: "blue", REPAIRED: "green" };

/** The reader's text for a reason, from the explanation stored with the model version that produced it. */
function useExplain() {
  const { i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (reason: Reason, version: string) => {
    const params = SCORECARD_MODELS[version];
    return params ? explainReason(reason, params, locale) : reason.code;
  };
}

export function CreditScoreCard({ current }: { current: NonNullable<ProfileView["current"]> }) {
  const { t } = useTranslation();
  const explain = useExplain();
  const raised = current.reasons.filter((r) => r.points > 0);
  const lowered = current.reasons.filter((r) => r.points < 0);
  const neutral = current.reasons.filter((r) => r.points === 0);
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      {current.excluded && (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="credit-excluded"
          title={t("credit.excludedTitle")}
          description={
            <>
              <p style={{ margin: "4px 0" }}>{t("credit.excludedHelp")}</p>
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {current.exclusions.map((r) => (
                  <li key={r.code + JSON.stringify(r.params)}>{explain(r, current.modelVersion)}</li>
                ))}
              </ul>
            </>
          }
        />
      )}
      {current.redListed && (
        <Alert
          type="success"
          showIcon
          title={t("credit.redListedTitle")}
          description={
            <>
              {t("credit.redListedHelp")}{" "}
              {current.incentives.map((i) => (
                <Tag color="gold" key={i}>
                  {t(`signalValues.redList.${i}`)}
                </Tag>
              ))}
            </>
          }
        />
      )}
      <Card>
        <Row gutter={[24, 16]} align="middle">
          <Col xs={12} md={6}>
            <Statistic title={t("credit.score")} value={current.score} suffix="/ 1000" valueStyle={{ fontSize: 36 }} />
          </Col>
          <Col xs={12} md={6}>
            <div style={{ color: "rgba(0,0,0,0.65)" }}>{t("credit.grade")}</div>
            <Tag
              data-testid="credit-grade"
              color={GRADE_COLOURS[current.grade[0] ?? "D"]}
              style={{ fontSize: 28, lineHeight: "44px", padding: "0 16px", marginTop: 4 }}
            >
              {current.grade}
            </Tag>
          </Col>
          <Col xs={24} md={12}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t("credit.evaluatedOn")}>{current.evaluatedOn}</Descriptions.Item>
              <Descriptions.Item label={t("credit.modelVersion")}>{current.modelVersion}</Descriptions.Item>
            </Descriptions>
          </Col>
        </Row>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <ReasonList title={t("credit.raised")} reasons={raised} version={current.modelVersion} tone="up" />
        </Col>
        <Col xs={24} lg={12}>
          <ReasonList title={t("credit.lowered")} reasons={lowered} version={current.modelVersion} tone="down" />
        </Col>
        {neutral.length > 0 && (
          <Col xs={24}>
            <ReasonList title={t("credit.neutral")} reasons={neutral} version={current.modelVersion} tone="none" />
          </Col>
        )}
      </Row>
    </Space>
  );
}

function ReasonList(props: { title: string; reasons: Reason[]; version: string; tone: "up" | "down" | "none" }) {
  const { t } = useTranslation();
  const explain = useExplain();
  const colour = props.tone === "up" ? "#389e0d" : props.tone === "down" ? "#cf1322" : "rgba(0,0,0,0.45)";
  return (
    <Card title={props.title} size="small" data-testid={`reasons-${props.tone}`}>
      <List
        size="small"
        dataSource={props.reasons}
        locale={{ emptyText: t("common.noData") }}
        renderItem={(r) => (
          <List.Item extra={props.tone !== "none" && <span style={{ color: colour, fontWeight: 600 }}>{`${r.points > 0 ? "+" : ""}${r.points}`}</span>}>
            {explain(r, props.version)}
          </List.Item>
        )}
      />
    </Card>
  );
}

export function CreditTrends({ trends }: { trends: NonNullable<ProfileView["trends"]> }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const yuan = (fen: string | null) => (fen === null ? null : Number(BigInt(fen) / 100n));
  return (
    <Card title={t("credit.trends")}>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={8}>
          <TrendChart
            title={t("credit.salesTrend")}
            categories={trends.months}
            series={[{ name: t("credit.salesSeries"), values: trends.salesFen.map(yuan) }]}
            kind="bar"
            valueFormat={(v) => formatMoneyFen(BigInt(Math.round(v)) * 100n, locale)}
            emptyText={t("credit.noTrend")}
            tableLabel={t("credit.showTable")}
            categoryLabel={t("credit.month")}
          />
        </Col>
        <Col xs={24} xl={8}>
          <TrendChart
            title={t("credit.headcountTrend")}
            categories={trends.months}
            series={[{ name: t("credit.headcountSeries"), values: trends.headcount }]}
            valueFormat={(v) => formatNumber(v, locale)}
            emptyText={t("credit.noTrend")}
            tableLabel={t("credit.showTable")}
            categoryLabel={t("credit.month")}
          />
        </Col>
        <Col xs={24} xl={8}>
          <TrendChart
            title={t("credit.utilityTrend")}
            categories={trends.months}
            series={[{ name: t("credit.utilitySeries"), values: trends.utilityOnTimeBps }]}
            valueFormat={(v) => formatRateBps(v)}
            emptyText={t("credit.noTrend")}
            tableLabel={t("credit.showTable")}
            categoryLabel={t("credit.month")}
          />
        </Col>
      </Row>
    </Card>
  );
}

export function SignalTable(props: { signals: ProfileSignal[]; actions?: (s: ProfileSignal) => React.ReactNode }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const columns: TableColumnsType<ProfileSignal> = [
    {
      title: t("credit.kind"),
      dataIndex: "kind",
      render: (k: string) => t(`signalKinds.${k}`),
      width: 140,
      // Filter by kind: a profile holds a few hundred monthly records.
      filters: [...new Set(props.signals.map((s) => s.kind))].map((k) => ({ text: t(`signalKinds.${k}`), value: k })),
      onFilter: (value, s) => s.kind === value,
    },
    {
      title: t("credit.value"),
      key: "value",
      render: (_, s) => (
        <span style={{ textDecoration: s.status === "WITHDRAWN" ? "line-through" : undefined }}>{describeSignal(t, locale, s)}</span>
      ),
    },
    { title: t("credit.source"), dataIndex: "source", responsive: ["md"] },
    { title: t("credit.asOf"), dataIndex: "asOf", width: 110, responsive: ["sm"] },
    {
      title: t("credit.status"),
      key: "status",
      width: 150,
      render: (_, s) =>
        s.openObjection ? (
          <Tag color="orange">{t("credit.objectionOpen", { date: s.openObjection.dueOn })}</Tag>
        ) : (
          <Tag color={STATUS_COLOURS[s.status]}>{t(`credit.statuses.${s.status}`)}</Tag>
        ),
    },
  ];
  if (props.actions) columns.push({ title: t("common.actions"), key: "actions", render: (_, s) => props.actions!(s) });
  return (
    <Table<ProfileSignal>
      data-testid="signal-table"
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={props.signals}
      scroll={{ x: "max-content" }}
      pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (total) => t("common.total", { count: total }) }}
      locale={{ emptyText: t("common.noData") }}
    />
  );
}

export function EvaluationHistory({ history }: { history: ProfileView["history"] }) {
  const { t } = useTranslation();
  const ordered = [...history].reverse();
  return (
    <Card title={t("credit.history")}>
      {history.length > 1 && (
        <TrendChart
          title={t("credit.scoreTrend")}
          categories={ordered.map((h) => h.evaluatedOn)}
          series={[{ name: t("credit.score"), values: ordered.map((h) => h.score) }]}
          emptyText={t("credit.noTrend")}
          tableLabel={t("credit.showTable")}
          categoryLabel={t("credit.evaluatedOn")}
          height={220}
        />
      )}
      <Table
        rowKey="id"
        size="small"
        dataSource={history}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: t("common.noData") }}
        columns={[
          { title: t("credit.evaluatedOn"), dataIndex: "evaluatedOn" },
          { title: t("credit.score"), dataIndex: "score" },
          { title: t("credit.grade"), dataIndex: "grade", render: (g: string) => <Tag color={GRADE_COLOURS[g[0] ?? "D"]}>{g}</Tag> },
          { title: t("credit.trigger"), dataIndex: "trigger", render: (v: string) => t(`credit.triggers.${v.split(":")[0]}`, { defaultValue: v }) },
          { title: t("credit.modelVersion"), dataIndex: "modelVersion", responsive: ["md"] },
        ]}
      />
    </Card>
  );
}

export function CreditProfileView(props: { profile: ProfileView; signalActions?: (s: ProfileSignal) => React.ReactNode; signalsHelp?: string }) {
  const { t } = useTranslation();
  const { profile } = props;
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      {profile.current ? (
        <CreditScoreCard current={profile.current} />
      ) : (
        <Alert type="info" showIcon title={t("credit.noEvaluation")} data-testid="credit-none" />
      )}
      {profile.trends && <CreditTrends trends={profile.trends} />}
      {profile.signals && (
        <Card title={t("credit.signals")}>
          {props.signalsHelp && <Typography.Paragraph type="secondary">{props.signalsHelp}</Typography.Paragraph>}
          <SignalTable signals={profile.signals} actions={props.signalActions} />
        </Card>
      )}
      <EvaluationHistory history={profile.history} />
    </Space>
  );
}

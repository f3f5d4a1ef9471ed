import { Alert, Button, Card, Divider, Flex, List, Spin, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useRevalidator } from "react-router";
import { LinkButton } from "~/components/LinkButton";
import type { Recommendations as RecommendationsData } from "~/domain/matching/load-recommendations.server";
import type { Locale } from "~/i18n/i18n";
import { formatDateTime, formatMoneyFen, formatRateBps } from "~/i18n/format";
import { CostComparison } from "./CostComparison";
import { describeReason } from "./explain";
import { FailureList } from "./FailureList";

/** How long the page polls for a ranking before saying it is slow. */
const POLL_MS = 2_000;
const MAX_POLLS = 30;

const POINT_KEYS = ["approval", "cost", "coverage", "response"] as const;
/** Recommendations shown in full before "show all": enough to choose from on a phone. */
const FIRST_SHOWN = 5;

/**
 * The SME's recommendations for one need: ranked products with why each fits
 * and what it would cost, then the products just missed with the smallest
 * change that would make each fit. While the worker is still ranking the
 * need's latest version the card says so and re-reads the page until it is done.
 */
export function Recommendations({
  data,
  maxRateBps,
  termMonths,
  apply,
}: {
  data: RecommendationsData;
  maxRateBps: number;
  termMonths: number;
  /** When the need can be applied against: its id, and the SME's applications for it by product. */
  apply?: { needId: string; applied: Record<string, { id: string; status: string }> };
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const revalidator = useRevalidator();
  const [polls, setPolls] = useState(0);
  const [showAll, setShowAll] = useState(false);
  const pending = data.state === "pending";

  useEffect(() => {
    if (!pending || polls >= MAX_POLLS) return;
    const timer = setTimeout(() => {
      setPolls((n) => n + 1);
      if (revalidator.state === "idle") void revalidator.revalidate();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [pending, polls, revalidator]);

  if (data.state === "ended") {
    return (
      <Card title={t("matching.title")}>
        <Typography.Text type="secondary">{t("matching.ended")}</Typography.Text>
      </Card>
    );
  }
  if (data.state === "pending") {
    return (
      <Card title={t("matching.title")} data-testid="recommendations">
        <div role="status" aria-live="polite">
          {polls < MAX_POLLS ? (
            <Flex gap={12} align="center">
              <Spin />
              <div>
                <div>{t("matching.pending")}</div>
                <Typography.Text type="secondary">{t("matching.pendingHelp")}</Typography.Text>
              </div>
            </Flex>
          ) : (
            <Alert type="warning" showIcon title={t("matching.slow")} />
          )}
        </div>
      </Card>
    );
  }

  const name = (p: { nameZh: string; nameEn: string | null }) => (zh ? p.nameZh : (p.nameEn ?? p.nameZh));
  const bank = (p: { bankZh: string; bankEn: string }) => (zh ? p.bankZh : p.bankEn);
  return (
    <Card title={t("matching.title")} data-testid="recommendations">
      <div role="status" aria-live="polite">
        <Typography.Paragraph style={{ marginBottom: 4 }}>
          {data.recommendations.length > 0
            ? t("matching.summary", { count: data.eligibleCount, shown: data.recommendations.length })
            : t("matching.summaryNone")}
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {t("matching.matchedAt", { time: formatDateTime(data.matchedAt), version: data.modelVersion ?? "—" })}
        </Typography.Paragraph>
      </div>
      <Typography.Paragraph type="secondary">{t("matching.help")}</Typography.Paragraph>

      {data.recommendations.length > 0 && (
        <>
          <CostComparison
            ceilingBps={maxRateBps}
            rows={data.recommendations.map((r) => ({
              rank: r.rank,
              productName: name(r.product),
              bankName: bank(r.product),
              expectedRateBps: r.points.expectedRateBps,
              interestFen: r.estimate.interestFen,
              method: r.estimate.method,
            }))}
          />
          <Divider />
          <List
            itemLayout="vertical"
            dataSource={showAll ? data.recommendations : data.recommendations.slice(0, FIRST_SHOWN)}
            renderItem={(r) => (
              <List.Item key={r.product.id} data-testid="recommendation">
                <Flex wrap gap={8} align="center" style={{ marginBottom: 8 }}>
                  <Typography.Text strong style={{ fontSize: 16 }}>
                    {r.rank}. {name(r.product)}
                  </Typography.Text>
                  <Typography.Text type="secondary">{bank(r.product)}</Typography.Text>
                  <Tag color="blue">{t("matching.score", { score: Math.round(r.points.score / 10) })}</Tag>
                  {r.product.fundEnrolled && <Tag color="green">{t("matching.fund")}</Tag>}
                </Flex>
                <Flex wrap gap={24} style={{ marginBottom: 8 }}>
                  <div>
                    <Typography.Text type="secondary">{t("matching.expectedRate")} </Typography.Text>
                    <Typography.Text strong>{formatRateBps(r.points.expectedRateBps)}</Typography.Text>
                    <Typography.Text type="secondary">
                      {" "}
                      ({t("matching.productRange", { min: formatRateBps(r.product.minRateBps), max: formatRateBps(r.product.maxRateBps) })})
                    </Typography.Text>
                  </div>
                  <div title={t("matching.estimateNote", { method: t(`repaymentMethods.${r.estimate.method}`), months: termMonths })}>
                    <Typography.Text type="secondary">{t("matching.estimatedInterest")} </Typography.Text>
                    <Typography.Text strong>≈ {formatMoneyFen(r.estimate.interestFen, locale)}</Typography.Text>
                    <Typography.Text type="secondary"> · {t(`repaymentMethods.${r.estimate.method}`)}</Typography.Text>
                  </div>
                </Flex>
                <Flex wrap gap={16} style={{ marginBottom: 8 }} aria-label={t("matching.pointsHelp")}>
                  {POINT_KEYS.map((k) => (
                    <Typography.Text key={k} type="secondary">
                      {t(`matching.points.${k}`)} <Typography.Text>{Math.round(r.points[k] / 10)}</Typography.Text>
                    </Typography.Text>
                  ))}
                </Flex>
                <Typography.Text type="secondary">{t("matching.whyFits")}</Typography.Text>
                <ul style={{ margin: "4px 0 8px", paddingInlineStart: 20, columns: "2 320px", columnGap: 32 }}>
                  {r.reasons.map((reason) => (
                    <li key={reason.code}>{describeReason(reason, t, locale)}</li>
                  ))}
                </ul>
                <Flex gap={8} wrap>
                  {apply &&
                    (apply.applied[r.product.id] ? (
                      <LinkButton to={`/app/applications/${apply.applied[r.product.id]!.id}`} size="small" data-testid="recommendation-applied">
                        {t(`applications.status.${apply.applied[r.product.id]!.status}`)}
                      </LinkButton>
                    ) : (
                      <LinkButton
                        type="primary"
                        size="small"
                        to={`/app/applications/new?needId=${apply.needId}&productId=${r.product.id}`}
                        data-testid="recommendation-apply"
                      >
                        {t("applications.apply")}
                      </LinkButton>
                    ))}
                  <LinkButton to={`/app/supermarket/${r.product.id}`} size="small">
                    {t("matching.viewProduct")}
                  </LinkButton>
                </Flex>
              </List.Item>
            )}
          />
          {!showAll && data.recommendations.length > FIRST_SHOWN && (
            <Button onClick={() => setShowAll(true)} data-testid="show-all-recommendations">
              {t("matching.showAll", { count: data.recommendations.length })}
            </Button>
          )}
        </>
      )}

      <Divider />
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t("matching.nearTitle")}
      </Typography.Title>
      {data.nearMisses.length === 0 ? (
        <Typography.Paragraph type="secondary">{t("matching.nearNone")}</Typography.Paragraph>
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t("matching.nearHelp")}</Typography.Paragraph>
          <List
            size="small"
            dataSource={data.nearMisses}
            renderItem={(m) => (
              <List.Item key={m.product.id} data-testid="near-miss">
                <div style={{ width: "100%" }}>
                  <Flex wrap gap={8} align="center">
                    <Typography.Text strong>{name(m.product)}</Typography.Text>
                    <Typography.Text type="secondary">{bank(m.product)}</Typography.Text>
                  </Flex>
                  <FailureList failures={m.failures} />
                </div>
              </List.Item>
            )}
          />
        </>
      )}
      {data.moreNearMisses > 0 && <Typography.Paragraph type="secondary">{t("matching.moreNear", { count: data.moreNearMisses })}</Typography.Paragraph>}
      {data.unreachable > 0 && <Typography.Paragraph type="secondary">{t("matching.unreachable", { count: data.unreachable })}</Typography.Paragraph>}
    </Card>
  );
}

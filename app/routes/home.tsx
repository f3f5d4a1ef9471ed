import { Card, Col, Row, Space, Statistic, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { Route } from "./+types/home";
import { LinkButton } from "~/components/LinkButton";
import { PublicHeader } from "~/components/PublicHeader";
import { prisma } from "~/db.server";
import { PLATFORM_STAT_KEYS } from "~/domain/stats/platform-stat-keys";
import { readPlatformStats } from "~/domain/stats/platform-stats.server";
import { formatDateTime, formatMoneyCompact, formatNumber } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { actorContext } from "~/web/context";

export const meta: Route.MetaFunction = () => [{ title: "信易贷 · 中小微企业融资服务平台" }];

export async function loader({ context }: Route.LoaderArgs) {
  const stats = await readPlatformStats(prisma);
  return {
    signedIn: Boolean(context.get(actorContext)),
    stats: stats
      ? {
          computedAt: stats.computedAt.toISOString(),
          values: Object.fromEntries(PLATFORM_STAT_KEYS.map((k) => [k, stats.values[k].toString()])) as Record<string, string>,
        }
      : null,
  };
}

export default function Home({ loaderData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const { stats, signedIn } = loaderData;
  return (
    <>
      <PublicHeader signedIn={signedIn} />
      <main id="main">
        <section className="hero">
          <div className="page" style={{ padding: 0 }}>
            <h1>{t("home.title")}</h1>
            <p>{t("home.subtitle")}</p>
            {!signedIn && (
              <Space wrap>
                <LinkButton to="/register" size="large">{t("home.ctaRegister")}</LinkButton>
                <LinkButton to="/sign-in" size="large" ghost>
                  {t("home.ctaSignIn")}
                </LinkButton>
              </Space>
            )}
          </div>
        </section>
        <section className="page" aria-labelledby="stats-title">
          <Typography.Title level={3} id="stats-title">
            {t("home.statsTitle")}
          </Typography.Title>
          {stats ? (
            <>
              <Row gutter={[16, 16]} data-testid="platform-stats">
                {PLATFORM_STAT_KEYS.map((key) => (
                  <Col xs={12} md={8} lg={Math.floor(24 / 5) + (key === "amountFinancedFen" ? 4 : 0)} key={key}>
                    <Card>
                      <Statistic
                        title={t(`home.stats.${key}`)}
                        value={
                          key === "amountFinancedFen"
                            ? formatMoneyCompact(stats.values[key]!, locale)
                            : formatNumber(BigInt(stats.values[key]!), locale)
                        }
                      />
                    </Card>
                  </Col>
                ))}
              </Row>
              <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
                {t("home.statsAsOf", { time: formatDateTime(stats.computedAt) })}
              </Typography.Paragraph>
            </>
          ) : (
            <Typography.Paragraph type="secondary">{t("home.statsPending")}</Typography.Paragraph>
          )}
          <Row gutter={[16, 16]} style={{ marginTop: 24 }}>
            {(["forEnterprises", "forBanks", "forGovernment"] as const).map((key) => (
              <Col xs={24} md={8} key={key}>
                <Card title={t(`home.${key}`)}>
                  <Typography.Paragraph>{t(`home.${key}Text`)}</Typography.Paragraph>
                </Card>
              </Col>
            ))}
          </Row>
        </section>
      </main>
    </>
  );
}

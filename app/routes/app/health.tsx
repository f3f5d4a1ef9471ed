import { Card, Col, Descriptions, Row, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { Route } from "./+types/health";
import { env } from "~/config/env.server";
import { prisma } from "~/db.server";
import { HEARTBEAT_KEY, QUEUES } from "~/jobs/definitions";
import { getQueue } from "~/jobs/enqueue.server";
import { formatDateTime } from "~/i18n/format";
import { getRedis } from "~/redis.server";
import { requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "系统状态 · 信易贷" }];

async function probe<T>(call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
  try {
    return { ok: true, value: await call() };
  } catch {
    return { ok: false };
  }
}

export async function loader({ request, context }: Route.LoaderArgs) {
  requirePermission(request, context, "read:system-health:any");
  const [database, redis, heartbeat, queue] = await Promise.all([
    probe(() => prisma.$queryRaw<{ ok: number }[]>`SELECT 1 AS ok`),
    probe(() => getRedis().ping()),
    probe(() => getRedis().get(HEARTBEAT_KEY(env.REDIS_PREFIX))),
    probe(() => getQueue(QUEUES.platform).getJobCounts("waiting", "active", "completed", "failed", "delayed")),
  ]);
  return {
    database: database.ok,
    redis: redis.ok,
    heartbeat: heartbeat.ok ? heartbeat.value : null,
    queue: queue.ok ? queue.value : null,
    ledgerBackend: env.LEDGER_BACKEND,
    searchBackend: env.SEARCH_BACKEND,
  };
}

export default function HealthPage({ loaderData: h }: Route.ComponentProps) {
  const { t } = useTranslation();
  const status = (ok: boolean) => <Tag color={ok ? "green" : "red"}>{ok ? t("health.ok") : t("health.down")}</Tag>;
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("health.title")}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={12}>
          <Card title={t("health.title")}>
            <Descriptions column={1} bordered size="small">
              <Descriptions.Item label={t("health.database")}>{status(h.database)}</Descriptions.Item>
              <Descriptions.Item label={t("health.redis")}>{status(h.redis)}</Descriptions.Item>
              <Descriptions.Item label={t("health.worker")}>
                {status(Boolean(h.heartbeat))}{" "}
                {h.heartbeat ? t("health.lastHeartbeat", { time: formatDateTime(h.heartbeat) }) : t("health.noHeartbeat")}
              </Descriptions.Item>
              <Descriptions.Item label={t("health.ledgerBackend")}>{h.ledgerBackend}</Descriptions.Item>
              <Descriptions.Item label={t("health.searchBackend")}>{h.searchBackend}</Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card title={t("health.queue")}>
            {h.queue ? (
              <Descriptions column={1} bordered size="small">
                {(["waiting", "active", "delayed", "completed", "failed"] as const).map((k) => (
                  <Descriptions.Item key={k} label={t(`health.${k}`)}>
                    {h.queue![k] ?? 0}
                  </Descriptions.Item>
                ))}
              </Descriptions>
            ) : (
              status(false)
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}

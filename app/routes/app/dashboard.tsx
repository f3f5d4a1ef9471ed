import { Card, Col, Row, Statistic, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Route } from "./+types/dashboard";
import { visibleAreas } from "~/components/areas";
import { prisma } from "~/db.server";
import { actorOrganisation, type Actor } from "~/domain/access/actor.server";
import type { Permission } from "~/domain/access/permissions";
import { platformToday } from "~/domain/credit/build-snapshot";
import { formatDateTime } from "~/i18n/format";
import { requireActor } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "工作台 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requireActor(request, context);
  // The sign-in that opened this session is the latest; the one before it is "last time".
  const previous = await prisma.auditLog.findMany({
    where: { actorUserId: actor.userId, action: "user.sign_in" },
    orderBy: { seq: "desc" },
    take: 2,
    select: { at: true },
  });
  return {
    figures: await workFigures(actor),
    displayName: actor.displayName,
    roleKey: actor.roleKey,
    organisation: actorOrganisation(actor),
    previousSignIn: previous[1]?.at.toISOString() ?? null,
    areas: visibleAreas(actor.permissions).filter((a) => a.key !== "dashboard"),
  };
}

/** The few numbers each role acts on first, each behind the permission of the page it links to. */
async function workFigures(actor: Actor) {
  const figures: { key: string; value: string; path: string; alert?: boolean }[] = [];
  const has = (p: Permission) => actor.permissions.has(p);
  if (has("read:credit-profile:own") && actor.enterprise) {
    const e = await prisma.enterprise.findUnique({ where: { id: actor.enterprise.id }, select: { currentEvaluation: { select: { grade: true, score: true, excluded: true } } } });
    const ev = e?.currentEvaluation;
    figures.push({ key: "creditGrade", value: ev ? `${ev.grade} · ${ev.score}` : "—", path: "/app/credit", alert: ev?.excluded });
  }
  if (has("handle:objection:any")) {
    const today = new Date(`${platformToday()}T00:00:00Z`);
    const [open, overdue] = await Promise.all([
      prisma.creditObjection.count({ where: { status: "OPEN" } }),
      prisma.creditObjection.count({ where: { status: "OPEN", dueOn: { lt: today } } }),
    ]);
    figures.push({ key: "openObjections", value: String(open), path: "/app/objections" });
    figures.push({ key: "overdueObjections", value: String(overdue), path: "/app/objections", alert: overdue > 0 });
  }
  if (has("import:credit-signal:any")) {
    const running = await prisma.creditSignalBatch.count({ where: { status: { in: ["QUEUED", "VALIDATING", "APPLYING"] } } });
    figures.push({ key: "importsRunning", value: String(running), path: "/app/signal-imports" });
  }
  if (has("read:credit-report:authorised") && actor.institution) {
    const live = await prisma.authorisation.count({ where: { institutionId: actor.institution.id, revokedAt: null, expiresAt: { gt: new Date() } } });
    figures.push({ key: "liveAuthorisations", value: String(live), path: "/app/credit-reports" });
  }
  return figures;
}

export default function Dashboard({ loaderData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const d = loaderData;
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("dashboard.welcome", { name: d.displayName })}
      </Typography.Title>
      <Typography.Paragraph>
        {t("dashboard.roleLine", {
          role: t(`roles.${d.roleKey}`),
          org: i18n.language === "zh-CN" ? d.organisation.zh : d.organisation.en,
        })}
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary">
        {d.previousSignIn ? t("dashboard.lastSignIn", { time: formatDateTime(d.previousSignIn) }) : t("dashboard.firstSignIn")}
      </Typography.Paragraph>
      {d.figures.length > 0 && (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          {d.figures.map((f) => (
            <Col xs={12} md={6} key={f.key}>
              <Link to={f.path}>
                <Card hoverable>
                  <Statistic title={t(`dashboard.figures.${f.key}`)} value={f.value} valueStyle={f.alert ? { color: "#cf1322" } : undefined} />
                </Card>
              </Link>
            </Col>
          ))}
        </Row>
      )}
      <Typography.Title level={4}>{t("dashboard.areasTitle")}</Typography.Title>
      <Row gutter={[16, 16]}>
        {d.areas.map((area) => (
          <Col xs={24} sm={12} lg={8} key={area.key}>
            <Link to={area.path}>
              <Card hoverable>
                <Typography.Text strong>{t(`nav.${area.key}`)}</Typography.Text>
              </Card>
            </Link>
          </Col>
        ))}
      </Row>
    </>
  );
}

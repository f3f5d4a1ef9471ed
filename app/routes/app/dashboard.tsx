import { Card, Col, Row, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Route } from "./+types/dashboard";
import { visibleAreas } from "~/components/areas";
import { prisma } from "~/db.server";
import { actorOrganisation } from "~/domain/access/actor.server";
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
    displayName: actor.displayName,
    roleKey: actor.roleKey,
    organisation: actorOrganisation(actor),
    previousSignIn: previous[1]?.at.toISOString() ?? null,
    areas: visibleAreas(actor.permissions).filter((a) => a.key !== "dashboard"),
  };
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

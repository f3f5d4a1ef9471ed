import { Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { Route } from "./+types/credit";
import { CreditProfileView } from "~/components/credit/CreditProfileView";
import { LinkButton } from "~/components/LinkButton";
import { loadCreditProfile } from "~/domain/credit/credit-profile.server";
import { requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "信用档案 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:credit-profile:own");
  if (!actor.enterprise) throw new Response("Forbidden", { status: 403 });
  // The enterprise's own profile: always scoped to the caller's enterprise, never to a parameter.
  const profile = await loadCreditProfile(actor.enterprise.id, { signals: true });
  return {
    name: profile.enterprise.name,
    current: profile.current,
    history: profile.history,
    trends: profile.trends,
    signals: profile.signals.map(({ voidedAt: _v, voidReason: _r, correctedAt: _c, objections: _o, ...s }) => s),
    canObject: actor.permissions.has("raise:objection:own"),
  };
}

export default function CreditPage({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("credit.title")} <Typography.Text type="secondary" style={{ fontSize: 16 }}>{loaderData.name}</Typography.Text>
      </Typography.Title>
      <CreditProfileView
        profile={loaderData}
        signalsHelp={t("credit.signalsHelp")}
        signalActions={
          loaderData.canObject
            ? (s) =>
                s.openObjection || s.status === "WITHDRAWN" ? null : (
                  <Space size={4} wrap>
                    <LinkButton to={`/app/credit/objections?signal=${s.id}&kind=OBJECTION`} size="small">{t("credit.raiseObjection")}</LinkButton>
                    {s.kind === "ADMIN_PENALTY" && !s.repaired && (
                      <LinkButton to={`/app/credit/objections?signal=${s.id}&kind=REPAIR`} size="small" type="primary" ghost>
                        {t("credit.requestRepair")}
                      </LinkButton>
                    )}
                  </Space>
                )
            : undefined
        }
      />
    </>
  );
}

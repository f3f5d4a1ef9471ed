import { Card, Descriptions, List, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { Route } from "./+types/enterprise";
import { getOwnEnterprise } from "~/domain/enterprises/enterprises.server";
import { industryName } from "~/domain/reference/industries";
import { regionName } from "~/domain/reference/regions";
import { formatCalendarDate, formatDateTime, formatMoneyFen, maskMiddle } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "企业信息 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:enterprise:own");
  const e = await orHttpError(() => getOwnEnterprise(actor));
  return {
    ...e,
    foundedOn: formatCalendarDate(e.foundedOn),
    registeredCapitalFen: e.registeredCapitalFen.toString(),
    // Personal data is masked: the full number is never sent to the browser.
    legalRepIdNumber: e.legalRepIdNumber ? maskMiddle(e.legalRepIdNumber, 6, 4) : null,
    contactPhone: e.contactPhone ? maskMiddle(e.contactPhone, 3, 4) : null,
    members: e.memberships.map((m) => ({ ...m.user, lastSignInAt: m.user.lastSignInAt?.toISOString() ?? null })),
  };
}

export default function EnterprisePage({ loaderData: e }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("enterprise.title")}
      </Typography.Title>
      <Card>
        <Descriptions column={{ xs: 1, md: 2 }} bordered size="middle">
          <Descriptions.Item label={t("enterprise.name")}>{e.name}</Descriptions.Item>
          <Descriptions.Item label={t("enterprise.uscc")}>
            <span data-testid="enterprise-uscc">{e.uscc}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t("enterprise.region")}>{regionName(e.regionCode, locale)}</Descriptions.Item>
          <Descriptions.Item label={t("enterprise.industry")}>
            {e.industryCode} {industryName(e.industryCode, locale)}
          </Descriptions.Item>
          <Descriptions.Item label={t("enterprise.size")}>{t(`sizes.${e.size}`)}</Descriptions.Item>
          <Descriptions.Item label={t("enterprise.foundedOn")}>{e.foundedOn}</Descriptions.Item>
          <Descriptions.Item label={t("enterprise.registeredCapital")}>{formatMoneyFen(e.registeredCapitalFen, locale)}</Descriptions.Item>
          <Descriptions.Item label={t("enterprise.legalRep")}>{e.legalRepName}</Descriptions.Item>
          <Descriptions.Item label={t("enterprise.legalRepId")}>{e.legalRepIdNumber ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("enterprise.contactPhone")}>{e.contactPhone ?? "—"}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t("enterprise.members")} style={{ marginTop: 16 }}>
        <List
          dataSource={e.members}
          renderItem={(m) => (
            <List.Item>
              <List.Item.Meta
                title={`${m.displayName} (${m.username})`}
                description={m.lastSignInAt ? `${t("users.lastSignIn")}: ${formatDateTime(m.lastSignInAt)}` : t("users.never")}
              />
            </List.Item>
          )}
        />
      </Card>
    </>
  );
}

import { Alert, Card, Descriptions, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Route } from "./+types/credit-report";
import { CreditProfileView } from "~/components/credit/CreditProfileView";
import { openCreditReport } from "~/domain/consent/open-credit-report.server";
import { industryName } from "~/domain/reference/industries";
import { regionName } from "~/domain/reference/regions";
import { formatDateTime } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { clientIp, orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "企业信用报告 · 信易贷" }];

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:credit-report:authorised");
  if (!/^[0-9a-f-]{36}$/.test(params.enterpriseId)) throw new Response("Not Found", { status: 404 });
  const report = await orHttpError(() => openCreditReport({ actor, enterpriseId: params.enterpriseId, ip: clientIp(request) }));
  if (!report.authorised) return { authorised: false as const, name: report.enterprise.name };
  const p = report.profile;
  const scopes = new Set(report.authorisation.scopes);
  return {
    authorised: true as const,
    name: p.enterprise.name,
    scopes: [...scopes],
    purpose: report.authorisation.purpose,
    expiresAt: report.authorisation.expiresAt.toISOString(),
    enterprise: {
      uscc: p.enterprise.uscc,
      regionCode: p.enterprise.regionCode,
      industryCode: p.enterprise.industryCode,
      size: p.enterprise.size,
      foundedOn: p.enterprise.foundedOn.toISOString().slice(0, 10),
      legalRepName: p.enterprise.legalRepName,
      legalRepIdNumber: p.enterprise.legalRepIdNumber,
      contactPhone: p.enterprise.contactPhone,
    },
    current: p.current,
    history: p.history,
    trends: scopes.has("SIGNALS") ? p.trends : null,
    signals: scopes.has("SIGNALS") ? p.signals.map(({ voidedAt: _v, voidReason: _r, correctedAt: _c, objections: _o, ...s }) => s) : null,
  };
}

export default function CreditReportPage({ loaderData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  if (!loaderData.authorised) {
    return (
      <>
        <Typography.Title level={2} style={{ marginTop: 0 }}>
          {t("consent.reportTitle")}
        </Typography.Title>
        <Alert type="warning" showIcon data-testid="report-blocked" title={t("consent.blockedTitle")} description={t("consent.blocked", { name: loaderData.name })} />
        <p style={{ marginTop: 16 }}>
          <Link to="/app/credit-reports">← {t("consent.reportsTitle")}</Link>
        </p>
      </>
    );
  }
  const e = loaderData.enterprise;
  const contact = loaderData.scopes.includes("CONTACT");
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("consent.reportTitle")} <Typography.Text type="secondary" style={{ fontSize: 16 }}>{loaderData.name}</Typography.Text>
      </Typography.Title>
      <Alert
        type="info"
        showIcon
        data-testid="report-authorised"
        style={{ marginBottom: 16 }}
        title={t("consent.underAuthorisation", { purpose: t(`consent.purposes.${loaderData.purpose}`), date: formatDateTime(loaderData.expiresAt) })}
      />
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={{ xs: 1, md: 2 }} size="small">
          <Descriptions.Item label={t("enterprise.uscc")}>{e.uscc}</Descriptions.Item>
          <Descriptions.Item label={t("enterprise.region")}>{regionName(e.regionCode, locale)}</Descriptions.Item>
          <Descriptions.Item label={t("enterprise.industry")}>
            {e.industryCode} {industryName(e.industryCode, locale)}
          </Descriptions.Item>
          <Descriptions.Item label={t("enterprise.size")}>{t(`sizes.${e.size}`)}</Descriptions.Item>
          <Descriptions.Item label={t("enterprise.foundedOn")}>{e.foundedOn}</Descriptions.Item>
          <Descriptions.Item label={t("enterprise.legalRep")}>{e.legalRepName}</Descriptions.Item>
          <Descriptions.Item label={t("enterprise.legalRepId")}>
            {e.legalRepIdNumber ?? "—"} {!contact && e.legalRepIdNumber && <Typography.Text type="secondary">（{t("consent.contactHidden")}）</Typography.Text>}
          </Descriptions.Item>
          <Descriptions.Item label={t("enterprise.contactPhone")}>{e.contactPhone ?? "—"}</Descriptions.Item>
        </Descriptions>
      </Card>
      <CreditProfileView profile={loaderData} />
    </>
  );
}

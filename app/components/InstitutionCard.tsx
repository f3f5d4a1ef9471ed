import { Card, Descriptions } from "antd";
import { useTranslation } from "react-i18next";
import { regionName } from "~/domain/reference/regions";
import type { Locale } from "~/i18n/i18n";

export type InstitutionSummary = { code: string; kind: string; nameZh: string; nameEn: string; regionCode: string; status: string };

export function InstitutionCard({ institution: inst }: { institution: InstitutionSummary }) {
  const { t, i18n } = useTranslation();
  return (
    <Card>
      <Descriptions column={{ xs: 1, md: 2 }} bordered>
        <Descriptions.Item label={t("institution.name")}>{inst.nameZh}</Descriptions.Item>
        <Descriptions.Item label={t("institution.nameEn")}>{inst.nameEn}</Descriptions.Item>
        <Descriptions.Item label={t("institution.code")}>{inst.code}</Descriptions.Item>
        <Descriptions.Item label={t("institution.kind")}>{t(`institutionKinds.${inst.kind}`)}</Descriptions.Item>
        <Descriptions.Item label={t("institution.region")}>{regionName(inst.regionCode, i18n.language as Locale)}</Descriptions.Item>
        <Descriptions.Item label={t("common.status")}>{t(`institutionStatus.${inst.status}`)}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

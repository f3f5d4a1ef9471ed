import { Tag } from "antd";
import { useTranslation } from "react-i18next";
import { PagedTable } from "~/components/PagedTable";
import { formatDateTime } from "~/i18n/format";

export type DataAccessRow = {
  id: string;
  at: string;
  resource: string;
  purpose: string;
  viewer: string;
  institution: { nameZh: string; nameEn: string };
  enterprise: { name: string; uscc: string };
};

/** The data-access log, for the enterprise itself ("who looked at my data") or for regulators (all). */
export function DataAccessTable(props: { rows: DataAccessRow[]; total: number; page: number; pageSize: number; showEnterprise: boolean }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === "zh-CN";
  return (
    <PagedTable<DataAccessRow>
      testId="data-access"
      rows={props.rows}
      total={props.total}
      page={props.page}
      pageSize={props.pageSize}
      columns={[
        { title: t("consent.at"), dataIndex: "at", render: (v: string) => formatDateTime(v) },
        { title: t("consent.institution"), key: "institution", render: (_, r) => (zh ? r.institution.nameZh : r.institution.nameEn) },
        { title: t("consent.viewer"), dataIndex: "viewer" },
        ...(props.showEnterprise
          ? [{ title: t("consent.enterprise"), key: "enterprise", render: (_: unknown, r: DataAccessRow) => `${r.enterprise.name} (${r.enterprise.uscc})` }]
          : []),
        { title: t("consent.resource"), dataIndex: "resource", render: (v: string) => <Tag>{t(`consent.resources.${v}`, { defaultValue: v })}</Tag> },
        {
          title: t("consent.purpose"),
          dataIndex: "purpose",
          render: (v: string) => t(`consent.purposes.${v}`, { defaultValue: t(`consent.resources.${v}`, { defaultValue: v }) }),
        },
      ]}
    />
  );
}

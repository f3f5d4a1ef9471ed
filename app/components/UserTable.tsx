import { Tag, type TableColumnsType } from "antd";
import { useTranslation } from "react-i18next";
import { formatDateTime } from "~/i18n/format";
import { PagedTable } from "./PagedTable";

export type UserRow = {
  id: string;
  username: string;
  displayName: string;
  phone: string | null;
  status: string;
  roleKey: string | null;
  institution: { nameZh: string; nameEn: string } | null;
  lastSignInAt: string | null;
};

export function UserTable(props: { rows: UserRow[]; total: number; page: number; pageSize: number; showInstitution: boolean }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === "zh-CN";
  const columns: TableColumnsType<UserRow> = [
    { title: t("users.username"), dataIndex: "username" },
    { title: t("users.displayName"), dataIndex: "displayName" },
    { title: t("users.role"), dataIndex: "roleKey", render: (r: string | null) => (r ? <Tag>{t(`roles.${r}`)}</Tag> : "—") },
    ...(props.showInstitution
      ? [{ title: t("users.institution"), key: "inst", render: (_: unknown, u: UserRow) => (u.institution ? (zh ? u.institution.nameZh : u.institution.nameEn) : "—") }]
      : []),
    { title: t("users.phone"), dataIndex: "phone", render: (p: string | null) => p ?? "—" },
    { title: t("common.status"), dataIndex: "status", render: (s: string) => t(`userStatus.${s}`) },
    {
      title: t("users.lastSignIn"),
      dataIndex: "lastSignInAt",
      render: (v: string | null) => (v ? formatDateTime(v) : t("users.never")),
    },
  ];
  return <PagedTable<UserRow> testId="user-table" columns={columns} rows={props.rows} total={props.total} page={props.page} pageSize={props.pageSize} searchPlaceholder={t("users.username")} />;
}

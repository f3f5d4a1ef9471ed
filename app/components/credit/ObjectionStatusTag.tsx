import { Tag } from "antd";
import { useTranslation } from "react-i18next";

/** An objection's state and, once upheld, what was done: the same words for the enterprise and the office. */
export function ObjectionStatusTag({ status, remedy }: { status: string; remedy: string | null }) {
  const { t } = useTranslation();
  return (
    <Tag color={status === "OPEN" ? "orange" : status === "UPHELD" ? "green" : "default"}>
      {t(`objections.statuses.${status}`)}
      {remedy ? ` · ${t(`objections.remedies.${remedy}`)}` : ""}
    </Tag>
  );
}

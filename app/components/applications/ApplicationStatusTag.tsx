import { Tag } from "antd";
import { useTranslation } from "react-i18next";

const COLORS: Record<string, string> = {
  SUBMITTED: "gold",
  ACCEPTED: "processing",
  DECLINED: "error",
  APPROVED: "cyan",
  OFFER_ACCEPTED: "blue",
  OFFER_LAPSED: "default",
  DISBURSED: "success",
  WITHDRAWN: "default",
  CURRENT: "success",
  OVERDUE: "warning",
  DEFAULTED: "error",
  REPAID: "default",
};

/** An application's status, or a loan's (`kind="loan"`), as a coloured tag in the user's language. */
export function ApplicationStatusTag({ status, kind = "application" }: { status: string; kind?: "application" | "loan" }) {
  const { t } = useTranslation();
  return (
    <Tag color={COLORS[status]} data-testid={`${kind}-status`} data-status={status}>
      {t(kind === "loan" ? `loans.status.${status}` : `applications.status.${status}`)}
    </Tag>
  );
}

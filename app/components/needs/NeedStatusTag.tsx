import { Tag } from "antd";
import { useTranslation } from "react-i18next";

/** Ended needs (closed, expired) stay plain: no colour means "nothing to do here". */
const STATUS_COLOURS: Record<string, string | undefined> = {
  OPEN: "blue",
  IN_PROGRESS: "gold",
  FULFILLED: "green",
};

/** A need's lifecycle state, in the same words for the SME and the banks. */
export function NeedStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOURS[status]} data-testid="need-status">
      {t(`needs.status.${status}`)}
    </Tag>
  );
}

/** Urgency: only "urgent" draws the eye; the others are plain. */
export function UrgencyTag({ urgency }: { urgency: string }) {
  const { t } = useTranslation();
  return <Tag color={urgency === "HIGH" ? "red" : urgency === "NORMAL" ? "cyan" : undefined}>{t(`needs.urgency.${urgency}`)}</Tag>;
}

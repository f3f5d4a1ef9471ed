import { Tag } from "antd";
import { useTranslation } from "react-i18next";

const COLORS: Record<string, string> = { DRAFT: "default", UNDER_REVIEW: "processing", LISTED: "success", DELISTED: "warning" };

export function ProductStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={COLORS[status] ?? "default"} data-testid="product-status">
      {t(`productStatus.${status}`)}
    </Tag>
  );
}

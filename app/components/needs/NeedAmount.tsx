import { Typography } from "antd";
import { useTranslation } from "react-i18next";
import { formatMoneyCompact, formatMoneyFen } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";

/**
 * An amount as people in the trade say it (万元 / million yuan), with the
 * exact figure in 元 beside it: the compact one is read at a glance, the exact
 * one is what the bank books.
 */
export function NeedAmount({ fen, strong, block }: { fen: string | number; strong?: boolean; block?: boolean }) {
  const { i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <span style={{ whiteSpace: "nowrap" }}>
      <Typography.Text strong={strong}>{formatMoneyCompact(fen, locale)}</Typography.Text>
      {block ? <br /> : " "}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {formatMoneyFen(fen, locale)}
      </Typography.Text>
    </span>
  );
}

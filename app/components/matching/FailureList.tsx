import { CloseCircleFilled } from "@ant-design/icons";
import { Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { RuleFailure } from "~/domain/matching/rules";
import type { Locale } from "~/i18n/i18n";
import { describeChange, describeFailure } from "./explain";

/** Dark enough on white for small text (WCAG AA), unlike the theme's success green. */
export const SUGGESTION_COLOUR = "#237804";

/**
 * The rules a product fails for a need, each with the change that would make
 * it hold — or, where the enterprise cannot change it, saying so. `marked`
 * puts a cross before each rule (where fitting rules are shown beside them).
 */
export function FailureList({ failures, marked = false }: { failures: readonly RuleFailure[]; marked?: boolean }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <ul style={{ margin: "4px 0 0", paddingInlineStart: 20 }}>
      {failures.map((f) => (
        <li key={f.rule}>
          {marked && (
            <>
              <CloseCircleFilled style={{ color: "#cf1322" }} aria-hidden />{" "}
            </>
          )}
          {describeFailure(f, t, locale)}
          {f.change ? (
            <span style={{ color: SUGGESTION_COLOUR }}> → {t("matching.suggestion", { change: describeChange(f.change, t, locale) })}</span>
          ) : (
            <Typography.Text type="secondary"> · {t("matching.notChangeable")}</Typography.Text>
          )}
        </li>
      ))}
    </ul>
  );
}

import { CheckCircleFilled } from "@ant-design/icons";
import { Card, List, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { NeedFit } from "~/domain/matching/check-product-fit.server";
import type { Locale } from "~/i18n/i18n";
import { formatMoneyFen } from "~/i18n/format";
import { FailureList, SUGGESTION_COLOUR } from "./FailureList";


/** On a product's page, for an SME: whether the product fits each of its open needs, and if not, why and what would change that. */
export function ProductFit({ fits }: { fits: NeedFit[] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <Card title={t("matching.fitTitle")} style={{ marginBottom: 16 }} data-testid="product-fit">
      {fits.length === 0 ? (
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t("matching.fitNoNeeds")} <Link to="/app/needs/new">{t("needs.post")}</Link>
        </Typography.Paragraph>
      ) : (
        <List
          size="small"
          dataSource={fits}
          renderItem={(fit) => (
            <List.Item key={fit.needId}>
              <div style={{ width: "100%" }}>
                <Link to={`/app/needs/${fit.needId}`}>
                  {formatMoneyFen(fit.amountFen, locale)} · {t("needs.termValue", { count: fit.termMonths })}
                </Link>
                <Typography.Text type="secondary"> · {fit.purpose}</Typography.Text>
                {fit.failures.length === 0 ? (
                  <div>
                    <CheckCircleFilled style={{ color: SUGGESTION_COLOUR }} aria-hidden />{" "}
                    {fit.rank ? t("matching.fitsRanked", { rank: fit.rank }) : t("matching.fits")}
                  </div>
                ) : (
                  <FailureList failures={fit.failures} marked />
                )}
              </div>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

import { Alert, Typography } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ProductFacts, type ProductFactsData } from "./ProductFacts";

/** A listed product's page, public or signed in: its facts and how to apply (and, as children, what the page adds for the reader). */
export function ListedProduct(props: { product: ProductFactsData; backTo: string; signedIn: boolean; children?: ReactNode }) {
  const { t, i18n } = useTranslation();
  const p = props.product;
  return (
    <>
      <Link to={props.backTo}>← {t("supermarket.backToList")}</Link>
      <Typography.Title level={2} style={{ marginTop: 8 }} data-testid="product-title">
        {i18n.language === "zh-CN" || !p.nameEn ? p.nameZh : p.nameEn}
      </Typography.Title>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={t("supermarket.applyNotice", { days: p.responseDeadlineWorkingDays })}
        description={props.signedIn ? undefined : <Link to="/sign-in">{t("supermarket.signInToApply")}</Link>}
      />
      {props.children}
      <ProductFacts product={p} />
    </>
  );
}

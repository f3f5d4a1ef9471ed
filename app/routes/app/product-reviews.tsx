import { Empty, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { Route } from "./+types/product-reviews";
import { ProductTable } from "~/components/products/ProductTable";
import { listProductsForReview } from "~/domain/products/list-products.server";
import { searchParamsObject } from "~/schemas/fields";
import { ProductListQuerySchema } from "~/schemas/products";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "产品审核 · 信易贷" }];

const TABS = ["UNDER_REVIEW", "LISTED", "DELISTED"] as const;

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "review:product:any");
  const query = ProductListQuerySchema.parse(searchParamsObject(new URL(request.url).searchParams));
  const status = TABS.find((s) => s === query.status) ?? "UNDER_REVIEW";
  const list = await orHttpError(() => listProductsForReview(actor, { status, page: query.page, pageSize: query.pageSize }));
  return { ...list, page: query.page, status };
}

export default function ProductReviews({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("productReviews.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("productReviews.help")}</Typography.Paragraph>
      <ProductTable
        rows={loaderData.rows}
        total={loaderData.total}
        page={loaderData.page}
        pageSize={loaderData.pageSize}
        activeTab={loaderData.status}
        tabs={TABS.map((s) => ({ key: s, label: t(`productReviews.tabs.${s}`), count: loaderData.counts[s] }))}
        showBank
        dateColumn={loaderData.status === "UNDER_REVIEW" ? "submittedAt" : "updatedAt"}
        href={(id) => `/app/products/${id}`}
        empty={<Empty description={loaderData.status === "UNDER_REVIEW" ? t("productReviews.empty") : t("common.noData")} />}
      />
    </>
  );
}

import { PlusOutlined } from "@ant-design/icons";
import { Empty, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { Route } from "./+types/products";
import { LinkButton } from "~/components/LinkButton";
import { ProductTable } from "~/components/products/ProductTable";
import { listInstitutionProducts } from "~/domain/products/list-products.server";
import { searchParamsObject } from "~/schemas/fields";
import { PRODUCT_STATUSES, ProductListQuerySchema } from "~/schemas/products";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "产品管理 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "manage:product:institution");
  const query = ProductListQuerySchema.parse(searchParamsObject(new URL(request.url).searchParams));
  const list = await orHttpError(() => listInstitutionProducts(actor, query));
  return { ...list, page: query.page, status: query.status ?? "ALL" };
}

export default function Products({ loaderData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const all = Object.values(loaderData.counts).reduce((a, b) => a + b, 0);
  const newButton = (
    <LinkButton to="/app/products/new" type="primary" icon={<PlusOutlined />} data-testid="product-new">
      {t("product.list.new")}
    </LinkButton>
  );
  return (
    <>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t("product.list.title")}
        </Typography.Title>
        {newButton}
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t("product.list.help")}
      </Typography.Paragraph>
      <ProductTable
        rows={loaderData.rows}
        total={loaderData.total}
        page={loaderData.page}
        pageSize={loaderData.pageSize}
        activeTab={loaderData.status}
        tabs={[
          { key: "ALL", label: t("product.list.all"), count: all },
          ...PRODUCT_STATUSES.map((s) => ({ key: s, label: t(`productStatus.${s}`), count: loaderData.counts[s] })),
        ]}
        dateColumn="updatedAt"
        href={(id) => `/app/products/${id}`}
        empty={
          <Empty description={t("product.list.empty")}>
            <Typography.Paragraph type="secondary">{t("product.list.emptyHelp")}</Typography.Paragraph>
            {newButton}
          </Empty>
        }
      />
    </>
  );
}

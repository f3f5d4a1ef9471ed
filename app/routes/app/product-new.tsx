import { parseWithZod } from "@conform-to/zod/v4";
import { Typography } from "antd";
import { useTranslation } from "react-i18next";
import { data, redirect } from "react-router";
import type { Route } from "./+types/product-new";
import { NEW_PRODUCT_DEFAULTS, ProductForm } from "~/components/products/ProductForm";
import { listActiveFunds } from "~/domain/products/load-product.server";
import { createProduct } from "~/domain/products/save-product.server";
import { ProductFormSchema } from "~/schemas/products";
import { clientIp, requirePermission, withDomainErrors } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "新建产品 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  requirePermission(request, context, "manage:product:institution");
  return { funds: await listActiveFunds() };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "manage:product:institution");
  const submission = parseWithZod(await request.formData(), { schema: ProductFormSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const outcome = await withDomainErrors(() => createProduct({ actor, input: submission.value, ip: clientIp(request) }));
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: [outcome.formError] }) }, { status: outcome.status });
  return redirect(`/app/products/${outcome.value.id}?done=created`);
}

export default function ProductNew({ loaderData, actionData }: Route.ComponentProps) {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("product.form.newTitle")}
      </Typography.Title>
      <ProductForm
        lastResult={actionData?.result}
        defaults={NEW_PRODUCT_DEFAULTS}
        funds={loaderData.funds}
        submitLabel={t("product.form.create")}
        cancelTo="/app/products"
      />
    </>
  );
}

import { parseWithZod } from "@conform-to/zod/v4";
import { Typography } from "antd";
import { useTranslation } from "react-i18next";
import { data, redirect } from "react-router";
import type { Route } from "./+types/product-edit";
import { ProductForm } from "~/components/products/ProductForm";
import { productFormValues } from "~/domain/products/product-data";
import { EDITABLE_STATUSES } from "~/domain/products/product-lifecycle";
import { listActiveFunds, loadProductForStaff } from "~/domain/products/load-product.server";
import { updateProduct } from "~/domain/products/save-product.server";
import { ProductFormSchema } from "~/schemas/products";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "编辑产品 · 信易贷" }];

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "manage:product:institution");
  const view = await orHttpError(() => loadProductForStaff(actor, params.productId));
  if (!view.ownBank) throw new Response("Not Found", { status: 404 });
  // Only drafts are edited; anything else shows its page, which says why.
  if (!EDITABLE_STATUSES.includes(view.product.status)) throw redirect(`/app/products/${params.productId}`);
  return { name: view.product.nameZh, defaults: productFormValues(view.product), funds: await listActiveFunds() };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "manage:product:institution");
  const submission = parseWithZod(await request.formData(), { schema: ProductFormSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const outcome = await withDomainErrors(() =>
    updateProduct({ actor, productId: params.productId, input: submission.value, ip: clientIp(request) }),
  );
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: [outcome.formError] }) }, { status: outcome.status });
  return redirect(`/app/products/${params.productId}?done=saved`);
}

export default function ProductEdit({ loaderData, actionData, params }: Route.ComponentProps) {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("product.form.editTitle", { name: loaderData.name })}
      </Typography.Title>
      <ProductForm
        lastResult={actionData?.result}
        defaults={loaderData.defaults}
        funds={loaderData.funds}
        submitLabel={t("product.form.save")}
        cancelTo={`/app/products/${params.productId}`}
      />
    </>
  );
}

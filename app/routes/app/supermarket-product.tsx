import type { Route } from "./+types/supermarket-product";
import { ProductFit } from "~/components/matching/ProductFit";
import { ListedProduct } from "~/components/products/ListedProduct";
import { checkProductFit } from "~/domain/matching/check-product-fit.server";
import { loadListedProduct } from "~/domain/products/load-product.server";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = ({ data }) => [{ title: `${data?.product.nameZh ?? "金融产品"} · 信易贷` }];

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:product:listed");
  const product = await orHttpError(() => loadListedProduct(params.productId));
  // For an SME: the product checked against each of its open needs (null for banks and officials).
  return { product, fits: await checkProductFit({ actor, productId: product.id }) };
}

export default function SupermarketProduct({ loaderData }: Route.ComponentProps) {
  return (
    <ListedProduct product={loaderData.product} backTo="/app/supermarket" signedIn>
      {loaderData.fits && <ProductFit fits={loaderData.fits} />}
    </ListedProduct>
  );
}

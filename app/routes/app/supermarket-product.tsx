import type { Route } from "./+types/supermarket-product";
import { ListedProduct } from "~/components/products/ListedProduct";
import { loadListedProduct } from "~/domain/products/load-product.server";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = ({ data }) => [{ title: `${data?.product.nameZh ?? "金融产品"} · 信易贷` }];

export async function loader({ request, params, context }: Route.LoaderArgs) {
  requirePermission(request, context, "read:product:listed");
  return { product: await orHttpError(() => loadListedProduct(params.productId)) };
}

export default function SupermarketProduct({ loaderData }: Route.ComponentProps) {
  return <ListedProduct product={loaderData.product} backTo="/app/supermarket" signedIn />;
}

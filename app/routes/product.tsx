import type { Route } from "./+types/product";
import { PublicHeader } from "~/components/PublicHeader";
import { ListedProduct } from "~/components/products/ListedProduct";
import { loadListedProduct } from "~/domain/products/load-product.server";
import { actorContext } from "~/web/context";
import { orHttpError } from "~/web/request.server";

export const meta: Route.MetaFunction = ({ data }) => [{ title: `${data?.product.nameZh ?? "金融产品"} · 信易贷` }];

export async function loader({ params, context }: Route.LoaderArgs) {
  const product = await orHttpError(() => loadListedProduct(params.productId));
  return { signedIn: Boolean(context.get(actorContext)), product };
}

export default function PublicProduct({ loaderData }: Route.ComponentProps) {
  return (
    <>
      <PublicHeader signedIn={loaderData.signedIn} />
      <main id="main" className="page">
        <ListedProduct product={loaderData.product} backTo="/products" signedIn={loaderData.signedIn} />
      </main>
    </>
  );
}

import type { Route } from "./+types/products";
import { PublicHeader } from "~/components/PublicHeader";
import { SupermarketView } from "~/components/products/SupermarketView";
import { actorContext } from "~/web/context";
import { loadSupermarket } from "~/web/supermarket.server";

export const meta: Route.MetaFunction = () => [{ title: "金融产品超市 · 信易贷" }];

/** The public product supermarket: listed products are public information, no sign-in needed. */
export async function loader({ request, context }: Route.LoaderArgs) {
  return { signedIn: Boolean(context.get(actorContext)), market: await loadSupermarket(request) };
}

export default function PublicSupermarket({ loaderData }: Route.ComponentProps) {
  return (
    <>
      <PublicHeader signedIn={loaderData.signedIn} />
      <main id="main" className="page">
        <SupermarketView data={loaderData.market} detailPath={(id) => `/products/${id}`} />
      </main>
    </>
  );
}

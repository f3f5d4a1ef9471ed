import type { Route } from "./+types/supermarket";
import { SupermarketView } from "~/components/products/SupermarketView";
import { requirePermission } from "~/web/request.server";
import { loadSupermarket } from "~/web/supermarket.server";

export const meta: Route.MetaFunction = () => [{ title: "金融产品超市 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  requirePermission(request, context, "read:product:listed");
  return loadSupermarket(request);
}

export default function Supermarket({ loaderData }: Route.ComponentProps) {
  return <SupermarketView data={loaderData} detailPath={(id) => `/app/supermarket/${id}`} />;
}

import type { SupermarketViewData } from "~/components/products/SupermarketView";
import { searchProducts } from "~/domain/products/search-products.server";
import { searchParamsObject } from "~/schemas/fields";
import { SupermarketQuerySchema } from "~/schemas/products";

/** The supermarket's loader body, shared by the public page and the signed-in page. */
export async function loadSupermarket(request: Request): Promise<SupermarketViewData> {
  const params = new URL(request.url).searchParams;
  const query = SupermarketQuerySchema.parse(searchParamsObject(params));
  const result = await searchProducts(query);
  const typed = (key: string) => (params.get(key) ?? "").slice(0, 20);
  return {
    ...result,
    form: {
      q: query.q,
      amount: query.amount === undefined ? "" : typed("amount"),
      term: query.term === undefined ? "" : typed("term"),
      rate: query.rate === undefined ? "" : typed("rate"),
      fund: query.fund === "yes",
      sort: query.sort,
      selected: { bank: query.bank, type: query.type, tag: query.tag, guarantee: query.guarantee, region: query.region },
    },
  };
}

import type { Route } from "./+types/openapi-json";
import { apiJson, apiLocale, handleApi, methodNotAllowed } from "~/web/api.server";
import { openApiDocument } from "~/web/openapi.server";

/**
 * GET /api/v1/openapi.json — the API's OpenAPI 3.1 document, descriptions in
 * the caller's language. Public: it describes the API, not anyone's data.
 */

export async function loader({ request }: Route.LoaderArgs) {
  return handleApi(request, async () =>
    apiJson(openApiDocument(apiLocale(request)), {
      headers: { "Cache-Control": "public, max-age=300", Vary: "Accept-Language" },
    }),
  );
}

export async function action({ request }: Route.ActionArgs) {
  return handleApi(request, async () => methodNotAllowed(request, ["GET"]));
}

import type { Route } from "./+types/docs";
import { apiLocale } from "~/web/api.server";
import { nonceContext } from "~/web/context";
import { applySecurityHeaders } from "~/web/security.server";

/**
 * GET /api/docs — the API's reference, browsable: Swagger UI over
 * /api/v1/openapi.json, its files served by /api/docs/assets/:file. Under the
 * same Content-Security-Policy as every page: no inline script, nothing from
 * another origin.
 */

const ASSETS = "/api/docs/assets";

function docsPage(locale: "zh-CN" | "en"): string {
  const title = locale === "zh-CN" ? "信易贷 Bank API v1 接口文档" : "信易贷 Bank API v1 reference";
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${ASSETS}/swagger-ui.css">
<link rel="icon" type="image/png" href="${ASSETS}/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="${ASSETS}/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${ASSETS}/swagger-ui-bundle.js"></script>
<script src="${ASSETS}/swagger-ui-standalone-preset.js"></script>
<script src="${ASSETS}/init.js"></script>
</body>
</html>
`;
}

export async function loader({ request, context }: Route.LoaderArgs) {
  // Not cached: the policy header carries this request's nonce, like every page's.
  const headers = new Headers({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache", Vary: "Accept-Language" });
  applySecurityHeaders(headers, context.get(nonceContext));
  return new Response(docsPage(apiLocale(request)), { headers });
}

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Route } from "./+types/docs-asset";

/**
 * GET /api/docs/assets/:file — Swagger UI's files for /api/docs, served from
 * the installed swagger-ui-dist package (the page works offline and loads
 * nothing from elsewhere), plus `init.js`, which starts it: a file rather
 * than an inline script, which the pages' Content-Security-Policy forbids.
 * Only the files named here are served.
 */

const VENDOR_FILES: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
  "favicon-16x16.png": "image/png",
  "favicon-32x32.png": "image/png",
};

const DOCS_INIT_SCRIPT = `"use strict";
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // No badge from the public validator: the page must not call out.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
  });
});
`;

// A day: the files change only with the package, i.e. with a deployment.
const VENDOR_CACHE = "public, max-age=86400";

let distDir: string | undefined;
const cache = new Map<string, Buffer>();

async function vendorFile(name: string): Promise<Buffer> {
  let content = cache.get(name);
  if (!content) {
    distDir ??= dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
    content = await readFile(join(distDir, name));
    cache.set(name, content);
  }
  return content;
}

function notFound(): Response {
  return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" } });
}

export async function loader({ params }: Route.LoaderArgs) {
  const name = params.file;
  if (name === "init.js") {
    return new Response(DOCS_INIT_SCRIPT, {
      headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff" },
    });
  }
  const type = Object.hasOwn(VENDOR_FILES, name) ? VENDOR_FILES[name] : undefined;
  if (!type) return notFound();
  const content = await vendorFile(name);
  return new Response(new Uint8Array(content), {
    headers: { "Content-Type": type, "Cache-Control": VENDOR_CACHE, "X-Content-Type-Options": "nosniff" },
  });
}

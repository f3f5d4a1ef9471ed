import { stringify } from "csv-stringify/sync";
import type { Route } from "./+types/signal-template";
import { SIGNAL_DEFINITIONS, isSignalKind, templateRows } from "~/domain/credit/signal-kinds";
import { requirePermission } from "~/web/request.server";

/** A CSV template for one kind: the header (Chinese names or column keys) and one example row. */
export async function loader({ request, context, params }: Route.LoaderArgs) {
  requirePermission(request, context, "import:credit-signal:any");
  if (!isSignalKind(params.kind)) throw new Response("Not Found", { status: 404 });
  const header = new URL(request.url).searchParams.get("header") === "key" ? "key" : "zh";
  const body = "\uFEFF" + stringify(templateRows(SIGNAL_DEFINITIONS[params.kind], header));
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${params.kind.toLowerCase()}-template.csv"`,
      "Cache-Control": "no-store",
    },
  });
}

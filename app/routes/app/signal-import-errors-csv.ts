import { stringify } from "csv-stringify/sync";
import type { Route } from "./+types/signal-import-errors-csv";
import { batchErrors } from "~/domain/credit/import/list-signal-batches.server";
import { localeContext } from "~/web/context";
import { createI18n } from "~/i18n/i18n";
import { requirePermission } from "~/web/request.server";

/** Every error of a batch as CSV (UTF-8 with BOM so Excel opens the Chinese text correctly). */
export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "import:credit-signal:any");
  if (!/^[0-9a-f-]{36}$/.test(params.batchId)) throw new Response("Not Found", { status: 404 });
  const locale = context.get(localeContext);
  const i18n = createI18n(locale);
  const header = [i18n.t("imports.errorLine"), i18n.t("imports.errorColumn"), i18n.t("imports.errorReason")];
  const chunks: string[] = ["\uFEFF", stringify([header])];
  let lines: string[][] = [];
  for await (const e of batchErrors({ actor, batchId: params.batchId })) {
    const text = i18n.t(`errors.${e.code}`, e.params);
    lines.push([String(e.line), e.column ?? "", text]);
    if (lines.length >= 5_000) {
      chunks.push(stringify(lines));
      lines = [];
    }
  }
  if (lines.length) chunks.push(stringify(lines));
  return new Response(chunks.join(""), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="errors-${params.batchId}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}

import { BATCH_SELECT } from "~/domain/credit/import/list-signal-batches.server";
import type { Route } from "./+types/credit-signal-batch";
import { prisma } from "~/db.server";
import { BATCH_ERRORS_PER_PAGE as ERRORS_PER_PAGE, BatchQuerySchema } from "~/schemas/api/credit-signal-batches";
import { apiError, apiIssues, apiJson, apiLocale, handleApi, methodNotAllowed, requireApiActor, translateCode } from "~/web/api.server";

/**
 * GET /api/v1/credit-signal-batches/:batchId[?errorsAfterLine=N] — a batch's
 * status, counts, progress and up to 200 row errors after line N. Only the
 * caller institution's batches exist for it; any other id is 404.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Batch = {
  status: string;
  sizeBytes: number;
  bytesDone: number;
  rowsDone: number;
  rowsAccepted: number;
  format: string;
};

/** Percent done of the current phase: bytes (CSV) or nothing known yet (JSON) while validating, rows while applying. */
function phasePercent(batch: Batch): number | null {
  switch (batch.status) {
    case "QUEUED":
      return 0;
    case "VALIDATING":
      return batch.format === "CSV" && batch.sizeBytes > 0 ? Math.min(100, Math.floor((batch.bytesDone * 100) / batch.sizeBytes)) : null;
    case "APPLYING":
      return batch.rowsAccepted > 0 ? Math.min(100, Math.floor((batch.rowsDone * 100) / batch.rowsAccepted)) : 0;
    default:
      return 100;
  }
}

export async function loader({ request, params }: Route.LoaderArgs) {
  return handleApi(request, async () => {
    const actor = await requireApiActor(request, "import:credit-signal:any");
    if (!UUID.test(params.batchId)) return apiError(404, "notFound", {}, request);
    const parsed = BatchQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      return apiError(422, "validationFailed", {}, request, { issues: apiIssues(parsed.error.issues, apiLocale(request)) });
    }
    const { errorsAfterLine } = parsed.data;
    const batch = await prisma.creditSignalBatch.findFirst({
      where: { id: params.batchId, institutionId: actor.institution!.id },
      select: BATCH_SELECT,
    });
    if (!batch) return apiError(404, "notFound", {}, request);

    const [errorsTotal, fetched] = await Promise.all([
      prisma.creditSignalBatchError.count({ where: { batchId: batch.id } }),
      prisma.creditSignalBatchError.findMany({
        where: { batchId: batch.id, line: { gt: errorsAfterLine } },
        orderBy: [{ line: "asc" }, { id: "asc" }],
        take: ERRORS_PER_PAGE + 1,
        select: { line: true, column: true, code: true, params: true },
      }),
    ]);
    // Pages end on a whole line, so `errorsAfterLine=<last line>` never skips part of one.
    let page = fetched.slice(0, ERRORS_PER_PAGE);
    const more = fetched.length > ERRORS_PER_PAGE;
    if (more && page.at(-1)!.line === fetched[ERRORS_PER_PAGE]!.line) {
      const cut = page.at(-1)!.line;
      const whole = page.filter((e) => e.line !== cut);
      if (whole.length > 0) page = whole;
    }
    const locale = apiLocale(request);
    return apiJson({
      batchId: batch.id,
      kind: batch.kind,
      source: batch.source,
      fileName: batch.fileName,
      format: batch.format,
      policy: batch.policy,
      sha256: batch.fileSha256,
      sizeBytes: batch.sizeBytes,
      status: batch.status,
      failureReason: batch.failureReason,
      createdAt: batch.createdAt.toISOString(),
      startedAt: batch.startedAt?.toISOString() ?? null,
      finishedAt: batch.finishedAt?.toISOString() ?? null,
      counts: {
        rowsTotal: batch.rowsTotal,
        rowsAccepted: batch.rowsAccepted,
        rowsRejected: batch.rowsRejected,
        enterprisesAffected: batch.enterprisesAffected,
      },
      progress: {
        phase: batch.status,
        percent: phasePercent(batch),
        bytesDone: batch.bytesDone,
        rowsDone: batch.rowsDone,
      },
      errorsTotal,
      errors: page.map((e) => {
        const params = e.params && typeof e.params === "object" && !Array.isArray(e.params) ? (e.params as Record<string, unknown>) : {};
        return {
          line: e.line,
          column: e.column,
          code: e.code,
          message: translateCode(locale, e.code, params, { apiCodes: false }) ?? e.code,
        };
      }),
      nextErrorsAfterLine: more ? page.at(-1)!.line : null,
    });
  });
}

export async function action({ request }: Route.ActionArgs) {
  return handleApi(request, async () => methodNotAllowed(request, ["GET"]));
}

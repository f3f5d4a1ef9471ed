import type { Route } from "./+types/credit-signal-batches";
import { env } from "~/config/env.server";
import { prisma } from "~/db.server";
import { submitSignalBatch } from "~/domain/credit/import/submit-signal-batch.server";
import { ListBatchesQuerySchema, SignalBatchApiSchema } from "~/schemas/api/credit-signal-batches";
import { apiError, apiIssues, apiJson, apiLocale, apiMessage, handleApi, methodNotAllowed, readJsonBody, requireApiActor } from "~/web/api.server";
import { withIdempotency } from "~/web/idempotency.server";
import { clientIp } from "~/web/request.server";

/**
 * POST /api/v1/credit-signal-batches — submit a batch of credit signals as JSON.
 * GET  /api/v1/credit-signal-batches?page=&pageSize= — the caller institution's batches.
 * Authenticated by an API key carrying `import:credit-signal:any` (docs/api.md);
 * the POST also needs an `Idempotency-Key`.
 */

function batchStatusUrl(request: Request, batchId: string): string {
  return new URL(`/api/v1/credit-signal-batches/${batchId}`, request.url).href;
}

export async function loader({ request }: Route.LoaderArgs) {
  return handleApi(request, async () => {
    const actor = await requireApiActor(request, "import:credit-signal:any");
    const parsed = ListBatchesQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      return apiError(422, "validationFailed", {}, request, { issues: apiIssues(parsed.error.issues, apiLocale(request)) });
    }
    const { page, pageSize } = parsed.data;
    const where = { institutionId: actor.institution!.id };
    const [total, rows] = await Promise.all([
      prisma.creditSignalBatch.count({ where }),
      prisma.creditSignalBatch.findMany({
        where,
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        skip: (page - 1) * pageSize,
        take: pageSize,
        select: {
          id: true,
          kind: true,
          source: true,
          format: true,
          policy: true,
          status: true,
          rowsTotal: true,
          rowsAccepted: true,
          rowsRejected: true,
          enterprisesAffected: true,
          createdAt: true,
          finishedAt: true,
        },
      }),
    ]);
    return apiJson({
      page,
      pageSize,
      total,
      items: rows.map(({ id, ...row }) => ({
        batchId: id,
        ...row,
        createdAt: row.createdAt.toISOString(),
        finishedAt: row.finishedAt?.toISOString() ?? null,
        statusUrl: batchStatusUrl(request, id),
      })),
    });
  });
}

export async function action({ request }: Route.ActionArgs) {
  return handleApi(request, async () => {
    if (request.method !== "POST") return methodNotAllowed(request, ["GET", "POST"]);
    // The key is checked before the body is read: an anonymous caller cannot make us buffer anything.
    const actor = await requireApiActor(request, "import:credit-signal:any");
    const maxBodyBytes = env.IMPORT_MAX_MB * 1024 * 1024;
    return withIdempotency(
      request,
      actor,
      async () => {
        const body = await readJsonBody(request, maxBodyBytes, SignalBatchApiSchema);
        const result = await submitSignalBatch({
          actor,
          kind: body.kind,
          source: body.source,
          policy: body.policy,
          fileName: null,
          ip: clientIp(request),
          format: "JSON",
          rows: body.rows,
        });
        const statusUrl = batchStatusUrl(request, result.batchId);
        if (result.duplicate) {
          return apiJson({
            batchId: result.batchId,
            duplicate: true,
            status: result.status,
            statusUrl,
            message: apiMessage(request, "api.duplicateBatch"),
          });
        }
        return apiJson(
          { batchId: result.batchId, duplicate: false, status: result.status, statusUrl },
          { status: 202, headers: { Location: statusUrl } },
        );
      },
      { maxBodyBytes },
    );
  });
}

import { z } from "zod";
import type { ImportBatchStatus } from "~/generated/prisma/enums";
import { SignalBatchApiSchema, SignalKindSchema } from "~/schemas/credit";
import { InstantSchema, pageOf, PaginationQuerySchema } from "./common";

/**
 * The credit-signal batch endpoints (docs/api.md). The request body is the
 * one the import page's JSON form uses, `SignalBatchApiSchema`; this module
 * adds the queries and describes the responses.
 */

export { SignalBatchApiSchema };

export const BATCH_STATUSES = ["QUEUED", "VALIDATING", "APPLYING", "APPLIED", "REJECTED", "FAILED"] as const satisfies readonly ImportBatchStatus[];
const BatchStatusSchema = z.enum(BATCH_STATUSES).meta({ description: "QUEUED → VALIDATING → APPLYING → APPLIED, or REJECTED / FAILED" });
const FormatSchema = z.enum(["CSV", "JSON"]);
const PolicySchema = z.enum(["ALL_OR_NOTHING", "VALID_ROWS"]);

export const ListBatchesQuerySchema = PaginationQuerySchema;

export const BATCH_ERRORS_PER_PAGE = 200;
export const BatchQuerySchema = z.object({
  errorsAfterLine: z
    .preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(0).max(2_147_483_647).default(0))
    .meta({ description: `Row errors after this line (up to ${BATCH_ERRORS_PER_PAGE}); pass the previous page's nextErrorsAfterLine` }),
});

export const BatchIdParamsSchema = z.object({ batchId: z.uuid().meta({ description: "The batch's id" }) });

export const SubmitBatchResponseSchema = z
  .object({
    batchId: z.uuid(),
    duplicate: z.boolean().meta({ description: "true when the same rows of the same kind were submitted before; nothing changed" }),
    status: BatchStatusSchema,
    statusUrl: z.url(),
    message: z.string().optional().meta({ description: "With a duplicate: what happened, in the caller's language" }),
  })
  .meta({ id: "SubmittedBatch" });

export const BatchListItemSchema = z.object({
  batchId: z.uuid(),
  kind: SignalKindSchema,
  source: z.string(),
  format: FormatSchema,
  policy: PolicySchema,
  status: BatchStatusSchema,
  rowsTotal: z.number().int(),
  rowsAccepted: z.number().int(),
  rowsRejected: z.number().int(),
  enterprisesAffected: z.number().int(),
  createdAt: InstantSchema,
  finishedAt: InstantSchema.nullable(),
  statusUrl: z.url(),
});

export const BatchListResponseSchema = pageOf(BatchListItemSchema).meta({ id: "BatchList" });

export const BatchDetailResponseSchema = z
  .object({
    batchId: z.uuid(),
    kind: SignalKindSchema,
    source: z.string(),
    fileName: z.string().nullable(),
    format: FormatSchema,
    policy: PolicySchema,
    sha256: z.string().meta({ description: "SHA-256 of the submitted content (hex)" }),
    sizeBytes: z.number().int(),
    status: BatchStatusSchema,
    failureReason: z.string().nullable(),
    createdAt: InstantSchema,
    startedAt: InstantSchema.nullable(),
    finishedAt: InstantSchema.nullable(),
    counts: z.object({
      rowsTotal: z.number().int(),
      rowsAccepted: z.number().int(),
      rowsRejected: z.number().int(),
      enterprisesAffected: z.number().int(),
    }),
    progress: z.object({
      phase: BatchStatusSchema,
      percent: z.number().int().min(0).max(100).nullable().meta({ description: "Share of the current phase done; null while a JSON batch is validated" }),
      bytesDone: z.number().int(),
      rowsDone: z.number().int(),
    }),
    errorsTotal: z.number().int(),
    errors: z
      .array(
        z.object({
          line: z.number().int().meta({ description: "1-based CSV line, or index in `rows` for JSON batches" }),
          column: z.string().nullable(),
          code: z.string(),
          message: z.string(),
        }),
      )
      .max(BATCH_ERRORS_PER_PAGE),
    nextErrorsAfterLine: z.number().int().nullable(),
  })
  .meta({ id: "BatchDetail" });

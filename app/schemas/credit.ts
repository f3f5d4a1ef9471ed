import { z } from "zod";
import { SIGNAL_KINDS } from "~/domain/credit/signal-kinds";
import { calendarDateField, isStorableText, requiredText } from "./fields";

/** What a bank may see under an authorisation. */
export const AUTHORISATION_SCOPES = ["CREDIT_REPORT", "SIGNALS", "CONTACT"] as const;
export type AuthorisationScope = (typeof AUTHORISATION_SCOPES)[number];
export const AUTHORISATION_PURPOSES = ["LOAN_APPLICATION", "PRE_LOAN_REVIEW", "POST_LOAN_MONITORING"] as const;
/** No authorisation may run longer than a year; the enterprise renews it if it wants to. */
export const MAX_AUTHORISATION_DAYS = 366;

export const ImportPolicySchema = z.enum(["ALL_OR_NOTHING", "VALID_ROWS"], { error: "invalidChoice" });
export const SignalKindSchema = z.enum(SIGNAL_KINDS, { error: "invalidChoice" });

/** The browser upload form (the file itself is read from the multipart body). */
export const SignalUploadSchema = z.object({
  kind: SignalKindSchema,
  source: requiredText(100),
  policy: ImportPolicySchema,
});

/** The JSON API body: the same columns as the CSV, one object per row. */
export const SignalBatchApiSchema = z
  .object({
    kind: SignalKindSchema,
    source: requiredText(100),
    policy: ImportPolicySchema.default("ALL_OR_NOTHING"),
    rows: z.array(z.unknown()).min(1, { error: "import.noRows" }).max(200_000, { error: "import.tooManyRowsApi" }),
  })
  .strict();

export const GrantAuthorisationSchema = z.object({
  institutionId: z.string({ error: "invalidChoice" }).uuid({ error: "invalidChoice" }),
  scopes: z
    .array(z.enum(AUTHORISATION_SCOPES, { error: "invalidChoice" }), { error: "consent.scopeRequired" })
    .min(1, { error: "consent.scopeRequired" })
    // The other scopes add sections to the report: without it the bank could open nothing.
    .refine((scopes) => scopes.includes("CREDIT_REPORT"), { error: "consent.reportScopeRequired" }),
  purpose: z.enum(AUTHORISATION_PURPOSES, { error: "invalidChoice" }),
  note: z
    .string()
    .transform((v) => v.normalize("NFKC").trim())
    .pipe(z.string().max(200, { error: "tooLong" }).refine(isStorableText, { error: "invalidCharacters" }))
    .optional(),
  expiresOn: calendarDateField,
});
export type GrantAuthorisationInput = z.infer<typeof GrantAuthorisationSchema>;

export const RevokeAuthorisationSchema = z.object({ authorisationId: z.string().uuid({ error: "invalidChoice" }) });

/** Attachments: evidence documents, bounded in size and type. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const ATTACHMENT_TYPES = ["application/pdf", "image/jpeg", "image/png"] as const;

export const RaiseObjectionSchema = z.object({
  signalId: z.string().uuid({ error: "invalidChoice" }),
  reason: requiredText(1000),
});

export const RequestRepairSchema = z.object({
  signalId: z.string().uuid({ error: "invalidChoice" }),
  reason: requiredText(1000),
  commitment: requiredText(1000),
});

export const DecideObjectionSchema = z.discriminatedUnion("decision", [
  z.object({ decision: z.literal("DISMISS"), resolution: requiredText(1000) }),
  z.object({ decision: z.literal("WITHDRAW"), resolution: requiredText(1000) }),
  z.object({ decision: z.literal("REPAIR"), resolution: requiredText(1000) }),
  // The corrected cells are validated by the signal kind's own row schema.
  z.object({ decision: z.literal("CORRECT"), resolution: requiredText(1000), cells: z.record(z.string(), z.string()) }),
]);
export type DecideObjectionInput = z.infer<typeof DecideObjectionSchema>;

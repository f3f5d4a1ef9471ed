import { z } from "zod";
import { APPLICATION_STATUSES, APPLICATION_VIEWS, DECLINE_REASONS } from "~/domain/applications/lifecycle";
import { isStorableText } from "~/schemas/fields";
import { REPAYMENT_METHODS } from "~/schemas/products";
import { bpsSchema, DaySchema, FenAmountSchema, FenSchema, InstantSchema, intSchema, orRequired, pageOf, PaginationQuerySchema } from "./common";

/**
 * The bank API's applications and loans (docs/api.md): the bank reads its
 * applications, answers them (accept, decline with a reason code, approve
 * with terms), reports disbursement and repayments. Money in 分, rates in
 * basis points, days as YYYY-MM-DD (China's calendar).
 */

const note = z
  .string({ error: orRequired("tooLong") })
  .max(500, { error: "tooLong" })
  .refine(isStorableText, { error: "invalidCharacters" })
  .optional()
  .meta({ description: "Shown to the enterprise (at most 500 characters)" });
const bankReference = z
  .string()
  .trim()
  .min(1)
  .max(64, { error: "tooLong" })
  .refine(isStorableText, { error: "invalidCharacters" })
  .optional()
  .meta({ description: "The bank's own reference (loan number, transaction number), at most 64 characters" });

export const ApplicationIdParamsSchema = z.object({ applicationId: z.uuid() });
export const LoanIdParamsSchema = z.object({ loanId: z.uuid() });

export const ApplicationListQuerySchema = PaginationQuerySchema.extend({
  view: z
    .enum(APPLICATION_VIEWS)
    .default("open")
    .meta({
      description: "open: awaiting the bank or the enterprise; overdue: unanswered past the deadline; closed: declined, lapsed, disbursed or withdrawn; all",
    }),
});

export const ApplicationDecisionBodySchema = z
  .discriminatedUnion(
    "action",
    [
      z.object({ action: z.literal("accept"), note }).strict(),
      z.object({ action: z.literal("decline"), reasonCode: z.enum(DECLINE_REASONS, { error: orRequired("invalidChoice") }), note }).strict(),
      z
        .object({
          action: z.literal("approve"),
          amountFen: FenAmountSchema,
          rateBps: bpsSchema(1, 2_400),
          termMonths: intSchema(1, 360),
          repaymentMethod: z.enum(REPAYMENT_METHODS, { error: orRequired("invalidChoice") }),
          note,
        })
        .strict(),
    ],
    { error: orRequired("invalidChoice") },
  )
  .meta({ id: "ApplicationDecision", description: "accept (start the review), decline with a reason code, or approve with terms within the product's ranges" });

export const DisbursementBodySchema = z
  .object({ disbursedOn: DaySchema, bankReference })
  .strict()
  .meta({ id: "Disbursement", description: "The day the money was paid out (not in the future, not before the approval)" });

export const RepaymentBodySchema = z.object({ amountFen: FenAmountSchema, receivedOn: DaySchema, bankReference }).strict().meta({
  id: "Repayment",
  description:
    "Money received from the borrower. Applied to interest then principal of instalments due, then the current period's interest, then early repayment of principal from the last instalment back. Report in date order; at most the payoff amount.",
});

const ApplicationSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(APPLICATION_STATUSES),
    productId: z.uuid(),
    enterprise: z.object({ id: z.uuid(), name: z.string(), uscc: z.string() }),
    requestedAmountFen: FenSchema,
    requestedTermMonths: z.number().int(),
    submittedAt: InstantSchema,
    respondBy: InstantSchema,
    respondedAt: InstantSchema.nullable(),
    overdue: z.boolean(),
    declineReasonCode: z.enum(DECLINE_REASONS).nullable(),
    approved: z
      .object({
        amountFen: FenSchema,
        rateBps: z.number().int(),
        termMonths: z.number().int(),
        repaymentMethod: z.enum(REPAYMENT_METHODS),
        offerExpiresAt: InstantSchema.nullable(),
      })
      .nullable(),
    loanId: z.uuid().nullable(),
    url: z.url(),
  })
  .meta({ id: "Application" });
export type ApiApplication = z.infer<typeof ApplicationSchema>;

export const ApplicationResponseSchema = ApplicationSchema;
export const ApplicationListResponseSchema = pageOf(ApplicationSchema);

const InstalmentSchema = z.object({
  seq: z.number().int(),
  dueOn: DaySchema,
  principalFen: FenSchema,
  interestFen: FenSchema,
  paidPrincipalFen: FenSchema,
  paidInterestFen: FenSchema,
  status: z.enum(["DUE", "PARTIALLY_PAID", "PAID"]),
});

export const LoanResponseSchema = z
  .object({
    id: z.uuid(),
    applicationId: z.uuid(),
    status: z.enum(["CURRENT", "OVERDUE", "DEFAULTED", "REPAID"]),
    principalFen: FenSchema,
    outstandingPrincipalFen: FenSchema,
    rateBps: z.number().int(),
    termMonths: z.number().int(),
    repaymentMethod: z.enum(REPAYMENT_METHODS),
    disbursedOn: DaySchema,
    maturityOn: DaySchema,
    daysPastDue: z.number().int(),
    bankReference: z.string().nullable(),
    ledgerTransferId: z.string().meta({ description: "The disbursement's 128-bit ledger transfer id, in decimal" }),
    instalments: z.array(InstalmentSchema),
    url: z.url(),
  })
  .meta({ id: "Loan" });
export type ApiLoan = z.infer<typeof LoanResponseSchema>;

export const RepaymentResponseSchema = z
  .object({
    repaymentId: z.uuid(),
    loanId: z.uuid(),
    principalFen: FenSchema,
    interestFen: FenSchema,
    loanStatus: z.enum(["CURRENT", "OVERDUE", "DEFAULTED", "REPAID"]),
    loanUrl: z.url(),
  })
  .meta({ id: "RepaymentRecorded" });

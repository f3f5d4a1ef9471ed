import { z } from "zod";
import { platformToday } from "~/domain/credit/build-snapshot";
import { calendarDateField, lenient, linesField, requiredText, yuanToFenField } from "./fields";

/** Bounds of a claim's text (PRODUCT.md §3.7): what a finance office reviewer reads in full. */
export const CLAIM_LIMITS = { recoveryActionsMax: 2_000, evidenceMin: 1, evidenceMax: 20, evidenceNameMax: 200, reasonMax: 500 } as const;

/** The tabs of the claims list: awaiting decision, decided, refused by the ledger, everything. */
export const CLAIM_VIEWS = ["awaiting", "decided", "refused", "all"] as const;
export type ClaimView = (typeof CLAIM_VIEWS)[number];

/** Tag colours of a claim's status, shared by the list and the claim's page. */
export const CLAIM_STATUS_COLORS: Record<string, string> = {
  RESERVING: "processing",
  RESERVED: "gold",
  APPROVED: "success",
  PARTIALLY_APPROVED: "cyan",
  REJECTED: "error",
  REFUSED: "default",
};

export const ClaimListQuerySchema = z.object({
  /** No view chosen: the route picks the side's default (the office's queue, a bank's everything). */
  view: lenient(z.enum(CLAIM_VIEWS)),
  page: lenient(z.coerce.number().int().min(1).max(10_000)).transform((v) => v ?? 1),
  pageSize: lenient(z.coerce.number().int().min(1).max(100)),
});

const recordId = z.string({ error: "required" }).uuid({ error: "invalid" });
/** A form's one-time key, rendered with the page: the same submission twice is one command. */
const commandKey = z.string({ error: "invalid" }).uuid({ error: "invalid" });
const positiveYuan = yuanToFenField.refine((fen) => fen > 0n, { error: "amountPositive" });
/** Trimmed, not NFKC-normalised: that would turn Chinese full-width punctuation into ASCII. */
const reason = requiredText(CLAIM_LIMITS.reasonMax);
/** A day money arrived: YYYY-MM-DD, not after today in China. */
const pastDay = calendarDateField.transform((d) => d.toISOString().slice(0, 10)).refine((d) => d <= platformToday(), { error: "futureDate" });

/** A bank files a claim for one of its defaulted loans. */
export const FileClaimFormSchema = z.object({
  loanId: recordId,
  loss: positiveYuan,
  recoveryActions: requiredText(CLAIM_LIMITS.recoveryActionsMax),
  evidence: linesField(CLAIM_LIMITS.evidenceMax, CLAIM_LIMITS.evidenceNameMax).refine((lines) => lines.length >= CLAIM_LIMITS.evidenceMin, {
    error: "required",
  }),
});
export type FileClaimForm = z.infer<typeof FileClaimFormSchema>;

/** Every command on a claim's page, told apart by `intent`. */
export const ClaimCommandFormSchema = z.discriminatedUnion("intent", [
  /** The finance office approves the whole reserved amount. */
  z.object({ intent: z.literal("approveFull") }),
  /** The finance office approves part of it (at most what is reserved, checked against the claim) and says why. */
  z.object({ intent: z.literal("approvePart"), amount: positiveYuan, reason }),
  z.object({ intent: z.literal("reject"), reason }),
  /** The bank reports money recovered from the borrower after compensation. */
  z.object({ intent: z.literal("recover"), commandKey, amount: positiveYuan, receivedOn: pastDay }),
]);
export type ClaimCommandForm = z.infer<typeof ClaimCommandFormSchema>;
export type ClaimIntent = ClaimCommandForm["intent"];

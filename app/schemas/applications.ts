import { z } from "zod";
import { DECLINE_REASONS, REROUTE_MAX_PICKS } from "~/domain/applications/lifecycle";
import { calendarDateField, listField, optionalText, percentToBpsField, wholeNumberField, yuanToFenField } from "./fields";
import { PRODUCT_LIMITS, REPAYMENT_METHODS } from "./products";

const choice = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: "invalidChoice" });
const recordId = z.string({ error: "required" }).uuid({ error: "invalid" });
/** A form's one-time key, rendered with the form: the same submission twice is one command. */
const commandKey = z.string({ error: "invalid" }).uuid({ error: "invalid" });
const note = optionalText(500);
const day = calendarDateField.transform((d) => d.toISOString().slice(0, 10));
const bankReference = optionalText(64);

/** The SME applies for a product against one of its needs. */
export const ApplyFormSchema = z.object({
  needId: recordId,
  productId: recordId,
  amount: yuanToFenField.refine((fen) => fen > 0n, { error: "amountPositive" }),
  termMonths: wholeNumberField(1, PRODUCT_LIMITS.maxTermMonths),
  submitKey: commandKey,
});
export type ApplyFormInput = z.infer<typeof ApplyFormSchema>;

/** Every command on an application's page, told apart by `intent`. */
export const ApplicationCommandFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("accept"), commandKey, note }),
  z.object({ intent: z.literal("decline"), commandKey, reasonCode: choice(DECLINE_REASONS), note }),
  z.object({
    intent: z.literal("approve"),
    commandKey,
    amount: yuanToFenField.refine((fen) => fen > 0n, { error: "amountPositive" }),
    rate: percentToBpsField,
    termMonths: wholeNumberField(1, PRODUCT_LIMITS.maxTermMonths),
    repaymentMethod: choice(REPAYMENT_METHODS),
    note,
  }),
  z.object({ intent: z.literal("acceptOffer"), commandKey }),
  z.object({ intent: z.literal("withdraw"), commandKey, note }),
  z.object({ intent: z.literal("disburse"), commandKey, disbursedOn: day, bankReference }),
  z.object({
    intent: z.literal("repay"),
    commandKey,
    amount: yuanToFenField.refine((fen) => fen > 0n, { error: "amountPositive" }),
    receivedOn: day,
    bankReference,
  }),
  z.object({
    intent: z.literal("reroute"),
    commandKey,
    productIds: listField(recordId, { min: 1, max: REROUTE_MAX_PICKS, minError: "application.rerouteNoChoice" }),
  }),
]);
export type ApplicationCommandForm = z.infer<typeof ApplicationCommandFormSchema>;
export type ApplicationIntent = ApplicationCommandForm["intent"];

import { z } from "zod";
import { requiredText } from "./fields";

export const API_KEY_NAME_MAX = 50;

/** The create-key form: only a name; what the key may do follows from the creator's role. */
export const CreateApiKeySchema = z.object({
  // Normalised before it is trimmed: NFKC can turn a character into a space and a combining mark.
  name: z
    .string({ error: "required" })
    .transform((v) => v.normalize("NFKC"))
    .pipe(requiredText(API_KEY_NAME_MAX)),
});
export type CreateApiKeyInput = z.infer<typeof CreateApiKeySchema>;

export const RevokeApiKeySchema = z.object({
  apiKeyId: z.string({ error: "invalidChoice" }).uuid({ error: "invalidChoice" }),
});

/** The API-keys page posts both forms to one action, told apart by `intent`. */
export const ApiKeyActionSchema = z.discriminatedUnion("intent", [
  CreateApiKeySchema.extend({ intent: z.literal("create") }),
  RevokeApiKeySchema.extend({ intent: z.literal("revoke") }),
]);

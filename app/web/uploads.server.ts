import type { Attachment } from "~/domain/credit/objections/raise-objection.server";

/** A submitted file field, or null when none was chosen (browsers send an empty file). */
export async function readAttachment(value: FormDataEntryValue | null): Promise<Attachment | null> {
  if (!value || typeof value === "string" || value.size === 0) return null;
  return { name: value.name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) };
}

import { createHash } from "node:crypto";
import { canonicalJson } from "~/domain/audit/append-audit.server";
import type { ScorecardParams } from "./params";
import type { EvaluationSnapshot } from "./snapshot";

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The hash stored with every evaluation, identifying exactly the input it scored. */
/** Canonical JSON (keys sorted at every depth, as the audit chain hashes) keeps jsonb key reordering from changing a hash. */
export function snapshotSha256(snapshot: EvaluationSnapshot): string {
  return sha256Hex(canonicalJson(snapshot));
}

/** The hash under which a model version's parameters (scorecard or matching) are registered. */
export function scorecardParamsSha256(params: ScorecardParams | object): string {
  return sha256Hex(canonicalJson(params));
}

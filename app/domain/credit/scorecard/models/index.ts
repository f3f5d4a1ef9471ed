import { type ScorecardParams, ScorecardParamsSchema } from "../params";
// A plain import: import attributes (`with { type: "json" }`) need module esnext/nodenext, and this repo compiles as ES2022.
import scorecard202611 from "./scorecard-2026.11.json";

/**
 * Every reviewed parameter set, by version. A version's file is never edited
 * once released (ADR 0008): evaluations stored under it must replay exactly.
 * Parsed at load so a malformed model stops start-up instead of scoring.
 */
export const SCORECARD_MODELS: Record<string, ScorecardParams> = Object.fromEntries(
  [scorecard202611].map((raw) => {
    const params = ScorecardParamsSchema.parse(raw);
    return [params.version, params];
  }),
);

export const ACTIVE_SCORECARD_VERSION = "2026.11";

if (!SCORECARD_MODELS[ACTIVE_SCORECARD_VERSION]) {
  throw new Error(`The active scorecard version ${ACTIVE_SCORECARD_VERSION} is not registered`);
}

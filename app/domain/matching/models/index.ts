import { type MatchingParams, MatchingParamsSchema } from "../params";
import matching202611 from "./matching-2026.11.json";

/**
 * Every reviewed matching parameter set, by version. A released file is never
 * edited: a new version is added and made active, and the worker re-matches
 * every open need under it (rankings record the version they were made with).
 */
export const MATCHING_MODELS: Record<string, MatchingParams> = Object.fromEntries(
  [matching202611].map((raw) => {
    const params = MatchingParamsSchema.parse(raw);
    return [params.version, params];
  }),
);

export const ACTIVE_MATCHING_VERSION = "2026.11";

export const ACTIVE_MATCHING_PARAMS: MatchingParams = (() => {
  const params = MATCHING_MODELS[ACTIVE_MATCHING_VERSION];
  if (!params) throw new Error(`The active matching version ${ACTIVE_MATCHING_VERSION} is not registered`);
  return params;
})();

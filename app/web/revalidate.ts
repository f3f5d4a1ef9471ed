import type { ShouldRevalidateFunctionArgs } from "react-router";

/**
 * A page's `shouldRevalidate`: a command refused because the record changed
 * meanwhile (409) still reloads it, so the page shows what changed. React
 * Router skips revalidation after a 4xx by default.
 */
export function revalidateAfterConflict({ actionStatus, defaultShouldRevalidate }: ShouldRevalidateFunctionArgs): boolean {
  return actionStatus === 409 ? true : defaultShouldRevalidate;
}

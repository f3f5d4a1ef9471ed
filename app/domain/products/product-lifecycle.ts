import type { Permission } from "~/domain/access/permissions";
import type { ProductStatus, ProductTransition } from "~/schemas/products";

/**
 * The product lifecycle (PRODUCT.md §3.4), as one table: which command moves a
 * product from which status to which, and who may give it. A bank drafts and
 * submits; the finance office approves (listing it) or returns it with
 * comments; a bank may withdraw what it submitted, delist what is listed and
 * revise a delisted product into a new draft; the finance office may delist
 * too. Nothing else moves a product.
 */
export type TransitionRule = {
  from: ProductStatus;
  to: ProductStatus;
  /** The bank's own products (`institution`) or any bank's (`any`). */
  by: { permission: Permission; scope: "institution" | "any" }[];
};

const BANK = { permission: "manage:product:institution", scope: "institution" } as const;
const FINANCE = { permission: "review:product:any", scope: "any" } as const;

export const PRODUCT_TRANSITIONS: Record<ProductTransition, TransitionRule> = {
  submit: { from: "DRAFT", to: "UNDER_REVIEW", by: [BANK] },
  withdraw: { from: "UNDER_REVIEW", to: "DRAFT", by: [BANK] },
  approve: { from: "UNDER_REVIEW", to: "LISTED", by: [FINANCE] },
  return: { from: "UNDER_REVIEW", to: "DRAFT", by: [FINANCE] },
  delist: { from: "LISTED", to: "DELISTED", by: [BANK, FINANCE] },
  revise: { from: "DELISTED", to: "DRAFT", by: [BANK] },
};

/** Only drafts are edited: what the finance office reviews, and what SMEs see, does not change under them. */
export const EDITABLE_STATUSES: readonly ProductStatus[] = ["DRAFT"];

/** The commands an actor may give a product now (for the page's buttons; the server checks again). */
export function availableTransitions(
  status: ProductStatus,
  actor: { permissions: ReadonlySet<string>; institutionId: string | null },
  productInstitutionId: string,
): ProductTransition[] {
  return (Object.entries(PRODUCT_TRANSITIONS) as [ProductTransition, TransitionRule][])
    .filter(([, rule]) => rule.from === status && rule.by.some((b) => allowedBy(b, actor, productInstitutionId)))
    .map(([intent]) => intent);
}

export function allowedBy(
  grant: TransitionRule["by"][number],
  actor: { permissions: ReadonlySet<string>; institutionId: string | null },
  productInstitutionId: string,
): boolean {
  if (!actor.permissions.has(grant.permission)) return false;
  return grant.scope === "any" || actor.institutionId === productInstitutionId;
}

import type { Permission } from "~/domain/access/permissions";

/**
 * The areas of the signed-in application. An area appears in the navigation
 * only when it is built and the actor holds its permission; the route checks
 * the same permission again on the server.
 */
export type Area = {
  key: string;
  path: string;
  /** The permission the area needs, or any one of several; null for everyone signed in. */
  permission: Permission | readonly Permission[] | null;
  unless?: Permission;
  /** Other paths whose pages belong to this area (highlighted in the navigation). */
  also?: readonly string[];
};

export const AREAS: readonly Area[] = [
  { key: "dashboard", path: "/app", permission: null },
  { key: "enterprise", path: "/app/enterprise", permission: "read:enterprise:own" },
  { key: "supermarket", path: "/app/supermarket", permission: "read:product:listed" },
  { key: "needs", path: "/app/needs", permission: "manage:need:own" },
  { key: "credit", path: "/app/credit", permission: "read:credit-profile:own" },
  { key: "authorisations", path: "/app/authorisations", permission: "manage:authorisation:own" },
  { key: "dataAccess", path: "/app/data-access", permission: "read:data-access-log:own" },
  { key: "myObjections", path: "/app/credit/objections", permission: "raise:objection:own" },
  { key: "products", path: "/app/products", permission: "manage:product:institution" },
  { key: "needInbox", path: "/app/need-inbox", permission: "read:need-inbox:institution" },
  { key: "needSearch", path: "/app/need-search", permission: "read:need-inbox:institution" },
  {
    key: "applications",
    path: "/app/applications",
    permission: ["manage:application:own", "decide:application:institution", "read:monitoring:any"],
  },
  { key: "loans", path: "/app/loans", permission: ["manage:application:own", "manage:loan:institution", "read:monitoring:any"] },
  { key: "claims", path: "/app/claims", permission: ["file:claim:institution", "decide:claim:any"] },
  { key: "funds", path: "/app/funds", permission: "manage:fund:any" },
  { key: "monitoring", path: "/app/monitoring", permission: "read:monitoring:any" },
  { key: "ledgerView", path: "/app/ledger", permission: "read:ledger:any" },
  { key: "productReviews", path: "/app/product-reviews", permission: "review:product:any", also: ["/app/products"] },
  { key: "creditReports", path: "/app/credit-reports", permission: "read:credit-report:authorised" },
  { key: "signalImports", path: "/app/signal-imports", permission: "import:credit-signal:any" },
  { key: "objections", path: "/app/objections", permission: "handle:objection:any" },
  { key: "dataAccessAll", path: "/app/data-access-log", permission: "read:data-access-log:any" },
  { key: "institution", path: "/app/institution", permission: "read:institution:institution", unless: "read:institution:any" },
  { key: "institutions", path: "/app/institutions", permission: "read:institution:any" },
  { key: "users", path: "/app/users", permission: "read:user:any" },
  { key: "enterprises", path: "/app/enterprises", permission: "read:enterprise:any" },
  { key: "auditLog", path: "/app/audit", permission: "read:audit-log:any" },
  { key: "health", path: "/app/health", permission: "read:system-health:any" },
  { key: "calendar", path: "/app/calendar", permission: "manage:calendar:any" },
  { key: "apiKeys", path: "/app/api-keys", permission: "manage:api-key:institution" },
];

export function visibleAreas(permissions: ReadonlySet<string>): Area[] {
  return AREAS.filter(
    (a) =>
      (a.permission === null || (typeof a.permission === "string" ? [a.permission] : a.permission).some((p) => permissions.has(p))) &&
      !(a.unless && permissions.has(a.unless)),
  );
}

import type { Permission } from "~/domain/access/permissions";

/**
 * The areas of the signed-in application. An area appears in the navigation
 * only when it is built and the actor holds its permission; the route checks
 * the same permission again on the server.
 */
export type Area = { key: string; path: string; permission: Permission | null; unless?: Permission };

export const AREAS: readonly Area[] = [
  { key: "dashboard", path: "/app", permission: null },
  { key: "enterprise", path: "/app/enterprise", permission: "read:enterprise:own" },
  { key: "institution", path: "/app/institution", permission: "read:institution:institution", unless: "read:institution:any" },
  { key: "institutions", path: "/app/institutions", permission: "read:institution:any" },
  { key: "users", path: "/app/users", permission: "read:user:any" },
  { key: "enterprises", path: "/app/enterprises", permission: "read:enterprise:any" },
  { key: "auditLog", path: "/app/audit", permission: "read:audit-log:any" },
  { key: "health", path: "/app/health", permission: "read:system-health:any" },
];

export function visibleAreas(permissions: ReadonlySet<string>): Area[] {
  return AREAS.filter(
    (a) => (a.permission === null || permissions.has(a.permission)) && !(a.unless && permissions.has(a.unless)),
  );
}

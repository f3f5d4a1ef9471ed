/**
 * Permissions are `action:entity:scope` strings. Roles are sets of them, kept
 * as rows in the `roles` table (seeded from ROLE_DEFINITIONS below, which is the
 * reviewed source) and read back on every request.
 *
 * Scopes: `own` — the caller's enterprise; `institution` — the caller's
 * institution; `authorised` — an enterprise that granted the caller's bank a
 * live authorisation; `listed` — publicly listed records; `any` — everything.
 */
export const PERMISSIONS = [
  // enterprise self-service
  "read:enterprise:own",
  "update:enterprise:own",
  "read:credit-profile:own",
  "manage:authorisation:own",
  "read:data-access-log:own",
  "manage:need:own",
  "manage:application:own",
  "raise:objection:own",
  // banks
  "read:institution:institution",
  "read:user:institution",
  "create:user:institution",
  "manage:product:institution",
  "read:need-inbox:institution",
  "read:credit-report:authorised",
  "decide:application:institution",
  "manage:loan:institution",
  "file:claim:institution",
  "manage:api-key:institution",
  // finance office
  "read:institution:any",
  "create:institution:any",
  "read:user:any",
  "create:user:any",
  "read:enterprise:any",
  "import:credit-signal:any",
  "review:product:any",
  "manage:fund:any",
  "decide:claim:any",
  "handle:objection:any",
  "read:monitoring:any",
  "manage:calendar:any",
  // audit and operations
  "read:audit-log:any",
  "verify:audit-log:any",
  "read:ledger:any",
  "read:data-access-log:any",
  "read:system-health:any",
  "manage:role:any",
  // everyone signed in
  "read:product:listed",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_KEYS = ["sme", "bank_admin", "loan_officer", "finance_office", "regulator", "platform_admin"] as const;
export type RoleKey = (typeof ROLE_KEYS)[number];

/** Which kind of organisation a role's membership belongs to. */
export const ROLE_HOME: Record<RoleKey, "enterprise" | "BANK" | "FINANCE_OFFICE" | "REGULATOR" | "PLATFORM"> = {
  sme: "enterprise",
  bank_admin: "BANK",
  loan_officer: "BANK",
  finance_office: "FINANCE_OFFICE",
  regulator: "REGULATOR",
  platform_admin: "PLATFORM",
};

export type RoleDefinition = { key: RoleKey; nameZh: string; nameEn: string; permissions: readonly Permission[] };

export const ROLE_DEFINITIONS: readonly RoleDefinition[] = [
  {
    key: "sme",
    nameZh: "企业用户",
    nameEn: "Enterprise",
    permissions: [
      "read:enterprise:own",
      "update:enterprise:own",
      "read:credit-profile:own",
      "manage:authorisation:own",
      "read:data-access-log:own",
      "manage:need:own",
      "manage:application:own",
      "raise:objection:own",
      "read:product:listed",
    ],
  },
  {
    key: "bank_admin",
    nameZh: "银行管理员",
    nameEn: "Bank administrator",
    permissions: [
      "read:institution:institution",
      "read:user:institution",
      "create:user:institution",
      "manage:product:institution",
      "read:need-inbox:institution",
      "read:credit-report:authorised",
      "decide:application:institution",
      "manage:loan:institution",
      "file:claim:institution",
      "manage:api-key:institution",
      "read:product:listed",
    ],
  },
  {
    key: "loan_officer",
    nameZh: "客户经理",
    nameEn: "Loan officer",
    permissions: [
      "read:institution:institution",
      "read:user:institution",
      "read:need-inbox:institution",
      "read:credit-report:authorised",
      "decide:application:institution",
      "manage:loan:institution",
      "read:product:listed",
    ],
  },
  {
    key: "finance_office",
    nameZh: "金融办",
    nameEn: "Finance office",
    permissions: [
      "read:institution:any",
      "create:institution:any",
      "read:user:any",
      "create:user:any",
      "read:enterprise:any",
      "import:credit-signal:any",
      "review:product:any",
      "manage:fund:any",
      "decide:claim:any",
      "handle:objection:any",
      "read:monitoring:any",
      "manage:calendar:any",
      "manage:api-key:institution",
      "read:audit-log:any",
      "read:product:listed",
    ],
  },
  {
    key: "regulator",
    nameZh: "监管审计",
    nameEn: "Regulator",
    permissions: [
      "read:audit-log:any",
      "verify:audit-log:any",
      "read:ledger:any",
      "read:data-access-log:any",
      "read:monitoring:any",
      "read:institution:any",
      "read:product:listed",
    ],
  },
  {
    key: "platform_admin",
    nameZh: "平台管理员",
    nameEn: "Platform administrator",
    permissions: [
      "read:institution:any",
      "create:institution:any",
      "read:user:any",
      "create:user:any",
      "read:system-health:any",
      "manage:role:any",
      "read:audit-log:any",
      "verify:audit-log:any",
      "read:product:listed",
    ],
  },
];

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

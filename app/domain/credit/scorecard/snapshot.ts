import { z } from "zod";

/**
 * The input of one credit evaluation: every fact the scorecard may look at, as
 * it stood on `asOf`. It is stored with the evaluation (and hashed) so the
 * evaluation can be replayed; anything not in it cannot influence the score.
 */

export const TAX_GRADES = ["A", "B", "M", "C", "D"] as const; // best → worst
export const PENALTY_SEVERITIES = ["MINOR", "GENERAL", "SEVERE"] as const;
export const RED_LIST_TYPES = ["A_TAXPAYER", "CUSTOMS_AEO", "HONOUR"] as const;
export const COMMITMENT_STATUSES = ["KEPT", "BROKEN", "PENDING"] as const;
export const UTILITY_TYPES = ["ELECTRICITY", "WATER", "GAS"] as const;
export const ENTERPRISE_SIZES = ["MICRO", "SMALL", "MEDIUM", "LARGE"] as const;

export type TaxGrade = "A" | "B" | "M" | "C" | "D"; // 纳税信用等级, best→worst is A,B,M,C,D
export type PenaltySeverity = "MINOR" | "GENERAL" | "SEVERE"; // 轻微 / 一般 / 严重
export type RedListType = "A_TAXPAYER" | "CUSTOMS_AEO" | "HONOUR";
export type CommitmentStatus = "KEPT" | "BROKEN" | "PENDING";
export type UtilityType = "ELECTRICITY" | "WATER" | "GAS";
export type EvaluationSnapshot = {
  asOf: string; // YYYY-MM-DD: the evaluation date; all time windows are relative to it
  enterprise: { foundedOn: string /* YYYY-MM-DD */; size: "MICRO" | "SMALL" | "MEDIUM" | "LARGE" };
  taxGrades: { year: string /* YYYY */; grade: TaxGrade }[];
  taxPaid: { period: string /* YYYY-MM */; amountFen: string /* integer 分 as decimal string */ }[];
  invoicedSales: { period: string; amountFen: string }[];
  socialInsurance: { period: string; headcount: number; arrearsFen: string }[];
  providentFund: { period: string; headcount: number; amountFen: string }[];
  utility: { period: string; utility: UtilityType; billsDue: number; billsOnTime: number }[];
  dishonest: { caseNo: string; startsOn: string; endsOn: string | null }[]; // 失信被执行人; active when startsOn <= asOf and (endsOn null or endsOn > asOf)
  penalties: { decisionNo: string; decidedOn: string; severity: PenaltySeverity; repaired: boolean }[];
  redList: { listType: RedListType; reference: string; startsOn: string; endsOn: string | null }[];
  commitments: { reference: string; madeOn: string; status: CommitmentStatus }[];
};

/** Bounds on every list, so one snapshot can never make an evaluation unbounded. */
export const SNAPSHOT_LIMITS = {
  taxGrades: 50,
  monthlyRecords: 600, // 50 years of months
  utilityRecords: 1800, // 50 years × 3 utilities
  dishonest: 200,
  penalties: 500,
  redList: 100,
  commitments: 500,
  headcount: 10_000_000,
  billsPerMonth: 10_000,
} as const;

export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.getUTCFullYear() === Number(match[1]) && date.toISOString().slice(0, 10) === text;
}

const date = z.string().refine(isCalendarDate, { error: "invalidDate" });
const period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: "invalidPeriod" });
const year = z.string().regex(/^\d{4}$/, { error: "invalidYear" });
// Non-negative integer 分; 18 digits is far beyond any enterprise's monthly figure.
const fen = z.string().regex(/^(0|[1-9]\d{0,17})$/, { error: "invalidMoney" });
// No trimming or other transforms anywhere: parsing a stored snapshot must give
// back exactly what was hashed, or replay could not verify it.
const reference = z.string().min(1).max(200);
const headcount = z.number().int().min(0).max(SNAPSHOT_LIMITS.headcount);

function uniqueBy<T>(key: (item: T) => string, message: string) {
  return (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const k = key(item);
      if (seen.has(k)) ctx.addIssue({ code: "custom", message, path: [index] });
      seen.add(k);
    });
  };
}

const endsNotBeforeStart = (entry: { startsOn: string; endsOn: string | null }) =>
  entry.endsOn === null || entry.endsOn >= entry.startsOn;

/**
 * Monthly series may hold several records for one month (for example one per
 * tax type); the evaluator sums money and counts a month once. Referenced
 * entries (cases, decisions, list entries, commitments) are unique.
 */
export const EvaluationSnapshotSchema = z.strictObject({
  asOf: date,
  enterprise: z.strictObject({ foundedOn: date, size: z.enum(ENTERPRISE_SIZES) }),
  taxGrades: z.array(z.strictObject({ year, grade: z.enum(TAX_GRADES) })).max(SNAPSHOT_LIMITS.taxGrades),
  taxPaid: z.array(z.strictObject({ period, amountFen: fen })).max(SNAPSHOT_LIMITS.monthlyRecords),
  invoicedSales: z.array(z.strictObject({ period, amountFen: fen })).max(SNAPSHOT_LIMITS.monthlyRecords),
  socialInsurance: z.array(z.strictObject({ period, headcount, arrearsFen: fen })).max(SNAPSHOT_LIMITS.monthlyRecords),
  providentFund: z.array(z.strictObject({ period, headcount, amountFen: fen })).max(SNAPSHOT_LIMITS.monthlyRecords),
  utility: z
    .array(
      z
        .strictObject({
          period,
          utility: z.enum(UTILITY_TYPES),
          billsDue: z.number().int().min(0).max(SNAPSHOT_LIMITS.billsPerMonth),
          billsOnTime: z.number().int().min(0).max(SNAPSHOT_LIMITS.billsPerMonth),
        })
        .refine((r) => r.billsOnTime <= r.billsDue, { error: "onTimeExceedsDue", path: ["billsOnTime"] }),
    )
    .max(SNAPSHOT_LIMITS.utilityRecords),
  dishonest: z
    .array(
      z
        .strictObject({ caseNo: reference, startsOn: date, endsOn: date.nullable() })
        .refine(endsNotBeforeStart, { error: "endsBeforeStart", path: ["endsOn"] }),
    )
    .max(SNAPSHOT_LIMITS.dishonest)
    .superRefine(uniqueBy((r) => r.caseNo, "duplicateReference")),
  penalties: z
    .array(
      z.strictObject({
        decisionNo: reference,
        decidedOn: date,
        severity: z.enum(PENALTY_SEVERITIES),
        repaired: z.boolean(),
      }),
    )
    .max(SNAPSHOT_LIMITS.penalties)
    .superRefine(uniqueBy((r) => r.decisionNo, "duplicateReference")),
  redList: z
    .array(
      z
        .strictObject({ listType: z.enum(RED_LIST_TYPES), reference, startsOn: date, endsOn: date.nullable() })
        .refine(endsNotBeforeStart, { error: "endsBeforeStart", path: ["endsOn"] }),
    )
    .max(SNAPSHOT_LIMITS.redList)
    .superRefine(uniqueBy((r) => `${r.listType}/${r.reference}`, "duplicateReference")),
  commitments: z
    .array(z.strictObject({ reference, madeOn: date, status: z.enum(COMMITMENT_STATUSES) }))
    .max(SNAPSHOT_LIMITS.commitments)
    .superRefine(uniqueBy((r) => r.reference, "duplicateReference")),
});

// The hand-written type above is the contract; this keeps the schema honest to it.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Same<z.infer<typeof EvaluationSnapshotSchema>, EvaluationSnapshot> = true;
void schemaMatchesType;

/** The columns that state what a credit fact says: read by the evaluator, the profile and the objection pages alike. */
export const SIGNAL_VALUE_SELECT = {
  kind: true,
  naturalKey: true,
  period: true,
  grade: true,
  amountFen: true,
  count: true,
  ratioBps: true,
  severity: true,
  startsOn: true,
  endsOn: true,
  kept: true,
  repaired: true,
  details: true,
} as const;

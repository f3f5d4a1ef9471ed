import { z } from "zod";

/**
 * The matching score's parameters: weights and curves are data in a reviewed,
 * versioned JSON file (models/matching-<version>.json), registered with their
 * hash like the scorecard (ADR 0013), so a ranking can always say which
 * parameters produced it and changing them is a reviewed data change.
 *
 * Every component is 0–1000 points; the score is their weighted sum, weights
 * in basis points summing to 10,000, so the score is 0–1000 as well.
 */

const points = z.number().int().min(0).max(1000);
const bps = z.number().int().min(0).max(10_000);
const minutes = z.number().int().min(1).max(60 * 24 * 365);
const text = z.string().min(1).max(200);

export const MatchingParamsSchema = z
  .strictObject({
    version: z.string().regex(/^\d{4}\.\d{2}(\.\d+)?$/),
    title: z.strictObject({ "zh-CN": text, en: text }),
    weightsBps: z.strictObject({ approval: bps, cost: bps, coverage: bps, response: bps }),
    approval: z.strictObject({
      /** Points at the product's lowest acceptable credit score (an eligible pair never scores below). */
      floorPoints: points,
      /** Score points above the product's threshold at which approval counts as certain (1000). */
      fullMarginScore: z.number().int().min(1).max(1000),
      /** An enterprise not yet evaluated, for a product that asks no grade. */
      unscoredPoints: points,
      /** The fund shares the bank's loss on enrolled products, so the bank approves more readily. */
      fundEnrolledBonusPoints: points,
    }),
    cost: z.strictObject({
      /** An expected rate this far below the SME's ceiling earns 1000; at the ceiling 500; this far above, 0. */
      fullSavingBps: z.number().int().min(1).max(2_400),
    }),
    coverage: z.strictObject({
      /** Up to this share of the product's limit, the amount is comfortably covered (1000). */
      comfortableShareBps: bps.max(9_999),
      /** Points when the amount is the product's whole limit. */
      atLimitPoints: points,
    }),
    response: z.strictObject({
      /** Applications answered or overdue in this many trailing days make up the record. */
      windowDays: z.number().int().min(30).max(730),
      /** A bank with few decisions is pulled towards this on-time share, as if it had `priorWeight` more. */
      priorOnTimeBps: bps,
      priorWeight: z.number().int().min(0).max(1_000),
      /** A median answer within this time earns full speed points; at `slowMinutes` or later, none. */
      fastMinutes: minutes,
      slowMinutes: minutes,
      unknownSpeedPoints: points,
      /** How much of the response points the on-time share carries; speed carries the rest. */
      onTimeWeightBps: bps,
    }),
    limits: z.strictObject({
      /** How many of a need's best products are kept and shown (every bank's best is kept as well). */
      recommendations: z.number().int().min(1).max(100),
    }),
  })
  .superRefine((p, ctx) => {
    const sum = p.weightsBps.approval + p.weightsBps.cost + p.weightsBps.coverage + p.weightsBps.response;
    if (sum !== 10_000) ctx.addIssue({ code: "custom", path: ["weightsBps"], message: `weights must sum to 10000, not ${sum}` });
    if (p.response.slowMinutes <= p.response.fastMinutes) {
      ctx.addIssue({ code: "custom", path: ["response", "slowMinutes"], message: "slowMinutes must exceed fastMinutes" });
    }
  });

export type MatchingParams = z.infer<typeof MatchingParamsSchema>;

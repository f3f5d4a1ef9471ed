import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, periodBefore, snapshotArb } from "./arbitraries";
import {
  type Evaluation,
  type Reason,
  evaluate,
  explainReason,
  fullYearsBetween,
  gradeAtLeast,
  gradeForScore,
  gradeRank,
  monthsBefore,
} from "./evaluate";
import { canonicalJson } from "~/domain/audit/append-audit.server";
import { scorecardParamsSha256, snapshotSha256 } from "./hash.server";
import { ACTIVE_SCORECARD_VERSION, SCORECARD_MODELS } from "./models";
import raw from "./models/scorecard-2026.11.json";
import {
  CREDIT_GRADES,
  SCORECARD_LOCALES,
  SCORE_MAX,
  SCORE_MIN,
  ScorecardParamsSchema,
  isNoDataCode,
  reasonCatalogue,
  templatePlaceholders,
} from "./params";
import { type EvaluationSnapshot, EvaluationSnapshotSchema, PENALTY_SEVERITIES, TAX_GRADES } from "./snapshot";

const params = SCORECARD_MODELS[ACTIVE_SCORECARD_VERSION]!;
const catalogue = reasonCatalogue(params);
const RUNS = { numRuns: 300 };

const score = (s: EvaluationSnapshot) => evaluate(s, params).score;
const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;

/** 12 whole months before asOf's month, oldest first. */
const last12 = (asOf: string, offset = 0) => Array.from({ length: 12 }, (_, i) => periodBefore(asOf, 12 + offset - i));

function emptySnapshot(asOf: string, foundedOn: string): EvaluationSnapshot {
  return {
    asOf,
    enterprise: { foundedOn, size: "SMALL" },
    taxGrades: [],
    taxPaid: [],
    invoicedSales: [],
    socialInsurance: [],
    providentFund: [],
    utility: [],
    dishonest: [],
    penalties: [],
    redList: [],
    commitments: [],
  };
}

const codes = (e: Evaluation) => e.reasons.map((r) => [r.code, r.points]);

describe("the 2026.11 model", () => {
  it("parses, is the active version, and is frozen", () => {
    expect(ACTIVE_SCORECARD_VERSION).toBe("2026.11");
    expect(params.version).toBe("2026.11");
    expect(ScorecardParamsSchema.parse(raw)).toEqual(params);
    // A released version is never edited (ADR 0008): scoring changes need a new file.
    expect(scorecardParamsSha256(params)).toBe(FROZEN_2026_11_SHA256);
  });

  it("has grade thresholds falling from A+ to D, D starting at 0", () => {
    expect(params.grades.map((g) => g.grade)).toEqual([...CREDIT_GRADES]);
    expect(params.grades.at(-1)!.minScore).toBe(0);
  });
});

describe("worked examples", () => {
  it("a steady small manufacturer scores 690, B+", () => {
    const asOf = "2026-11-15";
    const s: EvaluationSnapshot = {
      ...emptySnapshot(asOf, "2019-06-01"),
      taxGrades: [
        { year: "2025", grade: "B" },
        { year: "2024", grade: "A" },
      ],
      taxPaid: last12(asOf).map((period) => ({ period, amountFen: "1000000" })), // 1 万元 a month
      invoicedSales: [
        ...last12(asOf, 12).map((period) => ({ period, amountFen: "40000000" })), // 40 万元 a month the year before
        ...last12(asOf).map((period) => ({ period, amountFen: "50000000" })), // 50 万元 a month
      ],
      socialInsurance: last12(asOf).map((period) => ({ period, headcount: 18, arrearsFen: "0" })),
      providentFund: last12(asOf).map((period) => ({ period, headcount: 18, amountFen: "500000" })),
      utility: last12(asOf).map((period, i) => ({
        period,
        utility: "ELECTRICITY" as const,
        billsDue: 1,
        billsOnTime: i === 3 ? 0 : 1,
      })),
      penalties: [{ decisionNo: "京市监罚〔2026〕17号", decidedOn: "2026-03-01", severity: "MINOR", repaired: false }],
      commitments: [{ reference: "CM-2025-001", madeOn: "2025-01-01", status: "KEPT" }],
    };
    const e = evaluate(s, params);
    expect(e).toMatchObject({
      modelVersion: "2026.11",
      score: 690,
      grade: "B+",
      excluded: false,
      redListed: false,
      incentives: [],
    });
    expect(codes(e)).toEqual([
      ["TAX_GRADE_B", 60],
      ["YEARS_IN_OPERATION_MATURE", 40],
      ["PROVIDENT_FUND_CONTINUOUS", 25],
      ["INVOICED_SALES_MODERATE", 20],
      ["SALES_GROWTH_GROWING", 20],
      ["TAX_PAID_MODERATE", 20],
      ["SOCIAL_INSURANCE_HEADCOUNT_MEDIUM", 15],
      ["UTILITY_SOMETIMES_LATE", -15],
      ["PENALTIES_UNREPAIRED", -10],
      ["SOCIAL_INSURANCE_NO_ARREARS", 10],
      ["COMMITMENTS_KEPT", 5],
      ["DISHONEST_NONE", 0],
      ["RED_LIST_NONE", 0],
    ]);
    const text = (code: string, locale: "zh-CN" | "en") =>
      explainReason(
        e.reasons.find((r) => r.code === code)!,
        params,
        locale,
      );
    expect(text("TAX_GRADE_B", "zh-CN")).toBe("2025 年度纳税信用等级为 B 级，加 60 分");
    expect(text("TAX_PAID_MODERATE", "zh-CN")).toBe("近 12 个月纳税 120,000.00 元，加 20 分");
    expect(text("TAX_PAID_MODERATE", "en")).toBe(
      "You paid ¥120,000.00 in tax over the last 12 months, which adds 20 points.",
    );
    expect(text("UTILITY_SOMETIMES_LATE", "zh-CN")).toBe(
      "近 12 个月水电气账单 12 笔，按时缴纳 11 笔（91.66%），偶有逾期，扣 15 分",
    );
    expect(text("SALES_GROWTH_GROWING", "en")).toBe(
      "Invoiced sales over the last 12 months (¥6,000,000.00) grew 25.00% on the 12 months before (¥4,800,000.00), which adds 20 points.",
    );
  });

  it("a young micro enterprise with little data scores 450, C", () => {
    const asOf = "2026-11-15";
    const s: EvaluationSnapshot = {
      ...emptySnapshot(asOf, "2026-03-01"),
      invoicedSales: last12(asOf)
        .slice(5)
        .map((period) => ({ period, amountFen: "6000000" })), // 6 万元 × 7 months
      socialInsurance: last12(asOf)
        .slice(5)
        .map((period) => ({ period, headcount: 3, arrearsFen: "0" })),
    };
    const e = evaluate(s, params);
    expect(e).toMatchObject({ score: 450, grade: "C", excluded: false });
    expect(codes(e)).toEqual([
      ["INVOICED_SALES_VERY_LOW", -30],
      ["YEARS_IN_OPERATION_NEW", -30],
      ["SOCIAL_INSURANCE_NO_ARREARS", 10],
      ["DISHONEST_NONE", 0],
      ["PENALTIES_NONE", 0],
      ["RED_LIST_NONE", 0],
      ["SOCIAL_INSURANCE_HEADCOUNT_SMALL", 0],
      ["COMMITMENTS_NO_DATA", 0],
      ["PROVIDENT_FUND_NO_DATA", 0],
      ["SALES_GROWTH_NO_DATA", 0],
      ["TAX_GRADE_NO_DATA", 0],
      ["TAX_PAID_NO_DATA", 0],
      ["UTILITY_NO_DATA", 0],
    ]);
    expect(
      explainReason(
        e.reasons.find((r) => r.code === "INVOICED_SALES_VERY_LOW")!,
        params,
        "zh-CN",
      ),
    ).toBe("近 12 个月开票销售额为 420,000.00 元，经营规模偏小，扣 30 分");
  });

  it("a strong, red-listed enterprise on the dishonest-debtor list is capped at 1000 yet graded D", () => {
    const asOf = "2026-11-15";
    const s: EvaluationSnapshot = {
      ...emptySnapshot(asOf, "2008-04-20"),
      taxGrades: [{ year: "2025", grade: "A" }],
      taxPaid: last12(asOf).map((period) => ({ period, amountFen: "50000000" })), // 50 万元 a month
      invoicedSales: [
        ...last12(asOf, 12).map((period) => ({ period, amountFen: "700000000" })),
        ...last12(asOf).map((period) => ({ period, amountFen: "1000000000" })), // 1,000 万元 a month, +42.85 %
      ],
      socialInsurance: last12(asOf).map((period) => ({ period, headcount: 260, arrearsFen: "0" })),
      providentFund: last12(asOf).map((period) => ({ period, headcount: 260, amountFen: "20000000" })),
      utility: last12(asOf).flatMap((period) => [
        { period, utility: "ELECTRICITY" as const, billsDue: 1, billsOnTime: 1 },
        { period, utility: "WATER" as const, billsDue: 1, billsOnTime: 1 },
      ]),
      dishonest: [{ caseNo: "(2026)苏0508执1234号", startsOn: "2026-09-01", endsOn: null }],
      redList: [
        { listType: "CUSTOMS_AEO", reference: "AEO-320500-0007", startsOn: "2024-01-01", endsOn: null },
        { listType: "A_TAXPAYER", reference: "ATP-2025-088", startsOn: "2026-05-01", endsOn: "2027-04-30" },
        { listType: "HONOUR", reference: "HON-2023-01", startsOn: "2023-01-01", endsOn: "2025-12-31" },
      ],
      commitments: [1, 2, 3].map((i) => ({ reference: `CM-${i}`, madeOn: `2025-0${i}-01`, status: "KEPT" as const })),
    };
    const e = evaluate(s, params);
    // 500 + 120 + 100 + 60 + 30 + 40 + 10 + 25 + 20 + 60 + 30 + 30 + 15 = 1040, clamped to 1000.
    expect(e).toMatchObject({
      score: 1000,
      grade: "D",
      excluded: true,
      redListed: true,
      incentives: ["A_TAXPAYER", "CUSTOMS_AEO"],
    });
    expect(e.exclusions).toEqual([
      {
        code: "EXCLUDED_ACTIVE_DISHONEST",
        points: 0,
        params: { caseNo: "(2026)苏0508执1234号", startsOn: "2026-09-01" },
      },
    ]);
    expect(e.reasons.reduce((sum, r) => sum + r.points, params.baseScore)).toBe(1040);
    expect(explainReason(e.exclusions[0]!, params, "zh-CN")).toBe(
      "企业目前被列为失信被执行人（案号 (2026)苏0508执1234号，自 2026-09-01 起）。根据失信联合惩戒规定，暂不能通过本平台申请融资；履行完毕并移出名单后可重新评估",
    );
  });
});

describe("caps", () => {
  it("deductions and additions stop at their caps", () => {
    const asOf = "2026-11-15";
    const s: EvaluationSnapshot = {
      ...emptySnapshot(asOf, "2015-01-01"),
      penalties: [
        ...[1, 2, 3].map((i) => ({
          decisionNo: `G-${i}`,
          decidedOn: "2026-01-0" + i,
          severity: "GENERAL" as const,
          repaired: false,
        })),
        ...[1, 2, 3, 4, 5].map((i) => ({
          decisionNo: `M-${i}`,
          decidedOn: "2026-06-0" + i,
          severity: "MINOR" as const,
          repaired: false,
        })),
        { decisionNo: "M-old", decidedOn: "2025-11-15", severity: "MINOR", repaired: false }, // just outside its 12 months
      ],
      dishonest: [1, 2, 3].map((i) => ({ caseNo: `D-${i}`, startsOn: "2022-01-01", endsOn: `2023-0${i}-01` })),
      commitments: [
        ...Array.from({ length: 10 }, (_, i) => ({
          reference: `K-${i}`,
          madeOn: "2025-06-01",
          status: "KEPT" as const,
        })),
        ...Array.from({ length: 5 }, (_, i) => ({
          reference: `B-${i}`,
          madeOn: "2025-06-01",
          status: "BROKEN" as const,
        })),
        { reference: "P-1", madeOn: "2025-06-01", status: "PENDING" },
      ],
    };
    const e = evaluate(s, params);
    const byCode = Object.fromEntries(e.reasons.map((r) => [r.code, r]));
    // 3 × −40 + 5 × −10 = −170, capped at −150; 3 × −60 = −180, capped at −120; 10 × 5 capped at 20; 5 × −30 capped at −90.
    expect(byCode.PENALTIES_UNREPAIRED).toEqual({
      code: "PENALTIES_UNREPAIRED",
      points: -150,
      params: { minorCount: 5, generalCount: 3, severeCount: 0 },
    });
    expect(byCode.DISHONEST_ENDED).toEqual({
      code: "DISHONEST_ENDED",
      points: -120,
      params: { count: 3, lookbackMonths: 60 },
    });
    expect(byCode.COMMITMENTS_KEPT?.points).toBe(20);
    expect(byCode.COMMITMENTS_BROKEN).toEqual({
      code: "COMMITMENTS_BROKEN",
      points: -90,
      params: { count: 5, lookbackMonths: 36 },
    });
    // 500 − 150 − 120 − 90 + 20 + 60 (11 years in operation)
    expect(e).toMatchObject({ score: 220, grade: "D", excluded: false });
  });
});

describe("monotonicity", () => {
  it("a better tax grade never lowers the score", () => {
    fc.assert(
      fc.property(snapshotArb(), fc.integer({ min: -1, max: 4 }), fc.nat(4), fc.nat(4), (s, yearsAgo, a, b) => {
        const year = String(Number(s.asOf.slice(0, 4)) - yearsAgo);
        const [better, worse] = a <= b ? [TAX_GRADES[a]!, TAX_GRADES[b]!] : [TAX_GRADES[b]!, TAX_GRADES[a]!];
        const others = s.taxGrades.filter((g) => g.year !== year);
        const withGrade = (grade: (typeof TAX_GRADES)[number]) => ({ ...s, taxGrades: [...others, { year, grade }] });
        expect(score(withGrade(better))).toBeGreaterThanOrEqual(score(withGrade(worse)));
      }),
      RUNS,
    );
  });

  it("a new unrepaired penalty never raises the score or the grade", () => {
    fc.assert(
      fc.property(
        snapshotArb(),
        fc.integer({ min: -30, max: 1500 }),
        fc.constantFrom(...PENALTY_SEVERITIES),
        (s, ago, severity) => {
          const after = {
            ...s,
            penalties: [
              ...s.penalties,
              { decisionNo: "NEW-1", decidedOn: addDays(s.asOf, -ago), severity, repaired: false },
            ],
          };
          const [e0, e1] = [evaluate(s, params), evaluate(after, params)];
          expect(e1.score).toBeLessThanOrEqual(e0.score);
          expect(gradeRank(e1.grade)).toBeGreaterThanOrEqual(gradeRank(e0.grade));
        },
      ),
      RUNS,
    );
  });

  it("more utility bills paid on time (same bills due) never lowers the score", () => {
    fc.assert(
      fc.property(snapshotArb(), fc.nat(), fc.nat(), (s, which, extra) => {
        fc.pre(s.utility.length > 0);
        const i = which % s.utility.length;
        const record = s.utility[i]!;
        fc.pre(record.billsOnTime < record.billsDue);
        const billsOnTime = record.billsOnTime + 1 + (extra % (record.billsDue - record.billsOnTime));
        const after = { ...s, utility: s.utility.map((u, j) => (j === i ? { ...u, billsOnTime } : u)) };
        expect(score(after)).toBeGreaterThanOrEqual(score(s));
      }),
      RUNS,
    );
  });

  it("marking a penalty repaired never lowers the score or the grade", () => {
    fc.assert(
      fc.property(snapshotArb(), fc.nat(), (s, which) => {
        fc.pre(s.penalties.length > 0);
        const i = which % s.penalties.length;
        const after = { ...s, penalties: s.penalties.map((p, j) => (j === i ? { ...p, repaired: true } : p)) };
        const [e0, e1] = [evaluate(s, params), evaluate(after, params)];
        expect(e1.score).toBeGreaterThanOrEqual(e0.score);
        expect(gradeRank(e1.grade)).toBeLessThanOrEqual(gradeRank(e0.grade));
      }),
      RUNS,
    );
  });

  it("a repaired penalty counts as if it were absent (信用修复)", () => {
    fc.assert(
      fc.property(
        snapshotArb(),
        fc.integer({ min: -30, max: 1500 }),
        fc.constantFrom(...PENALTY_SEVERITIES),
        (s, ago, severity) => {
          const repaired = { decisionNo: "REPAIRED-1", decidedOn: addDays(s.asOf, -ago), severity, repaired: true };
          expect(evaluate({ ...s, penalties: [...s.penalties, repaired] }, params)).toEqual(evaluate(s, params));
        },
      ),
      RUNS,
    );
  });

  it("a broken commitment never raises the score", () => {
    fc.assert(
      fc.property(snapshotArb(), fc.integer({ min: -30, max: 1500 }), (s, ago) => {
        const after = {
          ...s,
          commitments: [
            ...s.commitments,
            { reference: "NEW-1", madeOn: addDays(s.asOf, -ago), status: "BROKEN" as const },
          ],
        };
        expect(score(after)).toBeLessThanOrEqual(score(s));
      }),
      RUNS,
    );
  });
});

describe("exclusions (失信联合惩戒)", () => {
  it("an active dishonest-debtor entry always excludes with grade D, keeping the score and reasons", () => {
    fc.assert(
      fc.property(
        snapshotArb(),
        fc.nat(3000),
        fc.option(fc.integer({ min: 1, max: 2000 }), { nil: null }),
        (s, startsAgo, endsIn) => {
          const entry = {
            caseNo: "ACTIVE-1",
            startsOn: addDays(s.asOf, -startsAgo),
            endsOn: endsIn === null ? null : addDays(s.asOf, endsIn),
          };
          const [before, after] = [evaluate(s, params), evaluate({ ...s, dishonest: [...s.dishonest, entry] }, params)];
          expect(after.excluded).toBe(true);
          expect(after.grade).toBe("D");
          expect(after.exclusions).toContainEqual({
            code: "EXCLUDED_ACTIVE_DISHONEST",
            points: 0,
            params: { caseNo: "ACTIVE-1", startsOn: entry.startsOn },
          });
          expect(after.score).toBe(before.score);
          expect(after.reasons).toEqual(before.reasons);
        },
      ),
      RUNS,
    );
  });

  it("an unrepaired SEVERE penalty within its window excludes; repaired, it does not", () => {
    fc.assert(
      fc.property(snapshotArb({ clean: true }), fc.nat(1000), (s, ago) => {
        const penalty = {
          decisionNo: "SEVERE-1",
          decidedOn: addDays(s.asOf, -ago),
          severity: "SEVERE" as const,
          repaired: false,
        };
        const e = evaluate({ ...s, penalties: [...s.penalties, penalty] }, params);
        expect(e).toMatchObject({ excluded: true, grade: "D" });
        expect(e.exclusions.map((r) => r.code)).toEqual(["EXCLUDED_SEVERE_PENALTY"]);
        expect(evaluate({ ...s, penalties: [...s.penalties, { ...penalty, repaired: true }] }, params).excluded).toBe(
          false,
        );
      }),
      RUNS,
    );
  });

  it("an ended dishonest-debtor entry does not exclude, and counts against the score within the look-back", () => {
    fc.assert(
      fc.property(snapshotArb({ clean: true }), fc.nat(3000), fc.nat(3000), (s, endedAgo, lasted) => {
        const endsOn = addDays(s.asOf, -endedAgo);
        const entry = { caseNo: "ENDED-1", startsOn: addDays(endsOn, -lasted), endsOn };
        const e = evaluate({ ...s, dishonest: [entry] }, params);
        expect(e.excluded).toBe(false);
        expect(e.exclusions).toEqual([]);
        expect(e.grade).toBe(gradeForScore(e.score, params));
        const withinLookback = endsOn > monthsBefore(s.asOf, params.factors.dishonestEnded.lookbackMonths);
        expect(e.reasons.some((r) => r.code === "DISHONEST_ENDED")).toBe(withinLookback);
      }),
      RUNS,
    );
  });

  it("an entry ending on asOf has ended; one starting after asOf is not yet active", () => {
    const base = emptySnapshot("2026-11-15", "2015-01-01");
    expect(
      evaluate({ ...base, dishonest: [{ caseNo: "A", startsOn: "2025-01-01", endsOn: "2026-11-15" }] }, params)
        .excluded,
    ).toBe(false);
    expect(
      evaluate({ ...base, dishonest: [{ caseNo: "A", startsOn: "2025-01-01", endsOn: "2026-11-16" }] }, params)
        .excluded,
    ).toBe(true);
    expect(
      evaluate({ ...base, dishonest: [{ caseNo: "A", startsOn: "2026-11-16", endsOn: null }] }, params).excluded,
    ).toBe(false);
  });
});

describe("determinism and replay", () => {
  it("the same snapshot, a JSON round-trip of it, or its lists in another order give deep-equal results", () => {
    fc.assert(
      fc.property(snapshotArb(), (s) => {
        const first = evaluate(s, params);
        expect(evaluate(s, params)).toEqual(first);
        const stored = JSON.parse(JSON.stringify(s)) as unknown;
        expect(evaluate(EvaluationSnapshotSchema.parse(stored), params)).toEqual(first);
        const reversed = Object.fromEntries(
          Object.entries(s).map(([k, v]) => [k, Array.isArray(v) ? [...v].reverse() : v]),
        ) as EvaluationSnapshot;
        expect(evaluate(reversed, params)).toEqual(first);
      }),
      RUNS,
    );
  });

  it("every generated snapshot is valid, and parsing gives back exactly what was hashed", () => {
    fc.assert(
      fc.property(snapshotArb(), (s) => {
        const parsed = EvaluationSnapshotSchema.parse(JSON.parse(JSON.stringify(s)));
        expect(parsed).toEqual(s);
        expect(snapshotSha256(parsed)).toBe(snapshotSha256(s));
      }),
      RUNS,
    );
  });

  it("hashes canonical JSON: key order does not matter, values do", () => {
    expect(canonicalJson({ b: [2, { d: 1, c: null }], a: "x" })).toBe('{"a":"x","b":[2,{"c":null,"d":1}]}');
    const s = emptySnapshot("2026-11-15", "2020-01-01");
    const reordered = Object.fromEntries(Object.entries(s).reverse()) as EvaluationSnapshot;
    expect(snapshotSha256(reordered)).toBe(snapshotSha256(s));
    expect(snapshotSha256(s)).toMatch(/^[0-9a-f]{64}$/);
    expect(snapshotSha256({ ...s, asOf: "2026-11-16" })).not.toBe(snapshotSha256(s));
  });
});

describe("score, grade and reasons", () => {
  it("score is an integer within 0..1000, the grade follows the thresholds, exclusions force D", () => {
    fc.assert(
      fc.property(snapshotArb(), (s) => {
        const e = evaluate(s, params);
        expect(Number.isInteger(e.score)).toBe(true);
        const raw = e.reasons.reduce((sum, r) => sum + r.points, params.baseScore);
        expect(e.score).toBe(Math.min(SCORE_MAX, Math.max(SCORE_MIN, raw)));
        expect(e.excluded).toBe(e.exclusions.length > 0);
        if (e.excluded) {
          expect(e.grade).toBe("D");
        } else {
          const g = params.grades[gradeRank(e.grade)]!;
          expect(e.score).toBeGreaterThanOrEqual(g.minScore);
          const better = params.grades[gradeRank(e.grade) - 1];
          if (better) expect(e.score).toBeLessThan(better.minScore);
        }
        expect(e.redListed).toBe(e.incentives.length > 0);
        expect(e.incentives).toEqual([...new Set(e.incentives)].sort());
      }),
      RUNS,
    );
  });

  it("reasons are ranked by |points| then code, with 0-point no-data reasons last", () => {
    fc.assert(
      fc.property(snapshotArb(), (s) => {
        const { reasons } = evaluate(s, params);
        const firstNoData = reasons.findIndex((r) => isNoDataCode(r.code));
        if (firstNoData >= 0)
          expect(reasons.slice(firstNoData).every((r) => isNoDataCode(r.code) && r.points === 0)).toBe(true);
        const ranked = firstNoData >= 0 ? reasons.slice(0, firstNoData) : reasons;
        for (const list of [ranked, firstNoData >= 0 ? reasons.slice(firstNoData) : []]) {
          for (let i = 1; i < list.length; i++) {
            const [a, b] = [list[i - 1]!, list[i]!];
            expect(
              Math.abs(a.points) > Math.abs(b.points) || (Math.abs(a.points) === Math.abs(b.points) && a.code < b.code),
            ).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });
});

describe("explanations", () => {
  const explained = (r: Reason) => SCORECARD_LOCALES.map((locale) => explainReason(r, params, locale));

  it("every reason code the model can emit has both templates, naming only parameters it is given", () => {
    expect(catalogue.size).toBeGreaterThan(40);
    for (const [code, entry] of catalogue) {
      for (const locale of SCORECARD_LOCALES) {
        const text = params.reasons[code]?.[locale] ?? "";
        expect(text.trim(), `${code} ${locale}`).not.toBe("");
        for (const name of templatePlaceholders(text))
          expect(["points", ...entry.params], `${code} ${locale}`).toContain(name);
      }
    }
    expect(Object.keys(params.reasons).sort()).toEqual([...catalogue.keys()].sort());
  });

  it("every emitted reason carries exactly its code's parameters and the sign its wording says", () => {
    fc.assert(
      fc.property(snapshotArb(), (s) => {
        const e = evaluate(s, params);
        for (const r of [...e.reasons, ...e.exclusions]) {
          const entry = catalogue.get(r.code);
          expect(entry, r.code).toBeDefined();
          expect(Object.keys(r.params).sort()).toEqual([...entry!.params].sort());
          expect(Math.sign(r.points)).toBe(entry!.sign);
          for (const text of explained(r)) expect(text).not.toMatch(/\{\{|\}\}|undefined|NaN/);
        }
      }),
      RUNS,
    );
  });

  it("says 加/adds for positive points, 扣/deducts for negative, and no points at zero", () => {
    for (const [code, entry] of catalogue) {
      const { "zh-CN": zh, en } = params.reasons[code]!;
      if (entry.sign > 0) {
        expect(zh, code).toContain("加 {{points}} 分");
        expect(en, code).toMatch(/adds \{\{points\}\} points/);
      } else if (entry.sign < 0) {
        expect(zh, code).toContain("扣 {{points}} 分");
        expect(en, code).toMatch(/deducts? \{\{points\}\} points/);
      } else {
        expect(zh + en, code).not.toContain("{{points}}");
      }
    }
  });

  it("arbitrary snapshots reach every reason code", () => {
    const seen = new Set<string>();
    for (const s of fc.sample(snapshotArb(), { numRuns: 3000, seed: 20261101 })) {
      const e = evaluate(s, params);
      for (const r of [...e.reasons, ...e.exclusions]) seen.add(r.code);
    }
    expect([...catalogue.keys()].filter((code) => !seen.has(code))).toEqual([]);
  });

  it("formats 分 as yuan and basis points as percent", () => {
    const reason: Reason = {
      code: "UTILITY_SOMETIMES_LATE",
      points: -15,
      params: { onTimeBps: 9500, billsOnTime: 1234, billsDue: 1299, windowMonths: 12 },
    };
    expect(explainReason(reason, params, "en")).toBe(
      "Of 1,299 utility bills in the last 12 months, 1,234 were paid on time (95.00%); occasional late payment deducts 15 points.",
    );
    const paid: Reason = { code: "TAX_PAID_HIGH", points: 70, params: { taxPaidFen: "123400", windowMonths: 12 } };
    expect(explainReason(paid, params, "zh-CN")).toBe("近 12 个月纳税 1,234.00 元，纳税贡献较大，加 70 分");
    expect(explainReason(paid, params, "en")).toContain("¥1,234.00");
    expect(() => explainReason({ code: "NO_SUCH_CODE", points: 0, params: {} }, params, "en")).toThrow();
    expect(() => explainReason({ ...paid, params: { windowMonths: 12 } }, params, "en")).toThrow(/taxPaidFen/);
  });
});

describe("grades and dates", () => {
  it("ranks grades best first", () => {
    expect(CREDIT_GRADES.map(gradeRank)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(gradeAtLeast("A-", "B+")).toBe(true);
    expect(gradeAtLeast("B+", "B+")).toBe(true);
    expect(gradeAtLeast("B", "B+")).toBe(false);
    expect(gradeAtLeast("D", "C-")).toBe(false);
  });

  it("counts windows in calendar months and whole years", () => {
    expect(monthsBefore("2026-03-31", 1)).toBe("2026-02-28");
    expect(monthsBefore("2024-03-31", 1)).toBe("2024-02-29");
    expect(monthsBefore("2026-11-15", 60)).toBe("2021-11-15");
    expect(monthsBefore("2026-01-10", 13)).toBe("2024-12-10");
    expect(fullYearsBetween("2016-11-16", "2026-11-15")).toBe(9);
    expect(fullYearsBetween("2016-11-15", "2026-11-15")).toBe(10);
    expect(fullYearsBetween("2027-01-01", "2026-11-15")).toBe(0);
  });

  it("reads monthly series over whole months before asOf's month", () => {
    const base = emptySnapshot("2026-11-15", "2015-01-01");
    const withTax = (periods: string[]) =>
      evaluate({ ...base, taxPaid: periods.map((period) => ({ period, amountFen: "6000000" })) }, params);
    expect(withTax(["2026-11"]).reasons.map((r) => r.code)).toContain("TAX_PAID_NO_DATA"); // the current month is incomplete
    expect(withTax(["2025-10"]).reasons.map((r) => r.code)).toContain("TAX_PAID_NO_DATA"); // 13 months back
    expect(withTax(["2025-11"]).reasons.map((r) => r.code)).toContain("TAX_PAID_MODERATE");
    expect(withTax(["2026-10"]).reasons.map((r) => r.code)).toContain("TAX_PAID_MODERATE");
  });
});

describe("the parameter schema", () => {
  const variant = (change: (p: typeof raw) => void) => {
    const copy = structuredClone(raw);
    change(copy);
    return ScorecardParamsSchema.safeParse(copy);
  };

  it("rejects bins where a better value scores lower", () => {
    expect(variant((p) => void (p.factors.utility.onTimeBinsBps[3]!.points = -50)).success).toBe(false);
    expect(variant((p) => void (p.factors.socialInsurance.arrearsMonthBins[1]!.points = 20)).success).toBe(false);
    expect(variant((p) => void (p.factors.taxGrade.grades.C.points = 100)).success).toBe(false);
  });

  it("rejects bins that do not start at the lowest value or are out of order", () => {
    expect(variant((p) => void (p.factors.taxPaid.binsFen[0]!.from = "1")).success).toBe(false);
    expect(variant((p) => void (p.factors.yearsInOperation.yearBins[2]!.from = 1)).success).toBe(false);
  });

  it("rejects a penalty that adds points, or an incentive that deducts", () => {
    expect(variant((p) => void (p.factors.penalties.MINOR.pointsEach = 5)).success).toBe(false);
    expect(variant((p) => void (p.factors.redList.HONOUR = -5)).success).toBe(false);
  });

  it("rejects missing, unknown or mis-parameterised explanations", () => {
    expect(variant((p) => void delete (p.reasons as Record<string, unknown>).TAX_GRADE_A).success).toBe(false);
    expect(
      variant((p) => void ((p.reasons as Record<string, unknown>).UNUSED_CODE = { "zh-CN": "x", en: "x" })).success,
    ).toBe(false);
    expect(variant((p) => void (p.reasons.TAX_GRADE_A.en = "Grade {{grde}}")).success).toBe(false);
    expect(variant((p) => void (p.reasons.TAX_GRADE_A["zh-CN"] = "  ")).success).toBe(false);
  });

  it("rejects one reason code used for bins of different sign", () => {
    expect(variant((p) => void (p.factors.utility.onTimeBinsBps[0]!.code = "UTILITY_ALWAYS_ON_TIME")).success).toBe(
      false,
    );
  });

  it("rejects grade thresholds that do not fall, or a worst grade above 0", () => {
    expect(variant((p) => void (p.grades[3]!.minScore = 900)).success).toBe(false);
    expect(variant((p) => void (p.grades[9]!.minScore = 10)).success).toBe(false);
  });
});

const FROZEN_2026_11_SHA256 = "908cb8a5bd95fc1631a11c32361e18c61713ae06766d83aa76c3fe03a91cfc91";

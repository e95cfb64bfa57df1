// The model and scoring: weights are log2(m/u), agreeing on a common value counts less than on a rare one, the
// prior and probabilities are the logistic pair they should be, and a whole run on generated customers finds the
// known duplicates, the same way every time.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ComparingHelper,
  compileAll,
  type DedupeOutcome,
  dedupeTableInTurns,
  dedupeTable as runDedupe,
} from "../../src/stages/dedupe/index.js";
import { compileComparison, levelLabel } from "../../src/stages/dedupe/levels.js";
import {
  buildModel,
  type DedupeModel,
  PairScorer,
  priorWeight,
  probabilityOf,
  termCounts,
  tfAdjustment,
} from "../../src/stages/dedupe/model.js";
import { type ComparisonSpec, DEFAULT_COMPARISONS, DEFAULT_SETTINGS, type DedupeSettings } from "../../src/stages/dedupe/spec.js";
import type { LevelProbabilities } from "../../src/stages/dedupe/training.js";
import { comparisonVectors } from "../../src/stages/dedupe/vectors.js";
import { dedupeTable, GENERATED_CONTEXT, generatedCustomers, type PlainRecord } from "../helpers/dedupe-table.js";

const spec = (name: string): ComparisonSpec => DEFAULT_COMPARISONS.find((comparison) => comparison.name === name) as ComparisonSpec;
const FAMILY = spec("family_name");
const EMAIL = spec("email");

/** m and u for family_name (null, exact, swapped, JW .92, .88, .70, else) and email (null, exact, 1 edit, local, else). */
const M: LevelProbabilities = [
  [1, 0.8, 0.02, 0.08, 0.04, 0.03, 0.03],
  [1, 0.7, 0.1, 0.1, 0.1],
];
const U: LevelProbabilities = [
  [1, 0.01, 0.001, 0.004, 0.01, 0.075, 0.9],
  [1, 0.0001, 0.0005, 0.0004, 0.999],
];

/** 30 people: 10 Smiths, 2 Zolnays, the rest distinct; emails distinct except a shared one. */
function households(): PlainRecord[] {
  return Array.from({ length: 30 }, (_, k) => ({
    given_name: `Given${k}`,
    family_name: k < 10 ? "Smith" : k < 12 ? "Zolnay" : `Rare${k}name`,
    email: k < 2 ? "shared@example.com" : `person${k}@example.com`,
  }));
}

describe("buildModel", () => {
  const table = dedupeTable(households());
  const model = buildModel([FAMILY, EMAIL], table, { m: M, u: U, prior: 0.001 }, 99);

  it("weights are log2(m / u); the null level is 1, 1, weight 0", () => {
    model.comparisons.forEach((comparison, c) => {
      comparison.levels.forEach((level, index) => {
        if (index === 0) {
          expect(level).toMatchObject({ m: 1, u: 1, weight: 0 });
          return;
        }
        const m = (M[c] as number[])[index] as number;
        const u = (U[c] as number[])[index] as number;
        expect(level.m).toBe(m);
        expect(level.u).toBe(u);
        expect(level.weight).toBeCloseTo(Math.log2(m / u), 12);
      });
    });
    // Agreeing is evidence for, "else" against.
    expect(model.comparisons[0]?.levels[1]?.weight).toBeGreaterThan(0);
    expect(model.comparisons[0]?.levels.at(-1)?.weight).toBeLessThan(0);
  });

  it("labels are the spec's level labels; tf levels name the feature their frequencies come from", () => {
    expect(model.comparisons.map((comparison) => comparison.name)).toEqual(["family_name", "email"]);
    model.comparisons.forEach((comparison, c) => {
      const comparisonSpec = [FAMILY, EMAIL][c] as ComparisonSpec;
      expect(comparison.levels.map((level) => level.label)).toEqual(comparison.levels.map((_, index) => levelLabel(comparisonSpec, index)));
    });
    expect(model.comparisons[0]?.levels.map((level) => level.tf)).toEqual([
      undefined,
      "family",
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(model.comparisons[1]?.levels.map((level) => level.tf)).toEqual([undefined, "email", undefined, "email_local", undefined]);
  });

  it("keeps the frequencies of values more than one record holds, and the filled count", () => {
    const frequencies = (feature: "family" | "email" | "email_local") => {
      const tf = model.termFrequencies[feature];
      return tf && { filled: tf.filled, counts: Object.fromEntries(termCounts(tf)) };
    };
    expect(frequencies("family")).toEqual({ filled: 30, counts: { smith: 10, zolnay: 2 } });
    expect(frequencies("email")).toEqual({ filled: 30, counts: { "shared@example.com": 2 } });
    expect(frequencies("email_local")).toEqual({ filled: 30, counts: { shared: 2 } });
    // Stored as two parallel arrays, not an object keyed by value.
    expect(model.termFrequencies.family).toMatchObject({ values: expect.any(Array), counts: expect.any(Array) });
    expect(model).toMatchObject({ version: 1, prior: 0.001, records: 30, seed: 99, specs: [FAMILY, EMAIL] });
  });

  it("survives JSON (it is stored as text) unchanged", () => {
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });
});

describe("term-frequency adjustment", () => {
  const table = dedupeTable(households());
  const comparisons = [compileComparison(FAMILY, table)];
  const model = buildModel([FAMILY], table, { m: M.slice(0, 1), u: U.slice(0, 1), prior: 0.001 }, 1);
  const scorer = new PairScorer(model, comparisons);
  const weightOf = (i: number, j: number) => scorer.weight(Uint8Array.of(comparisons[0]?.level(i, j) as number), 0, i);
  /** Smith–Smith, Zolnay–Zolnay, Smith–Zolnay and two rare names weigh the same with `other` as with `scorer`. */
  const expectSameWeights = (other: PairScorer) => {
    for (const [i, j] of [
      [0, 1],
      [10, 11],
      [0, 10],
      [20, 21],
    ] as const) {
      const levels = Uint8Array.of(comparisons[0]?.level(i, j) as number);
      expect(other.weight(levels, 0, i)).toBe(scorer.weight(levels, 0, i));
    }
  };

  it("agreeing on Smith (10 of 30) weighs less than on Zolnay (2 of 30), which weighs less than a unique name would", () => {
    const smith = weightOf(0, 1);
    const zolnay = weightOf(10, 11);
    expect(smith).toBeLessThan(zolnay);
    const exact = model.comparisons[0]?.levels[1] as { weight: number; u: number };
    expect(smith).toBeCloseTo(priorWeight(0.001) + exact.weight + Math.log2(exact.u / (10 / 30)), 12);
    expect(zolnay).toBeCloseTo(priorWeight(0.001) + exact.weight + Math.log2(exact.u / (2 / 30)), 12);
    expect(scorer.adjustment(0, 1, 0)).toBeCloseTo(Math.log2(0.01 / (10 / 30)), 12);
  });

  it("levels without tf add nothing; the null level adds nothing", () => {
    expect(scorer.adjustment(0, 6, 0)).toBe(0);
    expect(scorer.adjustment(0, 0, 0)).toBe(0);
    // Smith vs Zolnay: else, the level weight alone.
    expect(weightOf(0, 10)).toBeCloseTo(priorWeight(0.001) + (model.comparisons[0]?.levels[6]?.weight as number), 12);
  });

  it("an incremental run scores with the frequencies the model was trained with, not the new table's", () => {
    // A later table holds only two Smiths: with the stored counts, agreeing on Smith still weighs as 10 of 30.
    const later = dedupeTable([
      { given_name: "A", family_name: "Smith" },
      { given_name: "B", family_name: "Smith" },
    ]);
    const laterComparisons = [compileComparison(FAMILY, later)];
    const laterScorer = new PairScorer(model, laterComparisons);
    const levels = Uint8Array.of(laterComparisons[0]?.level(0, 1) as number);
    expect(laterScorer.weight(levels, 0, 0)).toBeCloseTo(weightOf(0, 1), 12);
  });

  it("the scorer of a model just trained on the table (its own counts) weighs every pair as one that looks values up", () => {
    expectSameWeights(new PairScorer(model, comparisons, true));
  });

  it("a model stored before the arrays (frequencies as an object keyed by value) scores the same", () => {
    const keyed = JSON.parse(JSON.stringify(model)) as DedupeModel;
    for (const [feature, tf] of Object.entries(keyed.termFrequencies)) {
      if (tf) keyed.termFrequencies[feature as "family"] = { filled: tf.filled, counts: Object.fromEntries(termCounts(tf)) } as never;
    }
    expect(keyed.termFrequencies.family).not.toHaveProperty("values");
    expectSameWeights(new PairScorer(keyed, comparisons));
  });

  it("tfAdjustment is log2(u / tf), bounded to ±10", () => {
    expect(tfAdjustment(0.01, 0.01)).toBe(0);
    expect(tfAdjustment(0.01, 0.04)).toBeCloseTo(-2, 12);
    expect(tfAdjustment(0.01, 0.0025)).toBeCloseTo(2, 12);
    expect(tfAdjustment(0.5, 1e-9)).toBe(10);
    expect(tfAdjustment(1e-9, 1)).toBe(-10);
    expect(tfAdjustment(0.01, 0)).toBe(10);
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (u, tf) => {
        const adjustment = tfAdjustment(u, tf);
        expect(Math.abs(adjustment)).toBeLessThanOrEqual(10);
        // A value's adjustment falls as the value gets more common.
        expect(tfAdjustment(u, Math.min(1, tf * 2 + 1e-6))).toBeLessThanOrEqual(adjustment);
      }),
    );
  });
});

describe("probabilityOf and priorWeight", () => {
  it("known points", () => {
    expect(probabilityOf(0)).toBe(0.5);
    expect(probabilityOf(1)).toBeCloseTo(2 / 3, 12);
    expect(probabilityOf(-1)).toBeCloseTo(1 / 3, 12);
    expect(priorWeight(0.5)).toBe(0);
    expect(priorWeight(0.2)).toBeCloseTo(-2, 12);
    expect(probabilityOf(2000)).toBe(1);
    expect(probabilityOf(-2000)).toBe(0);
  });

  it("probabilityOf inverts priorWeight, is symmetric and increasing", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true }), (p) => {
        expect(probabilityOf(priorWeight(p))).toBeCloseTo(p, 9);
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: -60, max: 60, noNaN: true }), fc.double({ min: 1e-3, max: 10, noNaN: true }), (w, d) => {
        expect(probabilityOf(-w)).toBeCloseTo(1 - probabilityOf(w), 12);
        expect(probabilityOf(w + d)).toBeGreaterThanOrEqual(probabilityOf(w));
      }),
    );
  });
});

/** Pairwise accuracy at a threshold against the generator's truth: true pairs, those found, false matches. */
function accuracy(
  outcome: DedupeOutcome,
  people: readonly string[],
  threshold: number,
): { truePairs: number; found: number; wrong: number } {
  let truePairs = 0;
  for (let i = 0; i < people.length; i++) for (let j = i + 1; j < people.length; j++) if (people[i] === people[j]) truePairs++;
  let found = 0;
  let wrong = 0;
  const { pairs } = outcome;
  for (let k = 0; k < pairs.count; k++) {
    if ((pairs.probability[k] as number) < threshold) continue;
    if (people[pairs.a[k] as number] === people[pairs.b[k] as number]) found++;
    else wrong++;
  }
  return { truePairs, found, wrong };
}

describe("dedupeTable on generated customers", () => {
  // A small u budget: 400 records have 79,800 pairs, and sampling a million of them only repeats them.
  const settings: DedupeSettings = { ...DEFAULT_SETTINGS, uPairBudget: 50_000 };
  const { records, people } = generatedCustomers(400, 17);
  const table = dedupeTable(records, GENERATED_CONTEXT);
  const outcome = runDedupe(table, settings);
  const { pairs } = outcome;

  it("finds most known duplicates at the default threshold, with few false matches", () => {
    const { truePairs, found, wrong } = accuracy(outcome, people, settings.threshold);
    expect(truePairs).toBeGreaterThan(50);
    expect(found / truePairs).toBeGreaterThanOrEqual(0.9);
    expect(wrong / Math.max(1, found + wrong)).toBeLessThanOrEqual(0.05);
  });

  it("trains per blocking rule, reports every rule, and keeps only pairs at or above the review threshold", () => {
    expect(outcome.training?.sessions.length).toBeGreaterThan(3);
    expect(outcome.rules.map((rule) => rule.name)).toEqual(settings.blockingRules.map((rule) => rule.name));
    expect(outcome.model.prior).toBeGreaterThan(0);
    expect(outcome.model.prior).toBeLessThan(0.01);
    for (let k = 0; k < pairs.count; k++) {
      expect(pairs.probability[k]).toBeGreaterThanOrEqual(settings.reviewThreshold);
      expect(pairs.probability[k]).toBe(probabilityOf(pairs.weight[k] as number));
      expect(pairs.a[k]).toBeLessThan(pairs.b[k] as number);
    }
  });

  it("a second thread computing half the comparisons (of the candidates and of u's random pairs) changes nothing", async () => {
    const asked: number[] = [];
    const helper: ComparingHelper = {
      takes: (specs) => specs.filter((_, c) => c % 2 === 1),
      compare: async (specs, a, b, count) => {
        asked.push(count);
        return comparisonVectors(compileAll(specs, table), a, b, count).levels;
      },
    };
    const shared = await dedupeTableInTurns(table, settings, { pause: async () => {}, helper });
    // The candidates once, then u's rounds of random pairs (50,000 at most each).
    expect(asked[0]).toBe(outcome.candidates);
    expect(asked.slice(1).reduce((sum, count) => sum + count, 0)).toBe(outcome.training?.randomPairs);
    expect(asked.length).toBeGreaterThan(1);
    expect(shared.model).toEqual(outcome.model);
    expect(Array.from(shared.pairs.weight)).toEqual(Array.from(pairs.weight));
  });

  it("is deterministic: the same records give the same model, pairs and weights", () => {
    const again = runDedupe(dedupeTable(records, GENERATED_CONTEXT), settings);
    expect(again.model).toEqual(outcome.model);
    expect(again.pairs).toEqual(outcome.pairs);
  });

  it("reusing the model scores the same pairs the same, without training", () => {
    const reused = runDedupe(table, settings, { model: outcome.model });
    expect(reused.training).toBeUndefined();
    expect(reused.pairs).toEqual(outcome.pairs);
  });

  it("an incremental run (dirty rows, stored model) gives the full run's pairs that touch a dirty row, weighed the same", () => {
    const dirty = new Uint8Array(table.size);
    for (let row = 0; row < table.size; row += 7) dirty[row] = 1;
    const incremental = runDedupe(table, settings, { model: outcome.model, dirty });
    const expected: string[] = [];
    for (let k = 0; k < pairs.count; k++) {
      const a = pairs.a[k] as number;
      const b = pairs.b[k] as number;
      if (dirty[a] || dirty[b]) expected.push(`${a} ${b} ${pairs.weight[k]}`);
    }
    const got = Array.from(
      { length: incremental.pairs.count },
      (_, k) => `${incremental.pairs.a[k]} ${incremental.pairs.b[k]} ${incremental.pairs.weight[k]}`,
    );
    expect(got.sort()).toEqual(expected.sort());
    expect(got.length).toBeGreaterThan(0);
  });
});

describe("dedupeTable on 200 generated customers", () => {
  it("too few pairs per rule for a training session: every comparison falls back to EM on all candidates, and the duplicates are still found", () => {
    const settings: DedupeSettings = { ...DEFAULT_SETTINGS, uPairBudget: 20_000 };
    const { records, people } = generatedCustomers(200, 17);
    const outcome = runDedupe(dedupeTable(records, GENERATED_CONTEXT), settings);
    expect(outcome.training?.sessions).toEqual([]);
    expect(outcome.training?.fallback).toEqual(outcome.model.comparisons.map((comparison) => comparison.name));
    const { truePairs, found, wrong } = accuracy(outcome, people, settings.threshold);
    expect(found / truePairs).toBeGreaterThanOrEqual(0.9);
    expect(wrong).toBeLessThanOrEqual(Math.ceil(0.05 * found));
  });
});

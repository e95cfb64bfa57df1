// The accuracy benchmark's scorer: F1 figures in BENCHMARKS.md are only as honest as this count.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pairsIn, scorePairwise } from "../../bench/score-clusters.mjs";

type Id = string | number | null | undefined;
const map = (entries: Record<string, Id>) => new Map(Object.entries(entries));
const truthOf = (entries: Record<string, string | number>) => new Map(Object.entries(entries));

/** The definition, pair by pair: what the scorer must equal without ever listing pairs. */
function bruteForce(predicted: Map<string, Id>, truth: Map<string, string | number>) {
  const keys = [...new Set([...predicted.keys(), ...truth.keys()])];
  const same = (m: Map<string, Id>, a: string, b: string) => {
    const x = m.get(a);
    return x !== null && x !== undefined && x === m.get(b);
  };
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++) {
      const p = same(predicted, keys[i]!, keys[j]!);
      const t = same(truth, keys[i]!, keys[j]!);
      if (p && t) tp++;
      else if (p) fp++;
      else if (t) fn++;
    }
  }
  return { tp, fp, fn };
}

describe("scorePairwise", () => {
  it("counts a hand-checked case: {a,b,c} {d,e} against people {a,b} {c,d} {e}", () => {
    const s = scorePairwise(map({ a: 1, b: 1, c: 1, d: 2, e: 2 }), truthOf({ a: "P", b: "P", c: "Q", d: "Q", e: "R" }));
    // predicted pairs ab ac bc de; true pairs ab cd; only ab is both.
    expect(s).toEqual({ tp: 1, fp: 3, fn: 1, precision: 0.25, recall: 0.5, f1: 1 / 3, truePairs: 2, predictedPairs: 4 });
  });

  it("gives 1, 1, 1 when the clustering is the truth under other ids", () => {
    const s = scorePairwise(map({ a: "x", b: "x", c: "y", d: "y", e: "y" }), truthOf({ a: 7, b: 7, c: 8, d: 8, e: 8 }));
    expect(s).toMatchObject({ tp: 4, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1, truePairs: 4 });
  });

  it("all singletons: nothing claimed, so precision 1 (never NaN), recall 0, F1 0", () => {
    const s = scorePairwise(map({ a: 1, b: 2, c: 3 }), truthOf({ a: "P", b: "P", c: "P" }));
    expect(s).toEqual({ tp: 0, fp: 0, fn: 3, precision: 1, recall: 0, f1: 0, truePairs: 3, predictedPairs: 0 });
  });

  it("one big cluster: recall 1, precision the share of true pairs", () => {
    const s = scorePairwise(map({ a: 0, b: 0, c: 0, d: 0 }), truthOf({ a: "P", b: "P", c: "Q", d: "R" }));
    expect(s).toMatchObject({ tp: 1, fp: 5, fn: 0, precision: 1 / 6, recall: 1, predictedPairs: 6, truePairs: 1 });
    expect(s.f1).toBeCloseTo((2 * (1 / 6)) / (1 / 6 + 1), 12);
  });

  it("no pairs on either side is a perfect score, not 0/0", () => {
    expect(scorePairwise(map({ a: 1, b: 2 }), truthOf({ a: "P", b: "Q" }))).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(scorePairwise(new Map(), new Map())).toMatchObject({ tp: 0, precision: 1, recall: 1, f1: 1 });
  });

  it("a record absent from the prediction (or with a null cluster) is a singleton: its true pairs are missed", () => {
    const truth = truthOf({ a: "P", b: "P", c: "P" });
    const missing = scorePairwise(map({ a: 1, b: 1 }), truth);
    expect(missing).toMatchObject({ tp: 1, fp: 0, fn: 2, truePairs: 3, predictedPairs: 1 });
    expect(scorePairwise(map({ a: 1, b: 1, c: null }), truth)).toEqual(missing);
    expect(scorePairwise(map({ a: 1, b: 1, c: undefined }), truth)).toEqual(missing);
  });

  it("a record absent from the truth is its own person: pairs the prediction gives it are false", () => {
    const s = scorePairwise(map({ a: 1, b: 1, z: 1 }), truthOf({ a: "P", b: "P" }));
    expect(s).toMatchObject({ tp: 1, fp: 2, fn: 0, predictedPairs: 3, truePairs: 1 });
  });

  it("keeps ids of different types apart (cluster 1 is not cluster '1')", () => {
    const s = scorePairwise(map({ a: 1, b: "1" }), truthOf({ a: "P", b: "P" }));
    expect(s).toMatchObject({ tp: 0, predictedPairs: 0, fn: 1 });
  });

  it("stays exact for one cluster of a million records without listing its 5·10^11 pairs", () => {
    const predicted = new Map<string, number>();
    const truth = new Map<string, number>();
    for (let i = 0; i < 1_000_000; i++) {
      predicted.set(`s:${i}`, 0);
      truth.set(`s:${i}`, i % 2);
    }
    const s = scorePairwise(predicted, truth);
    expect(s.predictedPairs).toBe(499_999_500_000);
    expect(s.tp).toBe(2 * pairsIn(500_000));
    expect(s.fp).toBe(500_000 * 500_000);
  });

  it("equals pair-by-pair enumeration on random clusterings, with records missing on either side", () => {
    const key = fc.constantFrom(...Array.from({ length: 14 }, (_, i) => `src:${i}`));
    const clusterId = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom("0", "a", null, undefined));
    fc.assert(
      fc.property(
        fc.dictionary(key, clusterId),
        fc.dictionary(key, fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom("p", "q"))),
        (pred, tru) => {
          const predicted = new Map(Object.entries(pred));
          const truth = new Map(Object.entries(tru));
          const s = scorePairwise(predicted, truth);
          const b = bruteForce(predicted, truth);
          expect({ tp: s.tp, fp: s.fp, fn: s.fn }).toEqual(b);
          expect(s.predictedPairs).toBe(b.tp + b.fp);
          expect(s.truePairs).toBe(b.tp + b.fn);
          for (const v of [s.precision, s.recall, s.f1]) expect(v >= 0 && v <= 1).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

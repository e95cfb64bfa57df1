// Training without labels: EM has to recover the m and λ a synthetic set was drawn from, u from random pairs has
// to match what the records' value shares say, and the same seed has to give the same numbers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileComparison } from "../../src/stages/dedupe/levels.js";
import { DEFAULT_COMPARISONS } from "../../src/stages/dedupe/spec.js";
import { estimateU, expectationMaximisation, type LevelProbabilities, seededRandom } from "../../src/stages/dedupe/training.js";
import type { VectorCounts } from "../../src/stages/dedupe/vectors.js";
import { dedupeTable, type PlainRecord } from "../helpers/dedupe-table.js";

/** Draws a level from probabilities over levels 1.. (index 0, null, unused). */
function draw(random: () => number, probabilities: number[]): number {
  let x = random();
  for (let level = 1; level < probabilities.length; level++) {
    x -= probabilities[level] as number;
    if (x < 0) return level;
  }
  return probabilities.length - 1;
}

/**
 * Pairs drawn from a known model: each a match with chance λ, then every comparison's level from m (match) or u,
 * null with chance `nullShare`. Counted by distinct vector, as countVectors does.
 */
function synthetic(m: LevelProbabilities, u: LevelProbabilities, lambda: number, pairs: number, seed: number, nullShare = 0): VectorCounts {
  const random = seededRandom(seed);
  const index = new Map<string, number>();
  const data: VectorCounts = { vectors: [], counts: [] };
  for (let p = 0; p < pairs; p++) {
    const match = random() < lambda;
    const vector = Uint8Array.from(m, (_, c) => (random() < nullShare ? 0 : draw(random, (match ? m[c] : u[c]) as number[])));
    const key = vector.join(",");
    let at = index.get(key);
    if (at === undefined) {
      at = data.vectors.length;
      index.set(key, at);
      data.vectors.push(vector);
      data.counts.push(0);
    }
    data.counts[at] = (data.counts[at] as number) + 1;
  }
  return data;
}

/** Four comparisons of 2 to 4 levels (plus null), matches agreeing mostly, non-matches mostly "else". */
const TRUE_M: LevelProbabilities = [
  [1, 0.85, 0.1, 0.05],
  [1, 0.7, 0.2, 0.1],
  [1, 0.9, 0.1],
  [1, 0.6, 0.25, 0.1, 0.05],
];
const TRUE_U: LevelProbabilities = [
  [1, 0.01, 0.04, 0.95],
  [1, 0.02, 0.08, 0.9],
  [1, 0.05, 0.95],
  [1, 0.005, 0.02, 0.075, 0.9],
];
const START: LevelProbabilities = TRUE_M.map((levels) => levels.map((_, level) => (level === 0 ? 1 : 1 / (levels.length - 1))));

function expectClose(actual: LevelProbabilities, expected: LevelProbabilities, tolerance: number): void {
  expected.forEach((levels, c) => {
    levels.forEach((value, level) => {
      if (level === 0) return;
      const got = (actual[c] as number[])[level] as number;
      if (Math.abs(got - value) > tolerance)
        throw new Error(`comparison ${c} level ${level}: ${got} is not within ${tolerance} of ${value}`);
    });
  });
}

describe("expectationMaximisation", () => {
  it("recovers the m and λ the pairs were drawn from (u fixed, flat start)", () => {
    const data = synthetic(TRUE_M, TRUE_U, 0.2, 40_000, 7);
    const result = expectationMaximisation(data, TRUE_U, { m: START, lambda: 0.5 }, [true, true, true, true]);
    expect(result.lambda).toBeGreaterThan(0.18);
    expect(result.lambda).toBeLessThan(0.22);
    expectClose(result.m, TRUE_M, 0.03);
    expect(result.iterations).toBeLessThanOrEqual(100);
  });

  it("recovers m with a tenth of the pairs null in each comparison (null counts nowhere)", () => {
    const data = synthetic(TRUE_M, TRUE_U, 0.3, 40_000, 11, 0.1);
    const result = expectationMaximisation(data, TRUE_U, { m: START, lambda: 0.5 }, [true, true, true, true]);
    expect(Math.abs(result.lambda - 0.3)).toBeLessThan(0.02);
    expectClose(result.m, TRUE_M, 0.03);
  });

  it("each m is a distribution over its levels 1.. (index 0 stays 1)", () => {
    const data = synthetic(TRUE_M, TRUE_U, 0.2, 5_000, 3);
    const { m } = expectationMaximisation(data, TRUE_U, { m: START, lambda: 0.5 }, [true, true, true, true]);
    for (const levels of m) {
      expect(levels[0]).toBe(1);
      expect(levels.slice(1).reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 9);
      for (const value of levels.slice(1)) expect(value).toBeGreaterThan(0);
    }
  });

  it("a comparison not estimated keeps its m; with onlyEstimated a wrong m there does not bias the others", () => {
    const data = synthetic(TRUE_M, TRUE_U, 0.2, 40_000, 5);
    // As in a session on a rule over comparison 3: its m is a guess (every pair agrees) and must not count.
    const guess: LevelProbabilities = [...START.slice(0, 3), [1, 0.97, 0.01, 0.01, 0.01]];
    const estimate = [true, true, true, false];
    const result = expectationMaximisation(data, TRUE_U, { m: guess, lambda: 0.5 }, estimate, { onlyEstimated: true });
    expect(result.m[3]).toEqual(guess[3]);
    expectClose(result.m.slice(0, 3), TRUE_M.slice(0, 3), 0.03);
    expect(Math.abs(result.lambda - 0.2)).toBeLessThan(0.02);
    // The start is not changed in place.
    expect(guess[0]).toEqual(START[0]);
  });

  it("with nothing estimated only λ moves (the last pass, prior from fixed m and u)", () => {
    const data = synthetic(TRUE_M, TRUE_U, 0.1, 40_000, 9);
    const result = expectationMaximisation(data, TRUE_U, { m: TRUE_M, lambda: 0.5 }, [false, false, false, false]);
    expect(result.m).toEqual(TRUE_M);
    expect(Math.abs(result.lambda - 0.1)).toBeLessThan(0.01);
  });

  it("no data: m stays as started, λ at its floor, no NaN", () => {
    const result = expectationMaximisation({ vectors: [], counts: [] }, TRUE_U, { m: START, lambda: 0.5 }, [true, true, true, true]);
    expect(result.m).toEqual(START);
    expect(Number.isFinite(result.lambda)).toBe(true);
    expect(result.lambda).toBeGreaterThan(0);
    expect(result.lambda).toBeLessThan(1);
  });

  it("a comparison null in every pair keeps its m", () => {
    const data: VectorCounts = { vectors: [Uint8Array.of(1, 0), Uint8Array.of(2, 0)], counts: [30, 70] };
    const u: LevelProbabilities = [
      [1, 0.05, 0.95],
      [1, 0.1, 0.9],
    ];
    const start: LevelProbabilities = [
      [1, 0.5, 0.5],
      [1, 0.8, 0.2],
    ];
    const { m } = expectationMaximisation(data, u, { m: start, lambda: 0.5 }, [true, true]);
    expect(m[1]).toEqual([1, 0.8, 0.2]);
  });

  it("is deterministic", () => {
    const data = synthetic(TRUE_M, TRUE_U, 0.2, 10_000, 13);
    const run = () => expectationMaximisation(data, TRUE_U, { m: START, lambda: 0.5 }, [true, true, true, true]);
    expect(run()).toEqual(run());
  });
});

describe("seededRandom", () => {
  it("stays in [0, 1) and repeats for the same seed", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), (seed) => {
        const a = seededRandom(seed);
        const b = seededRandom(seed);
        for (let k = 0; k < 200; k++) {
          const x = a();
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(1);
          expect(b()).toBe(x);
        }
      }),
    );
  });

  it("different seeds give different sequences, and the values spread over the interval", () => {
    const a = seededRandom(1);
    const b = seededRandom(2);
    const first = Array.from({ length: 10 }, a);
    expect(first).not.toEqual(Array.from({ length: 10 }, b));
    const random = seededRandom(20261201);
    const buckets = new Array<number>(10).fill(0);
    for (let k = 0; k < 100_000; k++) {
      const bucket = Math.floor(random() * 10);
      buckets[bucket] = (buckets[bucket] as number) + 1;
    }
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
});

/** n people who share nothing but a few family names: almost every random pair differs. */
function strangers(n: number, commonFamily?: { name: string; every: number }): PlainRecord[] {
  const givens = ["Anna", "Bernd", "Chloé", "Dmitri", "Emil", "Fatima", "Gustav", "Hélène", "Ingrid", "Jun", "Karl", "Lena"];
  return Array.from({ length: n }, (_, k) => ({
    given_name: `${givens[k % givens.length]}${String.fromCharCode(97 + (k % 26))}`,
    family_name: commonFamily && k % commonFamily.every === 0 ? commonFamily.name : `Fam${k}x${(k * 7919) % 1000}`,
    email: `person${k}@example${k % 5}.com`,
    phone: `+1 212 ${String(1000000 + k * 7717).slice(0, 3)} ${String(1000 + ((k * 37) % 9000))}`,
    birth_date: `19${50 + (k % 40)}-${String(1 + (k % 12)).padStart(2, "0")}-${String(1 + (k % 28)).padStart(2, "0")}`,
  }));
}

describe("estimateU", () => {
  const specs = DEFAULT_COMPARISONS.filter((spec) => ["given_name", "family_name", "email", "birth_date"].includes(spec.name));
  const compiled = (records: PlainRecord[]) => {
    const table = dedupeTable(records);
    return { table, comparisons: specs.map((spec) => compileComparison(spec, table)) };
  };

  it("random pairs of strangers are almost all 'else'; an exact level too rare to count gets 1/n from the value shares", () => {
    const { table, comparisons } = compiled(strangers(80));
    const { u, pairs } = estimateU(table, comparisons, { seed: 1, budget: 2_000, minPerLevel: 100 });
    expect(pairs).toBe(2_000); // some levels are never seen: the budget is spent
    const email = u[specs.findIndex((spec) => spec.name === "email")] as number[];
    // 80 distinct emails: two random records share one with chance sum (1/80)^2 * 80.
    expect(email[1]).toBeCloseTo(1 / 80, 12);
    expect(email.at(-1)).toBeGreaterThan(0.8);
    for (const levels of u) {
      expect(levels[0]).toBe(1);
      expect(levels.slice(1).reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 9);
      for (const value of levels.slice(1)) expect(value).toBeGreaterThan(0);
    }
  });

  it("agrees with the level shares of all pairs, counted exhaustively, on every level seen often enough", () => {
    const { table, comparisons } = compiled(strangers(80, { name: "Schmidt", every: 4 }));
    const { u } = estimateU(table, comparisons, { seed: 5, budget: 40_000, minPerLevel: 100 });
    comparisons.forEach((comparison, c) => {
      const counts = new Array<number>(comparison.levelCount).fill(0);
      for (let i = 0; i < table.size; i++)
        for (let j = 0; j < table.size; j++) {
          if (i === j) continue;
          const level = comparison.level(i, j);
          counts[level] = (counts[level] as number) + 1;
        }
      const observed = counts.slice(1).reduce((sum, count) => sum + count, 0);
      counts.forEach((count, level) => {
        if (level === 0 || count < 200) return; // rare levels: smoothed or taken from value shares
        expect(Math.abs(((u[c] as number[])[level] as number) - count / observed)).toBeLessThan(0.02);
      });
    });
  });

  it("a family name half the records hold: its u is the share of random pairs that agree on it", () => {
    const n = 60;
    const { table, comparisons } = compiled(strangers(n, { name: "Smith", every: 2 }));
    const { u } = estimateU(table, comparisons, { seed: 2, budget: 40_000, minPerLevel: 100 });
    // 30 Smiths: an ordered pair of two different records agrees with chance 30·29 / (60·59).
    const expected = (30 * 29) / (n * (n - 1));
    const family = u[specs.findIndex((spec) => spec.name === "family_name")] as number[];
    expect(Math.abs((family[1] as number) - expected)).toBeLessThan(0.01);
  });

  it("counts every pair once when there are no more pairs than the budget (seed-independent)", () => {
    const { table, comparisons } = compiled(strangers(50, { name: "Müller", every: 3 }));
    const first = estimateU(table, comparisons, { seed: 1, budget: 5_000, minPerLevel: 100 });
    expect(first.pairs).toBe((50 * 49) / 2);
    expect(estimateU(table, comparisons, { seed: 2, budget: 5_000, minPerLevel: 100 })).toEqual(first);
  });

  it("samples nothing when no level asks for a pair (minPerLevel 0)", () => {
    const { table, comparisons } = compiled([
      { given_name: "Anna", family_name: "Weber", email: "anna@example.de", birth_date: "1980-01-01" },
      { given_name: "Anna", family_name: "Weber", email: "anna@example.de", birth_date: "1980-01-01" },
    ]);
    const { pairs } = estimateU(table, comparisons.slice(0, 1), { seed: 3, budget: 1_000_000, minPerLevel: 0 });
    expect(pairs).toBe(0);
  });

  it("same seed, same u; another seed samples other pairs", () => {
    const { table, comparisons } = compiled(strangers(50, { name: "Müller", every: 3 }));
    const options = { seed: 42, budget: 1_000, minPerLevel: 100 }; // fewer than the 1,225 pairs: sampled
    const first = estimateU(table, comparisons, options);
    expect(estimateU(table, comparisons, options)).toEqual(first);
    expect(estimateU(table, comparisons, { ...options, seed: 43 }).u).not.toEqual(first.u);
  });

  it("fewer than two records: no pairs, no NaN", () => {
    const { table, comparisons } = compiled(strangers(1));
    const { u, pairs } = estimateU(table, comparisons, { seed: 1, budget: 1000, minPerLevel: 10 });
    expect(pairs).toBe(0);
    for (const levels of u) for (const value of levels) expect(Number.isFinite(value)).toBe(true);
  });
});

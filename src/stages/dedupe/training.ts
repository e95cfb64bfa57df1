/**
 * Training without labels, as Fellegi and Sunter (1969) and Splink do it:
 * - u (how often a level occurs between two *different* people) from random pairs, which are almost all
 *   non-matches. Sampling is seeded and stops once every level has been seen `uMinPerLevel` times or the pair
 *   budget is spent. An exact level too rare to be seen that often gets its u from the value frequencies
 *   instead: the chance that two random records share a value is the sum of the squared value shares.
 * - m (how often a level occurs between two records of the *same* person) by expectation-maximisation over
 *   candidate pairs, with u fixed. One EM session per blocking rule, on the pairs that rule selects, and each
 *   session estimates only the comparisons that do not read the rule's features (a rule on email selects pairs
 *   that agree on email, so they say nothing about how often matches agree on email). A comparison's m is the
 *   mean over the sessions that estimated it.
 * - the prior (the chance that two random records match) from one last EM pass over all candidate pairs with m
 *   and u fixed: the expected number of matches among them over the number of all pairs.
 * Deterministic: the same records, settings and seed give the same model.
 */
import { type CandidatePairs, ruleKeys } from "./blocking.js";
import type { RecordTable } from "./features.js";
import { type CompiledComparison, comparisonFeatures } from "./levels.js";
import { type BlockingRule, isSortedRule, relatedFeatures } from "./spec.js";
import { type ComparisonVectors, comparisonVectors, countVectors, distinctVectors, type VectorCounts } from "./vectors.js";

/** Probabilities per comparison, per level (index 0, the null level, unused). */
export type LevelProbabilities = number[][];

export interface TrainingReport {
  randomPairs: number;
  sessions: { rule: string; pairs: number; iterations: number; estimated: string[] }[];
  /** Comparisons no session could estimate: trained on all candidate pairs instead. */
  fallback: string[];
}

/** A small, fast, seeded generator (mulberry32): the same seed gives the same random pairs on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FLOOR = 1e-6;
const PSEUDO_MATCHES = 0.5;

/** Random pairs for u are drawn and compared this many at a time (between rounds: enough of every level yet?). */
export const U_ROUND = 50_000;

/** The random pairs u is counted on, drawn in rounds: the same seed gives the same pairs on every machine. */
export class RandomPairs {
  private readonly random: () => number;

  constructor(
    private readonly n: number,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  next(count: number): RowPairs {
    const a = new Int32Array(count);
    const b = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      const i = Math.floor(this.random() * this.n);
      let j = Math.floor(this.random() * (this.n - 1));
      if (j >= i) j++;
      a[k] = i;
      b[k] = j;
    }
    return { a, b, count };
  }
}

/** How often each level of each comparison occurred among the random pairs compared so far. */
export class LevelTally {
  readonly counts: Float64Array[];
  pairs = 0;

  constructor(comparisons: readonly CompiledComparison[]) {
    this.counts = comparisons.map((comparison) => new Float64Array(comparison.levelCount));
  }

  add(vectors: ComparisonVectors): void {
    const width = vectors.comparisons;
    for (let c = 0; c < width; c++) {
      const levels = this.counts[c] as Float64Array;
      for (let p = 0; p < vectors.pairs; p++) {
        const level = vectors.levels[p * width + c] as number;
        levels[level] = (levels[level] as number) + 1;
      }
    }
    this.pairs += vectors.pairs;
  }

  enough(minPerLevel: number): boolean {
    return this.counts.every((levels) => levels.every((count, level) => level === 0 || count >= minPerLevel));
  }
}

/** Pairs of table rows, a[k] with b[k]. */
export interface RowPairs {
  a: Int32Array;
  b: Int32Array;
  count: number;
}

/**
 * u by random pairs, as a generator over `compare` (which computes the levels of a round of pairs and may yield
 * while another thread computes part of them: the dedupe stage's loop in index.ts). Every pair once when there
 * are few; else seeded rounds until every level is seen `minPerLevel` times or the budget is spent. The same
 * records and seed give the same pairs, rounds and u however the levels are computed.
 */
export function* estimateURounds<Yielded, Sent>(
  table: RecordTable,
  comparisons: readonly CompiledComparison[],
  { seed, budget, minPerLevel }: { seed: number; budget: number; minPerLevel: number },
  compare: (pairs: RowPairs) => Generator<Yielded, ComparisonVectors, Sent>,
): Generator<Yielded, { u: LevelProbabilities; pairs: number }, Sent> {
  const tally = new LevelTally(comparisons);
  const everyPair = tally.enough(minPerLevel) ? undefined : everyPairWithin(table.size, budget);
  if (everyPair) tally.add(yield* compare(everyPair));
  else if (table.size >= 2 && (table.size * (table.size - 1)) / 2 > budget) {
    const pairs = new RandomPairs(table.size, seed);
    while (tally.pairs < budget && !tally.enough(minPerLevel)) {
      tally.add(yield* compare(pairs.next(Math.min(U_ROUND, budget - tally.pairs))));
    }
  }
  return { u: uFromTally(tally, comparisons, minPerLevel), pairs: tally.pairs };
}

/** estimateURounds with every level computed on this thread. */
export function estimateU(
  table: RecordTable,
  comparisons: readonly CompiledComparison[],
  settings: { seed: number; budget: number; minPerLevel: number },
): { u: LevelProbabilities; pairs: number } {
  // biome-ignore lint/correctness/useYield: computes in place; the generator form is what the two-thread loop needs
  const rounds = estimateURounds(table, comparisons, settings, function* (pairs) {
    return comparisonVectors(comparisons, pairs.a, pairs.b, pairs.count);
  });
  for (;;) {
    const step = rounds.next();
    if (step.done) return step.value;
  }
}

/** Few records: every pair once, rather than the budget in random draws of the same few pairs (else undefined). */
export function everyPairWithin(n: number, budget: number): RowPairs | undefined {
  const allPairs = (n * (n - 1)) / 2;
  if (n < 2 || allPairs > budget) return undefined;
  const a = new Int32Array(allPairs);
  const b = new Int32Array(allPairs);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      a[k] = i;
      b[k++] = j;
    }
  }
  return { a, b, count: allPairs };
}

/** u per comparison and level from the tally (add-half smoothing); a rare exact level from the value shares. */
export function uFromTally(tally: LevelTally, comparisons: readonly CompiledComparison[], minPerLevel: number): LevelProbabilities {
  return comparisons.map((comparison, c) => {
    const levels = tally.counts[c] as Float64Array;
    let observed = 0;
    for (let level = 1; level < levels.length; level++) observed += levels[level] as number;
    const probabilities = Array.from(levels, (count, level) => (level === 0 ? 1 : (count + 0.5) / (observed + 0.5 * (levels.length - 1))));
    const spec = comparison.spec;
    const exactLevel = spec.levels[0];
    if (exactLevel?.kind === "exact" && !exactLevel.feature && (levels[1] as number) < minPerLevel) {
      // Too rare among random pairs to count: the chance two random records share a value, from its shares.
      const column = comparison.levelColumn(1);
      let agree = 0;
      for (const count of column.counts) agree += (count / column.filled) ** 2;
      const rest = 1 - (probabilities[1] as number);
      const exact = Math.max(agree, FLOOR);
      for (let level = 2; level < probabilities.length; level++)
        probabilities[level] = ((probabilities[level] as number) / rest) * (1 - exact);
      probabilities[1] = exact;
    }
    return probabilities;
  });
}

/** Starting m: most matches agree exactly, fewer at each looser level, few are "else". */
function initialM(levelCount: number): number[] {
  const m = [1];
  const levels = levelCount - 1;
  for (let level = 1; level <= levels; level++) m.push(level === 1 ? 0.7 : level === levels ? 0.05 : 0.25 / Math.max(1, levels - 2));
  const total = m.slice(1).reduce((sum, value) => sum + value, 0);
  return m.map((value, level) => (level === 0 ? 1 : value / total));
}

export interface EmResult {
  m: LevelProbabilities;
  lambda: number;
  iterations: number;
}

/**
 * EM over counted vectors. `estimate[c]` false keeps comparison c's m as given. With `onlyEstimated`, the other
 * comparisons are left out of the likelihood altogether (Splink's training sessions: the pairs a rule on the
 * names selected all agree on the names, and counting that agreement with a guessed m would call every one of
 * them a match). Without it, they count with their m as given (the last pass, where only λ is estimated).
 */
export function expectationMaximisation(
  data: VectorCounts,
  u: LevelProbabilities,
  start: { m: LevelProbabilities; lambda: number },
  estimate: readonly boolean[],
  { onlyEstimated = false, maxIterations = 100 } = {},
): EmResult {
  const m = start.m.map((levels) => levels.slice());
  let lambda = start.lambda;
  const width = m.length;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const sums = m.map((levels) => new Float64Array(levels.length));
    let matched = 0;
    let total = 0;
    data.vectors.forEach((vector, v) => {
      const count = data.counts[v] as number;
      let pm = lambda;
      let pu = 1 - lambda;
      for (let c = 0; c < width; c++) {
        const level = vector[c] as number;
        if (level === 0 || (onlyEstimated && !estimate[c])) continue;
        pm *= (m[c] as number[])[level] as number;
        pu *= (u[c] as number[])[level] as number;
      }
      const posterior = pm + pu > 0 ? pm / (pm + pu) : 0;
      const weight = posterior * count;
      matched += weight;
      total += count;
      for (let c = 0; c < width; c++) {
        const level = vector[c] as number;
        if (level !== 0) (sums[c] as Float64Array)[level] = ((sums[c] as Float64Array)[level] as number) + weight;
      }
    });
    let change = Math.abs(matched / Math.max(total, 1) - lambda);
    lambda = Math.min(Math.max(matched / Math.max(total, 1), FLOOR), 1 - FLOOR);
    for (let c = 0; c < width; c++) {
      if (!estimate[c]) continue;
      const levels = sums[c] as Float64Array;
      let sum = 0;
      for (let level = 1; level < levels.length; level++) sum += levels[level] as number;
      if (sum <= 0) continue; // no pair of this session has the comparison filled: keep what we had
      // Half a pseudo-match per level: a level no match of a small training set happened to reach gets a small m,
      // not one that vetoes every later pair reaching it; on thousands of matches it changes nothing.
      const smoothed = sum + PSEUDO_MATCHES * (levels.length - 1);
      for (let level = 1; level < levels.length; level++) {
        const next = Math.max(((levels[level] as number) + PSEUDO_MATCHES) / smoothed, FLOOR);
        change = Math.max(change, Math.abs(next - ((m[c] as number[])[level] as number)));
        (m[c] as number[])[level] = next;
      }
    }
    if (change < 1e-6) break;
  }
  return { m, lambda, iterations: iterations + 1 };
}

export interface TrainedParameters {
  m: LevelProbabilities;
  u: LevelProbabilities;
  /** The chance that two records drawn at random are the same person. */
  prior: number;
  report: TrainingReport;
}

export function train(
  table: RecordTable,
  comparisons: readonly CompiledComparison[],
  rules: readonly BlockingRule[],
  candidates: CandidatePairs,
  vectors: ComparisonVectors,
  settings: { seed: number; uPairBudget: number; uMinPerLevel: number; maxBlockSize: number },
  /** u made already (the stage's loop, on two threads); otherwise estimated here. */
  estimated?: { u: LevelProbabilities; pairs: number },
): TrainedParameters {
  const { u, pairs: randomPairs } =
    estimated ??
    estimateU(table, comparisons, {
      seed: settings.seed,
      budget: settings.uPairBudget,
      minPerLevel: settings.uMinPerLevel,
    });
  const m0 = comparisons.map((comparison) => initialM(comparison.levelCount));
  const sums = comparisons.map((comparison) => new Float64Array(comparison.levelCount));
  const sessionsPer = new Array<number>(comparisons.length).fill(0);
  const report: TrainingReport = { randomPairs, sessions: [], fallback: [] };
  const reads = comparisons.map((comparison) => comparisonFeatures(comparison.spec));
  const distinct = distinctVectors(vectors);

  for (const [index, rule] of rules.entries()) {
    if (isSortedRule(rule) || !candidates.rules[index]?.used) continue;
    const keys = candidates.keys[index] ?? ruleKeys(table, rule);
    const blocked = new Set(rule.on.flatMap((feature) => [...relatedFeatures(feature)]));
    const estimate = reads.map((features) => !features.some((feature) => blocked.has(feature)));
    if (!estimate.some(Boolean)) continue;
    const selected = countVectors(distinct, (p) => {
      const key = keys[candidates.a[p] as number] as number;
      return key >= 0 && key === keys[candidates.b[p] as number];
    });
    const pairs = selected.counts.reduce((sum, count) => sum + count, 0);
    if (pairs < 50) continue; // too few pairs to say anything
    const result = expectationMaximisation(selected, u, { m: m0, lambda: 0.5 }, estimate, { onlyEstimated: true });
    report.sessions.push({
      rule: rule.name,
      pairs,
      iterations: result.iterations,
      estimated: comparisons.filter((_, c) => estimate[c]).map((comparison) => comparison.spec.name),
    });
    estimate.forEach((yes, c) => {
      if (!yes) return;
      sessionsPer[c] = (sessionsPer[c] as number) + 1;
      const levels = (result.m[c] as number[]).map((value) => value);
      for (let level = 1; level < levels.length; level++)
        (sums[c] as Float64Array)[level] = ((sums[c] as Float64Array)[level] as number) + (levels[level] as number);
    });
  }

  let m: LevelProbabilities = comparisons.map((_, c) =>
    sessionsPer[c] === 0
      ? (m0[c] as number[])
      : Array.from(sums[c] as Float64Array, (sum, level) => (level === 0 ? 1 : sum / (sessionsPer[c] as number))),
  );
  const all = countVectors(distinct);
  const untrained = sessionsPer.map((count) => count === 0);
  if (untrained.some(Boolean) && candidates.count > 0) {
    report.fallback = comparisons.filter((_, c) => untrained[c]).map((comparison) => comparison.spec.name);
    m = expectationMaximisation(all, u, { m, lambda: 0.5 }, untrained).m;
  }
  // λ among the candidates, then per random pair.
  const { lambda } = expectationMaximisation(all, u, { m, lambda: 0.5 }, new Array(comparisons.length).fill(false));
  const n = table.size;
  const allPairs = (n * (n - 1)) / 2;
  // At least one match expected: a first run on one clean source (no candidates) must not leave a model that
  // calls every later pair a non-match.
  const expectedMatches = Math.max(lambda * candidates.count, 1);
  const prior = allPairs > 0 ? Math.min(expectedMatches / allPairs, 0.5) : 0.5;
  return { m, u, prior, report };
}

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
import { type ComparisonVectors, countVectors, distinctVectors, type VectorCounts } from "./vectors.js";

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

export function estimateU(
  table: RecordTable,
  comparisons: readonly CompiledComparison[],
  { seed, budget, minPerLevel }: { seed: number; budget: number; minPerLevel: number },
): { u: LevelProbabilities; pairs: number } {
  const random = seededRandom(seed);
  const counts = comparisons.map((comparison) => new Float64Array(comparison.levelCount));
  const n = table.size;
  let sampled = 0;
  const enough = () => counts.every((levels) => levels.every((count, level) => level === 0 || count >= minPerLevel));
  const allPairs = (n * (n - 1)) / 2;
  if (n >= 2 && allPairs <= budget && !enough()) {
    // Few records: every pair once, rather than the budget in random draws of the same few pairs.
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        comparisons.forEach((comparison, c) => {
          const levels = counts[c] as Float64Array;
          const level = comparison.level(i, j);
          levels[level] = (levels[level] as number) + 1;
        });
        sampled++;
      }
    }
  } else if (n >= 2) {
    const round = 50_000;
    while (sampled < budget && !enough()) {
      for (let k = 0; k < round && sampled < budget; k++) {
        const i = Math.floor(random() * n);
        let j = Math.floor(random() * (n - 1));
        if (j >= i) j++;
        comparisons.forEach((comparison, c) => {
          const levels = counts[c] as Float64Array;
          const level = comparison.level(i, j);
          levels[level] = (levels[level] as number) + 1;
        });
        sampled++;
      }
    }
  }
  const u = comparisons.map((comparison, c) => {
    const levels = counts[c] as Float64Array;
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
  return { u, pairs: sampled };
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
): TrainedParameters {
  const { u, pairs: randomPairs } = estimateU(table, comparisons, {
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

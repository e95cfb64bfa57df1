/**
 * The trained model (stored in the store's dedupe_models table and printed by --show-model): the prior, and for
 * every comparison level its m, u and match weight log2(m/u); plus the term-frequency tables the model was
 * trained with, so that a later incremental run scores new pairs exactly as a full run would.
 *
 * Scoring a pair (Fellegi-Sunter, in Splink's additive form): match weight = log2(prior / (1 - prior)) + the
 * sum of each comparison's level weight + term-frequency adjustments; match probability = 1 / (1 + 2^-weight).
 * The term-frequency adjustment of an exact level replaces the level's average u with the agreed value's own
 * share of records (Splink's tf adjustment, log2(u / tf)): agreeing on "Smith" or 王 counts less than on "Zolnay".
 */
import type { FeatureColumn, RecordTable } from "./features.js";
import { type CompiledComparison, levelLabel } from "./levels.js";
import type { ComparisonSpec, FeatureName, LevelSpec } from "./spec.js";
import type { LevelProbabilities } from "./training.js";

export const MODEL_VERSION = 1;

export interface LevelModel {
  label: string;
  m: number;
  u: number;
  weight: number;
  /** The feature whose value frequencies adjust this level, when it has a term-frequency adjustment. */
  tf?: FeatureName;
}

export interface ComparisonModel {
  name: string;
  /** Index = level: 0 null (weight 0), then the spec's levels, then else. */
  levels: LevelModel[];
}

/**
 * Value counts of a feature when the model was trained: `values[k]` was held by `counts[k]` records; values held
 * by one record are left out (count 1). Two parallel arrays rather than an object keyed by value: a million-record
 * model holds ~650,000 of them, and JSON.parse of an object that size (then a lookup per value) cost an
 * incremental run 0.4 s, arrays a third of it.
 */
export interface TermFrequencies {
  filled: number;
  values: string[];
  counts: number[];
}

/** How models stored before the arrays kept their frequencies (still read: a stored model is never rewritten). */
interface KeyedTermFrequencies {
  filled: number;
  counts: Record<string, number>;
}

/** A stored model's frequencies of one feature, by value, in either shape. */
export function termCounts(tf: TermFrequencies | KeyedTermFrequencies): Map<string, number> {
  if ("values" in tf) {
    const counts = new Map<string, number>();
    for (let k = 0; k < tf.values.length; k++) counts.set(tf.values[k] as string, tf.counts[k] as number);
    return counts;
  }
  return new Map(Object.entries(tf.counts));
}

export interface DedupeModel {
  version: number;
  prior: number;
  records: number;
  seed: number;
  comparisons: ComparisonModel[];
  specs: ComparisonSpec[];
  termFrequencies: Partial<Record<FeatureName, TermFrequencies | KeyedTermFrequencies>>;
}

export const priorWeight = (prior: number) => Math.log2(prior / (1 - prior));

export function probabilityOf(weight: number): number {
  return 1 / (1 + 2 ** -weight);
}

export function buildModel(
  specs: ComparisonSpec[],
  table: RecordTable,
  parameters: { m: LevelProbabilities; u: LevelProbabilities; prior: number },
  seed: number,
): DedupeModel {
  const termFrequencies: DedupeModel["termFrequencies"] = {};
  const comparisons = specs.map((spec, c) => {
    const levelCount = spec.levels.length + 2;
    const levels: LevelModel[] = [];
    for (let level = 0; level < levelCount; level++) {
      const m = level === 0 ? 1 : ((parameters.m[c] as number[])[level] as number);
      const u = level === 0 ? 1 : ((parameters.u[c] as number[])[level] as number);
      const definition = spec.levels[level - 1] as LevelSpec | undefined;
      const tf = definition?.kind === "exact" && definition.tf ? (definition.feature ?? spec.feature) : undefined;
      levels.push({ label: levelLabel(spec, level), m, u, weight: level === 0 ? 0 : Math.log2(m / u), ...(tf ? { tf } : {}) });
      if (tf && !termFrequencies[tf]) termFrequencies[tf] = frequencies(table, tf);
    }
    return { name: spec.name, levels };
  });
  return { version: MODEL_VERSION, prior: parameters.prior, records: table.size, seed, comparisons, specs, termFrequencies };
}

function frequencies(table: RecordTable, feature: FeatureName): TermFrequencies {
  const column = table.column(feature);
  const values: string[] = [];
  const counts: number[] = [];
  column.counts.forEach((count, id) => {
    if (count > 1) {
      values.push(column.values[id] as string);
      counts.push(count);
    }
  });
  return { filled: column.filled, values, counts };
}

/**
 * Scores pairs with a model: per comparison level, its weight and (for tf levels) the per-value adjustment,
 * looked up through the table's value ids once (a Float64Array per feature), not per pair.
 */
export class PairScorer {
  private readonly base: number;
  private readonly weights: Float64Array[];
  /** Per comparison, per level: the adjustment per value id of the level's feature, or undefined. */
  private readonly adjustments: (Float64Array | undefined)[][];
  private readonly tfIds: (Int32Array | undefined)[][];

  /**
   * `trainedOnTable`: the model was just trained on the table the comparisons read, so its frequencies are the
   * columns' own counts and need no lookup by value (a million distinct emails looked up cost 2 s).
   */
  constructor(
    readonly model: DedupeModel,
    comparisons: readonly CompiledComparison[],
    trainedOnTable = false,
  ) {
    this.base = priorWeight(model.prior);
    this.weights = model.comparisons.map((comparison) => Float64Array.from(comparison.levels, (level) => level.weight));
    this.adjustments = [];
    this.tfIds = [];
    const countsByFeature = new Map<FeatureName, Uint32Array>();
    const countsOf = (feature: FeatureName, column: FeatureColumn) => {
      let counts = countsByFeature.get(feature);
      if (!counts) {
        counts = storedCounts(model.termFrequencies[feature], column);
        countsByFeature.set(feature, counts);
      }
      return counts;
    };
    model.comparisons.forEach((comparison, c) => {
      this.adjustments.push(
        comparison.levels.map((level, index) => {
          const feature = level.tf;
          if (!feature) return undefined;
          const column = (comparisons[c] as CompiledComparison).levelColumn(index);
          const filled = model.termFrequencies[feature]?.filled || column.filled || 1;
          if (trainedOnTable) return Float64Array.from(column.counts, (count) => tfAdjustment(level.u, count / filled));
          return Float64Array.from(countsOf(feature, column), (count) => tfAdjustment(level.u, count / filled));
        }),
      );
      this.tfIds.push(
        comparison.levels.map((level, index) => (level.tf ? (comparisons[c] as CompiledComparison).levelColumn(index).ids : undefined)),
      );
    });
  }

  /** The match weight of the pair (rows i, j) whose levels are levels[offset .. offset + comparisons). */
  weight(levels: Uint8Array, offset: number, i: number): number {
    let weight = this.base;
    for (let c = 0; c < this.weights.length; c++) {
      const level = levels[offset + c] as number;
      weight += (this.weights[c] as Float64Array)[level] as number;
      const adjustment = (this.adjustments[c] as (Float64Array | undefined)[])[level];
      if (adjustment) weight += adjustment[((this.tfIds[c] as Int32Array[])[level] as Int32Array)[i] as number] as number;
    }
    return weight;
  }

  /** The term-frequency adjustment of comparison c at this level for row i (0 when the level has none). */
  adjustment(c: number, level: number, i: number): number {
    const adjustment = (this.adjustments[c] as (Float64Array | undefined)[])[level];
    return adjustment ? (adjustment[((this.tfIds[c] as Int32Array[])[level] as Int32Array)[i] as number] as number) : 0;
  }

  get priorWeight(): number {
    return this.base;
  }
}

/**
 * Per value of the column, how many records held it when the model was trained (1 for a value it never saw or saw
 * once). Whichever side is smaller is indexed: an incremental run's column holds a few thousand values, the
 * model ~650,000; a full run with a stored model the other way round.
 */
function storedCounts(tf: TermFrequencies | KeyedTermFrequencies | undefined, column: FeatureColumn): Uint32Array {
  const counts = new Uint32Array(column.values.length).fill(1);
  if (!tf) return counts;
  if (!("values" in tf)) {
    column.values.forEach((value, id) => {
      counts[id] = tf.counts[value] ?? 1;
    });
    return counts;
  }
  if (column.values.length < tf.values.length) {
    const idOf = new Map<string, number>();
    column.values.forEach((value, id) => {
      idOf.set(value, id);
    });
    for (let k = 0; k < tf.values.length; k++) {
      const id = idOf.get(tf.values[k] as string);
      if (id !== undefined) counts[id] = tf.counts[k] as number;
    }
  } else {
    const stored = termCounts(tf);
    column.values.forEach((value, id) => {
      counts[id] = stored.get(value) ?? 1;
    });
  }
  return counts;
}

/**
 * log2(u / tf): positive for a rare value, negative for a common one. Bounded so that one value held by half the
 * records cannot outweigh everything else (and a value seen once is not worth more than ~20 bits).
 */
export function tfAdjustment(u: number, tf: number): number {
  return Math.max(-10, Math.min(10, Math.log2(u / Math.max(tf, 1e-9))));
}

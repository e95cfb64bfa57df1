/**
 * Comparison vectors (Splink's gamma): for each candidate pair, the level of every comparison, as one byte per
 * comparison in a flat array (pair-major). Training counts the distinct vectors, scoring sums their weights.
 */
import type { CompiledComparison } from "./levels.js";

export interface ComparisonVectors {
  /** levels[p * comparisons + c]: pair p's level in comparison c. */
  levels: Uint8Array;
  pairs: number;
  comparisons: number;
}

export function comparisonVectors(comparisons: readonly CompiledComparison[], a: Int32Array, b: Int32Array, count = a.length): ComparisonVectors {
  const width = comparisons.length;
  const levels = new Uint8Array(count * width);
  // Comparison by comparison, so each one's columns stay in cache across the pairs.
  for (let c = 0; c < width; c++) {
    const comparison = comparisons[c] as CompiledComparison;
    for (let p = 0; p < count; p++) levels[p * width + c] = comparison.level(a[p] as number, b[p] as number);
  }
  return { levels, pairs: count, comparisons: width };
}

/** Distinct vectors and how many pairs have each: EM works on these (thousands) rather than on millions of pairs. */
export interface VectorCounts {
  vectors: Uint8Array[];
  counts: number[];
}

export function countVectors(vectors: ComparisonVectors, include?: (pair: number) => boolean): VectorCounts {
  const { levels, pairs, comparisons } = vectors;
  const index = new Map<string, number>();
  const result: VectorCounts = { vectors: [], counts: [] };
  for (let p = 0; p < pairs; p++) {
    if (include && !include(p)) continue;
    const slice = levels.subarray(p * comparisons, (p + 1) * comparisons);
    const key = String.fromCharCode(...slice);
    let at = index.get(key);
    if (at === undefined) {
      at = result.vectors.length;
      index.set(key, at);
      result.vectors.push(slice.slice());
      result.counts.push(0);
    }
    result.counts[at] = (result.counts[at] as number) + 1;
  }
  return result;
}

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

export function comparisonVectors(
  comparisons: readonly CompiledComparison[],
  a: Int32Array,
  b: Int32Array,
  count = a.length,
): ComparisonVectors {
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

/** Every pair's vector as an index into the distinct vectors: computed once, then each training session only counts. */
export interface DistinctVectors {
  vectors: Uint8Array[];
  /** Per pair: its vector's index in `vectors`. */
  ofPair: Int32Array;
}

export function distinctVectors(vectors: ComparisonVectors): DistinctVectors {
  const { levels, pairs, comparisons } = vectors;
  // A vector as a number (base 32 digits: levels are below 32) while that stays exact, else as a string.
  const numeric = comparisons <= 10;
  const index = new Map<number | string, number>();
  const distinct: Uint8Array[] = [];
  const ofPair = new Int32Array(pairs);
  for (let p = 0; p < pairs; p++) {
    const offset = p * comparisons;
    let key: number | string;
    if (numeric) {
      key = 0;
      for (let c = 0; c < comparisons; c++) key = key * 32 + (levels[offset + c] as number);
    } else key = String.fromCharCode.apply(null, levels.subarray(offset, offset + comparisons) as unknown as number[]);
    let at = index.get(key);
    if (at === undefined) {
      at = distinct.length;
      index.set(key, at);
      distinct.push(levels.slice(offset, offset + comparisons));
    }
    ofPair[p] = at;
  }
  return { vectors: distinct, ofPair };
}

/** How many pairs (those `include` accepts, or all) have each distinct vector; vectors no pair has are left out. */
export function countVectors(distinct: DistinctVectors, include?: (pair: number) => boolean): VectorCounts {
  const counts = new Float64Array(distinct.vectors.length);
  const { ofPair } = distinct;
  for (let p = 0; p < ofPair.length; p++)
    if (!include || include(p)) counts[ofPair[p] as number] = (counts[ofPair[p] as number] as number) + 1;
  const result: VectorCounts = { vectors: [], counts: [] };
  counts.forEach((count, v) => {
    if (count > 0) {
      result.vectors.push(distinct.vectors[v] as Uint8Array);
      result.counts.push(count);
    }
  });
  return result;
}

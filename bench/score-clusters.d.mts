/** Types for the pairwise scorer (plain JavaScript so the benchmark runs without a build). */
export interface PairwiseScore {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
  truePairs: number;
  predictedPairs: number;
}
export function pairsIn(n: number): number;
export function scorePairwise(
  predicted: Map<string, string | number | null | undefined>,
  truth: Map<string, string | number>,
): PairwiseScore;

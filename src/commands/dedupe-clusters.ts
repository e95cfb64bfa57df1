/**
 * The glue between the dedupe stage and what is written, shared by the store command and the file filter: the
 * edges to join (this run's matches, plus, on an incremental run, the stored matches it did not re-score), the
 * pairs as stored (in key order, with their explanations), the settings key that decides retraining, and the
 * cluster summary.
 */
import type { Clustering, ScoredEdges } from "../stages/dedupe/cluster.js";
import type { DedupeOutcome } from "../stages/dedupe/index.js";
import type { DedupeSettings } from "../stages/dedupe/spec.js";
import type { CurrentDecision } from "../store/decisions.js";
import type { ClusterSummary } from "./dedupe.js";

/** The row of a record id in the table (ids ascending), or -1. */
export function rowOf(ids: Float64Array, id: number): number {
  let low = 0;
  let high = ids.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = ids[middle] as number;
    if (value === id) return middle;
    if (value < id) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

export function matchEdges(
  outcome: DedupeOutcome,
  threshold: number,
  incremental?: { stored: { a: number[]; b: number[]; probability: number[] }; stale: Set<number>; ids: Float64Array },
): ScoredEdges {
  const a: number[] = [];
  const b: number[] = [];
  const probability: number[] = [];
  if (incremental) {
    const { stored, stale, ids } = incremental;
    for (let k = 0; k < stored.a.length; k++) {
      const left = stored.a[k] as number;
      const right = stored.b[k] as number;
      if (stale.has(left) || stale.has(right)) continue;
      const x = rowOf(ids, left);
      const y = rowOf(ids, right);
      if (x < 0 || y < 0) continue; // a record no longer current
      a.push(x);
      b.push(y);
      probability.push(stored.probability[k] as number);
    }
  }
  const { pairs } = outcome;
  for (let k = 0; k < pairs.count; k++) {
    if ((pairs.probability[k] as number) < threshold) continue;
    a.push(pairs.a[k] as number);
    b.push(pairs.b[k] as number);
    probability.push(pairs.probability[k] as number);
  }
  return { a: Int32Array.from(a), b: Int32Array.from(b), probability: Float64Array.from(probability) };
}

/** As stored in pairs.explanation: comparison → [level, weight including its term-frequency adjustment]. */
export function pairExplanation(outcome: DedupeOutcome, k: number): string {
  const { pairs, model, scorer } = outcome;
  const width = pairs.comparisons;
  const names = quotedNames(model);
  let json = "";
  for (let c = 0; c < width; c++) {
    const level = pairs.levels[k * width + c] as number;
    if (level === 0) continue;
    const comparison = model.comparisons[c];
    if (!comparison) continue;
    const weight = (comparison.levels[level]?.weight ?? 0) + scorer.adjustment(c, level, pairs.a[k] as number);
    json += `${json === "" ? "{" : ","}${names[c]}:[${level},${Math.round(weight * 100) / 100}]`;
  }
  return json === "" ? "{}" : `${json}}`;
}

/** The comparisons' names as JSON strings, made once per model (every stored pair repeats them). */
const quoted = new WeakMap<object, string[]>();
function quotedNames(model: DedupeOutcome["model"]): string[] {
  let names = quoted.get(model);
  if (!names) {
    names = model.comparisons.map((comparison) => JSON.stringify(comparison.name));
    quoted.set(model, names);
  }
  return names;
}

const SIZE_BANDS: [string, number, number][] = [
  ["1", 1, 1],
  ["2", 2, 2],
  ["3", 3, 3],
  ["4", 4, 4],
  ["5-9", 5, 9],
  ["10+", 10, Number.POSITIVE_INFINITY],
];

export function clusterSizes(
  clusterIds: ArrayLike<number | null>,
  clustering: Clustering | undefined,
  ids: { kept: number; created: number; joined: number },
): ClusterSummary {
  const bySize: Record<string, number> = {};
  let largest = 0;
  let clusters = 0;
  for (const [size, n] of clusterSizeCounts(clusterIds)) {
    clusters += n;
    largest = Math.max(largest, size);
    const band = SIZE_BANDS.find(([, low, high]) => size >= low && size <= high);
    if (band) bySize[band[0]] = (bySize[band[0]] ?? 0) + n;
  }
  return {
    count: clusters,
    bySize,
    largest,
    split: (clustering?.splits ?? []).map((split) => ({
      members: split.members.length,
      parts: split.parts.map((part) => part.length),
      reason: split.reason,
    })),
    kept: ids.kept,
    created: ids.created,
    joined: ids.joined,
  };
}

/**
 * How many clusters have each size (records without a cluster left out): size → clusters. Cluster ids are
 * record ids: mostly counted in an array indexed by id; sorted, and runs of equal ids counted, when they are not
 * whole numbers near the record count (a sort of a million was 0.1 s of an incremental run). A summary of a
 * million records has a few dozen sizes, so nothing per cluster is kept.
 */
export function clusterSizeCounts(clusterIds: ArrayLike<number | null>): Map<number, number> {
  const n = clusterIds.length;
  // A typed array's elements are plain numbers (NaN for none): read through one, the loops stay monomorphic.
  const values = clusterIds instanceof Float64Array ? clusterIds : Float64Array.from({ length: n }, (_, k) => clusterIds[k] ?? Number.NaN);
  let max = -1;
  let counted = true;
  for (let k = 0; k < n; k++) {
    const id = values[k] as number;
    if (Number.isNaN(id)) continue;
    if (!Number.isInteger(id) || id < 0) counted = false;
    else if (id > max) max = id;
  }
  const bySize = new Map<number, number>();
  const tally = (size: number) => bySize.set(size, (bySize.get(size) ?? 0) + 1);
  if (counted && max <= 4 * n + 1_000_000) {
    const counts = new Uint32Array(max + 1);
    for (let k = 0; k < n; k++) {
      const id = values[k] as number;
      if (!Number.isNaN(id)) counts[id] = (counts[id] as number) + 1;
    }
    // Sizes 1 to 4 are nearly every cluster: counted in an array, the rest in the map.
    const small = new Float64Array(5);
    for (let id = 0; id <= max; id++) {
      const size = counts[id] as number;
      if (size === 0) continue;
      if (size < 5) small[size] = (small[size] as number) + 1;
      else tally(size);
    }
    for (let size = 1; size < 5; size++) if ((small[size] as number) > 0) bySize.set(size, small[size] as number);
    return bySize;
  }
  // Sorted, a cluster's records are one run of equal ids (NaN sorts last).
  const sorted = Float64Array.from(values).sort();
  for (let start = 0; start < sorted.length && !Number.isNaN(sorted[start] as number); ) {
    let end = start + 1;
    while (end < sorted.length && sorted[end] === sorted[start]) end++;
    tally(end - start);
    start = end;
  }
  return bySize;
}

/**
 * What decides whether the stored model and pairs still apply: a change of `model` trains a new model; a change
 * of `thresholds` only scores every pair again with the stored one (which pairs are kept and decided depends on them).
 */
export function settingsKey(settings: DedupeSettings): string {
  const { comparisons, blockingRules, threshold, reviewThreshold, maxBlockSize, seed } = settings;
  return JSON.stringify({ model: { comparisons, blockingRules, maxBlockSize, seed }, thresholds: { threshold, reviewThreshold } });
}

export function modelPart(key: string): string {
  try {
    return JSON.stringify((JSON.parse(key) as { model?: unknown }).model ?? key);
  } catch {
    return key;
  }
}

export function countAtLeast(outcome: DedupeOutcome, threshold: number): number {
  let matches = 0;
  for (let k = 0; k < outcome.pairs.count; k++) if ((outcome.pairs.probability[k] as number) >= threshold) matches++;
  return matches;
}

export function pairRows(outcome: DedupeOutcome, ids: Float64Array, settings: DedupeSettings) {
  const { pairs } = outcome;
  // In key order (rows follow record ids): `pairs` is clustered on (record_a, record_b), and appending in order
  // writes each page once instead of splitting pages all over the table.
  const order = Array.from({ length: pairs.count }, (_, k) => k).sort(
    (x, y) => (pairs.a[x] as number) - (pairs.a[y] as number) || (pairs.b[x] as number) - (pairs.b[y] as number),
  );
  return {
    count: pairs.count,
    row: (index: number): [number, number, number, number, string, string, "match" | "review"] => {
      const k = order[index] as number;
      const probability = pairs.probability[k] as number;
      return [
        ids[pairs.a[k] as number] as number,
        ids[pairs.b[k] as number] as number,
        pairs.weight[k] as number,
        probability,
        settings.blockingRules[pairs.rule[k] as number]?.name ?? "?",
        pairExplanation(outcome, k),
        probability >= settings.threshold ? "match" : "review",
      ];
    },
  };
}

/**
 * A turn of the event loop between phases: on a terminal the spinner's interrupt handler runs there, so Ctrl-C
 * stops the run within one phase (seconds at a million records) instead of after the last one.
 */
export const letInterruptsThrough = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Edges this strong are never cut by the chaining guard. */
export function strongThreshold(threshold: number): number {
  return Math.max(threshold, 0.999);
}

/**
 * The links to cluster after people's decisions (store/decisions.ts): records said to be the same person get a
 * certain link (p = 1: never cut), records said to be different people lose their direct link and are kept apart
 * (keep-apart.ts). `rowOfId` maps a record id to its index in the edges (-1: not among them).
 */
export function withDecisions(
  edges: ScoredEdges,
  decisions: readonly CurrentDecision[],
  rowOfId: (id: number) => number,
): { edges: ScoredEdges; apart: { a: number[]; b: number[] } } {
  const apart = { a: [] as number[], b: [] as number[] };
  const different = new Set<string>();
  const a = Array.from(edges.a);
  const b = Array.from(edges.b);
  const probability = Array.from(edges.probability);
  for (const decision of decisions) {
    const x = rowOfId(decision.a);
    const y = rowOfId(decision.b);
    if (x < 0 || y < 0) continue;
    if (decision.decision === "same") {
      a.push(x);
      b.push(y);
      probability.push(1);
    } else {
      apart.a.push(x);
      apart.b.push(y);
      different.add(`${Math.min(x, y)} ${Math.max(x, y)}`);
    }
  }
  if (different.size === 0 && a.length === edges.a.length) return { edges, apart };
  const keep = a.map((x, k) => !different.has(`${Math.min(x, b[k] as number)} ${Math.max(x, b[k] as number)}`));
  return {
    edges: {
      a: Int32Array.from(a.filter((_, k) => keep[k])),
      b: Int32Array.from(b.filter((_, k) => keep[k])),
      probability: Float64Array.from(probability.filter((_, k) => keep[k])),
    },
    apart,
  };
}

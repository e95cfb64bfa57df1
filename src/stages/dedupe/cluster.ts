/**
 * Clusters: connected components of the match graph at the threshold, with a guard against chaining (Splink
 * #1824 / #2653, dedupe #1004: two people joined only because A~B, B~C, C~D each cleared the threshold).
 *
 * The guard has two steps, both applied inside each connected component:
 *
 * 1. Weak bridges (Tarjan, "A note on finding the bridges of a graph", Inf. Proc. Letters 2(6), 1974). A bridge is
 *    an edge on no cycle: the component hangs together only through it. A bridge is cut when it is weak
 *    (probability < strongThreshold) and each side it separates holds at least two records. Bridges are tried
 *    weakest first (ties by record indices), each against the part it lies in at that moment. A single record
 *    hanging on one link is never cut off, so a person's star (every duplicate linked to the original only) and a
 *    path of three stay whole, and no cut ever leaves a singleton behind.
 *    Removing a bridge destroys no cycle, so the remaining bridges are exactly the parts' bridges, and a bridge
 *    rejected because a side was too small stays rejected as parts only shrink: one weakest-first pass is already
 *    the fixed point of "cut, then repeat on the parts".
 * 2. Sparse giants (edge density, as in Splink's cluster metrics: edges / (k(k-1)/2)). A part of more than
 *    LARGE_CLUSTER_SIZE records with density below MIN_DENSITY is not one person however its links run; it is
 *    re-clustered by CENTER clustering (Hassanzadeh, Chiang, Lee, Miller, "Framework for evaluating clustering
 *    algorithms in duplicate detection", PVLDB 2(1), 2009; after Haveliwala et al. 2000): edges by probability
 *    descending; an edge between two unassigned records makes one the centre (the one with more links, so a large
 *    star keeps its hub) and the other its member; an edge from a centre to an unassigned record adds it; every
 *    other edge is ignored. Each resulting cluster is a star around its centre, so it cannot chain.
 *
 * 3. People's decisions (keep-apart.ts): a part holding two records a person said are different people is
 *    clustered again by constrained single linkage, so no chain of links can put them together.
 *
 * Everything is typed arrays, counting sorts, union-find and iterative walks, so a million records and a few
 * million edges take well under two seconds. The input edges are put in one canonical order (by a, then b, with
 * duplicates merged at their highest probability) before anything looks at them, so the result never depends on
 * the order the edges came in.
 */

import { describeSplits } from "./cluster-splits.js";
import { Fenwick, insertionOrNativeSort, MaxSegments, orderByProbability, UnionFind } from "./graph-tools.js";
import { keepApart } from "./keep-apart.js";

export interface ScoredEdges {
  a: Int32Array;
  b: Int32Array;
  probability: Float64Array;
} // record indices 0..n-1, a<b

export interface ClusterOptions {
  /** Edges with probability >= threshold link their records. */
  threshold: number;
  /** A bridge at or above this probability is never cut (e.g. 0.999). */
  strongThreshold: number;
  /** Pairs of records a person said are different people (keep-apart.ts): never in one cluster. */
  apart?: { a: ArrayLike<number>; b: ArrayLike<number> } | undefined;
}

export interface ClusterSplit {
  /** The records of the connected component that was split, ascending. */
  members: number[];
  /** Its final clusters, each ascending, ordered by their smallest record. */
  parts: number[][];
  /** The links at or above the threshold that now run between different parts, by (a, b). */
  cut: { a: number; b: number; probability: number }[];
  /** One line a user can read. */
  reason: string;
}

export interface Clustering {
  /** Per record: the smallest record index of its cluster. */
  component: Int32Array;
  splits: ClusterSplit[];
  /** Number of clusters, single records included. */
  clusterCount: number;
}

/** Parts of more records than this are checked for density (a person rarely has this many records). */
export const LARGE_CLUSTER_SIZE = 20;
/** A large part whose edge density is below this is re-clustered by CENTER clustering. */
export const MIN_DENSITY = 0.2;

/** Edges in canonical order: a < b, sorted by (a, b), each pair once at its highest probability. */
export interface CanonicalEdges {
  a: Int32Array;
  b: Int32Array;
  p: Float64Array;
  count: number;
}

export function clusterRecords(n: number, edges: ScoredEdges, options: ClusterOptions): Clustering {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`clusterRecords: n must be a whole number >= 0, got ${n}`);
  const canonical = canonicalEdges(n, edges, options.threshold);
  const m = canonical.count;

  // Connected components at the threshold.
  const whole = new UnionFind(n);
  for (let e = 0; e < m; e++) whole.union(canonical.a[e]!, canonical.b[e]!);

  const adjacency = buildAdjacency(n, canonical);
  const cut = new Uint8Array(m); // 1: cut as a weak bridge, 2: dropped by CENTER clustering, 3: kept apart
  const bridgesCut = cutWeakBridges(n, canonical, adjacency, whole, options.strongThreshold, cut);

  // Parts after the bridge cuts.
  const parts = new UnionFind(n);
  for (let e = 0; e < m; e++) if (cut[e] === 0) parts.union(canonical.a[e]!, canonical.b[e]!);
  const centred = recentreSparseGiants(n, canonical, parts, cut);
  const parted = options.apart ? keepApart(n, canonical, cut, 3, options.apart, standingParts(n, canonical, cut)) : new Map();

  // Final clusters: the edges still standing.
  const final = new UnionFind(n);
  for (let e = 0; e < m; e++) if (cut[e] === 0) final.union(canonical.a[e]!, canonical.b[e]!);
  const component = new Int32Array(n);
  const smallest = new Int32Array(n).fill(-1);
  let clusterCount = 0;
  for (let i = 0; i < n; i++) {
    const root = final.find(i);
    if (smallest[root] === -1) {
      smallest[root] = i;
      clusterCount++;
    }
    component[i] = smallest[root]!;
  }

  const splits = describeSplits(n, canonical, whole, component, cut, bridgesCut, centred, parted);
  return { component, splits, clusterCount };
}

/** The parts the standing links (not cut) make. */
function standingParts(n: number, edges: CanonicalEdges, cut: Uint8Array): UnionFind {
  const parts = new UnionFind(n);
  for (let e = 0; e < edges.count; e++) if (cut[e] === 0) parts.union(edges.a[e]!, edges.b[e]!);
  return parts;
}

/** Valid links at the threshold, reversed pairs turned round, self-links and duplicates dropped, sorted by (a, b). */
function canonicalEdges(n: number, edges: ScoredEdges, threshold: number): CanonicalEdges {
  const total = Math.min(edges.a.length, edges.b.length, edges.probability.length);
  const keep = new Int32Array(total);
  let kept = 0;
  for (let e = 0; e < total; e++) {
    const a = edges.a[e]!;
    const b = edges.b[e]!;
    const p = edges.probability[e]!;
    // NaN fails p >= threshold, so an unscored pair never links.
    if (a === b || a < 0 || b < 0 || a >= n || b >= n || !(p >= threshold)) continue;
    keep[kept++] = e;
  }
  // By a with one counting sort; then each row's b values deduplicated (a stamp per b) and sorted in place.
  const rowStart = new Int32Array(n + 1);
  for (let k = 0; k < kept; k++) {
    const e = keep[k]!;
    rowStart[Math.min(edges.a[e]!, edges.b[e]!) + 1]!++;
  }
  for (let v = 0; v < n; v++) rowStart[v + 1]! += rowStart[v]!;
  const fill = rowStart.slice(0, n);
  const rowOther = new Int32Array(kept);
  const rowP = new Float64Array(kept);
  for (let k = 0; k < kept; k++) {
    const e = keep[k]!;
    const x = edges.a[e]!;
    const y = edges.b[e]!;
    const slot = fill[Math.min(x, y)]!++;
    rowOther[slot] = Math.max(x, y);
    rowP[slot] = edges.probability[e]!;
  }
  const stamp = new Int32Array(n).fill(-1);
  const best = new Float64Array(n);
  const a = new Int32Array(kept);
  const b = new Int32Array(kept);
  const p = new Float64Array(kept);
  let count = 0;
  for (let v = 0; v < n; v++) {
    const from = count;
    for (let k = rowStart[v]!; k < rowStart[v + 1]!; k++) {
      const w = rowOther[k]!;
      if (stamp[w] === v) {
        if (rowP[k]! > best[w]!) best[w] = rowP[k]!;
        continue;
      }
      stamp[w] = v;
      best[w] = rowP[k]!;
      b[count++] = w;
    }
    if (count - from > 1) insertionOrNativeSort(b, from, count);
    for (let k = from; k < count; k++) {
      a[k] = v;
      p[k] = best[b[k]!]!;
    }
  }
  return { a, b, p, count };
}

/** Compressed sparse rows: the neighbours of v are neighbour[start[v] .. start[v+1]), with the edge each runs along. */
interface Adjacency {
  start: Int32Array;
  neighbour: Int32Array;
  edge: Int32Array;
}

function buildAdjacency(n: number, edges: CanonicalEdges): Adjacency {
  const start = new Int32Array(n + 1);
  for (let e = 0; e < edges.count; e++) {
    start[edges.a[e]! + 1]!++;
    start[edges.b[e]! + 1]!++;
  }
  for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, n);
  const neighbour = new Int32Array(2 * edges.count);
  const edge = new Int32Array(2 * edges.count);
  for (let e = 0; e < edges.count; e++) {
    const a = edges.a[e]!;
    const b = edges.b[e]!;
    neighbour[fill[a]!] = b;
    edge[fill[a]!++] = e;
    neighbour[fill[b]!] = a;
    edge[fill[b]!++] = e;
  }
  return { start, neighbour, edge };
}

/**
 * Step 1 of the guard. One iterative depth-first walk over the whole forest gives preorder numbers, subtree sizes
 * and Tarjan's low links; a tree edge parent→child is a bridge when low[child] > pre[parent]. Cutting bridges only
 * ever splits the walk's tree into subtrees, so a Fenwick tree over preorder positions tracks how many records
 * each subtree still holds, and a max segment tree over the same positions finds the part a record is in (its
 * deepest cut ancestor: cut subtrees nest, so the deepest has the largest preorder number). Each bridge costs
 * O(log n). Returns how many bridges each component lost, keyed by the component's root in `whole`.
 */
function cutWeakBridges(
  n: number,
  edges: CanonicalEdges,
  adjacency: Adjacency,
  whole: UnionFind,
  strongThreshold: number,
  cut: Uint8Array,
): Map<number, number> {
  const bridgesCut = new Map<number, number>();
  if (edges.count === 0) return bridgesCut;
  const componentSize = new Int32Array(n);
  for (let v = 0; v < n; v++) componentSize[whole.find(v)]!++;

  const pre = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const size = new Int32Array(n);
  const parentEdge = new Int32Array(n).fill(-1);
  const walkRoot = new Int32Array(n); // the record the walk of v's component started from
  const vertexAt = new Int32Array(n);
  const cursor = new Int32Array(n);
  const stack = new Int32Array(n);
  const bridgeEdges = new Int32Array(n); // weak bridges worth trying (at most one per record: its parent edge)
  let bridgeCount = 0;
  let clock = 0;

  for (let root = 0; root < n; root++) {
    if (pre[root] !== -1 || componentSize[whole.find(root)]! < 4) continue;
    let depth = 0;
    stack[depth++] = root;
    pre[root] = low[root] = clock;
    vertexAt[clock++] = root;
    cursor[root] = adjacency.start[root]!;
    walkRoot[root] = root;
    while (depth > 0) {
      const v = stack[depth - 1]!;
      if (cursor[v]! < adjacency.start[v + 1]!) {
        const k = cursor[v]!++;
        const e = adjacency.edge[k]!;
        if (e === parentEdge[v]) continue;
        const w = adjacency.neighbour[k]!;
        if (pre[w] === -1) {
          pre[w] = low[w] = clock;
          vertexAt[clock++] = w;
          cursor[w] = adjacency.start[w]!;
          parentEdge[w] = e;
          walkRoot[w] = root;
          stack[depth++] = w;
        } else if (pre[w]! < low[v]!) {
          low[v] = pre[w]!;
        }
        continue;
      }
      depth--;
      size[v]! += 1;
      if (depth > 0) {
        const parent = stack[depth - 1]!;
        size[parent]! += size[v]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
        const e = parentEdge[v]!;
        const total = componentSize[whole.find(root)]!;
        if (low[v]! > pre[parent]! && edges.p[e]! < strongThreshold && size[v]! >= 2 && total - size[v]! >= 2) {
          bridgeEdges[bridgeCount++] = e;
        }
      }
    }
  }
  if (bridgeCount === 0) return bridgesCut;

  // Weakest first; equal probabilities by the edge's record indices (the canonical order), never by walk order.
  const childOf = new Int32Array(edges.count);
  for (let k = 0; k < bridgeCount; k++) {
    const e = bridgeEdges[k]!;
    childOf[e] = parentEdge[edges.a[e]!] === e ? edges.a[e]! : edges.b[e]!;
  }
  const order = orderByProbability(edges.p, bridgeEdges.subarray(0, bridgeCount).sort(), false);

  const held = new Fenwick(clock); // position pre[v]: 1, minus the records of v's subtree once v is cut off
  for (let t = 0; t < clock; t++) held.add(t, 1);
  const deepestCut = new MaxSegments(clock);
  // Records still attached to v's subtree: v itself plus positions (pre[v], pre[v] + size[v]).
  const attached = (v: number) => 1 + held.sum(pre[v]! + 1, pre[v]! + size[v]! - 1);
  const partRoot = (v: number) => {
    const t = deepestCut.query(pre[v]!);
    return t < 0 ? walkRoot[v]! : vertexAt[t]!;
  };

  for (const e of order) {
    const child = childOf[e]!;
    const childSide = attached(child);
    if (childSide < 2) continue;
    const root = partRoot(child);
    const otherSide = attached(root) - childSide;
    if (otherSide < 2) continue;
    cut[e] = 1;
    held.add(pre[child]!, -childSide);
    // The records just cut off were already counted out of every ancestor above a cut part root; put them back
    // there so they are not counted out twice.
    if (root !== walkRoot[child]) held.add(pre[root]!, childSide);
    deepestCut.raise(pre[child]!, pre[child]! + size[child]! - 1, pre[child]!);
    const key = whole.find(child);
    bridgesCut.set(key, (bridgesCut.get(key) ?? 0) + 1);
  }
  return bridgesCut;
}

/**
 * Step 2 of the guard: parts larger than LARGE_CLUSTER_SIZE with density below MIN_DENSITY are re-clustered by
 * CENTER clustering; edges it does not keep are marked 2 in `cut`. Returns, per part root in `parts`, the part's
 * size and density, for the report.
 */
function recentreSparseGiants(
  n: number,
  edges: CanonicalEdges,
  parts: UnionFind,
  cut: Uint8Array,
): Map<number, { size: number; density: number }> {
  const centred = new Map<number, { size: number; density: number }>();
  const partSize = new Int32Array(n);
  for (let v = 0; v < n; v++) partSize[parts.find(v)]!++;
  const internal = new Int32Array(n);
  for (let e = 0; e < edges.count; e++) if (cut[e] === 0) internal[parts.find(edges.a[e]!)]!++;

  const giant = new Uint8Array(n);
  let any = false;
  for (let v = 0; v < n; v++) {
    const k = partSize[v]!;
    if (k <= LARGE_CLUSTER_SIZE) continue;
    const density = internal[v]! / ((k * (k - 1)) / 2);
    if (density >= MIN_DENSITY) continue;
    giant[v] = 1;
    centred.set(v, { size: k, density });
    any = true;
  }
  if (!any) return centred;

  const inGiant = new Int32Array(edges.count);
  let count = 0;
  const degree = new Int32Array(n);
  for (let e = 0; e < edges.count; e++) {
    if (cut[e] !== 0 || giant[parts.find(edges.a[e]!)] === 0) continue;
    inGiant[count++] = e;
    degree[edges.a[e]!]!++;
    degree[edges.b[e]!]!++;
  }
  // Strongest first; ties in canonical order so the result does not depend on input order.
  const chosen = orderByProbability(edges.p, inGiant.subarray(0, count), true);
  const NONE = -1;
  const centre = new Int32Array(n).fill(NONE); // a centre is its own centre
  const keepEdge = new Uint8Array(edges.count);
  for (const e of chosen) {
    const a = edges.a[e]!;
    const b = edges.b[e]!;
    if (centre[a] === NONE && centre[b] === NONE) {
      const hub = degree[a]! > degree[b]! || (degree[a] === degree[b] && a < b) ? a : b;
      centre[hub] = hub;
      centre[hub === a ? b : a] = hub;
      keepEdge[e] = 1;
    } else if (centre[a] === a && centre[b] === NONE) {
      centre[b] = a;
      keepEdge[e] = 1;
    } else if (centre[b] === b && centre[a] === NONE) {
      centre[a] = b;
      keepEdge[e] = 1;
    }
  }
  for (const e of chosen) if (keepEdge[e] === 0) cut[e] = 2;
  return centred;
}

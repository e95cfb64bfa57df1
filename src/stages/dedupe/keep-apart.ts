/**
 * People's decisions in clustering: two records a person said are different people never end in one cluster,
 * however a chain of matches runs between them (the caller drops their direct link and adds a certain link, p = 1,
 * for records said to be the same person).
 *
 * A cluster holding two records kept apart is clustered again by constrained single linkage (cannot-link
 * constraints, Wagstaff, Cardie, Rogers, Schrödl, "Constrained k-means clustering with background knowledge",
 * ICML 2001, applied to agglomerative clustering as in Davidson & Ravi, "Agglomerative hierarchical clustering
 * with constraints", SDM 2005): its standing links, strongest first, join their two groups unless that would put
 * two records kept apart together; a link that would is cut. The strongest evidence is kept, and each record
 * ends with the records it is most surely the same person as.
 */
import { UnionFind } from "./graph-tools.js";

export interface StandingEdges {
  a: Int32Array;
  b: Int32Array;
  p: Float64Array;
  count: number;
}

/**
 * Cuts (marks `cut[e] = mark`) the standing links (cut[e] === 0) that a cluster needs cut so that no pair in
 * `apart` shares one. Returns, per cluster root before the cuts (in `parts`), how many pairs it had to part.
 */
export function keepApart(
  n: number,
  edges: StandingEdges,
  cut: Uint8Array,
  mark: number,
  apart: { a: ArrayLike<number>; b: ArrayLike<number> },
  parts: UnionFind,
): Map<number, number> {
  const parted = new Map<number, number>();
  const partnersOf = new Map<number, number[]>();
  for (let k = 0; k < apart.a.length; k++) {
    const x = apart.a[k] as number;
    const y = apart.b[k] as number;
    if (x === y || x < 0 || y < 0 || x >= n || y >= n || parts.find(x) !== parts.find(y)) continue;
    parted.set(parts.find(x), (parted.get(parts.find(x)) ?? 0) + 1);
    partnersOf.set(x, [...(partnersOf.get(x) ?? []), y]);
    partnersOf.set(y, [...(partnersOf.get(y) ?? []), x]);
  }
  if (parted.size === 0) return parted;

  // The standing links of the clusters concerned, strongest first (ties by records: the same result in any order).
  const order: number[] = [];
  for (let e = 0; e < edges.count; e++) if (cut[e] === 0 && parted.has(parts.find(edges.a[e] as number))) order.push(e);
  order.sort(
    (x, y) =>
      (edges.p[y] as number) - (edges.p[x] as number) ||
      (edges.a[x] as number) - (edges.a[y] as number) ||
      (edges.b[x] as number) - (edges.b[y] as number),
  );

  const groups = new UnionFind(n);
  // Per group root: the records its members must be kept apart from.
  const forbidden = new Map<number, number[]>();
  for (const [record, partners] of partnersOf) forbidden.set(record, [...partners]);
  for (const e of order) {
    const x = groups.find(edges.a[e] as number);
    const y = groups.find(edges.b[e] as number);
    if (x === y) continue;
    const fromX = forbidden.get(x) ?? [];
    const fromY = forbidden.get(y) ?? [];
    if (fromX.some((record) => groups.find(record) === y) || fromY.some((record) => groups.find(record) === x)) {
      cut[e] = mark;
      continue;
    }
    groups.union(x, y);
    const root = groups.find(x);
    forbidden.delete(x);
    forbidden.delete(y);
    if (fromX.length + fromY.length > 0) forbidden.set(root, [...fromX, ...fromY]);
  }
  // A cut link's groups are never joined later: they hold a pair kept apart whatever else joins them.
  return parted;
}

/**
 * What clustering split, told so a person can follow it: each connected component that lost a link, its final
 * parts, the links now running between them, and why (weak bridges, a sparse giant re-clustered around centres,
 * people's decisions kept apart). Called by cluster.ts once the cuts are made.
 */
import type { CanonicalEdges, ClusterSplit } from "./cluster.js";
import type { UnionFind } from "./graph-tools.js";

export function describeSplits(
  n: number,
  edges: CanonicalEdges,
  whole: UnionFind,
  component: Int32Array,
  cut: Uint8Array,
  bridgesCut: Map<number, number>,
  centred: Map<number, { size: number; density: number }>,
  parted: Map<number, number>,
): ClusterSplit[] {
  // Components that lost a link, numbered in order of their smallest record; their records and parts in
  // ascending order fall out of one pass over the records.
  const splitIndexOfRoot = new Int32Array(n).fill(-1);
  for (let e = 0; e < edges.count; e++) if (cut[e] !== 0) splitIndexOfRoot[whole.find(edges.a[e]!)] = -2;
  const found: { members: number[]; parts: number[][]; cut: ClusterSplit["cut"]; root: number }[] = [];
  const partIndexOfLabel = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    const root = whole.find(v);
    let index = splitIndexOfRoot[root]!;
    if (index === -1) continue;
    if (index === -2) {
      index = found.length;
      splitIndexOfRoot[root] = index;
      found.push({ members: [], parts: [], cut: [], root });
    }
    const split = found[index]!;
    split.members.push(v);
    const label = component[v]!;
    if (partIndexOfLabel[label] === -1) {
      partIndexOfLabel[label] = split.parts.length;
      split.parts.push([]);
    }
    split.parts[partIndexOfLabel[label]!]!.push(v);
  }
  if (found.length === 0) return [];
  for (let e = 0; e < edges.count; e++) {
    const a = edges.a[e]!;
    const b = edges.b[e]!;
    if (component[a] === component[b]) continue;
    found[splitIndexOfRoot[whole.find(a)]!]!.cut.push({ a, b, probability: edges.p[e]! });
  }
  const giantsOf = new Map<number, string[]>();
  for (const [partRoot, giant] of centred) {
    const root = whole.find(partRoot);
    const text = `${giant.size} records with edge density ${giant.density.toFixed(3)} re-clustered around centres`;
    giantsOf.set(root, [...(giantsOf.get(root) ?? []), text]);
  }
  const out: ClusterSplit[] = [];
  for (const split of found) {
    const parts = split.parts;
    if (parts.length < 2) continue; // CENTER clustering dropped only links inside one star: nothing was split
    const reasons: string[] = [];
    const bridges = bridgesCut.get(split.root) ?? 0;
    if (bridges > 0) reasons.push(`held together only through ${bridges} weak link${bridges === 1 ? "" : "s"} (bridges)`);
    reasons.push(...(giantsOf.get(split.root) ?? []));
    const apart = [...parted].filter(([root]) => whole.find(root) === split.root).reduce((sum, [, pairs]) => sum + pairs, 0);
    if (apart > 0) reasons.push(`${apart} pair${apart === 1 ? "" : "s"} a person said are different people kept apart`);
    const reason = `${split.members.length} linked records split into ${parts.length} clusters: ${reasons.join("; ")}`;
    out.push({ members: split.members, parts, cut: split.cut, reason });
  }
  return out;
}

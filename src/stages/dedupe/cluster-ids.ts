/**
 * Stable cluster ids across runs, so that a cluster a user has looked at (or merged into a golden record) keeps
 * its name when a run adds, removes or moves a few records:
 *
 * - an old id passes to the new cluster holding most of the records that had it (tie: the cluster with the
 *   smallest record id); a cluster that is heir to several old ids (two clusters joined) takes the smallest, the
 *   oldest;
 * - a cluster heir to none (a part split off) takes the smallest of its records' old ids that no cluster took;
 * - any other cluster gets a new id: its smallest record id when no cluster, old or new, uses that id, else one
 *   above every id in use.
 *
 * Clusters are visited by their smallest record id, so the result depends only on the input, never on the order
 * of records or labels.
 */

export interface ClusterIdAssignment {
  /** Per record: its cluster's id. */
  clusterId: Float64Array;
  /** Clusters that carry on an id from the last run. */
  kept: number;
  /** Clusters that got a new id. */
  created: number;
  /** Old ids that name no cluster any more because their records joined a cluster with an older id. */
  joined: number;
}

/** recordIds[i] is record i's store id; previous[i] its cluster id from the last run (null: none). Returns a cluster id per record. */
/**
 * Ids held by clusters outside the records given (an incremental run re-clusters only the records near new and
 * changed ones): a new cluster never takes one, and `max` counts as in use. The clusters given must hold every
 * record of each old cluster they touch, as an incremental run's connected components do.
 */
export interface OutsideIds {
  has(id: number): boolean;
  max: number;
}

/**
 * The cluster ids of the rows not `inside`. Cluster ids are record ids, so mostly a bitmap over them (a Set of
 * a million ids cost 0.1 s); a Set when the ids run far beyond the records (a store that has seen many more).
 */
export function outsideIds(clusterIds: Float64Array, inside: Uint8Array): OutsideIds {
  let max = Number.NEGATIVE_INFINITY;
  for (let row = 0; row < inside.length; row++) {
    if (inside[row] !== 1 && (clusterIds[row] as number) > max) max = clusterIds[row] as number;
  }
  if (max > 4 * inside.length + 1_000_000) {
    const set = new Set<number>();
    for (let row = 0; row < inside.length; row++) if (inside[row] !== 1) set.add(clusterIds[row] as number);
    return { has: (id) => set.has(id), max };
  }
  const bitmap = new Uint8Array(Number.isFinite(max) ? max + 1 : 0);
  for (let row = 0; row < inside.length; row++) if (inside[row] !== 1) bitmap[clusterIds[row] as number] = 1;
  return { has: (id) => Number.isInteger(id) && id >= 0 && id <= max && bitmap[id] === 1, max };
}

export function assignClusterIds(
  recordIds: ArrayLike<number>,
  component: Int32Array,
  previous: ArrayLike<number | null>,
  outside?: OutsideIds,
): ClusterIdAssignment {
  const n = component.length;
  if (recordIds.length !== n || previous.length !== n) {
    throw new RangeError(
      `assignClusterIds: ${recordIds.length} record ids, ${n} components and ${previous.length} previous ids must agree`,
    );
  }

  const first = firstRunIds(recordIds, component, previous, outside);
  if (first) return first;

  // Clusters, each with its records, in order of their smallest record id.
  const indexOfLabel = new Map<number, number>();
  const members: number[][] = [];
  for (let i = 0; i < n; i++) {
    const label = component[i]!;
    let c = indexOfLabel.get(label);
    if (c === undefined) {
      c = members.length;
      indexOfLabel.set(label, c);
      members.push([]);
    }
    members[c]!.push(i);
  }
  const smallestRecord = members.map((records) => {
    let best = Number.POSITIVE_INFINITY;
    for (const i of records) if (recordIds[i]! < best) best = recordIds[i]!;
    return best;
  });
  const clusters = members.map((_, c) => c).sort((x, y) => smallestRecord[x]! - smallestRecord[y]!);

  // For each old id, the cluster holding most of its records (ties to the earlier cluster in visiting order).
  const heirOf = new Map<number, { cluster: number; count: number }>();
  const oldIdsOf: number[][] = members.map(() => []);
  for (const c of clusters) {
    const counts = new Map<number, number>();
    for (const i of members[c]!) {
      const old = previous[i];
      if (old === null || old === undefined) continue;
      counts.set(old, (counts.get(old) ?? 0) + 1);
    }
    const olds = [...counts.keys()].sort((x, y) => x - y);
    oldIdsOf[c] = olds;
    for (const old of olds) {
      const count = counts.get(old)!;
      const heir = heirOf.get(old);
      if (heir === undefined || count > heir.count) heirOf.set(old, { cluster: c, count });
    }
  }

  const idOf = new Float64Array(members.length).fill(Number.NaN);
  const taken = new Set<number>();
  let kept = 0;
  // Heirs take the oldest id they inherit.
  for (const c of clusters) {
    for (const old of oldIdsOf[c]!) {
      if (heirOf.get(old)!.cluster !== c) continue;
      idOf[c] = old;
      taken.add(old);
      kept++;
      break;
    }
  }
  // Parts split off take an old id of theirs that nobody took.
  for (const c of clusters) {
    if (!Number.isNaN(idOf[c]!)) continue;
    for (const old of oldIdsOf[c]!) {
      if (taken.has(old)) continue;
      idOf[c] = old;
      taken.add(old);
      kept++;
      break;
    }
  }
  // New ids never reuse an id of the last run, even one that was retired.
  const inUse = new Set<number>(heirOf.keys());
  for (const id of taken) inUse.add(id);
  let above = outside?.max ?? Number.NEGATIVE_INFINITY;
  for (const id of inUse) if (id > above) above = id;
  let created = 0;
  for (const c of clusters) {
    if (!Number.isNaN(idOf[c]!)) continue;
    let id = smallestRecord[c]!;
    if (inUse.has(id) || outside?.has(id)) id = above + 1;
    idOf[c] = id;
    inUse.add(id);
    if (id > above) above = id;
    created++;
  }

  const clusterId = new Float64Array(n);
  for (let c = 0; c < members.length; c++) for (const i of members[c]!) clusterId[i] = idOf[c]!;
  return { clusterId, kept, created, joined: heirOf.size - kept };
}

/**
 * The first run's ids (no record had a cluster, none are held outside): every cluster is new and takes its
 * smallest record id, which no other cluster can hold, as the rules above give. In typed arrays, for labels that
 * are row numbers (cluster.ts's), where the general way's Maps and arrays per cluster cost 0.7 s on a million
 * records; undefined otherwise.
 */
function firstRunIds(
  recordIds: ArrayLike<number>,
  component: Int32Array,
  previous: ArrayLike<number | null>,
  outside: OutsideIds | undefined,
): ClusterIdAssignment | undefined {
  const n = component.length;
  if (outside !== undefined) return undefined;
  for (let i = 0; i < n; i++) {
    const old = previous[i];
    if ((old !== null && old !== undefined) || component[i]! < 0 || component[i]! >= n) return undefined;
  }
  const smallest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let created = 0;
  for (let i = 0; i < n; i++) {
    const label = component[i]!;
    if (smallest[label] === Number.POSITIVE_INFINITY) created++;
    if (recordIds[i]! < smallest[label]!) smallest[label] = recordIds[i]!;
  }
  const clusterId = new Float64Array(n);
  for (let i = 0; i < n; i++) clusterId[i] = smallest[component[i]!]!;
  return { clusterId, kept: 0, created, joined: 0 };
}

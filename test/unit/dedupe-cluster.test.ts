import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Clustering,
  type ClusterOptions,
  clusterRecords,
  LARGE_CLUSTER_SIZE,
  type ScoredEdges,
} from "../../src/stages/dedupe/cluster.js";

const OPTIONS: ClusterOptions = { threshold: 0.5, strongThreshold: 0.999 };
type Edge = [number, number, number];

function edgesOf(list: Edge[]): ScoredEdges {
  return {
    a: Int32Array.from(list.map((e) => e[0])),
    b: Int32Array.from(list.map((e) => e[1])),
    probability: Float64Array.from(list.map((e) => e[2])),
  };
}

function cluster(n: number, list: Edge[], options: ClusterOptions = OPTIONS): Clustering {
  return clusterRecords(n, edgesOf(list), options);
}

/** The clusters as sorted lists of records, ordered by their smallest record. */
function groups(result: Clustering): number[][] {
  const byLabel = new Map<number, number[]>();
  result.component.forEach((label, i) => {
    const group = byLabel.get(label);
    if (group) group.push(i);
    else byLabel.set(label, [i]);
  });
  return [...byLabel.values()];
}

function clique(records: number[], p: number): Edge[] {
  const out: Edge[] = [];
  for (let x = 0; x < records.length; x++) for (let y = x + 1; y < records.length; y++) out.push([records[x]!, records[y]!, p]);
  return out;
}

function path(from: number, to: number, p: number): Edge[] {
  const out: Edge[] = [];
  for (let v = from; v < to; v++) out.push([v, v + 1, p]);
  return out;
}

describe("clusterRecords: the ordinary case is left alone", () => {
  it("gives an empty clustering for no records", () => {
    const result = cluster(0, []);
    expect(result.component).toEqual(new Int32Array(0));
    expect(result.splits).toEqual([]);
    expect(result.clusterCount).toBe(0);
  });

  it("keeps records with no links as clusters of one, labelled by themselves", () => {
    const result = cluster(4, []);
    expect([...result.component]).toEqual([0, 1, 2, 3]);
    expect(result.clusterCount).toBe(4);
  });

  it("keeps a star whole: every duplicate links to the original only, however weakly", () => {
    // Original is record 3; its four duplicates link to it and to nothing else.
    const result = cluster(6, [
      [0, 3, 0.6],
      [1, 3, 0.7],
      [2, 3, 0.55],
      [3, 5, 0.8],
    ]);
    expect(groups(result)).toEqual([[0, 1, 2, 3, 5], [4]]);
    expect([...result.component]).toEqual([0, 0, 0, 0, 4, 0]);
    expect(result.splits).toEqual([]);
    expect(result.clusterCount).toBe(2);
  });

  it("keeps a path of three whole", () => {
    const result = cluster(3, path(0, 2, 0.6));
    expect(groups(result)).toEqual([[0, 1, 2]]);
    expect(result.splits).toEqual([]);
  });

  it("keeps a clique of weak links whole: there is no bridge", () => {
    const result = cluster(5, clique([0, 1, 2, 3, 4], 0.6));
    expect(groups(result)).toEqual([[0, 1, 2, 3, 4]]);
    expect(result.splits).toEqual([]);
  });

  it("keeps two groups joined by a strong bridge", () => {
    const result = cluster(6, [...clique([0, 1, 2], 0.99), ...clique([3, 4, 5], 0.99), [2, 3, 0.9995]]);
    expect(groups(result)).toEqual([[0, 1, 2, 3, 4, 5]]);
    expect(result.splits).toEqual([]);
  });

  it("keeps a weak bridge that would leave a single record behind (a star's arm with a tail of one)", () => {
    // 0-1-2 triangle, 3 hangs on 2 by a weak link: cutting it would split off one record.
    const result = cluster(4, [...clique([0, 1, 2], 0.99), [2, 3, 0.6]]);
    expect(groups(result)).toEqual([[0, 1, 2, 3]]);
  });

  it("keeps a dense cluster larger than the size bound", () => {
    const records = Array.from({ length: LARGE_CLUSTER_SIZE + 5 }, (_, i) => i);
    const result = cluster(records.length, clique(records, 0.6));
    expect(result.clusterCount).toBe(1);
    expect(result.splits).toEqual([]);
  });

  it("keeps a large star whole: CENTER clustering makes the hub the centre", () => {
    const n = LARGE_CLUSTER_SIZE + 10;
    const list: Edge[] = [];
    for (let v = 1; v < n; v++) list.push([0, v, 0.6 + v / 1000]);
    const result = cluster(n, list);
    expect(result.clusterCount).toBe(1);
    expect(result.splits).toEqual([]);
  });
});

describe("clusterRecords: chaining is cut", () => {
  it("splits two tight groups joined by one weak link, and reports it", () => {
    const result = cluster(6, [...clique([0, 1, 2], 0.99), ...clique([3, 4, 5], 0.99), [2, 3, 0.6]]);
    expect(groups(result)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect([...result.component]).toEqual([0, 0, 0, 3, 3, 3]);
    expect(result.clusterCount).toBe(2);
    expect(result.splits).toHaveLength(1);
    const split = result.splits[0]!;
    expect(split.members).toEqual([0, 1, 2, 3, 4, 5]);
    expect(split.parts).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(split.cut).toEqual([{ a: 2, b: 3, probability: 0.6 }]);
    expect(split.reason).toMatch(/^6 linked records split into 2 clusters: held together only through 1 weak link/);
  });

  it("splits two pairs joined by a weak link (the smallest chain it cuts)", () => {
    const result = cluster(4, [
      [0, 1, 0.99],
      [1, 2, 0.6],
      [2, 3, 0.99],
    ]);
    expect(groups(result)).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it("cuts a long chain of equal weak links into pieces of two or three, never one", () => {
    const result = cluster(10, path(0, 9, 0.9));
    expect(groups(result)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
      [8, 9],
    ]);
    expect(result.splits).toHaveLength(1);
    expect(result.splits[0]!.cut.map((e) => [e.a, e.b])).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    expect(result.splits[0]!.reason).toContain("4 weak links");
  });

  it("cuts the weakest link of a chain first", () => {
    // 0-1-2-3-4-5: the link 3-4 is the weakest; cutting it leaves {0..3} and {4, 5}; then 1-2 splits {0..3}.
    const result = cluster(6, [
      [0, 1, 0.9],
      [1, 2, 0.8],
      [2, 3, 0.9],
      [3, 4, 0.55],
      [4, 5, 0.9],
    ]);
    expect(groups(result)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });

  it("cuts only the weak bridges of a chain that mixes strong and weak links", () => {
    const result = cluster(6, [
      [0, 1, 0.9995],
      [1, 2, 0.9995],
      [2, 3, 0.7],
      [3, 4, 0.9995],
      [4, 5, 0.9995],
    ]);
    expect(groups(result)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it("re-clusters a large sparse ring (no bridge at all) around centres, each cluster a star", () => {
    const n = LARGE_CLUSTER_SIZE + 10;
    const list: Edge[] = [...path(0, n - 1, 0.9), [0, n - 1, 0.9]];
    const result = cluster(n, list);
    expect(result.clusterCount).toBeGreaterThan(1);
    const linked = new Set(list.map(([a, b]) => `${a},${b}`));
    const isLinked = (x: number, y: number) => linked.has(`${Math.min(x, y)},${Math.max(x, y)}`);
    // Every cluster has a member linked to all the others: a ring of 30 cannot hang together as one person.
    for (const group of groups(result)) {
      expect(group.length).toBeLessThanOrEqual(3);
      expect(group.some((centre) => group.every((other) => other === centre || isLinked(centre, other)))).toBe(true);
    }
    expect(result.splits).toHaveLength(1);
    expect(result.splits[0]!.reason).toMatch(/30 records with edge density 0\.069 re-clustered around centres/);
  });

  it("reports one split per component and leaves other components out of the report", () => {
    const result = cluster(10, [...clique([0, 1, 2], 0.99), ...clique([3, 4, 5], 0.99), [2, 3, 0.6], ...path(6, 9, 0.6)]);
    expect(result.splits.map((s) => s.members)).toEqual([
      [0, 1, 2, 3, 4, 5],
      [6, 7, 8, 9],
    ]);
    expect(result.clusterCount).toBe(4);
  });
});

describe("clusterRecords: bad and untidy input", () => {
  it("ignores links below the threshold, and links exactly at it count", () => {
    const result = cluster(4, [
      [0, 1, 0.49],
      [1, 2, 0.5],
      [2, 3, Number.NaN],
    ]);
    expect(groups(result)).toEqual([[0], [1, 2], [3]]);
  });

  it("treats reversed links as the same link and merges duplicates at their highest probability", () => {
    // The weak bridge 2-3 is also given reversed and strong: the strong one wins, so nothing is cut.
    const bridged = [...clique([0, 1, 2], 0.99), ...clique([3, 4, 5], 0.99), [2, 3, 0.6] as Edge, [3, 2, 0.9995] as Edge];
    expect(groups(cluster(6, bridged))).toEqual([[0, 1, 2, 3, 4, 5]]);
    // Given twice weakly (once reversed) it is still one bridge, and it is reported once.
    const twice = [...clique([0, 1, 2], 0.99), ...clique([3, 4, 5], 0.99), [2, 3, 0.6] as Edge, [3, 2, 0.7] as Edge];
    const result = cluster(6, twice);
    expect(groups(result)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(result.splits[0]!.cut).toEqual([{ a: 2, b: 3, probability: 0.7 }]);
  });

  it("ignores self-links and links to records that do not exist", () => {
    const result = cluster(3, [
      [1, 1, 0.9],
      [0, 3, 0.9],
      [-1, 2, 0.9],
      [0, 2, 0.9],
    ]);
    expect(groups(result)).toEqual([[0, 2], [1]]);
  });

  it("refuses a record count that is not a whole number", () => {
    expect(() => cluster(-1, [])).toThrow(RangeError);
    expect(() => cluster(2.5, [])).toThrow(RangeError);
  });
});

describe("clusterRecords: laws", () => {
  // Few distinct probabilities, so ties (the hard part of determinism) are common.
  const graph = fc.integer({ min: 1, max: 40 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.array(
        fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }), fc.constantFrom(0.3, 0.6, 0.9, 0.9995, 1)),
        { maxLength: 120 },
      ),
    }),
  );

  it("gives the same clusters and report whatever the order and direction of the links", () => {
    fc.assert(
      fc.property(graph, fc.infiniteStream(fc.boolean()), fc.nat(), ({ n, edges }, flips, seed) => {
        const valid = edges.filter(([a, b]) => a !== b).map(([a, b, p]): Edge => [Math.min(a, b), Math.max(a, b), p]);
        const shuffled = shuffle(valid, seed).map((e): Edge => (flips.next().value ? [e[1], e[0], e[2]] : e));
        expect(cluster(n, shuffled)).toEqual(cluster(n, valid));
      }),
    );
  });

  it("labels each cluster by its smallest record, never joins what the threshold kept apart, and counts clusters", () => {
    fc.assert(
      fc.property(graph, ({ n, edges }) => {
        const result = cluster(n, edges);
        const plain = thresholdComponents(n, edges);
        const labels = new Set<number>();
        for (let i = 0; i < n; i++) {
          const label = result.component[i]!;
          expect(label).toBeLessThanOrEqual(i);
          expect(result.component[label]).toBe(label);
          // A cluster lies inside one connected component at the threshold.
          expect(plain[i]).toBe(plain[label]);
          labels.add(label);
        }
        expect(result.clusterCount).toBe(labels.size);
        for (const split of result.splits) {
          expect(split.parts.flat().sort((x, y) => x - y)).toEqual(split.members);
          expect(split.parts.length).toBeGreaterThan(1);
          for (const { a, b } of split.cut) expect(result.component[a]).not.toBe(result.component[b]);
        }
      }),
    );
  });

  it("never cuts off a single record by a bridge in components of at most the size bound", () => {
    fc.assert(
      fc.property(graph, ({ n, edges }) => {
        if (n > LARGE_CLUSTER_SIZE) return;
        const result = cluster(n, edges);
        for (const split of result.splits) for (const part of split.parts) expect(part.length).toBeGreaterThanOrEqual(2);
      }),
    );
  });
});

describe("clusterRecords: size", () => {
  it("clusters a 200k-record random graph into valid clusters", () => {
    const n = 200_000;
    const m = 400_000;
    const random = lcg(9);
    const a = new Int32Array(m);
    const b = new Int32Array(m);
    const probability = new Float64Array(m);
    for (let e = 0; e < m; e++) {
      const x = Math.floor(random() * n);
      // Mostly local links, so there are many small clusters and a few long chains.
      const y = Math.min(n - 1, x + 1 + Math.floor(random() * 4));
      a[e] = Math.min(x, y);
      b[e] = Math.max(x, y);
      probability[e] = random();
    }
    const result = clusterRecords(n, { a, b, probability }, OPTIONS);
    expect(result.component).toHaveLength(n);
    let roots = 0;
    for (let i = 0; i < n; i++) {
      expect(result.component[result.component[i]!]).toBe(result.component[i]);
      if (result.component[i] === i) roots++;
    }
    expect(result.clusterCount).toBe(roots);
    expect(result.splits.length).toBeGreaterThan(0);
  });
});

/** Connected components at the threshold by a plain flood fill, as an independent reference. */
function thresholdComponents(n: number, list: Edge[]): number[] {
  const neighbours: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b, p] of list) {
    if (p < OPTIONS.threshold) continue;
    neighbours[a]!.push(b);
    neighbours[b]!.push(a);
  }
  const label = new Array<number>(n).fill(-1);
  for (let start = 0; start < n; start++) {
    if (label[start] !== -1) continue;
    const queue = [start];
    label[start] = start;
    while (queue.length > 0) {
      for (const w of neighbours[queue.pop()!]!) {
        if (label[w] !== -1) continue;
        label[w] = start;
        queue.push(w);
      }
    }
  }
  return label;
}

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  const random = lcg(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("clusterRecords: records a person said are different people are kept apart", () => {
  const apart = (pairs: [number, number][]) => ({ a: pairs.map((p) => p[0]), b: pairs.map((p) => p[1]) });

  it("a chain A-B-C with A and C said different: the weaker link goes, the stronger stays", () => {
    const result = cluster(
      3,
      [
        [0, 1, 0.99],
        [1, 2, 0.97],
      ],
      { ...OPTIONS, apart: apart([[0, 2]]) },
    );
    expect(groups(result)).toEqual([[0, 1], [2]]);
    expect(result.splits).toHaveLength(1);
    expect(result.splits[0]?.reason).toMatch(/1 pair a person said are different people kept apart/);
    expect(result.splits[0]?.cut).toEqual([{ a: 1, b: 2, probability: 0.97 }]);
  });

  it("a strong clique of four with one pair said different: each of the two joins the others it is surest of", () => {
    // 0 and 3 are different people; 1 is surer of 0, 2 is surer of 3.
    const edges: Edge[] = [
      [0, 1, 0.999],
      [2, 3, 0.998],
      [0, 2, 0.96],
      [1, 3, 0.96],
      [1, 2, 0.95],
      [0, 3, 0.99],
    ];
    const result = cluster(4, edges, { ...OPTIONS, apart: apart([[3, 0]]) });
    expect(groups(result)).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it("a pair said different in two clusters already apart changes nothing; nor does a pair out of range", () => {
    const list: Edge[] = [...clique([0, 1, 2], 0.99), ...clique([3, 4], 0.98)];
    const plain = cluster(5, list);
    const withApart = cluster(5, list, {
      ...OPTIONS,
      apart: apart([
        [0, 4],
        [2, 9],
        [-1, 0],
        [1, 1],
      ]),
    });
    expect(groups(withApart)).toEqual(groups(plain));
    expect(withApart.splits).toEqual([]);
  });

  it("laws: never two records kept apart in one cluster, and the same clusters in any order of links", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 11 }), fc.double({ min: 0.5, max: 1, noNaN: true })), {
          maxLength: 40,
        }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 11 })), { maxLength: 6 }),
        (list, pairs) => {
          const options = { ...OPTIONS, apart: apart(pairs) };
          const result = cluster(12, list as Edge[], options);
          for (const [x, y] of pairs) if (x !== y) expect(result.component[x]).not.toBe(result.component[y]);
          const reversed = cluster(12, [...(list as Edge[])].reverse(), options);
          expect(Array.from(reversed.component)).toEqual(Array.from(result.component));
        },
      ),
    );
  });
});

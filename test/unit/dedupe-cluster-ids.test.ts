import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clusterSizeCounts } from "../../src/commands/dedupe-clusters.js";
import { assignClusterIds, outsideIds } from "../../src/stages/dedupe/cluster-ids.js";

/** Runs one assignment; `component` may use any labels. */
function assign(recordIds: number[], component: number[], previous: (number | null)[]) {
  const result = assignClusterIds(recordIds, Int32Array.from(component), previous);
  return { ...result, ids: [...result.clusterId] };
}

describe("assignClusterIds", () => {
  it("names each cluster of a first run after its smallest record id", () => {
    const result = assign([10, 11, 12, 13], [0, 0, 2, 2], [null, null, null, null]);
    expect(result.ids).toEqual([10, 10, 12, 12]);
    expect(result).toMatchObject({ kept: 0, created: 2, joined: 0 });
  });

  it("gives nothing for no records", () => {
    const result = assign([], [], []);
    expect(result.ids).toEqual([]);
    expect(result).toMatchObject({ kept: 0, created: 0, joined: 0 });
  });

  it("keeps the id of a cluster that gains a record", () => {
    const result = assign([10, 11, 12], [0, 0, 0], [7, 7, null]);
    expect(result.ids).toEqual([7, 7, 7]);
    expect(result).toMatchObject({ kept: 1, created: 0, joined: 0 });
  });

  it("keeps the id of a cluster that loses a record, and the record that left gets its own id", () => {
    const result = assign([10, 11, 12], [0, 0, 2], [7, 7, 7]);
    expect(result.ids).toEqual([7, 7, 12]);
    expect(result).toMatchObject({ kept: 1, created: 1, joined: 0 });
  });

  it("keeps the older (smaller) id when two clusters join", () => {
    const result = assign([10, 11, 12, 13], [0, 0, 0, 0], [5, 5, 3, 3]);
    expect(result.ids).toEqual([3, 3, 3, 3]);
    expect(result).toMatchObject({ kept: 1, created: 0, joined: 1 });
  });

  it("gives a split's id to the part holding most of its old records", () => {
    // Old cluster 20 = {10, 11, 12, 13}; 10 leaves alone, the other three stay together.
    const result = assign([10, 11, 12, 13], [0, 1, 1, 1], [20, 20, 20, 20]);
    expect(result.ids).toEqual([10, 20, 20, 20]);
    expect(result).toMatchObject({ kept: 1, created: 1, joined: 0 });
  });

  it("breaks a tie between split parts by the smallest record id", () => {
    const result = assign([13, 10, 12, 11], [1, 0, 1, 0], [20, 20, 20, 20]);
    // Parts {10, 11} and {12, 13}: two old records each; the part holding record 10 keeps the id.
    expect(result.ids).toEqual([12, 20, 12, 20]);
  });

  it("lets a part split off take another of its old ids that no cluster took", () => {
    // Old 1 = {1, 2, 3}, old 2 = {4, 5}. New {1, 2, 4} is heir to both (2 of 3; 1 of 2, tie won by record 1)
    // and takes 1; new {3, 5} takes the unclaimed 2 rather than a new id.
    const result = assign([1, 2, 3, 4, 5], [0, 0, 1, 0, 1], [1, 1, 1, 2, 2]);
    expect(result.ids).toEqual([1, 1, 2, 1, 2]);
    expect(result).toMatchObject({ kept: 2, created: 0, joined: 0 });
  });

  it("gives a new cluster an id one above every id in use when its smallest record id is taken", () => {
    // Record 3 is new and alone, but 3 names an existing cluster.
    const result = assign([1, 2, 3], [0, 0, 2], [3, 3, null]);
    expect(result.ids).toEqual([3, 3, 4]);
    expect(result).toMatchObject({ kept: 1, created: 1 });
  });

  it("with ids held by clusters outside the records given: a new cluster takes none of them, and goes above their max", () => {
    // An incremental run re-clusters records 4 and 10 only; cluster 10 (records 10, 11, 12 last run) lost record 10.
    const outside = new Set([1, 11, 20]);
    const ids = assignClusterIds([4, 10], Int32Array.from([0, 1]), [null, null], { has: (id) => outside.has(id), max: 20 });
    expect(Array.from(ids.clusterId)).toEqual([4, 10]);
    const clash = assignClusterIds([11, 30], Int32Array.from([0, 1]), [null, null], { has: (id) => outside.has(id), max: 20 });
    expect(Array.from(clash.clusterId)).toEqual([21, 30]);
    expect(clash.created).toBe(2);
  });

  it("never reuses an id the last run used, even one retired by a join", () => {
    // Clusters 5 and 8 join (5 survives, 8 is retired); new record 8 would be named 8, which last run used.
    const result = assign([1, 2, 8], [0, 0, 2], [5, 8, null]);
    expect(result.ids).toEqual([5, 5, 9]);
    expect(result).toMatchObject({ kept: 1, created: 1, joined: 1 });
  });

  it("gives two new clusters distinct ids when both would go above", () => {
    const result = assign([1, 2, 3, 4], [0, 1, 2, 2], [null, null, 1, 2]);
    // {3, 4} holds old 1 and 2 and keeps 1; records 1 and 2 are new: 1 is in use, 2 was used last run.
    expect(result.ids).toEqual([3, 4, 1, 1]);
    expect(new Set(result.ids).size).toBe(3);
  });

  it("follows a split and a rejoin over three runs", () => {
    const recordIds = [1, 2, 3, 4];
    const first = assign(recordIds, [0, 0, 0, 0], [null, null, null, null]);
    expect(first.ids).toEqual([1, 1, 1, 1]);
    const second = assign(recordIds, [0, 0, 2, 2], first.ids);
    expect(second.ids).toEqual([1, 1, 3, 3]);
    expect(second).toMatchObject({ kept: 1, created: 1, joined: 0 });
    const third = assign(recordIds, [0, 0, 0, 0], second.ids);
    expect(third.ids).toEqual([1, 1, 1, 1]);
    expect(third).toMatchObject({ kept: 1, created: 0, joined: 1 });
  });

  it("refuses inputs of different lengths", () => {
    expect(() => assignClusterIds([1, 2], Int32Array.from([0]), [null, null])).toThrow(RangeError);
    expect(() => assignClusterIds([1], Int32Array.from([0]), [])).toThrow(RangeError);
  });

  const run = fc.integer({ min: 0, max: 30 }).chain((n) =>
    fc.record({
      recordIds: fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { minLength: n, maxLength: n }),
      component: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: n, maxLength: n }),
      previous: fc.array(fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }), { minLength: n, maxLength: n }),
    }),
  );

  it("gives every record of a cluster the same id and no two clusters the same id", () => {
    fc.assert(
      fc.property(run, ({ recordIds, component, previous }) => {
        const { ids, kept, created } = assign(recordIds, component, previous);
        const idOfLabel = new Map<number, number>();
        const labelOfId = new Map<number, number>();
        component.forEach((label, i) => {
          const id = ids[i]!;
          expect(Number.isFinite(id)).toBe(true);
          expect(idOfLabel.get(label) ?? id).toBe(id);
          expect(labelOfId.get(id) ?? label).toBe(label);
          idOfLabel.set(label, id);
          labelOfId.set(id, label);
        });
        expect(kept + created).toBe(idOfLabel.size);
        // A kept id is one of the cluster's own old ids.
        for (const [label, id] of idOfLabel) {
          const olds = previous.filter((_, i) => component[i] === label);
          const fresh = !previous.includes(id);
          expect(fresh || olds.includes(id)).toBe(true);
        }
      }),
    );
  });

  it("gives the same ids whatever order the records come in", () => {
    fc.assert(
      fc.property(run, fc.nat(), ({ recordIds, component, previous }, seed) => {
        const order = recordIds.map((_, i) => i);
        let state = seed >>> 0;
        for (let i = order.length - 1; i > 0; i--) {
          state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
          const j = state % (i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        const base = assign(recordIds, component, previous);
        const moved = assign(
          order.map((i) => recordIds[i]!),
          order.map((i) => component[i]!),
          order.map((i) => previous[i]!),
        );
        expect(moved.ids).toEqual(order.map((i) => base.ids[i]));
        expect([moved.kept, moved.created, moved.joined]).toEqual([base.kept, base.created, base.joined]);
      }),
    );
  });
});

describe("outsideIds", () => {
  // Both shapes: ids near the record count (a bitmap) and ids far beyond it (a Set).
  for (const [label, spread] of [
    ["ids below the records' count", 50],
    ["ids far beyond it", 1e9],
  ] as const) {
    it(`holds exactly the cluster ids of the rows outside, and their largest (${label})`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: 1, max: spread }), fc.boolean()), { maxLength: 40 }),
          fc.array(fc.integer({ min: -5, max: spread + 5 }), { maxLength: 20 }),
          (rows, probes) => {
            const clusterIds = Float64Array.from(rows, ([id]) => id);
            const inside = Uint8Array.from(rows, ([, isInside]) => (isInside ? 1 : 0));
            const expected = new Set(rows.filter(([, isInside]) => !isInside).map(([id]) => id));
            const outside = outsideIds(clusterIds, inside);
            expect(outside.max).toBe(expected.size === 0 ? Number.NEGATIVE_INFINITY : Math.max(...expected));
            for (const id of [...probes, ...rows.map(([id]) => id), 0.5, Number.NaN]) expect(outside.has(id)).toBe(expected.has(id));
          },
        ),
      );
    });
  }
});

describe("clusterSizeCounts", () => {
  // Plainly: each cluster's size, then how many clusters have each size.
  const bySorting = (ids: (number | null)[]) => {
    const counts = new Map<number, number>();
    for (const id of ids) if (id !== null && !Number.isNaN(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
    const bySize = new Map<number, number>();
    for (const size of counts.values()) bySize.set(size, (bySize.get(size) ?? 0) + 1);
    return [...bySize].sort(([x], [y]) => x - y);
  };
  const sorted = (sizes: Map<number, number>) => [...sizes].sort(([x], [y]) => x - y);
  it("gives each cluster's size, records without a cluster left out, for ids near the records' count and far beyond", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 2 ** 40 }), fc.constant(null), fc.constant(Number.NaN)),
          {
            maxLength: 80,
          },
        ),
        (ids) => {
          expect(sorted(clusterSizeCounts(ids))).toEqual(bySorting(ids));
          expect(sorted(clusterSizeCounts(Float64Array.from(ids, (id) => id ?? Number.NaN)))).toEqual(bySorting(ids));
        },
      ),
    );
  });
});

describe("assignClusterIds on a first run", () => {
  it("gives what the general rules give (checked by holding nothing outside, which takes the general way)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 10_000 }), fc.nat()), { minLength: 1, maxLength: 60 }), (rows) => {
        // Distinct record ids, and labels that are row numbers (as cluster.ts makes them).
        const ids = [...new Set(rows.map(([id]) => id))];
        const n = ids.length;
        const recordIds = Float64Array.from(ids);
        const component = Int32Array.from(rows.slice(0, n), ([, label]) => label % n);
        const previous = new Array<number | null>(n).fill(null);
        const fast = assignClusterIds(recordIds, component, previous);
        const general = assignClusterIds(recordIds, component, previous, { has: () => false, max: Number.NEGATIVE_INFINITY });
        expect(Array.from(fast.clusterId)).toEqual(Array.from(general.clusterId));
        expect([fast.kept, fast.created, fast.joined]).toEqual([general.kept, general.created, general.joined]);
      }),
    );
  });
});

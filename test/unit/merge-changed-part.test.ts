/**
 * changedPart: which records and customers an incremental merge re-plans. The examples are the ways a nightly
 * run changes a store of customers (a new record, a record that joins two customers, one that leaves, a changed
 * value, a customer whose last record went); the properties say the part is closed (plan.ts needs every customer
 * of its clusters and every cluster of its customers) and minimal (what stays out is one cluster of exactly one
 * customer, unchanged), whatever the ids.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Assignments, changedPart } from "../../src/stages/merge/changed-part.js";

/** Records 1..n with their clusters and customers (-1: none), as rows [record, cluster, customer]. */
function store(rows: [number, number, number][]): Assignments {
  return { recordIds: rows.map((r) => r[0]), clusterIds: rows.map((r) => r[1]), customerIds: rows.map((r) => r[2]) };
}

const none = { recordIds: [], customerIds: [] };

// William Turner (records 1, 2: CRM and shop) is customer 1; Margaret Hughes (3) is customer 3; 张伟 (4, 5) is 4.
const settled: [number, number, number][] = [
  [1, 1, 1],
  [2, 1, 1],
  [3, 3, 3],
  [4, 4, 4],
  [5, 4, 4],
];

describe("changedPart: what a nightly run re-plans", () => {
  it("nothing changed: nothing to re-plan, every customer untouched", () => {
    expect(changedPart(store(settled), none)).toEqual({ recordIds: [], customerIds: [], untouched: 3 });
  });

  it("a new record (no customer yet) in William's cluster: his cluster and customer only", () => {
    const part = changedPart(store([...settled, [6, 1, -1]]), none);
    expect(part).toEqual({ recordIds: [1, 2, 6], customerIds: [1], untouched: 2 });
  });

  it("a new person alone: just the new record, no customer to read", () => {
    expect(changedPart(store([...settled, [6, 6, -1]]), none)).toEqual({ recordIds: [6], customerIds: [], untouched: 3 });
  });

  it("dedupe joined Margaret's and 张伟's clusters: both customers, all their records", () => {
    const joined = settled.map(([r, cluster, customer]): [number, number, number] => [r, cluster === 4 ? 3 : cluster, customer]);
    expect(changedPart(store(joined), none)).toEqual({ recordIds: [3, 4, 5], customerIds: [3, 4], untouched: 1 });
  });

  it("the shop's William left his cluster: the customer and both clusters it spans", () => {
    const left = settled.map(([r, cluster, customer]): [number, number, number] => [r, r === 2 ? 2 : cluster, customer]);
    expect(changedPart(store(left), none)).toEqual({ recordIds: [1, 2], customerIds: [1], untouched: 2 });
  });

  it("a changed value: the component of that record; ids that are not current are ignored", () => {
    expect(changedPart(store(settled), { recordIds: [5, 99], customerIds: [] })).toEqual({
      recordIds: [4, 5],
      customerIds: [4],
      untouched: 2,
    });
  });

  it("a customer whose last record went is re-planned alone (to be retired); one that lost a record, with its cluster", () => {
    const rest = settled.filter(([r]) => r !== 3 && r !== 2);
    expect(changedPart(store(rest), { recordIds: [], customerIds: [3, 1] })).toEqual({ recordIds: [1], customerIds: [1, 3], untouched: 1 });
  });

  it("a chain: a cluster of two customers, one of them over another cluster too, is one part", () => {
    const chain: [number, number, number][] = [
      [1, 10, 1],
      [2, 10, 2],
      [3, 30, 2],
      [4, 40, 4],
    ];
    expect(changedPart(store(chain), none)).toEqual({ recordIds: [1, 2, 3], customerIds: [1, 2], untouched: 1 });
  });

  it("ids far apart (no dense index) work the same", () => {
    const big = 2 ** 40;
    const rows: [number, number, number][] = [
      [big, big, big],
      [big + 1, big, -1],
      [big + 7, big + 7, big + 7],
    ];
    expect(changedPart(store(rows), none)).toEqual({ recordIds: [big, big + 1], customerIds: [big], untouched: 1 });
  });

  it("refuses arrays of different lengths", () => {
    expect(() => changedPart({ recordIds: [1, 2], clusterIds: [1], customerIds: [1, 1] }, none)).toThrow(RangeError);
  });
});

/** A store: records 1..n, each in one of a few clusters, most with a customer (often several per cluster). */
const stores = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: -1, max: 12 })), { minLength: 0, maxLength: 40 })
  .map((rows) => rows.map(([cluster, customer], i): [number, number, number] => [i + 1, cluster, customer]));
const changes = fc.record({
  recordIds: fc.array(fc.integer({ min: 1, max: 45 }), { maxLength: 4 }),
  customerIds: fc.array(fc.integer({ min: 1, max: 15 }), { maxLength: 3 }),
});

describe("changedPart: properties", () => {
  it("closed and minimal: every record of a part's cluster or customer is in it; what stays out is one unchanged customer per cluster", () => {
    fc.assert(
      fc.property(stores, changes, (rows, changed) => {
        const part = changedPart(store(rows), changed);
        const inPart = new Set(part.recordIds);
        const customers = new Set(part.customerIds);
        const clustersIn = new Set(rows.filter(([r]) => inPart.has(r)).map(([, c]) => c));
        for (const [r, cluster, customer] of rows) {
          // closed
          if (clustersIn.has(cluster) || customers.has(customer)) expect(inPart.has(r)).toBe(true);
          if (inPart.has(r) && customer >= 0) expect(customers.has(customer)).toBe(true);
          if (inPart.has(r)) continue;
          // minimal: outside, a record has a customer, shares it with its whole cluster only, and did not change
          expect(customer).toBeGreaterThanOrEqual(0);
          expect(changed.recordIds).not.toContain(r);
          expect(changed.customerIds).not.toContain(customer);
          for (const [, otherCluster, otherCustomer] of rows) expect(otherCluster === cluster).toBe(otherCustomer === customer);
        }
        for (const id of changed.customerIds) expect(customers.has(id)).toBe(true);
        const outside = rows.filter(([r]) => !inPart.has(r));
        expect(part.untouched).toBe(new Set(outside.map(([, c]) => c)).size);
        expect(part.recordIds).toEqual([...part.recordIds].sort((a, b) => a - b));
      }),
    );
  });

  it("the ids' values do not matter: renumbering clusters and customers gives the same records", () => {
    fc.assert(
      fc.property(stores, changes, fc.integer({ min: 1, max: 1_000_000 }), (rows, changed, shift) => {
        const part = changedPart(store(rows), { recordIds: changed.recordIds, customerIds: [] });
        const renumbered = rows.map(([r, cluster, customer]): [number, number, number] => [
          r,
          1000 - cluster,
          customer < 0 ? -1 : customer + shift,
        ]);
        const again = changedPart(store(renumbered), { recordIds: changed.recordIds, customerIds: [] });
        expect(again.recordIds).toEqual(part.recordIds);
        expect(again.customerIds).toEqual(part.customerIds.map((id) => id + shift));
        expect(again.untouched).toBe(part.untouched);
      }),
    );
  });

  it("idempotent: the part of the part is the whole part", () => {
    fc.assert(
      fc.property(stores, changes, (rows, changed) => {
        const part = changedPart(store(rows), changed);
        const inside = rows.filter(([r]) => part.recordIds.includes(r));
        // Within the part, with everything in it marked changed, nothing is left out.
        const again = changedPart(store(inside), { recordIds: part.recordIds, customerIds: [] });
        expect(again.recordIds).toEqual(part.recordIds);
        expect(again.untouched).toBe(0);
      }),
    );
  });
});

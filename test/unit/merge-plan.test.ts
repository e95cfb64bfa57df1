import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import { emptyValues, type RecordValues } from "../../src/model/record.js";
import { sameGolden } from "../../src/stages/merge/golden-equality.js";
import { type MergeInput, type MergePlan, type PreviousCustomer, planMerge } from "../../src/stages/merge/plan.js";
import { DEFAULT_SURVIVORSHIP } from "../../src/stages/merge/survivorship.js";
import type { MergeRecord } from "../../src/stages/merge/types.js";

/** Records of the tests, by id: two people written several ways, and a few others. */
const RECORDS = new Map<number, MergeRecord>();
function define(id: number, values: Partial<RecordValues>, source = "crm"): void {
  RECORDS.set(id, { id, source, batchImportedAt: "2024-01-01T00:00:00.000Z", values: { ...emptyValues(), ...values }, errorFields: [] });
}
define(1, { full_name: "Ada Lovelace", email: "ada@example.com", updated_at: "2023-01-01T00:00:00Z" });
define(2, { full_name: "Ada Lovelace", phone: "+447700900123", updated_at: "2023-06-01T00:00:00Z" }, "shop");
define(3, { full_name: "A. Lovelace", email: "ada.l@example.com", updated_at: "2024-02-01T00:00:00Z" });
define(4, { full_name: "王芳", phone: "+8613800138000", updated_at: "2022-01-01T00:00:00Z" });
define(5, { full_name: "王芳", email: "wangfang@example.cn", updated_at: "2024-03-01T00:00:00Z" }, "shop");
define(6, { full_name: "Grace Hopper", email: "grace@example.com" });
define(7, { full_name: "Grace Hopper", city: "Arlington" });
define(8, { full_name: "Alan Turing", email: "alan@example.co.uk" });

interface State {
  customers: PreviousCustomer[];
  reservedIds: Set<number>;
}

const EMPTY: State = { customers: [], reservedIds: new Set() };

/** Clusters from lists of record ids; cluster ids are arbitrary (the plan must not care). */
function clusters(groups: number[][]): MergeInput["clusters"] {
  return new Map(groups.map((ids, i) => [100 + i, ids.map((id) => RECORDS.get(id)!)]));
}

function plan(state: State, groups: number[][]): MergePlan {
  return planMerge({ clusters: clusters(groups), previous: state, settings: DEFAULT_SURVIVORSHIP });
}

/** What the store holds after applying a plan: the reference the plan is written against. */
function apply(state: State, result: MergePlan): State {
  const ownerOf = new Map<number, number>();
  for (const customer of state.customers) for (const id of customer.recordIds) ownerOf.set(id, customer.customerId);
  result.moves.recordIds.forEach((recordId, i) => {
    ownerOf.set(recordId, result.moves.customerIds[i]!);
  });
  const byId = new Map(state.customers.map((c) => [c.customerId, { ...c, recordIds: [] as number[] }]));
  const reservedIds = new Set(state.reservedIds);
  for (const id of [...result.aliases.map((a) => a.from), ...result.retired]) {
    byId.delete(id);
    reservedIds.add(id);
  }
  for (const customer of [...result.create, ...result.update]) {
    byId.set(customer.customerId, {
      customerId: customer.customerId,
      recordIds: [],
      values: customer.values,
      provenance: customer.provenance,
    });
  }
  for (const [recordId, customerId] of ownerOf) byId.get(customerId)?.recordIds.push(recordId);
  return { customers: [...byId.values()].sort((a, b) => a.customerId - b.customerId), reservedIds };
}

/** Customer id → its records, from a state. */
function owners(state: State): Record<number, number[]> {
  return Object.fromEntries(state.customers.map((c) => [c.customerId, [...c.recordIds].sort((a, b) => a - b)]));
}

/** A plan without what may depend on input order: cluster ids (the caller's labels), the order of moves. */
function comparable(p: MergePlan) {
  return {
    ...p,
    create: p.create.map(({ clusterId: _, ...c }) => c),
    update: p.update.map(({ clusterId: _, ...c }) => c),
    moves: p.moves.recordIds.map((r, i) => [r, p.moves.customerIds[i]]).sort((x, y) => x[0]! - y[0]!),
  };
}

/** Runs a sequence of clusterings, applying each plan; returns the states and plans. */
function run(...steps: number[][][]): { state: State; plans: MergePlan[] } {
  let state = EMPTY;
  const plans: MergePlan[] = [];
  for (const groups of steps) {
    const result = plan(state, groups);
    plans.push(result);
    state = apply(state, result);
  }
  return { state, plans };
}

describe("planMerge: a first run", () => {
  it("makes one customer per cluster, named after its smallest record id, with golden values and provenance", () => {
    const result = plan(EMPTY, [[3, 1, 2], [4, 5], [8]]);
    expect(result.create.map((c) => [c.customerId, c.recordIds])).toEqual([
      [1, [1, 2, 3]],
      [4, [4, 5]],
      [8, [8]],
    ]);
    const ada = result.create[0]!;
    expect(ada.values).toMatchObject({ full_name: "Ada Lovelace", email: "ada.l@example.com", phone: "+447700900123" });
    expect(ada.provenance.full_name).toEqual({ record: 2, rule: "most_frequent" });
    expect(ada.provenance.email).toEqual({ record: 3, rule: "most_recent" });
    // Completion runs too: 王芳's +86 phone says CN.
    expect(result.create[1]!.values.country).toBe("CN");
    expect(result.create[1]!.provenance.country).toEqual({ record: 4, rule: "phone_country", derived: true });
    expect(result.moves.recordIds).toHaveLength(6);
    expect(result).toMatchObject({ update: [], unchanged: [], aliases: [], retired: [], changed: true });
    expect(result.counts).toEqual({ customers: 3, created: 3, updated: 0, unchanged: 0, moved: 6, aliased: 0, retired: 0 });
  });

  it("plans nothing for no clusters, and ignores empty ones", () => {
    const result = planMerge({ clusters: new Map([[1, []]]), previous: EMPTY, settings: DEFAULT_SURVIVORSHIP });
    expect(result.changed).toBe(false);
    expect(result.counts.customers).toBe(0);
  });
});

describe("planMerge: stable ids", () => {
  it("re-planning with nothing new is an empty plan, and says so", () => {
    const { state } = run([[1, 2, 3], [4, 5], [8]]);
    const again = plan(state, [[8], [5, 4], [2, 3, 1]]);
    expect(again.changed).toBe(false);
    expect(again).toMatchObject({ create: [], update: [], aliases: [], retired: [], moves: { recordIds: [], customerIds: [] } });
    expect(again.unchanged).toEqual([1, 4, 8]);
  });

  it("a customer keeps its id when a record joins it", () => {
    const { state, plans } = run(
      [
        [1, 2],
        [4, 5],
      ],
      [
        [1, 2, 3],
        [4, 5],
      ],
    );
    expect(owners(state)).toEqual({ 1: [1, 2, 3], 4: [4, 5] });
    const joined = plans[1]!;
    expect(joined.moves).toEqual({ recordIds: [3], customerIds: [1] });
    // Record 3 is the newest: its email and updated_at win; the full name stays, but is now decided by
    // most_frequent (2 of 3) instead of all_agree: the update names exactly these fields.
    expect(joined.update.map((u) => [u.customerId, u.changedFields])).toEqual([[1, ["full_name", "email", "updated_at"]]]);
    expect(joined.update[0]!.values).toMatchObject({ full_name: "Ada Lovelace", email: "ada.l@example.com" });
    expect(joined.update[0]!.provenance.full_name).toEqual({ record: 2, rule: "most_frequent" });
    expect(joined.unchanged).toEqual([4]);
  });

  it("a customer keeps its id when a record leaves it; the record gets its own id when it is free", () => {
    const { state, plans } = run([[1, 2, 3]], [[1, 2], [3]]);
    expect(owners(state)).toEqual({ 1: [1, 2], 3: [3] });
    expect(plans[1]!.create.map((c) => c.customerId)).toEqual([3]);
    expect(plans[1]!.update.map((c) => c.customerId)).toEqual([1]);
  });

  it("when two customers join, the older id survives and the other becomes its alias", () => {
    const { state, plans } = run([[1, 2], [3]], [[1, 2, 3]]);
    expect(owners(state)).toEqual({ 1: [1, 2, 3] });
    expect(plans[1]!.aliases).toEqual([{ from: 3, to: 1 }]);
    expect(plans[1]!.moves).toEqual({ recordIds: [3], customerIds: [1] });
    expect(state.reservedIds).toEqual(new Set([3]));
  });

  it("the older id survives even when the younger customer brings more records", () => {
    const { plans } = run([[2, 3], [1]], [[1, 2, 3]]);
    expect(plans[0]!.create.map((c) => c.customerId)).toEqual([1, 2]);
    expect(plans[1]!.aliases).toEqual([{ from: 2, to: 1 }]);
  });

  it("a split keeps the id for the part with most of the customer's records", () => {
    const { state } = run(
      [[1, 2, 3, 4, 5]],
      [
        [4, 5, 2],
        [1, 3],
      ],
    );
    // The smaller part's smallest record id, 1, names a customer: it gets 1 above the highest id in use.
    expect(owners(state)).toEqual({ 1: [2, 4, 5], 2: [1, 3] });
  });

  it("a split into equal parts keeps the id for the part with the smallest record id", () => {
    const { state } = run(
      [[6, 7, 4, 5]],
      [
        [6, 7],
        [5, 4],
      ],
    );
    expect(owners(state)).toEqual({ 4: [4, 5], 6: [6, 7] });
  });

  it("a new customer takes max id + 1 when its smallest record id names a customer, present or alias", () => {
    // 1 and 3 join (3 becomes an alias of 1); then 3 leaves again: id 3 is taken, so it gets 1 above the highest.
    const { state, plans } = run([[1, 2], [3], [8]], [[1, 2, 3], [8]], [[1, 2], [3], [8]]);
    expect(plans[2]!.create.map((c) => [c.customerId, c.recordIds])).toEqual([[9, [3]]]);
    expect(owners(state)).toEqual({ 1: [1, 2], 8: [8], 9: [3] });
  });

  it("merge, unmerge, merge: ids follow the rules at every step, and re-merging aliases the id the unmerge made", () => {
    const { state, plans } = run([[1, 2], [3]], [[1, 2, 3]], [[1, 2], [3]], [[1, 2, 3]]);
    expect(plans.map((p) => p.aliases)).toEqual([[], [{ from: 3, to: 1 }], [], [{ from: 4, to: 1 }]]);
    expect(plans[2]!.create.map((c) => c.customerId)).toEqual([4]);
    expect(owners(state)).toEqual({ 1: [1, 2, 3] });
    expect(state.reservedIds).toEqual(new Set([3, 4]));
    // And the final state is stable.
    expect(plan(state, [[1, 2, 3]]).changed).toBe(false);
  });

  it("two customers trading records each keep their id", () => {
    const { state } = run(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [
        [1, 2, 6],
        [4, 5, 3],
      ],
    );
    expect(owners(state)).toEqual({ 1: [1, 2, 6], 4: [3, 4, 5] });
  });

  it("retires a customer none of whose records is in any cluster", () => {
    const { state, plans } = run([[1, 2], [8]], [[1, 2]]);
    expect(plans[1]!.retired).toEqual([8]);
    expect(plans[1]!.changed).toBe(true);
    expect(owners(state)).toEqual({ 1: [1, 2] });
    // Its id is never given again.
    expect(plan(state, [[1, 2], [8]]).create.map((c) => c.customerId)).toEqual([9]);
  });

  it("updates a customer whose record changed its values, and only the fields that changed", () => {
    const { state } = run([[4, 5]]);
    const changed: MergeRecord = { ...RECORDS.get(5)!, values: { ...RECORDS.get(5)!.values, email: "fang.wang@example.cn" } };
    const result = planMerge({ clusters: new Map([[1, [RECORDS.get(4)!, changed]]]), previous: state, settings: DEFAULT_SURVIVORSHIP });
    expect(result.update.map((u) => [u.customerId, u.changedFields, u.values.email])).toEqual([[4, ["email"], "fang.wang@example.cn"]]);
    expect(result.moves.recordIds).toEqual([]);
  });

  it("does not depend on the order of clusters or of records in them", () => {
    const { state } = run([[1, 2], [3], [4, 5], [8]]);
    const a = plan(state, [[1, 2, 3], [4], [5, 8]]);
    const b = plan(state, [[8, 5], [3, 2, 1], [4]]);
    expect(comparable(b)).toEqual(comparable(a));
    expect(a.aliases).toEqual([{ from: 3, to: 1 }]);
  });
});

describe("sameGolden", () => {
  const golden = () => ({
    values: { ...emptyValues(), ...Object.fromEntries(CANONICAL_FIELDS.map((f) => [f, `${f} value`])) },
    provenance: Object.fromEntries(CANONICAL_FIELDS.map((f, i) => [f, { record: i, rule: "most_recent" }])),
  });

  it("compares every canonical field's value and provenance", () => {
    expect(sameGolden(golden(), golden())).toBe(true);
    for (const field of CANONICAL_FIELDS) {
      const value = golden();
      value.values[field] = "something else";
      expect([field, sameGolden(golden(), value)]).toEqual([field, false]);
      const rule = golden();
      rule.provenance[field] = { record: 0, rule: "most_frequent" };
      expect([field, sameGolden(golden(), rule)]).toEqual([field, false]);
      const derived = golden();
      derived.provenance[field] = { ...derived.provenance[field]!, derived: true } as never;
      expect([field, sameGolden(golden(), derived)]).toEqual([field, false]);
    }
  });

  it("counts an absent value as null and an absent provenance as undefined, as the store may hand them back", () => {
    const stored = {
      values: { full_name: "Ada Lovelace" } as unknown as RecordValues,
      provenance: { full_name: { record: 1, rule: "only_value" } },
    };
    const planned = {
      values: { ...emptyValues(), full_name: "Ada Lovelace" },
      provenance: { full_name: { record: 1, rule: "only_value" }, email: undefined },
    };
    expect(sameGolden(stored, planned)).toBe(true);
  });
});

describe("planMerge: input the store should never send", () => {
  it("rejects a record in two clusters and a record of two customers", () => {
    expect(() => plan(EMPTY, [[1, 2], [2]])).toThrow(/record 2 is in more than one cluster/);
    const state: State = {
      customers: [
        { customerId: 1, recordIds: [1, 2], values: emptyValues(), provenance: {} },
        { customerId: 5, recordIds: [2], values: emptyValues(), provenance: {} },
      ],
      reservedIds: new Set(),
    };
    expect(() => plan(state, [[1, 2]])).toThrow(/record 2 belongs to customers 1 and 5/);
  });

  it("copes with sparse record ids (no dense table)", () => {
    const far = { ...RECORDS.get(8)!, id: 9_000_000_000 };
    const result = planMerge({ clusters: new Map([[1, [RECORDS.get(1)!, far]]]), previous: EMPTY, settings: DEFAULT_SURVIVORSHIP });
    expect(result.create.map((c) => [c.customerId, c.recordIds])).toEqual([[1, [1, 9_000_000_000]]]);
  });
});

describe("planMerge properties", () => {
  const ids = fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { minLength: 0, maxLength: 25 });
  /** A partition of the ids into clusters, by a label per id. */
  const partition = (recordIds: number[]) =>
    fc.array(fc.integer({ min: 0, max: 6 }), { minLength: recordIds.length, maxLength: recordIds.length }).map((labels) => {
      const groups = new Map<number, number[]>();
      recordIds.forEach((id, i) => {
        groups.set(labels[i]!, [...(groups.get(labels[i]!) ?? []), id]);
      });
      return [...groups.values()];
    });
  const text = fc.oneof(fc.constantFrom("Ada", "ada", "王芳", "+8613800138000", "2024-01-01", ""), fc.string({ maxLength: 6 }));
  const valuesFor = (id: number) =>
    fc
      .record(
        Object.fromEntries(CANONICAL_FIELDS.map((field) => [field, fc.option(text, { nil: null })])) as {
          [K in keyof RecordValues]: fc.Arbitrary<string | null>;
        },
      )
      .map(
        (values): MergeRecord => ({
          id,
          source: id % 2 ? "crm" : "shop",
          batchImportedAt: "2024-01-01T00:00:00.000Z",
          values,
          errorFields: [],
        }),
      );
  /** Records for the ids (two versions: the values may change between runs), and two clusterings of them. */
  const scenario = ids.chain((recordIds) =>
    fc.record({
      before: fc.tuple(...recordIds.map(valuesFor)),
      after: fc.tuple(...recordIds.map(valuesFor)),
      first: partition(recordIds),
      second: partition(recordIds.filter((id) => id % 5 !== 0)), // some records drop out of the second run
      reserved: fc.uniqueArray(fc.integer({ min: 1, max: 80 }), { maxLength: 4 }),
    }),
  );
  const toClusters = (groups: number[][], records: MergeRecord[]) => {
    const byId = new Map(records.map((r) => [r.id, r]));
    return new Map(groups.map((group, i) => [i, group.map((id) => byId.get(id)!)]));
  };

  it("never throws, and re-planning its own applied output is a no-op", () => {
    fc.assert(
      fc.property(scenario, ({ before, after, first, second, reserved }) => {
        const start: State = { customers: [], reservedIds: new Set(reserved) };
        const plan1 = planMerge({ clusters: toClusters(first, before), previous: start, settings: DEFAULT_SURVIVORSHIP });
        const state1 = apply(start, plan1);
        const plan2 = planMerge({ clusters: toClusters(second, after), previous: state1, settings: DEFAULT_SURVIVORSHIP });
        const state2 = apply(state1, plan2);
        // The same input in another order plans the same.
        const reversed = new Map([...toClusters(second, after)].reverse().map(([id, records]) => [id, [...records].reverse()]));
        const plan2b = planMerge({ clusters: reversed, previous: state1, settings: DEFAULT_SURVIVORSHIP });
        expect(comparable(plan2b)).toEqual(comparable(plan2));
        const plan3 = planMerge({ clusters: toClusters(second, after), previous: state2, settings: DEFAULT_SURVIVORSHIP });
        expect(plan3.changed).toBe(false);
        expect(plan3.counts).toMatchObject({ created: 0, updated: 0, moved: 0, aliased: 0, retired: 0 });
        // Every customer id is unique, and none reuses a reserved id or an id retired before.
        const ids2 = state2.customers.map((c) => c.customerId);
        expect(new Set(ids2).size).toBe(ids2.length);
        for (const id of [...plan2.create.map((c) => c.customerId)]) {
          expect(state1.reservedIds.has(id) || state1.customers.some((c) => c.customerId === id)).toBe(false);
        }
        // Every previous customer either carries on, is an alias of one that does, or is retired.
        for (const customer of state1.customers) {
          const alias = plan2.aliases.find((a) => a.from === customer.customerId);
          const carried = state2.customers.some((c) => c.customerId === (alias?.to ?? customer.customerId));
          expect(carried || plan2.retired.includes(customer.customerId)).toBe(true);
        }
      }),
    );
  });
});

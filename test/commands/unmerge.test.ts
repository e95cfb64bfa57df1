/**
 * `roster unmerge` as command functions on temporary stores built through import → dedupe → merge (the fixture:
 * test/helpers/merge-store.ts): the split happens at once and lasts through later imports and runs, ids follow
 * merge's stable-id rules, people's earlier 'same' decisions are replaced, and every refusal writes nothing.
 */
import { PassThrough } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runNormalize } from "../../src/commands/normalize.js";
import { pairsToSeparate, runUnmerge, type UnmergeOptions } from "../../src/commands/unmerge.js";
import { UsageError } from "../../src/errors.js";
import { DEFAULT_SURVIVORSHIP } from "../../src/stages/merge/settings.js";
import { decisionOn } from "../../src/store/decisions.js";
import { openStore } from "../../src/store/open.js";
import { decidePair } from "../../src/store/review.js";
import {
  CRM,
  customerOf,
  customerRow,
  customerRows,
  dedupe,
  dedupedStore,
  importRows,
  importText,
  merge,
  mergeState,
  recordId,
  resolve,
  SHOP,
  secondRound,
} from "../helpers/merge-store.js";
import { normalizeOptions, query, quietTerminal, storeDedupeOptions } from "../helpers/run.js";

// ---------------------------------------------------------------------------------------------------------------

/** runUnmerge with dedupe and merge set up as the merge fixture's helpers run them (US phones, a small u budget). */
function unmerge(store: string, customer: string | number, overrides: Partial<UnmergeOptions> = {}, fail?: () => never) {
  const { terminal, stderr } = quietTerminal();
  const run = runUnmerge(
    {
      storePath: store,
      busyTimeoutMs: 5000,
      customer: String(customer),
      record: undefined,
      dryRun: false,
      decidedBy: "mei.lin",
      auditArgs: [String(customer)],
      dedupe: storeDedupeOptions(store),
      merge: { storePath: store, busyTimeoutMs: 5000, settings: DEFAULT_SURVIVORSHIP, dryRun: false, auditArgs: [] },
      ...overrides,
    },
    {
      terminal,
      stdout: new PassThrough(),
      normalizeFirst: async () => {
        if (fail) fail();
        await runNormalize(normalizeOptions(store, { country: "US", onlyNew: true }), { terminal, stdout: new PassThrough() });
      },
    },
  );
  return Object.assign(run, { stderr });
}

const decisions = (store: string) =>
  query<{ source_a: string; key_a: string; source_b: string; key_b: string; decision: string; decided_by: string; origin: string }>(
    store,
    "SELECT * FROM pair_decisions ORDER BY source_a, key_a, source_b, key_b",
  );
const unmergeAudit = (store: string) =>
  query<{ args: string; outcome: string; details: string }>(
    store,
    "SELECT args, outcome, details FROM audit_log WHERE command = 'unmerge'",
  );
const recordCount = (store: string) => query<{ n: number }>(store, "SELECT count(*) AS n FROM records")[0]?.n;

/** Everything unmerge could write, directly or through dedupe and merge. */
const everything = (store: string) => ({
  ...mergeState(store),
  decisions: decisions(store),
  dedupeRuns: query(store, "SELECT * FROM dedupe_runs"),
  audit: query(store, "SELECT * FROM audit_log"),
});

/** William Turner is c01 in the CRM and s01 (Bill) in the shop: one customer after the first merge. */
async function mergedStore() {
  const s = await dedupedStore();
  await merge(s.store);
  const of = customerOf(s.store);
  const turner = of.get("crm:c01") as number;
  expect(of.get("shop:s01")).toBe(turner);
  return { ...s, turner, c01: recordId(s.store, "crm:c01") as number, s01: recordId(s.store, "shop:s01") as number };
}

/** A web shop's third record of William Turner: his customer has three records, any two of which match. */
const WEB_TURNER = `id,first_name,last_name,email,phone,birth_date,address,city,postcode
w01,William,Turner,william.turner@example.com,415-555-0101,1980-03-14,12 Oak Street,San Francisco,94110
`;

// ---------------------------------------------------------------------------------------------------------------

describe("the pairs an unmerge keeps apart", () => {
  it("every pair of the records, or the record taken out against each other one", () => {
    expect(pairsToSeparate([25, 1, 40])).toEqual([
      { a: 1, b: 25 },
      { a: 1, b: 40 },
      { a: 25, b: 40 },
    ]);
    expect(pairsToSeparate([25, 1, 40], 25)).toEqual([
      { a: 1, b: 25 },
      { a: 25, b: 40 },
    ]);
    expect(pairsToSeparate([7])).toEqual([]);
    expect(pairsToSeparate([7], 7)).toEqual([]);
    expect(() => pairsToSeparate([1, 2], 3)).toThrow(RangeError);
  });

  it("property: a < b, no pair twice, n(n-1)/2 or n-1 of them, whatever the order the records come in", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { maxLength: 25 }), fc.nat(), (ids, pick) => {
        const all = pairsToSeparate(ids);
        const n = ids.length;
        expect(all).toHaveLength((n * (n - 1)) / 2);
        expect(new Set(all.map((p) => `${p.a}-${p.b}`)).size).toBe(all.length);
        expect(all.every((p) => p.a < p.b && ids.includes(p.a) && ids.includes(p.b))).toBe(true);
        expect(pairsToSeparate([...ids].reverse())).toEqual(all);
        if (n === 0) return;
        const taken = ids[pick % n] as number;
        const one = pairsToSeparate(ids, taken);
        expect(one).toHaveLength(n - 1);
        expect(one.every((p) => p.a === taken || p.b === taken)).toBe(true);
        expect(pairsToSeparate([...ids].reverse(), taken)).toEqual(one);
      }),
    );
  });
});

describe("merge → unmerge → merge", () => {
  it("splits the customer now: the smaller record id keeps the customer's id, the other part gets a new one", async () => {
    const s = await mergedStore();
    const records = recordCount(s.store);
    const result = await unmerge(s.store, s.turner);
    expect(result).toMatchObject({
      run: "applied",
      customerId: s.turner,
      aliasOf: undefined,
      taken: undefined,
      written: 1,
      replaced: { same: 0, different: 0 },
      keptId: s.turner,
    });
    expect(result.records.map((r) => r.id)).toEqual([s.c01, s.s01]);
    expect(result.decisions).toEqual([{ a: s.c01, b: s.s01, before: null }]);
    expect(result.mergeRunId).not.toBeNull();

    const after = customerOf(s.store);
    // A tie (one record each): the part holding the smallest record id, the CRM's, keeps the id.
    expect(after.get("crm:c01")).toBe(s.turner);
    const bill = after.get("shop:s01") as number;
    expect(bill).not.toBe(s.turner);
    expect(result.parts).toEqual([
      { customerId: s.turner, created: false, records: [{ id: s.c01, source: "crm", sourceId: "c01" }] },
      { customerId: bill, created: true, records: [{ id: s.s01, source: "shop", sourceId: "s01" }] },
    ]);
    // Bill's customer is his own: built from his record alone.
    expect(customerRow(s.store, bill)).toMatchObject({ given_name: "Bill", family_name: "Turner", retired_at: null });
    expect(customerRow(s.store, s.turner)).toMatchObject({ given_name: "William", retired_at: null });
    expect(recordCount(s.store)).toBe(records); // records are never deleted

    // Everyone else keeps their customer, and a second merge changes nothing.
    const before = mergeState(s.store);
    expect(await merge(s.store)).toMatchObject({ run: "unchanged", changed: false });
    expect(mergeState(s.store)).toEqual(before);
  });

  it("the decision is a person's: 'different', origin unmerge, decided by who ran it, with one audit line and no personal data", async () => {
    const s = await mergedStore();
    await unmerge(s.store, s.turner);
    expect(decisions(s.store)).toEqual([
      expect.objectContaining({
        source_a: "crm",
        key_a: expect.any(String),
        source_b: "shop",
        decision: "different",
        decided_by: "mei.lin",
        origin: "unmerge",
      }),
    ]);
    const audit = unmergeAudit(s.store);
    expect(audit).toHaveLength(1);
    expect(audit[0]?.outcome).toBe("ok");
    expect(JSON.parse(audit[0]?.args ?? "[]")).toEqual([String(s.turner)]);
    expect(JSON.parse(audit[0]?.details ?? "{}")).toEqual({ customer: s.turner, records: 2, decisions: 1, replaced_same: 0 });
    const details = audit[0]?.details ?? "";
    for (const person of [...CRM, ...SHOP]) {
      for (const value of [person.email, person.first_name, person.last_name, person.phone, person.address].filter((v) => v !== "")) {
        expect(details).not.toContain(value);
      }
    }
    expect(details).not.toMatch(/@|\+\d|crm|shop/);
    // dedupe and merge ran as they would on their own, each with its own audit line after unmerge's.
    expect(
      query<{ command: string }>(s.store, "SELECT command FROM audit_log ORDER BY id")
        .map((r) => r.command)
        .slice(-3),
    ).toEqual(["unmerge", "dedupe", "merge"]);
  });

  it("the pairs are not merged again by a later import, dedupe (even a full one, retrained) and merge", async () => {
    const s = await mergedStore();
    await unmerge(s.store, s.turner);
    const bill = customerOf(s.store).get("shop:s01") as number;
    // The shop's next export: Bill's record re-imported with a new phone (a new version, a new record id).
    await importRows(
      s,
      "shop-next.jsonl",
      SHOP.map((row) => (row.id === "s01" ? { ...row, phone: "(415) 555-0199", updated_at: "2025-01-01" } : row)),
      "shop",
    );
    await importText(s, "web.csv", WEB_TURNER, "web");
    await dedupe(s.store);
    await merge(s.store);
    const of = customerOf(s.store);
    expect(recordId(s.store, "shop:s01")).not.toBe(s.s01);
    expect(of.get("crm:c01")).toBe(s.turner);
    expect(of.get("shop:s01")).toBe(bill);
    // The web record matches both: it joins one of them, never both together.
    expect([s.turner, bill]).toContain(of.get("web:w01"));

    const { terminal } = quietTerminal();
    const { runDedupe } = await import("../../src/commands/dedupe.js");
    await runDedupe(storeDedupeOptions(s.store, { retrain: true, full: true }), { terminal, stdout: new PassThrough() });
    await merge(s.store);
    expect(customerOf(s.store).get("crm:c01")).not.toBe(customerOf(s.store).get("shop:s01"));
  });

  it("an alias id resolves to its customer and says so; the aliases still resolve after the split", async () => {
    const s = await mergedStore();
    const first = customerOf(s.store);
    const older = first.get("crm:c31") as number;
    const younger = first.get("shop:s15") as number;
    await secondRound(s); // Kate Morgan (s16) joins the two Morgan customers: the younger id becomes an alias
    await merge(s.store);
    expect(resolve(s.store, younger)).toBe(older);

    const result = await unmerge(s.store, younger);
    expect(result).toMatchObject({ run: "applied", customerId: older, aliasOf: younger, keptId: older });
    expect(result.records.map((r) => `${r.source}:${r.sourceId}`)).toEqual(["crm:c31", "shop:s15", "shop:s16"]);
    expect(result.decisions).toHaveLength(3);
    expect(JSON.parse(unmergeAudit(s.store)[0]?.details ?? "{}")).toMatchObject({
      customer: older,
      alias: younger,
      records: 3,
      decisions: 3,
    });

    const of = customerOf(s.store);
    const ids = ["crm:c31", "shop:s15", "shop:s16"].map((reference) => of.get(reference));
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]).toBe(older); // the smallest record id
    // The alias is never given to a part: it still resolves to the customer that keeps the id.
    expect(ids).not.toContain(younger);
    expect(resolve(s.store, younger)).toBe(older);
    // The part keeping the id first, then the new ones by id.
    expect(result.parts.map((part) => part.customerId)).toEqual([older, ...(ids.slice(1) as number[]).sort((a, b) => a - b)]);
    expect(result.parts.map((part) => part.created)).toEqual([false, true, true]);
  });
});

describe("the customer's records, as merge counts them", () => {
  it("a record re-imported since the last merge (a new version, no customer row yet) counts as its older version's customer's", async () => {
    const s = await mergedStore();
    await importRows(
      s,
      "shop-next.jsonl",
      SHOP.map((row) => (row.id === "s01" ? { ...row, city: "Daly City", updated_at: "2025-02-01" } : row)),
      "shop",
    );
    await dedupe(s.store); // not merged: the new version has no customer_records row of its own
    const newVersion = recordId(s.store, "shop:s01") as number;
    expect(newVersion).not.toBe(s.s01);
    expect(customerOf(s.store).get("shop:s01")).toBeNull();

    const result = await unmerge(s.store, s.turner, { record: "shop:s01" });
    expect(result.records.map((r) => r.id)).toEqual([s.c01, newVersion]);
    expect(result.decisions).toEqual([{ a: s.c01, b: newVersion, before: null }]);
    const of = customerOf(s.store);
    expect(of.get("crm:c01")).toBe(s.turner);
    expect(of.get("shop:s01")).not.toBe(s.turner);
    expect(of.get("shop:s01")).not.toBeNull();
  });
});

describe("--record takes one record out", () => {
  it("the rest stay one customer and keep its id; the record taken out is a customer of its own", async () => {
    const s = await mergedStore();
    await importText(s, "web.csv", WEB_TURNER, "web");
    await dedupe(s.store);
    await merge(s.store);
    expect(customerOf(s.store).get("web:w01")).toBe(s.turner);
    const web = recordId(s.store, "web:w01") as number;

    const result = await unmerge(s.store, s.turner, { record: "web:w01" });
    expect(result.taken).toEqual({ id: web, source: "web", sourceId: "w01" });
    expect(result.decisions).toEqual([
      { a: s.c01, b: web, before: null },
      { a: s.s01, b: web, before: null },
    ]);
    const of = customerOf(s.store);
    expect([of.get("crm:c01"), of.get("shop:s01")]).toEqual([s.turner, s.turner]);
    expect(of.get("web:w01")).not.toBe(s.turner);
    expect(result.parts.map((part) => part.records.map((r) => r.id))).toEqual([[s.c01, s.s01], [web]]);
    expect(result.keptId).toBe(s.turner);
    // Only the taken record's pairs were decided: c01 and s01 are still free to match.
    const { db } = openStore(s.store, { create: false, busyTimeoutMs: 5000 });
    try {
      expect(decisionOn(db, s.c01, s.s01)).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it("a record its source gave no id is named source:#ID, as the hints list it, and --record takes that form", async () => {
    const s = await mergedStore();
    await importText(s, "web.csv", WEB_TURNER.replace(/^id,/, "").replace(/\nw01,/, "\n"), "web");
    await dedupe(s.store);
    await merge(s.store);
    const web = query<{ id: number }>(s.store, "SELECT id FROM current_records WHERE source = 'web' AND source_id IS NULL")[0]?.id;
    expect(web).toBeDefined();
    const result = await unmerge(s.store, s.turner, { record: `web:#${web}` });
    expect(result.taken).toEqual({ id: web, source: "web", sourceId: null });
    expect(result.parts.map((part) => part.records.map((r) => r.id))).toEqual([[s.c01, s.s01], [web]]);
  });

  it("by record id too; of two records, the one with the smaller id keeps the customer whichever is taken out", async () => {
    const s = await mergedStore();
    const result = await unmerge(s.store, s.turner, { record: String(s.c01) });
    expect(result.taken?.id).toBe(s.c01);
    const of = customerOf(s.store);
    expect(of.get("crm:c01")).toBe(s.turner);
    expect(of.get("shop:s01")).not.toBe(s.turner);
  });

  it("taking out the record that linked the others splits them too: they do not match without it", async () => {
    const s = await mergedStore();
    const morgan = customerOf(s.store).get("crm:c31") as number;
    await secondRound(s);
    await merge(s.store);
    const result = await unmerge(s.store, morgan, { record: "shop:s16" });
    expect(result.decisions).toHaveLength(2);
    // Katherine's CRM and shop records share only her name and birth date: Kate's record held them together.
    expect(result.parts).toHaveLength(3);
    expect(result.parts[0]?.records.map((r) => r.sourceId)).toEqual(["c31"]);
    expect(result.keptId).toBe(morgan);
  });
});

describe("people's earlier decisions", () => {
  it("a review's 'same' on the pair is replaced (latest decision wins) and counted", async () => {
    const s = await mergedStore();
    const { db } = openStore(s.store, { create: false, busyTimeoutMs: 5000 });
    try {
      decidePair(db, s.s01, s.c01, "same", "reviewer.wang", ["review"]);
    } finally {
      db.close();
    }
    await dedupe(s.store);
    await merge(s.store);
    expect(customerOf(s.store).get("shop:s01")).toBe(s.turner);

    const dry = await unmerge(s.store, s.turner, { dryRun: true });
    expect(dry.decisions).toEqual([{ a: s.c01, b: s.s01, before: "same" }]);
    expect(dry.replaced).toEqual({ same: 1, different: 0 });

    const result = await unmerge(s.store, s.turner);
    expect(result.replaced).toEqual({ same: 1, different: 0 });
    // One row per pair: the review's decision is gone, the unmerge's stands, and dedupe followed it.
    expect(decisions(s.store)).toEqual([expect.objectContaining({ decision: "different", decided_by: "mei.lin", origin: "unmerge" })]);
    expect(customerOf(s.store).get("shop:s01")).not.toBe(s.turner);
    expect(JSON.parse(unmergeAudit(s.store)[0]?.details ?? "{}")).toMatchObject({ replaced_same: 1 });
  });

  it("killed between the decisions and the re-merge: the decisions stay, and the next dedupe and merge finish the split", async () => {
    const s = await mergedStore();
    // A new export waiting to be normalized: dedupe normalizes first, and dies there.
    await importText(s, "web.csv", WEB_TURNER, "web");
    const dying = unmerge(s.store, s.turner, {}, () => {
      throw new Error("killed");
    });
    await expect(dying).rejects.toThrow("killed");
    expect(dying.stderr()).toMatch(
      /the decisions that split customer \d+ are written, but the split is not done: roster dedupe && roster merge/,
    );
    expect(decisions(s.store)).toHaveLength(1);
    expect(customerOf(s.store).get("shop:s01")).toBe(s.turner); // not split yet

    await dedupe(s.store);
    await merge(s.store);
    const of = customerOf(s.store);
    expect(of.get("crm:c01")).toBe(s.turner);
    expect(of.get("shop:s01")).not.toBe(s.turner);
  });
});

describe("what unmerge refuses, and writes nothing for", () => {
  async function refused(s: { store: string }, customer: string | number, overrides: Partial<UnmergeOptions>, message: RegExp) {
    const before = everything(s.store);
    const run = unmerge(s.store, customer, overrides);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(message);
    await expect(run).rejects.toMatchObject({ exitCode: 2, hint: expect.any(String) });
    expect(everything(s.store)).toEqual(before);
  }

  it("an unknown id, an id that is no number: exit 2 naming how to find customers", async () => {
    const s = await mergedStore();
    await refused(s, 9999, {}, /^no customer 9999 in this store$/);
    await refused(s, "zhang.wei", {}, /customer id "zhang.wei": customer ids are whole numbers/);
    await expect(unmerge(s.store, 9999)).rejects.toMatchObject({ hint: expect.stringMatching(/roster export customers/) });
  });

  it("before the first merge there are no customers: exit 2 saying to run merge", async () => {
    const s = await dedupedStore();
    await refused(s, 1, {}, /^no customer 1: merge has not run on this store, so there are no customers yet$/);
    await expect(unmerge(s.store, 1)).rejects.toMatchObject({ hint: "run roster merge first" });
  });

  it("a retired customer (none of its records is current any more): exit 2", async () => {
    const s = await mergedStore();
    await secondRound(s);
    await merge(s.store);
    const oscar = customerOf(s.store).get("shop:s07") as number; // s07 became Oscar Whitman in the shop's next export
    const shopNext = query<{ id: number }>(s.store, "SELECT id FROM batches WHERE path LIKE '%shop-next.jsonl'")[0]?.id as number;
    const { runBatchesRm } = await import("../../src/commands/batches.js");
    await runBatchesRm({ id: shopNext, storePath: s.store, busyTimeoutMs: 5000 });
    await dedupe(s.store);
    await merge(s.store);
    expect(customerRow(s.store, oscar)?.retired_at).not.toBeNull();
    await refused(s, oscar, {}, new RegExp(`^customer ${oscar} is retired: none of its records is current any more`));
  });

  it("--record not one of the customer's records, or no record at all: exit 2 naming it and listing the customer's", async () => {
    const s = await mergedStore();
    await refused(s, s.turner, { record: "crm:c02" }, /^--record crm:c02: record \d+ is not one of customer \d+'s records$/);
    await refused(s, s.turner, { record: "crm:c99" }, /^--record crm:c99: no current record "crm:c99"$/);
    await expect(unmerge(s.store, s.turner, { record: "crm:c99" })).rejects.toMatchObject({
      hint: `give one of its records, by id or source:source_id: ${s.c01} (crm:c01), ${s.s01} (shop:s01)`,
    });
  });

  it("a customer with a single record: nothing to split, nothing written (not an error)", async () => {
    const s = await mergedStore();
    const patricia = customerOf(s.store).get("crm:c06") as number;
    const before = everything(s.store);
    const result = await unmerge(s.store, patricia);
    expect(result).toMatchObject({ run: "nothing-to-split", customerId: patricia, decisions: [], written: 0, keptId: patricia });
    expect(result.records.map((r) => r.sourceId)).toEqual(["c06"]);
    expect(await unmerge(s.store, patricia, { record: "crm:c06" })).toMatchObject({ run: "nothing-to-split" });
    expect(everything(s.store)).toEqual(before);
    // After a split, unmerging the part that kept the id again has nothing left to do.
    await unmerge(s.store, s.turner);
    expect(await unmerge(s.store, s.turner)).toMatchObject({ run: "nothing-to-split" });
  });

  it("--dry-run lists the decisions and writes nothing: no decision, audit line, dedupe or merge run", async () => {
    const s = await mergedStore();
    const before = everything(s.store);
    const dry = await unmerge(s.store, s.turner, { dryRun: true });
    expect(dry).toMatchObject({ run: "dry-run", written: 0, dedupeRun: null, mergeRunId: null, keptId: s.turner });
    expect(dry.decisions).toEqual([{ a: s.c01, b: s.s01, before: null }]);
    expect(everything(s.store)).toEqual(before);
    expect(customerRows(s.store).length).toBe(before.customers.length);
  });
});

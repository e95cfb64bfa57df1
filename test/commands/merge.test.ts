/**
 * `roster merge` as command functions on temporary stores built through import → dedupe (→ validate): one golden
 * customer per cluster, provenance per field read back from the store, survivorship over the store's times and
 * findings, completion, stable ids across runs (records added, changed, removed; clusters joined and split),
 * aliases, --dry-run and the refusals (the fixture: test/helpers/merge-store.ts; roster.yml's merge: section:
 * merge-config.test.ts).
 */
import { PassThrough } from "node:stream";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { runBatchesRm } from "../../src/commands/batches.js";
import { runNormalize } from "../../src/commands/normalize.js";
import { runValidate } from "../../src/commands/validate.js";
import { StoreError, UsageError } from "../../src/errors.js";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import { DEFAULT_SURVIVORSHIP, SURVIVORSHIP_RULES } from "../../src/stages/merge/settings.js";
import { recordDecision } from "../../src/store/decisions.js";
import { applyMergePlan } from "../../src/store/merge.js";
import { openStore } from "../../src/store/open.js";
import {
  CRM,
  currentRows,
  customerOf,
  customerRow,
  customerRows,
  dedupe,
  dedupedStore,
  importRows,
  importText,
  merge,
  mergeState,
  newStore,
  provenanceOf,
  recordId,
  resolve,
  SHOP,
  SHOP_DUPLICATES,
  secondRound,
  WECHAT_CSV,
} from "../helpers/merge-store.js";
import { normalizeOptions, query, quietTerminal, validateOptions } from "../helpers/run.js";

// ---------------------------------------------------------------------------------------------------------------

describe("merge refuses what it cannot merge", () => {
  it("before the first dedupe: a usage error that says to run dedupe first, and nothing written", async () => {
    const s = newStore();
    await importRows(s, "crm.csv", CRM, "crm");
    const refused = merge(s.store);
    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toThrow(/dedupe has not run on this store/);
    await expect(refused).rejects.toMatchObject({ exitCode: 2, hint: expect.stringMatching(/roster dedupe first/) });
    expect(mergeState(s.store)).toMatchObject({ customers: [], records: [], runs: [], audit: [] });
  });

  it("records imported since the last dedupe run: refused with how many, the previous customers untouched", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const before = mergeState(s.store);
    await importText(s, "wechat.csv", WECHAT_CSV, "wechat");
    const refused = merge(s.store);
    await expect(refused).rejects.toThrow(/records are newer than the last dedupe run \(.+\): 2 records imported since/);
    await expect(refused).rejects.toMatchObject({ exitCode: 2, hint: expect.stringMatching(/roster dedupe first/) });
    expect(mergeState(s.store)).toEqual(before);
    await dedupe(s.store);
    expect((await merge(s.store)).counts.customers).toBe(before.customers.length + 1); // 王芳; 李芳 joins her CRM record
  });

  it("a person's decision made since the last dedupe run: refused until dedupe follows it, then the two are apart", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const crm = recordId(s.store, "crm:c01")!;
    const shop = recordId(s.store, "shop:s01")!;
    expect(customerOf(s.store).get("crm:c01")).toBe(customerOf(s.store).get("shop:s01"));
    const before = mergeState(s.store);
    // What `roster review --import decisions.csv` writes for an "n": different people.
    const { db } = openStore(s.store, { create: false, busyTimeoutMs: 1000 });
    recordDecision(db, crm, shop, "different", "tester", "import");
    db.close();
    const refused = merge(s.store);
    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toThrow(/decisions made since the last dedupe run \(.+\)/);
    await expect(refused).rejects.toMatchObject({ exitCode: 2, hint: expect.stringMatching(/run roster dedupe first/) });
    // --full and --dry-run are refused alike: both would show customers the decision contradicts.
    await expect(merge(s.store, { full: true })).rejects.toThrow(/decisions made since the last dedupe run/);
    await expect(merge(s.store, { dryRun: true })).rejects.toThrow(/decisions made since the last dedupe run/);
    expect(mergeState(s.store)).toEqual(before);
    await dedupe(s.store);
    await merge(s.store);
    expect(customerOf(s.store).get("crm:c01")).not.toBe(customerOf(s.store).get("shop:s01"));
    // Followed now: the next merge runs, and with nothing new it changes nothing.
    expect((await merge(s.store)).run).toBe("unchanged");
  });

  it("records normalized again since the last dedupe run: merged in that run's clusters and counted (the CLI warns)", async () => {
    const s = await dedupedStore();
    const clusters = currentRows(s.store).map((r) => [r.id, r.cluster_id]);
    // Read as Chinese numbers, the shop's national-format US phones change: dedupe compared the old values.
    await runNormalize(normalizeOptions(s.store, { country: "CN" }), { terminal: quietTerminal().terminal, stdout: new PassThrough() });
    const result = await merge(s.store);
    expect(result.changedSinceDedupe).toBeGreaterThan(0);
    expect(result.counts.customers).toBe(new Set(clusters.map(([, cluster]) => cluster)).size);
    expect(currentRows(s.store).map((r) => [r.id, r.cluster_id])).toEqual(clusters);
    // Refusing would be a dead end when dedupe finds the values it compares unchanged: it records no run then.
    await dedupe(s.store);
    expect((await merge(s.store)).changedSinceDedupe).toBe(0);
  });

  it("an empty store that dedupe never ran on: nothing to merge, not a refusal", async () => {
    const s = newStore();
    await importText(s, "empty.csv", "id,first_name,email\n", "crm");
    expect(await merge(s.store)).toMatchObject({ run: "unchanged", changed: false, records: 0, dedupeRunId: null });
    expect(mergeState(s.store)).toMatchObject({ customers: [], runs: [] });
  });
});

describe("the first merge: one golden customer per cluster", () => {
  it("every cluster, a record alone too, becomes one customer, and every current record names it", async () => {
    const s = await dedupedStore();
    const result = await merge(s.store);
    const rows = currentRows(s.store);
    const clusters = new Set(rows.map((r) => r.cluster_id));
    expect(rows.every((r) => r.cluster_id !== null && r.customer_id !== null)).toBe(true);
    expect(customerRows(s.store)).toHaveLength(clusters.size);
    expect(result).toMatchObject({ run: "applied", changed: true, records: CRM.length + SHOP.length, carried: 0 });
    expect(result.counts).toMatchObject({ customers: clusters.size, created: clusters.size, updated: 0, aliased: 0, retired: 0 });
    expect(result.assigned).toBe(rows.length);
    // Cluster and customer are one to one.
    const customerOfCluster = new Map<number | null, number | null>();
    for (const r of rows) {
      if (customerOfCluster.has(r.cluster_id)) expect(customerOfCluster.get(r.cluster_id)).toBe(r.customer_id);
      customerOfCluster.set(r.cluster_id, r.customer_id);
    }
    expect(new Set(customerOfCluster.values()).size).toBe(clusters.size);
    // The fixture's duplicates share their customer; the people only one source knows have one of their own.
    const of = customerOf(s.store);
    for (const [shop, crm] of Object.entries(SHOP_DUPLICATES)) expect(of.get(`shop:${shop}`), shop).toBe(of.get(`crm:${crm}`));
    for (const alone of ["crm:c08", "crm:c22", "shop:s11", "shop:s14"]) {
      expect(
        rows.filter((r) => r.customer_id === of.get(alone)),
        alone,
      ).toHaveLength(1);
    }
    expect(of.get("crm:c31")).not.toBe(of.get("shop:s15"));
  });

  it("every golden value names the record it came from and the rule, and is that record's value", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const records = new Map(
      query<Record<string, string | number | null>>(s.store, "SELECT * FROM current_records").map((r) => [r.id as number, r]),
    );
    const named = new Set<string>([...SURVIVORSHIP_RULES, "only_value", "all_agree", "lowest_record_id", "same_address"]);
    const membersOf = new Map<number, number[]>();
    for (const r of currentRows(s.store)) membersOf.set(r.customer_id as number, [...(membersOf.get(r.customer_id as number) ?? []), r.id]);
    let derived = 0;
    for (const row of customerRows(s.store)) {
      const provenance = provenanceOf(row);
      for (const field of CANONICAL_FIELDS) {
        const from = provenance[field];
        expect(from === undefined, `customer ${row.id} ${field}`).toBe(row[field] === null);
        if (!from) continue;
        if (from.derived) {
          derived++;
          continue;
        }
        expect(named.has(from.rule), from.rule).toBe(true);
        expect(membersOf.get(row.id)).toContain(from.record);
        expect(row[field], `customer ${row.id} ${field}`).toBe(records.get(from.record as number)?.[field]);
      }
    }
    // The Chinese customers' country is derived from their +86 numbers: no record states it.
    expect(derived).toBeGreaterThanOrEqual(2);
  });

  it("most recent is read from the records' updated_at before their batch times", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const of = customerOf(s.store);
    // The shop (imported later) has the newer Bill Turner; the CRM updated James Fitzgerald after the shop's Jim.
    const turner = customerRow(s.store, of.get("crm:c01"));
    expect(turner).toMatchObject({ given_name: "Bill", family_name: "Turner" });
    expect(provenanceOf(turner).given_name).toEqual({ record: recordId(s.store, "shop:s01"), rule: "most_recent" });
    const fitzgerald = customerRow(s.store, of.get("crm:c05"));
    expect(fitzgerald).toMatchObject({ given_name: "James" });
    expect(provenanceOf(fitzgerald).given_name).toEqual({ record: recordId(s.store, "crm:c05"), rule: "most_recent" });
    // Values both records agree on say so.
    expect(provenanceOf(fitzgerald).birth_date).toMatchObject({ rule: "all_agree" });
  });

  it("valid over invalid: once validate finds the shop's email broken, the CRM's valid one wins", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const nakamura = customerOf(s.store).get("crm:c03");
    // No findings yet: the newest writing wins, broken or not.
    expect(customerRow(s.store, nakamura)?.email).toBe("rob.nakamura(at)example.net");
    await runValidate(validateOptions(s.store, { failOn: "never" }), { terminal: quietTerminal().terminal });
    const shopRecord = recordId(s.store, "shop:s03");
    expect(
      query(s.store, "SELECT rule FROM findings WHERE record_id = ? AND field = 'email' AND severity = 'error'", shopRecord),
    ).not.toEqual([]);

    const result = await merge(s.store);
    expect(result.counts).toMatchObject({ created: 0, aliased: 0, retired: 0 });
    expect(result.counts.updated).toBeGreaterThanOrEqual(1);
    expect(result.examples.updated.find((u) => u.customerId === nakamura)?.changedFields).toContain("email");
    const row = customerRow(s.store, nakamura);
    expect(row?.email).toBe("rob.nakamura@example.net");
    expect(provenanceOf(row).email).toEqual({ record: recordId(s.store, "crm:c03"), rule: "valid_over_invalid" });
  });

  it("merge_runs and audit_log get one line each, with ids and counts and no personal data", async () => {
    const s = await dedupedStore();
    const result = await merge(s.store, { auditArgs: [] });
    const [run] = query<{ id: number; dedupe_run_id: number; counts: string; settings: string }>(s.store, "SELECT * FROM merge_runs");
    expect(run).toMatchObject({ id: result.mergeRunId, dedupe_run_id: result.dedupeRunId });
    expect(JSON.parse(run?.counts ?? "{}")).toMatchObject({ customers: result.counts.customers, created: result.counts.created });
    expect(JSON.parse(run?.settings ?? "{}")).toEqual(JSON.parse(JSON.stringify(DEFAULT_SURVIVORSHIP)));
    const audit = query<{ details: string; outcome: string }>(s.store, "SELECT details, outcome FROM audit_log WHERE command = 'merge'");
    expect(audit).toHaveLength(1);
    expect(audit[0]?.outcome).toBe("ok");
    const details = audit[0]?.details ?? "";
    expect(JSON.parse(details)).toMatchObject({ merge_run: result.mergeRunId, customers: result.counts.customers });
    for (const person of [...CRM, ...SHOP]) {
      for (const value of [person.email, person.last_name, person.phone].filter((v) => v !== "")) expect(details).not.toContain(value);
    }
    expect(details).not.toMatch(/@|\+\d/);
  });
  it("merge_runs and audit_log count under the --json names and meanings: a first merge assigns, it moves nothing", async () => {
    const s = await dedupedStore();
    const first = await merge(s.store);
    const counts = () => query<{ counts: string }>(s.store, "SELECT counts FROM merge_runs ORDER BY id").map((r) => JSON.parse(r.counts));
    const audits = () =>
      query<{ details: string }>(s.store, "SELECT details FROM audit_log WHERE command = 'merge' ORDER BY id").map((r) =>
        JSON.parse(r.details),
      );
    const records = currentRows(s.store).length;
    const expected = { records, records_moved: 0, records_assigned: records, records_carried: 0, merged: 0 };
    expect(first.assigned).toBe(records);
    expect(counts()[0]).toMatchObject(expected);
    expect(audits()[0]).toMatchObject(expected);
    // The names of the plan's counts are not written beside them: one meaning per count.
    for (const stored of [counts()[0], audits()[0]])
      for (const name of ["moved", "aliased", "carried"]) expect(stored).not.toHaveProperty(name);

    // Michael Brennan's shop record (s07) becomes someone else: it moves; Pat and 王芳 are assigned; one alias.
    await secondRound(s);
    const second = await merge(s.store);
    const moved = second.counts.moved - second.assigned;
    expect(moved).toBeGreaterThan(0);
    const again = { records_moved: moved, records_assigned: second.assigned, merged: second.counts.aliased };
    expect(again.merged).toBe(1);
    expect(counts()[1]).toMatchObject(again);
    expect(audits()[1]).toMatchObject(again);
  });
});

describe("later merges: stable ids, aliases, nothing changed", () => {
  it("a re-run with nothing new changes nothing, writes nothing, and says so", async () => {
    const s = await dedupedStore();
    const first = await merge(s.store);
    const before = mergeState(s.store);
    const again = await merge(s.store);
    expect(again).toMatchObject({ run: "unchanged", changed: false, mergeRunId: null, carried: 0 });
    expect(again.counts).toMatchObject({ customers: first.counts.customers, created: 0, updated: 0, moved: 0, aliased: 0, retired: 0 });
    expect(again.counts.unchanged).toBe(first.counts.customers);
    expect(mergeState(s.store)).toEqual(before);
  });

  it("records added, changed and joining clusters: ids stay, the younger of two joined customers becomes an alias", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const before = customerOf(s.store);
    const ids = new Set(customerRows(s.store).map((c) => c.id));
    const older = before.get("crm:c31") as number;
    const younger = before.get("shop:s15") as number;
    expect(older).toBeLessThan(younger);

    await secondRound(s);
    const result = await merge(s.store);
    const after = customerOf(s.store);
    // Kate Morgan joins the two Morgan customers: the older id survives, the younger resolves to it.
    expect([after.get("crm:c31"), after.get("shop:s15"), after.get("shop:s16")]).toEqual([older, older, older]);
    expect(result.aliases).toEqual([{ from: younger, to: older }]);
    expect(customerRow(s.store, younger)).toBeUndefined();
    expect(resolve(s.store, younger)).toBe(older);
    expect(resolve(s.store, older)).toBe(older);
    // s07 is now someone else: Michael Brennan keeps his id, Oscar Whitman is a new customer with an id never used.
    expect(after.get("crm:c07")).toBe(before.get("crm:c07"));
    const oscar = after.get("shop:s07") as number;
    expect(oscar).not.toBe(before.get("crm:c07"));
    expect(ids.has(oscar)).toBe(false);
    // Pat Lindqvist joins Patricia's customer; 李芳's WeChat record joins hers; everyone else keeps their id.
    expect(after.get("shop:s17")).toBe(before.get("crm:c06"));
    expect(after.get("wechat:w02")).toBe(before.get("crm:c22"));
    for (const [reference, id] of before) {
      if (reference === "shop:s07" || reference === "shop:s15") continue;
      expect(after.get(reference), reference).toBe(id);
    }
    expect(result.counts).toMatchObject({ aliased: 1, retired: 0 });
    expect(result.counts.created).toBe(2); // Oscar Whitman, 王芳
    // Once merged, nothing more to do.
    expect((await merge(s.store)).run).toBe("unchanged");
  });

  it("a record re-imported with other values keeps its customer, which takes the new values", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const before = customerOf(s.store);
    const oldVersion = recordId(s.store, "crm:c09") as number;
    const changed = CRM.map((row) =>
      row.id === "c09"
        ? { ...row, phone: "+1 412 555 0999", updated_at: "2025-01-01" }
        : row.id === "c20"
          ? { ...row, city: "Provo" }
          : row,
    );
    await importRows(s, "crm-next.csv", changed, "crm");
    await dedupe(s.store);
    const result = await merge(s.store);
    const after = customerOf(s.store);
    expect(after).toEqual(before);
    expect(result.carried).toBe(2);
    expect(result.counts).toMatchObject({ created: 0, aliased: 0, retired: 0, updated: 2 });
    const kowalski = customerRow(s.store, before.get("crm:c09"));
    expect(kowalski?.phone).toBe("+14125550999");
    expect(provenanceOf(kowalski).phone?.record).toBe(recordId(s.store, "crm:c09"));
    expect(recordId(s.store, "crm:c09")).not.toBe(oldVersion);
    // The old version keeps its row: the customer it had, should it be current again.
    expect(query(s.store, "SELECT customer_id FROM customer_records WHERE record_id = ?", oldVersion)).toEqual([
      { customer_id: before.get("crm:c09") },
    ]);
  });

  it("batches rm: the versions a removed batch superseded get their customer back; a customer left with no records is retired", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const first = customerOf(s.store);
    await secondRound(s);
    await merge(s.store);
    const second = customerOf(s.store);
    const oscar = second.get("shop:s07") as number;
    const morgan = first.get("crm:c31") as number;
    const alias = first.get("shop:s15") as number;
    const shopNext = query<{ id: number }>(s.store, "SELECT id FROM batches WHERE path LIKE '%shop-next.jsonl'")[0]?.id as number;

    expect(await runBatchesRm({ id: shopNext, storePath: s.store, busyTimeoutMs: 5000 })).toMatchObject({ kind: "removed" });
    await dedupe(s.store);
    const result = await merge(s.store);
    const third = customerOf(s.store);
    // Michael Brenan's shop record is current again, with his customer; Oscar's customer has no record left.
    expect(third.get("shop:s07")).toBe(first.get("crm:c07"));
    expect(result.retired).toEqual([oscar]);
    expect(customerRow(s.store, oscar)?.retired_at).not.toBeNull();
    // Without Kate, the Morgans part again: Katherine of the CRM keeps the id, the shop's gets a new one (the
    // alias stays hers, never reused).
    expect(third.get("crm:c31")).toBe(morgan);
    const shopMorgan = third.get("shop:s15") as number;
    expect([morgan, alias, oscar]).not.toContain(shopMorgan);
    expect(resolve(s.store, alias)).toBe(morgan);
    expect(third.get("shop:s17")).toBeUndefined();
    expect(customerRows(s.store).filter((c) => c.retired_at === null)).toHaveLength(new Set(third.values()).size);
  });
});

describe("completion through the store", () => {
  it("what no record states is derived and marked so; a stated value is never overwritten", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    await secondRound(s);
    const result = await merge(s.store);
    const of = customerOf(s.store);
    const wang = customerRow(s.store, of.get("wechat:w01"));
    const wangRecord = recordId(s.store, "wechat:w01");
    expect(wang).toMatchObject({ full_name: "王芳", national_id: "110108199003071238", birth_date: "1990-03-07", country: "CN" });
    const wangFrom = provenanceOf(wang);
    expect(wangFrom.birth_date).toMatchObject({ record: wangRecord, derived: true });
    expect(wangFrom.country).toMatchObject({ derived: true });
    expect(wangFrom.national_id).toEqual({ record: wangRecord, rule: "only_value" });
    // 李芳's CRM record states her birth date: her WeChat id agrees, and the stated value stays, not derived.
    const li = customerRow(s.store, of.get("crm:c22"));
    expect(li).toMatchObject({ birth_date: "1991-08-08", national_id: "310115199108080027", city: "上海" });
    expect(provenanceOf(li).birth_date).toMatchObject({ record: recordId(s.store, "crm:c22") });
    expect(provenanceOf(li).birth_date?.derived).toBeUndefined();
    expect(result.derived.birth_date).toBeGreaterThanOrEqual(1);
  });
});

describe("--dry-run", () => {
  it("reports what the real run then does, and writes nothing", async () => {
    const s = await dedupedStore();
    const dry = await merge(s.store, { dryRun: true });
    expect(dry).toMatchObject({ run: "dry-run", changed: true, dryRun: true, mergeRunId: null });
    expect(mergeState(s.store)).toEqual({ customers: [], records: [], aliases: [], runs: [], audit: [] });
    expect(currentRows(s.store).every((r) => r.customer_id === null)).toBe(true);
    const real = await merge(s.store);
    expect(real.counts).toEqual(dry.counts);
    expect(real.examples).toEqual(dry.examples);

    await secondRound(s);
    const before = mergeState(s.store);
    const dryAgain = await merge(s.store, { dryRun: true });
    expect(mergeState(s.store)).toEqual(before);
    const realAgain = await merge(s.store);
    expect(dryAgain.aliases).toEqual(realAgain.aliases);
    expect(dryAgain.counts).toEqual(realAgain.counts);
    expect(dryAgain.derived).toEqual(realAgain.derived);
    // With nothing new, a dry run says so too.
    expect(await merge(s.store, { dryRun: true })).toMatchObject({ run: "dry-run", changed: false });
  });
});

describe("applying a plan made before another run finished", () => {
  it("another merge or dedupe since the plan was read: a store error, and nothing written", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const before = mergeState(s.store);
    const { db } = openStore(s.store, { create: false, busyTimeoutMs: 1000 });
    const dedupeRun = db.prepare("SELECT max(id) FROM dedupe_runs").pluck().get() as number;
    const plan = {
      create: [{ customerId: 999, clusterId: 999, recordIds: [], values: {} as never, provenance: {} }],
      update: [],
      unchanged: [],
      moves: { recordIds: [], customerIds: [] },
      aliases: [],
      retired: [],
      changed: true,
      counts: { customers: 1, created: 1, updated: 0, unchanged: 0, moved: 0, aliased: 0, retired: 0 },
    };
    const write = (basedOn: { mergeRun: number | null; dedupeRun: number }) => () =>
      applyMergePlan(db, {
        plan,
        basedOn,
        carried: { recordIds: [], customerIds: [] },
        startedAt: "",
        settings: "{}",
        counts: {},
        auditArgs: [],
      });
    try {
      expect(write({ mergeRun: null, dedupeRun })).toThrow(StoreError);
      expect(write({ mergeRun: null, dedupeRun })).toThrow(/another merge run finished while this one was working: nothing was written/);
      expect(write({ mergeRun: 1, dedupeRun: dedupeRun - 1 })).toThrow(/a dedupe run finished while merge was working/);
    } finally {
      db.close();
    }
    expect(mergeState(s.store)).toEqual(before);
  });
});

describe("aliases of aliases", () => {
  it("a customer that joins another takes its own aliases and its records' older rows along: every old id resolves in one step", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const [x, y, z] = customerRows(s.store).map((c) => c.id) as [number, number, number];
    const { db } = openStore(s.store, { create: false, busyTimeoutMs: 1000 });
    const recordsOf = (id: number) =>
      db.prepare("SELECT record_id FROM customer_records WHERE customer_id = ?").pluck().all(id) as number[];
    const join = (from: number, to: number, mergeRun: number) => {
      const moved = recordsOf(from);
      const plan = {
        create: [],
        update: [],
        unchanged: [],
        moves: { recordIds: moved, customerIds: moved.map(() => to) },
        aliases: [{ from, to }],
        retired: [],
        changed: true,
        counts: { customers: 0, created: 0, updated: 0, unchanged: 0, moved: moved.length, aliased: 1, retired: 0 },
      };
      const dedupeRun = db.prepare("SELECT max(id) FROM dedupe_runs").pluck().get() as number;
      applyMergePlan(db, {
        plan,
        basedOn: { mergeRun, dedupeRun },
        carried: { recordIds: [], customerIds: [] },
        startedAt: "",
        settings: "{}",
        counts: {},
        auditArgs: [],
      });
    };
    try {
      join(z, y, 1);
      join(y, x, 2);
    } finally {
      db.close();
    }
    expect(query(s.store, "SELECT alias_id, customer_id FROM customer_aliases ORDER BY alias_id")).toEqual([
      { alias_id: y, customer_id: x },
      { alias_id: z, customer_id: x },
    ]);
    expect(query(s.store, "SELECT count(*) AS n FROM customer_records WHERE customer_id IN (?, ?)", y, z)).toEqual([{ n: 0 }]);
    expect(query(s.store, "PRAGMA foreign_key_check")).toEqual([]);
  });
});

describe("merge_runs.dedupe_run_id keeps the store's history readable", () => {
  it("each merge names the dedupe run it merged", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    await secondRound(s);
    await merge(s.store);
    const db = new Database(s.store, { readonly: true });
    try {
      expect(db.prepare("SELECT dedupe_run_id FROM merge_runs ORDER BY id").pluck().all()).toEqual(
        db.prepare("SELECT id FROM dedupe_runs ORDER BY id").pluck().all(),
      );
    } finally {
      db.close();
    }
  });
});

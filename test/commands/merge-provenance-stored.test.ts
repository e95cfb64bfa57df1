/**
 * customers.provenance as merge stores it (README, the customers table): compact where the row's own values say
 * where a field came from, expanded by every reader. On stores built as a user builds them (the merge tests' CRM,
 * shop and WeChat exports): the first merge's customers of one record are stored as their record alone, a merge
 * of the same store again changes nothing (golden equality compares the expanded provenance), and a store
 * written in the full form before the compact one reads the same (merge, export).
 */
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { provenanceJson } from "../../src/store/provenance-json.js";
import { exported } from "../helpers/export-run.js";
import { customerRows, dedupedStore, merge, mergeState, provenanceOf, secondRound } from "../helpers/merge-store.js";
import { query } from "../helpers/run.js";

/** Each current customer's records in customer_records (current versions only). */
const recordsOf = (store: string) => {
  const byCustomer = new Map<number, number[]>();
  for (const { customer_id, id } of query<{ customer_id: number; id: number }>(
    store,
    "SELECT customer_id, id FROM current_records WHERE customer_id IS NOT NULL ORDER BY id",
  )) {
    byCustomer.set(customer_id, [...(byCustomer.get(customer_id) ?? []), id]);
  }
  return byCustomer;
};

/** Rewrites every customer's provenance in the full form, as a store written before the compact form holds it. */
function rewriteInFullForm(store: string): void {
  const rows = customerRows(store);
  const db = new Database(store);
  const update = db.prepare("UPDATE customers SET provenance = ? WHERE id = ?");
  db.transaction(() => {
    for (const row of rows) update.run(provenanceJson(provenanceOf(row)), row.id);
  })();
  db.close();
}

const exportedProvenance = async (store: string) =>
  (await exported(store, { provenance: true, fields: ["id", "full_name", "provenance"] })).text;

describe("customers.provenance, compact", () => {
  it("a customer of one record is stored as that record, and reads back with every field of its row from it", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const records = recordsOf(s.store);
    const singles = customerRows(s.store).filter((row) => records.get(row.id)?.length === 1);
    expect(singles.length).toBeGreaterThan(3);
    for (const row of singles) {
      const [recordId] = records.get(row.id)!;
      const stored = JSON.parse(row.provenance) as Record<string, { record: number | null; rule: string; derived?: true }>;
      expect(stored["*"], `customer ${row.id}`).toEqual({ record: recordId, rule: "only_value" });
      // What is written besides: only what did not come from the record as it is (completion's fields).
      for (const [field, from] of Object.entries(stored)) if (field !== "*") expect(from.derived, `${field} of ${row.id}`).toBe(true);
      const provenance = provenanceOf(row);
      for (const [field, value] of Object.entries(row)) {
        if (!(field in provenance) || value === null) continue;
        expect(provenance[field as keyof typeof provenance], `${field} of ${row.id}`).toBeDefined();
      }
    }
    // 张伟-style customers of several records keep one entry per field that another record or rule gave.
    const merged = customerRows(s.store).filter((row) => (records.get(row.id)?.length ?? 0) > 1);
    expect(merged.length).toBeGreaterThan(0);
    const fullBytes = customerRows(s.store).reduce((sum, row) => sum + provenanceJson(provenanceOf(row)).length, 0);
    const storedBytes = customerRows(s.store).reduce((sum, row) => sum + row.provenance.length, 0);
    expect(storedBytes).toBeLessThan(fullBytes / 2);
  });

  it("merging the same store again, incremental or --full, changes nothing", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    await secondRound(s);
    await merge(s.store);
    const before = mergeState(s.store);
    const again = await merge(s.store);
    expect(again.counts.created + again.counts.updated + again.counts.moved + again.counts.retired).toBe(0);
    const full = await merge(s.store, { full: true });
    expect(full.counts.updated).toBe(0);
    expect(full.counts.created).toBe(0);
    expect(full.counts.unchanged).toBe(full.counts.customers);
    expect(mergeState(s.store).customers).toEqual(before.customers);
  });

  it("a store written in the full form reads the same: --full finds nothing to change, export writes the same", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    await secondRound(s);
    await merge(s.store);
    const exportedCompact = await exportedProvenance(s.store);
    const expanded = customerRows(s.store).map(provenanceOf);
    rewriteInFullForm(s.store);
    expect(customerRows(s.store).every((row) => !row.provenance.includes('"*"'))).toBe(true);
    expect(customerRows(s.store).map(provenanceOf)).toEqual(expanded);
    expect(await exportedProvenance(s.store)).toBe(exportedCompact);
    const full = await merge(s.store, { full: true });
    expect(full.counts.updated).toBe(0);
    expect(full.counts.unchanged).toBe(full.counts.customers);
  });
});

/**
 * An incremental merge (the default once a merge ran) re-plans only the clusters that changed since the last
 * merge run, and must leave the store exactly as `--full` leaves it. Each case builds one store through import →
 * dedupe → merge, changes it as a user would (the shop's next export: a record that became someone else, a
 * record that joins two customers, new people, a new WeChat source; values normalized again; validate's errors;
 * a batch removed), copies it, and merges one copy incrementally and the other with --full.
 */
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runBatchesRm } from "../../src/commands/batches.js";
import type { MergeResult } from "../../src/commands/merge.js";
import { runNormalize } from "../../src/commands/normalize.js";
import { runValidate } from "../../src/commands/validate.js";
import { DEFAULT_SURVIVORSHIP } from "../../src/stages/merge/settings.js";
import { customerOf, dedupe, dedupedStore, importText, merge, secondRound } from "../helpers/merge-store.js";
import { normalizeOptions, query, quietTerminal, validateOptions } from "../helpers/run.js";
import { tempDir } from "../helpers/temp.js";

/** A copy of a closed store (its WAL too, if one is left). */
function twin(store: string): string {
  const copy = join(tempDir(), "twin.db");
  copyFileSync(store, copy);
  if (existsSync(`${store}-wal`)) copyFileSync(`${store}-wal`, `${copy}-wal`);
  return copy;
}

/** What merge wrote, without the times of writing. */
function written(store: string) {
  return {
    customers: query(store, "SELECT * FROM customers ORDER BY id").map((row) => ({
      ...row,
      first_merged_at: undefined,
      last_changed_at: undefined,
      retired_at: row.retired_at === null ? null : "retired",
    })),
    records: query(store, "SELECT record_id, customer_id FROM customer_records ORDER BY record_id"),
    aliases: query(store, "SELECT alias_id, customer_id FROM customer_aliases ORDER BY alias_id"),
  };
}

/** What a result reports of the customers (not how they were planned or how long it took). */
function reported(result: MergeResult) {
  const { store: _, mode: __, fullBecause: ___, planned: ____, seconds: _____, phases: ______, mergeRunId: _______, ...rest } = result;
  return rest;
}

/** Merges a twin of `store` with --full and `store` itself incrementally; both must come out the same. */
async function mergeBothWays(store: string) {
  const fullStore = twin(store);
  const full = await merge(fullStore, { full: true });
  const incremental = await merge(store);
  expect(full).toMatchObject({ mode: "full", fullBecause: null });
  expect(written(store)).toEqual(written(fullStore));
  expect(reported(incremental)).toEqual(reported(full));
  return { full, incremental };
}

describe("an incremental merge gives exactly the customers a full merge gives", () => {
  it("joins, leaves, new people and a new source (the shop's next export, WeChat): only their clusters re-planned", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    await secondRound(s);
    const { full, incremental } = await mergeBothWays(s.store);
    expect(incremental).toMatchObject({ mode: "incremental", fullBecause: null, run: "applied" });
    // Kate Morgan joined two customers into one; 王芳 of the WeChat shop is new, with a customer of her own.
    expect(incremental.counts.aliased).toBe(1);
    const wang = customerOf(s.store).get("wechat:w01");
    expect(incremental.examples.created.map((c) => c.customerId)).toContain(wang);
    expect(incremental.planned).toBeGreaterThan(0);
    expect(incremental.planned).toBeLessThan(full.planned);
    expect(incremental.counts.customers).toBe(full.planned);
  });

  it("values normalized again in one source: the clusters holding its changed records are re-planned", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    // Read as Chinese numbers, the shop's national-format US phones change (and with them, maybe, its clusters).
    await runNormalize(normalizeOptions(s.store, { country: "CN", source: "shop" }), {
      terminal: quietTerminal().terminal,
      stdout: new PassThrough(),
    });
    await dedupe(s.store);
    const { incremental } = await mergeBothWays(s.store);
    expect(incremental.mode).toBe("incremental");
    expect(incremental.changed).toBe(true);
  });

  it("a batch removed (batches rm): customers that lost records are found, the same as a full merge", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    await secondRound(s);
    await merge(s.store);
    const shopNext = query<{ id: number }>(s.store, "SELECT id FROM batches WHERE path LIKE '%shop-next.jsonl'")[0]?.id as number;
    expect(await runBatchesRm({ id: shopNext, storePath: s.store, busyTimeoutMs: 5000 })).toMatchObject({ kind: "removed" });
    await dedupe(s.store);
    const { incremental } = await mergeBothWays(s.store);
    // The removed rows' customer rows are gone, which the last run's sums show: every cluster is planned.
    expect(incremental.fullBecause).toMatch(/batches rm/);
    expect(incremental.retired).toHaveLength(1);
  });

  it("validate's new error findings change survivorship: planned whole, and the CRM's valid email wins", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    await runValidate(validateOptions(s.store, { failOn: "never" }), { terminal: quietTerminal().terminal });
    const { incremental } = await mergeBothWays(s.store);
    expect(incremental.fullBecause).toMatch(/error findings/);
    expect(incremental.changedFields.email).toBeGreaterThanOrEqual(1);
  });

  it("other survivorship settings: planned whole", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    const settings = { ...DEFAULT_SURVIVORSHIP, sources: ["shop", "crm"] };
    const fullStore = twin(s.store);
    const full = await merge(fullStore, { full: true, settings });
    const incremental = await merge(s.store, { settings });
    expect(incremental.fullBecause).toMatch(/settings/);
    expect(written(s.store)).toEqual(written(fullStore));
    expect(reported(incremental)).toEqual(reported(full));
  });

  it("nothing new: nothing planned, nothing written, and a full re-plan agrees", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    await secondRound(s);
    await merge(s.store);
    const runs = query(s.store, "SELECT count(*) AS n FROM merge_runs");
    const again = await merge(s.store);
    expect(again).toMatchObject({ mode: "incremental", planned: 0, run: "unchanged", changed: false });
    expect(again.counts.customers).toBe(new Set(customerOf(s.store).values()).size);
    expect(again.counts.unchanged).toBe(again.counts.customers);
    expect(query(s.store, "SELECT count(*) AS n FROM merge_runs")).toEqual(runs);
    expect(await merge(s.store, { full: true, dryRun: true })).toMatchObject({ changed: false, mode: "full" });
  });

  it("records imported since the last dedupe: still refused on the incremental path", async () => {
    const s = await dedupedStore();
    await merge(s.store);
    await importText(s, "late.csv", "id,first_name,last_name,email\nc90,Ada,Lovelace,ada@example.com\n", "crm");
    await expect(merge(s.store)).rejects.toThrow(/newer than the last dedupe run .*: 1 record imported since/);
  });
});

/**
 * `roster merge`: one golden customer per dedupe cluster (a record alone is a customer too). Reads the clusters'
 * current records and the last merge's customers, plans with the pure stage (survivorship, completion, stable
 * ids: src/stages/merge/plan.ts), and applies the plan in one transaction. Merge trusts dedupe's clusters, so it
 * refuses to run on records dedupe has not seen: the customers would be built from clusters that do not hold
 * them.
 */
import { performance } from "node:perf_hooks";
import { UsageError } from "../errors.js";
import type { CanonicalField } from "../fields/canonical.js";
import { count } from "../io/count.js";
import type { Terminal } from "../io/terminal.js";
import { type MergePlan, planMerge } from "../stages/merge/plan.js";
import type { SurvivorshipSettings } from "../stages/merge/settings.js";
import { currentRecordCount, latestRun } from "../store/dedupe.js";
import { applyMergePlan, clustersToRebuild, latestMergeRun, readMergeRecords, readStoredCustomers } from "../store/merge.js";
import { openStore } from "../store/open.js";

export interface MergeOptions {
  storePath: string;
  busyTimeoutMs: number;
  settings: SurvivorshipSettings;
  /** Plan and report; write nothing. */
  dryRun: boolean;
  auditArgs: string[];
}

export interface MergeIo {
  terminal: Terminal;
}

/** How many customers of each kind a result lists by id (all of them in the counts). */
export const EXAMPLES = 10;

export interface MergeResult {
  store: string;
  dryRun: boolean;
  /** applied: written; unchanged: nothing new since the last merge; dry-run: planned, not written. */
  run: "applied" | "unchanged" | "dry-run";
  /** Whether the plan changes anything (what a dry run would write). */
  changed: boolean;
  /** The merge_runs row written, when one was. */
  mergeRunId: number | null;
  /** The dedupe run whose clusters were merged (null: an empty store dedupe never ran on). */
  dedupeRunId: number | null;
  /**
   * Records normalize rewrote after the last dedupe run read them. Merged with that run's clusters, not refused:
   * when the values dedupe compares did not change, dedupe finds nothing to do and records no run, so a refusal
   * could never be lifted; the CLI warns instead.
   */
  changedSinceDedupe: number;
  records: number;
  counts: MergePlan["counts"];
  /** Per field: in how many updated customers it changed. */
  changedFields: Partial<Record<CanonicalField, number>>;
  /** Per field: in how many created or updated customers completion derived it. */
  derived: Partial<Record<CanonicalField, number>>;
  aliases: { from: number; to: number }[];
  retired: number[];
  /** Records that took the customer of an older version of themselves (re-imported with other values). */
  carried: number;
  /** Of the records the plan moves, those that had no customer before (the rest leave one customer for another). */
  assigned: number;
  /** The first customers created and updated, by id. */
  examples: { created: { customerId: number; recordIds: number[] }[]; updated: { customerId: number; changedFields: string[] }[] };
  /** Sources merge.sources lists that no current record has (a typo, or a source not imported yet). */
  unknownSources: string[];
  seconds: number;
}

/** A turn of the event loop between phases, so Ctrl-C on a terminal stops the run there. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function tally(plan: MergePlan): Pick<MergeResult, "changedFields" | "derived"> {
  const changedFields: MergeResult["changedFields"] = {};
  const derived: MergeResult["derived"] = {};
  for (const customer of plan.update) for (const field of customer.changedFields) changedFields[field] = (changedFields[field] ?? 0) + 1;
  for (const customer of [...plan.create, ...plan.update]) {
    for (const [field, from] of Object.entries(customer.provenance)) {
      if (from?.derived) derived[field as CanonicalField] = (derived[field as CanonicalField] ?? 0) + 1;
    }
  }
  return { changedFields, derived };
}

export async function runMerge(options: MergeOptions, io: MergeIo): Promise<MergeResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  const progress = await io.terminal.progress("merge: reading records");
  try {
    const dedupe = latestRun(db);
    // An empty store has nothing to merge, and dedupe records no run for it: no refusal that no run could lift.
    if (!dedupe && currentRecordCount(db) > 0) {
      throw new UsageError("dedupe has not run on this store: merge builds one customer per dedupe cluster", "run roster dedupe first");
    }
    const lastMerge = latestMergeRun(db)?.id ?? null;
    const read = readMergeRecords(db, dedupe?.readAt ?? "");
    const rebuild = clustersToRebuild(db);
    const stale = [
      read.notClustered > 0 ? `${count(read.notClustered, "record")} imported` : "",
      rebuild > 0 ? `${count(rebuild, "record")} whose cluster lost a removed batch's records` : "",
    ].filter((part) => part !== "");
    if (stale.length > 0) {
      throw new UsageError(
        `records are newer than the last dedupe run (${dedupe?.finishedAt}): ${stale.join(", ")} since; merge would miss them or use old clusters`,
        "run roster dedupe first, then roster merge",
      );
    }
    await nextTurn();
    const stored = readStoredCustomers(db, read.recordIds);
    progress.update(`merge: planning ${count(read.clusters.size, "cluster")}`);
    await nextTurn();
    const plan = planMerge({
      clusters: read.clusters,
      previous: { customers: stored.customers, reservedIds: stored.reservedIds },
      settings: options.settings,
    });
    const changed = plan.changed || stored.carried.recordIds.length > 0;
    const result: MergeResult = {
      store: path,
      dryRun: options.dryRun,
      run: options.dryRun ? "dry-run" : changed ? "applied" : "unchanged",
      changed,
      mergeRunId: null,
      dedupeRunId: dedupe?.id ?? null,
      changedSinceDedupe: read.changedSinceDedupe,
      records: read.recordIds.length,
      counts: plan.counts,
      ...tally(plan),
      aliases: plan.aliases,
      retired: plan.retired,
      carried: stored.carried.recordIds.length,
      assigned: plan.moves.recordIds.filter((id) => !stored.owned.has(id)).length,
      examples: {
        created: plan.create.slice(0, EXAMPLES).map((c) => ({ customerId: c.customerId, recordIds: c.recordIds })),
        updated: plan.update.slice(0, EXAMPLES).map((c) => ({ customerId: c.customerId, changedFields: c.changedFields })),
      },
      unknownSources: options.settings.sources.filter((source) => !read.sources.has(source)),
      seconds: 0,
    };
    if (result.run === "applied" && dedupe) {
      await nextTurn();
      progress.update("merge: writing");
      const counts = {
        records: result.records,
        ...plan.counts,
        carried: result.carried,
        derived: Object.values(result.derived).reduce((sum, n) => sum + n, 0),
      };
      result.mergeRunId = applyMergePlan(db, {
        plan,
        basedOn: { mergeRun: lastMerge, dedupeRun: dedupe.id },
        carried: stored.carried,
        startedAt,
        settings: JSON.stringify(options.settings),
        counts,
        auditArgs: options.auditArgs,
      }).runId;
    }
    result.seconds = (performance.now() - started) / 1000;
    return result;
  } finally {
    progress.stop();
    db.close();
  }
}

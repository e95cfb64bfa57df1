/**
 * `roster merge`: one golden customer per dedupe cluster (a record alone is a customer too). Reads the clusters'
 * current records and the last merge's customers, plans with the pure stage (survivorship, completion, stable
 * ids: src/stages/merge/plan.ts), and applies the plan in one transaction. After the first merge a run reads and
 * plans only the part of the store that changed since the last merge run (store/merge-changes.ts), which gives
 * exactly what planning everything gives; `full` (and whatever the part cannot be traced for) plans everything.
 * Merge trusts dedupe's clusters, so it refuses to run on records dedupe has not seen: the customers would be
 * built from clusters that do not hold them.
 */
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { UsageError } from "../errors.js";
import { CANONICAL_FIELDS, type CanonicalField } from "../fields/canonical.js";
import { count } from "../io/count.js";
import type { Terminal } from "../io/terminal.js";
import { type MergePlan, planMerge } from "../stages/merge/plan.js";
import type { SurvivorshipSettings } from "../stages/merge/settings.js";
import { decisionsDigest } from "../store/decisions.js";
import { currentRecordCount, latestRun, type StoredRun } from "../store/dedupe.js";
import { indexedDecisions, indexRunId } from "../store/dedupe-index.js";
import {
  applyMergePlan,
  changedSinceDedupe,
  clustersToRebuild,
  latestMergeRun,
  type MergeRecordsRead,
  readMergeRecords,
  readStoredCustomers,
  type StoredCustomers,
  sourcesWithoutRecords,
} from "../store/merge.js";
import { notClusteredSince, readChanges } from "../store/merge-changes.js";
import { finishOf } from "../store/merge-write.js";
import { MergeWriterThread } from "../store/merge-writer.js";
import type { Db } from "../store/open.js";
import { openStore } from "../store/open.js";

export interface MergeOptions {
  storePath: string;
  busyTimeoutMs: number;
  settings: SurvivorshipSettings;
  /** Plan and report; write nothing. */
  dryRun: boolean;
  /** Re-plan every cluster, not only those that changed since the last merge run. */
  full?: boolean;
  auditArgs: string[];
  /** ROSTER_WORKERS: 0 writes on the main thread after planning; 1 or more on a writing thread while it plans. */
  workers?: number | undefined;
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
  /** incremental: only the clusters that changed since the last merge run were planned; full: every cluster. */
  mode: "full" | "incremental";
  /** Why a run without --full planned every cluster (the first merge, other settings, …); null otherwise. */
  fullBecause: string | null;
  /** Clusters planned (all of them on a full run). */
  planned: number;
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
  /** Whether the plan was written on a thread of its own while it was made (store/merge-writer.ts). */
  writingThread: boolean;
  /** Seconds per phase: reading the store, planning, writing the plan (0 when nothing is written). */
  phases: { reading: number; planning: number; writing: number };
}

/**
 * The counts of a run under the names and meanings `--json` gives them, which merge_runs.counts and the audit
 * line keep too: one place, so that a count never means one thing in the output and another in the store
 * (`moved` once counted every record given a customer, the first assignments included).
 */
export function mergeCounts(result: MergeResult) {
  return {
    records: result.records,
    customers: result.counts.customers,
    created: result.counts.created,
    updated: result.counts.updated,
    unchanged: result.counts.unchanged,
    /** Customers whose id became an alias of an older one. */
    merged: result.counts.aliased,
    retired: result.counts.retired,
    /** Records that left one customer for another. */
    records_moved: result.counts.moved - result.assigned,
    /** Records that got a customer for the first time. */
    records_assigned: result.assigned,
    /** Re-imported records that kept their older version's customer. */
    records_carried: result.carried,
    changed_fields: result.changedFields,
    derived_fields: result.derived,
  };
}

/**
 * From this many clusters to plan, a machine with a second core writes on a thread of its own while this one
 * plans (store/merge-writer.ts): the bench's first merge of 823,707 clusters took 18.8-21.7 s on one thread and
 * 15.6-19.7 s with it, run after run (BENCHMARKS.md "merge"); a small plan would spend more on starting the
 * thread than it saves.
 */
const WRITING_THREAD_PAYS_FROM = 50_000;

/** A turn of the event loop between phases, so Ctrl-C on a terminal stops the run there. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function tally(plan: MergePlan): Pick<MergeResult, "changedFields" | "derived"> {
  const changedFields: MergeResult["changedFields"] = {};
  const derived: MergeResult["derived"] = {};
  for (const customer of plan.update) for (const field of customer.changedFields) changedFields[field] = (changedFields[field] ?? 0) + 1;
  // By field name rather than Object.entries: a million customers' entries arrays were a second of a full run.
  for (const customers of [plan.create, plan.update]) {
    for (const customer of customers) {
      for (const field of CANONICAL_FIELDS) if (customer.provenance[field]?.derived) derived[field] = (derived[field] ?? 0) + 1;
    }
  }
  return { changedFields, derived };
}

interface PlanInput {
  mode: MergeResult["mode"];
  fullBecause: string | null;
  read: MergeRecordsRead;
  stored: StoredCustomers;
  /** Every current record, and the customers outside what was read (unchanged). */
  records: number;
  untouched: number;
  /** Counted on the way by an incremental read; else asked of the store. */
  changedSinceDedupe?: number;
}

/** Every current record and customer, refusing when dedupe has not clustered them all. */
function readEverything(db: Db, dedupe: StoredRun | undefined, fullBecause: string | null): PlanInput {
  const read = readMergeRecords(db);
  refuseStale(read.notClustered, clustersToRebuild(db), dedupe);
  const stored = readStoredCustomers(db, read.recordIds);
  return { mode: "full", fullBecause, read, stored, records: read.recordIds.length, untouched: 0 };
}

function refuseStale(notClustered: number, rebuild: number, dedupe: StoredRun | undefined): void {
  const stale = [
    notClustered > 0 ? `${count(notClustered, "record")} imported` : "",
    rebuild > 0 ? `${count(rebuild, "record")} whose cluster lost a removed batch's records` : "",
  ].filter((part) => part !== "");
  if (stale.length > 0) {
    throw new UsageError(
      `records are newer than the last dedupe run (${dedupe?.finishedAt}): ${stale.join(", ")} since; merge would miss them or use old clusters`,
      "run roster dedupe first, then roster merge",
    );
  }
}

/**
 * People's decisions (review, unmerge) made, changed or undone since the last dedupe run: its clusters do not
 * follow them, and merge would keep two people a person told apart in one customer. Dedupe keeps the digest of
 * the decisions it clustered with in its index; a store whose index is not the latest run's (`batches rm` drops
 * it) cannot tell, and is merged as before (its next dedupe clusters everything again anyway).
 */
function refuseUndecided(db: Db, dedupe: StoredRun | undefined): void {
  if (dedupe === undefined || indexRunId(db) !== dedupe.id) return;
  if (indexedDecisions(db) === decisionsDigest(db)) return;
  throw new UsageError(
    `decisions made since the last dedupe run (${dedupe.finishedAt}) by roster review or unmerge: its clusters do not follow them yet`,
    "run roster dedupe first, then roster merge",
  );
}

/**
 * Only what changed since the last merge run, when that can be told exactly; else everything. The refusal is
 * checked first and cheaply: with the latest dedupe run's index in place no batch was removed since that run, so
 * only batches completed since can hold records it did not cluster.
 */
function readForPlan(db: Db, dedupe: StoredRun | undefined, options: MergeOptions): PlanInput {
  if (options.full === true) return readEverything(db, dedupe, null);
  const last = latestMergeRun(db);
  if (last === undefined) return readEverything(db, dedupe, "the first merge of this store");
  if (dedupe === undefined || indexRunId(db) !== dedupe.id) return readEverything(db, dedupe, "dedupe's index is not the latest run's");
  refuseStale(notClusteredSince(db, dedupe.startedAt), clustersToRebuild(db), dedupe);
  const changes = readChanges(db, last, JSON.stringify(options.settings), dedupe);
  if ("full" in changes) return readEverything(db, dedupe, changes.full);
  return { mode: "incremental", fullBecause: null, ...changes.part };
}

export async function runMerge(options: MergeOptions, io: MergeIo): Promise<MergeResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  const progress = await io.terminal.progress("merge: reading records");
  try {
    const dedupe = latestRun(db);
    // An empty store has nothing to merge, and dedupe records no run for it: no refusal that no run could lift.
    if (!dedupe && currentRecordCount(db, 1) > 0) {
      throw new UsageError("dedupe has not run on this store: merge builds one customer per dedupe cluster", "run roster dedupe first");
    }
    refuseUndecided(db, dedupe);
    const lastMerge = latestMergeRun(db)?.id ?? null;
    const input = readForPlan(db, dedupe, options);
    const { read, stored } = input;
    const phases = { reading: (performance.now() - started) / 1000, planning: 0, writing: 0 };
    await nextTurn();
    progress.update(`merge: planning ${count(read.clusters.size, "cluster")}`);
    await nextTurn();
    const writing =
      !options.dryRun &&
      dedupe !== undefined &&
      (options.workers ?? (availableParallelism() > 1 && read.clusters.size >= WRITING_THREAD_PAYS_FROM ? 1 : 0)) > 0
        ? new MergeWriterThread({
            storePath: path,
            busyTimeoutMs: options.busyTimeoutMs,
            now: new Date().toISOString(),
            basedOn: { mergeRun: lastMerge, dedupeRun: dedupe.id },
            carried: stored.carried,
          })
        : undefined;
    try {
      const plan = planMerge(
        { clusters: read.clusters, previous: { customers: stored.customers, reservedIds: stored.reservedIds }, settings: options.settings },
        writing,
      );
      const planned = performance.now();
      phases.planning = (planned - started) / 1000 - phases.reading;
      const changed = plan.changed || stored.carried.recordIds.length > 0;
      // The customers outside the part carry on unchanged: counted as a full run would count them.
      const counts = {
        ...plan.counts,
        customers: plan.counts.customers + input.untouched,
        unchanged: plan.counts.unchanged + input.untouched,
      };
      const result: MergeResult = {
        store: path,
        dryRun: options.dryRun,
        run: options.dryRun ? "dry-run" : changed ? "applied" : "unchanged",
        mode: input.mode,
        fullBecause: input.fullBecause,
        planned: read.clusters.size,
        changed,
        mergeRunId: null,
        dedupeRunId: dedupe?.id ?? null,
        changedSinceDedupe: input.changedSinceDedupe ?? changedSinceDedupe(db, dedupe?.readAt ?? ""),
        records: input.records,
        counts,
        ...tally(plan),
        aliases: plan.aliases,
        retired: plan.retired,
        carried: stored.carried.recordIds.length,
        assigned: plan.moves.recordIds.filter((id) => !stored.owned.has(id)).length,
        examples: {
          created: plan.create.slice(0, EXAMPLES).map((c) => ({ customerId: c.customerId, recordIds: c.recordIds })),
          updated: plan.update.slice(0, EXAMPLES).map((c) => ({ customerId: c.customerId, changedFields: c.changedFields })),
        },
        unknownSources: sourcesWithoutRecords(db, options.settings.sources),
        seconds: 0,
        writingThread: writing !== undefined,
        phases,
      };
      if (result.run === "applied" && dedupe) {
        await nextTurn();
        progress.update("merge: writing");
        const write = {
          plan,
          basedOn: { mergeRun: lastMerge, dedupeRun: dedupe.id },
          carried: stored.carried,
          startedAt,
          settings: JSON.stringify(options.settings),
          counts: { ...mergeCounts(result), mode: result.mode, planned_clusters: result.planned },
          auditArgs: options.auditArgs,
        };
        result.mergeRunId = writing ? await writing.finish(finishOf(write)) : applyMergePlan(db, write).runId;
        // With the writing thread, most of the writing happened while planning: this is what was left.
        phases.writing = (performance.now() - planned) / 1000;
      } else await writing?.abort();
      result.seconds = (performance.now() - started) / 1000;
      return result;
    } catch (error) {
      await writing?.abort(); // rolls back what the thread wrote; after its own failure, a no-op
      throw error;
    }
  } finally {
    progress.stop();
    db.close();
  }
}

/**
 * The dedupe run that reads every current record: the first run, a retrain, --full, changed settings, or an
 * incremental run whose index cannot be used (dedupe-incremental.ts says when). It reads the store on two threads
 * (pipeline/feature-table.ts), blocks and scores all records or only the new and changed ones, clusters every
 * record (people's decisions followed) and makes the index the next incremental run reads.
 */
import { performance } from "node:perf_hooks";
import { count, number } from "../io/count.js";
import { readStoreFeatureTable } from "../pipeline/feature-table.js";
import { INLINE_BELOW, workersFor } from "../pipeline/store-scan.js";
import { clusterRecords } from "../stages/dedupe/cluster.js";
import { assignClusterIds } from "../stages/dedupe/cluster-ids.js";
import type { RecordTable } from "../stages/dedupe/features.js";
import { dedupeTableInTurns, missingFeatures, usableComparisons } from "../stages/dedupe/index.js";
import { ruleKeyHashes } from "../stages/dedupe/key-hashes.js";
import type { DedupeSettings } from "../stages/dedupe/spec.js";
import { currentDecisions, decisionsDigest } from "../store/decisions.js";
import { currentRecordCount, storedEdges, storedFingerprints } from "../store/dedupe.js";
import { indexedDecisions } from "../store/dedupe-index.js";
import type { RunContext, RunWork, Unchanged } from "./dedupe.js";
import { letInterruptsThrough, matchEdges, modelPart, rowOf, strongThreshold, withDecisions } from "./dedupe-clusters.js";

/** Why the stored model cannot be reused for these records, or undefined. */
export function retrainReasonFor(context: RunContext, table: RecordTable, records: number): string | undefined {
  const { options, run, stored, key } = context;
  if (options.retrain) return "--retrain";
  if (!stored || !run) return "first run";
  if (modelPart(run.settings) !== modelPart(key)) return "dedupe settings changed";
  if (missingFeatures(stored.model.specs, table).length > 0) return "the stored model was made by another version of roster";
  if (stored.model.records * 2 < records) {
    return `the store has grown from ${number(stored.model.records)} to ${count(records, "record")} since the model was trained`;
  }
  const now = usableComparisons(options.settings.comparisons, table).used.map((spec) => spec.name);
  const had = stored.model.specs.map((spec) => spec.name);
  if (now.join() !== had.join()) return `the records now fill other fields (comparisons: ${now.join(", ")})`;
  return undefined;
}

/**
 * The run that reads every current record: the first run, a retrain, --full, changed settings, or an incremental
 * run when the index the last run left cannot be used (nearRun said so).
 */
export async function wholeStoreRun(context: RunContext, because?: string): Promise<RunWork | Unchanged> {
  const { db, path, options, run, stored, key, say } = context;
  const { settings } = options;
  const previous = run ? storedFingerprints(db) : new Map<number, number>();
  const readStarted = performance.now();
  const { table, fingerprints, previousClusters, helper } = await readStoreFeatureTable({
    db,
    storePath: path,
    busyTimeoutMs: options.busyTimeoutMs,
    attributeColumns: options.attributeColumns,
    workers: workersFor(currentRecordCount(db, INLINE_BELOW), options.workers),
    progress: async (records) => {
      say(`dedupe: reading records: ${number(records)}`);
      await letInterruptsThrough();
    },
  });
  const ids = table.recordIds;
  const reading = (performance.now() - readStarted) / 1000;

  const retrainReason = retrainReasonFor(context, table, table.size);
  const model = retrainReason ? undefined : stored?.model;
  const full = model === undefined || options.full || run?.settings !== key;

  const current = new Set<number>();
  for (const id of ids) current.add(id);
  const forget = [...previous.keys()].filter((id) => !current.has(id));
  const dirty = new Uint8Array(table.size);
  let dirtyCount = 0;
  for (let row = 0; row < table.size; row++) {
    if (previous.get(ids[row] as number) !== fingerprints[row]) {
      dirty[row] = 1;
      dirtyCount++;
    }
  }
  // A decision made since the last run (review, unmerge) changes clusters with no record changed.
  const decisionsNow = decisionsDigest(db);
  const decided = run ? decisionsNow !== indexedDecisions(db) : false;
  if (table.size === 0 || (!full && dirtyCount === 0 && forget.length === 0 && !decided)) {
    await helper?.close();
    return { unchanged: true, records: table.size, read: table.size, clusterIds: previousClusters };
  }

  const outcome = await dedupeTableInTurns(table, settings, {
    pause: letInterruptsThrough,
    model,
    dirty: full ? undefined : dirty,
    helper,
    phase: (name) => say(`dedupe: ${name} (${count(table.size, "record")})`),
  }).finally(() => helper?.close());
  await letInterruptsThrough();
  say("dedupe: clustering");
  const clusterStarted = performance.now();
  const stale = full ? [] : [...forget, ...ids.filter((_, row) => dirty[row] === 1)];
  const edges = matchEdges(
    outcome,
    settings.threshold,
    full ? undefined : { stored: storedEdges(db, settings.threshold), stale: new Set(stale), ids },
  );
  const decisions = withDecisions(edges, currentDecisions(db), (id) => rowOf(ids, id));
  const clustering = clusterRecords(table.size, decisions.edges, {
    threshold: settings.threshold,
    strongThreshold: strongThreshold(settings.threshold),
    apart: decisions.apart,
  });
  const assigned = assignClusterIds(ids, clustering.component, previousClusters);
  const scoredRows: number[] = [];
  const movedRows: number[] = [];
  for (let row = 0; row < table.size; row++) {
    if (full || dirty[row] === 1) scoredRows.push(row);
    else if (assigned.clusterId[row] !== previousClusters[row]) movedRows.push(row);
  }
  const clusterIds = assigned.clusterId;
  const phases = { reading, ...outcome.phases, clustering: (performance.now() - clusterStarted) / 1000 };
  return {
    mode: full ? "full" : "incremental",
    retrainReason,
    readWholeBecause: because,
    current: table.size,
    scored: full ? table.size : dirtyCount,
    read: table.size,
    outcome,
    tableIds: ids,
    clustering,
    assigned,
    clusterIds,
    stale,
    forget,
    written: {
      scored: {
        ids: scoredRows.map((row) => ids[row] as number),
        fingerprints: scoredRows.map((row) => fingerprints[row] as number),
        clusterIds: scoredRows.map((row) => clusterIds[row] as number),
      },
      moved: { ids: movedRows.map((row) => ids[row] as number), clusterIds: movedRows.map((row) => clusterIds[row] as number) },
    },
    index: { recordIds: ids, clusterIds, rules: indexedRules(table, settings.blockingRules), decisions: decisionsNow },
    phases,
  };
}

/** Each equality rule's key hashes, by rule name, for the index. */
export function indexedRules(table: RecordTable, rules: DedupeSettings["blockingRules"]): Map<string, Uint32Array> {
  const hashes = ruleKeyHashes(table, rules);
  const byName = new Map<string, Uint32Array>();
  rules.forEach((rule, r) => {
    const ruleHashes = hashes[r];
    if (ruleHashes) byName.set(rule.name, ruleHashes);
  });
  return byName;
}

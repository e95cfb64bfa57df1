/**
 * `roster dedupe` in the store: read the current records into a feature table, block, score (training a model
 * on the first run, reusing it after), cluster at the threshold with the chaining guard, give clusters stable
 * ids, and write it all in one transaction. After the first run only new and changed records are blocked and
 * scored (against everything); clusters are then rebuilt from every stored match, so an incremental run ends
 * where a full run on the same data and model would. The file filter is dedupe-files.ts.
 */
import { performance } from "node:perf_hooks";
import { UsageError } from "../errors.js";
import type { ExplicitMappings } from "../fields/mapping.js";
import { count, number } from "../io/count.js";
import type { ReadOptions } from "../io/input.js";
import type { Terminal } from "../io/terminal.js";
import { readStoreFeatureTable } from "../pipeline/feature-table.js";
import { workersFor } from "../pipeline/store-scan.js";
import type { CappedBlock, RuleReport } from "../stages/dedupe/blocking.js";
import { type Clustering, clusterRecords } from "../stages/dedupe/cluster.js";
import { assignClusterIds, type ClusterIdAssignment } from "../stages/dedupe/cluster-ids.js";
import type { RecordTable } from "../stages/dedupe/features.js";
import { type DedupeOutcome, dedupeTableInTurns, missingFeatures, usableComparisons } from "../stages/dedupe/index.js";
import { ruleKeyHashes } from "../stages/dedupe/key-hashes.js";
import type { DedupeSettings } from "../stages/dedupe/spec.js";
import { writeAudit } from "../store/audit.js";
import { currentDecisions, decisionsSince } from "../store/decisions.js";
import {
  applyDedupePlan,
  currentRecordCount,
  type DedupePlan,
  latestModel,
  latestRun,
  type StoredRun,
  storedEdges,
  storedFingerprints,
  unnormalizedCount,
} from "../store/dedupe.js";
import { indexRunId, unnormalizedSince } from "../store/dedupe-index.js";
import type { Db } from "../store/open.js";
import { openStore } from "../store/open.js";
import {
  clusterSizes,
  countAtLeast,
  letInterruptsThrough,
  matchEdges,
  modelPart,
  pairRows,
  rowOf,
  settingsKey,
  strongThreshold,
  withDecisions,
} from "./dedupe-clusters.js";
import type { NormalizeSettings } from "./source-contexts.js";

export interface DedupeOptions extends NormalizeSettings {
  files: string[];
  read: ReadOptions;
  mappings: ExplicitMappings;
  source: string | undefined;
  out: string | undefined;
  storePath: string;
  busyTimeoutMs: number;
  settings: DedupeSettings;
  /** The attribute columns the settings compare or block on. */
  attributeColumns: string[];
  /** Train a new model even when one is stored. */
  retrain: boolean;
  /** Score every record again, not only new and changed ones. */
  full: boolean;
  /** Worker threads (ROSTER_WORKERS; 0: none); undefined: by the store's size. */
  workers?: number | undefined;
  auditArgs: string[];
}

export interface DedupeIo {
  terminal: Terminal;
  stdin?: AsyncIterable<Uint8Array>;
  stdout: NodeJS.WritableStream;
  /** Runs `roster normalize` on the store (records not normalized yet are normalized first). */
  normalizeFirst?: () => Promise<void>;
}

export interface ClusterSummary {
  count: number;
  /** Clusters by size: "1", "2", "3", "4", "5-9", "10+". */
  bySize: Record<string, number>;
  largest: number;
  split: { members: number; parts: number[]; reason: string }[];
  kept: number;
  created: number;
  joined: number;
}

export interface DedupeResult {
  mode: "store" | "files";
  store: string | undefined;
  /** full, incremental, or unchanged (nothing new since the last run: nothing written). */
  run: "full" | "incremental" | "unchanged";
  records: number;
  /** Records blocked and scored this run (all of them on a full run). */
  scored: number;
  /** Records read from the store: all of them, or (incremental) the new and changed ones and their candidates. */
  read: number;
  normalizedFirst: number;
  trained: boolean;
  /** Why the model was trained again, when it was. */
  retrainReason: string | undefined;
  unusedComparisons: string[];
  rules: RuleReport[];
  capped: CappedBlock[];
  candidates: number;
  matches: number;
  review: number;
  clusters: ClusterSummary;
  phases: Record<string, number>;
  seconds: number;
  threshold: number;
  reviewThreshold: number;
  out?: string | undefined;
}

export async function runDedupe(options: DedupeOptions, io: DedupeIo): Promise<DedupeResult> {
  if (options.files.length > 0) {
    const { dedupeFiles } = await import("./dedupe-files.js");
    return dedupeFiles(options, io);
  }
  return dedupeStore(options, io);
}

/**
 * What one run decided, by either path (the whole store read, or only the records near new and changed ones):
 * the command turns it into the result and the plan.
 */
export interface RunWork {
  mode: "full" | "incremental";
  retrainReason: string | undefined;
  /** Current records in the store. */
  current: number;
  /** Records blocked and scored (new and changed ones, or all). */
  scored: number;
  /** Records read from the store. */
  read: number;
  outcome: DedupeOutcome;
  /** The record id of each row of the table the outcome is about. */
  tableIds: Float64Array;
  /** The records clustered this run (all, or those near new and changed ones). */
  clustering: Clustering;
  assigned: ClusterIdAssignment;
  /** Every current record's cluster id after the run (for the summary). */
  clusterIds: ArrayLike<number>;
  /** Records whose stored pairs go before the new ones are written (none on a full run: all go). */
  stale: number[];
  forget: number[];
  /** What dedupe_records gets. */
  written: DedupePlan["records"];
  index: DedupePlan["index"];
  phases: Record<string, number>;
}

/** Nothing new, changed or gone since the last run: nothing is written. */
export interface Unchanged {
  unchanged: true;
  records: number;
  read: number;
  clusterIds: ArrayLike<number | null>;
}

export interface RunContext {
  db: Db;
  path: string;
  options: DedupeOptions;
  run: StoredRun | undefined;
  stored: ReturnType<typeof latestModel>;
  key: string;
  /** Told what the run is doing (a terminal's progress line). */
  say: (text: string) => void;
}

async function dedupeStore(options: DedupeOptions, io: DedupeIo): Promise<DedupeResult> {
  const started = performance.now();
  if (options.source)
    throw new UsageError("--source names the rows of files; dedupe matches every current record of the store", "give no --source");
  // Before anything is read: the next run looks for records not normalized in batches finished from here on.
  const startedAt = new Date().toISOString();
  const first = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  const missing = recordsNotNormalized(first.db);
  first.db.close();
  if (missing > 0) {
    if (!io.normalizeFirst) throw new UsageError(`${count(missing, "record")} not normalized yet`, "run roster normalize first");
    io.terminal.info(`${count(missing, "record")} not normalized yet: normalizing the store first`);
    await io.normalizeFirst();
  }
  // Once the store is normalized: the next incremental run looks again at what normalize writes from here on.
  const readAt = new Date().toISOString();

  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  const progress = await io.terminal.progress("dedupe: reading records");
  try {
    const { settings } = options;
    const context: RunContext = {
      db,
      path,
      options,
      run: latestRun(db),
      stored: latestModel(db),
      key: settingsKey(settings),
      say: (text) => progress.update(text),
    };
    const base = {
      mode: "store" as const,
      store: path,
      normalizedFirst: missing,
      threshold: settings.threshold,
      reviewThreshold: settings.reviewThreshold,
    };
    const { nearRun } = await import("./dedupe-incremental.js");
    const work = (await nearRun(context)) ?? (await wholeStoreRun(context));
    if ("unchanged" in work) {
      return {
        ...base,
        records: work.records,
        run: "unchanged",
        scored: 0,
        read: work.read,
        trained: false,
        retrainReason: undefined,
        unusedComparisons: [],
        rules: [],
        capped: [],
        candidates: 0,
        matches: 0,
        review: 0,
        clusters: clusterSizes(work.clusterIds, undefined, { kept: 0, created: 0, joined: 0 }),
        phases: {},
        seconds: (performance.now() - started) / 1000,
      };
    }

    const { outcome } = work;
    const matches = countAtLeast(outcome, settings.threshold);
    const result: DedupeResult = {
      ...base,
      records: work.current,
      run: work.mode,
      scored: work.scored,
      read: work.read,
      trained: outcome.training !== undefined,
      retrainReason: work.retrainReason,
      unusedComparisons: outcome.unusedComparisons,
      rules: outcome.rules,
      capped: outcome.capped,
      candidates: outcome.candidates,
      matches,
      review: outcome.pairs.count - matches,
      clusters: clusterSizes(work.clusterIds, work.clustering, work.assigned),
      phases: work.phases,
      seconds: 0,
    };

    await letInterruptsThrough();
    progress.update("dedupe: writing");
    const writeStarted = performance.now();
    applyDedupePlan(db, {
      basedOnRun: context.run?.id ?? null,
      model:
        outcome.training === undefined && context.stored
          ? { id: context.stored.id }
          : { json: JSON.stringify(outcome.model), records: work.current },
      mode: work.mode,
      startedAt,
      readAt,
      settings: context.key,
      summary: () => ({
        run: result.run,
        records: result.records,
        scored: result.scored,
        trained: result.trained,
        candidate_pairs: result.candidates,
        pairs_by_rule: Object.fromEntries(result.rules.filter((rule) => rule.used).map((rule) => [rule.name, rule.pairs])),
        matches: result.matches,
        review_pairs: result.review,
        clusters: result.clusters.count,
        clusters_split: result.clusters.split.length,
        phases: work.phases,
      }),
      stale: work.stale,
      pairs: pairRows(outcome, work.tableIds, settings),
      records: work.written,
      forget: work.forget,
      index: work.index,
    });
    work.phases.writing = (performance.now() - writeStarted) / 1000;
    result.seconds = (performance.now() - started) / 1000;
    writeAudit(db, "dedupe", options.auditArgs, "ok", {
      run: result.run,
      records: result.records,
      scored: result.scored,
      candidates: result.candidates,
      matches: result.matches,
      review: result.review,
      clusters: result.clusters.count,
      split: result.clusters.split.length,
      trained: result.trained,
    });
    return result;
  } finally {
    progress.stop();
    db.close();
  }
}

/**
 * Current records without keys. After a run that left its index, only batches finished since can hold any (that
 * run normalized everything before them first; `batches rm`, which can make old records current again, drops the
 * index): counting among those spares a scan of every record.
 */
function recordsNotNormalized(db: Db): number {
  const run = latestRun(db);
  return run && indexRunId(db) === run.id ? unnormalizedSince(db, run.startedAt) : unnormalizedCount(db);
}

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
async function wholeStoreRun(context: RunContext): Promise<RunWork | Unchanged> {
  const { db, path, options, run, stored, key, say } = context;
  const { settings } = options;
  const previous = run ? storedFingerprints(db) : new Map<number, number>();
  const readStarted = performance.now();
  const { table, fingerprints, previousClusters, helper } = await readStoreFeatureTable({
    db,
    storePath: path,
    busyTimeoutMs: options.busyTimeoutMs,
    attributeColumns: options.attributeColumns,
    workers: workersFor(currentRecordCount(db), options.workers),
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
  const decided = run ? decisionsSince(db, run.readAt) > 0 : false;
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
    index: { recordIds: ids, clusterIds, rules: indexedRules(table, settings.blockingRules) },
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

export { letInterruptsThrough, strongThreshold };

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
import { assignClusterIds } from "../stages/dedupe/cluster-ids.js";
import { dedupeTableInTurns, missingFeatures, usableComparisons } from "../stages/dedupe/index.js";
import type { DedupeSettings } from "../stages/dedupe/spec.js";
import { writeAudit } from "../store/audit.js";
import {
  applyDedupePlan,
  currentRecordCount,
  latestModel,
  latestRun,
  storedEdges,
  storedFingerprints,
  unnormalizedCount,
} from "../store/dedupe.js";
import { openStore } from "../store/open.js";
import { clusterSizes, countAtLeast, matchEdges, modelPart, pairRows, settingsKey } from "./dedupe-clusters.js";
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

async function dedupeStore(options: DedupeOptions, io: DedupeIo): Promise<DedupeResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  if (options.source)
    throw new UsageError("--source names the rows of files; dedupe matches every current record of the store", "give no --source");
  const first = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  const missing = unnormalizedCount(first.db);
  first.db.close();
  if (missing > 0) {
    if (!io.normalizeFirst) throw new UsageError(`${count(missing, "record")} not normalized yet`, "run roster normalize first");
    io.terminal.info(`${count(missing, "record")} not normalized yet: normalizing the store first`);
    await io.normalizeFirst();
  }

  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  const progress = await io.terminal.progress("dedupe: reading records");
  try {
    const { settings } = options;
    const key = settingsKey(settings);
    const run = latestRun(db);
    const stored = latestModel(db);
    const previous = run ? storedFingerprints(db) : new Map<number, number>();
    const readStarted = performance.now();
    const { table, fingerprints, previousClusters } = await readStoreFeatureTable({
      db,
      storePath: path,
      busyTimeoutMs: options.busyTimeoutMs,
      attributeColumns: options.attributeColumns,
      workers: workersFor(currentRecordCount(db), options.workers),
      progress: async (records) => {
        progress.update(`dedupe: reading records: ${number(records)}`);
        await letInterruptsThrough();
      },
    });
    const ids = table.recordIds;
    const reading = (performance.now() - readStarted) / 1000;

    let retrainReason: string | undefined;
    if (options.retrain) retrainReason = "--retrain";
    else if (!stored || !run) retrainReason = "first run";
    else if (modelPart(run.settings) !== modelPart(key)) retrainReason = "dedupe settings changed";
    else if (missingFeatures(stored.model.specs, table).length > 0)
      retrainReason = "the stored model was made by another version of roster";
    else if (stored.model.records * 2 < table.size) {
      retrainReason = `the store has grown from ${number(stored.model.records)} to ${count(table.size, "record")} since the model was trained`;
    } else {
      const now = usableComparisons(settings.comparisons, table).used.map((spec) => spec.name);
      const had = stored.model.specs.map((spec) => spec.name);
      if (now.join() !== had.join()) retrainReason = `the records now fill other fields (comparisons: ${now.join(", ")})`;
    }
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
    const base = {
      mode: "store" as const,
      store: path,
      records: table.size,
      normalizedFirst: missing,
      threshold: settings.threshold,
      reviewThreshold: settings.reviewThreshold,
    };
    if (table.size === 0 || (!full && dirtyCount === 0 && forget.length === 0)) {
      return {
        ...base,
        run: "unchanged",
        scored: 0,
        trained: false,
        retrainReason: undefined,
        unusedComparisons: [],
        rules: [],
        capped: [],
        candidates: 0,
        matches: 0,
        review: 0,
        clusters: clusterSizes(previousClusters, undefined, { kept: 0, created: 0, joined: 0 }),
        phases: {},
        seconds: (performance.now() - started) / 1000,
      };
    }

    const outcome = await dedupeTableInTurns(table, settings, {
      pause: letInterruptsThrough,
      model,
      dirty: full ? undefined : dirty,
      phase: (name) => progress.update(`dedupe: ${name} (${count(table.size, "record")})`),
    });
    await letInterruptsThrough();
    progress.update("dedupe: clustering");
    const clusterStarted = performance.now();
    const stale = full ? [] : [...forget, ...ids.filter((_, row) => dirty[row] === 1)];
    const edges = matchEdges(
      outcome,
      settings.threshold,
      full ? undefined : { stored: storedEdges(db, settings.threshold), stale: new Set(stale), ids },
    );
    const clustering: Clustering = clusterRecords(table.size, edges, {
      threshold: settings.threshold,
      strongThreshold: strongThreshold(settings.threshold),
    });
    const assigned = assignClusterIds(ids, clustering.component, previousClusters);
    // What dedupe_records gets: every record on a full run, else those new, changed or moved to another cluster.
    const written: number[] = [];
    for (let row = 0; row < table.size; row++) {
      if (full || dirty[row] === 1 || assigned.clusterId[row] !== previousClusters[row]) written.push(row);
    }
    outcome.phases.clustering = (performance.now() - clusterStarted) / 1000;
    outcome.phases = { reading, ...outcome.phases };

    const matches = countAtLeast(outcome, settings.threshold);
    const result: DedupeResult = {
      ...base,
      run: full ? "full" : "incremental",
      scored: full ? table.size : dirtyCount,
      trained: outcome.training !== undefined,
      retrainReason,
      unusedComparisons: outcome.unusedComparisons,
      rules: outcome.rules,
      capped: outcome.capped,
      candidates: outcome.candidates,
      matches,
      review: outcome.pairs.count - matches,
      clusters: clusterSizes(Array.from(assigned.clusterId), clustering, assigned),
      phases: outcome.phases,
      seconds: 0,
    };

    await letInterruptsThrough();
    progress.update("dedupe: writing");
    const writeStarted = performance.now();
    applyDedupePlan(db, {
      basedOnRun: run?.id ?? null,
      model: model && stored ? { id: stored.id } : { json: JSON.stringify(outcome.model), records: table.size },
      mode: full ? "full" : "incremental",
      startedAt,
      settings: key,
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
        phases: outcome.phases,
      }),
      stale,
      pairs: pairRows(outcome, ids, settings),
      records: {
        ids: written.map((row) => ids[row] as number),
        fingerprints: written.map((row) => fingerprints[row] as number),
        clusterIds: written.map((row) => assigned.clusterId[row] as number),
      },
      forget,
    });
    outcome.phases.writing = (performance.now() - writeStarted) / 1000;
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
 * A turn of the event loop between phases: on a terminal the spinner's interrupt handler runs there, so Ctrl-C
 * stops the run within one phase (seconds at a million records) instead of after the last one.
 */
export const letInterruptsThrough = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Edges this strong are never cut by the chaining guard. */
export function strongThreshold(threshold: number): number {
  return Math.max(threshold, 0.999);
}

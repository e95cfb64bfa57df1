/**
 * `roster dedupe` in the store: normalize what is not normalized yet, run the dedupe (near the new and changed
 * records when the last run's index allows it, dedupe-incremental.ts; else over every record, dedupe-whole.ts),
 * and write what it decided (pairs, clusters with stable ids, the index, the model when trained) in one
 * transaction, with the run's summary and an audit line. Either way the run ends where a full run on the same
 * data and model would. The file filter is dedupe-files.ts.
 */
import { performance } from "node:perf_hooks";
import { UsageError } from "../errors.js";
import type { ExplicitMappings } from "../fields/mapping.js";
import { count } from "../io/count.js";
import type { ReadOptions } from "../io/input.js";
import type { Terminal } from "../io/terminal.js";
import type { CappedBlock, RuleReport } from "../stages/dedupe/blocking.js";
import type { Clustering } from "../stages/dedupe/cluster.js";
import type { ClusterIdAssignment } from "../stages/dedupe/cluster-ids.js";
import type { DedupeOutcome } from "../stages/dedupe/index.js";
import type { DedupeSettings } from "../stages/dedupe/spec.js";
import { applyDedupePlan, type DedupePlan, latestModel, latestRun, type StoredRun, unnormalizedCount } from "../store/dedupe.js";
import { indexRunId, unnormalizedSince } from "../store/dedupe-index.js";
import type { Db } from "../store/open.js";
import { openStore } from "../store/open.js";
import { clusterSizes, countAtLeast, letInterruptsThrough, pairRows, settingsKey, strongThreshold } from "./dedupe-clusters.js";
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
  /** Why every record was read rather than those near the changes (any run after the first can say). */
  readWholeBecause: string | undefined;
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
  /** Why the whole store was read (nearRun's reason), for a run that read it. */
  readWholeBecause?: string | undefined;
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
    const { wholeStoreRun } = await import("./dedupe-whole.js");
    const near = await nearRun(context);
    const work = "whole" in near ? await wholeStoreRun(context, near.whole) : near;
    if ("unchanged" in work) {
      return {
        ...base,
        records: work.records,
        run: "unchanged",
        scored: 0,
        read: work.read,
        trained: false,
        retrainReason: undefined,
        readWholeBecause: undefined,
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
      readWholeBecause: work.readWholeBecause,
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
      // In the plan's transaction: a run is recorded exactly when its audit line is.
      audit: {
        args: options.auditArgs,
        details: () => ({
          run: result.run,
          records: result.records,
          scored: result.scored,
          candidates: result.candidates,
          matches: result.matches,
          review: result.review,
          clusters: result.clusters.count,
          split: result.clusters.split.length,
          trained: result.trained,
        }),
      },
    });
    work.phases.writing = (performance.now() - writeStarted) / 1000;
    result.seconds = (performance.now() - started) / 1000;
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

export { letInterruptsThrough, strongThreshold };

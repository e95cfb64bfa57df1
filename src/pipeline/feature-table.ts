/**
 * Dedupe's record table read from the store: every current record's features, interned (features.ts). On a
 * large store the features are read in two parts at once, the first in the main thread and the second on a
 * worker thread with its own connection (FEATURE_PARTS): interning a million distinct emails, phones and streets
 * is most of the read, and a part's columns cost only their distinct values to hand over. Both threads must read
 * the same records: their ids are compared, and the read is made again if an import committed in between. The
 * worker then stays, to compute the comparisons over its part's features on its core while the main thread
 * computes the others (the caller closes it).
 */
import { Worker } from "node:worker_threads";
import { StoreError } from "../errors.js";
import {
  assembleTable,
  baseFeaturesOf,
  FEATURE_PARTS,
  type FeatureColumn,
  type FeaturePart,
  FeaturePartBuilder,
  fingerprintOf,
  partReads,
  type RecordTable,
} from "../stages/dedupe/features.js";
import type { ComparingHelper } from "../stages/dedupe/index.js";
import { comparisonCost, comparisonFeatures } from "../stages/dedupe/levels.js";
import type { ComparisonSpec, FeatureName } from "../stages/dedupe/spec.js";
import { dedupeStoreRecords } from "../store/dedupe.js";
import type { Db } from "../store/open.js";
import type { CompareRequest, FeatureWorkerReply, FeatureWorkerSetup } from "./feature-worker.js";

export interface FeatureTableRead {
  /** The main thread's connection. */
  db: Db;
  storePath: string;
  busyTimeoutMs: number;
  attributeColumns: readonly string[];
  /** Only these records (ascending ids): an incremental run's; default every current record. */
  only?: readonly number[] | undefined;
  /** 0: every part in the main thread (small stores); otherwise the second part on a worker thread. */
  workers: number;
  /** Called every `every` records the main thread reads; awaited (a turn of the event loop lets an interrupt in). */
  progress?: (records: number) => Promise<void>;
}

export interface StoreFeatureTable {
  table: RecordTable;
  /** Per row: the fingerprint of its features (a changed one is scored again). */
  fingerprints: Uint32Array;
  /** Per row: the cluster id dedupe gave it last time, or null. */
  previousClusters: (number | null)[];
  /** The worker thread, kept to compute comparisons over its part (the caller must close it), when one read. */
  helper: ComparingThread | undefined;
}

/** A ComparingHelper on the worker that read the second part; close() ends the thread. */
export interface ComparingThread extends ComparingHelper {
  close(): Promise<void>;
}

const PROGRESS_EVERY = 50_000;
const ATTEMPTS = 3;
const WORKER = new URL("./feature-worker.js", import.meta.url);
/** Features of the first part the worker is sent when a comparison it takes reads them (small: few distinct values). */
const SENT_TO_HELPER: ReadonlySet<FeatureName> = new Set(["postal_code", "city", "region"]);

export async function readStoreFeatureTable(read: FeatureTableRead): Promise<StoreFeatureTable> {
  for (let attempt = 1; ; attempt++) {
    const worker = read.workers > 0 ? startWorker(read) : undefined;
    let main: Awaited<ReturnType<typeof readParts>>;
    try {
      main = await readParts(read, worker ? [0] : FEATURE_PARTS.map((_, part) => part));
    } catch (error) {
      await worker?.stop();
      throw error;
    }
    const parts = main.parts;
    if (worker) {
      let reply: FeatureWorkerReply;
      try {
        reply = await worker.result;
      } catch (error) {
        await worker.stop();
        throw error;
      }
      if (!sameIds(reply.recordIds, main.recordIds)) {
        await worker.stop();
        if (attempt < ATTEMPTS) continue;
        throw new StoreError(
          "the records kept changing while dedupe read them (imports running)",
          "run roster dedupe again when they are done",
        );
      }
      parts.push(reply.part);
    }
    const table = assembleTable(main.recordIds, parts);
    const fingerprints = new Uint32Array(table.size);
    for (let row = 0; row < table.size; row++) fingerprints[row] = fingerprintOf(parts, row);
    const helper = worker ? comparingThread(worker, table, new Set(parts.at(-1)?.features ?? [])) : undefined;
    return { table, fingerprints, previousClusters: main.previousClusters, helper };
  }
}

/**
 * The worker as a comparing helper: it takes the comparisons whose features all come from its own part (or are
 * small enough to send), and computes their levels on its thread.
 */
function comparingThread(worker: StartedWorker, table: RecordTable, own: ReadonlySet<FeatureName>): ComparingThread {
  const bases = (spec: ComparisonSpec) => comparisonFeatures(spec).flatMap(baseFeaturesOf);
  // Of the comparisons it can compute, the costliest first, up to about half of all the work.
  const takes = (specs: readonly ComparisonSpec[]) => {
    const half = specs.reduce((sum, spec) => sum + comparisonCost(spec), 0) / 2;
    const able = specs.filter((spec) => bases(spec).every((feature) => own.has(feature) || SENT_TO_HELPER.has(feature)));
    let share = 0;
    const taken = new Set<ComparisonSpec>();
    for (const spec of [...able].sort((x, y) => comparisonCost(y) - comparisonCost(x))) {
      if (share + comparisonCost(spec) > half) continue;
      share += comparisonCost(spec);
      taken.add(spec);
    }
    return specs.filter((spec) => taken.has(spec));
  };
  return {
    takes,
    compare: (specs, a, b, count) => {
      const needed = [...new Set(specs.flatMap(bases))].filter((feature) => !own.has(feature) && table.has(feature));
      const columns = needed.map((feature) => [feature, table.column(feature)] as [FeatureName, FeatureColumn]);
      return worker.ask({ compare: { specs: [...specs], columns, a, b, count } });
    },
    close: () => worker.stop(),
  };
}

async function readParts(read: FeatureTableRead, parts: readonly number[]) {
  const builders = parts.map((part) => new FeaturePartBuilder(part, read.attributeColumns));
  const select = mergeReads(parts.map((part) => partReads(part, read.attributeColumns)));
  const ids: number[] = [];
  const previousClusters: (number | null)[] = [];
  for (const record of dedupeStoreRecords(read.db, read.only, select)) {
    for (const builder of builders) builder.add(record);
    ids.push(record.id);
    previousClusters.push(record.clusterId);
    if (ids.length % PROGRESS_EVERY === 0) await read.progress?.(ids.length);
  }
  return { parts: builders.map((builder) => builder.build()) as FeaturePart[], recordIds: Float64Array.from(ids), previousClusters };
}

function mergeReads(reads: ReturnType<typeof partReads>[]): ReturnType<typeof partReads> {
  return {
    fields: [...new Set(reads.flatMap((r) => r.fields))],
    keys: [...new Set(reads.flatMap((r) => r.keys))],
    attributes: reads.some((r) => r.attributes),
  };
}

function sameIds(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

interface StartedWorker {
  /** Its reply to the read: the second part's columns. */
  result: Promise<FeatureWorkerReply>;
  /** Asks it for comparison levels (one request at a time). */
  ask(request: CompareRequest): Promise<Uint8Array>;
  stop(): Promise<void>;
}

type WorkerMessage = FeatureWorkerReply | { levels: Uint8Array } | { error: { message: string; code?: string } };

/** The worker reading the last part; its messages answer the read first, then each request in turn. */
function startWorker(read: FeatureTableRead): StartedWorker {
  const setup: FeatureWorkerSetup = {
    storePath: read.storePath,
    busyTimeoutMs: read.busyTimeoutMs,
    part: FEATURE_PARTS.length - 1,
    attributeColumns: [...read.attributeColumns],
    only: read.only ? [...read.only] : undefined,
  };
  const worker = new Worker(WORKER, { workerData: setup });
  worker.unref(); // never what keeps the process alive
  const waiting: { resolve: (message: WorkerMessage) => void; reject: (error: unknown) => void }[] = [];
  const next = () => new Promise<WorkerMessage>((resolve, reject) => waiting.push({ resolve, reject }));
  const failAll = (error: unknown) => {
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  };
  worker.on("message", (message: WorkerMessage) => waiting.shift()?.resolve(message));
  worker.on("error", failAll);
  worker.on("exit", (code) => failAll(new Error(`the dedupe reading thread stopped (exit ${code})`)));
  const unwrap = <T>(message: WorkerMessage): T => {
    if ("error" in message) throw Object.assign(new Error(message.error.message), { code: message.error.code });
    return message as T;
  };
  const result = next().then((message) => unwrap<FeatureWorkerReply>(message));
  result.catch(() => {}); // awaited by the caller, unless the main thread's own read failed first
  return {
    result,
    ask: (request) => {
      const reply = next().then((message) => unwrap<{ levels: Uint8Array }>(message).levels);
      worker.postMessage(request);
      return reply;
    },
    stop: () => worker.terminate().then(() => undefined),
  };
}

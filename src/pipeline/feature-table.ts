/**
 * Dedupe's record table read from the store: every current record's features, interned (features.ts). On a
 * large store the features are read in two parts at once, the first in the main thread and the second on a
 * worker thread with its own connection (FEATURE_PARTS): interning a million distinct emails, phones and streets
 * is most of the read, and a part's columns cost only their distinct values to hand over. Both threads must read
 * the same records: their ids are compared, and the read is made again if an import committed in between.
 */
import { Worker } from "node:worker_threads";
import { StoreError } from "../errors.js";
import {
  assembleTable,
  FEATURE_PARTS,
  type FeaturePart,
  FeaturePartBuilder,
  fingerprintOf,
  partReads,
  type RecordTable,
} from "../stages/dedupe/features.js";
import { dedupeStoreRecords } from "../store/dedupe.js";
import type { Db } from "../store/open.js";
import type { FeatureWorkerReply, FeatureWorkerSetup } from "./feature-worker.js";

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
}

const PROGRESS_EVERY = 50_000;
const ATTEMPTS = 3;
const WORKER = new URL("./feature-worker.js", import.meta.url);

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
      const reply = await worker.result;
      if (!sameIds(reply.recordIds, main.recordIds)) {
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
    return { table, fingerprints, previousClusters: main.previousClusters };
  }
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

/** The worker reading the last part; `result` settles with its reply, or rejects with its error (code kept). */
function startWorker(read: FeatureTableRead): { result: Promise<FeatureWorkerReply>; stop: () => Promise<void> } {
  const setup: FeatureWorkerSetup = {
    storePath: read.storePath,
    busyTimeoutMs: read.busyTimeoutMs,
    part: FEATURE_PARTS.length - 1,
    attributeColumns: [...read.attributeColumns],
    only: read.only ? [...read.only] : undefined,
  };
  const worker = new Worker(WORKER, { workerData: setup });
  const result = new Promise<FeatureWorkerReply>((resolve, reject) => {
    worker.once("message", (message: FeatureWorkerReply | { error: { message: string; code?: string } }) => {
      if ("error" in message) reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else resolve(message);
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the dedupe reading thread stopped (exit ${code})`)));
  });
  result.catch(() => {}); // awaited by the caller, unless the main thread's own read failed first
  return { result, stop: () => worker.terminate().then(() => undefined) };
}

/**
 * The worker thread of feature-table.ts: reads one part of dedupe's features for every current record through
 * its own connection and sends the interned columns back (typed arrays moved, not copied). It never writes.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type FeaturePart, FeaturePartBuilder, partReads } from "../stages/dedupe/features.js";
import { dedupeStoreRecords } from "../store/dedupe.js";
import { openStore } from "../store/open.js";

export interface FeatureWorkerSetup {
  storePath: string;
  busyTimeoutMs: number;
  part: number;
  attributeColumns: string[];
  /** Only these records (ascending ids); default every current record. */
  only?: number[] | undefined;
}

export interface FeatureWorkerReply {
  part: FeaturePart;
  /** The records read, in id order (the main thread checks it read the same ones). */
  recordIds: Float64Array;
}

const port = parentPort;
if (port) {
  const setup = workerData as FeatureWorkerSetup;
  try {
    const { db } = openStore(setup.storePath, { create: false, busyTimeoutMs: setup.busyTimeoutMs });
    const builder = new FeaturePartBuilder(setup.part, setup.attributeColumns);
    const ids: number[] = [];
    for (const record of dedupeStoreRecords(db, setup.only, partReads(setup.part, setup.attributeColumns))) {
      builder.add(record);
      ids.push(record.id);
    }
    db.close();
    const part = builder.build();
    const recordIds = Float64Array.from(ids);
    const moved = [recordIds.buffer, part.hashes.buffer, ...part.columns.flatMap((column) => [column.ids.buffer, column.counts.buffer])];
    port.postMessage({ part, recordIds } satisfies FeatureWorkerReply, moved as ArrayBuffer[]);
  } catch (error) {
    const { message, code } = error as Error & { code?: string };
    port.postMessage({ error: { message, code } });
  }
}

/**
 * The worker thread of feature-table.ts: reads one part of dedupe's features for every current record through
 * its own connection and sends the interned columns back (copies: it keeps its own). Then, until told to stop,
 * it computes comparison levels for the main thread's candidate pairs over the features it holds (plus the few
 * columns the main thread sends), while the main thread computes the other comparisons. It never writes.
 */
import { parentPort, workerData } from "node:worker_threads";
import {
  type FeatureColumn,
  type FeaturePart,
  FeaturePartBuilder,
  partReads,
  type RecordTable,
  withDerived,
} from "../stages/dedupe/features.js";
import { compileComparison } from "../stages/dedupe/levels.js";
import type { ComparisonSpec, FeatureName } from "../stages/dedupe/spec.js";
import { comparisonVectors } from "../stages/dedupe/vectors.js";
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

/** Asks for the levels of `specs` on pairs (a[k], b[k]); `columns` are features this thread lacks. */
export interface CompareRequest {
  compare: { specs: ComparisonSpec[]; columns: [FeatureName, FeatureColumn][]; a: Int32Array; b: Int32Array; count: number };
}

/** The table with a few more columns (base features of the other part, sent by the main thread). */
function withColumns(table: RecordTable, extra: Map<FeatureName, FeatureColumn>): RecordTable {
  return {
    size: table.size,
    recordIds: table.recordIds,
    has: (feature) => extra.has(feature) || table.has(feature),
    column: (feature) => extra.get(feature) ?? table.column(feature),
  };
}

const port = parentPort;
if (port) {
  const setup = workerData as FeatureWorkerSetup;
  const failure = (error: unknown) => {
    const { message, code } = error as Error & { code?: string };
    return { error: { message, code } };
  };
  let held: { part: FeaturePart; recordIds: Float64Array } | undefined;
  let own: RecordTable | undefined;
  try {
    const { db } = openStore(setup.storePath, { create: false, busyTimeoutMs: setup.busyTimeoutMs });
    const builder = new FeaturePartBuilder(setup.part, setup.attributeColumns);
    const ids: number[] = [];
    for (const record of dedupeStoreRecords(db, setup.only, partReads(setup.part, setup.attributeColumns))) {
      builder.add(record);
      ids.push(record.id);
    }
    db.close();
    // Its own derived features (email parts, phone tails, street numbers), made while the main thread still
    // reads, and sent with the part.
    const recordIds = Float64Array.from(ids);
    const derived = withDerived(recordIds, builder.build());
    own = derived.table;
    held = { part: derived.part, recordIds };
    port.postMessage(held satisfies FeatureWorkerReply);
  } catch (error) {
    port.postMessage(failure(error));
  }
  port.on("message", (message: CompareRequest | { close: true }) => {
    if ("close" in message || !own) {
      port.close();
      return;
    }
    try {
      const { specs, columns, a, b, count } = message.compare;
      const table = withColumns(own, new Map(columns));
      const compiled = specs.map((spec) => compileComparison(spec, table));
      const { levels } = comparisonVectors(compiled, a, b, count);
      port.postMessage({ levels }, [levels.buffer as ArrayBuffer]);
    } catch (error) {
      port.postMessage(failure(error));
    }
  });
}

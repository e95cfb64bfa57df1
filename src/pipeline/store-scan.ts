/**
 * The one runner of every stage over the store: the current ids cut into ranges, each range's work (a stage's
 * RangeStage, range-stages.ts) run inline for a small store or on worker threads for a large one, and each
 * result handed to the main thread in id order, which alone writes (plan in the range work, apply here). A
 * worker only reads, through its own connection; results come back as plain data.
 */
import { availableParallelism } from "node:os";
import type { Db } from "../store/open.js";
import type { IdRange } from "../store/records.js";
import { OrderedPool } from "./ordered-pool.js";
import { RANGE_STAGES, type RangeStage, type RangeStageName, type ResultOf, type SetupOf } from "./range-stages.js";
import type { WorkerSetup } from "./worker.js";

/** Below this many records, starting workers (each loads the stage's dictionaries) costs more than it saves. */
export const INLINE_BELOW = 30_000;

/** Worker threads for a store of `records`: as requested (ROSTER_WORKERS), else by size and cores. */
export function workersFor(records: number, requested: number | undefined): number {
  return requested ?? (records < INLINE_BELOW ? 0 : Math.min(availableParallelism(), 4));
}

export interface StoreScan<Name extends RangeStageName> {
  stage: Name;
  /** Plain data: copied to each worker. */
  setup: SetupOf<Name>;
  /** The main thread's connection: the inline range work reads through it, and `apply` writes through it. */
  db: Db;
  /** For the workers' own connections. */
  storePath: string;
  busyTimeoutMs: number;
  ranges: readonly IdRange[];
  /** 0: inline, in the main thread. */
  workers: number;
  /** Each range's result, in id order, in the main thread. */
  apply(result: ResultOf<Name>): void | Promise<void>;
}

const WORKER = new URL("./worker.js", import.meta.url);

export async function scanStore<Name extends RangeStageName>(scan: StoreScan<Name>): Promise<void> {
  if (scan.workers === 0) {
    const stage = (await RANGE_STAGES[scan.stage]()) as unknown as RangeStage<SetupOf<Name>, ResultOf<Name>>;
    const work = stage.open(scan.db, scan.setup);
    for (const range of scan.ranges) {
      await scan.apply(work(range));
      await new Promise(setImmediate); // let an interrupt through (it removes an output file's temporary name)
    }
    return;
  }
  const setup: WorkerSetup = { stage: scan.stage, setup: scan.setup, storePath: scan.storePath, busyTimeoutMs: scan.busyTimeoutMs };
  const pool = new OrderedPool<IdRange, ResultOf<Name>>(WORKER, setup, scan.workers, (result) => scan.apply(result));
  try {
    for (const range of scan.ranges) await pool.submit(range);
    await pool.finish();
  } finally {
    await pool.close();
  }
}

/**
 * What a store scan runs on each id range, per stage: the registry the generic worker (worker.ts) loads a
 * stage's range work from. A stage that scans the store adds one line here and one module exporting a
 * RangeStage; the scan, the worker threads and the hand-over are shared (store-scan.ts).
 */
import type { Db } from "../store/open.js";
import type { IdRange } from "../store/records.js";

/**
 * A stage's work on one id range: reads only, and returns plain data (structured-cloneable: arrays, objects,
 * strings, numbers, no classes whose methods the main thread would call). The less it holds, the less the
 * hand-over costs: 50,000 normalized records cost about 45 ms to send and 80-150 ms to receive as columns
 * (normalize-range.ts), twice that as an object per record.
 */
export interface RangeStage<Setup, Result> {
  /** Once per thread (the main thread or a worker), with its own connection: prepare statements and state. */
  open(db: Db, setup: Setup): (range: IdRange) => Result;
}

/** Loaded lazily, so a command (and each worker) loads only its own stage. */
export const RANGE_STAGES = {
  normalize: async () => (await import("../commands/normalize-range.js")).normalizeRange,
  validate: async () => (await import("../commands/validate-range.js")).validateRange,
  export: async () => (await import("../commands/export-range.js")).exportRange,
};

export type RangeStageName = keyof typeof RANGE_STAGES;
type StageOf<Name extends RangeStageName> = Awaited<ReturnType<(typeof RANGE_STAGES)[Name]>>;
export type SetupOf<Name extends RangeStageName> = StageOf<Name> extends RangeStage<infer Setup, unknown> ? Setup : never;
export type ResultOf<Name extends RangeStageName> = StageOf<Name> extends RangeStage<never, infer Result> ? Result : never;

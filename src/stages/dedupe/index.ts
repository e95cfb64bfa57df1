/**
 * The dedupe stage: a table of records in, scored pairs out (and, with cluster.ts, clusters). Pure: the store
 * and file commands read the records, call this, and write what it returns.
 *   block (blocking.ts) → comparison vectors (levels.ts, vectors.ts) → train or reuse a model (training.ts,
 *   model.ts) → score every candidate → keep the pairs at or above the review threshold.
 */
import { performance } from "node:perf_hooks";
import { blockPairs, type CappedBlock, type RuleReport } from "./blocking.js";
import type { RecordTable } from "./features.js";
import { type CompiledComparison, comparisonFeatures, compileComparison } from "./levels.js";
import { buildModel, type DedupeModel, PairScorer, probabilityOf } from "./model.js";
import type { ComparisonSpec, DedupeSettings, FeatureName } from "./spec.js";
import { estimateURounds, type TrainingReport, train } from "./training.js";
import { type ComparisonVectors, comparisonVectors } from "./vectors.js";

export interface ScoredPairs {
  /** Table rows, a < b. */
  a: Int32Array;
  b: Int32Array;
  /** Index into the run's blocking rules. */
  rule: Uint8Array;
  weight: Float64Array;
  probability: Float64Array;
  /** levels[k * comparisons + c]. */
  levels: Uint8Array;
  comparisons: number;
  count: number;
}

export interface DedupeOutcome {
  model: DedupeModel;
  /** Present when this run trained the model. */
  training: TrainingReport | undefined;
  /** Comparisons left out because no record fills their feature. */
  unusedComparisons: string[];
  rules: RuleReport[];
  capped: CappedBlock[];
  candidates: number;
  /** The candidates at or above the review threshold. */
  pairs: ScoredPairs;
  /** Seconds per phase. */
  phases: Record<string, number>;
  /** The scorer used (term-frequency adjustments per pair, for explanations). */
  scorer: PairScorer;
}

export interface DedupeRunOptions {
  /** Reuse this model (incremental runs, --explain); otherwise train one. */
  model?: DedupeModel | undefined;
  /** Only pairs touching these rows are blocked and scored. */
  dirty?: Uint8Array | undefined;
  /** Per blocking rule, rows whose key is left out (blocking.ts): an incremental run on part of the store. */
  leftOut?: readonly (Uint8Array | undefined)[] | undefined;
  /** Told when each phase starts (progress on a terminal). */
  phase?: (name: string) => void;
  /** Another thread that computes some comparisons' levels meanwhile (the async driver only). */
  helper?: ComparingHelper | undefined;
}

/**
 * A second thread for the comparing phase: it holds some of the features already (it read them), takes the
 * comparisons it can compute, and returns their levels (pair-major, in the order given) while this thread
 * computes the others.
 */
export interface ComparingHelper {
  /** Of these comparisons, the ones it will take. */
  takes(specs: readonly ComparisonSpec[]): ComparisonSpec[];
  compare(specs: readonly ComparisonSpec[], a: Int32Array, b: Int32Array, count: number): Promise<Uint8Array>;
}

/** The comparisons a run uses: a stored model's, else those whose feature some record fills. */
export function usableComparisons(specs: readonly ComparisonSpec[], table: RecordTable): { used: ComparisonSpec[]; unused: string[] } {
  const filled = (feature: FeatureName) => table.has(feature) && table.column(feature).filled >= 2;
  const used = specs.filter((spec) => [spec.feature, ...(spec.features ?? [])].some(filled));
  return { used, unused: specs.filter((spec) => !used.includes(spec)).map((spec) => spec.name) };
}

/** Features a model's comparisons read that this table lacks (a model stored by another version of roster). */
export function missingFeatures(specs: readonly ComparisonSpec[], table: RecordTable): FeatureName[] {
  return [...new Set(specs.flatMap((spec) => comparisonFeatures(spec)))].filter((feature) => !table.has(feature));
}

export function compileAll(specs: readonly ComparisonSpec[], table: RecordTable): CompiledComparison[] {
  return specs.map((spec) => compileComparison(spec, table));
}

/**
 * The phases one after another, as a generator that yields between them: dedupeTable runs it straight through,
 * dedupeTableInTurns lets the event loop run between phases (an interrupt on a terminal is handled there).
 */
function* dedupePhases(
  table: RecordTable,
  settings: DedupeSettings,
  options: DedupeRunOptions,
): Generator<string | Promise<Uint8Array>, DedupeOutcome, Uint8Array | undefined> {
  const phases: Record<string, number> = {};
  let started = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    phases[name] = (now - started) / 1000;
    started = now;
  };
  options.phase?.("blocking");
  const candidates = blockPairs(table, settings.blockingRules, {
    maxBlockSize: settings.maxBlockSize,
    dirty: options.dirty,
    leftOut: options.leftOut,
  });
  lap("blocking");
  yield "blocking";

  const { used, unused } = options.model ? { used: options.model.specs, unused: [] } : usableComparisons(settings.comparisons, table);
  const comparisons = compileAll(used, table);
  options.phase?.("comparing");
  const vectors = yield* compareOnBothThreads(used, comparisons, candidates, options.helper);
  lap("comparing");
  yield "comparing";

  let model = options.model;
  let training: TrainingReport | undefined;
  if (!model) {
    options.phase?.("training");
    // u from random pairs, each round's comparisons shared with the helper as the candidates' were.
    const estimated = yield* estimateURounds(
      table,
      comparisons,
      { seed: settings.seed, budget: settings.uPairBudget, minPerLevel: settings.uMinPerLevel },
      (pairs) => compareOnBothThreads(used, comparisons, pairs, options.helper),
    );
    const parameters = train(table, comparisons, settings.blockingRules, candidates, vectors, settings, estimated);
    model = buildModel(used, table, parameters, settings.seed);
    training = parameters.report;
    lap("training");
    yield "training";
  }

  options.phase?.("scoring");
  const scorer = new PairScorer(model, comparisons, training !== undefined);
  const width = comparisons.length;
  const keep: number[] = [];
  const weights: number[] = [];
  for (let p = 0; p < candidates.count; p++) {
    const weight = scorer.weight(vectors.levels, p * width, candidates.a[p] as number);
    if (probabilityOf(weight) >= settings.reviewThreshold) {
      keep.push(p);
      weights.push(weight);
    }
  }
  const count = keep.length;
  const pairs: ScoredPairs = {
    a: new Int32Array(count),
    b: new Int32Array(count),
    rule: new Uint8Array(count),
    weight: Float64Array.from(weights),
    probability: Float64Array.from(weights, probabilityOf),
    levels: new Uint8Array(count * width),
    comparisons: width,
    count,
  };
  keep.forEach((p, k) => {
    pairs.a[k] = candidates.a[p] as number;
    pairs.b[k] = candidates.b[p] as number;
    pairs.rule[k] = candidates.rule[p] as number;
    pairs.levels.set(vectors.levels.subarray(p * width, (p + 1) * width), k * width);
  });
  lap("scoring");
  return {
    model,
    training,
    unusedComparisons: unused,
    rules: candidates.rules,
    capped: candidates.capped,
    candidates: candidates.count,
    pairs,
    phases,
    scorer,
  };
}

/** The comparison vectors, the helper's comparisons computed on its thread while this one computes the rest. */
function* compareOnBothThreads(
  specs: readonly ComparisonSpec[],
  comparisons: readonly CompiledComparison[],
  candidates: { a: Int32Array; b: Int32Array; count: number },
  helper: ComparingHelper | undefined,
): Generator<string | Promise<Uint8Array>, ComparisonVectors, Uint8Array | undefined> {
  const remote = helper?.takes(specs) ?? [];
  if (!helper || remote.length === 0 || remote.length === specs.length) {
    return comparisonVectors(comparisons, candidates.a, candidates.b, candidates.count);
  }
  const asked = helper.compare(remote, candidates.a, candidates.b, candidates.count);
  const localIndex = specs.map((_, c) => c).filter((c) => !remote.includes(specs[c] as ComparisonSpec));
  const local = comparisonVectors(
    localIndex.map((c) => comparisons[c] as CompiledComparison),
    candidates.a,
    candidates.b,
    candidates.count,
  );
  const theirs = yield asked; // the async driver awaits it and hands the levels back
  if (!theirs) throw new Error("dedupe: the comparing thread sent nothing back");
  const width = specs.length;
  const levels = new Uint8Array(candidates.count * width);
  const remoteIndex = remote.map((spec) => specs.indexOf(spec));
  for (let p = 0; p < candidates.count; p++) {
    for (let k = 0; k < localIndex.length; k++)
      levels[p * width + (localIndex[k] as number)] = local.levels[p * localIndex.length + k] as number;
    for (let k = 0; k < remoteIndex.length; k++)
      levels[p * width + (remoteIndex[k] as number)] = theirs[p * remoteIndex.length + k] as number;
  }
  return { levels, pairs: candidates.count, comparisons: width };
}

export function dedupeTable(table: RecordTable, settings: DedupeSettings, options: DedupeRunOptions = {}): DedupeOutcome {
  const phases = dedupePhases(table, settings, { ...options, helper: undefined });
  for (;;) {
    const step = phases.next();
    if (step.done) return step.value;
  }
}

/** dedupeTable, letting the event loop run between phases (`pause` resolves when it may go on). */
export async function dedupeTableInTurns(
  table: RecordTable,
  settings: DedupeSettings,
  options: DedupeRunOptions & { pause: () => Promise<void> },
): Promise<DedupeOutcome> {
  const phases = dedupePhases(table, settings, options);
  let reply: Uint8Array | undefined;
  for (;;) {
    const step = phases.next(reply);
    if (step.done) return step.value;
    reply = undefined;
    if (typeof step.value === "string") await options.pause();
    else reply = await step.value; // the helper's levels; the event loop runs meanwhile
  }
}

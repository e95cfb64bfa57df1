/**
 * The incremental run that touches only the records near new and changed ones. The last run left an index
 * (dedupe_index: every record's id, cluster id and key hash under each blocking rule); from it this run
 *  1. asks the store which records are new, rewritten by normalize since the last run, or gone, and keeps those
 *     whose fingerprint changed;
 *  2. finds the stored records sharing a blocking key with them by scanning the rules' hashes, counting each
 *     key over the whole store (a key held by more records than the block limit is left out, as a full run
 *     leaves it out);
 *  3. reads just those records, and blocks and scores, with the stored model, the pairs that touch a changed one;
 *  4. re-clusters only the connected components those pairs and the changed records' stored matches reach, which
 *     is what a full run would do to them: clustering (chaining guard included) works component by component,
 *     and cluster ids follow the same rules with the ids of every other cluster held aside.
 * Anything it cannot do this way (no index, another index's run, a rule that is not an equality, a model to
 * retrain, records that fill a field the model does not compare) falls back to reading the whole store.
 */
import { performance } from "node:perf_hooks";
import { count } from "../io/count.js";
import { readStoreFeatureTable } from "../pipeline/feature-table.js";
import type { CappedBlock } from "../stages/dedupe/blocking.js";
import { type Clustering, clusterRecords } from "../stages/dedupe/cluster.js";
import { assignClusterIds, outsideIds } from "../stages/dedupe/cluster-ids.js";
import { type RecordTable, RecordTableBuilder } from "../stages/dedupe/features.js";
import { dedupeTableInTurns, missingFeatures } from "../stages/dedupe/index.js";
import { NO_KEY, rowsSharingKeys, ruleKeyHashes } from "../stages/dedupe/key-hashes.js";
import { comparisonFeatures } from "../stages/dedupe/levels.js";
import { type EqualityRule, isSortedRule } from "../stages/dedupe/spec.js";
import { concatTables } from "../stages/dedupe/table-concat.js";
import { type CurrentDecision, currentDecisions, decisionsDigest } from "../store/decisions.js";
import { type DedupeIndex, edgesAround, fingerprintsOf, readDedupeIndex, recordsGone, recordsToRescore } from "../store/dedupe-index.js";
import type { RunContext, RunWork, Unchanged } from "./dedupe.js";
import { letInterruptsThrough, rowOf, strongThreshold, withDecisions } from "./dedupe-clusters.js";

/** Why a run reads the whole store instead of the records near the changes. */
export interface ReadWhole {
  whole: string;
}

const whole = (because: string): ReadWhole => ({ whole: because });

/** The run near new and changed records, "nothing changed", or why the whole store must be read instead. */
export async function nearRun(context: RunContext): Promise<RunWork | Unchanged | ReadWhole> {
  const { db, options, run, stored, key, say } = context;
  const { settings } = options;
  if (options.retrain) return whole("--retrain");
  if (options.full) return whole("--full");
  if (!run || !stored) return whole("the first run on this store");
  if (run.settings !== key) return whole("the dedupe settings changed since the last run");
  const rules = settings.blockingRules;
  if (rules.some(isSortedRule)) return whole("a sorted-neighbourhood blocking rule needs every record");
  // A model stored by another version of roster reads features this one lacks: the whole-store run retrains.
  if (missingFeatures(stored.model.specs, new RecordTableBuilder(options.attributeColumns).build()).length > 0)
    return whole("the stored model was made by another version of roster");
  const index = readDedupeIndex(db);
  if (index && "older" in index) return whole("the last run's index was made by an older roster");
  if (!index || index.runId !== run.id) return whole("the last run left no index (roster batches rm drops it)");
  if (rules.some((rule) => !index.rules.has(rule.name))) return whole("the last run's index was made by an older roster");
  // A decision made, changed or undone since the last run can move clusters no change reaches: the whole store
  // is clustered again.
  const decisionsNow = decisionsDigest(db);
  if (decisionsNow !== index.decisions) return whole("people's decisions changed since the last run");
  const lap = lapTimer();

  // 1. What changed.
  say("dedupe: finding new and changed records");
  const maybe = recordsToRescore(db, run.readAt);
  const gone = recordsGone(db);
  const changes = lap();
  const newCount = maybe.filter((id) => rowOf(index.recordIds, id) < 0).length;
  const current = index.recordIds.length - gone.length + newCount;
  if (stored.model.records * 2 < current) return whole("the store has grown enough to train again");
  const fresh = await readTable(context, maybe);
  if (fresh.table.size !== maybe.length) return whole("records changed while dedupe read them");
  const before = fingerprintsOf(db, maybe);
  const dirtyIds = maybe.filter((id, row) => before.get(id) !== fresh.fingerprints[row]);
  if (dirtyIds.length === 0 && gone.length === 0)
    return { unchanged: true, records: current, read: maybe.length, clusterIds: index.clusterIds };
  // A field the model does not compare, now filled: the whole-store run decides whether to retrain.
  const modelled = new Set(stored.model.specs.map((spec) => spec.name));
  const newlyFilled = settings.comparisons
    .filter((spec) => !modelled.has(spec.name))
    .some((spec) => comparisonFeatures(spec).some((feature) => fresh.table.has(feature) && fresh.table.column(feature).filled > 0));
  if (newlyFilled) return whole("records now fill a field the stored model does not compare");
  let reading = lap();

  // 2. The stored records sharing a key with a changed one.
  say(`dedupe: blocking ${count(dirtyIds.length, "new or changed record")} against the store`);
  const dirtySet = new Set(dirtyIds);
  const skip = new Uint8Array(index.recordIds.length);
  for (const id of [...dirtyIds, ...gone]) {
    const row = rowOf(index.recordIds, id);
    if (row >= 0) skip[row] = 1;
  }
  const freshHashes = ruleKeyHashes(fresh.table, rules);
  const candidates = new Set<number>();
  const leftOutHashes: Set<number>[] = [];
  const capped: CappedBlock[] = [];
  rules.forEach((rule, r) => {
    const hashes = freshHashes[r] as Uint32Array;
    const wanted = new Map<number, number>();
    for (let row = 0; row < fresh.table.size; row++) {
      const hash = hashes[row] as number;
      if (hash !== NO_KEY && dirtySet.has(fresh.table.recordIds[row] as number)) wanted.set(hash, (wanted.get(hash) ?? 0) + 1);
    }
    const storedHashes = index.rules.get(rule.name) as Uint32Array;
    const sharing = rowsSharingKeys(storedHashes, new Set(wanted.keys()), skip);
    const over = new Set<number>();
    for (const [hash, dirty] of wanted) {
      const size = dirty + (sharing.counts.get(hash) ?? 0);
      if (size > settings.maxBlockSize) over.add(hash);
    }
    leftOutHashes.push(over);
    if (over.size > 0) capped.push(cappedReport(rule as EqualityRule, fresh.table, hashes, over, wanted, sharing.counts));
    for (const row of sharing.rows) if (!over.has(storedHashes[row] as number)) candidates.add(index.recordIds[row] as number);
  });

  // 3. Score the pairs that touch a changed record, on a table of just these records: the changed ones as read
  // above, the stored ones they share keys with read now.
  for (const id of dirtyIds) candidates.delete(id);
  const storedIds = [...candidates].sort((a, b) => a - b);
  const near = await readTable(context, storedIds);
  if (near.table.size !== storedIds.length) return whole("records changed while dedupe read them");
  const dirtyRows: number[] = [];
  for (let row = 0; row < fresh.table.size; row++) if (dirtySet.has(fresh.table.recordIds[row] as number)) dirtyRows.push(row);
  const table = concatTables(
    [
      { table: fresh.table, rows: dirtyRows },
      { table: near.table, rows: Uint32Array.from({ length: near.table.size }, (_, row) => row) },
    ],
    options.attributeColumns,
  );
  const dirty = new Uint8Array(table.size);
  for (let row = 0; row < table.size; row++) if (dirtySet.has(table.recordIds[row] as number)) dirty[row] = 1;
  const nearHashes = ruleKeyHashes(table, rules);
  const leftOut = rules.map((_, r) => {
    const over = leftOutHashes[r] as Set<number>;
    if (over.size === 0) return undefined;
    const hashes = nearHashes[r] as Uint32Array;
    return Uint8Array.from(hashes, (hash) => (over.has(hash) ? 1 : 0));
  });
  reading += lap(); // the candidates' features, mostly
  const outcome = await dedupeTableInTurns(table, settings, {
    pause: letInterruptsThrough,
    model: stored.model,
    dirty,
    leftOut,
    phase: (name) => say(`dedupe: ${name} (${count(dirtyIds.length, "new or changed record")})`),
  });
  outcome.capped.push(...capped);
  await letInterruptsThrough();

  // 4. Re-cluster the components the changes reach.
  say("dedupe: clustering");
  lap();
  const stale = [...dirtyIds, ...gone];
  const decisions = currentDecisions(db);
  const { nodes, edges } = reachedComponents(context, outcome, table.recordIds, new Set(stale), new Set(gone), decisions);
  const nodeIds = Float64Array.from(nodes);
  const decided = withDecisions(edges, decisions, (id) => rowOf(nodeIds, id));
  const clustering: Clustering = clusterRecords(nodes.length, decided.edges, {
    threshold: settings.threshold,
    strongThreshold: strongThreshold(settings.threshold),
    apart: decided.apart,
  });
  const nodeRows = nodes.map((id) => rowOf(index.recordIds, id));
  const previous = nodeRows.map((row) => (row >= 0 ? (index.clusterIds[row] as number) : null));
  const inside = new Uint8Array(index.recordIds.length);
  for (const row of nodeRows) if (row >= 0) inside[row] = 1;
  for (let row = 0; row < skip.length; row++) if (skip[row] === 1) inside[row] = 1;
  const assigned = assignClusterIds(Float64Array.from(nodes), clustering.component, previous, outsideIds(index.clusterIds, inside));
  const clusteringSeconds = lap();

  // What is written: the changed records, the others whose cluster moved, and the index made anew.
  const fingerprintOf = new Map(maybe.map((id, row) => [id, fresh.fingerprints[row] as number]));
  const clusterOf = new Map(nodes.map((id, k) => [id, assigned.clusterId[k] as number]));
  const moved = nodes.filter((id, k) => !dirtySet.has(id) && previous[k] !== assigned.clusterId[k]);
  const nextIndex = updatedIndex(index, new Set(gone), dirtyIds, clusterOf, table, nearHashes, rules);
  return {
    mode: "incremental",
    retrainReason: undefined,
    current,
    scored: dirtyIds.length,
    read: new Set([...maybe, ...storedIds]).size,
    outcome,
    tableIds: table.recordIds,
    clustering,
    assigned,
    clusterIds: nextIndex.clusterIds,
    stale,
    forget: gone,
    written: {
      scored: {
        ids: dirtyIds,
        fingerprints: dirtyIds.map((id) => fingerprintOf.get(id) as number),
        clusterIds: dirtyIds.map((id) => clusterOf.get(id) as number),
      },
      moved: { ids: moved, clusterIds: moved.map((id) => clusterOf.get(id) as number) },
    },
    index: { ...nextIndex, decisions: decisionsNow, previous: index },
    phases: { changes, reading, ...outcome.phases, clustering: clusteringSeconds },
  };
}

function lapTimer(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const seconds = (now - last) / 1000;
    last = now;
    return seconds;
  };
}

/**
 * Records read on a worker thread too from this many on: below it, loading the worker (its own copy of the
 * normalizers and their dictionaries, ~0.15 s) costs more than it saves. Measured at 1M + 1%: the 79,000 records
 * near the changes read in 1.18 s on two threads, 1.32 s on one.
 */
const THREADED_FROM = 50_000;

/** The records with these ids (ascending) as a table in id order, with their fingerprints. */
async function readTable(context: RunContext, ids: readonly number[]) {
  const { db, path, options } = context;
  if (ids.length === 0) {
    const builder = new RecordTableBuilder(options.attributeColumns);
    return { table: builder.build(), fingerprints: new Uint32Array(0) };
  }
  const read = await readStoreFeatureTable({
    db,
    storePath: path,
    busyTimeoutMs: options.busyTimeoutMs,
    attributeColumns: options.attributeColumns,
    only: ids,
    workers: ids.length < THREADED_FROM ? 0 : (options.workers ?? 1),
  });
  await read.helper?.close(); // the pairs to compare here are few
  return read;
}

/**
 * The records the changes reach through matches (this run's, and the stored ones not about a changed or gone
 * record), walked out from the changed records and from every stored match partner of a changed or gone one:
 * whole connected components, with their edges, records renumbered in id order.
 */
function reachedComponents(
  context: RunContext,
  outcome: RunWork["outcome"],
  tableIds: Float64Array,
  stale: Set<number>,
  gone: Set<number>,
  decisions: readonly CurrentDecision[],
) {
  const threshold = context.options.settings.threshold;
  const adjacency = new Map<number, { other: number; probability: number }[]>();
  const link = (a: number, b: number, probability: number) => {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const list = adjacency.get(from);
      if (list) list.push({ other: to, probability });
      else adjacency.set(from, [{ other: to, probability }]);
    }
  };
  // Records said to be the same person are reached through each other (the link itself is added by withDecisions).
  const sameAs = new Map<number, number[]>();
  for (const { a, b, decision } of decisions) {
    if (decision !== "same") continue;
    sameAs.set(a, [...(sameAs.get(a) ?? []), b]);
    sameAs.set(b, [...(sameAs.get(b) ?? []), a]);
  }
  const { pairs } = outcome;
  for (let k = 0; k < pairs.count; k++) {
    if ((pairs.probability[k] as number) < threshold) continue;
    link(tableIds[pairs.a[k] as number] as number, tableIds[pairs.b[k] as number] as number, pairs.probability[k] as number);
  }
  const visited = new Set<number>();
  let frontier = [...stale];
  for (const id of frontier) visited.add(id);
  while (frontier.length > 0) {
    const around = edgesAround(context.db, frontier, threshold);
    const next: number[] = [];
    const reach = (id: number) => {
      if (visited.has(id)) return;
      visited.add(id);
      next.push(id);
    };
    for (let k = 0; k < around.a.length; k++) {
      const a = around.a[k] as number;
      const b = around.b[k] as number;
      // A stored match of a changed or gone record is replaced by this run's: its partner is walked from.
      if (stale.has(a) || stale.has(b)) {
        if (!stale.has(a)) reach(a);
        if (!stale.has(b)) reach(b);
        continue;
      }
      link(a, b, around.probability[k] as number); // found from both ends at times: clustering merges duplicates
      reach(a);
      reach(b);
    }
    for (const id of frontier) {
      for (const { other } of adjacency.get(id) ?? []) reach(other);
      for (const other of sameAs.get(id) ?? []) if (!gone.has(other)) reach(other);
    }
    frontier = next;
  }
  const nodes = [...visited].filter((id) => !gone.has(id)).sort((a, b) => a - b);
  const local = new Map<number, number>();
  for (const [k, id] of nodes.entries()) local.set(id, k);
  const a: number[] = [];
  const b: number[] = [];
  const probability: number[] = [];
  for (const [from, list] of adjacency) {
    for (const { other, probability: p } of list) {
      if (from >= other) continue;
      const x = local.get(from);
      const y = local.get(other);
      if (x === undefined || y === undefined) continue;
      a.push(x);
      b.push(y);
      probability.push(p);
    }
  }
  return { nodes, edges: { a: Int32Array.from(a), b: Int32Array.from(b), probability: Float64Array.from(probability) } };
}

/** The index after this run: gone records out, new ones in (id order), changed hashes and clusters updated. */
function updatedIndex(
  index: DedupeIndex,
  gone: Set<number>,
  dirtyIds: readonly number[],
  clusterOf: Map<number, number>,
  table: RecordTable,
  tableHashes: (Uint32Array | undefined)[],
  rules: RunContext["options"]["settings"]["blockingRules"],
) {
  const old = index.recordIds;
  const added = dirtyIds.filter((id) => rowOf(old, id) < 0).sort((x, y) => x - y);
  // One merge of two ascending lists: each row of the new index, and the old row it comes from (-1: added).
  const merged = new Float64Array(old.length + added.length);
  const from = new Int32Array(old.length + added.length);
  let size = 0;
  for (let i = 0, j = 0; i < old.length || j < added.length; ) {
    if (j >= added.length || (i < old.length && (old[i] as number) < (added[j] as number))) {
      if (!gone.has(old[i] as number)) {
        merged[size] = old[i] as number;
        from[size++] = i;
      }
      i++;
    } else {
      merged[size] = added[j++] as number;
      from[size++] = -1;
    }
  }
  const recordIds = merged.slice(0, size);
  // The old rows come over in runs (a gone row or an added one ends a run): each run copied in one go.
  const runs: [to: number, fromStart: number, fromEnd: number][] = [];
  for (let row = 0; row < size; ) {
    const start = from[row] as number;
    if (start < 0) {
      row++;
      continue;
    }
    let end = row + 1;
    while (end < size && from[end] === start + (end - row)) end++;
    runs.push([row, start, start + (end - row)]);
    row = end;
  }
  const carried = <T extends Float64Array | Uint32Array>(out: T, old: T): T => {
    for (const [to, start, end] of runs) out.set(old.subarray(start, end), to);
    return out;
  };
  const clusterIds = carried(new Float64Array(size).fill(Number.NaN), index.clusterIds);
  for (const [id, clusterId] of clusterOf) {
    const row = rowOf(recordIds, id);
    if (row >= 0) clusterIds[row] = clusterId;
  }
  const dirtyRows = dirtyIds.map((id) => [rowOf(recordIds, id), rowOf(table.recordIds, id)] as const);
  const byName = new Map<string, Uint32Array>();
  rules.forEach((rule, r) => {
    const stored = index.rules.get(rule.name) as Uint32Array;
    const fresh = tableHashes[r] as Uint32Array;
    const hashes = stored.length > 0 ? carried(new Uint32Array(size), stored) : new Uint32Array(size);
    for (const [row, tableRow] of dirtyRows) hashes[row] = fresh[tableRow] as number;
    byName.set(rule.name, hashes);
  });
  return { recordIds, clusterIds, rules: byName };
}

/** A rule's keys left out for being held by more records than the block limit (counted over the whole store). */
function cappedReport(
  rule: EqualityRule,
  table: RecordTable,
  hashes: Uint32Array,
  over: Set<number>,
  wanted: Map<number, number>,
  storedCounts: Map<number, number>,
): CappedBlock {
  let largest = -1;
  let largestSize = 0;
  for (const hash of over) {
    const size = (wanted.get(hash) ?? 0) + (storedCounts.get(hash) ?? 0);
    if (size > largestSize) [largest, largestSize] = [hash, size];
  }
  const row = hashes.indexOf(largest);
  const value = rule.on.map((feature) => table.column(feature).values[table.column(feature).ids[row] as number]).join(" + ");
  return { rule: rule.name, features: rule.on.join(" + "), value, records: largestSize, values: over.size };
}

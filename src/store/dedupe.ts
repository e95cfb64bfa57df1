/**
 * What dedupe reads from the store and the plan it writes back: the current records with their normalized
 * values and keys, the last model and run, the scored pairs, and each record's fingerprint and
 * cluster (dedupe_records; current_records shows cluster_id). The plan is applied in one
 * transaction: killed half-way, the store keeps the previous pairs and clusters.
 */

import { StoreError } from "../errors.js";
import type { RecordKeys } from "../model/keys.js";
import { ALL_READS, type FeatureField, type FeatureKey, type FeatureReads, type FeatureValues } from "../stages/dedupe/features.js";
import type { DedupeModel } from "../stages/dedupe/model.js";
import { writeAudit } from "./audit.js";
import { type DedupeIndex, fillWantedIds, writeDedupeIndex } from "./dedupe-index.js";
import { insertRows } from "./insert-rows.js";
import type { Db } from "./open.js";
import { writeInTurn } from "./write-turns.js";

/** Current records normalize has not reached yet (no keys). */
export function unnormalizedCount(db: Db): number {
  // Most runs find none. A keys row names an existing record (a foreign key), so as many keys rows as records
  // means every record has its keys: two counts over narrow b-trees instead of a scan of every record (0.4 s).
  const every = db.prepare("SELECT (SELECT count(*) FROM record_keys) >= (SELECT count(*) FROM records)").pluck().get();
  if (every === 1) return 0;
  // Else the first one found ends the scan, and only then are they counted.
  if (db.prepare("SELECT 1 FROM current_records WHERE keys IS NULL LIMIT 1").get() === undefined) return 0;
  return db.prepare("SELECT count(*) FROM current_records WHERE keys IS NULL").pluck().get() as number;
}

/** How many current records, counted up to `atMost` (enough to choose threads: a full count scans every record). */
export function currentRecordCount(db: Db, atMost = Number.MAX_SAFE_INTEGER): number {
  return db.prepare("SELECT count(*) FROM (SELECT 1 FROM current_records LIMIT ?)").pluck().get(atMost) as number;
}

export interface DedupeStoreRecord {
  id: number;
  values: FeatureValues;
  keys: Partial<RecordKeys>;
  attributes: Record<string, string> | null;
  clusterId: number | null;
}

/**
 * Every current record in id order, streamed (or only those with the ids given). The match keys come straight
 * from the view's columns (cheaper than parsing `keys` a million times); fields and keys not selected (a thread
 * that builds part of the features reads only what that part needs) are left out of `values` and `keys`.
 */
export function* dedupeStoreRecords(db: Db, only?: readonly number[], select: FeatureReads = ALL_READS): Generator<DedupeStoreRecord> {
  const columns = ["id", "cluster_id", select.attributes ? "attributes" : "NULL", ...select.fields, ...select.keys]
    .map((column) => (column === "NULL" ? column : `c.${column}`))
    .join(", ");
  // A few ids (an incremental run's new records and their candidates) through a temporary table: a join beats
  // an IN list, which SQLite caps at 32,766 parameters.
  if (only) fillWantedIds(db, only);
  // CROSS JOIN: the few wanted ids drive the join (SQLite would otherwise scan every record and look each up).
  const from = only ? "temp.wanted_ids w CROSS JOIN current_records c ON c.id = w.id ORDER BY w.id" : "current_records c ORDER BY c.id";
  const rows = db.prepare(`SELECT ${columns} FROM ${from}`).raw().iterate() as Iterable<unknown[]>;
  const { fields, keys: keyNames } = select;
  for (const row of rows) {
    const values = {} as FeatureValues;
    for (let f = 0; f < fields.length; f++) values[fields[f] as FeatureField] = row[f + 3] as string | null;
    const keys: Partial<RecordKeys> = {};
    for (let k = 0; k < keyNames.length; k++) keys[keyNames[k] as FeatureKey] = row[fields.length + 3 + k] as string | null;
    const attributes = row[2] as string | null;
    yield {
      id: row[0] as number,
      values,
      keys,
      attributes: attributes ? (JSON.parse(attributes) as Record<string, string>) : null,
      clusterId: row[1] as number | null,
    };
  }
}

/**
 * One record by store id, by `source:source_id`, or by `source:#ID` (how roster names a record its source gave
 * no id, a web form's row), or undefined.
 */
export function findRecordId(db: Db, reference: string): number | undefined {
  if (/^\d+$/.test(reference)) {
    return db.prepare("SELECT id FROM current_records WHERE id = ?").pluck().get(Number(reference)) as number | undefined;
  }
  const colon = reference.indexOf(":");
  if (colon <= 0) return undefined;
  const source = reference.slice(0, colon);
  const sourceId = reference.slice(colon + 1);
  const bySourceId = db
    .prepare("SELECT id FROM current_records WHERE source = ? AND source_id = ? ORDER BY id DESC LIMIT 1")
    .pluck()
    .get(source, sourceId) as number | undefined;
  const numbered = /^#(\d+)$/.exec(sourceId);
  if (bySourceId !== undefined || !numbered) return bySourceId;
  return db.prepare("SELECT id FROM current_records WHERE source = ? AND id = ?").pluck().get(source, Number(numbered[1])) as
    | number
    | undefined;
}

export interface StoredRun {
  id: number;
  modelId: number;
  settings: string;
  startedAt: string;
  /** When it began reading records (after normalizing first); started_at for runs before it was kept. */
  readAt: string;
  finishedAt: string;
}

export function latestRun(db: Db): StoredRun | undefined {
  return db
    .prepare(
      `SELECT id, model_id AS modelId, settings, started_at AS startedAt, coalesce(read_at, started_at) AS readAt,
              finished_at AS finishedAt FROM dedupe_runs ORDER BY id DESC LIMIT 1`,
    )
    .get() as StoredRun | undefined;
}

export function latestModel(db: Db): { id: number; trainedAt: string; model: DedupeModel } | undefined {
  const row = db.prepare("SELECT id, trained_at AS trainedAt, model FROM dedupe_models ORDER BY id DESC LIMIT 1").get() as
    | { id: number; trainedAt: string; model: string }
    | undefined;
  return row && { id: row.id, trainedAt: row.trainedAt, model: JSON.parse(row.model) as DedupeModel };
}

export function storedFingerprints(db: Db): Map<number, number> {
  const map = new Map<number, number>();
  for (const [id, fingerprint] of db.prepare("SELECT record_id, fingerprint FROM dedupe_records").raw().iterate() as Iterable<
    [number, number]
  >)
    map.set(id, fingerprint);
  return map;
}

/** Stored pairs at or above a probability (the edges clustering joins), as record ids. */
export function storedEdges(db: Db, threshold: number): { a: number[]; b: number[]; probability: number[] } {
  const edges = { a: [] as number[], b: [] as number[], probability: [] as number[] };
  const rows = db
    .prepare("SELECT record_a, record_b, match_probability FROM pairs WHERE match_probability >= ?")
    .raw()
    .iterate(threshold) as Iterable<[number, number, number]>;
  for (const [a, b, p] of rows) {
    edges.a.push(a);
    edges.b.push(b);
    edges.probability.push(p);
  }
  return edges;
}

export interface StoredPair {
  recordA: number;
  recordB: number;
  matchWeight: number;
  matchProbability: number;
  blockingRule: string;
  explanation: string;
  decision: string;
  modelId: number;
}

export function storedPair(db: Db, a: number, b: number): StoredPair | undefined {
  const [low, high] = a < b ? [a, b] : [b, a];
  return db
    .prepare(
      `SELECT record_a AS recordA, record_b AS recordB, match_weight AS matchWeight, match_probability AS matchProbability,
              blocking_rule AS blockingRule, explanation, decision, model_id AS modelId FROM pairs WHERE record_a = ? AND record_b = ?`,
    )
    .get(low, high) as StoredPair | undefined;
}

/** What a dedupe run writes: plain data made by the command from the stage's results. */
export interface DedupePlan {
  /** The run that was current when this plan was made: applying fails if another run finished since. */
  basedOnRun: number | null;
  /** A newly trained model to store (its id is used for the pairs and the run), or the stored model's id. */
  model: { json: string; records: number } | { id: number };
  mode: "full" | "incremental";
  startedAt: string;
  readAt: string;
  settings: string;
  summary: () => unknown;
  /** Records whose pairs are removed before the new ones go in (changed, or no longer current); all when full. */
  stale: readonly number[];
  pairs: {
    count: number;
    /** Pair k as [record_a, record_b, weight, probability, rule, explanation, decision]. */
    row: (k: number) => [number, number, number, number, string, string, "match" | "review"];
  };
  /**
   * What dedupe_records gets: the records scored (all on a full run; else the new and changed ones) with their
   * fingerprint and cluster, and the other records whose cluster id changed.
   */
  records: {
    scored: { ids: ArrayLike<number>; fingerprints: ArrayLike<number>; clusterIds: ArrayLike<number> };
    moved: { ids: ArrayLike<number>; clusterIds: ArrayLike<number> };
  };
  /** Record ids that are no longer current (their fingerprints and clusters go). */
  forget: readonly number[];
  /**
   * The index the next incremental run reads (dedupe-index.ts), without its run id (this run's); with the index
   * an incremental run started from, whose unchanged blocks are not written again.
   */
  index: Omit<DedupeIndex, "runId"> & { previous?: DedupeIndex | undefined };
  /** The audit line, written in the same transaction (ids and counts only). */
  audit: { args: readonly string[]; details: () => unknown };
}

const PAIR_COLUMNS = ["record_a", "record_b", "match_weight", "match_probability", "blocking_rule", "explanation", "decision", "model_id"];

export function applyDedupePlan(db: Db, plan: DedupePlan): { runId: number; modelId: number } {
  return writeInTurn(db, () => {
    const last = latestRun(db)?.id ?? null;
    if (last !== plan.basedOnRun) {
      throw new StoreError("another dedupe run finished while this one was working: nothing was written", "run roster dedupe again");
    }
    let modelId: number;
    if ("json" in plan.model) {
      modelId = Number(
        db
          .prepare("INSERT INTO dedupe_models (trained_at, records, model) VALUES (?, ?, ?)")
          .run(plan.startedAt, plan.model.records, plan.model.json).lastInsertRowid,
      );
    } else modelId = plan.model.id;

    if (plan.mode === "full") db.exec("DELETE FROM pairs");
    else {
      const removeA = db.prepare("DELETE FROM pairs WHERE record_a = ?");
      const removeB = db.prepare("DELETE FROM pairs WHERE record_b = ?");
      for (const id of plan.stale) {
        removeA.run(id);
        removeB.run(id);
      }
    }
    insertRows(db, "INSERT OR REPLACE INTO pairs", PAIR_COLUMNS, plan.pairs.count, (k) => [...plan.pairs.row(k), modelId]);

    const forget = db.prepare("DELETE FROM dedupe_records WHERE record_id = ?");
    for (const id of plan.forget) forget.run(id);
    if (plan.mode === "full") db.exec("DELETE FROM dedupe_records");
    const { scored, moved } = plan.records;
    insertRows(db, "INSERT OR REPLACE INTO dedupe_records", ["record_id", "fingerprint", "cluster_id"], scored.ids.length, (k) => [
      scored.ids[k] as number,
      scored.fingerprints[k] as number,
      scored.clusterIds[k] as number,
    ]);
    const move = db.prepare("UPDATE dedupe_records SET cluster_id = ? WHERE record_id = ?");
    for (let k = 0; k < moved.ids.length; k++) move.run(moved.clusterIds[k], moved.ids[k]);

    const runId = Number(
      db
        .prepare(
          "INSERT INTO dedupe_runs (model_id, started_at, read_at, finished_at, mode, settings, summary) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .run(modelId, plan.startedAt, plan.readAt, new Date().toISOString(), plan.mode, plan.settings, JSON.stringify(plan.summary()))
        .lastInsertRowid,
    );
    const { previous, ...index } = plan.index;
    writeDedupeIndex(db, { ...index, runId }, previous);
    writeAudit(db, "dedupe", plan.audit.args, "ok", plan.audit.details());
    return { runId, modelId };
  });
}

/**
 * What an incremental dedupe reads instead of the whole store: the index the last run left (dedupe_index: the
 * record ids, their cluster ids and each blocking rule's key hashes, as typed arrays), which records are new,
 * changed or gone since, and the stored matches around a set of records.
 */

import { insertRows } from "./insert-rows.js";
import type { Db } from "./open.js";

export interface DedupeIndex {
  /** The run that wrote it. */
  runId: number;
  /** The records dedupe last saw, ascending. */
  recordIds: Float64Array;
  /** Per record (same order): its cluster id. */
  clusterIds: Float64Array;
  /** Per equality rule by name: each record's key hash (key-hashes.ts); empty when no record has a key. */
  rules: Map<string, Uint32Array>;
  /** The people's decisions the run followed (decisions.ts: decisionsDigest). */
  decisions: string;
}

const bytes = (array: Float64Array | Uint32Array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength);

/** A copy: a Buffer from SQLite need not be aligned for a Float64Array. */
function typed<T extends Float64Array | Uint32Array>(buffer: Buffer, make: new (data: ArrayBuffer) => T): T {
  return new make(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer);
}

export function readDedupeIndex(db: Db): DedupeIndex | undefined {
  const rows = db.prepare("SELECT name, run_id AS runId, data FROM dedupe_index").all() as { name: string; runId: number; data: Buffer }[];
  const ids = rows.find((row) => row.name === "record_ids");
  const clusters = rows.find((row) => row.name === "cluster_ids");
  if (!ids || !clusters || rows.some((row) => row.runId !== ids.runId)) return undefined;
  const rules = new Map<string, Uint32Array>();
  // "keys:": key hashes made from the values' string-table hashes; an index of older "rule:" rows (another hash)
  // is not used, so that run reads the whole store once.
  for (const row of rows) if (row.name.startsWith("keys:")) rules.set(row.name.slice(5), typed(row.data, Uint32Array));
  const decisions = rows.find((row) => row.name === "decisions")?.data.toString("utf8") ?? "";
  const index = {
    runId: ids.runId,
    recordIds: typed(ids.data, Float64Array),
    clusterIds: typed(clusters.data, Float64Array),
    rules,
    decisions,
  };
  const size = index.recordIds.length;
  if (index.clusterIds.length !== size || [...rules.values()].some((hashes) => hashes.length !== size && hashes.length > 0))
    return undefined;
  return index;
}

/** The decisions digest the last run followed ("" when it kept none). */
export function indexedDecisions(db: Db): string {
  const data = db.prepare("SELECT data FROM dedupe_index WHERE name = 'decisions'").pluck().get() as Buffer | undefined;
  return data?.toString("utf8") ?? "";
}

/** The run whose index is stored, if any (without reading the index). */
export function indexRunId(db: Db): number | undefined {
  return db.prepare("SELECT run_id FROM dedupe_index WHERE name = 'record_ids'").pluck().get() as number | undefined;
}

/** Current records without keys in batches finished at or after `since` (from their first record id on). */
export function unnormalizedSince(db: Db, since: string): number {
  return db
    .prepare(
      `SELECT count(*) FROM batches b CROSS JOIN records r ON r.id >= b.first_record_id AND +r.batch_id = b.id
         LEFT JOIN record_keys k ON k.record_id = r.id
       WHERE b.status = 'complete' AND b.finished_at >= ? AND b.first_record_id IS NOT NULL
         AND r.superseded_by IS NULL AND k.record_id IS NULL`,
    )
    .pluck()
    .get(since) as number;
}

/** Replaces the index (inside the run's write transaction). */
export function writeDedupeIndex(db: Db, index: DedupeIndex): void {
  db.exec("DELETE FROM dedupe_index");
  const insert = db.prepare("INSERT INTO dedupe_index (name, run_id, data) VALUES (?, ?, ?)");
  insert.run("record_ids", index.runId, bytes(index.recordIds));
  insert.run("cluster_ids", index.runId, bytes(index.clusterIds));
  insert.run("decisions", index.runId, Buffer.from(index.decisions, "utf8"));
  // A rule no record has a key for (a field nobody fills) is stored empty rather than as a block of zeros.
  for (const [rule, hashes] of index.rules)
    insert.run(`keys:${rule}`, index.runId, hashes.some((hash) => hash !== 0) ? bytes(hashes) : Buffer.alloc(0));
}

/**
 * Current records dedupe may not have seen as they are now: those normalize wrote since `since` (the last run's
 * start: a new record is normalized before dedupe reads it, and a record normalize rewrites gets a new
 * normalized_at), and those marked for scoring again (fingerprint -1: a batch removed under them). Found from the
 * narrow tables, then checked against current_records for these few ids only: scanning the wide records table
 * costs half a second on a million records. A candidate only: the caller compares fingerprints. A record that
 * becomes current again without being normalized (a replaced batch reinstated) is not found: `batches rm`, the
 * only way to that, drops the index, and the next run reads every record.
 */
export function recordsToRescore(db: Db, since: string): number[] {
  const candidates = db
    .prepare(
      `SELECT record_id FROM record_keys WHERE normalized_at >= ?
       UNION SELECT record_id FROM dedupe_records WHERE fingerprint = -1`,
    )
    .pluck()
    .all(since) as number[];
  fillWantedIds(db, candidates);
  return db
    .prepare("SELECT c.id FROM temp.wanted_ids w CROSS JOIN current_records c ON c.id = w.id ORDER BY w.id")
    .pluck()
    .all() as number[];
}

/**
 * Records dedupe scored that are no longer current: replaced by a newer version (found through the partial index
 * on superseded_by, which holds only replaced rows) or in a batch that is no longer complete.
 */
export function recordsGone(db: Db): number[] {
  return db
    .prepare(
      `SELECT d.record_id FROM records r INDEXED BY records_by_successor CROSS JOIN dedupe_records d ON d.record_id = r.id
         WHERE r.superseded_by IS NOT NULL
       UNION
       SELECT d.record_id FROM batches b CROSS JOIN records r ON r.id >= b.first_record_id AND +r.batch_id = b.id
         CROSS JOIN dedupe_records d ON d.record_id = r.id
         WHERE b.status <> 'complete' AND b.first_record_id IS NOT NULL
       ORDER BY 1`,
    )
    .pluck()
    .all() as number[];
}

/** The stored fingerprints of these records (absent: never scored). */
export function fingerprintsOf(db: Db, ids: readonly number[]): Map<number, number> {
  const map = new Map<number, number>();
  withIds(db, ids, () => {
    const rows = db
      .prepare("SELECT d.record_id, d.fingerprint FROM temp.wanted_ids w CROSS JOIN dedupe_records d ON d.record_id = w.id")
      .raw()
      .all() as [number, number][];
    for (const [id, fingerprint] of rows) map.set(id, fingerprint);
  });
  return map;
}

/** Stored pairs at or above `threshold` with either record among `ids`. */
export function edgesAround(db: Db, ids: readonly number[], threshold: number): { a: number[]; b: number[]; probability: number[] } {
  const edges = { a: [] as number[], b: [] as number[], probability: [] as number[] };
  withIds(db, ids, () => {
    const rows = db
      .prepare(
        `SELECT p.record_a, p.record_b, p.match_probability FROM temp.wanted_ids w CROSS JOIN pairs p ON p.record_a = w.id
           WHERE p.match_probability >= @threshold
         UNION
         SELECT p.record_a, p.record_b, p.match_probability FROM temp.wanted_ids w CROSS JOIN pairs p ON p.record_b = w.id
           WHERE p.match_probability >= @threshold`,
      )
      .raw()
      .all({ threshold }) as [number, number, number][];
    for (const [a, b, p] of rows) {
      edges.a.push(a);
      edges.b.push(b);
      edges.probability.push(p);
    }
  });
  return edges;
}

/** temp.wanted_ids holds `ids` and nothing else (a join beats an IN list of thousands of parameters). */
export function fillWantedIds(db: Db, ids: readonly number[]): void {
  db.exec("CREATE TEMP TABLE IF NOT EXISTS wanted_ids (id INTEGER PRIMARY KEY)");
  db.exec("DELETE FROM temp.wanted_ids");
  insertRows(db, "INSERT OR IGNORE INTO temp.wanted_ids", ["id"], ids.length, (k) => [ids[k]]);
}

function withIds(db: Db, ids: readonly number[], work: () => void): void {
  fillWantedIds(db, ids);
  work();
}

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

/**
 * Each array is stored in blocks of this many rows (`<array>@<block>`: 512 KB of float64s, 256 KB of hashes), with
 * a `manifest` row naming the run, the row count and the arrays. An incremental run rewrites only the blocks that
 * differ from the index it read: new records go at the end, so a run with 1% new records writes the last blocks
 * of each array and the cluster ids' blocks that changed, not the whole 72 MB of a million records (0.4 s).
 */
export const INDEX_BLOCK_ROWS = 65_536;

interface Manifest {
  rows: number;
  /** The arrays with blocks; a rule no record has a key for is in `empty` instead (read as zeros, never stored). */
  arrays: string[];
  empty: string[];
}

type IndexArray = Float64Array | Uint32Array;

const bytes = (array: IndexArray) => Buffer.from(array.buffer, array.byteOffset, array.byteLength);

/** Block `b` of an array, as bytes (a view, no copy). */
const block = (array: IndexArray, b: number) => bytes(array.subarray(b * INDEX_BLOCK_ROWS, (b + 1) * INDEX_BLOCK_ROWS));

const blockCount = (rows: number) => Math.ceil(rows / INDEX_BLOCK_ROWS);

const blockName = (array: string, b: number) => `${array}@${b}`;

/** The stored index is one an older roster wrote (whole arrays, no manifest): not used, made anew by a whole-store run. */
export interface OlderIndex {
  older: true;
}

function readManifest(db: Db): { runId: number; manifest: Manifest } | undefined {
  const row = db.prepare("SELECT run_id AS runId, data FROM dedupe_index WHERE name = 'manifest'").get() as
    | { runId: number; data: Buffer }
    | undefined;
  return row && { runId: row.runId, manifest: JSON.parse(row.data.toString("utf8")) as Manifest };
}

/** One array put together from its blocks (each copied once, straight into place), or undefined if one is missing. */
function readArray<T extends IndexArray>(
  blockOf: (name: string) => Buffer | undefined,
  name: string,
  rows: number,
  make: new (length: number) => T,
): T | undefined {
  const out = new make(rows);
  const target = new Uint8Array(out.buffer);
  const rowBytes = out.BYTES_PER_ELEMENT;
  for (let b = 0; b < blockCount(rows); b++) {
    const data = blockOf(blockName(name, b));
    const expected = Math.min(INDEX_BLOCK_ROWS, rows - b * INDEX_BLOCK_ROWS) * rowBytes;
    if (data === undefined || data.byteLength !== expected) return undefined;
    data.copy(target, b * INDEX_BLOCK_ROWS * rowBytes);
  }
  return out;
}

export function readDedupeIndex(db: Db): DedupeIndex | OlderIndex | undefined {
  const head = readManifest(db);
  if (!head) {
    const any = db.prepare("SELECT 1 FROM dedupe_index LIMIT 1").get();
    return any === undefined ? undefined : { older: true };
  }
  const { runId, manifest } = head;
  const rows = db.prepare("SELECT name, data FROM dedupe_index").raw().all() as [string, Buffer][];
  const blocks = new Map(rows);
  const blockOf = (name: string) => blocks.get(name);
  const recordIds = readArray(blockOf, "record_ids", manifest.rows, Float64Array);
  const clusterIds = readArray(blockOf, "cluster_ids", manifest.rows, Float64Array);
  if (!recordIds || !clusterIds) return undefined;
  const rules = new Map<string, Uint32Array>();
  for (const name of manifest.arrays) {
    if (!name.startsWith("keys:")) continue;
    const hashes = readArray(blockOf, name, manifest.rows, Uint32Array);
    if (!hashes) return undefined;
    rules.set(name.slice(5), hashes);
  }
  for (const name of manifest.empty) rules.set(name.slice(5), new Uint32Array(manifest.rows));
  const decisions = blocks.get("decisions")?.toString("utf8") ?? "";
  return { runId, recordIds, clusterIds, rules, decisions };
}

/** The record ids and cluster ids of the index, when the given run wrote it (merge reads just these). */
export function readIndexClusters(db: Db, runId: number): { recordIds: Float64Array; clusterIds: Float64Array } | undefined {
  const head = readManifest(db);
  if (!head || head.runId !== runId) return undefined;
  const get = db.prepare("SELECT data FROM dedupe_index WHERE name = ?").pluck();
  const blockOf = (name: string) => get.get(name) as Buffer | undefined;
  const recordIds = readArray(blockOf, "record_ids", head.manifest.rows, Float64Array);
  const clusterIds = readArray(blockOf, "cluster_ids", head.manifest.rows, Float64Array);
  return recordIds && clusterIds ? { recordIds, clusterIds } : undefined;
}

/** The decisions digest the last run followed ("" when it kept none). */
export function indexedDecisions(db: Db): string {
  const data = db.prepare("SELECT data FROM dedupe_index WHERE name = 'decisions'").pluck().get() as Buffer | undefined;
  return data?.toString("utf8") ?? "";
}

/** The run whose index is stored, if any (without reading the index). */
export function indexRunId(db: Db): number | undefined {
  return readManifest(db)?.runId;
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

/**
 * Writes the index (inside the run's write transaction). Given the index this run started from, only the blocks
 * that differ from it are written, if that index is still the stored one (`roster batches rm` drops it; then, as
 * on a full run, everything is written anew).
 */
export function writeDedupeIndex(db: Db, index: DedupeIndex, previous?: DedupeIndex): void {
  const stored = previous !== undefined && readManifest(db)?.runId === previous.runId ? previous : undefined;
  if (!stored) db.exec("DELETE FROM dedupe_index");
  const put = db.prepare("INSERT OR REPLACE INTO dedupe_index (name, run_id, data) VALUES (?, ?, ?)");
  const remove = db.prepare("DELETE FROM dedupe_index WHERE name = ?");
  const rows = index.recordIds.length;
  const manifest: Manifest = { rows, arrays: [], empty: [] };
  const write = (name: string, array: IndexArray, before: IndexArray | undefined) => {
    const blocks = blockCount(array.length);
    for (let b = 0; b < blocks; b++) {
      const data = block(array, b);
      if (before === undefined || b >= blockCount(before.length) || !data.equals(block(before, b)))
        put.run(blockName(name, b), index.runId, data);
    }
    if (before) for (let b = blocks; b < blockCount(before.length); b++) remove.run(blockName(name, b));
  };
  const anyKey = (hashes: Uint32Array) => hashes.some((hash) => hash !== 0);
  // A rule whose hashes were all zero had no blocks: compared with nothing, every block of it is written.
  const storedKeys = (rule: string) => {
    const hashes = stored?.rules.get(rule);
    return hashes && anyKey(hashes) ? hashes : undefined;
  };
  write("record_ids", index.recordIds, stored?.recordIds);
  write("cluster_ids", index.clusterIds, stored?.clusterIds);
  manifest.arrays.push("record_ids", "cluster_ids");
  for (const [rule, hashes] of index.rules) {
    const name = `keys:${rule}`;
    const before = storedKeys(rule);
    // A rule no record has a key for (a field nobody fills) has no blocks rather than blocks of zeros.
    if (anyKey(hashes)) {
      write(name, hashes, before);
      manifest.arrays.push(name);
    } else {
      if (before) for (let b = 0; b < blockCount(before.length); b++) remove.run(blockName(name, b));
      manifest.empty.push(name);
    }
  }
  put.run("decisions", index.runId, Buffer.from(index.decisions, "utf8"));
  put.run("manifest", index.runId, Buffer.from(JSON.stringify(manifest), "utf8"));
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

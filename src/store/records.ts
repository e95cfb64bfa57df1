/**
 * Reading the current records, in id ranges, as the record type every stage reads (model/record.ts): what a
 * store scan (pipeline/store-scan.ts) hands a stage for each range, in the main thread or a worker. Values are
 * derived again from the verbatim row and its batch's mapping, so later stages always start from what the
 * source sent; what the last normalize stored comes along for the stages that compare with it or use it.
 */

import { UsageError } from "../errors.js";
import { CANONICAL_FIELDS } from "../fields/canonical.js";
import { mappedValues, type StoredMapping, storedMapping } from "../fields/raw.js";
import type { RecordValues, SourceRecord, StoredNormalization } from "../model/record.js";
import type { Db } from "./open.js";

export interface IdRange {
  from: number;
  to: number;
}

/** Ids per range: one read (and one write transaction) each, and the unit of work handed to a worker. */
export const RANGE_IDS = 5000;

/**
 * Sources with current records and how many each has, in one pass, optionally limited to some sources
 * (`--source`). Those must be sources the store knows: a typo would check nothing and pass a CI gate.
 */
export function currentSourceCounts(db: Db, only: readonly string[] = []): Map<string, number> {
  const rows = db.prepare("SELECT source, count(*) AS n FROM current_records GROUP BY source ORDER BY source").all() as {
    source: string;
    n: number;
  }[];
  if (only.length > 0) checkSourcesKnown(db, only);
  return new Map(rows.filter((r) => only.length === 0 || only.includes(r.source)).map((r) => [r.source, r.n]));
}

/** Every source ever imported (a source whose records were all superseded is still one). */
function checkSourcesKnown(db: Db, names: readonly string[]): void {
  const known = (db.prepare("SELECT DISTINCT source FROM batches ORDER BY source").all() as { source: string }[]).map((r) => r.source);
  const unknown = names.find((name) => !known.includes(name));
  if (unknown === undefined) return;
  throw new UsageError(
    `--source ${unknown}: no such source in the store`,
    known.length === 0 ? "the store has no records yet: roster import some first" : `sources in the store: ${known.join(", ")}`,
  );
}

/**
 * The span of current ids cut into ranges. Walking the rowid from either end stops at the first current record;
 * min()/max() over the view read every row.
 */
export function currentIdRanges(db: Db, size = RANGE_IDS): IdRange[] {
  const first = db.prepare("SELECT id FROM current_records ORDER BY id LIMIT 1").pluck().get() as number | undefined;
  const last = db.prepare("SELECT id FROM current_records ORDER BY id DESC LIMIT 1").pluck().get() as number | undefined;
  const ranges: IdRange[] = [];
  if (first !== undefined && last !== undefined)
    for (let from = first; from <= last; from += size) ranges.push({ from, to: Math.min(from + size - 1, last) });
  return ranges;
}

/** Ranges covering the current records never normalized (no keys yet), and as few others as the range size allows. */
export function unnormalizedIdRanges(db: Db, size = RANGE_IDS): { ranges: IdRange[]; records: number } {
  const ids = db.prepare("SELECT id FROM current_records WHERE keys IS NULL ORDER BY id").pluck().all() as number[];
  const ranges: IdRange[] = [];
  for (const id of ids) {
    const last = ranges.at(-1);
    if (last && id < last.from + size) last.to = id;
    else ranges.push({ from: id, to: id });
  }
  return { ranges, records: ids.length };
}

interface BatchMapping {
  mapping: StoredMapping;
  /** CSV rows were stored as JSON of strings; JSON rows may hold numbers whose digits must be kept exactly. */
  fromJson: boolean;
}

/** Each batch's column mapping, read once per batch rather than with every row. */
function batchMappings(db: Db): (batchId: number) => BatchMapping {
  const statement = db.prepare("SELECT mapping, format FROM batches WHERE id = ?");
  const cache = new Map<number, BatchMapping>();
  return (batchId) => {
    let found = cache.get(batchId);
    if (!found) {
      const row = statement.get(batchId) as { mapping: string | null; format: string };
      found = {
        mapping: storedMapping(row.mapping),
        fromJson: row.format === "json" || row.format === "jsonl",
      };
      cache.set(batchId, found);
    }
    return found;
  };
}

/**
 * A normalized record for a reader that uses the stored values instead (validate): its values are derived
 * from the raw row only if read. Every other record is a plain object with its values derived at once, which
 * normalize measured 10% faster than a getter on every record.
 */
class NormalizedStoredRecord implements SourceRecord {
  declare readonly recordId: number;
  declare readonly line: number;
  declare readonly source: string;
  declare readonly sourceId: string | null;
  declare readonly normalized: StoredNormalization;
  declare private readonly raw: string;
  declare private readonly batch: BatchMapping;
  declare private derived: RecordValues | undefined;

  // Fields assigned here rather than declared with initializers: class fields cost every record a define.
  constructor(
    recordId: number,
    line: number,
    source: string,
    sourceId: string | null,
    raw: string,
    batch: BatchMapping,
    normalized: StoredNormalization,
  ) {
    this.recordId = recordId;
    this.line = line;
    this.source = source;
    this.sourceId = sourceId;
    this.raw = raw;
    this.batch = batch;
    this.normalized = normalized;
    this.derived = undefined;
  }

  get values(): RecordValues {
    this.derived ??= mappedValues(this.raw, this.batch.mapping, this.batch.fromJson);
    return this.derived;
  }
}

/**
 * Current records with ids in the range, in id order. Reading by primary-key range keeps every query cheap
 * and lets several workers take disjoint ranges. Rows come as arrays and what normalize stored as one JSON
 * array (only for records it has seen): better-sqlite3 building objects of 30 columns cost more than
 * normalizing them (7.2 s of 31.5 s for a million records; 1.0 s this way on a first run). `keys`: also read
 * the stored keys (normalize compares them; validate never reads keys). `storedValuesSuffice`: the reader
 * uses a normalized record's stored values, so its values are derived from the raw row only if asked for.
 */
export function storedRecords(db: Db, { keys = false, storedValuesSuffice = false } = {}): (range: IdRange) => SourceRecord[] {
  // JSON cannot hold a BLOB (one an analyst wrote with sqlite3): it reads as U+0000, which no normalized value
  // contains, so normalize rewrites it rather than stop. Stored keys that are not text are rewritten too.
  const stored = CANONICAL_FIELDS.map((field) => `iif(typeof(r.${field}) = 'blob', char(0), r.${field})`).join(", ");
  const statement = db
    .prepare(
      `SELECT r.id, r.line, r.source, r.source_id, r.raw, r.batch_id, iif(k.record_id IS NULL, NULL, json_array(${stored}))
         ${keys ? ", iif(typeof(k.keys) = 'text', k.keys, NULL)" : ""}
       FROM records r JOIN batches b ON b.id = r.batch_id LEFT JOIN record_keys k ON k.record_id = r.id
       WHERE r.id BETWEEN ? AND ? AND r.superseded_by IS NULL AND b.status = 'complete'
       ORDER BY r.id`,
    )
    .raw(true);
  const mappingOf = batchMappings(db);
  const normalization = (json: string | null, storedKeys: string | null): StoredNormalization | null => {
    if (json === null) return null;
    const columns = JSON.parse(json) as (string | null)[];
    const values = {} as RecordValues;
    let i = 0;
    for (const field of CANONICAL_FIELDS) values[field] = columns[i++] ?? null;
    return { values, keys: storedKeys };
  };
  return ({ from, to }) =>
    (statement.all(from, to) as [number, number, string, string | null, string, number, string | null, string | null][]).map(
      ([recordId, line, source, sourceId, raw, batchId, json, storedKeys]): SourceRecord => {
        const batch = mappingOf(batchId);
        const normalized = normalization(json, storedKeys ?? null);
        if (normalized && storedValuesSuffice) return new NormalizedStoredRecord(recordId, line, source, sourceId, raw, batch, normalized);
        return { recordId, line, source, sourceId, values: mappedValues(raw, batch.mapping, batch.fromJson), normalized };
      },
    );
}

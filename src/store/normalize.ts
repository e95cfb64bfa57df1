/** Reading records for normalize and writing its results: canonical values, match keys and findings. */
import { CANONICAL_FIELDS, type CanonicalField } from "../fields/canonical.js";
import type { Finding } from "../model/finding.js";
import type { Db } from "./open.js";

export interface StoredRow {
  id: number;
  line: number;
  source: string;
  sourceId: string | null;
  raw: string;
  batchId: number;
  /** What the last normalize stored for this record (values and keys by name), or null before the first. */
  normalized: StoredNormalization | null;
}

export interface StoredNormalization {
  values: Record<CanonicalField, string | null>;
  keys: Record<string, string | null>;
}

/** The canonical columns normalize rewrites: all but source_id, which identifies the record. */
export const NORMALIZED_FIELDS = CANONICAL_FIELDS.filter((field) => field !== "source_id");

export interface BatchMapping {
  mapping: Record<string, string>;
  /** CSV rows were stored as JSON of strings; JSON rows may hold numbers whose digits must be kept exactly. */
  fromJson: boolean;
}

/** Each batch's column mapping, read once per batch rather than with every row. */
export function batchMappings(db: Db): (batchId: number) => BatchMapping {
  const statement = db.prepare("SELECT mapping, format FROM batches WHERE id = ?");
  const cache = new Map<number, BatchMapping>();
  return (batchId) => {
    let found = cache.get(batchId);
    if (!found) {
      const row = statement.get(batchId) as { mapping: string | null; format: string };
      found = {
        mapping: JSON.parse(row.mapping ?? "{}") as Record<string, string>,
        fromJson: row.format === "json" || row.format === "jsonl",
      };
      cache.set(batchId, found);
    }
    return found;
  };
}

export interface NormalizedRow {
  id: number;
  values: Record<string, string | null>;
  keys: Record<string, string | null>;
  findings: Finding[];
  /** The store already holds exactly these values (a re-run): the records row is left as it is. */
  valuesStored?: boolean;
  /** The store already holds exactly these keys: record_keys is left as it is (normalized_at included). */
  keysStored?: boolean;
}

/** Sources with current records and how many each has, in one pass, optionally limited to some sources. */
export function currentSourceCounts(db: Db, only: readonly string[] = []): Map<string, number> {
  const rows = db.prepare("SELECT source, count(*) AS n FROM current_records GROUP BY source ORDER BY source").all() as {
    source: string;
    n: number;
  }[];
  return new Map(rows.filter((r) => only.length === 0 || only.includes(r.source)).map((r) => [r.source, r.n]));
}

/** normalize's findings of the records with ids in [from, to], by record id (what validate explains with). */
export function normalizeFindingsInRange(db: Db): (from: number, to: number) => Map<number, Finding[]> {
  const statement = db.prepare(
    "SELECT record_id AS recordId, field, rule, severity, message, suggestion FROM findings WHERE stage = 'normalize' AND record_id BETWEEN ? AND ?",
  );
  return (from, to) => {
    const byRecord = new Map<number, Finding[]>();
    for (const row of statement.all(from, to) as (Finding & { recordId: number; suggestion: string | null })[]) {
      const { recordId, suggestion, ...finding } = row;
      byRecord.set(recordId, [...(byRecord.get(recordId) ?? []), suggestion === null ? finding : { ...finding, suggestion }]);
    }
    return byRecord;
  };
}

/**
 * Lowest and highest id of current records: the span normalize splits into ranges. Walking the rowid from
 * either end stops at the first current record; min()/max() over the view read every row.
 */
export function currentIdSpan(db: Db): { min: number; max: number } | undefined {
  const first = db.prepare("SELECT id FROM current_records ORDER BY id LIMIT 1").pluck().get() as number | undefined;
  const last = db.prepare("SELECT id FROM current_records ORDER BY id DESC LIMIT 1").pluck().get() as number | undefined;
  return first === undefined || last === undefined ? undefined : { min: first, max: last };
}

/**
 * Current records with ids in [from, to], in id order. Reading by primary-key range keeps every query cheap
 * and lets several workers take disjoint ranges. Rows come as arrays and what normalize stored as one JSON
 * array (only for records it has seen): better-sqlite3 building objects of 30 columns cost more than
 * normalizing them (7.2 s of 31.5 s for a million records; 1.0 s this way on a first run).
 */
export function rowsInIdRange(db: Db, keyFields: readonly string[] = []): (from: number, to: number) => StoredRow[] {
  // JSON cannot hold a BLOB (one an analyst wrote with sqlite3): it reads as U+0000, which no normalized value
  // contains, so normalize rewrites it rather than stop.
  const stored = [...CANONICAL_FIELDS.map((field) => `r.${field}`), ...keyFields.map((key) => `k.${key}`)]
    .map((column) => `iif(typeof(${column}) = 'blob', char(0), ${column})`)
    .join(", ");
  const statement = db
    .prepare(
      `SELECT r.id, r.line, r.source, r.source_id, r.raw, r.batch_id, iif(k.record_id IS NULL, NULL, json_array(${stored}))
       FROM records r JOIN batches b ON b.id = r.batch_id LEFT JOIN record_keys k ON k.record_id = r.id
       WHERE r.id BETWEEN ? AND ? AND r.superseded_by IS NULL AND b.status = 'complete'
       ORDER BY r.id`,
    )
    .raw(true);
  const normalization = (json: string | null): StoredNormalization | null => {
    if (json === null) return null;
    const columns = JSON.parse(json) as (string | null)[];
    const values = {} as Record<CanonicalField, string | null>;
    const keys: Record<string, string | null> = {};
    let i = 0;
    for (const field of CANONICAL_FIELDS) values[field] = columns[i++] ?? null;
    for (const key of keyFields) keys[key] = columns[i++] ?? null;
    return { values, keys };
  };
  return (from, to) =>
    (statement.all(from, to) as [number, number, string, string | null, string, number, string | null][]).map(
      ([id, line, source, sourceId, raw, batchId, json]) => ({ id, line, source, sourceId, raw, batchId, normalized: normalization(json) }),
    );
}

/**
 * The day/month-order evidence import counted for a source's finished batches; undefined if a batch predates
 * that count (then normalize reads the rows to count it). When the batches disagree, only those that still
 * hold current records count: an old export whose rows were all replaced (the source switched to the other
 * order) no longer speaks for the source. That check reads records, so it is made only then.
 */
export function storedDateEvidence(db: Db, source: string): { dayFirst: number; monthFirst: number } | undefined {
  const batches = db
    .prepare("SELECT id, first_record_id AS firstRecordId, date_evidence AS evidence FROM batches WHERE source = ? AND status = 'complete'")
    .all(source) as { id: number; firstRecordId: number | null; evidence: string | null }[];
  if (batches.some((batch) => batch.evidence === null)) return undefined;
  const sum = (counted: typeof batches) => {
    const total = { dayFirst: 0, monthFirst: 0 };
    for (const { evidence } of counted) {
      const parsed = JSON.parse(evidence as string) as { dayFirst?: number; monthFirst?: number };
      total.dayFirst += parsed.dayFirst ?? 0;
      total.monthFirst += parsed.monthFirst ?? 0;
    }
    return total;
  };
  const total = sum(batches);
  if (total.dayFirst === 0 || total.monthFirst === 0 || batches.length < 2) return total;
  // A batch's records start at its first_record_id: scanning from there finds a current one at once if any.
  const current = db.prepare("SELECT 1 FROM records WHERE id >= ? AND batch_id = ? AND superseded_by IS NULL LIMIT 1");
  return sum(batches.filter((batch) => batch.firstRecordId !== null && current.get(batch.firstRecordId, batch.id) !== undefined));
}

/** Writes normalize results page by page; each page is one transaction. Findings of earlier runs are replaced. */
export class NormalizedWriter {
  private readonly writePage;

  constructor(db: Db, keyFields: readonly string[]) {
    const fields = NORMALIZED_FIELDS;
    const update = db.prepare(`UPDATE records SET ${fields.map((column) => `${column} = ?`).join(", ")} WHERE id = ?`);
    const keyColumns = ["record_id", ...keyFields, "normalized_at"];
    const upsertKeys = db.prepare(
      `INSERT OR REPLACE INTO record_keys (${keyColumns.join(", ")}) VALUES (${keyColumns.map(() => "?").join(", ")})`,
    );
    // Replacing earlier findings costs a delete per record: skipped for a page whose records have none. Checked
    // inside the page's write transaction, so a concurrent normalize cannot slip findings in between.
    const anyFindings = db.prepare("SELECT 1 FROM findings WHERE stage = 'normalize' AND record_id BETWEEN ? AND ? LIMIT 1");
    const clearFindings = db.prepare("DELETE FROM findings WHERE record_id = ? AND stage = 'normalize'");
    const insertFinding = db.prepare(
      "INSERT INTO findings (record_id, stage, field, rule, severity, message, suggestion) VALUES (?, 'normalize', ?, ?, ?, ?, ?)",
    );
    const values: (string | number | null)[] = new Array(fields.length + 1);
    const keys: (string | number | null)[] = new Array(keyColumns.length);
    this.writePage = db.transaction((rows: NormalizedRow[], now: string) => {
      const hadFindings =
        rows.length > 0 && anyFindings.get((rows[0] as NormalizedRow).id, (rows.at(-1) as NormalizedRow).id) !== undefined;
      for (const row of rows) {
        let i = 0;
        for (const field of fields) values[i++] = row.values[field] ?? null;
        values[i] = row.id;
        // An UPDATE rewrites the whole row even when nothing differs: skipping it makes nightly re-runs cheap.
        if (!row.valuesStored) update.run(values);
        let k = 0;
        keys[k++] = row.id;
        for (const key of keyFields) keys[k++] = row.keys[key] ?? null;
        keys[k] = now;
        if (!row.keysStored) upsertKeys.run(keys);
        if (hadFindings) clearFindings.run(row.id);
        for (const f of row.findings) insertFinding.run(row.id, f.field, f.rule, f.severity, f.message, f.suggestion ?? null);
      }
    }).immediate;
  }

  write(rows: NormalizedRow[], now: string): void {
    this.writePage(rows, now);
  }
}

/** Reading records for normalize and writing its results: canonical values, match keys and findings. */
import { CANONICAL_FIELDS } from "../fields/canonical.js";
import type { Finding } from "../stages/normalize/types.js";
import type { Db } from "./open.js";

export interface StoredRow {
  id: number;
  line: number;
  sourceId: string | null;
  raw: string;
  mapping: string;
  batchId: number;
}

export interface NormalizedRow {
  id: number;
  values: Record<string, string | null>;
  keys: Record<string, string | null>;
  findings: Finding[];
}

/** Sources with current records, optionally limited to some. */
export function currentSources(db: Db, only: readonly string[] = []): string[] {
  const rows = db.prepare("SELECT DISTINCT source FROM current_records ORDER BY source").all() as { source: string }[];
  return rows.map((r) => r.source).filter((source) => only.length === 0 || only.includes(source));
}

/**
 * Current records of a source in id order, a page at a time (keyset pagination: an open iterator would
 * keep the connection busy, and we write between pages). `+r.source` keeps SQLite on the primary key: with
 * the (source, record_key) index it re-scanned the whole source for every page.
 */
export function* pagesOfSource(db: Db, source: string, pageSize: number): Generator<StoredRow[]> {
  const page = db.prepare(
    `SELECT r.id, r.line, r.source_id AS sourceId, r.raw, b.mapping, b.id AS batchId FROM records r JOIN batches b ON b.id = r.batch_id
     WHERE +r.source = ? AND r.id > ? AND r.superseded_by IS NULL AND b.status = 'complete'
     ORDER BY r.id LIMIT ?`,
  );
  let after = 0;
  for (;;) {
    const rows = page.all(source, after, pageSize) as StoredRow[];
    if (rows.length === 0) return;
    yield rows;
    after = (rows.at(-1) as StoredRow).id;
  }
}

/**
 * The day/month-order evidence import counted for a source's finished batches; undefined if a batch predates
 * that count (then normalize reads the rows to count it).
 */
export function storedDateEvidence(db: Db, source: string): { dayFirst: number; monthFirst: number } | undefined {
  const rows = db.prepare("SELECT date_evidence AS evidence FROM batches WHERE source = ? AND status = 'complete'").all(source) as {
    evidence: string | null;
  }[];
  const total = { dayFirst: 0, monthFirst: 0 };
  for (const { evidence } of rows) {
    if (evidence === null) return undefined;
    const counted = JSON.parse(evidence) as { dayFirst?: number; monthFirst?: number };
    total.dayFirst += counted.dayFirst ?? 0;
    total.monthFirst += counted.monthFirst ?? 0;
  }
  return total;
}

export function countCurrent(db: Db, sources: readonly string[]): number {
  let total = 0;
  const count = db.prepare("SELECT count(*) AS n FROM current_records WHERE source = ?");
  for (const source of sources) total += (count.get(source) as { n: number }).n;
  return total;
}

/** Writes normalize results page by page; each page is one transaction. Findings of earlier runs are replaced. */
export class NormalizedWriter {
  private readonly writePage;

  constructor(db: Db, keyFields: readonly string[]) {
    const fields = CANONICAL_FIELDS.filter((f) => f !== "source_id");
    const columns = [...fields, ...keyFields, "normalized_at"];
    const update = db.prepare(`UPDATE records SET ${columns.map((column) => `${column} = ?`).join(", ")} WHERE id = ?`);
    // Replacing earlier findings costs a delete per record; skip it while this stage has never written any.
    const hadFindings = db.prepare("SELECT 1 FROM findings WHERE stage = 'normalize' LIMIT 1").get() !== undefined;
    const clearFindings = db.prepare("DELETE FROM findings WHERE record_id = ? AND stage = 'normalize'");
    const insertFinding = db.prepare(
      "INSERT INTO findings (record_id, stage, field, rule, severity, message, suggestion) VALUES (?, 'normalize', ?, ?, ?, ?, ?)",
    );
    const args: (string | number | null)[] = new Array(columns.length + 1);
    this.writePage = db.transaction((rows: NormalizedRow[], now: string) => {
      for (const row of rows) {
        let i = 0;
        for (const field of fields) args[i++] = row.values[field] ?? null;
        for (const key of keyFields) args[i++] = row.keys[key] ?? null;
        args[i++] = now;
        args[i] = row.id;
        update.run(args);
        if (hadFindings) clearFindings.run(row.id);
        for (const f of row.findings) insertFinding.run(row.id, f.field, f.rule, f.severity, f.message, f.suggestion ?? null);
      }
    }).immediate;
  }

  write(rows: NormalizedRow[], now: string): void {
    this.writePage(rows, now);
  }
}

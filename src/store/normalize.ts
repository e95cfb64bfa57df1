/** Writing normalize's results (canonical values, keys, findings), and what normalize and validate read of them. */
import { CANONICAL_FIELDS } from "../fields/canonical.js";
import type { Finding } from "../model/finding.js";
import type { Db } from "./open.js";

/** The canonical columns normalize rewrites: all but source_id, which identifies the record. */
export const NORMALIZED_FIELDS = CANONICAL_FIELDS.filter((field) => field !== "source_id");

/**
 * What normalize writes for a page of records: plain data, made in a worker thread and written by the main
 * thread. Columns rather than an object per record: cloning it across threads costs half as much.
 */
export interface NormalizedPage {
  /** Every record of the page, in id order. */
  ids: number[];
  /** Per record: whether its values are written (false: the store holds exactly these already, the row is left alone). */
  rewrite: boolean[];
  /** NORMALIZED_FIELDS.length values (in that order) for each record rewritten, one record after another. */
  values: (string | null)[];
  /** Per record: the keys as model/keys.ts's keysJson, or null when stored already (record_keys is left alone). */
  keys: (string | null)[];
  /** The findings of the records that have some, by index in `ids`. */
  findings: [index: number, findings: Finding[]][];
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

  constructor(db: Db) {
    const fields = NORMALIZED_FIELDS;
    const update = db.prepare(`UPDATE records SET ${fields.map((column) => `${column} = ?`).join(", ")} WHERE id = ?`);
    const upsertKeys = db.prepare("INSERT OR REPLACE INTO record_keys (record_id, keys, normalized_at) VALUES (?, ?, ?)");
    // Replacing earlier findings costs a delete per record: skipped for a page whose records have none. Checked
    // inside the page's write transaction, so a concurrent normalize cannot slip findings in between.
    const anyFindings = db.prepare("SELECT 1 FROM findings WHERE stage = 'normalize' AND record_id BETWEEN ? AND ? LIMIT 1");
    const clearFindings = db.prepare("DELETE FROM findings WHERE record_id = ? AND stage = 'normalize'");
    const insertFinding = db.prepare(
      "INSERT INTO findings (record_id, stage, field, rule, severity, message, suggestion) VALUES (?, 'normalize', ?, ?, ?, ?, ?)",
    );
    const bound: (string | number | null)[] = new Array(fields.length + 1);
    this.writePage = db.transaction((page: NormalizedPage, now: string) => {
      const { ids } = page;
      const hadFindings = ids.length > 0 && anyFindings.get(ids[0], ids.at(-1)) !== undefined;
      let next = 0; // the first value of the next record rewritten
      ids.forEach((id, i) => {
        // An UPDATE rewrites the whole row even when nothing differs: skipping it makes nightly re-runs cheap.
        if (page.rewrite[i]) {
          for (let f = 0; f < fields.length; f++) bound[f] = page.values[next++] ?? null;
          bound[fields.length] = id;
          update.run(bound);
        }
        const keys = page.keys[i];
        if (keys !== null && keys !== undefined) upsertKeys.run(id, keys, now);
        if (hadFindings) clearFindings.run(id);
      });
      for (const [i, findings] of page.findings) {
        const id = ids[i];
        for (const f of findings) insertFinding.run(id, f.field, f.rule, f.severity, f.message, f.suggestion ?? null);
      }
    }).immediate;
  }

  /** One transaction. */
  write(page: NormalizedPage, now: string): void {
    this.writePage(page, now);
  }
}

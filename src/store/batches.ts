/**
 * The batches table as a user sees it: listing the imports, removing one, and telling readers which batches
 * are unfinished. Removing a batch is one transaction: its rows are spliced out of their version chains (the
 * versions they superseded become current again), the batch it replaced is reinstated, and its rows, match
 * keys, findings, rejects and duplicate re-imports are deleted.
 */
import { hostname } from "node:os";
import type { BatchCounts } from "./imports.js";
import { isImportAlive } from "./imports.js";
import type { Db } from "./open.js";

export type BatchStatus = "importing" | "abandoned" | "complete" | "duplicate" | "replaced";

export interface BatchRow {
  id: number;
  source: string;
  /** Absolute path, or '-' for stdin. */
  path: string;
  sha256: string | null;
  format: string;
  encoding: string;
  delimiter: string | null;
  /** As stored, except an 'importing' batch whose process is gone: 'abandoned' (the next import rolls it back). */
  status: BatchStatus;
  duplicateOf: number | null;
  replaces: number | null;
  replacedBy: number | null;
  importedAt: string;
  finishedAt: string | null;
  counts: BatchCounts;
}

interface StoredBatch {
  id: number;
  source: string;
  path: string;
  sha256: string | null;
  format: string;
  encoding: string;
  delimiter: string | null;
  status: string;
  duplicate_of: number | null;
  replaces: number | null;
  replaced_by: number | null;
  pid: number;
  host: string;
  heartbeat: string;
  imported_at: string;
  finished_at: string | null;
  rows_read: number;
  rows_new: number;
  rows_changed: number;
  rows_unchanged: number;
  rows_rejected: number;
  first_record_id: number | null;
}

const SELECT_BATCH = `SELECT id, source, path, sha256, format, encoding, delimiter, status, duplicate_of, replaces, replaced_by, pid, host,
  coalesce(heartbeat_at, imported_at) AS heartbeat, imported_at, finished_at, rows_read, rows_new, rows_changed, rows_unchanged,
  rows_rejected, first_record_id FROM batches`;

function toRow(stored: StoredBatch, host: string): BatchRow {
  const importing = stored.status === "importing";
  return {
    id: stored.id,
    source: stored.source,
    path: stored.path,
    sha256: stored.sha256,
    format: stored.format,
    encoding: stored.encoding,
    delimiter: stored.delimiter,
    status: importing ? (isImportAlive(stored, host) ? "importing" : "abandoned") : (stored.status as BatchStatus),
    duplicateOf: stored.duplicate_of,
    replaces: stored.replaces,
    replacedBy: stored.replaced_by,
    importedAt: stored.imported_at,
    finishedAt: stored.finished_at,
    counts: {
      read: stored.rows_read,
      new: stored.rows_new,
      changed: stored.rows_changed,
      unchanged: stored.rows_unchanged,
      rejected: stored.rows_rejected,
    },
  };
}

/** Every batch in id order (import order), optionally of one source. */
export function listBatches(db: Db, source?: string): BatchRow[] {
  const rows = (
    source === undefined
      ? db.prepare(`${SELECT_BATCH} ORDER BY id`).all()
      : db.prepare(`${SELECT_BATCH} WHERE source = ? ORDER BY id`).all(source)
  ) as StoredBatch[];
  const host = hostname();
  return rows.map((row) => toRow(row, host));
}

/** Batches not (yet) complete, which readers of current records skip: still importing, or left by a killed import. */
export function unfinishedBatches(db: Db, sources?: readonly string[]): BatchRow[] {
  const host = hostname();
  return (db.prepare(`${SELECT_BATCH} WHERE status = 'importing' ORDER BY id`).all() as StoredBatch[])
    .filter((row) => sources === undefined || sources.length === 0 || sources.includes(row.source))
    .map((row) => toRow(row, host));
}

/** For validate's and normalize's warnings: `what` is what did not happen to the rows ("checked", "normalized"). */
export function describeUnfinished(batch: BatchRow, what: string): string {
  const file = batch.path === "-" ? "stdin" : batch.path;
  const state =
    batch.status === "importing"
      ? "is still being imported"
      : "is unfinished (abandoned by an import that was killed; the next import rolls it back)";
  return `batch ${batch.id} of source ${batch.source} (${file}) ${state}: its rows are not ${what}`;
}

export type RemoveOutcome =
  | { kind: "unknown" }
  | { kind: "busy"; importing: BatchRow }
  | {
      kind: "removed";
      batch: BatchRow;
      records: number;
      rejects: number;
      findings: number;
      /** Duplicate re-imports of it: batch rows without records of their own, removed with it. */
      duplicates: number[];
      /** The batch it had replaced, current again. */
      reinstated: number | undefined;
      /** Records of other batches that are current again (the versions it superseded, a reinstated batch's). */
      currentAgain: number;
    };

/**
 * Remove a batch in one BEGIN IMMEDIATE transaction. Refused while an import into the same source runs: that
 * import compares its rows with the source's current ones (an unchanged row is not stored again) and links
 * its versions to them when it completes, so removing rows under it would lose values.
 */
export function removeBatch(db: Db, id: number): RemoveOutcome {
  return db
    .transaction((): RemoveOutcome => {
      const host = hostname();
      const stored = db.prepare(`${SELECT_BATCH} WHERE id = ?`).get(id) as StoredBatch | undefined;
      if (!stored) return { kind: "unknown" };
      const batch = toRow(stored, host);
      const importing = unfinishedBatches(db, [batch.source]).find((b) => b.status === "importing");
      if (importing) return { kind: "busy", importing };

      const currentBefore = countCurrent(db, batch.source);
      const first = stored.first_record_id ?? Number.MAX_SAFE_INTEGER;
      const rows = "SELECT id FROM records WHERE id >= ? AND batch_id = ?";
      const ownCurrent = db
        .prepare(`SELECT count(*) FROM records r JOIN batches b ON b.id = r.batch_id AND b.status = 'complete'
                WHERE r.id >= ? AND r.batch_id = ? AND r.superseded_by IS NULL`)
        .pluck()
        .get(first, id) as number;
      // Their customers' rows go; the versions they superseded, current again, still have theirs (merge keeps a
      // row for every version it assigned), so the next merge gives them back their customer.
      db.prepare(`DELETE FROM customer_records WHERE record_id IN (${rows})`).run(first, id);
      // Splice the rows out of their version chains: a row's older versions now point at its successor (none if
      // it was current: they are current again), and its successors at its predecessor.
      db.prepare(
        `UPDATE records SET superseded_by = (SELECT x.superseded_by FROM records x WHERE x.id = records.superseded_by)
       WHERE superseded_by IS NOT NULL AND superseded_by IN (${rows})`,
      ).run(first, id);
      db.prepare(
        `UPDATE records SET supersedes = (SELECT x.supersedes FROM records x WHERE x.id = records.supersedes)
       WHERE supersedes IS NOT NULL AND supersedes IN (${rows})`,
      ).run(first, id);
      const findings = db.prepare(`DELETE FROM findings WHERE record_id IN (${rows})`).run(first, id).changes;
      db.prepare(`DELETE FROM record_keys WHERE record_id IN (${rows})`).run(first, id);
      // What dedupe stored of these rows goes with them: their pairs and clusters. The records they were paired
      // with get a fingerprint no record has (-1), so the next dedupe scores them again and rebuilds their
      // clusters from the pairs that remain (a chain through a removed record comes apart).
      db.prepare(
        `UPDATE dedupe_records SET fingerprint = -1 WHERE record_id IN
           (SELECT record_b FROM pairs WHERE record_a IN (${rows}) UNION SELECT record_a FROM pairs WHERE record_b IN (${rows}))`,
      ).run(first, id, first, id);
      db.prepare(`DELETE FROM pairs WHERE record_a IN (${rows}) OR record_b IN (${rows})`).run(first, id, first, id);
      db.prepare(`DELETE FROM dedupe_records WHERE record_id IN (${rows})`).run(first, id);
      db.prepare("DELETE FROM dedupe_index").run(); // made again by the next dedupe, which reads every record
      const records = db.prepare("DELETE FROM records WHERE id >= ? AND batch_id = ?").run(first, id).changes;
      const rejects = db.prepare("DELETE FROM rejects WHERE batch_id = ?").run(id).changes;
      const duplicates = db.prepare("SELECT id FROM batches WHERE duplicate_of = ? ORDER BY id").pluck().all(id) as number[];
      db.prepare("DELETE FROM batches WHERE duplicate_of = ?").run(id);

      // The batch it replaced: current again, unless this one had itself been replaced (the file read a third
      // way), whose re-read then takes over the link.
      const replaced = db.prepare("SELECT id FROM batches WHERE replaced_by = ? AND status = 'replaced'").pluck().get(id) as
        | number
        | undefined;
      let reinstated: number | undefined;
      if (replaced !== undefined && stored.replaced_by !== null) {
        db.prepare("UPDATE batches SET replaced_by = ? WHERE id = ?").run(stored.replaced_by, replaced);
        db.prepare("UPDATE batches SET replaces = ? WHERE id = ?").run(replaced, stored.replaced_by);
      } else if (replaced !== undefined) {
        reinstate(db, replaced);
        reinstated = replaced;
      }
      db.prepare("UPDATE batches SET replaced_by = NULL WHERE replaced_by = ?").run(id);
      db.prepare("UPDATE batches SET replaces = NULL WHERE replaces = ?").run(id);
      db.prepare("DELETE FROM batches WHERE id = ?").run(id);
      const currentAgain = countCurrent(db, batch.source) - (currentBefore - ownCurrent);
      return { kind: "removed", batch, records, rejects, findings, duplicates, reinstated, currentAgain };
    })
    .immediate();
}

function countCurrent(db: Db, source: string): number {
  return db
    .prepare(
      `SELECT count(*) FROM records r JOIN batches b ON b.id = r.batch_id AND b.status = 'complete'
       WHERE r.source = ? AND r.superseded_by IS NULL`,
    )
    .pluck()
    .get(source) as number;
}

/**
 * A replaced batch becomes current again, its rows taking their place in their version chains by id (import
 * order): a row with a newer current version in another batch is superseded by it, and supersedes the older
 * current versions. Its match keys and findings went when it was replaced: normalize derives them again.
 */
function reinstate(db: Db, batchId: number): void {
  db.prepare("UPDATE batches SET status = 'complete', replaced_by = NULL WHERE id = ?").run(batchId);
  const first = db.prepare("SELECT first_record_id FROM batches WHERE id = ?").pluck().get(batchId) as number | null;
  if (first === null) return;
  const newer = `SELECT max(n.id) FROM records n JOIN batches b ON b.id = n.batch_id AND b.status = 'complete'
    WHERE n.source = records.source AND n.record_key = records.record_key AND n.id > records.id AND n.superseded_by IS NULL
      AND n.batch_id <> records.batch_id`;
  db.prepare(`UPDATE records SET superseded_by = (${newer}) WHERE id >= ? AND batch_id = ? AND superseded_by IS NULL`).run(first, batchId);
  db.prepare(
    `UPDATE records SET superseded_by = r.id
     FROM (SELECT id, source, record_key FROM records WHERE id >= ? AND batch_id = ? AND superseded_by IS NULL) AS r
     WHERE records.source = r.source AND records.record_key = r.record_key AND records.id < r.id AND records.superseded_by IS NULL
       AND records.batch_id <> ? AND records.batch_id IN (SELECT id FROM batches WHERE status = 'complete')`,
  ).run(first, batchId, batchId);
}

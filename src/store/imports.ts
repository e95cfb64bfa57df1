/**
 * Writing an import into the store. A batch is written in chunks, each its own BEGIN IMMEDIATE
 * transaction, so a long import neither holds the write lock for minutes nor keeps everything in memory.
 * The batch stays 'importing' until its last chunk; a batch left 'importing' by a process that no longer
 * exists (killed) is rolled back by the next import, so a partial batch never survives.
 *
 * A re-read (the same bytes read with other options) replaces a batch: its rows are compared with the
 * store as it was before that batch, and only its final transaction marks the old batch 'replaced', so the
 * old batch stays current while the re-read runs and after a killed one.
 */
import { hostname } from "node:os";
import { CANONICAL_FIELDS } from "../fields/canonical.js";
import { storedMapping } from "../fields/raw.js";
import type { Db } from "./open.js";
import { WriteTurns } from "./write-turns.js";

export interface RecordRow {
  line: number;
  /** Canonical values in CANONICAL_FIELDS order (source_id first), trimmed, null when empty. */
  values: (string | null)[];
  raw: string;
  recordKey: string;
  attributes: string | null;
}

export interface RejectRow {
  line: number;
  raw: string;
  reason: string;
}

export interface BatchCounts {
  read: number;
  new: number;
  changed: number;
  unchanged: number;
  rejected: number;
}

export interface BatchStart {
  source: string;
  path: string;
  sha256: string | undefined;
  format: string;
  encoding: string;
  delimiter: string | undefined;
  /** The batch this import re-reads and, once complete, replaces. */
  replaces?: number | undefined;
}

const RECORD_COLUMNS = ["batch_id", "source", "record_key", "line", "raw", ...CANONICAL_FIELDS, "attributes", "supersedes"];
/** A chunk is committed after this long even if it is not full, so slow inputs keep their heartbeat fresh. */
const CHUNK_MS = 5000;

/**
 * The batch a re-read replaces leaves the current versions: the rows it superseded become current again (the
 * re-read's final transaction then links its own newer versions to them), and it is marked 'replaced'. Its
 * rows stay (raw input is never dropped) but lose their match keys and findings: those were derived from the
 * rows as misread, and would otherwise count in every query of findings; normalize derives them again if
 * `batches rm` makes the batch current again.
 */
function unlinkReplaced(db: Db, replaced: number, by: number): void {
  const first = db.prepare("SELECT first_record_id FROM batches WHERE id = ?").pluck().get(replaced) as number | null | undefined;
  if (first !== null && first !== undefined) {
    const rows = "SELECT id FROM records WHERE id >= ? AND batch_id = ?";
    // Spliced rather than cleared: a row of the batch already superseded by a concurrent import's newer version
    // hands that version on, so its predecessor does not become current beside it.
    db.prepare(
      `UPDATE records SET superseded_by = (SELECT x.superseded_by FROM records x WHERE x.id = records.superseded_by)
       WHERE superseded_by IS NOT NULL AND superseded_by IN (${rows})`,
    ).run(first, replaced);
    db.prepare(`DELETE FROM findings WHERE record_id IN (${rows})`).run(first, replaced);
    db.prepare(`DELETE FROM record_keys WHERE record_id IN (${rows})`).run(first, replaced);
  }
  db.prepare("UPDATE batches SET status = 'replaced', replaced_by = ? WHERE id = ? AND status = 'complete'").run(by, replaced);
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Roll back batches whose importer died on this host. Returns how many were removed. */
/** A batch from another host whose heartbeat is older than this was abandoned (its process cannot be asked). */
export const FOREIGN_BATCH_TIMEOUT_MS = 5 * 60_000;

export function rollBackAbandonedBatches(db: Db): number {
  const host = hostname();
  const running = db
    .prepare("SELECT id, pid, host, coalesce(heartbeat_at, imported_at) AS heartbeat FROM batches WHERE status = 'importing'")
    .all() as {
    id: number;
    pid: number;
    host: string;
    heartbeat: string;
  }[];
  let removed = 0;
  for (const batch of running) {
    if (isImportAlive(batch, host)) continue;
    db.transaction(() => deleteBatch(db, batch.id)).immediate();
    removed++;
  }
  return removed;
}

function deleteBatch(db: Db, batchId: number): void {
  const batch = db.prepare("SELECT first_record_id FROM batches WHERE id = ?").get(batchId) as
    | { first_record_id: number | null }
    | undefined;
  if (!batch) return;
  if (batch.first_record_id !== null) {
    const first = batch.first_record_id;
    db.prepare("DELETE FROM findings WHERE record_id IN (SELECT id FROM records WHERE id >= ? AND batch_id = ?)").run(first, batchId);
    db.prepare("DELETE FROM record_keys WHERE record_id IN (SELECT id FROM records WHERE id >= ? AND batch_id = ?)").run(first, batchId);
    db.prepare("DELETE FROM records WHERE id >= ? AND batch_id = ?").run(first, batchId);
  }
  db.prepare("DELETE FROM rejects WHERE batch_id = ?").run(batchId);
  db.prepare("UPDATE batches SET duplicate_of = NULL WHERE duplicate_of = ?").run(batchId);
  db.prepare("DELETE FROM batches WHERE id = ?").run(batchId);
}

/** The source's latest finished import, as a re-import of the same bytes compares itself with it. */
export interface PreviousImport {
  id: number;
  importedAt: string;
  counts: BatchCounts;
  /** The effective reading options it recorded: what a re-read with other options would change. */
  format: string;
  encoding: string;
  delimiter: string | undefined;
  mapping: ReadonlyMap<string, string>;
}

/**
 * The source's latest finished import, when it had these very bytes: importing them again the same way adds
 * nothing, and reading them another way replaces it. An older import of the same bytes does not count:
 * re-importing a reverted export must restore its values.
 */
export function findSameFileImport(db: Db, source: string, sha256: string): PreviousImport | undefined {
  const latest = db
    .prepare(
      `SELECT id, sha256, imported_at AS importedAt, format, encoding, delimiter, mapping, rows_read AS read, rows_new AS new,
         rows_changed AS changed, rows_unchanged AS unchanged, rows_rejected AS rejected
       FROM batches WHERE source = ? AND status = 'complete' ORDER BY id DESC LIMIT 1`,
    )
    .get(source) as
    | (BatchCounts & {
        id: number;
        importedAt: string;
        sha256: string | null;
        format: string;
        encoding: string;
        delimiter: string | null;
        mapping: string | null;
      })
    | undefined;
  if (!latest || latest.sha256 !== sha256) return undefined;
  const { read, new: added, changed, unchanged, rejected } = latest;
  return {
    id: latest.id,
    importedAt: latest.importedAt,
    counts: { read, new: added, changed, unchanged, rejected },
    format: latest.format,
    encoding: latest.encoding,
    delimiter: latest.delimiter ?? undefined,
    mapping: storedMapping(latest.mapping).fields,
  };
}

/** Same host: ask the process. Another host: trust the heartbeat, refreshed at least every minute. */
export function isImportAlive(batch: { pid: number; host: string; heartbeat: string }, host: string): boolean {
  if (batch.host === host) return isProcessAlive(batch.pid);
  return Date.now() - Date.parse(batch.heartbeat) < FOREIGN_BATCH_TIMEOUT_MS;
}

/** A live import of the same bytes into the same source (another process), if any. */
export function findRunningImport(db: Db, source: string, sha256: string): { id: number; pid: number } | undefined {
  const rows = db
    .prepare(
      "SELECT id, pid, host, coalesce(heartbeat_at, imported_at) AS heartbeat FROM batches WHERE sha256 = ? AND source = ? AND status = 'importing'",
    )
    .all(sha256, source) as { id: number; pid: number; host: string; heartbeat: string }[];
  return rows.find((row) => isImportAlive(row, hostname()));
}

/**
 * One batches row (every import is one): 'importing' for a new import, or, given the import it repeats,
 * 'duplicate' pointing at it, with that import's counts (a duplicate reads nothing of its own).
 */
export function insertBatch(db: Db, start: BatchStart, previous?: PreviousImport): number {
  const now = new Date().toISOString();
  const counts = previous?.counts ?? { read: 0, new: 0, changed: 0, unchanged: 0, rejected: 0 };
  const result = db
    .prepare(
      `INSERT INTO batches (source, path, sha256, format, encoding, delimiter, status, duplicate_of, replaces, pid, host,
         imported_at, finished_at, rows_read, rows_new, rows_changed, rows_unchanged, rows_rejected)
       VALUES (@source, @path, @sha256, @format, @encoding, @delimiter, @status, @duplicateOf, @replaces, @pid, @host,
         @now, @finishedAt, @read, @new, @changed, @unchanged, @rejected)`,
    )
    .run({
      source: start.source,
      path: start.path,
      sha256: start.sha256 ?? null,
      format: start.format,
      encoding: start.encoding,
      delimiter: start.delimiter ?? null,
      status: previous ? "duplicate" : "importing",
      duplicateOf: previous?.id ?? null,
      replaces: start.replaces ?? null,
      pid: process.pid,
      host: hostname(),
      now,
      finishedAt: previous ? now : null,
      ...counts,
    });
  return Number(result.lastInsertRowid);
}

/**
 * Writes one batch. Rows are written as they arrive, inside a BEGIN IMMEDIATE transaction that commits every
 * `chunkRows` rows: nothing is queued in memory (constant memory, and short-lived garbage is cheap to collect),
 * and a concurrent importer gets the lock between chunks.
 */
export class BatchWriter {
  readonly batchId: number;
  readonly counts: BatchCounts = { read: 0, new: 0, changed: 0, unchanged: 0, rejected: 0 };
  private rowsInChunk = 0;
  private chunkStarted = 0;
  private firstRecordId: number | null = null;
  /** No current rows of this source existed before: every row is new and lookups are skipped (fast path). */
  private readonly fresh: boolean;
  private readonly insertRecord;
  private readonly insertReject;
  private readonly findCurrent;
  private readonly linkVersions;
  private readonly updateCounts;
  /** The batch this one replaces, or its own id (a condition that excludes nothing more). */
  private readonly replaces: number;
  private readonly turns: WriteTurns;
  private readonly commit;

  constructor(
    private readonly db: Db,
    private readonly start: BatchStart,
    private readonly chunkRows: number,
    storePath: string,
    busyTimeoutMs: number,
  ) {
    this.turns = new WriteTurns(db, storePath, busyTimeoutMs);
    this.turns.beginWrite();
    this.fresh =
      start.replaces === undefined
        ? db.prepare("SELECT 1 FROM records WHERE source = ? AND superseded_by IS NULL LIMIT 1").get(start.source) === undefined
        : db.prepare("SELECT 1 FROM records WHERE source = ? AND batch_id <> ? LIMIT 1").get(start.source, start.replaces) === undefined;
    this.batchId = insertBatch(db, start);
    this.replaces = start.replaces ?? this.batchId;
    db.prepare("COMMIT").run();
    this.insertRecord = db.prepare(
      `INSERT INTO records (${RECORD_COLUMNS.join(", ")}) VALUES (${RECORD_COLUMNS.map(() => "?").join(", ")})`,
    );
    this.insertReject = db.prepare("INSERT INTO rejects (batch_id, line, raw, reason) VALUES (?, ?, ?, ?)");
    // Current versions from finished imports only: a concurrent import's rows may yet be rolled back. A re-read
    // compares with the store as it was before the batch it replaces: that batch's rows do not count, and the
    // rows they superseded do.
    this.findCurrent = db.prepare(
      `SELECT r.id, r.raw FROM records r JOIN batches b ON b.id = r.batch_id AND b.status = 'complete'
       WHERE r.source = ? AND r.record_key = ? AND r.batch_id <> ? AND r.batch_id <> ?
         AND (r.superseded_by IS NULL OR EXISTS (SELECT 1 FROM records s WHERE s.id = r.superseded_by AND s.batch_id = ?))`,
    );
    // Run in the batch's final transaction: older versions are marked superseded only when the new ones are
    // complete, so a running or killed re-import never hides a row from current_records.
    this.linkVersions = db.prepare(
      `UPDATE records SET superseded_by = n.id
       FROM (SELECT id, record_key FROM records WHERE id >= ? AND batch_id = ? AND supersedes IS NOT NULL) AS n
       WHERE records.source = ? AND records.record_key = n.record_key AND records.batch_id <> ? AND records.batch_id <> ?
         AND records.superseded_by IS NULL`,
    );
    this.commit = db.prepare("COMMIT");
    this.updateCounts = db.prepare(
      `UPDATE batches SET rows_read = ?, rows_new = ?, rows_changed = ?, rows_unchanged = ?, rows_rejected = ?,
         first_record_id = coalesce(first_record_id, ?), heartbeat_at = ? WHERE id = ?`,
    );
  }

  add(row: RecordRow): void {
    this.beginChunk();
    const { counts } = this;
    counts.read++;
    let previous: { id: number; raw: string }[] = [];
    if (!this.fresh) {
      previous = this.findCurrent.all(this.start.source, row.recordKey, this.batchId, this.replaces, this.replaces) as {
        id: number;
        raw: string;
      }[];
      if (previous.some((p) => p.raw === row.raw)) {
        counts.unchanged++;
        this.endRow();
        return;
      }
    }
    const supersedes = previous[0]?.id ?? null;
    const id = Number(
      this.insertRecord.run(this.batchId, this.start.source, row.recordKey, row.line, row.raw, ...row.values, row.attributes, supersedes)
        .lastInsertRowid,
    );
    if (this.firstRecordId === null) this.firstRecordId = id;
    if (supersedes !== null) {
      counts.changed++;
    } else {
      counts.new++;
    }
    this.endRow();
  }

  addReject(row: RejectRow): void {
    this.beginChunk();
    this.counts.read++;
    this.counts.rejected++;
    this.insertReject.run(this.batchId, row.line, row.raw, row.reason);
    this.endRow();
  }

  /**
   * Commit what is written, link changed rows to the versions they replace, and mark the batch complete with
   * its column mapping, date evidence and (for stdin, known only now) sha256; a re-read also marks the batch
   * it replaces, whose rows' older versions are current again unless this batch has newer ones. One transaction.
   * `mapping` is JSON text (fields/mapping.ts, mappingJson) whose key order is the order of precedence.
   */
  finish(mapping: string, dateEvidence: unknown, sha256: string): void {
    this.beginChunk();
    this.writeCounts();
    if (this.replaces !== this.batchId) unlinkReplaced(this.db, this.replaces, this.batchId);
    if (this.firstRecordId !== null && this.counts.changed > 0) {
      this.linkVersions.run(this.firstRecordId, this.batchId, this.start.source, this.batchId, this.replaces);
    }
    this.db
      .prepare(
        "UPDATE batches SET status = 'complete', finished_at = ?, mapping = ?, date_evidence = ?, sha256 = coalesce(sha256, ?) WHERE id = ?",
      )
      .run(new Date().toISOString(), mapping, JSON.stringify(dateEvidence), sha256 || null, this.batchId);
    this.commit.run();
  }

  /** Refresh the heartbeat while the input is slow (called on a timer); a failure to get the lock is harmless. */
  heartbeat(): void {
    try {
      this.writeCounts();
    } catch {
      // another writer holds the lock right now: the next beat will do
    }
  }

  /** Remove everything this batch wrote (a whole-file failure mid-way: never half-write). */
  abort(): void {
    if (this.db.inTransaction) this.db.prepare("ROLLBACK").run();
    this.db.transaction(() => deleteBatch(this.db, this.batchId)).immediate();
  }

  private beginChunk(): void {
    if (this.db.inTransaction) return;
    this.turns.beginWrite();
    this.chunkStarted = Date.now();
  }

  private endRow(): void {
    ++this.rowsInChunk;
    if (this.rowsInChunk < this.chunkRows && (this.rowsInChunk % 256 !== 0 || Date.now() - this.chunkStarted < CHUNK_MS)) return;
    this.writeCounts();
    this.commit.run();
    this.rowsInChunk = 0;
    this.turns.afterCommit();
  }

  private writeCounts(): void {
    const { counts } = this;
    this.updateCounts.run(
      counts.read,
      counts.new,
      counts.changed,
      counts.unchanged,
      counts.rejected,
      this.firstRecordId,
      new Date().toISOString(),
      this.batchId,
    );
  }
}

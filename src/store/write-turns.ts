/**
 * Taking turns with other writers of the same store. SQLite's busy handler waits by polling with back-off
 * (up to 100 ms between tries), so an importer that commits a chunk and at once begins the next can keep
 * another process waiting until its busy timeout runs out. A writer that has to wait announces itself in
 * `<store>-waiting`; a writer that sees a fresh announcement after committing steps aside for a moment.
 */
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { Db } from "./open.js";

const POLL_MS = 50;
const STEP_ASIDE_MS = 150;
const FRESH_MS = 2000;

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Block this thread for `ms` (a turn's pause is short, and the writer has nothing else to do meanwhile). */
export function pauseMs(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}

export function isBusy(error: unknown): boolean {
  return String((error as { code?: unknown }).code ?? "").startsWith("SQLITE_BUSY");
}

export class WriteTurns {
  private readonly marker: string;
  private readonly begin;

  constructor(
    private readonly db: Db,
    storePath: string,
    private readonly busyTimeoutMs: number,
  ) {
    this.marker = `${storePath}-waiting`;
    this.begin = db.prepare("BEGIN IMMEDIATE");
  }

  /** BEGIN IMMEDIATE, announcing ourselves while we wait; gives up (SQLITE_BUSY) after the busy timeout. */
  beginWrite(): void {
    const deadline = Date.now() + this.busyTimeoutMs;
    this.db.pragma(`busy_timeout = ${POLL_MS}`);
    try {
      for (;;) {
        try {
          this.begin.run();
          return;
        } catch (error) {
          if (!isBusy(error) || Date.now() >= deadline) throw error;
          this.announce();
        }
      }
    } finally {
      this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
      this.withdraw();
    }
  }

  /** After a commit: if another process is waiting for the lock, let it have a turn. */
  afterCommit(): void {
    if (this.othersWaiting()) pauseMs(STEP_ASIDE_MS);
  }

  private announce(): void {
    try {
      writeFileSync(this.marker, String(process.pid), { mode: 0o600 });
    } catch {
      // a read-only directory: we simply wait without announcing
    }
  }

  private withdraw(): void {
    try {
      if (readFileSync(this.marker, "utf8") === String(process.pid)) rmSync(this.marker, { force: true });
    } catch {
      // no marker: nothing to withdraw
    }
  }

  private othersWaiting(): boolean {
    try {
      const fresh = Date.now() - statSync(this.marker).mtimeMs < FRESH_MS;
      return fresh && readFileSync(this.marker, "utf8") !== String(process.pid);
    } catch {
      return false;
    }
  }
}

/**
 * One short write (an audit line, a schema upgrade) in its own transaction, taking turns like an importer's
 * chunks: with the plain busy handler, a process waiting for the lock while another imports chunk after chunk
 * could wait past its timeout (a second import finishing first, or opening the store the first one just made).
 * Inside a transaction already, `write` just runs in it.
 */
export function writeInTurn<T>(db: Db, write: () => T): T {
  if (db.inTransaction) return write();
  const busyTimeoutMs = db.pragma("busy_timeout", { simple: true }) as number;
  const turns = new WriteTurns(db, db.name, busyTimeoutMs);
  turns.beginWrite();
  try {
    const result = write();
    db.exec("COMMIT");
    turns.afterCommit();
    return result;
  } catch (error) {
    if (db.inTransaction) db.exec("ROLLBACK");
    throw error;
  }
}

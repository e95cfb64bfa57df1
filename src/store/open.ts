/**
 * Opening the store: created on first write with mode 0600, WAL, a busy timeout, and migrated to the
 * current schema. Every failure becomes a StoreError (exit 4) that says what to do. A store is marked with
 * roster's PRAGMA application_id, and any other application's database is refused before anything is
 * written to it (not even WAL mode).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { StoreError } from "../errors.js";
import { toStoreError } from "./errors.js";
import { MIGRATIONS, type Migration, SCHEMA_VERSION } from "./schema.js";
import { isBusy, pauseMs, writeInTurn } from "./write-turns.js";

export type Db = Database.Database;

export interface OpenOptions {
  /** Create the file if it does not exist (writers); readers get an error instead. */
  create: boolean;
  busyTimeoutMs: number;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

/** PRAGMA application_id of a roster store: "ROST" in ASCII (`file` and sqlite3's .dbinfo show it). */
export const ROSTER_APPLICATION_ID = 0x524f5354;
/** The tables every roster store has had since schema 1: with a user_version, they tell an unmarked older store. */
const ROSTER_TABLES = ["batches", "records", "rejects", "audit_log"];

export interface OpenedStore {
  db: Db;
  path: string;
  created: boolean;
  /** Schema version before this open (0 for a new store). */
  migratedFrom: number;
}

export function openStore(storePath: string, options: OpenOptions): OpenedStore {
  const path = resolve(storePath);
  const created = !existsSync(path);
  if (created) {
    if (!options.create) throw new StoreError(`no store at ${path}`, "create one with `roster init` or `roster import FILE`");
    createEmptyFile(path);
  } else {
    checkIsSqlite(path);
  }
  let db: Db | undefined;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs });
    const marked = checkIsRosterStore(db, path);
    enableWal(db, options.busyTimeoutMs);
    // NORMAL is durable against a killed process in WAL mode; only a power cut may lose the last commit.
    db.pragma("synchronous = NORMAL");
    const migratedFrom = migrate(db, path, marked);
    db.pragma("foreign_keys = ON");
    return { db, path, created, migratedFrom };
  } catch (error) {
    db?.close();
    throw toStoreError(error, path) ?? error;
  }
}

/**
 * Switch the store to WAL (a no-op once it is). A new store starts in rollback mode, where two processes opening
 * it at the same moment can deadlock on the switch: each holds a shared lock and wants the exclusive one, and
 * SQLite answers one of them SQLITE_BUSY at once instead of calling the busy handler. That one simply tries again.
 */
function enableWal(db: Db, busyTimeoutMs: number): void {
  const deadline = Date.now() + busyTimeoutMs;
  for (;;) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      pauseMs(10 + Math.floor(Math.random() * 20));
    }
  }
}

function createEmptyFile(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir))
    throw new StoreError(`cannot create store ${path}: directory ${dir} does not exist`, "create the directory or use --store");
  try {
    // SQLite treats an empty file as a new database; creating it ourselves sets the mode, which SQLite copies
    // to the -wal and -shm files. Customer data is personal data: owner only.
    closeSync(openSync(path, "wx", 0o600));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return; // another process created it first: fine
    if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
      throw new StoreError(
        `cannot create store ${path}: permission denied in ${dir}`,
        "use a writable directory with --store or ROSTER_STORE",
      );
    }
    throw new StoreError(`cannot create store ${path}: ${(error as Error).message}`);
  }
}

const SQLITE_MAGIC = "SQLite format 3\u0000";

function checkIsSqlite(path: string): void {
  let fd: number;
  try {
    if (statSync(path).isDirectory()) throw new StoreError(`store ${path} is a directory`, "point --store at a file");
    fd = openSync(path, "r");
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot read store ${path}: ${(error as Error).message}`, "check the file's permissions");
  }
  try {
    const head = Buffer.alloc(16);
    const bytesRead = readSync(fd, head, 0, 16, 0);
    if (bytesRead === 0) return; // empty: a store whose creation was interrupted; SQLite initialises it
    if (head.toString("latin1", 0, bytesRead) !== SQLITE_MAGIC) {
      throw new StoreError(
        `${path} is not a roster store (not an SQLite database)`,
        "point --store at a roster store, or move the file away",
      );
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether the database is roster's: marked with its application_id, empty (a new store), or an older roster
 * store from before the mark (roster's tables and a schema version; marked by migrate). Anything else, such
 * as another application's file passed to --store by mistake, is refused untouched. Returns whether it is marked.
 */
function checkIsRosterStore(db: Db, path: string): boolean {
  const applicationId = db.pragma("application_id", { simple: true }) as number;
  if (applicationId === ROSTER_APPLICATION_ID) return true;
  const hint = "point --store (or ROSTER_STORE) at a roster store, or at a new file to create one";
  if (applicationId !== 0) {
    throw new StoreError(
      `${path} is not a roster store: it is another application's SQLite database (application_id 0x${applicationId.toString(16)})`,
      hint,
    );
  }
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  if (tables.length === 0) return false;
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version >= 1 && ROSTER_TABLES.every((table) => tables.includes(table))) return false;
  const shown = tables.length > 5 ? `${tables.slice(0, 5).join(", ")}, …` : tables.join(", ");
  throw new StoreError(`${path} is not a roster store: it is an SQLite database with other tables (${shown})`, hint);
}

function migrate(db: Db, path: string, marked: boolean): number {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      `store ${path} has schema version ${version}, newer than this roster understands (${SCHEMA_VERSION})`,
      "upgrade roster to the version that wrote this store",
    );
  }
  // The mark is read again too: a concurrent first import may have created and marked the store since the check
  // (then there is nothing to do, and waiting for its write lock here would compete with its every chunk).
  const markedNow = marked || (db.pragma("application_id", { simple: true }) as number) === ROSTER_APPLICATION_ID;
  if (version === SCHEMA_VERSION && markedNow) return version;
  // Rebuilding a table (a changed constraint) needs foreign keys off, and the pragma is ignored inside a
  // transaction; the keys are checked before the commit instead.
  db.pragma("foreign_keys = OFF");
  writeInTurn(db, () => {
    // Re-read inside the write lock: a concurrent process may have migrated meanwhile.
    const current = db.pragma("user_version", { simple: true }) as number;
    for (let v = current; v < SCHEMA_VERSION; v++) {
      const migration = MIGRATIONS[v] as Migration;
      if (typeof migration === "string") db.exec(migration);
      else migration(db);
    }
    const broken = db.pragma("foreign_key_check") as { table: string }[];
    if (broken.length > 0) throw new StoreError(`store ${path}: upgrading it would break references from ${broken[0]?.table}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    db.pragma(`application_id = ${ROSTER_APPLICATION_ID}`);
  });
  return version;
}

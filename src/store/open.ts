/**
 * Opening the store: created on first write with mode 0600, WAL, a busy timeout, and migrated to the
 * current schema. Every failure becomes a StoreError (exit 4) that says what to do.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { StoreError } from "../errors.js";
import { toStoreError } from "./errors.js";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.js";

export type Db = Database.Database;

export interface OpenOptions {
  /** Create the file if it does not exist (writers); readers get an error instead. */
  create: boolean;
  busyTimeoutMs: number;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

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
    db.pragma("journal_mode = WAL");
    // NORMAL is durable against a killed process in WAL mode; only a power cut may lose the last commit.
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    const migratedFrom = migrate(db, path);
    return { db, path, created, migratedFrom };
  } catch (error) {
    db?.close();
    throw toStoreError(error, path) ?? error;
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

function migrate(db: Db, path: string): number {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      `store ${path} has schema version ${version}, newer than this roster understands (${SCHEMA_VERSION})`,
      "upgrade roster to the version that wrote this store",
    );
  }
  if (version === SCHEMA_VERSION) return version;
  db.transaction(() => {
    // Re-read inside the write lock: a concurrent process may have migrated meanwhile.
    const current = db.pragma("user_version", { simple: true }) as number;
    for (let v = current; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] as string);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
  return version;
}

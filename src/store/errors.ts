/** Turns SQLite failures into StoreErrors (exit 4) with a message that says what to do. */
import { StoreError } from "../errors.js";

export function toStoreError(error: unknown, storePath: string): StoreError | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) return undefined;
  const message = (error as Error).message;
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    // Plain SQLITE_BUSY is the busy timeout running out; the others (a stale WAL snapshot, recovery) come at once
    // and are named, so that a report of one says which.
    const why = code === "SQLITE_BUSY" ? "waited past the busy timeout" : code;
    return new StoreError(
      `store ${storePath} is locked by another process (${why})`,
      "let the other roster run finish and try again, or raise ROSTER_BUSY_TIMEOUT (milliseconds)",
    );
  }
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return new StoreError(
      `store ${storePath} is corrupt or not a roster store: ${message}`,
      "restore it from a backup, or point --store at another file",
    );
  }
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN") || code === "SQLITE_PERM" || code === "SQLITE_AUTH") {
    return new StoreError(
      `cannot write store ${storePath}: ${message}`,
      "check that you may write both the file and its directory (SQLite adds -wal and -shm files beside it), or use --store",
    );
  }
  if (code === "SQLITE_FULL") return new StoreError(`store ${storePath}: the disk is full`, "free some space and run the command again");
  return new StoreError(`store ${storePath}: ${message}`);
}

/** Opening a store: roster's own files are marked with an application_id; other applications' databases are refused untouched. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import { openStore, ROSTER_APPLICATION_ID } from "../../src/store/open.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../../src/store/schema.js";
import { importFiles, query } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const open = (path: string) => openStore(path, { create: true, busyTimeoutMs: 1000 });

/** A store as roster 0.1 (schema 2, no application_id) left it, with one imported row. */
function olderStore(path: string): void {
  const db = new Database(path);
  for (const migration of MIGRATIONS.slice(0, 2)) db.exec(migration as string);
  db.pragma("user_version = 2");
  db.exec(`INSERT INTO batches (id, source, path, sha256, format, encoding, status, pid, host, imported_at, mapping, first_record_id, rows_read, rows_new)
           VALUES (1, 'crm', '/x/crm.csv', 'abc', 'csv', 'utf-8', 'complete', 1, 'h', '2026-01-01T00:00:00Z', '{"id":"source_id"}', 1, 1, 1)`);
  db.exec(
    `INSERT INTO records (id, batch_id, source, source_id, record_key, line, raw) VALUES (1, 1, 'crm', 'C1', 'C1', 2, '{"id":"C1"}')`,
  );
  db.close();
}

describe("roster's mark on its stores", () => {
  it("a new store gets roster's application_id", () => {
    const path = join(tempDir(), "roster.db");
    open(path).db.close();
    expect(query(path, "PRAGMA application_id")).toEqual([{ application_id: ROSTER_APPLICATION_ID }]);
  });

  it("an empty SQLite file (no tables) becomes a roster store", () => {
    const path = join(tempDir(), "empty.db");
    new Database(path).exec("VACUUM");
    open(path).db.close();
    expect(query(path, "PRAGMA application_id")).toEqual([{ application_id: ROSTER_APPLICATION_ID }]);
  });

  it("an older roster store (no mark) still opens, is upgraded and marked, and keeps its rows", () => {
    const path = join(tempDir(), "old.db");
    olderStore(path);
    const opened = open(path);
    expect(opened.migratedFrom).toBe(2);
    opened.db.close();
    expect(query(path, "PRAGMA application_id")).toEqual([{ application_id: ROSTER_APPLICATION_ID }]);
    expect(query(path, "PRAGMA user_version")).toEqual([{ user_version: SCHEMA_VERSION }]);
    expect(query(path, "SELECT source_id FROM current_records")).toEqual([{ source_id: "C1" }]);
    expect(query(path, "SELECT id, status, mapping, replaces, replaced_by FROM batches")).toEqual([
      { id: 1, status: "complete", mapping: '{"id":"source_id"}', replaces: null, replaced_by: null },
    ]);
    // The rebuilt batches table accepts the new status and kept its index and the foreign keys to it.
    const db = new Database(path);
    db.prepare("UPDATE batches SET status = 'replaced' WHERE id = 1").run();
    expect(() => db.prepare("UPDATE batches SET status = 'bogus' WHERE id = 1").run()).toThrow(/CHECK/);
    expect(db.pragma("foreign_key_check")).toEqual([]);
    // Batch ids are never reused after the upgrade (AUTOINCREMENT, continuing from the highest one).
    expect(db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'batches'").pluck().get()).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'batches'").pluck().all()).toEqual([
      "batches_by_sha",
    ]);
    db.close();
  });

  it("refuses another application's database with tables, and writes nothing to it", () => {
    const dir = tempDir();
    const path = join(dir, "other.db");
    const other = new Database(path);
    other.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5)");
    other.close();
    const before = readFileSync(path);
    expect(() => open(path)).toThrow(StoreError);
    expect(() => open(path)).toThrow(`${path} is not a roster store: it is an SQLite database with other tables (invoices)`);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(query(path, "SELECT name FROM sqlite_schema")).toEqual([{ name: "invoices" }]);
  });

  it("refuses a database with roster's table names but no schema version (not made by roster)", () => {
    const path = join(tempDir(), "lookalike.db");
    const db = new Database(path);
    db.exec("CREATE TABLE batches (id); CREATE TABLE records (id); CREATE TABLE rejects (id); CREATE TABLE audit_log (id)");
    db.close();
    expect(() => open(path)).toThrow(
      /is not a roster store: it is an SQLite database with other tables \(audit_log, batches, records, rejects\)/,
    );
  });

  it("refuses a database marked by another application, even an empty one", () => {
    const path = join(tempDir(), "app.db");
    const db = new Database(path);
    db.pragma("application_id = 1598903374"); // "_MTN", Monotone's
    db.close();
    expect(() => open(path)).toThrow(/another application's SQLite database \(application_id 0x5f4d544e\)/);
  });

  it("import into another application's database fails before reading rows into it", async () => {
    const dir = tempDir();
    const path = join(dir, "other.db");
    const other = new Database(path);
    other.exec("CREATE TABLE notes (body TEXT)");
    other.close();
    await expect(importFiles([writeFile(dir, "crm.csv", "id,email\nC1,a@x.com\n")], path)).rejects.toThrow(/is not a roster store/);
    expect(query(path, "SELECT name FROM sqlite_schema")).toEqual([{ name: "notes" }]);
  });
});

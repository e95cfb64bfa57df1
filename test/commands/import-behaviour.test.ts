/** runImport's behaviour on a store: idempotency, changed rows, rejects, gates, dry runs, whole-file failures. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { importFiles, importOrThrow, query } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const HEADER = "Customer ID,First Name,Last Name,Email,Phone\n";
const ROWS = ["C1,Ann,Lee,ann@x.com,555-0101", "C2,Bo,Chan,bo@x.com,555-0102", "C3,Cy,Diaz,cy@x.com,555-0103"];
const csv = (rows: string[]) => HEADER + rows.map((r) => `${r}\n`).join("");

describe("idempotent re-imports", () => {
  it("maps headers and stores trimmed canonical values beside the verbatim row", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "crm.csv", `${HEADER}C1,  Ann ,Lee,ann@x.com,\n`);
    const store = join(dir, "roster.db");
    await importFiles([file], store);
    expect(query(store, "SELECT source, source_id, given_name, family_name, email, phone, line, raw FROM records")).toEqual([
      {
        source: "crm",
        source_id: "C1",
        given_name: "Ann",
        family_name: "Lee",
        email: "ann@x.com",
        phone: null,
        line: 2,
        raw: '{"Customer ID":"C1","First Name":"  Ann ","Last Name":"Lee","Email":"ann@x.com","Phone":""}',
      },
    ]);
  });

  it("re-importing the same file adds nothing and records a duplicate batch", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "crm.csv", csv(ROWS));
    const store = join(dir, "roster.db");
    const first = await importFiles([file], store);
    const second = await importFiles([file], store);
    expect(first.totals).toMatchObject({ read: 3, new: 3 });
    expect(second.files[0]).toMatchObject({ status: "duplicate", duplicateOf: first.files[0]?.batchId });
    // Nothing was read or written by this command; the file's counts are its original's (see import-redo.test.ts).
    expect(second.totals).toEqual({ read: 0, new: 0, changed: 0, unchanged: 0, rejected: 0 });
    expect(query(store, "SELECT count(*) AS n FROM records")).toEqual([{ n: 3 }]);
    expect(query(store, "SELECT status FROM batches ORDER BY id")).toEqual([{ status: "complete" }, { status: "duplicate" }]);
  });

  it("a changed export adds only new and changed rows, superseding the old versions", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles([writeFile(dir, "crm.csv", csv(ROWS))], store);
    const changed = [ROWS[0] as string, "C2,Bo,Chan,bo.chan@x.com,555-0102", ROWS[2] as string, "C4,Di,Evans,di@x.com,555-0104"];
    const result = await importFiles([writeFile(dir, "crm.csv", csv(changed))], store);
    expect(result.totals).toEqual({ read: 4, new: 1, changed: 1, unchanged: 2, rejected: 0 });
    expect(query(store, "SELECT source_id, email FROM current_records ORDER BY source_id")).toEqual([
      { source_id: "C1", email: "ann@x.com" },
      { source_id: "C2", email: "bo.chan@x.com" },
      { source_id: "C3", email: "cy@x.com" },
      { source_id: "C4", email: "di@x.com" },
    ]);
    // The old version of C2 is kept (raw input is never dropped) and points at its successor.
    const versions = query<{ id: number; email: string; superseded_by: number | null }>(
      store,
      "SELECT id, email, superseded_by FROM records WHERE source_id = 'C2' ORDER BY id",
    );
    expect(versions.map((v) => v.email)).toEqual(["bo@x.com", "bo.chan@x.com"]);
    expect(versions[0]?.superseded_by).toBe(versions[1]?.id);
  });

  it("rows without an id are matched by content", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles([writeFile(dir, "web.csv", "email,name\na@x.com,A\nb@x.com,B\n")], store);
    const result = await importFiles([writeFile(dir, "web.csv", "email,name\na@x.com,A\nb@x.com,Bee\n")], store);
    expect(result.totals).toMatchObject({ new: 1, unchanged: 1, changed: 0 });
  });

  it("the same file under another source name is imported again", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "crm.csv", csv(ROWS));
    const store = join(dir, "roster.db");
    await importFiles([file], store);
    const again = await importFiles([file], store, { source: "crm-copy" });
    expect(again.totals.new).toBe(3);
  });
});

describe("rejects and gates", () => {
  const messy = csv([ROWS[0] as string, 'C2,"Bo,Chan,bo@x.com,555', ROWS[2] as string, "C4,too,few"]);

  it("stores each bad row with its line, raw text and reason; the rest imports", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    const result = await importFiles([writeFile(dir, "crm.csv", messy)], store);
    expect(result.totals).toEqual({ read: 4, new: 2, changed: 0, unchanged: 0, rejected: 2 });
    expect(query(store, "SELECT line, raw, reason FROM rejects ORDER BY line")).toEqual([
      { line: 3, raw: 'C2,"Bo,Chan,bo@x.com,555', reason: "unclosed quoted field" },
      { line: 5, raw: "C4,too,few", reason: "expected 5 fields, found 3" },
    ]);
    expect(query(store, "SELECT rows_read, rows_new, rows_rejected, status FROM batches")).toEqual([
      { rows_read: 4, rows_new: 2, rows_rejected: 2, status: "complete" },
    ]);
    expect(result.gate).toEqual({ failed: false, reason: undefined });
  });

  it.each([
    [{ text: "1", count: 1 }, true],
    [{ text: "2", count: 2 }, false],
    [{ text: "49%", percent: 49 }, true],
    [{ text: "50%", percent: 50 }, false],
  ])("--max-rejects %o fails the gate: %s (data is still imported)", async (limit, fails) => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    const file = writeFile(dir, "crm.csv", messy);
    const result = await importFiles([file], store, { maxRejects: limit });
    expect(result.gate).toEqual(
      fails
        ? { failed: true, reason: `too many rejected rows for --max-rejects ${limit.text}: ${file} (2 of 4 rows)` }
        : { failed: false, reason: undefined },
    );
    expect(query(store, "SELECT count(*) AS n FROM records")).toEqual([{ n: 2 }]);
  });
});

describe("edge inputs", () => {
  it("an empty file and a header-only file import 0 rows with a warning", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    const result = await importFiles([writeFile(dir, "empty.csv", ""), writeFile(dir, "header.csv", HEADER)], store);
    expect(result.totals.read).toBe(0);
    expect(result.files.map((f) => f.warnings)).toEqual([
      [expect.stringMatching(/empty.csv: the file is empty: nothing imported/)],
      [expect.stringMatching(/header.csv: no data rows \(only a header\?\): nothing imported/)],
    ]);
    expect(query(store, "SELECT status FROM batches")).toEqual([{ status: "complete" }, { status: "complete" }]);
  });

  it("duplicate headers are kept as name_2 with a warning, and both values stay in raw", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    const result = await importFiles([writeFile(dir, "d.csv", "id,email,email\n1,a@x.com,b@x.com\n")], store);
    expect(result.files[0]?.warnings[0]).toMatch(/duplicate column "email" \(column 3\) kept as "email_2"/);
    expect(query(store, "SELECT email, attributes, raw FROM records")).toEqual([
      { email: "a@x.com", attributes: '{"email_2":"b@x.com"}', raw: '{"id":"1","email":"a@x.com","email_2":"b@x.com"}' },
    ]);
  });

  it("explicit mappings override synonyms", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles([writeFile(dir, "de.csv", "Kundennummer,Handy,Phone\nK1,0151 123,030 456\n")], store, {
      mappings: { Kundennummer: "source_id", Handy: "phone" },
    });
    expect(query(store, "SELECT source_id, phone, attributes FROM records")).toEqual([
      { source_id: "K1", phone: "0151 123", attributes: '{"Phone":"030 456"}' },
    ]);
  });

  it("a dry run shows mapping and sample rows and creates no store", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    const result = await importFiles([writeFile(dir, "crm.csv", csv(ROWS))], store, { dryRun: true, sampleRows: 2 });
    expect(existsSync(store)).toBe(false);
    expect(result.files[0]?.sample.map((r) => r.values[0])).toEqual(["C1", "C2"]);
    expect(result.files[0]?.mapping.map((m) => m.field)).toEqual(["source_id", "given_name", "family_name", "email", "phone"]);
  });
});

describe("whole-file failures never half-write", () => {
  it("a JSON array that breaks after many rows leaves no batch and no records", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles([writeFile(dir, "ok.csv", csv(ROWS))], store);
    const good = Array.from({ length: 500 }, (_, i) => `{"id": "J${i}", "email": "j${i}@x.com"}`).join(",\n");
    const file = writeFile(dir, "broken.json", `[\n${good},\n{"id": "J-bad", "email": "unterminated\n`);
    const failure = importOrThrow([file], store, { chunkRows: 50 });
    await expect(failure).rejects.toBeInstanceOf(InputError);
    await expect(failure).rejects.toThrow(/broken.json:502: the JSON ends inside a record/);
    expect(query(store, "SELECT source, count(*) AS n FROM records GROUP BY source")).toEqual([{ source: "ok", n: 3 }]);
    expect(query(store, "SELECT source FROM batches")).toEqual([{ source: "ok" }]);
    expect(query(store, "SELECT outcome FROM audit_log ORDER BY id")).toEqual([{ outcome: "ok" }, { outcome: "failed" }]);
  });

  it.each([
    ["missing.csv", null, /missing.csv: no such file/],
    [
      "image.png",
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
      /image.png: not CSV or JSON: it looks like a PNG image/,
    ],
    [
      "book.xlsx",
      Buffer.from("PK\u0003\u0004\u0014\u0000\u0006\u0000", "latin1"),
      /not CSV or JSON: it looks like a ZIP archive \(an .xlsx workbook/,
    ],
    ["page.csv", "<!DOCTYPE html><html><body>login</body></html>", /page.csv: not CSV or JSON: it looks like an HTML page/],
    ["one.json", '{"customers": [\n{"id": 1}\n]}', /one.json:1: a single JSON object, not an array of records or JSON Lines/],
  ])("%s → InputError", async (name, content, message) => {
    const dir = tempDir();
    const path = content === null ? join(dir, name) : writeFile(dir, name, content);
    await expect(importOrThrow([path], join(dir, "roster.db"))).rejects.toThrow(message);
  });

  it("a batch abandoned by a killed process is rolled back by the next import", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles([writeFile(dir, "crm.csv", csv(ROWS))], store);
    // Fake what a SIGKILL leaves: an 'importing' batch of a process that no longer exists, holding a new
    // version of C1 that was never linked (versions are linked only when a batch completes).
    const deadPid = spawnSync(process.execPath, ["-e", "0"]).pid as number;
    const db = new Database(store);
    const host = (await import("node:os")).hostname();
    const batch = db
      .prepare(
        "INSERT INTO batches (source, path, format, encoding, status, pid, host, imported_at) VALUES ('crm', 'x', 'csv', 'utf-8', 'importing', ?, ?, 'now')",
      )
      .run(deadPid, host).lastInsertRowid;
    const partial = db
      .prepare("INSERT INTO records (batch_id, source, record_key, line, raw, supersedes) VALUES (?, 'crm', 'C1', 2, '{}', 1)")
      .run(batch).lastInsertRowid;
    db.prepare("UPDATE batches SET first_record_id = ? WHERE id = ?").run(partial, batch);
    // Meanwhile, C1's current version is still current: the unfinished batch hides nothing.
    expect(db.prepare("SELECT count(*) AS n FROM current_records WHERE source_id = 'C1'").get()).toEqual({ n: 1 });
    db.close();

    await importFiles([writeFile(dir, "other.csv", "email\nz@x.com\n")], store);
    expect(query(store, "SELECT count(*) AS n FROM batches WHERE status = 'importing'")).toEqual([{ n: 0 }]);
    expect(query(store, "SELECT source_id, superseded_by FROM records WHERE source = 'crm' ORDER BY id")).toEqual([
      { source_id: "C1", superseded_by: null },
      { source_id: "C2", superseded_by: null },
      { source_id: "C3", superseded_by: null },
    ]);
    expect(query(store, "SELECT count(*) AS n FROM records WHERE record_key = 'C1'")).toEqual([{ n: 1 }]);
  });
});

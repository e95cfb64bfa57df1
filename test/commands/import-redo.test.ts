/**
 * Redoing a batch: the same bytes imported again with other reading options (encoding, delimiter, format,
 * mapping) are read again and replace that batch; read the same way they stay a duplicate.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runNormalize } from "../../src/commands/normalize.js";
import { CANONICAL_FIELDS } from "../../src/fields/canonical.js";
import { BatchWriter } from "../../src/store/imports.js";
import { openStore } from "../../src/store/open.js";
import { importOrThrow, normalizeOptions, query, quietTerminal } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const UTF8 = "id,name,email\nC1,Jürgen Müller,j@x.de\nC2,Ann Lee,ann@x.com\n";

function setup(content: string | Uint8Array = UTF8, name = "crm.csv") {
  const dir = tempDir();
  return { dir, file: writeFile(dir, name, content), store: join(dir, "roster.db") };
}

const current = (store: string) => query(store, "SELECT batch_id, source_id, full_name FROM current_records ORDER BY source_id");

describe("re-importing the same bytes read another way", () => {
  it("a wrong --encoding, then the right one: the file is read again and replaces the mojibake batch", async () => {
    const { file, store } = setup();
    const wrong = await importOrThrow([file], store, { read: { encoding: "latin1" } });
    expect(current(store)).toContainEqual({ batch_id: 1, source_id: "C1", full_name: "JÃ¼rgen MÃ¼ller" });

    const right = await importOrThrow([file], store);
    expect(right.files[0]).toMatchObject({
      status: "imported",
      batchId: 2,
      replaces: 1,
      rereadBecause: ["encoding latin1 → utf-8"],
      counts: { read: 2, new: 2, changed: 0, unchanged: 0, rejected: 0 },
    });
    expect(wrong.files[0]?.batchId).toBe(1);
    expect(current(store)).toEqual([
      { batch_id: 2, source_id: "C1", full_name: "Jürgen Müller" },
      { batch_id: 2, source_id: "C2", full_name: "Ann Lee" },
    ]);
    expect(query(store, "SELECT id, status, replaces, replaced_by FROM batches ORDER BY id")).toEqual([
      { id: 1, status: "replaced", replaces: null, replaced_by: 2 },
      { id: 2, status: "complete", replaces: 1, replaced_by: null },
    ]);
    // Raw input is never dropped: the misread rows are kept, out of current_records.
    expect(query(store, "SELECT count(*) AS n FROM records")).toEqual([{ n: 4 }]);
  });

  it("read the same way again, it is a duplicate of the re-read (not of the replaced batch)", async () => {
    const { file, store } = setup();
    await importOrThrow([file], store, { read: { encoding: "latin1" } });
    await importOrThrow([file], store);
    const again = await importOrThrow([file], store, { read: { encoding: "utf-8" } }); // forced, but what auto found
    expect(again.files[0]).toMatchObject({ status: "duplicate", duplicateOf: 2 });
    expect(query(store, "SELECT count(*) AS n FROM records")).toEqual([{ n: 4 }]);
  });

  it("a missing --map for the id column, then with it: records keyed by id replace the ones keyed by content", async () => {
    const { file, store } = setup("KdNr,name\nK1,Ann\nK2,Bo\n");
    await importOrThrow([file], store);
    expect(query(store, "SELECT count(*) AS n FROM current_records WHERE source_id IS NULL")).toEqual([{ n: 2 }]);
    const redo = await importOrThrow([file], store, { mappings: { KdNr: "source_id" } });
    expect(redo.files[0]?.rereadBecause).toEqual(['column "KdNr" attributes → source_id']);
    // Not four current records: the old ones (keyed by content) would never match the new ids.
    expect(query(store, "SELECT source_id, record_key FROM current_records ORDER BY source_id")).toEqual([
      { source_id: "K1", record_key: "K1" },
      { source_id: "K2", record_key: "K2" },
    ]);
  });

  it("another delimiter or format is a re-read; a --map that changes nothing keeps it a duplicate", async () => {
    const { file, store } = setup("id;name\nC1;Ann\n", "crm.txt");
    await importOrThrow([file], store, { read: { encoding: "auto", delimiter: "," } });
    const byDelimiter = await importOrThrow([file], store);
    expect(byDelimiter.files[0]?.rereadBecause).toEqual(['delimiter "," → ";"']);
    const byFormat = await importOrThrow([file], store, { read: { encoding: "auto", format: "tsv" } });
    expect(byFormat.files[0]?.rereadBecause).toEqual(["format csv → tsv", 'delimiter ";" → "\\t"']);
    await importOrThrow([file], store);
    // Mapping a column the file lacks, or a column to the field it already fed, reads it no differently.
    const same = await importOrThrow([file], store, { mappings: { Handy: "phone", name: "full_name" } });
    expect(same.files[0]).toMatchObject({ status: "duplicate", duplicateOf: 4 });
  });

  it("JSON: the mapping is compared for keys met record by record", async () => {
    const { file, store } = setup('{"id":"C1","contact":{"mail":"a@x.com"}}\n{"id":"C2","extra":"x"}\n', "web.jsonl");
    await importOrThrow([file], store);
    expect((await importOrThrow([file], store)).files[0]?.status).toBe("duplicate");
    const redo = await importOrThrow([file], store, { mappings: { extra: "company" } });
    expect(redo.files[0]).toMatchObject({ replaces: 1, rereadBecause: ['column "extra" attributes → company'] });
    expect(query(store, "SELECT source_id, company FROM current_records ORDER BY source_id")).toEqual([
      { source_id: "C1", company: null },
      { source_id: "C2", company: "x" },
    ]);
  });

  it("rows changed between exports: the re-read is compared with the store as it was before the replaced batch", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    // v1, read right; v2 (C1 unchanged, C2 changed, C3 new) read with the wrong encoding, then right.
    await importOrThrow([writeFile(dir, "crm.csv", "id,name\nC1,Jürgen\nC2,Ann\n")], store);
    const v2 = writeFile(dir, "crm.csv", "id,name\nC1,Jürgen\nC2,Anne\nC3,Zoë\n");
    const misread = await importOrThrow([v2], store, { read: { encoding: "latin1" } });
    expect(misread.totals).toMatchObject({ new: 1, changed: 2, unchanged: 0 }); // C1 looked changed (mojibake)
    const redo = await importOrThrow([v2], store);
    expect(redo.totals).toEqual({ read: 3, new: 1, changed: 1, unchanged: 1, rejected: 0 });
    expect(query(store, "SELECT batch_id, source_id, full_name, superseded_by FROM current_records ORDER BY source_id")).toEqual([
      { batch_id: 1, source_id: "C1", full_name: "Jürgen", superseded_by: null }, // v1's row, current again
      { batch_id: 3, source_id: "C2", full_name: "Anne", superseded_by: null },
      { batch_id: 3, source_id: "C3", full_name: "Zoë", superseded_by: null },
    ]);
    // The version chain skips the replaced batch: v1's C2 is superseded by the re-read's C2.
    const c2 = query<{ batch_id: number; id: number; supersedes: number | null; superseded_by: number | null }>(
      store,
      "SELECT batch_id, id, supersedes, superseded_by FROM records WHERE source_id = 'C2' ORDER BY id",
    );
    expect(c2.map((r) => r.batch_id)).toEqual([1, 2, 3]);
    expect(c2[0]?.superseded_by).toBe(c2[2]?.id);
    expect(c2[2]?.supersedes).toBe(c2[0]?.id);
  });

  it("the replaced batch's match keys and findings go (derived from misread rows); its rows stay", async () => {
    const { file, store } = setup("id,name,email\nC1,Jürgen Müller,not-an-email\n");
    await importOrThrow([file], store, { read: { encoding: "latin1" } });
    await runNormalize(normalizeOptions(store), { terminal: quietTerminal().terminal, stdout: process.stdout });
    expect(query<{ n: number }>(store, "SELECT count(*) AS n FROM findings")[0]?.n).toBeGreaterThan(0);
    expect(query(store, "SELECT count(*) AS n FROM record_keys")).toEqual([{ n: 1 }]);
    await importOrThrow([file], store);
    expect(query(store, "SELECT count(*) AS n FROM findings")).toEqual([{ n: 0 }]);
    expect(query(store, "SELECT count(*) AS n FROM record_keys")).toEqual([{ n: 0 }]);
    expect(query(store, "SELECT batch_id, count(*) AS n FROM records GROUP BY batch_id")).toEqual([
      { batch_id: 1, n: 1 },
      { batch_id: 2, n: 1 },
    ]);
  });

  it("a re-read killed mid-way loses nothing: the old batch stays current until the next import finishes the redo", async () => {
    const { file, store } = setup();
    await importOrThrow([file], store, { read: { encoding: "latin1" } });
    // A re-read that wrote rows and died before its final transaction.
    const { db } = openStore(store, { create: false, busyTimeoutMs: 1000 });
    const start = { source: "crm", path: file, sha256: "x", format: "csv", encoding: "utf-8", delimiter: ",", replaces: 1 };
    const writer = new BatchWriter(db, start, 1, store, 1000);
    const values = CANONICAL_FIELDS.map((field) => (field === "source_id" ? "C1" : field === "full_name" ? "Jürgen Müller" : null));
    writer.add({ line: 2, values, raw: '{"id":"C1"}', recordKey: "C1", attributes: null });
    db.prepare("UPDATE batches SET pid = ? WHERE id = ?").run(2 ** 22 + 12345, writer.batchId); // a process that is gone
    db.close();
    expect(current(store)).toEqual([
      { batch_id: 1, source_id: "C1", full_name: "JÃ¼rgen MÃ¼ller" },
      { batch_id: 1, source_id: "C2", full_name: "Ann Lee" },
    ]);
    expect(query(store, "SELECT id, status FROM batches ORDER BY id")).toEqual([
      { id: 1, status: "complete" },
      { id: 2, status: "importing" },
    ]);
    const redo = await importOrThrow([file], store);
    expect(redo.files[0]).toMatchObject({ batchId: 3, replaces: 1 }); // 2, the killed one, is never reused
    expect(query(store, "SELECT id, status FROM batches ORDER BY id")).toEqual([
      { id: 1, status: "replaced" },
      { id: 3, status: "complete" },
    ]);
    expect(current(store).map((r) => r.batch_id)).toEqual([3, 3]);
  });

  it("a re-read that fails as a whole (a broken JSON structure) writes nothing and leaves the old batch current", async () => {
    const { file, store } = setup();
    await importOrThrow([file], store, { read: { encoding: "latin1" } });
    const failed = await importOrThrow([file], store, { read: { encoding: "auto", format: "json" } }).catch((e: Error) => e);
    expect(failed).toBeInstanceOf(Error);
    expect(query(store, "SELECT id, status FROM batches ORDER BY id")).toEqual([{ id: 1, status: "complete" }]);
    expect(current(store).map((r) => r.batch_id)).toEqual([1, 1]);
  });

  it("a duplicate reports its original's counts, rejects included, in the result and in its batches row", async () => {
    const { file, store } = setup('id,name\nC1,Ann\nC2,"Bo\nC3,Cy\n');
    const first = await importOrThrow([file], store);
    expect(first.files[0]?.counts).toEqual({ read: 3, new: 2, changed: 0, unchanged: 0, rejected: 1 });
    const again = await importOrThrow([file], store);
    expect(again.files[0]).toMatchObject({ status: "duplicate", duplicateOf: 1, counts: first.files[0]?.counts });
    expect(
      query(store, "SELECT status, rows_read, rows_new, rows_changed, rows_unchanged, rows_rejected FROM batches ORDER BY id"),
    ).toEqual([
      { status: "complete", rows_read: 3, rows_new: 2, rows_changed: 0, rows_unchanged: 0, rows_rejected: 1 },
      { status: "duplicate", rows_read: 3, rows_new: 2, rows_changed: 0, rows_unchanged: 0, rows_rejected: 1 },
    ]);
  });

  it("a concurrent import that superseded a row of the replaced batch keeps its version current", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importOrThrow([writeFile(dir, "crm.csv", "id,name\nC1,Jürgen\n")], store);
    const v2 = writeFile(dir, "crm.csv", "id,name\nC1,Jürgen\nC2,Bo\n");
    await importOrThrow([v2], store, { read: { encoding: "latin1" } }); // batch 2: C1 misread, so "changed"
    // The redo (batch 3) runs; C1 is unchanged against batch 1, so it writes no row for it.
    const { db } = openStore(store, { create: false, busyTimeoutMs: 1000 });
    const writer = new BatchWriter(
      db,
      { source: "crm", path: v2, sha256: "x", format: "csv", encoding: "utf-8", delimiter: ",", replaces: 2 },
      1,
      store,
      1000,
    );
    const raw = db.prepare("SELECT raw FROM records WHERE batch_id = 1").pluck().get() as string;
    writer.add({ line: 2, values: CANONICAL_FIELDS.map(() => null), raw, recordKey: "C1", attributes: null });
    // Meanwhile another export of crm completes, superseding batch 2's C1.
    await importOrThrow([writeFile(dir, "crm-later.csv", "id,name\nC1,Zed\n")], store, { source: "crm" });
    writer.finish('{"id":"source_id","name":"full_name"}', {}, "x");
    db.close();
    expect(writer.counts).toMatchObject({ unchanged: 1 });
    expect(query(store, "SELECT batch_id, full_name FROM current_records WHERE source_id = 'C1'")).toEqual([
      { batch_id: 4, full_name: "Zed" },
    ]);
  });
});

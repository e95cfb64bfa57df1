/** Import behaviours found missing in review: each test pins one of them. */
import { hostname } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { importFiles, query } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

describe("re-imports", () => {
  it("a reverted export (v1, v2, v1) restores v1's values instead of being skipped as a duplicate", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    const v1 = "id,email\n1,a@x.com\n2,b@x.com\n";
    const v2 = "id,email\n1,a@x.com\n2,b.new@x.com\n";
    await importFiles([writeFile(dir, "crm.csv", v1)], store);
    await importFiles([writeFile(dir, "crm.csv", v2)], store);
    const third = await importFiles([writeFile(dir, "crm.csv", v1)], store);
    expect(third.files[0]).toMatchObject({ status: "imported", counts: { changed: 1, unchanged: 1 } });
    expect(query(store, "SELECT email FROM current_records ORDER BY source_id")).toEqual([{ email: "a@x.com" }, { email: "b@x.com" }]);
    // Re-running the latest import right away is still a no-op.
    const fourth = await importFiles([writeFile(dir, "crm.csv", v1)], store);
    expect(fourth.files[0]?.status).toBe("duplicate");
  });

  it("an import left unfinished on another host is rolled back once its heartbeat is stale, not before", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    const file = writeFile(dir, "crm.csv", "id,email\n1,a@x.com\n");
    await importFiles([writeFile(dir, "seed.csv", "id\n0\n")], store);
    const sha = (await import("node:crypto")).createHash("sha256").update("id,email\n1,a@x.com\n").digest("hex");
    const db = new Database(store);
    const fake = db.prepare(
      "INSERT INTO batches (source, path, sha256, format, encoding, status, pid, host, imported_at, heartbeat_at) VALUES ('crm', 'x', ?, 'csv', 'utf-8', 'importing', 1, 'container-42', ?, ?)",
    );
    const fresh = new Date().toISOString();
    fake.run(sha, fresh, fresh);
    db.close();
    const blocked = await importFiles([file], store).catch((error: Error) => error);
    expect(String(blocked)).toMatch(/already being imported into source "crm" by process 1/);

    const stale = new Date(Date.now() - 10 * 60_000).toISOString();
    const db2 = new Database(store);
    db2.prepare("UPDATE batches SET heartbeat_at = ?, imported_at = ? WHERE host = 'container-42'").run(stale, stale);
    db2.close();
    const result = await importFiles([file], store);
    expect(result.files[0]?.status).toBe("imported");
    expect(query(store, "SELECT host FROM batches WHERE status = 'importing'")).toEqual([]);
    expect(query(store, "SELECT count(*) AS n FROM batches WHERE host = ?", hostname())).toEqual([{ n: 2 }]);
  });
});

describe("many files in one command", () => {
  it("an unreadable file is reported and the files after it are still imported", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    const result = await importFiles(
      [writeFile(dir, "a.csv", "id\n1\n"), join(dir, "missing.csv"), writeFile(dir, "b.csv", "id\n2\n")],
      store,
    );
    expect(result.failed).toBe(1);
    expect(result.files.map((f) => [f.file.split("/").pop(), f.status])).toEqual([
      ["a.csv", "imported"],
      ["missing.csv", "failed"],
      ["b.csv", "imported"],
    ]);
    expect(result.files[1]?.error).toMatch(/missing.csv: no such file/);
    expect(query(store, "SELECT source FROM current_records ORDER BY source")).toEqual([{ source: "a" }, { source: "b" }]);
  });
});

describe("inputs that used to be misread", () => {
  it("old Mac files whose lines end in a bare CR", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    const result = await importFiles([writeFile(dir, "mac.csv", "id,name,email\r1,Ann,a@x.com\r2,Bo,b@x.com\r")], store);
    expect(result.totals).toMatchObject({ read: 2, new: 2, rejected: 0 });
    expect(query(store, "SELECT source_id, email FROM records ORDER BY line")).toEqual([
      { source_id: "1", email: "a@x.com" },
      { source_id: "2", email: "b@x.com" },
    ]);
  });

  it("an empty .json file is 0 records with a warning, not an error", async () => {
    const dir = tempDir();
    const result = await importFiles([writeFile(dir, "empty.json", "")], join(dir, "roster.db"));
    expect(result.failed).toBe(0);
    expect(result.files[0]?.warnings).toEqual([expect.stringMatching(/empty.json: the file is empty: nothing imported/)]);
    const array = await importFiles([writeFile(dir, "none.json", "[]")], join(dir, "roster.db"));
    expect(array.files[0]?.warnings).toEqual([expect.stringMatching(/none.json: no records: nothing imported/)]);
  });

  it("a one-line wrapper object is refused with a hint naming its array", async () => {
    const dir = tempDir();
    const result = await importFiles([writeFile(dir, "api.json", '{"customers":[{"id":1},{"id":2}]}\n')], join(dir, "roster.db"));
    expect(result.files[0]?.error).toMatch(/api.json:1: a single JSON object.*jq '\.customers'/);
  });

  it("JSON numbers keep every digit: 20-digit ids stay distinct", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles(
      [writeFile(dir, "ids.jsonl", '{"id": 12345678901234567891, "n": 1.50}\n{"id": 12345678901234567892, "n": 1e400}\n')],
      store,
    );
    expect(query(store, "SELECT source_id, attributes FROM records ORDER BY line")).toEqual([
      { source_id: "12345678901234567891", attributes: '{"n":"1.50"}' },
      { source_id: "12345678901234567892", attributes: '{"n":"1e400"}' },
    ]);
  });

  it("an id nested in another object (order.id) does not become the customer's id", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles(
      [writeFile(dir, "shop.jsonl", '{"order": {"id": "O-1"}, "email": "a@x.com"}\n{"id": "C-9", "email": "b@x.com"}\n')],
      store,
    );
    expect(query(store, "SELECT source_id, email FROM records ORDER BY line")).toEqual([
      { source_id: null, email: "a@x.com" },
      { source_id: "C-9", email: "b@x.com" },
    ]);
  });

  it("two columns mapped to one field: the first non-empty one fills it, a different other stays in attributes, with a note", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    const result = await importFiles([writeFile(dir, "t.csv", "Privat,Tel2\n111,222\n,333\n444,444\n")], store, {
      mappings: { Privat: "phone", Tel2: "phone" },
      mapFlagColumns: ["Privat", "Tel2", "Fax"],
    });
    expect(query(store, "SELECT phone, attributes FROM records ORDER BY line")).toEqual([
      { phone: "111", attributes: '{"Tel2":"222"}' },
      { phone: "333", attributes: null },
      { phone: "444", attributes: null },
    ]);
    expect(result.files[0]?.warnings).toEqual([
      expect.stringMatching(/phone comes from "Privat", else "Tel2" \(each record's first non-empty one/),
      expect.stringMatching(/t.csv: --map Fax: no such column/),
    ]);
  });
});

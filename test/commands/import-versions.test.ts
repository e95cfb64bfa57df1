/** Import across runs and files: versions of a row, batches left unfinished, one bad file among many. */
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

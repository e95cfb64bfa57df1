import { existsSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { runNormalize } from "../../src/commands/normalize.js";
import { importFiles, normalizeOptions, query, quietTerminal } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const options = (storePath: string, files: string[] = [], out?: string) => normalizeOptions(storePath, { files, out });

describe("the store", () => {
  it("two normalize runs at once never duplicate findings", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles(
      [writeFile(dir, "p.csv", `id,phone\n${Array.from({ length: 2000 }, (_, i) => `${i},bad-${i}`).join("\n")}\n`)],
      store,
    );
    const io = { terminal: quietTerminal().terminal, stdout: new PassThrough() };
    await Promise.all([runNormalize(options(store), io), runNormalize(options(store), io)]);
    await runNormalize(options(store), io);
    expect(query(store, "SELECT count(*) AS n, count(DISTINCT record_id) AS records FROM findings")).toEqual([{ n: 2000, records: 2000 }]);
  });

  it("after a run, a dry run (or a second run) reports no changes: changes are counted against the store", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles([writeFile(dir, "a.csv", "id,name,email,phone,country\n1,ANN LEE,Ann@X.com,(415) 555-0132,USA\n")], store);
    const io = { terminal: quietTerminal().terminal, stdout: new PassThrough() };
    const first = await runNormalize(options(store), io);
    expect(first.summary.fields.email?.changed).toBe(1);
    const dry = await runNormalize({ ...options(store), dryRun: true }, io);
    expect(Object.values(dry.summary.fields).reduce((sum, f) => sum + f.changed, 0)).toBe(0);
  });

  it("a killed or failed run leaves raw rows untouched", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles([writeFile(dir, "a.csv", "id,name\n1,ANN\n")], store);
    const raw = query(store, "SELECT raw FROM records");
    await runNormalize(options(store), { terminal: quietTerminal().terminal, stdout: new PassThrough() });
    expect(query(store, "SELECT raw FROM records")).toEqual(raw);
    const db = new Database(store, { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();
    expect(existsSync(`${store}-waiting`)).toBe(false);
  });
});

describe("normalize --new (what dedupe runs first after an import)", () => {
  it("normalizes only the records never normalized and leaves the others, their values and normalized_at, as they are", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    const io = { terminal: quietTerminal().terminal, stdout: new PassThrough() };
    await importFiles(
      [
        writeFile(
          dir,
          "crm.csv",
          "id,name,email,phone,country\n1,ANN LEE,Ann@X.com,(415) 555-0132,USA\n2,BOB RAY,bob@y.org,415 555 0133,US\n",
        ),
      ],
      store,
      {
        source: "crm",
      },
    );
    await runNormalize(options(store), io);
    const before = query(store, "SELECT record_id, keys, normalized_at FROM record_keys ORDER BY record_id");
    expect(before).toHaveLength(2);
    // An old record's stored value changed behind normalize's back: a full run would rewrite it, --new must not.
    const db = new Database(store);
    db.prepare("UPDATE records SET email = 'ANN@X.COM' WHERE source_id = '1'").run();
    db.close();
    await importFiles([writeFile(dir, "shop.csv", "id,name,email\ns1,CARA DIAZ,Cara@Z.net\n")], store, { source: "shop" });

    const result = await runNormalize({ ...options(store), onlyNew: true }, io);
    expect(result.summary.records).toBe(1);
    expect(query(store, "SELECT record_id, keys, normalized_at FROM record_keys WHERE record_id IN (1, 2) ORDER BY record_id")).toEqual(
      before,
    );
    expect(query(store, "SELECT email FROM records WHERE source_id = '1'")).toEqual([{ email: "ANN@X.COM" }]);
    expect(query(store, "SELECT email FROM current_records WHERE source = 'shop'")).toEqual([{ email: "cara@z.net" }]);
    expect(query(store, "SELECT count(*) AS n FROM current_records WHERE keys IS NULL")).toEqual([{ n: 0 }]);

    // Nothing left to normalize: a second --new run touches nothing.
    expect((await runNormalize({ ...options(store), onlyNew: true }, io)).summary.records).toBe(0);
    // A full run still rewrites the changed old record.
    await runNormalize(options(store), io);
    expect(query(store, "SELECT email FROM records WHERE source_id = '1'")).toEqual([{ email: "ann@x.com" }]);
  });
});

/** The keys in one JSON column (schema 3): a store normalized by schema 2 migrates, and views keep their columns. */
import { join } from "node:path";
import { PassThrough } from "node:stream";
import Database from "better-sqlite3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runNormalize } from "../../src/commands/normalize.js";
import { emptyKeys, KEY_NAMES, keysJson } from "../../src/model/keys.js";
import { openStore } from "../../src/store/open.js";
import { MIGRATIONS } from "../../src/store/schema.js";
import { normalizeOptions, query, quietTerminal } from "../helpers/run.js";
import { tempDir } from "../helpers/temp.js";

/** A store as schema version 2 left it, with one normalized record. */
function schema2Store(path: string): void {
  const db = new Database(path);
  db.exec(MIGRATIONS[0] as string);
  db.exec(MIGRATIONS[1] as string);
  db.pragma("user_version = 2");
  db.exec(`INSERT INTO batches (id, source, path, format, encoding, status, pid, host, imported_at, mapping)
             VALUES (1, 'crm', '/x.csv', 'csv', 'utf-8', 'complete', 1, 'h', '2026-01-01', '{"id":"source_id","name":"full_name","email":"email"}');
           INSERT INTO records (id, batch_id, source, source_id, record_key, line, raw, given_name, family_name, full_name, email)
             VALUES (1, 1, 'crm', 'C1', 'C1', 2, '{"id":"C1","name":"Dr. Ann Lee","email":"Ann.Lee+x@gmail.com"}', 'Ann', 'Lee', 'Ann Lee', 'ann.lee+x@gmail.com');
           INSERT INTO record_keys (record_id, name_title, name_key, email_key, normalized_at)
             VALUES (1, 'Dr.', 'ann lee', 'annlee@gmail.com', '2026-01-02');`);
  db.close();
}

describe("keys in one JSON column", () => {
  it("migrating keeps every key, and current_records still has a column per key", () => {
    const store = join(tempDir(), "roster.db");
    schema2Store(store);
    openStore(store, { create: false, busyTimeoutMs: 1000 }).db.close();
    expect(query(store, "SELECT keys, normalized_at FROM record_keys")).toEqual([
      { keys: '{"name_title":"Dr.","name_key":"ann lee","email_key":"annlee@gmail.com"}', normalized_at: "2026-01-02" },
    ]);
    expect(query(store, `SELECT ${KEY_NAMES.join(", ")} FROM current_records`)).toEqual([
      { ...emptyKeys(), name_title: "Dr.", name_key: "ann lee", email_key: "annlee@gmail.com" },
    ]);
  });

  it("the migrated keys read as stored: normalize rewrites none that it would compute the same", async () => {
    const store = join(tempDir(), "roster.db");
    schema2Store(store);
    const terminal = quietTerminal().terminal;
    await runNormalize(normalizeOptions(store), { terminal, stdout: new PassThrough() });
    expect(query(store, "SELECT normalized_at FROM record_keys")).toEqual([{ normalized_at: "2026-01-02" }]);
  });

  it("the stored form leaves empty keys out, in registry order, so equal keys are equal text", () => {
    expect(keysJson(emptyKeys())).toBe("{}");
    expect(keysJson({ ...emptyKeys(), email_key: 'a"b@x.com', phone_ext: "12" })).toBe('{"phone_ext":"12","email_key":"a\\"b@x.com"}');
    expect(JSON.parse(keysJson({ ...emptyKeys(), name_han: "张伟" }))).toEqual({ name_han: "张伟" });
  });

  it("its escaping agrees with JSON.stringify for any text (the fast path for plain keys included)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string(), (odd, plain) => {
        const keys = { ...emptyKeys(), name_key: odd, email_key: plain };
        expect(keysJson(keys)).toBe(JSON.stringify({ name_key: odd, email_key: plain }));
      }),
    );
  });
});

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importFiles, query } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

describe("inputs that are easy to misread", () => {
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

/** The two record readers (files, store) and the store scan every stage runs on. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SourceRecord } from "../../src/model/record.js";
import { readFileRecords } from "../../src/pipeline/file-records.js";
import { scanStore } from "../../src/pipeline/store-scan.js";
import { openStore } from "../../src/store/open.js";
import { currentIdRanges, storedRecords } from "../../src/store/records.js";
import { importOrThrow } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const CSV = "id,First Name,Surname,E-mail,Mobile,dob\nA1, Ann ,Lee,ann@example.com,(415) 555-0132,1985-04-13\nA2,Bo,,,,\n";
const JSONL = '{"id":"J1","name":{"first":"Cy","last":"Diaz"},"contact":{"email":"cy@example.com"},"n":12345678901234567890}\n';

const plain = (r: SourceRecord) => ({ source: r.source, sourceId: r.sourceId, line: r.line, values: { ...r.values } });

async function fromFile(file: string, source: string): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  await readFileRecords(
    file,
    source,
    { read: { encoding: "auto" }, mappings: {} },
    {},
    {
      record: (record) => void records.push(record),
      reject: () => {},
    },
  );
  return records;
}

function fromStore(store: string): SourceRecord[] {
  const { db } = openStore(store, { create: false, busyTimeoutMs: 1000 });
  try {
    const read = storedRecords(db);
    return currentIdRanges(db).flatMap((range) => read(range));
  } finally {
    db.close();
  }
}

describe("the file reader and the store reader", () => {
  it.each([
    ["people.csv", CSV],
    ["shop.jsonl", JSONL],
  ])("yield the same records for the same export (%s)", async (name, content) => {
    const dir = tempDir();
    const file = writeFile(dir, name, content);
    const store = join(dir, "roster.db");
    await importOrThrow([file], store);
    const source = name.replace(/\..*$/, "");
    const files = (await fromFile(file, source)).map(plain);
    expect(files.length).toBeGreaterThan(0);
    expect(fromStore(store).map(plain)).toEqual(files);
  });

  it("the store reader gives record ids and, after normalize, what it stored; a file's records have neither", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "people.csv", CSV);
    const store = join(dir, "roster.db");
    await importOrThrow([file], store);
    const [stored] = fromStore(store);
    expect(stored).toMatchObject({ recordId: 1, normalized: null });
    const [read] = await fromFile(file, "people");
    expect(read?.recordId).toBeUndefined();
    expect(read?.normalized).toBeNull();
  });
});

describe("the store scan", () => {
  it("hands each range's result to the main thread in id order, over current versions only", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    const rows = (changed: string) =>
      `id,email\n${Array.from({ length: 12 }, (_, i) => `P${i},${i === 3 ? changed : `p${i}@example.com`}`).join("\n")}\n`;
    await importOrThrow([writeFile(dir, "crm.csv", rows("old@example.com"))], store);
    await importOrThrow([writeFile(dir, "crm.csv", rows("new@example.com"))], store); // P3 changes: id 13 replaces id 4
    const { db, path } = openStore(store, { create: false, busyTimeoutMs: 1000 });
    const seen: number[][] = [];
    try {
      const ranges = currentIdRanges(db, 5);
      expect(ranges).toEqual([
        { from: 1, to: 5 },
        { from: 6, to: 10 },
        { from: 11, to: 13 },
      ]);
      await scanStore({
        stage: "validate",
        setup: { validator: { required: [] }, contexts: { crm: { country: undefined, dateOrder: undefined } } },
        db,
        storePath: path,
        busyTimeoutMs: 1000,
        ranges,
        workers: 0,
        apply: (range) => void seen.push(range.records.map(([id]) => id)),
      });
    } finally {
      db.close();
    }
    expect(seen).toEqual([
      [1, 2, 3, 5],
      [6, 7, 8, 9, 10],
      [11, 12, 13],
    ]);
  });
});

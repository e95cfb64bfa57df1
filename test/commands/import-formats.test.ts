/** runImport on real files: csv-spectrum, the encoding fixtures, JSON shapes. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importFiles, importOrThrow, query, ROOT } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const SPECTRUM = join(ROOT, "node_modules", "csv-spectrum");
const ENCODINGS = join(ROOT, "fixtures", "encodings");

function rawRows(store: string, source: string): Record<string, string>[] {
  return query<{ raw: string }>(store, "SELECT raw FROM records WHERE source = ? ORDER BY line", source).map((r) => JSON.parse(r.raw));
}

describe("csv-spectrum: every case imports as its JSON says", () => {
  const cases = readdirSync(join(SPECTRUM, "csvs")).map((file) => file.replace(/\.csv$/, ""));

  it("has the 12 cases", () => {
    expect(cases).toHaveLength(12);
  });

  it.each(cases.filter((name) => name !== "location_coordinates"))("%s", async (name) => {
    const store = join(tempDir(), "roster.db");
    const result = await importFiles([join(SPECTRUM, "csvs", `${name}.csv`)], store);
    const expected = JSON.parse(readFileSync(join(SPECTRUM, "json", `${name}.json`), "utf8"));
    expect(rawRows(store, name)).toEqual(expected);
    expect(result.totals.rejected).toBe(0);
  });

  it("location_coordinates: parses and keeps the bare quotes (the case's own JSON has a different phone)", async () => {
    const store = join(tempDir(), "roster.db");
    await importFiles([join(SPECTRUM, "csvs", "location_coordinates.csv")], store);
    const [row] = rawRows(store, "location_coordinates");
    expect(row).toEqual({
      "Contact Phone Number": "2095257564",
      "Location Coordinates": "37\uFFFD36'37.8\"N 121\uFFFD2'17.9\"W",
      Cities: "Modesto",
      Counties: "Stanislaus",
    });
  });

  it("keeps a CRLF inside quotes", async () => {
    const store = join(tempDir(), "roster.db");
    await importFiles([join(SPECTRUM, "csvs", "newlines_crlf.csv")], store);
    expect(rawRows(store, "newlines_crlf")[1]?.a).toBe("Once upon \r\na time");
  });
});

describe("encodings: Chinese exports land in the right fields", () => {
  const expectedFirst = {
    source_id: "C001",
    full_name: "张伟",
    phone: "+86 138-0013-8000",
    email: "zhang.wei@example.cn",
    address_line1: "北京市朝阳区建国路88号",
    region: "北京",
    city: "北京",
    postal_code: "100022",
    birth_date: "1990年5月3日",
    national_id: "110105199005030018",
    company: "北京星辰科技有限公司",
  };
  const columns = Object.keys(expectedFirst).join(", ");

  it.each([
    ["customers-gbk.csv", "gb18030"],
    ["customers-gb18030.csv", "gb18030"],
    ["customers-utf16le.csv", "utf-16le"],
    ["customers-utf8-bom.csv", "utf-8"],
  ])("%s is read as %s", async (file, encoding) => {
    const store = join(tempDir(), "roster.db");
    const result = await importFiles([join(ENCODINGS, file)], store, { source: "crm" });
    expect(result.files[0]?.encoding).toBe(encoding);
    const rows = query(store, `SELECT ${columns} FROM records ORDER BY line`);
    expect(rows[0]).toEqual(expectedFirst);
    expect(rows[1]).toMatchObject({
      full_name: "欧阳娜娜",
      address_line1: "上海市浦东新区世纪大道100号, 5楼",
      national_id: "31011519921123002X",
    });
    expect(rows[2]).toMatchObject({ full_name: "司马光明", email: null, company: null });
    expect(result.totals.rejected).toBe(0);
  });

  it("reads GB18030's four-byte characters", async () => {
    const store = join(tempDir(), "roster.db");
    await importFiles([join(ENCODINGS, "customers-gb18030.csv")], store);
    expect(query(store, "SELECT full_name FROM records WHERE source_id = 'C004'")).toEqual([{ full_name: "𠮷祥" }]);
  });

  it("decodes a GBK character split across read chunks, at every chunk size", async () => {
    const whole = join(tempDir(), "roster.db");
    await importFiles([join(ENCODINGS, "customers-gbk.csv")], whole);
    const expected = query(whole, "SELECT raw FROM records ORDER BY line");
    for (const chunkSize of [1, 2, 3, 5, 7, 64]) {
      const store = join(tempDir(), "roster.db");
      await importFiles([join(ENCODINGS, "customers-gbk.csv")], store, { read: { encoding: "auto", chunkSize } });
      expect(query(store, "SELECT raw FROM records ORDER BY line"), `chunk size ${chunkSize}`).toEqual(expected);
    }
  });

  it("refuses to guess Latin-1, naming the byte offset, and reads it by flag", async () => {
    const file = join(ENCODINGS, "customers-latin1.csv");
    await expect(importOrThrow([file], join(tempDir(), "roster.db"))).rejects.toThrow(
      /customers-latin1.csv:2: cannot tell the text encoding: byte offset 19 is not valid UTF-8 and byte offset 19 \(line 2\) is not valid GB18030/,
    );
    const store = join(tempDir(), "roster.db");
    await importFiles([file], store, { read: { encoding: "latin1" } });
    expect(query(store, "SELECT source_id, full_name FROM records ORDER BY line")).toEqual([
      { source_id: "1", full_name: "José Müller" },
      { source_id: "2", full_name: "Françoise Lefèvre" },
    ]);
  });

  it("with a forced UTF-8 encoding, rows holding invalid bytes are rejected and the rest imported", async () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      "mixed.csv",
      Buffer.concat([Buffer.from("id,name\n1,Ann\n2,"), Buffer.from([0xd5, 0xc5]), Buffer.from("\n3,Bo\n")]),
    );
    const store = join(dir, "roster.db");
    const result = await importFiles([file], store, { read: { encoding: "utf-8" } });
    expect(result.totals).toMatchObject({ read: 3, new: 2, rejected: 1 });
    expect(query(store, "SELECT line, reason FROM rejects")).toEqual([{ line: 3, reason: expect.stringMatching(/undecodable bytes/) }]);
  });
});

describe("JSON and JSON Lines", () => {
  it("flattens nested objects to dotted names, maps them, and keeps the verbatim text", async () => {
    const dir = tempDir();
    const element =
      '{"id": "S-1", "name": "Zhang Wei", "contact": {"email": "ZW@Example.com", "mobile": "+86 138 0013 8000"}, "address": {"city": "北京"}, "tags": ["vip"]}';
    const file = writeFile(dir, "shop.json", `[\n  ${element},\n  {"id": "S-2", "name": "Li Na"}\n]\n`);
    const store = join(dir, "roster.db");
    const result = await importFiles([file], store);
    expect(result.files[0]?.format).toBe("json");
    expect(query(store, "SELECT source, source_id, full_name, email, phone, city, attributes, raw, line FROM records ORDER BY id")).toEqual(
      [
        {
          source: "shop",
          source_id: "S-1",
          full_name: "Zhang Wei",
          email: "ZW@Example.com",
          phone: "+86 138 0013 8000",
          city: "北京",
          attributes: '{"tags":"[\\"vip\\"]"}',
          raw: element,
          line: 2,
        },
        {
          source: "shop",
          source_id: "S-2",
          full_name: "Li Na",
          email: null,
          phone: null,
          city: null,
          attributes: null,
          raw: '{"id": "S-2", "name": "Li Na"}',
          line: 3,
        },
      ],
    );
  });

  it("rejects a JSON Lines line that does not parse and imports the others", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "web.jsonl", '{"email":"a@x.com"}\n{"email": "b@x.com"\n{"email":"c@x.com"}\n');
    const store = join(dir, "roster.db");
    const result = await importFiles([file], store);
    expect(result.totals).toMatchObject({ read: 3, new: 2, rejected: 1 });
    expect(query(store, "SELECT line, raw FROM rejects")).toEqual([{ line: 2, raw: '{"email": "b@x.com"' }]);
  });
});

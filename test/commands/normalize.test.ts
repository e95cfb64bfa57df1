/** runNormalize on a store and as a file filter, on a mixed English/Chinese fixture. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import Database from "better-sqlite3";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { type NormalizeOptions, runNormalize } from "../../src/commands/normalize.js";
import { StoreError } from "../../src/errors.js";
import { importFiles, normalizeOptions, query, quietTerminal, ROOT } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const FIXTURE = join(ROOT, "fixtures", "normalize", "mixed-customers.csv");

const options = normalizeOptions;

async function normalize(opts: NormalizeOptions, stdout = new PassThrough()) {
  return runNormalize(opts, { terminal: quietTerminal().terminal, stdout });
}

const COLUMNS =
  "source_id, full_name, given_name, family_name, name_title, name_suffix, name_han, name_key, email, email_key, phone, phone_ext, birth_date, address_line1, city, region, postal_code, country, marketing_consent";

const EXPECTED = [
  {
    source_id: "M1",
    full_name: "John McDonald",
    given_name: "John",
    family_name: "McDonald",
    name_title: null,
    name_suffix: null,
    name_han: null,
    name_key: "john mcdonald",
    email: "john.mcdonald@example.com",
    email_key: "john.mcdonald@example.com",
    phone: "+14155550132",
    phone_ext: null,
    birth_date: "1985-04-13",
    address_line1: "123 Main St Apt 4B",
    city: "San Francisco",
    region: "CA",
    postal_code: "94110",
    country: "US",
    marketing_consent: "true",
  },
  {
    source_id: "M2",
    full_name: "Mary O'Brien",
    given_name: "Mary",
    family_name: "O'Brien",
    name_title: null,
    name_suffix: null,
    name_han: null,
    name_key: "mary obrien",
    email: "m.a.r.y+shop@googlemail.com",
    email_key: "mary@gmail.com",
    phone: "+14155550199",
    phone_ext: "12",
    birth_date: "1990-03-02", // day-first: the source's 13/04/1985 says so
    address_line1: "45 Oak Avenue",
    city: "Boston",
    region: "MA",
    postal_code: "02114",
    country: "US",
    marketing_consent: "false",
  },
  {
    source_id: "M3",
    full_name: "張偉",
    given_name: "偉",
    family_name: "張",
    name_title: null,
    name_suffix: null,
    name_han: "张伟",
    name_key: "wei zhang",
    email: "zhangwei@example.cn",
    email_key: "zhangwei@example.cn",
    phone: "+8613800138000",
    phone_ext: null,
    birth_date: "1988-03-15",
    address_line1: "朝阳区建国路88号",
    city: "北京",
    region: "北京",
    postal_code: "100022",
    country: "CN",
    marketing_consent: "true",
  },
  {
    source_id: "M4",
    full_name: "欧阳娜娜",
    given_name: "娜娜",
    family_name: "欧阳",
    name_title: null,
    name_suffix: null,
    name_han: "欧阳娜娜",
    name_key: "nana ouyang",
    email: "nana@example.cn",
    email_key: "nana@example.cn",
    phone: "+8613912345678",
    phone_ext: null,
    birth_date: "1992-11-23",
    address_line1: "浦东新区世纪大道100号",
    city: "上海",
    region: "上海",
    postal_code: "200120",
    country: "CN",
    marketing_consent: "false",
  },
  {
    source_id: "M5",
    full_name: "Pieter van der Berg",
    given_name: "Pieter",
    family_name: "van der Berg",
    name_title: "Dr.",
    name_suffix: "Jr.",
    name_han: null,
    name_key: "berg der pieter van",
    email: "pieter@example.nl",
    email_key: "pieter@example.nl",
    phone: "n/a", // kept, with a finding
    phone_ext: null,
    birth_date: "30/02/1990", // kept, with a finding
    address_line1: "Keizersgracht 1",
    city: "Amsterdam",
    region: null,
    postal_code: "1015 CJ",
    country: "NL",
    marketing_consent: null,
  },
  {
    source_id: "M6",
    full_name: "Wei Zhang",
    given_name: "Wei",
    family_name: "Zhang",
    name_title: null,
    name_suffix: null,
    name_han: null,
    name_key: "wei zhang",
    email: "zhangwei@example.cn",
    email_key: "zhangwei@example.cn",
    phone: "+8613800138000",
    phone_ext: null,
    birth_date: "1988-03-15",
    address_line1: null,
    city: "Beijing",
    region: null,
    postal_code: null,
    country: "CN",
    marketing_consent: "true",
  },
  {
    source_id: "M7",
    full_name: "Zoë Smith-Jones",
    given_name: "Zoë",
    family_name: "Smith-Jones",
    name_title: null,
    name_suffix: null,
    name_han: null,
    name_key: "jones smith zoe",
    email: "zoe@example.co.uk",
    email_key: "zoe@example.co.uk",
    phone: "07700 900123", // Ofcom's drama range: not a real number, kept with a finding
    phone_ext: null,
    birth_date: "1985-04-12",
    address_line1: "10 Downing St",
    city: "London",
    region: null,
    postal_code: "SW1A 2AA",
    country: "GB",
    marketing_consent: "true",
  },
  {
    source_id: "M8",
    full_name: "Li Na",
    given_name: "Li",
    family_name: "Na",
    name_title: null,
    name_suffix: null,
    name_han: null,
    name_key: "li na",
    email: null,
    email_key: null,
    phone: null,
    phone_ext: null,
    birth_date: "1990-04-13", // Excel serial 32976
    address_line1: null,
    city: null,
    region: null,
    postal_code: null,
    country: "Narnia", // kept, with a finding
    marketing_consent: "maybe", // kept, with a finding
  },
];

const EXPECTED_FINDINGS = [
  { source_id: "M5", field: "phone", rule: "phone.unparseable" },
  { source_id: "M5", field: "birth_date", rule: "date.impossible" },
  { source_id: "M7", field: "phone", rule: "phone.unparseable" },
  { source_id: "M8", field: "country", rule: "country.unknown" },
  { source_id: "M8", field: "marketing_consent", rule: "consent.unrecognized" },
];

async function importedStore(): Promise<string> {
  const store = join(tempDir(), "roster.db");
  await importFiles([FIXTURE], store, { source: "mixed" });
  return store;
}

const findingsOf = (store: string) =>
  query(
    store,
    "SELECT r.source_id, f.field, f.rule FROM findings f JOIN records r ON r.id = f.record_id WHERE f.stage = 'normalize' ORDER BY r.source_id, f.id",
  );

describe("normalize in the store", () => {
  it("writes canonical values, match keys and findings (checked with SQL)", async () => {
    const store = await importedStore();
    const result = await normalize(options(store));
    expect(query(store, `SELECT ${COLUMNS} FROM current_records ORDER BY source_id`)).toEqual(EXPECTED);
    expect(findingsOf(store)).toEqual(EXPECTED_FINDINGS);
    expect(result.sources).toEqual([
      { source: "mixed", records: 8, dateOrder: "dmy", dateOrderFrom: "data", evidence: { dayFirst: 2, monthFirst: 0 } },
    ]);
    expect(result.summary.fields.phone).toMatchObject({ changed: 5, unchanged: 0, empty: 1, invalid: 2 });
    expect(query(store, "SELECT count(*) AS n FROM current_records WHERE normalized_at IS NULL")).toEqual([{ n: 0 }]);
  });

  it("leaves the raw rows untouched, and re-running changes nothing and does not duplicate findings", async () => {
    const store = await importedStore();
    const raw = query(store, "SELECT raw FROM records ORDER BY id");
    await normalize(options(store));
    const first = query(store, `SELECT ${COLUMNS} FROM current_records ORDER BY id`);
    await normalize(options(store));
    expect(query(store, `SELECT ${COLUMNS} FROM current_records ORDER BY id`)).toEqual(first);
    expect(findingsOf(store)).toEqual(EXPECTED_FINDINGS);
    expect(query(store, "SELECT raw FROM records ORDER BY id")).toEqual(raw);
  });

  it("a re-run rewrites only the values and keys that differ from the normalized ones", async () => {
    const store = await importedStore();
    await normalize(options(store));
    const normalized = query(store, `SELECT ${COLUMNS} FROM current_records ORDER BY id`);
    const db = new Database(store);
    // Count every rewrite from here on, and spoil one stored value and one stored key by hand.
    db.exec(`CREATE TABLE rewrites (tbl TEXT, id INTEGER);
             CREATE TRIGGER values_rewritten AFTER UPDATE ON records BEGIN INSERT INTO rewrites VALUES ('records', new.id); END;
             CREATE TRIGGER keys_rewritten AFTER INSERT ON record_keys BEGIN INSERT INTO rewrites VALUES ('keys', new.record_id); END;`);
    db.prepare("UPDATE records SET email = 'JOHN.MCDONALD@EXAMPLE.COM ' WHERE source_id = 'M1'").run();
    db.prepare(
      "UPDATE record_keys SET keys = json_set(keys, '$.name_key', 'spoiled') WHERE record_id = (SELECT id FROM records WHERE source_id = 'M2')",
    ).run();
    db.exec("DELETE FROM rewrites");
    db.close();
    await normalize(options(store));
    // M1's keys are written again with its values (unchanged, but stamped: normalized_at says when normalize
    // last wrote the record, which dedupe's incremental run reads to find changed records).
    expect(query(store, "SELECT w.tbl, r.source_id FROM rewrites w JOIN records r ON r.id = w.id ORDER BY w.tbl, r.source_id")).toEqual([
      { tbl: "keys", source_id: "M1" },
      { tbl: "keys", source_id: "M2" },
      { tbl: "records", source_id: "M1" },
    ]);
    expect(query(store, `SELECT ${COLUMNS} FROM current_records ORDER BY id`)).toEqual(normalized);
  });

  it("a date order from roster.yml wins over the data's", async () => {
    const store = await importedStore();
    const result = await normalize(options(store, { perSource: { mixed: { dateOrder: "mdy" } } }));
    expect(result.sources[0]).toMatchObject({ dateOrder: "mdy", dateOrderFrom: "config" });
    expect(query(store, "SELECT birth_date FROM records WHERE source_id = 'M2'")).toEqual([{ birth_date: "1990-02-03" }]);
  });

  it("without evidence, ambiguous dates are reported and kept, never guessed", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles([writeFile(dir, "web.csv", "email,dob\na@x.com,02/03/1990\nb@x.com,1990-01-01\n")], store);
    const result = await normalize(options(store));
    expect(result.sources[0]).toMatchObject({ dateOrder: null, dateOrderFrom: "undecided" });
    expect(query(store, "SELECT birth_date FROM records ORDER BY id")).toEqual([
      { birth_date: "02/03/1990" },
      { birth_date: "1990-01-01" },
    ]);
    expect(query(store, "SELECT rule, suggestion FROM findings")).toEqual([
      { rule: "date.ambiguous", suggestion: "set date_order: dmy or mdy for this source in roster.yml" },
    ]);
  });

  it("the default country decides phones of records without one", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles([writeFile(dir, "cn.csv", "手机号,姓名\n13800138000,张伟\n")], store);
    await normalize(options(store, { country: "CN" }));
    expect(query(store, "SELECT phone, family_name, given_name FROM records")).toEqual([
      { phone: "+8613800138000", family_name: "张", given_name: "伟" },
    ]);
  });

  it("a dry run reports what would change and writes nothing", async () => {
    const store = await importedStore();
    const before = query(store, "SELECT * FROM records ORDER BY id");
    const result = await normalize(options(store, { dryRun: true }));
    expect(result.summary.fields.email?.changed).toBe(3);
    expect(result.summary.fields.email?.samples[0]).toEqual({ before: "John.McDonald@Example.COM", after: "john.mcdonald@example.com" });
    expect(query(store, "SELECT * FROM records ORDER BY id")).toEqual(before);
    expect(query(store, "SELECT count(*) AS n FROM findings")).toEqual([{ n: 0 }]);
  });

  it("only the chosen source with --source; a missing store is a store error", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    await importFiles([FIXTURE, writeFile(dir, "other.csv", "email\nX@Y.COM\n")], store);
    await normalize(options(store, { source: "other" }));
    expect(query(store, "SELECT source, count(normalized_at) AS n FROM current_records GROUP BY source ORDER BY source")).toEqual([
      { source: "mixed-customers", n: 0 },
      { source: "other", n: 1 },
    ]);
    await expect(normalize(options(join(dir, "nope.db")))).rejects.toThrow(StoreError);
  });
});

describe("normalize as a file filter", () => {
  it("CSV in, normalized CSV out, and normalizing the output again changes nothing", async () => {
    const dir = tempDir();
    const out = join(dir, "clean.csv");
    const result = await normalize(options(join(dir, "unused.db"), { files: [FIXTURE], out }));
    expect(result.summary.records).toBe(8);
    const rows = parse(readFileSync(out), { columns: true }) as Record<string, string>[];
    const pick = (row: Record<string, string>) => Object.fromEntries(COLUMNS.split(", ").map((c) => [c, row[c] === "" ? null : row[c]]));
    expect(rows.map(pick)).toEqual(EXPECTED);
    expect(rows[0]).toMatchObject({ source: "mixed-customers", line: "2" });

    const again = join(dir, "again.csv");
    await normalize(options(join(dir, "unused.db"), { files: [out], out: again, source: "mixed-customers" }));
    const rowsAgain = parse(readFileSync(again), { columns: true }) as Record<string, string>[];
    // Everything but where the row came from (the second pass read the first one's output) is the same.
    const content = (row: Record<string, string>) => {
      const { line: _l, ...rest } = row;
      return rest;
    };
    expect(rowsAgain.map(content)).toEqual(rows.map(content));
  });

  it("JSON Lines in, JSON Lines out on stdout", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "shop.jsonl", '{"id":"S1","name":"ZHANG WEI","contact":{"mobile":"+86 138 0013 8000"}}\n');
    const stdout = new PassThrough();
    let text = "";
    stdout.on("data", (chunk) => {
      text += String(chunk);
    });
    await normalize(options(join(dir, "unused.db"), { files: [file] }), stdout);
    expect(JSON.parse(text)).toMatchObject({
      source: "shop",
      line: 1,
      source_id: "S1",
      full_name: "Zhang Wei",
      phone: "+8613800138000",
      name_key: "wei zhang",
    });
  });

  it("rows that cannot be read are reported, and a failure leaves no partial output file", async () => {
    const dir = tempDir();
    const result = await normalize(
      options(join(dir, "unused.db"), { files: [writeFile(dir, "bad.csv", 'id,name\n1,"Ann\n2,Bo\n')], out: join(dir, "o.csv") }),
    );
    expect(result.rejects).toEqual([{ where: join(dir, "bad.csv") + ":2", reason: "unclosed quoted field" }]);
    const broken = writeFile(dir, "broken.json", '[{"id": 1},\n{"id": "x}\n');
    await expect(normalize(options(join(dir, "unused.db"), { files: [broken], out: join(dir, "b.csv") }))).rejects.toThrow(/broken.json:2/);
    expect(() => readFileSync(join(dir, "b.csv"))).toThrow();
  });
});

/** `roster normalize` through the built binary: exit codes, streams, and the store afterwards. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { writeCustomersCsv } from "../../bench/generate-customers.mjs";
import { cli, query, ROOT } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const FIXTURE = join(ROOT, "fixtures", "normalize", "mixed-customers.csv");

describe("roster normalize", () => {
  it("imports then normalizes the store; --json gives the per-field summary on stdout", () => {
    const dir = tempDir();
    expect(cli(["import", "--source", "mixed", FIXTURE], { cwd: dir }).code).toBe(0);
    const run = cli(["--json", "normalize"], { cwd: dir });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ command: "normalize", mode: "store", dry_run: false, records: 8, findings: 5 });
    expect(result.fields.country).toEqual({ changed: 6, unchanged: 1, empty: 0, invalid: 1, samples: expect.any(Array) });
    expect(result.sources).toEqual([
      { source: "mixed", records: 8, date_order: "dmy", date_order_from: "data", evidence: { day_first: 2, month_first: 0 } },
    ]);
    expect(query(join(dir, "roster.db"), "SELECT phone FROM records WHERE source_id = 'M3'")).toEqual([{ phone: "+8613800138000" }]);
  });

  it("prints a table and the findings with source, line and id", () => {
    const dir = tempDir();
    cli(["import", "--source", "mixed", FIXTURE], { cwd: dir });
    const run = cli(["normalize"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/field\s+changed\s+unchanged\s+empty\s+invalid/);
    expect(run.stderr).toMatch(/mixed:6 \(M5\): birth_date: "30\/02\/1990" is not a real date/);
    expect(run.stderr).toMatch(/normalized 8 records with 5 findings/);
  });

  it("as a filter: file in, CSV on stdout, nothing else touched", () => {
    const dir = tempDir();
    const run = cli(["normalize", FIXTURE], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")[0]).toMatch(/^source,line,source_id,given_name,family_name,full_name,email,phone,/);
    expect(run.stdout).toMatch(/mixed-customers,4,M3,偉,張,張偉,zhangwei@example.cn,\+8613800138000,1988-03-15/);
    expect(existsSync(join(dir, "roster.db"))).toBe(false);
  });

  it("as a filter with -o and --json: the summary on stdout, the rows in the file", () => {
    const dir = tempDir();
    const run = cli(["--json", "normalize", FIXTURE, "-o", "clean.jsonl"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ mode: "files", records: 8 });
    const lines = readFileSync(join(dir, "clean.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(8);
    expect(JSON.parse(lines[6] as string)).toMatchObject({ source_id: "M7", postal_code: "SW1A 2AA", country: "GB" });
  });

  it("worker threads (ROSTER_WORKERS=2) write exactly what the inline run writes", () => {
    const dir = tempDir();
    const inline = join(dir, "inline.db");
    const parallel = join(dir, "parallel.db");
    const more = writeFile(
      dir,
      "more.csv",
      `id,name,phone,country\n${Array.from({ length: 300 }, (_, i) => `X${i},PERSON ${i},(415) 555-${String(i).padStart(4, "0")},USA`).join("\n")}\n`,
    );
    for (const store of [inline, parallel]) {
      expect(cli(["--store", store, "import", "--source", "mixed", FIXTURE], { cwd: dir }).code).toBe(0);
      expect(cli(["--store", store, "import", more], { cwd: dir }).code).toBe(0);
    }
    expect(cli(["--store", inline, "normalize"], { cwd: dir, env: { ROSTER_WORKERS: "0" } }).code).toBe(0);
    const run = cli(["--json", "--store", parallel, "normalize"], { cwd: dir, env: { ROSTER_WORKERS: "2" } });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ records: 308, findings: 5 });
    const columns =
      "id, full_name, given_name, family_name, name_key, email, email_key, phone, birth_date, postal_code, country, marketing_consent";
    expect(query(parallel, `SELECT ${columns} FROM current_records ORDER BY id`)).toEqual(
      query(inline, `SELECT ${columns} FROM current_records ORDER BY id`),
    );
    expect(query(parallel, "SELECT record_id, rule FROM findings ORDER BY record_id, rule")).toEqual(
      query(inline, "SELECT record_id, rule FROM findings ORDER BY record_id, rule"),
    );
    expect(query(parallel, "SELECT details FROM audit_log WHERE command = 'normalize'")).toEqual([
      { details: expect.stringContaining('"workers":2') },
    ]);
  });

  it("ROSTER_WORKERS must be a small whole number", () => {
    const run = cli(["normalize"], { cwd: tempDir(), env: { ROSTER_WORKERS: "lots" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/ROSTER_WORKERS must be a whole number from 0 to 64/);
  });

  it.each([
    [["normalize"], 4, /no store at .*roster.db/],
    [["--json", "normalize", "x.csv"], 2, /--json with files needs -o FILE/],
    [["normalize", "-o", "out.csv"], 2, /-o\/--out is for normalizing files/],
    [["normalize", "missing.csv"], 3, /missing.csv: no such file/],
    [["normalize", FIXTURE, "-o", "out.xlsx"], 2, /-o out.xlsx: write .csv or .jsonl/],
  ])("%j → exit %i", (args, code, message) => {
    const run = cli(args as string[], { cwd: tempDir() });
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
  });

  it("a large filter run to a file waits for the disk without piling up listeners (no leak warning)", async () => {
    const dir = tempDir();
    await writeCustomersCsv(join(dir, "big.csv"), { rows: 100_000, seed: 3 });
    const run = cli(["--country", "US", "normalize", "big.csv", "-o", "clean.csv"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/MaxListenersExceededWarning|memory leak/);
    expect(readFileSync(join(dir, "clean.csv"), "utf8").split("\n").length).toBe(100_002); // header, rows, final newline
  });

  it("a BLOB an analyst wrote into a canonical column is rewritten, not a reason to stop", () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    writeFile(dir, "people.csv", "id,name,city\nP1,Ann,Berlin\nP2,Bo,Paris\n");
    expect(cli(["import", "people.csv"], { cwd: dir }).code).toBe(0);
    expect(cli(["normalize"], { cwd: dir }).code).toBe(0);
    const db = new Database(store);
    db.prepare("UPDATE records SET city = ? WHERE source_id = 'P1'").run(Buffer.from("Berlin"));
    db.close();
    const run = cli(["normalize"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(query(store, "SELECT typeof(city) AS type, city FROM records WHERE source_id = 'P1'")).toEqual([
      { type: "text", city: "Berlin" },
    ]);
    expect(cli(["validate"], { cwd: dir }).code).toBe(0);
  });

  it("the date order comes from the batches that still hold current records", () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    // The CRM's export switched from day-first to month-first: every row changed, so the old batch is all
    // superseded and no longer speaks for the source.
    writeFile(dir, "crm.csv", "id,name,birth_date\nA1,Ann,25/12/1990\nA2,Bo,03/04/1985\n");
    expect(cli(["import", "crm.csv"], { cwd: dir }).code).toBe(0);
    writeFile(dir, "crm.csv", "id,name,birth_date\nA1,Ann,12/25/1990\nA2,Bo,04/03/1985\n");
    expect(cli(["import", "crm.csv"], { cwd: dir }).code).toBe(0);
    const run = cli(["--json", "normalize"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).sources).toEqual([
      { source: "crm", records: 2, date_order: "mdy", date_order_from: "data", evidence: { day_first: 0, month_first: 1 } },
    ]);
    expect(query(store, "SELECT birth_date FROM current_records ORDER BY source_id")).toEqual([
      { birth_date: "1990-12-25" },
      { birth_date: "1985-04-03" },
    ]);
    // A third export still day-first for one row: both orders are current again, and nothing is guessed.
    writeFile(dir, "crm.csv", "id,name,birth_date\nA1,Ann,12/25/1990\nA2,Bo,04/03/1985\nA3,Cy,31/01/1970\n");
    expect(cli(["import", "crm.csv"], { cwd: dir }).code).toBe(0);
    const mixed = JSON.parse(cli(["--json", "normalize"], { cwd: dir }).stdout);
    expect(mixed.sources[0]).toMatchObject({ date_order: null, date_order_from: "undecided" });
  });

  it("date_order and per-source settings come from roster.yml; a bad value names the key path", () => {
    const dir = tempDir();
    writeFile(dir, "roster.yml", "sources:\n  mixed:\n    date_order: mdy\n");
    cli(["import", "--source", "mixed", FIXTURE], { cwd: dir });
    expect(cli(["normalize"], { cwd: dir }).code).toBe(0);
    expect(query(join(dir, "roster.db"), "SELECT birth_date FROM records WHERE source_id = 'M2'")).toEqual([{ birth_date: "1990-02-03" }]);
    writeFile(dir, "roster.yml", "sources:\n  mixed:\n    date_order: ymd\n");
    const bad = cli(["normalize"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/roster.yml: sources.mixed.date_order: Invalid option: expected one of "dmy"\|"mdy"/);
  });
});

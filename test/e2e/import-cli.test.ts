/** The built binary, end to end: exit codes, stdout/stderr, and what landed in the store. */

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SCHEMA_VERSION } from "../../src/store/schema.js";
import { BIN, cli, cliWithPermissions, query } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const CSV = "id,name,email\n1,Ann,ann@x.com\n2,Bo,bo@x.com\n";
const ANSI = /\u001b\[/;

describe("help and usage errors (exit 2)", () => {
  it("--help lists the commands and examples; import --help has examples", () => {
    const dir = tempDir();
    const top = cli(["--help"], { cwd: dir });
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/import \[options\] <file\.\.\.>/);
    expect(top.stdout).toMatch(/Examples:/);
    const sub = cli(["import", "--help"], { cwd: dir });
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/--max-rejects <N\|P%>/);
    expect(sub.stdout).toMatch(/\$ roster import --dry-run/);
  });

  it.each([
    [["import", "--bogus", "a.csv"], /unknown option '--bogus'/],
    [["import"], /missing required argument 'file'/],
    [["import", "--max-rejects", "lots", "a.csv"], /--max-rejects takes a count \(10\) or a percentage/],
    [["import", "--map", "Handy=telephone", "a.csv"], /--map Handy=telephone: unknown field/],
    [["import", "--encoding", "ebcdic", "a.csv"], /--encoding: unsupported encoding "ebcdic"/],
    [["import", "--delimiter", "::", "a.csv"], /--delimiter takes one character/],
    [["import", "--format", "xml", "a.csv"], /argument 'xml' is invalid/],
    [["--country", "China", "import", "a.csv"], /--country takes a two-letter code/],
  ])("%j", (args, message) => {
    const run = cli(args, { cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
  });

  it("a bad roster.yml names the key path", () => {
    const dir = tempDir();
    writeFile(dir, "roster.yml", "mappings:\n  Handy: telephone\n");
    writeFile(dir, "a.csv", CSV);
    const run = cli(["import", "a.csv"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/roster.yml: mappings.Handy: Invalid option: expected one of/);
    writeFile(dir, "roster.yml", "stroe: x.db\n");
    expect(cli(["import", "a.csv"], { cwd: dir }).stderr).toMatch(/roster.yml: \(top level\): Unrecognized key: "stroe"/);
    writeFile(dir, "roster.yml", "mappings: [unclosed\n");
    expect(cli(["import", "a.csv"], { cwd: dir }).stderr).toMatch(/roster.yml:\d+: not valid YAML/);
  });
});

describe("import: input problems", () => {
  it("missing file → exit 3, nothing written", () => {
    const dir = tempDir();
    const run = cli(["import", "nope.csv"], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/error: nope.csv: no such file/);
    expect(existsSync(join(dir, "roster.db"))).toBe(false);
  });

  it("a PNG → exit 3 naming what it looks like", () => {
    const dir = tempDir();
    writeFile(dir, "photo.csv", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48]));
    const run = cli(["import", "photo.csv"], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/photo.csv: not CSV or JSON: it looks like a PNG image/);
  });

  it("bytes that are neither UTF-8 nor GB18030 → exit 3 naming file, line and offset; nothing written", () => {
    const dir = tempDir();
    writeFile(dir, "legacy.csv", Buffer.from("id;name\r\n1;Jos\xe9 M\xfcller\r\n", "latin1"));
    const run = cli(["import", "legacy.csv"], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/legacy.csv:2: cannot tell the text encoding: byte offset 14 is not valid UTF-8/);
    expect(run.stderr).toMatch(/pass --encoding/);
    expect(existsSync(join(dir, "roster.db"))).toBe(false);
    const fixed = cli(["import", "--encoding", "latin1", "legacy.csv"], { cwd: dir });
    expect(fixed.code).toBe(0);
    expect(query(join(dir, "roster.db"), "SELECT full_name FROM records")).toEqual([{ full_name: "José Müller" }]);
  });

  it("a JSON Lines line that does not parse is rejected with its line", () => {
    const dir = tempDir();
    writeFile(dir, "web.jsonl", '{"email":"a@x.com"}\n{"email":\n{"email":"c@x.com"}\n');
    const run = cli(["import", "web.jsonl"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/web.jsonl:2: invalid JSON/);
    expect(query(join(dir, "roster.db"), "SELECT email FROM records ORDER BY line")).toEqual([{ email: "a@x.com" }, { email: "c@x.com" }]);
    expect(query(join(dir, "roster.db"), "SELECT line, raw FROM rejects")).toEqual([{ line: 2, raw: '{"email":' }]);
  });

  it("an empty file and a header-only file → exit 0 with a warning", () => {
    const dir = tempDir();
    writeFile(dir, "empty.csv", "");
    writeFile(dir, "header.csv", "id,name\n");
    const run = cli(["import", "empty.csv", "header.csv"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: empty.csv: the file is empty: nothing imported/);
    expect(run.stderr).toMatch(/warning: header.csv: no data rows/);
    expect(query(join(dir, "roster.db"), "SELECT count(*) AS n FROM records")).toEqual([{ n: 0 }]);
  });

  it("a broken JSON array → exit 3 naming the line, and the store keeps only what it had", () => {
    const dir = tempDir();
    writeFile(dir, "a.csv", CSV);
    expect(cli(["import", "a.csv"], { cwd: dir }).code).toBe(0);
    writeFile(dir, "b.json", '[{"email": "x@y.z"},\n{"email": "oops}\n');
    const run = cli(["import", "b.json"], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/b.json:2: the JSON ends inside a record/);
    expect(query(join(dir, "roster.db"), "SELECT source, count(*) AS n FROM records GROUP BY source")).toEqual([{ source: "a", n: 2 }]);
    expect(query(join(dir, "roster.db"), "SELECT count(*) AS n FROM batches")).toEqual([{ n: 1 }]);
  });

  it("bad rows: exit 0 with file:line messages; --max-rejects turns them into exit 1", () => {
    const dir = tempDir();
    writeFile(dir, "bad.csv", 'id,name,email\n1,"Ann,ann@x.com\n2,Bo,bo@x.com\n3,Cy\n');
    const run = cli(["import", "bad.csv"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/bad.csv:2: unclosed quoted field/);
    expect(run.stderr).toMatch(/bad.csv:4: expected 3 fields, found 2/);
    expect(run.stderr).not.toMatch(ANSI);
    const store = join(dir, "roster.db");
    expect(query(store, "SELECT line, raw, reason FROM rejects ORDER BY line")).toEqual([
      { line: 2, raw: '1,"Ann,ann@x.com', reason: "unclosed quoted field" },
      { line: 4, raw: "3,Cy", reason: "expected 3 fields, found 2" },
    ]);
    writeFile(dir, "bad2.csv", 'id,name,email\n1,"Ann,ann@x.com\n2,Bo,bo@x.com\n');
    const gated = cli(["import", "--max-rejects", "0", "bad2.csv"], { cwd: dir });
    expect(gated.code).toBe(1);
    expect(gated.stderr).toMatch(/too many rejected rows for --max-rejects 0: bad2.csv \(1 of 2 rows\)/);
  });
});

describe("import: output and streams", () => {
  it("--json prints one object on stdout and the summary nowhere else", () => {
    const dir = tempDir();
    writeFile(dir, "a.csv", CSV);
    const run = cli(["--json", "import", "a.csv"], { cwd: dir });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ command: "import", ok: true, totals: { read: 2, new: 2, rejected: 0 } });
    expect(result.files[0]).toMatchObject({
      file: "a.csv",
      source: "a",
      status: "imported",
      format: "csv",
      encoding: "utf-8",
      delimiter: ",",
    });
    expect(run.stderr).toBe("");
  });

  it("reads stdin with -, with --format when it cannot be told", () => {
    const dir = tempDir();
    const run = cli(["import", "--source", "pipe", "-"], { cwd: dir, input: CSV });
    expect(run.code).toBe(0);
    const jsonl = cli(["import", "--format", "jsonl", "--source", "web", "-"], { cwd: dir, input: '{"email":"z@x.com"}\n' });
    expect(jsonl.code).toBe(0);
    expect(query(join(dir, "roster.db"), "SELECT source, email FROM records ORDER BY id")).toEqual([
      { source: "pipe", email: "ann@x.com" },
      { source: "pipe", email: "bo@x.com" },
      { source: "web", email: "z@x.com" },
    ]);
  });

  it("a pipe named as a path (<(gunzip -c …), /dev/stdin) is read once, like -", () => {
    const dir = tempDir();
    // A real shell pipe, as cron scripts write it (Node's own spawn input is a socket, not a pipe).
    const run = spawnSync(
      "bash",
      ["-c", `"${process.execPath}" "${BIN}" import --source piped <(printf 'id,name,email\\n1,Ann,ann@x.com\\n2,Bo,bo@x.com\\n')`],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(query(join(dir, "roster.db"), "SELECT source, email FROM records ORDER BY line")).toEqual([
      { source: "piped", email: "ann@x.com" },
      { source: "piped", email: "bo@x.com" },
    ]);
    expect(query(join(dir, "roster.db"), "SELECT length(sha256) AS n FROM batches")).toEqual([{ n: 64 }]);
  });

  it("one unreadable file among several: the others are imported, then exit 3; --json lists each file", () => {
    const dir = tempDir();
    writeFile(dir, "a.csv", CSV);
    writeFile(dir, "c.csv", "id,name\n9,Cy\n");
    const run = cli(["--json", "import", "a.csv", "nope.csv", "c.csv"], { cwd: dir });
    expect(run.code).toBe(3);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ ok: false, failed: 1, totals: { new: 3 } });
    expect(result.files.map((f: { status: string }) => f.status)).toEqual(["imported", "failed", "imported"]);
    expect(result.files[1].error).toMatch(/nope.csv: no such file/);
    expect(run.stderr).toMatch(/1 of 3 files could not be read; the others were imported/);
  });

  it("--source refuses control characters", () => {
    const run = cli(["import", "--source", "a\u001b[31mb", "x.csv"], { cwd: tempDir() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--source: must not contain control characters/);
  });

  it("no colour codes when stderr is not a terminal, whatever TERM and FORCE_COLOR say", () => {
    const dir = tempDir();
    writeFile(dir, "a.csv", 'id,name\n1,"x\n');
    const run = cli(["import", "a.csv"], { cwd: dir, env: { TERM: "xterm-256color", FORCE_COLOR: "3" } });
    expect(run.stderr).toMatch(/unclosed quoted field/);
    expect(run.stderr).not.toMatch(ANSI);
  });

  it("--dry-run prints the mapping and first rows and creates no store", () => {
    const dir = tempDir();
    writeFile(dir, "a.csv", CSV);
    const run = cli(["import", "--dry-run", "a.csv"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/email\s+→\s+email/);
    expect(run.stdout).toMatch(/line 2: \{"source_id":"1","full_name":"Ann","email":"ann@x.com"\}/);
    expect(() => statSync(join(dir, "roster.db"))).toThrow();
  });

  it("the store is created owner-only (0600), and init reports it", () => {
    const dir = tempDir();
    const run = cli(["init"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`created store .*roster.db \\(schema version ${SCHEMA_VERSION}\\)`));
    expect(statSync(join(dir, "roster.db")).mode & 0o777).toBe(0o600);
    expect(cli(["init"], { cwd: dir }).stderr).toMatch(/is ready/);
  });

  it("init --config-template writes a roster.yml that loads, and never overwrites one", () => {
    const dir = tempDir();
    const run = cli(["init", "--config-template"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/wrote roster.yml/);
    const template = readFileSync(join(dir, "roster.yml"), "utf8");
    expect(template).toMatch(/# mappings:/);
    writeFile(dir, "a.csv", CSV);
    expect(cli(["import", "a.csv"], { cwd: dir }).code).toBe(0); // the template itself is valid config
    writeFile(dir, "roster.yml", "country: CN\n");
    const again = cli(["init", "--config-template"], { cwd: dir });
    expect(again.stderr).toMatch(/roster.yml already exists: left as it is/);
    expect(readFileSync(join(dir, "roster.yml"), "utf8")).toBe("country: CN\n");
  });

  it("-v shows how each input was detected and mapped", () => {
    const dir = tempDir();
    writeFile(dir, "a.csv", CSV);
    const run = cli(["-v", "import", "a.csv"], { cwd: dir });
    expect(run.stderr).toMatch(/a.csv: csv, utf-8 \(detected\), delimiter ","; columns: id → source_id, name → full_name, email → email/);
  });

  it("--store and ROSTER_STORE choose the store", () => {
    const dir = tempDir();
    writeFile(dir, "a.csv", CSV);
    expect(cli(["--store", "x.db", "import", "a.csv"], { cwd: dir }).code).toBe(0);
    expect(cli(["import", "a.csv"], { cwd: dir, env: { ROSTER_STORE: join(dir, "y.db") } }).code).toBe(0);
    expect(query(join(dir, "x.db"), "SELECT count(*) AS n FROM records")).toEqual([{ n: 2 }]);
    expect(query(join(dir, "y.db"), "SELECT count(*) AS n FROM records")).toEqual([{ n: 2 }]);
  });
});

describe("store unavailable (exit 4)", () => {
  it("a store with a newer schema", () => {
    const dir = tempDir();
    const db = new Database(join(dir, "roster.db"));
    db.pragma("user_version = 99");
    db.close();
    writeFile(dir, "a.csv", CSV);
    const run = cli(["import", "a.csv"], { cwd: dir });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(`has schema version 99, newer than this roster understands (${SCHEMA_VERSION})`);
    expect(run.stderr).toMatch(/upgrade roster/);
  });

  it("a file that is not SQLite", () => {
    const dir = tempDir();
    writeFile(dir, "roster.db", "id,name\n1,not a database\n");
    writeFile(dir, "a.csv", CSV);
    const run = cli(["import", "a.csv"], { cwd: dir });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/roster.db is not a roster store \(not an SQLite database\)/);
  });

  it("a store locked past the busy timeout", () => {
    const dir = tempDir();
    writeFile(dir, "a.csv", CSV);
    expect(cli(["init"], { cwd: dir }).code).toBe(0);
    const holder = new Database(join(dir, "roster.db"));
    holder.prepare("BEGIN IMMEDIATE").run();
    try {
      const run = cli(["import", "a.csv"], { cwd: dir, env: { ROSTER_BUSY_TIMEOUT: "300" } });
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/is locked by another process/);
      expect(run.stderr).toMatch(/ROSTER_BUSY_TIMEOUT/);
    } finally {
      holder.prepare("ROLLBACK").run();
      holder.close();
    }
    expect(query(join(dir, "roster.db"), "SELECT count(*) AS n FROM records")).toEqual([{ n: 0 }]);
  });

  it("a store file without write permission", () => {
    const dir = tempDir();
    writeFile(dir, "a.csv", CSV);
    expect(cli(["init"], { cwd: dir }).code).toBe(0);
    chmodSync(join(dir, "roster.db"), 0o444);
    const run = cliWithPermissions(["import", "a.csv"], dir);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/cannot write store .*roster.db/);
    expect(run.stderr).toMatch(/check that you may write both the file and its directory/);
  });

  it("a directory without write permission", () => {
    const dir = tempDir();
    const locked = join(dir, "locked");
    mkdirSync(locked);
    writeFileSync(join(dir, "a.csv"), CSV);
    chmodSync(locked, 0o555);
    const run = cliWithPermissions(["--store", join(locked, "roster.db"), "import", join(dir, "a.csv")], dir);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/cannot create store .*locked\/roster.db: permission denied/);
  });
});

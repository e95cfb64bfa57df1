/** The built binary: redoing a batch, `roster batches` and `batches rm`, foreign databases, and smaller import fixes. */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { BIN, cli, query } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const CRM = "id,name,email\nC1,Jürgen Müller,j@x.de\nC2,Ann Lee,ann@x.com\n";

describe("redo a batch", () => {
  it("the same file with the right --encoding replaces the mojibake batch, and says so", () => {
    const dir = tempDir();
    writeFile(dir, "crm.csv", CRM);
    expect(cli(["import", "--encoding", "latin1", "crm.csv"], { cwd: dir }).code).toBe(0);
    const redo = cli(["import", "crm.csv"], { cwd: dir });
    expect(redo.code).toBe(0);
    expect(redo.stderr).toMatch(/crm\.csv → source crm \(batch 2, replaces batch 1, csv, utf-8\): 2 read, 2 new/);
    expect(redo.stderr).toMatch(/same bytes as batch 1, read differently \(encoding latin1 → utf-8\): its records were replaced by these/);
    const again = cli(["--json", "import", "crm.csv"], { cwd: dir });
    const file = JSON.parse(again.stdout).files[0];
    expect(file).toMatchObject({ status: "duplicate", duplicate_of: 2, replaces: null, counts: { read: 2, new: 2 } });
    expect(query(join(dir, "roster.db"), "SELECT full_name FROM current_records ORDER BY source_id")).toEqual([
      { full_name: "Jürgen Müller" },
      { full_name: "Ann Lee" },
    ]);
  });

  it("--json names the replaced batch and why; a mapping from roster.yml counts as a reading option", () => {
    const dir = tempDir();
    writeFile(dir, "crm.csv", "KdNr,email\nK1,a@x.com\n");
    cli(["import", "crm.csv"], { cwd: dir });
    writeFile(dir, "roster.yml", "mappings:\n  KdNr: source_id\n");
    const run = cli(["--json", "import", "crm.csv"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).files[0]).toMatchObject({
      status: "imported",
      batch_id: 2,
      replaces: 1,
      reread_because: ['column "KdNr" attributes → source_id'],
    });
  });

  it("a duplicate's summary gives the original's counts, rejects included", () => {
    const dir = tempDir();
    writeFile(dir, "crm.csv", 'id,email\nC1,a@x.com\nC2,"b\n');
    cli(["import", "crm.csv"], { cwd: dir });
    const again = cli(["import", "crm.csv"], { cwd: dir });
    expect(again.stderr).toMatch(
      /crm\.csv: a duplicate of batch 1 \(same sha256, read the same way\): nothing added; batch 1 had 2 read, 1 new, 0 changed, 0 unchanged, 1 rejected/,
    );
  });
});

describe("roster batches", () => {
  it("lists the batches as a table on stdout, and as JSON under command 'batches'", () => {
    const dir = tempDir();
    writeFile(dir, "crm.csv", CRM);
    cli(["import", "--encoding", "latin1", "crm.csv"], { cwd: dir });
    cli(["import", "crm.csv"], { cwd: dir });
    cli(["import", "crm.csv"], { cwd: dir });
    const table = cli(["batches"], { cwd: dir });
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^id\s+source\s+file\s+imported\s+read\s+new\s+changed\s+unchanged\s+rejected\s+status$/);
    expect(lines.slice(1).map((line) => line.replace(/\d{4}-\d\d-\d\d \d\d:\d\d/, "WHEN").split(/\s{2,}/))).toEqual([
      [" 1", "crm", "crm.csv", "WHEN", "2", "2", "0", "0", "0", "replaced by 2"],
      [" 2", "crm", "crm.csv", "WHEN", "2", "2", "0", "0", "0", "complete (replaces 1)"],
      [" 3", "crm", "crm.csv", "WHEN", "2", "2", "0", "0", "0", "duplicate of 2"],
    ]);
    const json = JSON.parse(cli(["--json", "batches"], { cwd: dir }).stdout);
    expect(json.command).toBe("batches");
    expect(json.batches).toHaveLength(3);
    expect(Object.keys(json.batches[1])).toEqual([
      "id",
      "source",
      "file",
      "path",
      "sha256",
      "format",
      "encoding",
      "delimiter",
      "status",
      "duplicate_of",
      "replaces",
      "replaced_by",
      "imported_at",
      "finished_at",
      "counts",
    ]);
    expect(json.batches[1]).toMatchObject({ id: 2, status: "complete", replaces: 1, encoding: "utf-8", file: "crm.csv" });
  });

  it("rm removes a batch and reinstates the one it replaced; an unknown or malformed id exits 2", () => {
    const dir = tempDir();
    writeFile(dir, "crm.csv", CRM);
    cli(["import", "--encoding", "latin1", "crm.csv"], { cwd: dir });
    cli(["import", "crm.csv"], { cwd: dir });
    const removed = cli(["batches", "rm", "2"], { cwd: dir });
    expect(removed.code).toBe(0);
    expect(removed.stderr).toMatch(/removed batch 2 \(source crm, crm\.csv\): 2 records, 0 rejects, 0 findings/);
    expect(removed.stderr).toMatch(/batch 1, which it had replaced, is current again/);
    const json = JSON.parse(cli(["--json", "batches", "rm", "1"], { cwd: dir }).stdout);
    expect(json).toMatchObject({ command: "batches", action: "rm", batch_id: 1, records: 2, reinstated: null });
    const unknown = cli(["batches", "rm", "7"], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/error: no batch 7 in .*roster\.db/);
    const malformed = cli(["batches", "rm", "seven"], { cwd: dir });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/batches rm takes a batch id \(a whole number\), not "seven"/);
  });

  it("--help shows examples, and the top-level help lists the command", () => {
    const dir = tempDir();
    expect(cli(["batches", "--help"], { cwd: dir }).stdout).toMatch(/Examples:\n {2}\$ roster batches/);
    expect(cli(["batches", "rm", "--help"], { cwd: dir }).stdout).toMatch(/\$ roster batches rm 7/);
    expect(cli(["--help"], { cwd: dir }).stdout).toMatch(/\n {2}batches /);
  });
});

describe("another application's database as --store", () => {
  it("is refused with exit 4 before anything is written to it", () => {
    const dir = tempDir();
    const other = join(dir, "app.db");
    const db = new Database(other);
    db.exec("CREATE TABLE settings (key TEXT, value TEXT)");
    db.close();
    const before = readFileSync(other);
    const mode = statSync(other).mode;
    writeFile(dir, "crm.csv", CRM);
    const run = cli(["--store", other, "import", "crm.csv"], { cwd: dir });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/error: .*app\.db is not a roster store: it is an SQLite database with other tables \(settings\)/);
    expect(readFileSync(other).equals(before)).toBe(true);
    expect(statSync(other).mode).toBe(mode);
  });
});

describe("smaller import fixes", () => {
  it("--dry-run of an undecodable file prints only the error", () => {
    const dir = tempDir();
    writeFile(dir, "bad.csv", Buffer.from("id,name\nC1,J\xfcrgen \x80\xff\n", "latin1"));
    const run = cli(["import", "--dry-run", "bad.csv"], { cwd: dir });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^error: bad\.csv:2: cannot tell the text encoding/);
    expect(run.stderr).not.toMatch(/dry run|column mapping/);
  });

  it("a TSV through a pipe named as a file is read as tsv into source 'pipe', with a warning", () => {
    const dir = tempDir();
    writeFile(dir, "x.tsv", "id\tname\nC1\tAnn\n");
    const run = spawnSync("bash", ["-c", `"${process.execPath}" "${BIN}" --json import <(cat x.tsv)`], { cwd: dir, encoding: "utf8" });
    expect(run.status).toBe(0);
    const file = JSON.parse(run.stdout).files[0];
    expect(file).toMatchObject({ source: "pipe", format: "tsv", delimiter: "\t", counts: { new: 1 } });
    expect(run.stderr).toMatch(/warning: \/dev\/fd\/\d+: a pipe, not a file: its rows go to source "pipe"; name the source with --source/);
  });

  it("audit_log.args records every reading option and flag as it took effect, roster.yml's mappings too", () => {
    const dir = tempDir();
    writeFile(dir, "crm.txt", "Handy;id\n555;C1\n");
    writeFile(dir, "roster.yml", "mappings:\n  Kundennummer: source_id\n");
    cli(["import", "--encoding", "latin1", "--delimiter", ";", "--map", "Handy=phone", "--max-rejects", "1%", "crm.txt"], { cwd: dir });
    const [audit] = query<{ args: string }>(join(dir, "roster.db"), "SELECT args FROM audit_log");
    expect(JSON.parse(audit?.args ?? "[]")).toEqual([
      "--encoding",
      "latin1",
      "--delimiter",
      ";",
      "--map",
      "Kundennummer=source_id",
      "--map",
      "Handy=phone",
      "--max-rejects",
      "1%",
      "crm.txt",
    ]);
  });

  it("validate and normalize on the store record their effective flags too", () => {
    const dir = tempDir();
    writeFile(dir, "crm.csv", CRM);
    cli(["import", "crm.csv"], { cwd: dir });
    cli(["--country", "de", "normalize", "--source", "crm"], { cwd: dir });
    cli(["--country", "de", "validate", "--source", "crm", "--fail-on", "never", "--max-invalid", "5%", "--format", "json"], { cwd: dir });
    const audit = query<{ command: string; args: string }>(
      join(dir, "roster.db"),
      "SELECT command, args FROM audit_log WHERE command <> 'import'",
    );
    expect(audit.map((a) => [a.command, JSON.parse(a.args)])).toEqual([
      ["normalize", ["--country", "DE", "--source", "crm"]],
      ["validate", ["--country", "DE", "--source", "crm", "--format", "json", "--fail-on", "never", "--max-invalid", "5%"]],
    ]);
  });
});

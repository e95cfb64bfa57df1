/** Small CLI contracts through the built binary: flag ranges, unknown sources, counts in words, help texts. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const ONE = "id,name,email\n1,Ann Lee,ann@example.com\n";
/** 1,234 distinct customers: enough for a thousands separator. */
const MANY = `id,name,email\n${Array.from({ length: 1234 }, (_, i) => `${i + 1},Ann Lee,ann${i}@example.com`).join("\n")}\n`;

describe("--max-rejects takes a percentage from 0% to 100%", () => {
  it.each(["150%", "100.1%"])("%s is a usage error naming the flag (exit 2), before anything is written", (limit) => {
    const dir = tempDir();
    writeFile(dir, "one.csv", ONE);
    const run = cli(["import", "--max-rejects", limit, "one.csv"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`--max-rejects: a percentage goes from 0% to 100%, not ${limit.replace(".", "\\.")}`));
    expect(existsSync(join(dir, "roster.db"))).toBe(false);
  });

  it("100% and 0% are accepted", () => {
    const dir = tempDir();
    writeFile(dir, "one.csv", ONE);
    expect(cli(["import", "--max-rejects", "100%", "one.csv"], { cwd: dir }).code).toBe(0);
    expect(cli(["import", "--max-rejects", "0%", "one.csv"], { cwd: dir }).code).toBe(0);
  });
});

describe("--source on the store must name a source it has", () => {
  function store() {
    const dir = tempDir();
    writeFile(dir, "crm.csv", ONE);
    writeFile(dir, "shop.csv", "id,name,email\n7,Bo Chan,bo@example.org\n");
    expect(cli(["import", "crm.csv", "shop.csv"], { cwd: dir }).code).toBe(0);
    return dir;
  }

  it.each([["validate"], ["normalize"]])("%s --source nosuch: exit 2 naming the known sources, nothing passes", (command) => {
    const dir = store();
    const run = cli([command, "--source", "nosuch"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--source nosuch: no such source in the store/);
    expect(run.stderr).toMatch(/sources in the store: crm, shop/);
    expect(run.stdout).toBe("");
  });

  it("a known source still works, and file mode names the rows' source with it", () => {
    const dir = store();
    expect(cli(["normalize", "--source", "shop"], { cwd: dir }).code).toBe(0);
    expect(cli(["validate", "--source", "crm"], { cwd: dir }).code).toBe(0);
    writeFile(dir, "bad.csv", "id,email\n1,nope\n");
    const files = cli(["validate", "--format", "csv", "--source", "nosuch", "bad.csv"], { cwd: dir });
    expect(files.code).toBe(1);
    expect(files.stdout).toMatch(/^nosuch,1,2,email,email\.syntax/m);
  });

  it("an empty store says to import first", () => {
    const dir = tempDir();
    expect(cli(["init"], { cwd: dir }).code).toBe(0);
    const run = cli(["validate", "--source", "crm"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the store has no records yet/);
  });
});

describe("counts in human output: singular, plural, thousands separators", () => {
  it("one record is '1 record', one row '1 row'", () => {
    const dir = tempDir();
    writeFile(dir, "one.csv", ONE);
    expect(cli(["import", "--dry-run", "one.csv"], { cwd: dir }).stdout).toMatch(/^first 1 row, canonical fields:$/m);
    expect(cli(["import", "one.csv"], { cwd: dir }).code).toBe(0);
    expect(cli(["normalize"], { cwd: dir }).stderr).toMatch(/^normalized 1 record with 0 findings$/m);
    const table = cli(["validate"], { cwd: dir });
    expect(table.stdout).toMatch(/^1 record: 0 with errors, 0 with warnings, 0 with notes \(0 findings\)$/m);
    const json = cli(["validate", "--format", "json", "one.csv"], { cwd: dir });
    expect(json.stderr).toMatch(/^1 record checked: 0 with errors, 0 with warnings$/m);
    const strict = cli(["--warn-error", "validate", writeFile(dir, "empty.csv", "id,email\n")], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/1 warning printed, and --warn-error makes them fail the run/);
    const junit = cli(["validate", "--format", "junit", writeFile(dir, "bad.csv", "id,email\n1,nope\n")], { cwd: dir });
    expect(junit.stdout).toMatch(/<failure message="error: 1 record" type="email\.syntax">1 of 1 record \(100\.0%\)/);
  });

  it("1,234 records", () => {
    const dir = tempDir();
    writeFile(dir, "many.csv", MANY);
    expect(cli(["import", "many.csv"], { cwd: dir }).stderr).toMatch(/: 1,234 read, 1,234 new, /);
    expect(cli(["normalize"], { cwd: dir }).stderr).toMatch(/^normalized 1,234 records with 0 findings$/m);
    expect(cli(["validate"], { cwd: dir }).stdout).toMatch(/^1,234 records: 0 with errors/m);
    const gate = cli(["validate", "--max-invalid", "0%", "--format", "markdown", "many.csv"], { cwd: dir });
    expect(gate.stdout).toMatch(/^1,234 records: 0 with errors, 0 with warnings, 0 with notes\.$/m);
    expect(gate.stdout).toMatch(/0\.00% of 1,234 records \(0\) against 0%/);
  });
});

describe("help says what exists and what --source does", () => {
  it("the top-level description names only commands that exist", () => {
    const top = cli(["--help"], { cwd: tempDir() }).stdout;
    const description = top.split("\n\n")[1] ?? "";
    expect(description).toMatch(/import/);
    expect(description).toMatch(/normalize/);
    expect(description).toMatch(/validate/);
    expect(description).not.toMatch(/dedupe|merge/);
  });

  it("import records --source; normalize and validate filter the store by it", () => {
    const dir = tempDir();
    const sourceHelp = (command: string) => {
      const help = cli([command, "--help"], { cwd: dir }).stdout.replace(/\n\s+/g, " ");
      return /--source <name>\s+(.*?)(?= -|$)/.exec(help)?.[1] ?? "";
    };
    expect(sourceHelp("import")).toMatch(/recorded with every row/);
    for (const command of ["normalize", "validate"]) {
      expect(sourceHelp(command)).toMatch(/on the store: only this source's records/);
      expect(sourceHelp(command)).toMatch(/with files: the rows' source name/);
      expect(sourceHelp(command)).not.toMatch(/recorded/);
    }
  });
});

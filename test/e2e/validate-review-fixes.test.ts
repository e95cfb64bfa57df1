/** `roster validate` behaviours found missing in review, each pinned end to end. */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { BIN, cli } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";
import { xmlProblem } from "../helpers/xml.js";

const rulesOf = (stdout: string) =>
  (JSON.parse(stdout).rules as { rule: string; field: string; records: number }[]).map((r) => `${r.field} ${r.rule}`);

describe("gates and configuration", () => {
  it("a warn_if-only check does not switch the error gate off", () => {
    const dir = tempDir();
    writeFile(dir, "e.csv", "id,email\n1,bad\n");
    writeFile(dir, "roster.yml", 'checks:\n  - rule: email.role_account\n    warn_if: "> 10%"\n');
    expect(cli(["validate", "e.csv"], { cwd: dir }).code).toBe(1);
  });

  it("unknown rule ids in disabled_rules, checks and --max-invalid are usage errors", () => {
    const dir = tempDir();
    writeFile(dir, "e.csv", "id,email\n1,a@x.com\n");
    const typo = cli(["validate", "--max-invalid", "email.sytnax=0%", "e.csv"], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/--max-invalid email.sytnax=0%: unknown rule "email.sytnax"/);
    writeFile(dir, "roster.yml", "disabled_rules: [email.rol_account]\n");
    expect(cli(["validate", "e.csv"], { cwd: dir }).stderr).toMatch(/disabled_rules.0: unknown rule "email.rol_account"/);
  });

  it.each([
    ["rules:\n  - field: postal_code\n    length: { min: 10, max: 2 }\n", /length: min is above max/],
    ["rules:\n  - field: birth_date\n    range: { min: '2000-01-01', max: '1990-01-01' }\n", /range: min is above max/],
    ['checks:\n  - warn_if: "> 20%"\n    error_if: "> 10%"\n', /warn_if is above error_if/],
    ['checks:\n  - error_if: "> 150%"\n', /a percentage from 0 to 100/],
  ])("bad values in roster.yml exit 2 (%#)", (yml, message) => {
    const dir = tempDir();
    writeFile(dir, "roster.yml", yml);
    writeFile(dir, "e.csv", "id\n1\n");
    const run = cli(["validate", "e.csv"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("disabled_rules switches off source_id.duplicate too; per-rule shares count distinct records", () => {
    const dir = tempDir();
    writeFile(dir, "d.csv", "id,email,phone\n1,,+14155550132\n1,a@x.com,\n");
    writeFile(dir, "roster.yml", "required: [email, phone]\ndisabled_rules: [source_id.duplicate]\n");
    const run = cli(["validate", "--format", "json", "--max-invalid", "required=99%", "d.csv"], { cwd: dir });
    expect(rulesOf(run.stdout)).toEqual(["email required", "phone required"]);
    expect(JSON.parse(run.stdout).gates[0]).toMatchObject({ passed: false, detail: expect.stringMatching(/^100\.00% of 2 records \(2\)/) });
  });
});

describe("rules", () => {
  it.each([
    ["birth_date", "1990-02-30", "birth_date birth_date.invalid"],
    ["birth_date", "0000-00-00", "birth_date birth_date.invalid"],
    ["country", "XX", "country country.unknown"],
  ])("%s %s → %s", (column, value, rule) => {
    const dir = tempDir();
    writeFile(dir, "r.csv", `id,${column}\n1,${value}\n`);
    expect(rulesOf(cli(["validate", "--format", "json", "r.csv"], { cwd: dir }).stdout)).toContain(rule);
  });

  it("the default country checks postal codes; regional domains are no typos; placeholders count once", () => {
    const dir = tempDir();
    writeFile(dir, "r.csv", "id,zip,email,name\n1,ABCDE,ann@yahoo.co.jp,test\n");
    const rules = rulesOf(cli(["--country", "US", "validate", "--format", "json", "r.csv"], { cwd: dir }).stdout);
    expect(rules).toEqual(["full_name name.placeholder", "postal_code postal_code.invalid"]);
  });

  it("a row that cannot be read is a finding and fails the gate", () => {
    const dir = tempDir();
    writeFile(dir, "bad.csv", 'id,email\n1,"x\n');
    const run = cli(["validate", "--format", "json", "bad.csv"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(rulesOf(run.stdout)).toEqual(["row row.unreadable"]);
  });
});

describe("output", () => {
  it("--format wins over --json; -o works; the report is owner-only", () => {
    const dir = tempDir();
    writeFile(dir, "b.csv", "id,email\n1,bad\n");
    expect(cli(["--json", "validate", "--format", "junit", "-o", "r.xml", "b.csv"], { cwd: dir }).code).toBe(1);
    expect(readFileSync(join(dir, "r.xml"), "utf8")).toMatch(/^<\?xml/);
    expect(statSync(join(dir, "r.xml")).mode & 0o777).toBe(0o600);
    const dash = cli(["validate", "--format", "json", "--out", "-", "b.csv"], { cwd: dir });
    expect(JSON.parse(dash.stdout).records).toBe(1);
  });

  it("an unwritable --out fails at once with exit 2; a closed stdout ends quietly", () => {
    const dir = tempDir();
    writeFile(dir, "b.csv", `id,email\n${Array.from({ length: 3000 }, (_, i) => `${i},bad${i}`).join("\n")}\n`);
    const bad = cli(["validate", "--out", "nodir/r.xml", "b.csv"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--out nodir\/r.xml: cannot write/);
    const head = spawnSync("bash", ["-c", `"${process.execPath}" "${BIN}" validate --format csv b.csv | head -2`], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(head.stdout.trim().split("\n")).toHaveLength(2);
    expect(head.stderr).toBe("");
  });

  it("JUnit: every enabled rule is a testcase (green when clean), never an empty suite; odd characters stay well-formed", () => {
    const dir = tempDir();
    writeFile(dir, "clean.csv", "id,email\n1,a@example.com\n");
    const clean = cli(["validate", "--fail-on", "never", "--format", "junit", "clean.csv"], { cwd: dir });
    expect(xmlProblem(clean.stdout)).toBeUndefined();
    const suite = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(clean.stdout).testsuites.testsuite;
    expect(Number(suite.tests)).toBeGreaterThan(15);
    expect(Number(suite.failures)).toBe(0);
    writeFile(dir, "odd.csv", "id,email\n1,x\uFFFE<y>&\n");
    const odd = cli(["validate", "--format", "junit", "odd.csv"], { cwd: dir });
    expect(odd.stdout).toMatch(/&lt;y&gt;&amp;/); // the value is in the report, escaped
    expect(xmlProblem(odd.stdout)).toBeUndefined();
    expect(odd.stdout).not.toMatch(/\uFFFE/);
    const md = cli(["validate", "--format", "markdown", "odd.csv"], { cwd: dir });
    expect(md.stdout).toMatch(/x\uFFFE&lt;y&gt;&amp;|&lt;y&gt;/);
  });

  it("a missing file among several: the report is written, then exit 3", () => {
    const dir = tempDir();
    writeFile(dir, "s.csv", "id,email\n1,a@example.com\n");
    const run = cli(["validate", "--format", "junit", "--out", "x.xml", "s.csv", "nope.csv"], { cwd: dir });
    expect(run.code).toBe(3);
    expect(readFileSync(join(dir, "x.xml"), "utf8")).toMatch(/file\.unreadable/);
  });
});

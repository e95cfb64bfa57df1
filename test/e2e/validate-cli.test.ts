/** `roster validate` through the built binary: formats, gates, exit codes, store and stateless modes. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { cli, query } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";
import { xmlProblem } from "../helpers/xml.js";

const MESSY =
  "id,name,email,phone,dob,country\n" +
  "1,Ann Lee,ann@example.com,(415) 555-0132,04/13/1985,USA\n" +
  "2,Bo Chan,bo@gmial.com,(415) 555-0199,1990-02-03,USA\n" +
  "3,test,info@example.com,12345,2099-01-01,USA\n" +
  "1,Cy Diaz,cy@x,,,Narnia\n";
const CLEAN = "id,name,email\n1,Ann Lee,ann@example.com\n2,Bo Chan,bo@example.org\n";

describe("validate on files (stateless)", () => {
  it("clean data passes with exit 0; nothing is written, no store appears", () => {
    const dir = tempDir();
    writeFile(dir, "clean.csv", CLEAN);
    const before = readdirSync(dir);
    const run = cli(["validate", "clean.csv"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/no findings/);
    expect(run.stdout).toMatch(/pass {2}--fail-on error: no errors/);
    expect(readdirSync(dir)).toEqual(before);
  });

  it("errors fail with exit 1; the table names file, line, id and rule", () => {
    const dir = tempDir();
    writeFile(dir, "messy.csv", MESSY);
    const run = cli(["validate", "messy.csv"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/email email\.syntax\s+error\s+1\s+25\.0%/);
    expect(run.stdout).toMatch(/messy:5 \(1\): "cy@x" is not an email address/);
    expect(run.stdout).toMatch(/messy:3 \(2\): gmial\.com looks like a typo \(did you mean bo@gmail\.com\?\)/);
    expect(run.stderr).toMatch(/validation failed: --fail-on error/);
    expect(existsSync(join(dir, "roster.db"))).toBe(false);
  });

  it("--format json matches its documented shape", () => {
    const dir = tempDir();
    writeFile(dir, "messy.csv", MESSY);
    const run = cli(["validate", "--format", "json", "messy.csv"], { cwd: dir });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report).sort()).toEqual(["command", "findings", "gates", "invalid", "ok", "passed", "records", "rules"]);
    expect(report).toMatchObject({ command: "validate", records: 4, passed: false, invalid: { error: 2 } });
    expect(report.rules[0]).toEqual({
      rule: expect.any(String),
      field: expect.any(String),
      severity: "error",
      records: expect.any(Number),
      examples: expect.arrayContaining([
        expect.objectContaining({ source: "messy", line: expect.any(Number), message: expect.any(String) }),
      ]),
    });
    expect(report.gates).toEqual([
      { gate: "--fail-on error", level: "error", passed: false, detail: expect.stringMatching(/^\d+ findings? of severity error$/) },
    ]);
  });

  it("--format junit --out writes XML that parses back, one testcase per rule and field, failures for errors", () => {
    const dir = tempDir();
    writeFile(dir, "messy.csv", MESSY);
    const before = Date.now();
    const run = cli(["validate", "--format", "junit", "--out", "report.xml", "messy.csv"], { cwd: dir });
    const after = Date.now();
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    const text = readFileSync(join(dir, "report.xml"), "utf8");
    expect(xmlProblem(text)).toBeUndefined();
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(text);
    const suite = xml.testsuites.testsuite;
    const cases = suite.testcase as { name: string; classname: string; failure?: { message: string; type: string } }[];
    expect(Number(suite.tests)).toBe(cases.length);
    expect(cases.find((c) => c.name === "email: email.syntax")).toMatchObject({
      classname: "roster.validate.email",
      failure: { message: "error: 1 record", type: "email.syntax" },
    });
    expect(cases.find((c) => c.name === "email: email.domain_typo")?.failure).toBeUndefined();
    expect(Number(suite.failures)).toBe(cases.filter((c) => c.failure).length);
    expect(cases.some((c) => c.classname === "roster.validate.gates" && c.failure)).toBe(true);
    // How long the run took, and when it started (what Jenkins and Azure show beside a suite): within the run.
    expect(Number(suite.time)).toBeGreaterThan(0);
    expect(Number(suite.time)).toBeLessThanOrEqual((after - before) / 1000);
    expect(xml.testsuites.time).toBe(suite.time);
    const started = Date.parse(`${suite.timestamp}Z`);
    expect(started).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(started).toBeLessThanOrEqual(after);
  });

  it("--format markdown for CI summaries, --format csv one row per finding", () => {
    const dir = tempDir();
    writeFile(dir, "messy.csv", MESSY);
    const md = cli(["validate", "--format", "markdown", "messy.csv"], { cwd: dir });
    expect(md.stdout).toMatch(/^## roster validate: failed/);
    expect(md.stdout).toMatch(/\| email \| email\.syntax \| error \| 1 \| 25\.0% \|/);
    const csv = cli(["validate", "--format", "csv", "messy.csv"], { cwd: dir });
    const lines = csv.stdout.trim().split("\n");
    expect(lines[0]).toBe("source,source_id,line,field,rule,severity,message,suggestion");
    expect(lines).toContain('messy,1,5,email,email.syntax,error,"""cy@x"" is not an email address",');
  });

  it("gates: --fail-on never, --fail-on warning, --max-invalid overall and per rule", () => {
    const dir = tempDir();
    writeFile(dir, "messy.csv", MESSY);
    writeFile(dir, "warn.csv", "id,email\n1,info@example.com\n");
    expect(cli(["validate", "--fail-on", "never", "messy.csv"], { cwd: dir }).code).toBe(0);
    expect(cli(["validate", "warn.csv"], { cwd: dir }).code).toBe(0);
    expect(cli(["validate", "--fail-on", "warning", "warn.csv"], { cwd: dir }).code).toBe(1);
    // 2 of 4 records have errors: 50%.
    expect(cli(["validate", "--max-invalid", "50%", "messy.csv"], { cwd: dir }).code).toBe(0);
    const over = cli(["validate", "--max-invalid", "49%", "messy.csv"], { cwd: dir });
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(/--max-invalid 49%.*50\.00% of 4 records/);
    expect(cli(["validate", "--max-invalid", "email.syntax=25%", "messy.csv"], { cwd: dir }).code).toBe(0);
    expect(cli(["validate", "--max-invalid", "email.syntax=24%", "messy.csv"], { cwd: dir }).code).toBe(1);
    expect(cli(["validate", "--max-invalid", "lots", "messy.csv"], { cwd: dir }).code).toBe(2);
  });

  it("the JUnit file is written even when the gate fails, and a missing input is exit 3", () => {
    const dir = tempDir();
    writeFile(dir, "messy.csv", MESSY);
    expect(cli(["validate", "--format", "junit", "--out", "r.xml", "messy.csv"], { cwd: dir }).code).toBe(1);
    expect(existsSync(join(dir, "r.xml"))).toBe(true);
    const missing = cli(["validate", "nope.csv"], { cwd: dir });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/nope.csv: no such file/);
  });
});

describe("validate with roster.yml", () => {
  it("required fields, custom rules and checks", () => {
    const dir = tempDir();
    writeFile(dir, "data.csv", "id,name,email,state\nC-0001,Ann,a@x.com,CA\nX9,Bo,,ZZ\nC-0003,Cy,a@x.com,NY\n");
    writeFile(
      dir,
      "roster.yml",
      [
        "required: [email]",
        "rules:",
        "  - field: source_id",
        '    pattern: "^C-[0-9]{4}$"',
        "    severity: warning",
        "  - field: region",
        "    enum: [CA, NY, TX]",
        "  - field: email",
        "    unique: true",
        "checks:",
        "  - rule: custom.region.enum",
        '    error_if: "> 50%"',
        "",
      ].join("\n"),
    );
    const run = cli(["validate", "--format", "json", "data.csv"], { cwd: dir });
    const report = JSON.parse(run.stdout);
    const byRule = Object.fromEntries(report.rules.map((r: { rule: string; records: number }) => [r.rule, r.records]));
    expect(byRule).toEqual({ required: 1, "custom.source_id.pattern": 1, "custom.region.enum": 1, "custom.email.unique": 1 });
    // Thresholds set: --fail-on defaults to never, and 1 of 3 (33%) is under the check's 50%.
    expect(run.code).toBe(0);
  });

  it.each([
    ["rules:\n  - field: email\n    pattern: '('\n", /rules\.0\.pattern: a valid regular expression/],
    ["rules:\n  - field: emial\n    required: true\n", /rules\.0\.field: Invalid option/],
    [
      "rules:\n  - field: email\n    required: true\n    unique: true\n",
      /rules\.0: give exactly one of required, pattern, enum, length, range, unique/,
    ],
    ["checks:\n  - rule: email.syntax\n    warn_if: lots\n", /checks\.0\.warn_if: a percentage such as "> 5%"/],
  ])("a bad roster.yml exits 2 naming the key path (%#)", (yml, message) => {
    const dir = tempDir();
    writeFile(dir, "roster.yml", yml);
    writeFile(dir, "data.csv", CLEAN);
    const run = cli(["validate", "data.csv"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe("validate on the store", () => {
  it("writes validate findings, replacing its own earlier ones and leaving normalize's", () => {
    const dir = tempDir();
    writeFile(dir, "messy.csv", MESSY);
    expect(cli(["import", "messy.csv"], { cwd: dir }).code).toBe(0);
    expect(cli(["--country", "US", "normalize"], { cwd: dir }).code).toBe(0);
    const normalizeFindings = query(join(dir, "roster.db"), "SELECT count(*) AS n FROM findings WHERE stage = 'normalize'");
    expect(cli(["validate"], { cwd: dir }).code).toBe(1);
    const first = query(
      join(dir, "roster.db"),
      "SELECT r.line, f.rule FROM findings f JOIN records r ON r.id = f.record_id WHERE f.stage = 'validate' ORDER BY r.line, f.rule",
    );
    expect(first).toContainEqual({ line: 5, rule: "email.syntax" });
    expect(first).toContainEqual({ line: 5, rule: "source_id.duplicate" });
    expect(cli(["validate"], { cwd: dir }).code).toBe(1);
    expect(
      query(
        join(dir, "roster.db"),
        "SELECT r.line, f.rule FROM findings f JOIN records r ON r.id = f.record_id WHERE f.stage = 'validate' ORDER BY r.line, f.rule",
      ),
    ).toEqual(first);
    expect(query(join(dir, "roster.db"), "SELECT count(*) AS n FROM findings WHERE stage = 'normalize'")).toEqual(normalizeFindings);
  });

  it("worker threads (ROSTER_WORKERS=2) report and write exactly what one thread does, over many ranges", () => {
    // 12,000 rows span three id ranges: duplicate ids and emails across ranges test that the rules across
    // records see the records in order, whichever worker checked them.
    const rows = Array.from({ length: 12_000 }, (_, i) => {
      const id = i === 11_000 ? "P10" : `P${i}`; // P10 again, in the last range
      const email = i % 997 === 0 ? "shared@example.com" : i % 1500 === 7 ? `bad${i}@` : `p${i}@example.com`;
      const phone = i % 2000 === 3 ? "12345" : `(415) 555-${String(i % 10_000).padStart(4, "0")}`;
      return `${id},PERSON ${i},${email},${phone},${i % 3000 === 5 ? "2999-01-01" : "1980-05-06"}`;
    });
    const yml = "rules:\n  - field: email\n    unique: true\n    severity: warning\n";
    const reports: unknown[] = [];
    const stored: unknown[] = [];
    for (const workers of ["0", "2"]) {
      const dir = tempDir();
      writeFile(dir, "people.csv", `id,name,email,phone,birth_date\n${rows.join("\n")}\n`);
      writeFile(dir, "roster.yml", yml);
      expect(cli(["import", "people.csv"], { cwd: dir }).code).toBe(0);
      const run = cli(["--country", "US", "validate", "--format", "json"], { cwd: dir, env: { ROSTER_WORKERS: workers } });
      expect(run.code, run.stderr).toBe(1);
      reports.push(JSON.parse(run.stdout));
      stored.push(
        query(
          join(dir, "roster.db"),
          "SELECT r.line, f.rule, f.field, f.message FROM findings f JOIN records r ON r.id = f.record_id WHERE f.stage = 'validate' ORDER BY r.line, f.rule, f.field",
        ),
      );
      expect(query(join(dir, "roster.db"), "SELECT details FROM audit_log WHERE command = 'validate'")).toEqual([
        { details: expect.stringContaining(`"workers":${workers}`) },
      ]);
    }
    expect(reports[1]).toEqual(reports[0]);
    expect(stored[1]).toEqual(stored[0]);
    const byRule = Object.fromEntries((reports[0] as { rules: { rule: string; records: number }[] }).rules.map((r) => [r.rule, r.records]));
    expect(byRule).toMatchObject({
      "source_id.duplicate": 1,
      "custom.email.unique": 12,
      "email.syntax": 8,
      "phone.invalid": 6,
      "birth_date.future": 4,
    });
    expect(stored[0]).toContainEqual({
      line: 11_002,
      rule: "source_id.duplicate",
      field: "source_id",
      message: "P10 is already used on line 12",
    });
  });

  it("worker threads on a store with no records: nothing to check, a clean exit, no hang", () => {
    const dir = tempDir();
    expect(cli(["init"], { cwd: dir }).code).toBe(0);
    const run = cli(["validate", "--format", "json"], { cwd: dir, env: { ROSTER_WORKERS: "2" } });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ records: 0, findings: 0, passed: true });
  });

  it("without a store: exit 4", () => {
    const run = cli(["validate"], { cwd: tempDir() });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/no store at/);
  });
});

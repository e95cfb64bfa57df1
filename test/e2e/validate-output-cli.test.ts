/** `roster validate` output end to end: --format and --out, closed outputs, JUnit well-formedness, missing files. */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { BIN, cli } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";
import { xmlProblem } from "../helpers/xml.js";

const _rulesOf = (stdout: string) =>
  (JSON.parse(stdout).rules as { rule: string; field: string; records: number }[]).map((r) => `${r.field} ${r.rule}`);

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

/** `roster validate` on the inputs the mission names: GBK exports, full-width digits, +86 phones, stdin, several files. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, ROOT } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

interface Finding {
  source: string;
  source_id: string;
  line: number;
  field: string;
  rule: string;
}
interface JsonReport {
  records: number;
  passed: boolean;
  rules: { rule: string; severity: string; records: number; examples: Finding[] }[];
}

const CHINESE_PHONES =
  "id,name,phone,country\n" +
  "1,李娜,１３９００１３９０００,CN\n" + // full-width digits
  "2,王芳,+86 138-0013-8000,CN\n" +
  "3,陈燕,0086 13912345678,CN\n" +
  "4,张伟,1380013800,CN\n"; // one digit short

function jsonReport(run: { stdout: string }): JsonReport {
  return JSON.parse(run.stdout) as JsonReport;
}

describe("validate: the messy inputs it exists for", () => {
  it("full-width digits, +86 and 0086 phones are valid; a short mobile is named by file, line and id", () => {
    const dir = tempDir();
    writeFile(dir, "cn.csv", CHINESE_PHONES);
    const run = cli(["validate", "--format", "json", "cn.csv"], { cwd: dir });
    expect(run.code).toBe(1);
    const report = jsonReport(run);
    expect(report.records).toBe(4);
    expect(report.rules.map((r) => r.rule)).toEqual(["phone.invalid"]);
    expect(report.rules[0]?.examples).toEqual([
      expect.objectContaining({ source: "cn", source_id: "4", line: 5, field: "phone", rule: "phone.invalid" }),
    ]);
  });

  it("the GBK demo export decodes and validates: only its one bad ID-card check character is an error", () => {
    const demo = join(ROOT, "fixtures", "demo");
    const run = cli(["validate", "--format", "json", "--config", "roster.yml", "china-crm-gbk.csv"], { cwd: demo });
    const report = jsonReport(run);
    expect(report.records).toBe(20);
    // Read as the wrong encoding, the Chinese headers would not map and this ID-card finding could not exist.
    const errors = report.rules.filter((r) => r.severity === "error");
    expect(errors.map((r) => [r.rule, r.records])).toEqual([["national_id.invalid", 1]]);
    expect(errors[0]?.examples[0]).toMatchObject({ source: "china-crm-gbk", source_id: "CN0015", line: 16 });
    // Its +86, 0086 and spaced mobiles are all valid Chinese numbers.
    expect(report.rules.some((r) => r.rule.startsWith("phone."))).toBe(false);
    expect(run.code).toBe(1);
  });

  it("reads stdin with '-' and names it 'stdin'; the same bytes as a file give the same findings", () => {
    const dir = tempDir();
    writeFile(dir, "cn.csv", CHINESE_PHONES);
    const fromStdin = jsonReport(cli(["validate", "--format", "json", "-"], { cwd: dir, input: CHINESE_PHONES }));
    const fromFile = jsonReport(cli(["validate", "--format", "json", "cn.csv"], { cwd: dir }));
    expect(fromStdin.rules[0]?.examples[0]?.source).toBe("stdin");
    const strip = (r: JsonReport) => r.rules.map((rule) => ({ ...rule, examples: rule.examples.map((e) => ({ ...e, source: "" })) }));
    expect(strip(fromStdin)).toEqual(strip(fromFile));
  });

  it("several files are one report: records add up and each finding keeps its own file and line", () => {
    const dir = tempDir();
    writeFile(dir, "cn.csv", CHINESE_PHONES);
    writeFile(dir, "web.csv", "id,name,email\n1,Ann Lee,ann@example.com\n2,Bo Chan,bo@x\n");
    const run = cli(["validate", "--format", "json", "cn.csv", "web.csv"], { cwd: dir });
    expect(run.code).toBe(1);
    const report = jsonReport(run);
    expect(report.records).toBe(6);
    const where = report.rules.flatMap((r) => r.examples.map((e) => `${e.source}:${e.line} ${e.rule}`)).sort();
    expect(where).toEqual(["cn:5 phone.invalid", "web:3 email.syntax"]);
  });

  it("an empty export or an empty stdin passes the gate but says nothing was checked", () => {
    const dir = tempDir();
    writeFile(dir, "header-only.csv", "id,name,email\n");
    const file = cli(["validate", "header-only.csv"], { cwd: dir });
    expect(file.code).toBe(0);
    expect(file.stderr).toMatch(/warning: no records in header-only\.csv: nothing was checked/);
    const stdin = cli(["validate", "--format", "json", "-"], { cwd: dir, input: "" });
    expect(stdin.code).toBe(0);
    expect(stdin.stderr).toMatch(/no records in stdin/);
    const withRecords = cli(["validate", "-"], { cwd: dir, input: CHINESE_PHONES.split("\n").slice(0, 2).join("\n") });
    expect(withRecords.code).toBe(0);
    expect(withRecords.stderr).not.toMatch(/no records/);
  });
});

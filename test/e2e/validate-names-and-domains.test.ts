/** Placeholder names in separate columns and email domain typos, through the built binary, in file and store mode. */
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const PARTS =
  "id,first_name,last_name,email\n" +
  "1,Test,Test,t1@example.com\n" +
  "2,N/A,N/A,t2@example.com\n" +
  "3,x,x,t3@example.com\n" +
  "4,测试,测试,t4@example.com\n" +
  "5,Jane,Doe,jane@example.com\n" +
  "6,X,Smith,xs@example.com\n";

/** The lines the table reports for a rule, from its examples ("parts:2 (1): …"). */
const linesOf = (table: string, rule: string) => {
  const at = table.split("\n").findIndex((line) => line.includes(` ${rule} `));
  if (at < 0) return [];
  const examples = table.split("\n").slice(at + 1);
  const end = examples.findIndex((line) => !line.startsWith("    "));
  return examples.slice(0, end).map((line) => Number(/:(\d+) /.exec(line)?.[1]));
};

describe("name.placeholder on given and family names that are both placeholders", () => {
  it("file mode", () => {
    const dir = tempDir();
    writeFile(dir, "parts.csv", PARTS);
    const run = cli(["validate", "--format", "json", "parts.csv"], { cwd: dir });
    expect(run.code).toBe(0); // warnings only
    const report = JSON.parse(run.stdout);
    const rule = report.rules.find((r: { rule: string }) => r.rule === "name.placeholder");
    expect(rule).toMatchObject({ field: "full_name", severity: "warning", records: 4 });
  });

  it("store mode, before and after normalize (values normalized in memory, then as stored)", () => {
    const dir = tempDir();
    writeFile(dir, "parts.csv", PARTS);
    expect(cli(["import", "parts.csv"], { cwd: dir }).code).toBe(0);
    const before = cli(["validate"], { cwd: dir });
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/full_name name\.placeholder\s+warning\s+4\s/);
    expect(linesOf(before.stdout, "name.placeholder")).toEqual([2, 3, 4]); // the table shows three examples
    expect(before.stdout).toMatch(/"Test Test" is a placeholder, not a name/);
    expect(cli(["normalize"], { cwd: dir }).code).toBe(0);
    const after = JSON.parse(cli(["validate", "--format", "json"], { cwd: dir }).stdout);
    const rule = after.rules.find((r: { rule: string }) => r.rule === "name.placeholder");
    expect(rule.records).toBe(4);
    expect(rule.examples.map((f: { line: number; message: string }) => [f.line, f.message])).toEqual([
      [2, '"Test Test" is a placeholder, not a name'],
      [3, '"N/a N/a" is a placeholder, not a name'],
      [4, '"X X" is a placeholder, not a name'],
      [5, '"测试测试" is a placeholder, not a name'],
    ]);
  });
});

describe("email.domain_typo on mistyped top-level domains", () => {
  const EMAILS =
    "id,name,email\n" +
    "1,Ann Lee,ann@gmail.con\n" +
    "2,Bo Chan,bo@yahoo.con\n" +
    "3,Cy Diaz,cy@hotmail.cmo\n" +
    "4,Di Wu,di@outlook.om\n" +
    "5,Ed Ng,ed@gmail.cm\n" +
    "6,Fa Li,fa@example.co\n" +
    "7,Gu Ma,gu@company.om\n" +
    "8,Hu Yi,hu@x.cm\n";

  it("suggests the address meant, and leaves real domains alone (file and store mode alike)", () => {
    const dir = tempDir();
    writeFile(dir, "emails.csv", EMAILS);
    const files = cli(["validate", "--format", "json", "emails.csv"], { cwd: dir });
    expect(files.code).toBe(0);
    const rule = JSON.parse(files.stdout).rules.find((r: { rule: string }) => r.rule === "email.domain_typo");
    expect(rule.records).toBe(5);
    expect(rule.examples.map((f: { suggestion: string }) => f.suggestion)).toEqual([
      "did you mean ann@gmail.com?",
      "did you mean bo@yahoo.com?",
      "did you mean cy@hotmail.com?",
      "did you mean di@outlook.com?",
      "did you mean ed@gmail.com?",
    ]);
    expect(cli(["import", "emails.csv"], { cwd: dir }).code).toBe(0);
    const store = cli(["validate"], { cwd: dir });
    expect(store.stdout).toMatch(/email email\.domain_typo\s+warning\s+5\s/);
    expect(store.stdout).toMatch(/gmail\.con looks like a typo \(did you mean ann@gmail\.com\?\)/);
  });
});

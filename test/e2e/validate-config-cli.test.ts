import { describe, expect, it } from "vitest";
import { cli } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

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

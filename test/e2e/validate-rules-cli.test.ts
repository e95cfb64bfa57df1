import { describe, expect, it } from "vitest";
import { cli } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const rulesOf = (stdout: string) =>
  (JSON.parse(stdout).rules as { rule: string; field: string; records: number }[]).map((r) => `${r.field} ${r.rule}`);

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

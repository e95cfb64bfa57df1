/** The built binary on real export layouts: unmapped columns named once, Excel's sep= line in every file mode. */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, ROOT } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const FIXTURES = join(ROOT, "fixtures", "mapping");

function withFixture(name: string): string {
  const dir = tempDir();
  copyFileSync(join(FIXTURES, name), join(dir, name));
  return dir;
}

describe("unmapped columns", () => {
  const MAILCHIMP_UNMAPPED =
    '"MEMBER_RATING", "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP", "LATITUDE", "LONGITUDE", "GMTOFF", "DSTOFF", ' +
    '"TIMEZONE", "CC", "LEID", "EUID", "NOTES", "TAGS"';

  it("are listed once in the import summary", () => {
    const dir = withFixture("mailchimp-subscribed.csv");
    const run = cli(["import", "mailchimp-subscribed.csv"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`unmapped (kept in attributes; --map COLUMN=FIELD to map one): ${MAILCHIMP_UNMAPPED}\n`);
    expect(run.stderr.match(/unmapped/g)).toHaveLength(1);
  });

  it("are listed by --dry-run, on stdout with the mapping", () => {
    const dir = withFixture("mailchimp-subscribed.csv");
    const run = cli(["import", "--dry-run", "mailchimp-subscribed.csv"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Email Address\s+→\s+email/);
    expect(run.stdout).toMatch(/OPTIN_TIME\s+→\s+created_at/);
    expect(run.stdout).toContain(`unmapped (kept in attributes; --map COLUMN=FIELD to map one): ${MAILCHIMP_UNMAPPED}\n`);
  });

  it("are `unmapped_columns` under --json; a column --map keeps out on purpose is not among them", () => {
    const dir = withFixture("mailchimp-subscribed.csv");
    const run = cli(["--json", "import", "--map", "NOTES=attributes", "mailchimp-subscribed.csv"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const file = JSON.parse(run.stdout).files[0];
    expect(file.unmapped_columns).toEqual([
      "MEMBER_RATING",
      "OPTIN_IP",
      "CONFIRM_TIME",
      "CONFIRM_IP",
      "LATITUDE",
      "LONGITUDE",
      "GMTOFF",
      "DSTOFF",
      "TIMEZONE",
      "CC",
      "LEID",
      "EUID",
      "TAGS",
    ]);
    expect(file.mapping).toMatchObject({ "Email Address": "email", OPTIN_TIME: "created_at", NOTES: "attributes" });
    expect(run.stderr).toBe("");
  });

  it("a very wide export names the first 20 and counts the rest", () => {
    const dir = tempDir();
    const extra = Array.from({ length: 25 }, (_, i) => `custom_${i + 1}`);
    writeFile(dir, "wide.csv", `email,${extra.join(",")}\na@example.com,${extra.map(() => "x").join(",")}\n`);
    const run = cli(["import", "wide.csv"], { cwd: dir });
    expect(run.stderr).toMatch(/"custom_20" … and 5 more\n/);
    expect(run.stderr).not.toContain("custom_21");
  });

  it("a file whose columns all map prints no such line", () => {
    const dir = tempDir();
    writeFile(dir, "a.csv", "id,name,email\n1,Ann,ann@example.com\n");
    expect(cli(["import", "a.csv"], { cwd: dir }).stderr).not.toContain("unmapped");
  });
});

describe("Excel's sep= line", () => {
  const FILE = "sep=;\nKundennummer;Vorname;Nachname;E-Mail\nK1;Jürgen;Müller;juergen@example.de\nK2;Anna;Weiß;anna(at)example.de\n";

  it("validate: findings name the real line", () => {
    const dir = tempDir();
    writeFile(dir, "kunden.csv", FILE);
    const run = cli(["validate", "--format", "json", "kunden.csv"], { cwd: dir });
    const report = JSON.parse(run.stdout);
    expect(report.records).toBe(2);
    const email = report.rules.find((r: { field: string }) => r.field === "email");
    expect(email.examples).toEqual([expect.objectContaining({ line: 4, message: expect.stringContaining("anna(at)example.de") })]);
  });

  it("normalize: rows keep their real line, and a disagreeing --delimiter is warned about", () => {
    const dir = tempDir();
    writeFile(dir, "kunden.csv", FILE);
    const run = cli(["normalize", "kunden.csv"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split("\n")[1]).toMatch(/^kunden,3,K1,Jürgen,Müller,/);
    const forced = cli(["normalize", "--delimiter", ",", "kunden.csv"], { cwd: dir });
    expect(forced.stderr).toContain('kunden.csv: line 1 says sep=; (Excel\'s delimiter hint), but --delimiter "," was given');
  });
});

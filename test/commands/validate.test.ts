/** runValidate on temporary fixtures, on the store and straight on files: findings, reports and gate outcomes. */
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runNormalize } from "../../src/commands/normalize.js";
import { runValidate, type ValidateOptions } from "../../src/commands/validate.js";
import type { LocatedFinding } from "../../src/model/finding.js";
import { importOrThrow, normalizeOptions, query, quietTerminal, validateOptions } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const PEOPLE =
  "id,name,email,phone,dob,country\n" +
  "1,Ann Lee,ann@example.com,(415) 555-0132,1985-04-13,USA\n" +
  "2,Bo Chan,bo@gmial.com,(415) 555-0199,1990-02-03,USA\n" +
  "3,Cy Diaz,cy@x,,2099-01-01,USA\n" +
  "1,Di Fox,di@example.org,,,USA\n";

async function validate(options: ValidateOptions) {
  const streamed: LocatedFinding[] = [];
  const result = await runValidate(options, { terminal: quietTerminal().terminal, onFindings: (found) => void streamed.push(...found) });
  return { ...result, streamed };
}

const brief = (f: LocatedFinding) => `${f.source}:${f.line} ${f.field} ${f.rule} ${f.severity}`;

async function storeOf(csv: string): Promise<{ dir: string; store: string }> {
  const dir = tempDir();
  const store = join(dir, "roster.db");
  await importOrThrow([writeFile(dir, "people.csv", csv)], store);
  return { dir, store };
}

describe("runValidate on files", () => {
  it("reports every finding with its file's source and line, and returns the failed gate instead of throwing", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "people.csv", PEOPLE);
    const result = await validate(validateOptions(join(dir, "none.db"), { files: [file] }));
    expect(result.mode).toBe("files");
    expect(result.streamed.map(brief)).toEqual([
      "people:3 email email.domain_typo warning",
      "people:3 email email.disposable warning",
      "people:4 email email.syntax error",
      "people:4 birth_date birth_date.future error",
      "people:5 source_id source_id.duplicate error",
    ]);
    expect(result.report).toMatchObject({ records: 4, findings: 5, invalid: { error: 2, warning: 1, info: 0 }, passed: false });
    expect(result.gate).toEqual({ failed: true, reason: "validation failed: --fail-on error (3 findings of severity error)" });
    expect(result.failedFiles).toEqual([]);
  });

  it("clean records pass every gate; a warning fails only with --fail-on warning", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "p.csv", "id,email\n1,ann@example.com\n2,bo@gmial.com\n");
    const passing = await validate(validateOptions(join(dir, "none.db"), { files: [file] }));
    expect(passing.gate).toEqual({ failed: false, reason: undefined });
    const strict = await validate(validateOptions(join(dir, "none.db"), { files: [file], failOn: "warning" }));
    expect(strict.gate.failed).toBe(true);
    expect(strict.report.gates).toEqual([expect.objectContaining({ gate: "--fail-on warning", passed: false })]);
  });

  it("a threshold decides instead of single errors: under it passes, over it fails", async () => {
    const dir = tempDir();
    const file = writeFile(dir, "p.csv", PEOPLE);
    const threshold = (percent: number) => ({ rule: "email.syntax", percent, level: "error" as const, text: `email.syntax=${percent}%` });
    const under = await validate(validateOptions(join(dir, "none.db"), { files: [file], failOn: "never", thresholds: [threshold(30)] }));
    expect(under.gate.failed).toBe(false);
    const over = await validate(validateOptions(join(dir, "none.db"), { files: [file], failOn: "never", thresholds: [threshold(20)] }));
    expect(over.gate).toEqual({ failed: true, reason: "validation failed: email.syntax=20% (25.00% of 4 records (1) against 20%)" });
  });

  it("an unreadable file is a finding and a failed file; the readable ones are still checked", async () => {
    const dir = tempDir();
    const good = writeFile(dir, "good.csv", "id,email\n1,ann@example.com\n");
    const result = await validate(validateOptions(join(dir, "none.db"), { files: [good, join(dir, "missing.csv")] }));
    expect(result.failedFiles).toEqual([expect.stringMatching(/missing\.csv: no such file/)]);
    expect(result.streamed.map((f) => f.rule)).toEqual(["file.unreadable"]);
    expect(result.report.records).toBe(2);
    expect(result.gate.failed).toBe(true);
  });
});

describe("runValidate on the store", () => {
  it("finds what file mode finds, with record ids, and writes the findings", async () => {
    const { dir, store } = await storeOf(PEOPLE);
    const fromFile = await validate(validateOptions(join(dir, "none.db"), { files: [join(dir, "people.csv")] }));
    const result = await validate(validateOptions(store));
    expect(result.mode).toBe("store");
    expect(result.streamed.map(brief)).toEqual(fromFile.streamed.map(brief));
    expect(result.streamed.every((f) => typeof f.recordId === "number")).toBe(true);
    expect(result.gate.failed).toBe(true);
    expect(
      query(
        store,
        "SELECT r.source_id, f.rule FROM findings f JOIN records r ON r.id = f.record_id WHERE f.stage = 'validate' ORDER BY f.id",
      ),
    ).toEqual([
      { source_id: "2", rule: "email.domain_typo" },
      { source_id: "2", rule: "email.disposable" },
      { source_id: "3", rule: "email.syntax" },
      { source_id: "3", rule: "birth_date.future" },
      { source_id: "1", rule: "source_id.duplicate" },
    ]);
    expect(query(store, "SELECT command, outcome FROM audit_log WHERE command = 'validate'")).toEqual([
      { command: "validate", outcome: "failed" },
    ]);
  });

  it("after normalize, reads the stored values and explains with normalize's findings; a re-run replaces its findings", async () => {
    const { store } = await storeOf(PEOPLE);
    await runNormalize(normalizeOptions(store), { terminal: quietTerminal().terminal, stdout: new PassThrough() });
    const first = await validate(validateOptions(store));
    const again = await validate(validateOptions(store));
    expect(again.streamed.map(brief)).toEqual(first.streamed.map(brief));
    expect(first.streamed.find((f) => f.rule === "email.syntax")?.message).toMatch(/cy@x/);
    expect(query(store, "SELECT count(*) AS n FROM findings WHERE stage = 'validate'")).toEqual([{ n: 5 }]);
  });

  it("--source limits the check to one source; a source the store does not know is a usage error", async () => {
    const { dir, store } = await storeOf(PEOPLE);
    await importOrThrow([writeFile(dir, "web.csv", "id,email\n9,ok@example.com\n")], store);
    const web = await validate(validateOptions(store, { source: "web" }));
    expect(web.report.records).toBe(1);
    expect(web.gate).toEqual({ failed: false, reason: undefined });
    // A typo must not pass a CI gate having checked nothing.
    await expect(validate(validateOptions(store, { source: "nosuch" }))).rejects.toThrow(/--source nosuch: no such source/);
  });

  it("required fields and custom rules from roster.yml, including a unique rule across records", async () => {
    const { store } = await storeOf(PEOPLE);
    const result = await validate(
      validateOptions(store, {
        required: ["phone"],
        disabled: ["email.domain_typo", "birth_date.future"],
        custom: [{ field: "country", severity: "warning", unique: true, name: "one_per_country" }],
      }),
    );
    const rules = result.streamed.map((f) => `${f.line} ${f.rule}`);
    expect(rules).toEqual(
      expect.arrayContaining(["4 required", "5 required", "3 one_per_country", "4 one_per_country", "5 one_per_country"]),
    );
    expect(rules).not.toEqual(expect.arrayContaining(["3 email.domain_typo"]));
  });
});

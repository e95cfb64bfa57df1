/**
 * `roster report FILES`: figures counted in memory, no store touched; bad input reported as validate reports it
 * (rows by file and line), an unreadable file failing the run after the others' report.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ReportOptions, runReport } from "../../src/commands/report.js";
import { parseGateFlag } from "../../src/stages/report/gates.js";
import { quietTerminal } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";
import { CRM_CSV, SHOP_JSONL } from "../helpers/two-exports.js";

function options(files: string[], overrides: Partial<ReportOptions> = {}): ReportOptions {
  return {
    files,
    read: { encoding: "auto" },
    mappings: {},
    source: undefined,
    country: "US",
    dateOrder: undefined,
    perSource: {},
    storePath: join(tempDir(), "never.db"),
    busyTimeoutMs: 5000,
    by: [],
    gates: [],
    record: true,
    trendRuns: 10,
    required: [],
    disabled: [],
    custom: [],
    ...overrides,
  };
}

const run = (files: string[], overrides: Partial<ReportOptions> = {}) =>
  runReport(options(files, overrides), { terminal: quietTerminal().terminal });

describe("roster report FILES", () => {
  it("reports a CRM CSV and a shop's JSON Lines together, normalized in memory, writing no store", async () => {
    const dir = tempDir();
    const crm = writeFile(dir, "crm.csv", CRM_CSV);
    const shop = writeFile(dir, "shop.jsonl", SHOP_JSONL);
    const opts = options([crm, shop]);
    const result = await runReport(opts, { terminal: quietTerminal().terminal });
    const { report } = result;
    expect(existsSync(opts.storePath)).toBe(false);
    expect(report.scope).toEqual({ kind: "files", files: [crm, shop] });
    expect(report.records).toBe(24 + 8);
    expect(report.bySource.map((s) => [s.source, s.records])).toEqual([
      ["crm", 24],
      ["shop", 8],
    ]);
    expect(report.duplicates).toBeNull(); // decided: files are not deduplicated by report
    expect(report.profile).toBeNull();
    expect(report.trend).toEqual([]);
    expect(result.runId).toBeNull();
    const phone = report.cleaning.find((c) => c.field === "phone");
    // The shop's (415) 555-0101, 415-555-0102, 2125550103, 617.555.0105 all become E.164.
    expect(phone?.shapesBefore).toBeGreaterThan(phone?.shapesAfter ?? 0);
    // 24 CRM cities, and the shop's Beijing and Boulder and Columbus are new (the shop's others repeat CRM ones).
    expect(report.fields.find((f) => f.field === "city")?.distinct).toBe(27);
    // rob.nakamura@exmaple.net is a typo, not an invalid address: the emails are all valid.
    expect(report.fields.find((f) => f.field === "email")).toMatchObject({ filled: 32, invalid: 0 });
  });

  it("names unreadable rows by file and line, and counts the rest", async () => {
    const dir = tempDir();
    const bad = writeFile(dir, "bad.csv", 'id,first_name,email\nc1,William,w@example.com\nc2,"Margaret,m@example.org\n');
    const jsonl = writeFile(dir, "shop.jsonl", '{"id":"s1","email":"a@example.com"}\n{not json}\n[1,2]\n{"id":"s2","email":"不是邮箱"}\n');
    const result = await run([bad, jsonl]);
    expect(result.rejects).toEqual([
      expect.stringMatching(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3: `)),
      expect.stringMatching(/shop\.jsonl:2: invalid JSON/),
      expect.stringMatching(/shop\.jsonl:3: expected a JSON object, found an array/),
    ]);
    expect(result.report.records).toBe(3);
    const email = result.report.fields.find((f) => f.field === "email");
    expect(email).toMatchObject({ filled: 3, invalid: 1 });
    expect(email?.findings.find((f) => f.severity === "error")?.count).toBe(1);
  });

  it("a missing file fails after the others' report (the CLI exits 3), and an empty one reports no records", async () => {
    const dir = tempDir();
    const good = writeFile(dir, "crm.csv", CRM_CSV);
    const result = await run([good, join(dir, "missing.csv")]);
    expect(result.failedFiles).toHaveLength(1);
    expect(result.failedFiles[0]).toContain("missing.csv");
    expect(result.report.records).toBe(24);
    const empty = await run([writeFile(dir, "empty.csv", "")]);
    expect(empty.report.records).toBe(0);
    expect(JSON.stringify(empty.report)).not.toMatch(/NaN/);
  });

  it("gates on files: completeness of birth_date passes, a duplicates gate cannot be met (no value) and fails", async () => {
    const dir = tempDir();
    const result = await run([writeFile(dir, "crm.csv", CRM_CSV)], {
      gates: [parseGateFlag("completeness.birth_date=100", "under"), parseGateFlag("duplicates.rate=5", "over")],
    });
    expect(result.gates.map((g) => [g.metric, g.value, g.passed])).toEqual([
      ["completeness.birth_date", 100, true],
      ["duplicates.rate", null, false],
    ]);
    expect(result.gate.failed).toBe(true);
  });

  it("refuses --by for files: they have no customers (exit 2)", async () => {
    const dir = tempDir();
    await expect(run([writeFile(dir, "crm.csv", CRM_CSV)], { by: [["country"]] })).rejects.toMatchObject({ exitCode: 2 });
  });
});

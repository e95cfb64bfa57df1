/**
 * `roster report` through the built binary: each format on stdout or --out, colour only where allowed, gates
 * (exit 1) and unknown metrics (exit 2), --json's one object, the runs trend and --no-record, files mode's exit 3.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, query } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";
import { CRM_CSV, SHOP_JSONL } from "../helpers/two-exports.js";

const US = ["--country", "US"];
const ANSI = /\u001b\[\d+m/;

describe("report on a merged store", () => {
  let dir: string;
  const run = (args: string[], env?: Record<string, string>) => cli([...US, ...args], { cwd: dir, ...(env ? { env } : {}) });
  const runs = () => query<{ id: number }>(join(dir, "roster.db"), "SELECT id FROM runs WHERE command = 'report' ORDER BY id").length;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "roster-report-cli-"));
    writeFile(dir, "crm.csv", CRM_CSV);
    writeFile(dir, "shop.jsonl", SHOP_JSONL);
    for (const args of [["import", "crm.csv", "shop.jsonl"], ["dedupe"], ["merge"]]) expect(run(args).code).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("text on stdout: tables and bars, no colour off a terminal (and none with FORCE_COLOR either)", () => {
    const result = run(["report"], { FORCE_COLOR: "1" });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^roster report: store .*roster\.db\n32 records from 2 sources \(crm, shop\)/);
    expect(result.stdout).toMatch(/\nemail +32 +100% +██████████ +/);
    expect(result.stdout).toContain("\ncustomers (客户画像)\n");
    expect(result.stdout).not.toMatch(ANSI);
    expect(result.stderr).toBe("");
  });

  it("json on stdout parses to the report model; --out writes the file and says where", () => {
    const json = run(["report", "--format", "json", "--no-record"]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.records).toBe(32);
    expect(report.scope.kind).toBe("store");
    expect(report.duplicates.customers).toBe(report.profile.customers);
    expect(report.metrics["completeness.email"]).toBe(100);
    const out = run(["report", "--format", "markdown", "-o", "report.md", "--no-record"]);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe("");
    expect(out.stderr).toContain("report of 32 records in report.md");
    const markdown = readFileSync(join(dir, "report.md"), "utf8");
    expect(markdown).toMatch(/^## roster report\n/);
    expect(markdown).toContain("| field | filled | complete |");
  });

  it("counting on a thread of its own (as on a big store) gives the very report counting inline gives", () => {
    const parse = (env: Record<string, string>) => {
      const result = run(["report", "--no-record", "--format", "json", "--by", "city"], env);
      expect(result.code).toBe(0);
      const { generatedAt: _, ...report } = JSON.parse(result.stdout);
      return report;
    };
    expect(parse({ ROSTER_WORKERS: "1" })).toEqual(parse({ ROSTER_WORKERS: "0" }));
  });

  it("each report records a runs row (the trend shows the earlier ones); --no-record writes none", () => {
    const before = runs();
    expect(run(["report"]).code).toBe(0);
    const second = run(["report"]);
    expect(runs()).toBe(before + 2);
    expect(second.stdout).toMatch(/\ntrend\n.*earlier run/);
    expect(second.stdout).toMatch(/\nrecords +[▁-█]+ +32 +32 +=/);
    expect(run(["report", "--no-record"]).code).toBe(0);
    expect(runs()).toBe(before + 2);
  });

  it("a failed gate exits 1 after printing the report, naming the gate", () => {
    const result = run(["report", "--no-record", "--fail-under", "completeness.address_line1=99", "--fail-over", "duplicates.rate=1"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("\ngates\n");
    expect(result.stderr).toMatch(
      /^error: report gate failed: completeness\.address_line1 is [\d.]+, under 99 .*; duplicates\.rate is [\d.]+, over 1/,
    );
    expect(run(["report", "--no-record", "--fail-under", "completeness.email=95"]).code).toBe(0);
  });

  it("gates from roster.yml's report.checks: a warning warns, a fail_over fails", () => {
    writeFile(
      dir,
      "gates.yml",
      "report:\n  checks:\n    - metric: duplicates.rate\n      warn_over: 1\n    - metric: review.backlog\n      fail_over: -1\n",
    );
    const result = run(["--config", "gates.yml", "report", "--no-record", "--format", "json"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("warning: duplicates.rate is");
    expect(result.stderr).toContain(
      "error: report gate failed: review.backlog is 0, over -1 (report.checks[1] review.backlog fail_over -1)",
    );
  });

  it("an unknown metric exits 2 listing close names, before anything is read or written", () => {
    const before = runs();
    const flag = run(["report", "--fail-over", "duplicate.rate=5"]);
    expect(flag.code).toBe(2);
    expect(flag.stdout).toBe("");
    expect(flag.stderr).toContain('unknown metric "duplicate.rate"');
    expect(flag.stderr).toContain("did you mean: duplicates.rate");
    writeFile(dir, "typo.yml", "report:\n  checks:\n    - metric: completeness.emial\n      fail_under: 90\n");
    const config = run(["--config", "typo.yml", "report"]);
    expect(config.code).toBe(2);
    expect(config.stderr).toContain("typo.yml: report.checks.0.metric: unknown metric");
    expect(config.stderr).toContain("completeness.email");
    expect(run(["report", "--format", "pdf"]).code).toBe(2);
    expect(runs()).toBe(before);
  });

  it("--json prints one object: the report, the gates and the run, ok false when a gate fails", () => {
    const result = run(["--json", "report", "--fail-over", "duplicates.rate=0"]);
    expect(result.code).toBe(1);
    const lines = result.stdout.split("\n").filter((line) => line !== "");
    expect(lines).toHaveLength(1);
    const object = JSON.parse(lines[0] as string);
    expect(object).toMatchObject({ command: "report", ok: false, error: { code: "gate", exit_code: 1 } });
    expect(object.report.records).toBe(32);
    expect(object.gates[0]).toMatchObject({ metric: "duplicates.rate", passed: false });
    expect(typeof object.run_id).toBe("number");
    expect(run(["--json", "report", "--format", "markdown"]).code).toBe(2); // another format needs --out
  });

  it("--by an attribute-less name is exit 2; --by country breaks customers down", () => {
    expect(run(["report", "--no-record", "--by", "vip_tier"]).code).toBe(2);
    const result = run(["report", "--no-record", "--format", "json", "--by", "country,city"]);
    const breakdown = JSON.parse(result.stdout).profile.breakdowns.find((b: { by: string }) => b.by === "country,city");
    // 张伟 (Wei Zhang in the shop): his golden record's country and city, whichever survivorship chose.
    const zhang = query<{ country: string | null; city: string | null }>(
      join(dir, "roster.db"),
      "SELECT country, city FROM customers WHERE email = 'zhangwei@example.cn' AND retired_at IS NULL",
    );
    expect(zhang).toHaveLength(1);
    const value = `${zhang[0]?.country ?? "unknown"}, ${zhang[0]?.city ?? "unknown"}`;
    expect(breakdown.rows.find((r: { value: string }) => r.value === value)?.customers).toBeGreaterThanOrEqual(1);
    expect(breakdown.rows.reduce((sum: number, r: { customers: number }) => sum + r.customers, 0)).toBe(
      JSON.parse(result.stdout).profile.customers,
    );
  });
});

describe("report before dedupe and merge", () => {
  it("has no duplicates or customers yet, says what to run, and warns that --by has nothing to break down", () => {
    const dir = tempDir();
    writeFile(dir, "crm.csv", CRM_CSV);
    expect(cli([...US, "import", "crm.csv"], { cwd: dir }).code).toBe(0);
    const result = cli([...US, "report", "--by", "country"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dedupe has not run: roster dedupe");
    expect(result.stdout).toContain("merge has not run: roster merge");
    expect(result.stderr).toBe("warning: --by breaks down golden customers, and merge has not run on this store: roster merge first\n");
    expect(cli([...US, "--warn-error", "report", "--by", "country"], { cwd: dir }).code).toBe(1);
  });
});

describe("report on files", () => {
  it("reads files statelessly; an unreadable file is exit 3 after the report of the rest", () => {
    const dir = tempDir();
    writeFile(dir, "crm.csv", CRM_CSV);
    writeFile(dir, "bad.csv", 'id,email\nx1,a@example.com\nx2,"broken\n');
    const ok = cli([...US, "report", "crm.csv", "bad.csv"], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^roster report: crm\.csv, bad\.csv\n25 records from 2 sources \(bad, crm\)/);
    expect(ok.stderr).toMatch(/warning: row not read: bad\.csv:3: /);
    const missing = cli([...US, "report", "crm.csv", "nope.csv"], { cwd: dir });
    expect(missing.code).toBe(3);
    expect(missing.stdout).toContain("24 records from 1 source (crm)");
    expect(missing.stderr).toContain("nope.csv");
    expect(cli([...US, "report", "--by", "country", "crm.csv"], { cwd: dir }).code).toBe(2);
  });
});

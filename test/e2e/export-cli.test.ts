/**
 * `roster export` as the built binary runs it: a closed pipe, the atomic file under SIGTERM and SIGKILL, worker
 * threads, exit codes and messages. One store of 60,000 generated records, imported once; each test reads it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeBigCsv } from "../helpers/big-export.js";
import { BIN, cli, cliAsync } from "../helpers/run.js";

const ROWS = 60_000;
let dir: string;
let store: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "roster-export-e2e-"));
  const csv = join(dir, "big.csv");
  await writeBigCsv(csv, ROWS);
  store = join(dir, "roster.db");
  const run = cli(["-q", "--store", store, "import", "--source", "crm", csv], { cwd: dir });
  expect(run.code, run.stderr).toBe(0);
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const partials = () => readdirSync(dir).filter((name) => name.includes(".partial-"));

describe("roster export (built binary)", () => {
  it("a closed pipe (| head -1) ends quietly with exit 0", () => {
    const run = spawnSync(
      "bash",
      ["--norc", "--noprofile", "-o", "pipefail", "-c", `"${process.execPath}" "${BIN}" --store "${store}" export records | head -1`],
      {
        cwd: dir,
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "" },
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      "source,source_id,cluster_id,customer_id,given_name,family_name,full_name,email,phone,birth_date,company,address_line1,address_line2,city,region,postal_code,country,national_id,marketing_consent,created_at,updated_at,attributes\n",
    );
    expect(run.stderr).toBe("");
  }, 60_000);

  it("-o FILE: mode 0600, the whole export; the same bytes on worker threads as inline", () => {
    const inline = join(dir, "inline.csv");
    const threads = join(dir, "threads.csv");
    const a = cli(["--store", store, "export", "records", "-o", inline], { cwd: dir, env: { ROSTER_WORKERS: "0" } });
    const b = cli(["--store", store, "export", "records", "-o", threads], { cwd: dir, env: { ROSTER_WORKERS: "2" } });
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stderr).toBe(`exported 60,000 records as csv to ${inline}\n`);
    expect(statSync(inline).mode & 0o777).toBe(0o600);
    expect(readFileSync(threads).equals(readFileSync(inline))).toBe(true);
    expect(readFileSync(inline, "utf8").split("\n").length).toBe(ROWS + 2);
    const out = join(dir, "threads.json");
    const json = cli(["--store", store, "export", "records", "-o", out], { cwd: dir, env: { ROSTER_WORKERS: "2" } });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8"))).toHaveLength(ROWS);
  }, 60_000);

  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    it(`killed half-way (${signal}): OUT keeps its old content${signal === "SIGTERM" ? ", the temporary file is removed" : ""}`, async () => {
      const out = join(dir, `killed-${signal}.csv`);
      writeFileSync(out, "the previous export\n");
      const { child, done } = cliAsync(["--store", store, "export", "records", "-o", out], { cwd: dir, env: { ROSTER_WORKERS: "0" } });
      const partial = `${out}.partial-${child.pid}`;
      const deadline = Date.now() + 30_000;
      while (!(existsSync(partial) && statSync(partial).size > 0) && Date.now() < deadline && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const midway = existsSync(partial);
      child.kill(signal);
      const run = await done;
      expect(midway, "the export finished before the kill: make ROWS larger").toBe(true);
      expect(run.signal).toBe(signal);
      expect(readFileSync(out, "utf8")).toBe("the previous export\n");
      if (signal === "SIGTERM") expect(partials()).toEqual([]);
      else rmSync(partial, { force: true }); // nothing can remove it after a SIGKILL: it is never OUT, though
    }, 60_000);
  }

  it("customers before any merge, pairs before any dedupe: the header, exit 0, and a warning saying what to run", () => {
    const customers = cli(["--store", store, "export", "customers"], { cwd: dir });
    expect(customers.code).toBe(0);
    expect(customers.stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(customers.stderr).toContain("warning: no customers yet: merge has not run on this store: run roster dedupe, then roster merge");
    const pairs = cli(["--store", store, "--json", "export", "pairs", "-o", join(dir, "pairs.csv")], { cwd: dir });
    expect(pairs.code).toBe(0);
    expect(pairs.stderr).toContain("no pairs yet: dedupe has not run on this store: run roster dedupe");
    expect(JSON.parse(pairs.stdout)).toMatchObject({ rows: 0, not_yet: { hint: "run roster dedupe" } });
    // Records exist from the first import on: no warning.
    const records = cli(["--store", store, "export", "records", "--fields", "id", "-o", join(dir, "ids.csv")], { cwd: dir });
    expect(records.code).toBe(0);
    expect(records.stderr).not.toContain("warning");
  }, 60_000);

  it("usage errors exit 2 with a message naming what is wrong", () => {
    const run = (args: string[], env: Record<string, string> = {}) => cli(["--store", store, "export", ...args], { cwd: dir, env });
    const where = run(["--where", "cluster_size>=two"]);
    expect(where.code).toBe(2);
    expect(where.stderr).toContain('error: --where "cluster_size>=two": cluster_size takes a whole number, not "two"');
    const fields = run(["records", "--fields", "email,mobile"]);
    expect(fields.code).toBe(2);
    expect(fields.stderr).toContain('"mobile" is no field of records');
    expect(fields.stderr).toContain("valid fields: id, batch_id, source, source_id");
    const unset = run(["records", "--pseudonymize", "email", "--key-env", "ROSTER_TEST_KEY"]);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain("--key-env ROSTER_TEST_KEY: the variable is not set");
    const empty = run(["records", "--pseudonymize", "email", "--key-env", "ROSTER_TEST_KEY"], { ROSTER_TEST_KEY: "" });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("the variable is empty");
    expect(run(["people"]).code).toBe(2);
    expect(run(["--json"]).stdout).toContain('"code":"usage"');
    expect(run(["--format", "xlsx"]).code).toBe(2);
    expect(run(["records", "--since", "99"]).stderr).toContain("--since 99: no batch 99 in this store");
    expect(cli(["--store", join(dir, "none.db"), "export"], { cwd: dir }).code).toBe(4);
  }, 60_000);

  it("--encoding gbk on worker threads: a character GBK lacks names its row and field, exit 2", () => {
    const small = join(dir, "small.db");
    const csv = join(dir, "tr.csv");
    writeFileSync(csv, "id,name,city\nc1,张伟,北京\nc2,Ünal Çağlar,İzmir\n");
    expect(cli(["-q", "--store", small, "import", "--source", "crm", csv], { cwd: dir }).code).toBe(0);
    const out = join(dir, "tr-gbk.csv");
    const run = cli(["--store", small, "export", "records", "--fields", "source_id,full_name", "--encoding", "gbk", "-o", out], {
      cwd: dir,
      env: { ROSTER_WORKERS: "2" },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: --encoding gbk: row 2, field full_name: "Ü" (U+00DC) in "Ünal Çağlar" cannot be written in GBK');
    expect(existsSync(out)).toBe(false);
    expect(partials()).toEqual([]);
  }, 60_000);

  it("--require-consent on the demo's merged customers: stderr counts who was left out and why", () => {
    const demo = join(dir, "demo.db");
    const fixtures = join(import.meta.dirname, "..", "..", "fixtures", "demo");
    const config = join(fixtures, "roster.yml");
    const files = readdirSync(fixtures)
      .filter((name) => /\.(csv|jsonl|json)$/.test(name))
      .map((name) => join(fixtures, name));
    for (const args of [["import", ...files], ["dedupe"], ["merge"]]) {
      const step = cli(["-q", "--store", demo, "--config", config, ...args], { cwd: dir });
      expect(step.code, step.stderr).toBe(0);
    }
    const run = cli(["--store", demo, "export", "--require-consent", "--fields", "id,marketing_consent"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const kept = run.stdout.trimEnd().split("\n").slice(1);
    const consent = spawnSync(
      "sqlite3",
      [demo, "SELECT coalesce(marketing_consent, '-'), count(*) FROM customers WHERE retired_at IS NULL GROUP BY 1"],
      {
        encoding: "utf8",
      },
    ).stdout;
    const counts = Object.fromEntries(
      consent
        .trim()
        .split("\n")
        .map((line) => line.split("|").map((x, i) => (i === 1 ? Number(x) : x))),
    );
    expect(kept).toHaveLength(counts.true);
    expect(kept.every((line) => line.endsWith(",true"))).toBe(true);
    const left = (counts.false ?? 0) + (counts["-"] ?? 0);
    expect(run.stderr).toContain(
      `--require-consent left out ${left} customers: ${counts.false} withdrew consent, ${counts["-"]} with no consent recorded\n`,
    );
    expect(run.stderr).toContain(`exported ${counts.true} customers as csv`);
  }, 120_000);

  it("pseudonyms from the key in the environment: the same in two runs; --json with -o reports the export", () => {
    const args = [
      "--store",
      store,
      "export",
      "records",
      "--fields",
      "source_id,email",
      "--where",
      "source_id=C7",
      "--pseudonymize",
      "email",
      "--key-env",
      "K",
    ];
    const one = cli(args, { cwd: dir, env: { K: "k1" } });
    const two = cli(args, { cwd: dir, env: { K: "k1" } });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^source_id,email\nC7,[0-9a-f]{64}\n$/);
    expect(two.stdout).toBe(one.stdout);
    const out = join(dir, "report.jsonl");
    const json = cli(["--json", "--store", store, "export", "records", "-o", out, "--where", "email!="], { cwd: dir });
    const result = JSON.parse(json.stdout);
    expect(result).toMatchObject({ command: "export", ok: true, what: "records", format: "jsonl", out, rows: ROWS });
    expect(readFileSync(out, "utf8").trimEnd().split("\n")).toHaveLength(ROWS);
  }, 60_000);
});

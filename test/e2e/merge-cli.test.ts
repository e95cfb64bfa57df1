/**
 * `roster merge` through the built binary: exit codes, what goes to stdout and to stderr, --json's shape,
 * --dry-run, a bad roster.yml, the refusals, and a kill -9 in the middle of writing a plan.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCustomersCsv } from "../../bench/generate-customers.mjs";
import { cli, killWhileWriting, query } from "../helpers/run.js";
import { copyStore, tempDir, writeFile } from "../helpers/temp.js";
import { CRM_CSV, SHOP_JSONL, shop } from "../helpers/two-exports.js";

const US = ["--country", "US"];

/** stdout is one line holding one JSON object. */
function onlyObject(stdout: string): Record<string, unknown> {
  const lines = stdout.split("\n").filter((line) => line !== "");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

const merges = (store: string) =>
  query<{ runs: number; customers: number; audit: number }>(
    store,
    `SELECT (SELECT count(*) FROM merge_runs) AS runs, (SELECT count(*) FROM customers) AS customers,
            (SELECT count(*) FROM audit_log WHERE command = 'merge') AS audit`,
  )[0];

describe("merge on the store", () => {
  let dir: string;
  beforeAll(() => {
    // Imported and deduplicated once, shared by the tests of this block (each works on a copy).
    dir = mkdtempSync(join(tmpdir(), "roster-test-"));
    writeFile(dir, "crm.csv", CRM_CSV);
    writeFile(dir, "shop.jsonl", SHOP_JSONL);
    expect(cli([...US, "import", "crm.csv", "shop.jsonl"], { cwd: dir }).code).toBe(0);
    const before = cli([...US, "merge"], { cwd: dir });
    expect(before.code).toBe(2);
    expect(before.stderr).toBe(
      "error: dedupe has not run on this store: merge builds one customer per dedupe cluster\n  run roster dedupe first\n",
    );
    expect(cli([...US, "dedupe"], { cwd: dir }).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const copy = () => copyStore(dir);

  it("prints its summary on stderr and nothing on stdout; a second run says nothing changed", () => {
    const s = copy();
    const run = cli([...US, "merge"], { cwd: s.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^26 customers from 32 records: 26 created, 0 updated, 0 unchanged, 0 merged into older ones \(ids kept as aliases\), 0 retired$/m,
    );
    expect(run.stderr).toMatch(/^32 records got a customer for the first time$/m);
    expect(run.stderr).toMatch(/^completed by derivation: 2 fields \(country 2\)$/m); // the two +86 customers
    expect(run.stderr).toMatch(/^merge run 1 \(from dedupe run 1\), \d+\.\d s$/m);
    expect(merges(s.store)).toEqual({ runs: 1, customers: 26, audit: 1 });
    const again = cli([...US, "merge"], { cwd: s.dir });
    expect(again).toEqual({
      code: 0,
      stdout: "",
      stderr: "nothing changed since the last merge: 26 customers from 32 records, nothing written\n",
    });
    expect(merges(s.store)).toEqual({ runs: 1, customers: 26, audit: 1 });
  });

  it("--json: one object with the counts, the aliases and retired ids, and examples by id", () => {
    const s = copy();
    const run = cli([...US, "--json", "merge"], { cwd: s.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    const result = onlyObject(run.stdout);
    expect(Object.keys(result).sort()).toEqual(
      [
        "command",
        "ok",
        "store",
        "dry_run",
        "run",
        "mode",
        "full_because",
        "planned_clusters",
        "phases",
        "writing_thread",
        "changed",
        "merge_run_id",
        "dedupe_run_id",
        "changed_since_dedupe",
        "records",
        "customers",
        "created",
        "updated",
        "unchanged",
        "merged",
        "retired",
        "records_moved",
        "records_assigned",
        "records_carried",
        "changed_fields",
        "derived_fields",
        "aliases",
        "retired_ids",
        "examples",
        "unknown_sources",
        "seconds",
      ].sort(),
    );
    expect(result).toMatchObject({
      command: "merge",
      ok: true,
      store: s.store,
      dry_run: false,
      run: "applied",
      mode: "full",
      full_because: "the first merge of this store",
      planned_clusters: 26,
      changed: true,
      merge_run_id: 1,
      dedupe_run_id: 1,
      records: 32,
      customers: 26,
      created: 26,
      updated: 0,
      unchanged: 0,
      merged: 0,
      retired: 0,
      records_moved: 0,
      records_assigned: 32,
      records_carried: 0,
      changed_fields: {},
      derived_fields: { country: 2 },
      aliases: [],
      retired_ids: [],
      unknown_sources: [],
    });
    const examples = result.examples as { created: { customer_id: number; records: number[] }[]; updated: unknown[] };
    expect(examples.created).toHaveLength(10);
    expect(examples.updated).toEqual([]);
    // Turner's two records (crm c01 is record 1, shop s01 record 25) make customer 1.
    expect(examples.created[0]).toEqual({ customer_id: 1, records: [1, 25] });
    const again = onlyObject(cli([...US, "--json", "merge"], { cwd: s.dir }).stdout);
    expect(again).toMatchObject({ run: "unchanged", changed: false, merge_run_id: null, created: 0, unchanged: 26 });
    // The second run re-planned nothing (nothing changed since the first); --full re-plans all 26 and agrees.
    expect(again).toMatchObject({ mode: "incremental", full_because: null, planned_clusters: 0 });
    const full = onlyObject(cli([...US, "--json", "merge", "--full"], { cwd: s.dir }).stdout);
    expect(full).toMatchObject({ run: "unchanged", mode: "full", full_because: null, planned_clusters: 26, unchanged: 26 });
    expect(Object.keys(full.phases as object).sort()).toEqual(["planning", "reading", "writing"]);
  });

  it("--dry-run lists what would be created and writes nothing, --json too", () => {
    const s = copy();
    const run = cli([...US, "merge", "--dry-run"], { cwd: s.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^26 customers from 32 records: 26 would be created, 0 would be updated, 0 unchanged, /m);
    expect(run.stderr).toMatch(/^ {2}would create customer 1 \(records 1, 25\)$/m);
    expect(run.stderr).toMatch(/^ {2}… and 16 more/m);
    expect(run.stderr).toMatch(/^dry run: nothing written$/m);
    const json = onlyObject(cli([...US, "--json", "merge", "--dry-run"], { cwd: s.dir }).stdout);
    expect(json).toMatchObject({ dry_run: true, run: "dry-run", changed: true, created: 26, merge_run_id: null });
    expect(merges(s.store)).toEqual({ runs: 0, customers: 0, audit: 0 });
  });

  it("records imported since the last dedupe: exit 2, the reason on stderr and in --json's error", () => {
    const s = copy();
    writeFile(s.dir, "app.jsonl", `${shop("a01", "Omar", "Haddad", "ohaddad@example.com", "+1 313 555 0404", "1990-02-02")}\n`);
    expect(cli([...US, "import", "app.jsonl"], { cwd: s.dir }).code).toBe(0);
    const run = cli([...US, "--json", "merge"], { cwd: s.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: records are newer than the last dedupe run \(.+\): 1 record imported since; /m);
    expect(run.stderr).toMatch(/^ {2}run roster dedupe first, then roster merge$/m);
    expect(onlyObject(run.stdout)).toMatchObject({ command: "merge", ok: false, error: { exit_code: 2, code: "usage" } });
    expect(merges(s.store)).toEqual({ runs: 0, customers: 0, audit: 0 });
  });

  it("records normalized again since the last dedupe: merged with a warning, which --warn-error turns into exit 1", () => {
    const s = copy();
    expect(cli(["--country", "CN", "normalize"], { cwd: s.dir }).code).toBe(0);
    const run = cli([...US, "merge"], { cwd: s.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /^warning: \d+ records? normalized again since the last dedupe run: merged in the clusters that run made \(roster dedupe matches them again\)$/m,
    );
    expect(merges(s.store)).toEqual({ runs: 1, customers: 26, audit: 1 });
    expect(cli([...US, "--warn-error", "merge"], { cwd: s.dir }).code).toBe(1);
  });

  it("a bad merge: section in roster.yml: exit 2 naming the key path, nothing written", () => {
    const s = copy();
    writeFile(s.dir, "roster.yml", "merge:\n  sources: [crm, shop]\n  rules:\n    email: [valid_over_invalid, newest]\n");
    const run = cli([...US, "merge"], { cwd: s.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: roster\.yml: merge\.rules\.email\.1: unknown rule "newest"; rules: most_recent, most_complete, /m);
    expect(merges(s.store)).toEqual({ runs: 0, customers: 0, audit: 0 });
  });

  it("a good merge: section is used; a listed source no record has is a warning", () => {
    const s = copy();
    writeFile(s.dir, "roster.yml", "merge:\n  sources: [crm, shpo]\n  rules:\n    given_name: [source_priority]\n");
    const run = cli([...US, "merge"], { cwd: s.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^warning: merge\.sources in roster\.yml lists "shpo", which no current record has/m);
    expect(query(s.store, "SELECT given_name FROM customers WHERE id = 1")).toEqual([{ given_name: "William" }]);
    expect(cli([...US, "--warn-error", "merge"], { cwd: s.dir }).code).toBe(1);
  });

  it("no store: exit 4; --help shows examples", () => {
    const empty = tempDir();
    const run = cli(["merge"], { cwd: empty });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^error: no store at /);
    const help = cli(["merge", "--help"], { cwd: empty });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: roster merge \[options\]/m);
    expect(help.stdout).toMatch(/--dry-run/);
    expect(help.stdout).toMatch(/^Examples:$/m);
    expect(help.stdout).toMatch(/roster merge --dry-run/);
  });
});

describe("SIGKILL in the middle of a merge", () => {
  it("killed while writing its plan: the previous customers, aliases and runs are intact", async () => {
    const dir = tempDir();
    const store = join(dir, "roster.db");
    // A first merge of a small export, then a large one whose customers the killed merge was writing.
    await writeCustomersCsv(join(dir, "first.csv"), { rows: 2_000, seed: 5, truth: false });
    await writeCustomersCsv(join(dir, "second.csv"), { rows: 30_000, seed: 6, truth: false });
    expect(cli(["import", "first.csv"], { cwd: dir }).code).toBe(0);
    expect(cli(["dedupe"], { cwd: dir }).code).toBe(0);
    const first = cli(["merge"], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(cli(["import", "second.csv"], { cwd: dir }).code).toBe(0);
    const deduped = cli(["dedupe"], { cwd: dir });
    expect(deduped.code, deduped.stderr).toBe(0);
    const state = () => ({
      customers: query(store, "SELECT * FROM customers ORDER BY id"),
      records: query(store, "SELECT * FROM customer_records ORDER BY record_id"),
      aliases: query(store, "SELECT * FROM customer_aliases ORDER BY alias_id"),
      runs: query(store, "SELECT * FROM merge_runs ORDER BY id"),
      audit: query(store, "SELECT id FROM audit_log ORDER BY id"),
    });
    const before = state();
    expect(before.customers.length).toBeGreaterThan(1000);

    // Killed inside the transaction that applies its plan, once it has spilled pages into the WAL: it holds the
    // write lock (a probe's BEGIN IMMEDIATE is refused; merge takes it only to apply) and the WAL has frames no
    // commit covers.
    const { killed, killedAtWal } = await killWhileWriting(["merge"], { cwd: dir, store });
    expect(killedAtWal).toBeGreaterThan(0);
    expect(killed).toMatchObject({ code: null, signal: "SIGKILL" }); // it really died mid-way, not after finishing

    expect(query(store, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
    expect(query(store, "PRAGMA foreign_key_check")).toEqual([]);
    expect(state()).toEqual(before);

    // The next run does the whole job, and the one after has nothing left to do.
    const again = cli(["--json", "merge"], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(onlyObject(again.stdout)).toMatchObject({ run: "applied", merge_run_id: 2, retired: 0 });
    expect(cli(["merge"], { cwd: dir }).stderr).toMatch(/^nothing changed since the last merge/);
  }, 180_000);
});

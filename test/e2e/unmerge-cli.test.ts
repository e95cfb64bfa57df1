/**
 * `roster unmerge` through the built binary (`npx tsc -p tsconfig.build.json` first): exit codes, what goes to
 * stdout and to stderr, --json's shape, --dry-run and --record, on a store imported, deduplicated and merged by
 * the binary too (the two small exports of test/helpers/two-exports.ts: William Turner is CRM record 1 and shop
 * record 25, customer 1).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, query } from "../helpers/run.js";
import { copyStore, tempDir, writeFile } from "../helpers/temp.js";
import { CRM_CSV, SHOP_JSONL } from "../helpers/two-exports.js";

const US = ["--country", "US"];

/** stdout is one line holding one JSON object. */
function onlyObject(stdout: string): Record<string, unknown> {
  const lines = stdout.split("\n").filter((line) => line !== "");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

const customerOfRecord = (store: string, id: number) =>
  query<{ customer_id: number }>(store, "SELECT customer_id FROM current_records WHERE id = ?", id)[0]?.customer_id;

/** What unmerge writes itself, and the runs it starts. */
const written = (store: string) =>
  query<{ decisions: number; unmerges: number; dedupes: number; merges: number }>(
    store,
    `SELECT (SELECT count(*) FROM pair_decisions) AS decisions,
            (SELECT count(*) FROM audit_log WHERE command = 'unmerge') AS unmerges,
            (SELECT count(*) FROM dedupe_runs) AS dedupes, (SELECT count(*) FROM merge_runs) AS merges`,
  )[0];

describe("unmerge on a merged store", () => {
  let dir: string;
  beforeAll(() => {
    // Imported, deduplicated and merged once, shared by the tests of this block (each works on a copy).
    dir = mkdtempSync(join(tmpdir(), "roster-test-"));
    writeFile(dir, "crm.csv", CRM_CSV);
    writeFile(dir, "shop.jsonl", SHOP_JSONL);
    for (const args of [["import", "crm.csv", "shop.jsonl"], ["dedupe"], ["merge"]]) {
      const run = cli([...US, ...args], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
    }
    expect(customerOfRecord(join(dir, "roster.db"), 25)).toBe(1);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const copy = () => copyStore(dir);

  it("splits the customer and says where each record went, on stderr; a merge afterwards has nothing to do", () => {
    const s = copy();
    const run = cli([...US, "unmerge", "1"], { cwd: s.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("");
    const lines = run.stderr.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "split customer 1 into its 2 records: 1 pair decided different people",
      "  customer 1 keeps: 1 crm:c01",
      "  new customer 25: 25 shop:s01",
    ]);
    expect(lines[3]).toMatch(/^dedupe \((full|incremental)\) and merge run 2, \d+\.\d s$/);
    expect(customerOfRecord(s.store, 1)).toBe(1);
    expect(customerOfRecord(s.store, 25)).toBe(25);
    expect(written(s.store)).toEqual({ decisions: 1, unmerges: 1, dedupes: 2, merges: 2 });
    expect(cli([...US, "merge"], { cwd: s.dir }).stderr).toMatch(/^nothing changed since the last merge: 27 customers from 32 records/);
    // The part that kept the id has one record now: nothing left to split, exit 0.
    expect(cli([...US, "unmerge", "1"], { cwd: s.dir })).toEqual({
      code: 0,
      stdout: "",
      stderr: "customer 1 has one record (1 crm:c01): nothing to split, nothing written\n",
    });
  });

  it("--json --record: one object naming the decisions, the record taken out and the customers after", () => {
    const s = copy();
    const run = cli([...US, "--json", "unmerge", "1", "--record", "shop:s01"], { cwd: s.dir });
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
        "customer_id",
        "requested_id",
        "via_alias",
        "records",
        "record",
        "decisions",
        "decisions_written",
        "replaced_same",
        "dedupe_run",
        "merge_run_id",
        "kept_id",
        "customers",
        "seconds",
      ].sort(),
    );
    expect(result).toMatchObject({
      command: "unmerge",
      ok: true,
      store: s.store,
      dry_run: false,
      run: "applied",
      customer_id: 1,
      requested_id: 1,
      via_alias: false,
      records: [
        { id: 1, source: "crm", source_id: "c01" },
        { id: 25, source: "shop", source_id: "s01" },
      ],
      record: { id: 25, source: "shop", source_id: "s01" },
      decisions: [{ record_a: 1, record_b: 25, decision: "different", replaces: null }],
      decisions_written: 1,
      replaced_same: 0,
      merge_run_id: 2,
      kept_id: 1,
      customers: [
        { customer_id: 1, kept: true, created: false, records: [{ id: 1, source: "crm", source_id: "c01" }] },
        { customer_id: 25, kept: false, created: true, records: [{ id: 25, source: "shop", source_id: "s01" }] },
      ],
    });
  });

  it("--dry-run lists the pairs and writes nothing, --json too", () => {
    const s = copy();
    const before = written(s.store);
    const run = cli([...US, "unmerge", "19", "--dry-run"], { cwd: s.dir }); // 张伟 (CRM 19) and Wei Zhang (shop 29)
    expect(run).toEqual({
      code: 0,
      stdout: "",
      stderr:
        "would split customer 19 into its 2 records: 1 pair would be decided different people\n  19 ≠ 29\n" +
        "dry run: nothing written (the split runs dedupe and merge on the store)\n",
    });
    const json = onlyObject(cli([...US, "--json", "unmerge", "19", "--dry-run"], { cwd: s.dir }).stdout);
    expect(json).toMatchObject({ dry_run: true, run: "dry-run", decisions_written: 0, merge_run_id: null, dedupe_run: null });
    expect(json.decisions).toEqual([{ record_a: 19, record_b: 29, decision: "different", replaces: null }]);
    expect(written(s.store)).toEqual(before);
    expect(customerOfRecord(s.store, 29)).toBe(19);
  });

  it("exit 2 for an unknown customer, an id that is no number, a record not the customer's; --json carries the error", () => {
    const s = copy();
    const before = written(s.store);
    const hint = "  roster export customers --fields id,full_name,email,phone lists the customers (--where email=… finds one)\n";
    expect(cli([...US, "unmerge", "999"], { cwd: s.dir })).toEqual({
      code: 2,
      stdout: "",
      stderr: `error: no customer 999 in this store\n${hint}`,
    });
    expect(cli([...US, "unmerge", "Turner"], { cwd: s.dir })).toMatchObject({
      code: 2,
      stderr: `error: customer id "Turner": customer ids are whole numbers\n${hint}`,
    });
    const notHis = cli([...US, "unmerge", "1", "--record", "crm:c02"], { cwd: s.dir });
    expect(notHis).toMatchObject({
      code: 2,
      stderr:
        "error: --record crm:c02: record 2 is not one of customer 1's records\n  give one of its records, by id or source:source_id: 1 (crm:c01), 25 (shop:s01)\n",
    });
    const json = cli([...US, "--json", "unmerge", "999"], { cwd: s.dir });
    expect(json.code).toBe(2);
    expect(onlyObject(json.stdout)).toMatchObject({ command: "unmerge", ok: false, error: { exit_code: 2, code: "usage" } });
    expect(cli([...US, "unmerge"], { cwd: s.dir }).code).toBe(2); // the id is required
    expect(written(s.store)).toEqual(before);
  });

  it("a customer with one record: exit 0, nothing to split", () => {
    const s = copy();
    const run = cli([...US, "--json", "unmerge", "6"], { cwd: s.dir }); // Patricia Lindqvist, CRM only
    expect(run.code, run.stderr).toBe(0);
    expect(onlyObject(run.stdout)).toMatchObject({ run: "nothing-to-split", customer_id: 6, decisions: [], decisions_written: 0 });
    expect(written(s.store)).toMatchObject({ decisions: 0, unmerges: 0 });
  });

  it("no store: exit 4; --help shows examples", () => {
    const empty = tempDir();
    const run = cli(["unmerge", "1"], { cwd: empty });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^error: no store at /);
    const help = cli(["unmerge", "--help"], { cwd: empty });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: roster unmerge \[options\] <customer-id>/m);
    expect(help.stdout).toMatch(/--record <id>/);
    expect(help.stdout).toMatch(/^Examples:$/m);
  });
});

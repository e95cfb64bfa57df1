/**
 * merge's writing thread (src/store/merge-writer.ts), which a big plan uses on a machine with two cores and
 * ROSTER_WORKERS=1 forces on any: the same customers, assignments, aliases and runs as writing on the main thread
 * after planning, over a first merge and an incremental one that updates and joins customers; its refusals (a
 * locked store) as exit 4; and killed in the middle of its transaction, nothing half-written.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCustomersCsv } from "../../bench/generate-customers.mjs";
import { cli, killWhileWriting, query } from "../helpers/run.js";
import { copyStore, tempDir } from "../helpers/temp.js";

const ONE_THREAD = { ROSTER_WORKERS: "0" };
const WRITING_THREAD = { ROSTER_WORKERS: "1" };

/** Everything merge writes, without the times it stamps (two runs cannot share those). */
function merged(store: string) {
  return {
    customers: query(store, "SELECT * FROM customers ORDER BY id").map((row) => {
      const { first_merged_at: _first, last_changed_at: _last, retired_at: retired, ...rest } = row as Record<string, unknown>;
      return { ...rest, retired: retired !== null };
    }),
    records: query(store, "SELECT * FROM customer_records ORDER BY record_id"),
    aliases: query(store, "SELECT alias_id, customer_id FROM customer_aliases ORDER BY alias_id"),
    runs: query<{ counts: string }>(store, "SELECT counts FROM merge_runs ORDER BY id").map((run) => JSON.parse(run.counts)),
  };
}

describe("merge's writing thread", () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "roster-test-")); // shared by the tests (each works on a copy)
    // One export of the generator's customers split in two: the second part holds later copies of people of the
    // first, so the second merge updates customers (and may join some into older ones).
    await writeCustomersCsv(join(dir, "all.csv"), { rows: 6_000, seed: 11, truth: false });
    const [header, ...rows] = readFileSync(join(dir, "all.csv"), "utf8").trimEnd().split("\n");
    writeFileSync(join(dir, "first.csv"), [header, ...rows.slice(0, 4_000), ""].join("\n"));
    writeFileSync(join(dir, "second.csv"), [header, ...rows.slice(4_000), ""].join("\n"));
    expect(cli(["import", "first.csv", "--source", "crm"], { cwd: dir }).code).toBe(0);
    const deduped = cli(["dedupe"], { cwd: dir });
    expect(deduped.code, deduped.stderr).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes what the main thread writes, on a first merge and on the incremental one after", () => {
    const [inline, threaded] = [copyStore(dir), copyStore(dir)];
    for (const [copy, env] of [
      [inline, ONE_THREAD],
      [threaded, WRITING_THREAD],
    ] as const) {
      const first = cli(["merge"], { cwd: copy.dir, env });
      expect(first.code, first.stderr).toBe(0);
      expect(cli(["import", join(dir, "second.csv"), "--source", "crm"], { cwd: copy.dir }).code).toBe(0);
      expect(cli(["dedupe"], { cwd: copy.dir }).code).toBe(0);
      const second = cli(["--json", "merge"], { cwd: copy.dir, env });
      expect(second.code, second.stderr).toBe(0);
      const result = JSON.parse(second.stdout);
      expect(result).toMatchObject({ run: "applied", mode: "incremental", writing_thread: env === WRITING_THREAD });
      expect(result.updated).toBeGreaterThan(0);
    }
    const expected = merged(inline.store);
    expect(expected.customers.length).toBeGreaterThan(3_000);
    expect(expected.runs).toHaveLength(2);
    expect(merged(threaded.store)).toEqual(expected);
    expect(query(threaded.store, "PRAGMA foreign_key_check")).toEqual([]);
  }, 180_000);

  it("a dry run and a run with nothing new write nothing", () => {
    const copy = copyStore(dir);
    expect(cli(["merge", "--dry-run"], { cwd: copy.dir, env: WRITING_THREAD }).code).toBe(0);
    expect(query(copy.store, "SELECT count(*) AS n FROM customers")).toEqual([{ n: 0 }]);
    expect(cli(["merge"], { cwd: copy.dir, env: WRITING_THREAD }).code).toBe(0);
    const again = cli(["merge"], { cwd: copy.dir, env: WRITING_THREAD });
    expect(again.stderr).toMatch(/^nothing changed since the last merge/m);
    expect(query(copy.store, "SELECT count(*) AS n FROM merge_runs")).toEqual([{ n: 1 }]);
  }, 120_000);

  it("a store another process holds the write lock of: exit 4 naming the lock, nothing written", () => {
    const copy = copyStore(dir);
    const holder = new Database(copy.store);
    holder.exec("BEGIN IMMEDIATE");
    try {
      const run = cli(["merge"], { cwd: copy.dir, env: { ...WRITING_THREAD, ROSTER_BUSY_TIMEOUT: "300" } });
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).toMatch(/^error: store .* is locked by another process \(waited past the busy timeout\)$/m);
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    expect(query(copy.store, "SELECT count(*) AS n FROM customers")).toEqual([{ n: 0 }]);
    expect(cli(["merge"], { cwd: copy.dir, env: WRITING_THREAD }).code).toBe(0);
  }, 120_000);

  it("killed in the middle of the thread's transaction: no customer written, the next run does it all", async () => {
    // A store big enough that the thread holds its transaction for a while (it takes the lock with its first
    // chunk and commits after planning ends), killed as soon as a probe finds the lock held: inside it.
    const big = tempDir();
    const store = join(big, "roster.db");
    await writeCustomersCsv(join(big, "big.csv"), { rows: 30_000, seed: 12, truth: false });
    expect(cli(["import", "big.csv"], { cwd: big }).code).toBe(0);
    expect(cli(["dedupe"], { cwd: big }).code).toBe(0);
    const { killed, killedAtWal } = await killWhileWriting(["merge"], { cwd: big, store, env: WRITING_THREAD, whenLocked: true });
    expect(killedAtWal).toBeGreaterThan(0);
    expect(killed).toMatchObject({ code: null, signal: "SIGKILL" });
    expect(query(store, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
    expect(query(store, "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM customer_records) AS n")).toEqual([{ n: 0 }]);
    const again = cli(["--json", "merge"], { cwd: big, env: WRITING_THREAD });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ run: "applied", writing_thread: true });
    expect(query(store, "SELECT (SELECT count(*) FROM customer_records) - (SELECT count(*) FROM records) AS n")).toEqual([{ n: 0 }]);
  }, 180_000);
});

/** `roster batches` and `roster batches rm`: listing, and removing a batch with its version chains mended. */
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { runBatches, runBatchesRm } from "../../src/commands/batches.js";
import { runNormalize } from "../../src/commands/normalize.js";
import { StoreError, UsageError } from "../../src/errors.js";
import { importOrThrow, normalizeOptions, query, quietTerminal } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

const DEAD_PID = 2 ** 22 + 12345;

function store() {
  const dir = tempDir();
  return { dir, path: join(dir, "roster.db") };
}
const options = (path: string) => ({ storePath: path, busyTimeoutMs: 1000 });
const rm = (path: string, id: number) => runBatchesRm({ ...options(path), id });
const current = (path: string) => query(path, "SELECT batch_id, source_id, email FROM current_records ORDER BY source_id");

describe("roster batches", () => {
  it("lists every batch in import order with its counts and status, optionally of one source", async () => {
    const { dir, path } = store();
    const crm = writeFile(dir, "crm.csv", 'id,email\nC1,a@x.com\nC2,"b\n');
    await importOrThrow([crm], path);
    await importOrThrow([crm], path);
    await importOrThrow([writeFile(dir, "shop.csv", "id,email\nS1,s@x.com\n")], path);
    const db = new Database(path);
    db.prepare("UPDATE batches SET status = 'importing', pid = ? WHERE id = 3").run(DEAD_PID);
    db.close();
    const { batches } = await runBatches(options(path));
    expect(batches.map((b) => [b.id, b.source, b.status, b.duplicateOf, b.counts])).toEqual([
      [1, "crm", "complete", null, { read: 2, new: 1, changed: 0, unchanged: 0, rejected: 1 }],
      [2, "crm", "duplicate", 1, { read: 2, new: 1, changed: 0, unchanged: 0, rejected: 1 }],
      [3, "shop", "abandoned", null, { read: 1, new: 1, changed: 0, unchanged: 0, rejected: 0 }],
    ]);
    expect((await runBatches({ ...options(path), source: "shop" })).batches.map((b) => b.id)).toEqual([3]);
  });

  it("listing writes nothing, not even an audit line", async () => {
    const { dir, path } = store();
    await importOrThrow([writeFile(dir, "crm.csv", "id\nC1\n")], path);
    await runBatches(options(path));
    expect(query(path, "SELECT command FROM audit_log")).toEqual([{ command: "import" }]);
  });

  it("needs an existing store", async () => {
    const { path } = store();
    await expect(runBatches(options(path))).rejects.toThrow(StoreError);
  });
});

describe("roster batches rm", () => {
  it("removes the batch's records, match keys, findings and rejects in one go, and says so in audit_log", async () => {
    const { dir, path } = store();
    await importOrThrow([writeFile(dir, "crm.csv", 'id,email\nC1,not-an-email\nC2,"b\n')], path);
    await importOrThrow([writeFile(dir, "shop.csv", "id,email\nS1,s@x.com\n")], path);
    await runNormalize(normalizeOptions(path), { terminal: quietTerminal().terminal, stdout: process.stdout });
    const findings = query<{ n: number }>(
      path,
      "SELECT count(*) AS n FROM findings f JOIN records r ON r.id = f.record_id WHERE r.batch_id = 1",
    )[0]?.n;
    expect(findings).toBeGreaterThan(0);
    const removed = await rm(path, 1);
    expect(removed).toMatchObject({ records: 1, rejects: 1, findings, duplicates: [], reinstated: undefined, currentAgain: 0 });
    expect(query(path, "SELECT id, source FROM batches")).toEqual([{ id: 2, source: "shop" }]);
    expect(query(path, "SELECT count(*) AS n FROM records WHERE batch_id = 1")).toEqual([{ n: 0 }]);
    expect(query(path, "SELECT count(*) AS n FROM rejects")).toEqual([{ n: 0 }]);
    expect(query(path, "SELECT count(*) AS n FROM record_keys")).toEqual([{ n: 1 }]); // shop's
    expect(query(path, "PRAGMA foreign_key_check")).toEqual([]);
    const audit = query<{ command: string; args: string; outcome: string; details: string }>(
      path,
      "SELECT command, args, outcome, details FROM audit_log WHERE command = 'batches'",
    );
    expect(audit.map((a) => [a.command, JSON.parse(a.args), a.outcome])).toEqual([["batches", ["rm", "1"], "ok"]]);
    expect(JSON.parse(audit[0]?.details ?? "{}")).toMatchObject({ batch_id: 1, records: 1, rejects: 1, findings });
  });

  it("the versions a removed batch superseded are current again", async () => {
    const { dir, path } = store();
    await importOrThrow([writeFile(dir, "crm.csv", "id,email\nC1,a@x.com\nC2,b@x.com\n")], path);
    await importOrThrow([writeFile(dir, "crm.csv", "id,email\nC1,a@x.com\nC2,b2@x.com\nC3,c@x.com\n")], path);
    const removed = await rm(path, 2);
    expect(removed).toMatchObject({ records: 2, currentAgain: 1 });
    expect(current(path)).toEqual([
      { batch_id: 1, source_id: "C1", email: "a@x.com" },
      { batch_id: 1, source_id: "C2", email: "b@x.com" },
    ]);
  });

  it("removing a middle version mends the chain: the older version is superseded by the newer one", async () => {
    const { dir, path } = store();
    for (const email of ["v1@x.com", "v2@x.com", "v3@x.com"])
      await importOrThrow([writeFile(dir, "crm.csv", `id,email\nC1,${email}\n`)], path);
    await rm(path, 2);
    const rows = query<{ id: number; email: string; supersedes: number | null; superseded_by: number | null }>(
      path,
      "SELECT id, email, supersedes, superseded_by FROM records ORDER BY id",
    );
    expect(rows.map((r) => r.email)).toEqual(["v1@x.com", "v3@x.com"]);
    expect(rows[0]?.superseded_by).toBe(rows[1]?.id);
    expect(rows[1]?.supersedes).toBe(rows[0]?.id);
    expect(current(path)).toEqual([{ batch_id: 3, source_id: "C1", email: "v3@x.com" }]);
    // The next import compares with v3, as before.
    const again = await importOrThrow([writeFile(dir, "crm.csv", "id,email\nC1,v1@x.com\n")], path);
    expect(again.totals).toMatchObject({ changed: 1 });
  });

  it("removing a re-read makes the batch it replaced current again, in its place in the version chains", async () => {
    const { dir, path } = store();
    await importOrThrow([writeFile(dir, "crm.csv", "id,email\nC1,old@x.com\n")], path);
    const v2 = writeFile(dir, "crm.csv", "id,email,name\nC1,new@x.com,Jürgen\nC2,b@x.com,Bo\n");
    await importOrThrow([v2], path, { read: { encoding: "latin1" } });
    await importOrThrow([v2], path);
    expect(current(path).map((r) => r.batch_id)).toEqual([3, 3]);
    const removed = await rm(path, 3);
    expect(removed).toMatchObject({ reinstated: 2, records: 2, currentAgain: 2 });
    expect(query(path, "SELECT id, status, replaces, replaced_by FROM batches ORDER BY id")).toEqual([
      { id: 1, status: "complete", replaces: null, replaced_by: null },
      { id: 2, status: "complete", replaces: null, replaced_by: null },
    ]);
    expect(query(path, "SELECT batch_id, source_id, full_name FROM current_records ORDER BY source_id")).toEqual([
      { batch_id: 2, source_id: "C1", full_name: "JÃ¼rgen" },
      { batch_id: 2, source_id: "C2", full_name: "Bo" },
    ]);
    // Batch 1's C1 is superseded by batch 2's again.
    const c1 = query<{ id: number; superseded_by: number | null }>(
      path,
      "SELECT id, superseded_by FROM records WHERE source_id = 'C1' ORDER BY id",
    );
    expect(c1.map((r) => r.superseded_by)).toEqual([c1[1]?.id, null]);
  });

  it("removing a replaced batch in the middle passes the link on: the latest re-read replaces the first read", async () => {
    const { dir, path } = store();
    const file = writeFile(dir, "crm.csv", "id,name\nC1,Jürgen\n");
    await importOrThrow([file], path, { read: { encoding: "latin1" } });
    await importOrThrow([file], path, { read: { encoding: "utf-16le" } });
    await importOrThrow([file], path);
    const removed = await rm(path, 2);
    expect(removed).toMatchObject({ reinstated: undefined, currentAgain: 0 });
    expect(query(path, "SELECT id, status, replaces, replaced_by FROM batches ORDER BY id")).toEqual([
      { id: 1, status: "replaced", replaces: null, replaced_by: 3 },
      { id: 3, status: "complete", replaces: 1, replaced_by: null },
    ]);
    expect(query(path, "SELECT batch_id, full_name FROM current_records")).toEqual([{ batch_id: 3, full_name: "Jürgen" }]);
  });

  it("removes the duplicate re-imports of the batch with it", async () => {
    const { dir, path } = store();
    const file = writeFile(dir, "crm.csv", "id\nC1\n");
    await importOrThrow([file], path);
    await importOrThrow([file], path);
    expect(await rm(path, 1)).toMatchObject({ duplicates: [2] });
    expect(query(path, "SELECT count(*) AS n FROM batches")).toEqual([{ n: 0 }]);
    // Nothing to be a duplicate of any more: the file imports again.
    expect((await importOrThrow([file], path)).files[0]).toMatchObject({ status: "imported", batchId: 3 });
  });

  it("an unknown id is a usage error naming it, and is audited as failed", async () => {
    const { dir, path } = store();
    await importOrThrow([writeFile(dir, "crm.csv", "id\nC1\n")], path);
    await expect(rm(path, 42)).rejects.toThrow(UsageError);
    await expect(rm(path, 42)).rejects.toThrow(/no batch 42 in /);
    expect(query(path, "SELECT args, outcome FROM audit_log WHERE command = 'batches'")[0]).toEqual({
      args: '["rm","42"]',
      outcome: "failed",
    });
  });

  it("is refused while an import into the same source runs; another source's import or an abandoned one does not stop it", async () => {
    const { dir, path } = store();
    await importOrThrow([writeFile(dir, "crm.csv", "id\nC1\n")], path);
    await importOrThrow([writeFile(dir, "shop.csv", "id\nS1\n")], path);
    await importOrThrow([writeFile(dir, "crm.csv", "id\nC2\n")], path);
    const db = new Database(path);
    db.prepare("UPDATE batches SET status = 'importing', pid = ? WHERE id = 3").run(process.pid); // alive: this process
    db.close();
    await expect(rm(path, 1)).rejects.toThrow(StoreError);
    await expect(rm(path, 1)).rejects.toThrow(/cannot remove batch 1 now: batch 3 is being imported into source "crm"/);
    expect(query(path, "SELECT count(*) AS n FROM records WHERE batch_id = 1")).toEqual([{ n: 1 }]);
    expect(await rm(path, 2)).toMatchObject({ records: 1 });
    const dead = new Database(path);
    dead.prepare("UPDATE batches SET pid = ? WHERE id = 3").run(DEAD_PID);
    dead.close();
    expect(await rm(path, 3)).toMatchObject({ records: 1 }); // the abandoned batch itself
    expect(await rm(path, 1)).toMatchObject({ records: 1 });
    expect(query(path, "SELECT count(*) AS n FROM records")).toEqual([{ n: 0 }]);
  });

  it("a removed batch's id is not given to the next import", async () => {
    const { dir, path } = store();
    await importOrThrow([writeFile(dir, "crm.csv", "id\nC1\n")], path);
    await importOrThrow([writeFile(dir, "shop.csv", "id\nS1\n")], path);
    await rm(path, 2);
    expect((await importOrThrow([writeFile(dir, "web.csv", "id\nW1\n")], path)).files[0]?.batchId).toBe(3);
  });
});

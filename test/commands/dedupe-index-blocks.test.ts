/**
 * The dedupe index in blocks: whatever was stored before, writing an index and reading it back gives exactly that
 * index; given the index a run started from, only the blocks that differ are written again.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type DedupeIndex, INDEX_BLOCK_ROWS, readDedupeIndex, readIndexClusters, writeDedupeIndex } from "../../src/store/dedupe-index.js";
import { type Db, openStore } from "../../src/store/open.js";
import { tempDir } from "../helpers/temp.js";

function store(): Db {
  const { db } = openStore(join(tempDir(), "roster.db"), { create: true, busyTimeoutMs: 1000 });
  // The index's run ids name dedupe_runs rows; these tests write the index alone.
  db.pragma("foreign_keys = OFF");
  return db;
}

/** An index of `rows` records (ids ascending with gaps), deterministic from `seed`. */
function indexOf(rows: number, runId: number, seed: number): DedupeIndex {
  const recordIds = Float64Array.from({ length: rows }, (_, k) => k * 2 + 1);
  const clusterIds = recordIds.map((id, k) => (k % 3 === 0 ? id : (recordIds[k - (k % 3)] as number)));
  const hashes = (salt: number) => Uint32Array.from({ length: rows }, (_, k) => (Math.imul(k + salt, 2654435761) >>> 0) % 1000);
  return {
    runId,
    recordIds,
    clusterIds,
    rules: new Map([
      ["email", hashes(seed)],
      ["phone", hashes(seed + 7)],
      ["nobody", new Uint32Array(rows)],
    ]),
    decisions: `digest-${seed}`,
  };
}

function written(db: Db, index: DedupeIndex, previous?: DedupeIndex): string[] {
  writeDedupeIndex(db, index, previous);
  return (db.prepare("SELECT name FROM dedupe_index WHERE run_id = ? ORDER BY name").pluck().all(index.runId) as string[]).filter((name) =>
    name.includes("@"),
  );
}

function expectStored(db: Db, index: DedupeIndex): void {
  const read = readDedupeIndex(db);
  expect(read).toEqual(index);
  expect(readIndexClusters(db, index.runId)).toEqual({ recordIds: index.recordIds, clusterIds: index.clusterIds });
  expect(readIndexClusters(db, index.runId + 1)).toBeUndefined();
  // No block is left beyond the arrays' ends.
  const blocks = Math.ceil(index.recordIds.length / INDEX_BLOCK_ROWS);
  expect(db.prepare("SELECT count(*) FROM dedupe_index WHERE name LIKE 'record_ids@%'").pluck().get()).toBe(blocks);
}

const rows = 3 * INDEX_BLOCK_ROWS + 1234;

describe("the dedupe index in blocks", () => {
  it("a full write reads back exactly; a rule nobody has a key for is stored without blocks", () => {
    const db = store();
    const index = indexOf(rows, 1, 1);
    const names = written(db, index);
    expect(names.filter((name) => name.startsWith("record_ids@"))).toHaveLength(4);
    expect(names.some((name) => name.startsWith("keys:nobody"))).toBe(false);
    expectStored(db, index);
  });

  it("after new records and a few cluster moves, only the blocks that differ are written, and the result reads back exactly", () => {
    const db = store();
    const first = indexOf(rows, 1, 1);
    written(db, first);
    const next = indexOf(rows + 500, 2, 1); // the same records and keys, 500 more at the end
    next.clusterIds[10] = 99_999; // a record in block 0 moved to another cluster
    const names = written(db, next, first);
    expect(names).toEqual(["cluster_ids@0", "cluster_ids@3", "keys:email@3", "keys:phone@3", "record_ids@3"].sort());
    expectStored(db, next);
  });

  it("records gone (every block after shifts), a rule losing all keys and one gaining them: read back exactly", () => {
    const db = store();
    const first = indexOf(rows, 1, 1);
    written(db, first);
    const next = indexOf(INDEX_BLOCK_ROWS + 5, 2, 3);
    next.rules.set("email", new Uint32Array(next.recordIds.length));
    next.rules.set(
      "nobody",
      Uint32Array.from({ length: next.recordIds.length }, (_, k) => k % 5),
    );
    written(db, next, first);
    expectStored(db, next);
    expect(db.prepare("SELECT count(*) FROM dedupe_index WHERE name LIKE 'keys:email@%'").pluck().get()).toBe(0);
  });

  it("when the stored index is not the one the run started from (dropped by batches rm, or another run's), all is written", () => {
    const db = store();
    const first = indexOf(rows, 1, 1);
    written(db, first);
    db.exec("DELETE FROM dedupe_index");
    const next = indexOf(rows, 2, 1);
    expect(written(db, next, first).filter((name) => name.startsWith("record_ids@"))).toHaveLength(4);
    expectStored(db, next);
    const other = indexOf(rows, 3, 1);
    expect(written(db, other, first).filter((name) => name.startsWith("record_ids@"))).toHaveLength(4);
    expectStored(db, other);
  });

  it("an empty store has no index; an index without a manifest is an older roster's", () => {
    const db = store();
    expect(readDedupeIndex(db)).toBeUndefined();
    db.prepare("INSERT INTO dedupe_index (name, run_id, data) VALUES ('record_ids', 1, x'00')").run();
    expect(readDedupeIndex(db)).toEqual({ older: true });
  });

  it("a missing or cut block makes the index unusable rather than wrong", () => {
    const db = store();
    written(db, indexOf(rows, 1, 1));
    db.prepare("UPDATE dedupe_index SET data = substr(data, 1, 100) WHERE name = 'keys:phone@2'").run();
    expect(readDedupeIndex(db)).toBeUndefined();
    written(db, indexOf(rows, 1, 1));
    db.prepare("DELETE FROM dedupe_index WHERE name = 'cluster_ids@1'").run();
    expect(readDedupeIndex(db)).toBeUndefined();
    expect(readIndexClusters(db, 1)).toBeUndefined();
  });
});

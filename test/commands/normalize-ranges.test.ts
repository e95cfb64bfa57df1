import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RangeNormalizer, type WriteTurn } from "../../src/commands/normalize-range.js";
import { openStore } from "../../src/store/open.js";
import { importOrThrow, query } from "../helpers/run.js";
import { tempDir, writeFile } from "../helpers/temp.js";

/** A turn that is never free when tried, as when the other worker is always mid-write. */
function busyTurn(): WriteTurn & { taken: number } {
  const turn = {
    taken: 0,
    take(write: () => void) {
      turn.taken++;
      write();
    },
    tryTake: () => false,
  };
  return turn;
}

async function storeWith(rows: number): Promise<string> {
  const dir = tempDir();
  const csv = writeFile(
    dir,
    "people.csv",
    `id,name,phone,country\n${Array.from({ length: rows }, (_, i) => `P${i},PERSON ${i},(415) 555-${String(i).padStart(4, "0")},USA`).join("\n")}\n`,
  );
  const store = join(dir, "roster.db");
  await importOrThrow([csv], store);
  return store;
}

describe("RangeNormalizer while the other worker holds the write turn", () => {
  it("holds one range back, writes it with the next, and writes the last on finish: every record lands", async () => {
    const store = await storeWith(25);
    const { db } = openStore(store, { create: false, busyTimeoutMs: 1000 });
    const turn = busyTurn();
    const normalizer = new RangeNormalizer(
      db,
      { contexts: { people: { country: undefined, dateOrder: undefined } }, dryRun: false, now: "2026-11-23T00:00:00Z" },
      turn,
    );
    for (const [from, to] of [
      [1, 10],
      [11, 20],
      [21, 30],
    ] as const)
      normalizer.run(from, to);
    expect(query(store, "SELECT count(*) AS n FROM record_keys")).toEqual([{ n: 20 }]); // ranges 1 and 2, together
    expect(turn.taken).toBe(1);
    normalizer.finish();
    db.close();
    expect(turn.taken).toBe(2);
    expect(query(store, "SELECT count(*) AS n FROM record_keys")).toEqual([{ n: 25 }]);
    expect(query(store, "SELECT count(*) AS n FROM records WHERE phone LIKE '+1415555%' AND full_name LIKE 'Person %'")).toEqual([
      { n: 25 },
    ]);
  });

  it("writes at once when the turn is free, and finish then has nothing left", async () => {
    const store = await storeWith(5);
    const { db } = openStore(store, { create: false, busyTimeoutMs: 1000 });
    let tried = 0;
    const free: WriteTurn = {
      take: () => {
        throw new Error("nobody should wait");
      },
      tryTake: (write) => {
        tried++;
        write();
        return true;
      },
    };
    const normalizer = new RangeNormalizer(
      db,
      { contexts: { people: { country: undefined, dateOrder: undefined } }, dryRun: false, now: "2026-11-23T00:00:00Z" },
      free,
    );
    normalizer.run(1, 5);
    expect(query(store, "SELECT count(*) AS n FROM record_keys")).toEqual([{ n: 5 }]);
    normalizer.finish();
    db.close();
    expect(tried).toBe(1);
  });
});

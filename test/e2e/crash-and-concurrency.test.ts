/**
 * A killed import leaves nothing half-done, an interrupted filter leaves no temporary file, and two imports
 * can share a store. Uses the built binary on
 * generated data (bench/generate-customers.mjs), large enough that the kill lands mid-import.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeCustomersCsv } from "../../bench/generate-customers.mjs";
import { cli, cliAsync, query } from "../helpers/run.js";
import { tempDir } from "../helpers/temp.js";

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (check()) return;
    } catch {
      // the store may not exist yet, or be mid-creation
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("timed out waiting for the run to make progress");
}

/** A fresh directory with `big.csv` of generated customers, and where its store goes. */
async function bigExport(rows: number, seed: number): Promise<{ dir: string; file: string; store: string }> {
  const dir = tempDir();
  const file = join(dir, "big.csv");
  await writeCustomersCsv(file, { rows, seed, truth: false }); // no ground truth beside it: the tests list the folder
  return { dir, file, store: join(dir, "roster.db") };
}

describe("SIGKILL in the middle of an import", () => {
  it("the next import rolls the partial batch back and ends with exactly the file's rows", async () => {
    const rows = 300_000;
    const { dir, file, store } = await bigExport(rows, 7);

    const { child, done } = cliAsync(["import", file], { cwd: dir });
    await waitFor(
      () => (query<{ n: number }>(store, "SELECT rows_read AS n FROM batches WHERE status = 'importing'")[0]?.n ?? 0) > 0,
      60_000,
    );
    child.kill("SIGKILL");
    const killed = await done;
    expect(killed.code).toBeNull(); // it really died mid-way, not after finishing
    const partial = query<{ n: number }>(store, "SELECT count(*) AS n FROM records")[0]?.n ?? 0;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(rows);
    expect(query(store, "SELECT status FROM batches")).toEqual([{ status: "importing" }]);

    const again = cli(["import", file], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/rolled back 1 unfinished import/);
    expect(query(store, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
    expect(query(store, "SELECT status, rows_new FROM batches")).toEqual([{ status: "complete", rows_new: rows }]);
    expect(query(store, "SELECT count(*) AS n, count(DISTINCT source_id) AS ids FROM records")).toEqual([{ n: rows, ids: rows }]);
    expect(query(store, "SELECT count(*) AS n FROM rejects")).toEqual([{ n: 0 }]);
  });
});

describe("SIGTERM or SIGINT in the middle of an import", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "%s: roster rolls the batch back and dies of it: the store holds nothing of it",
    async (signal) => {
      const { dir, file, store } = await bigExport(300_000, 13);
      const { child, done } = cliAsync(["import", file], { cwd: dir });
      await waitFor(
        () => (query<{ n: number }>(store, "SELECT rows_read AS n FROM batches WHERE status = 'importing'")[0]?.n ?? 0) > 0,
        60_000,
      );
      child.kill(signal);
      expect(await done).toMatchObject({ code: null, signal });
      expect(query(store, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
      expect(query(store, "SELECT (SELECT count(*) FROM batches) AS batches, (SELECT count(*) FROM records) AS records")).toEqual([
        { batches: 0, records: 0 },
      ]);
    },
  );
});

describe("SIGTERM or Ctrl-C in the middle of writing a file", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("%s: roster dies of it, leaving neither the output nor its temporary file", async (signal) => {
    const { dir, file } = await bigExport(200_000, 11);
    const { child, done } = cliAsync(["--country", "US", "normalize", file, "-o", "clean.csv"], { cwd: dir });
    const partial = () => readdirSync(dir).find((name) => name.startsWith("clean.csv.partial-"));
    // Past the header: rows are being normalized and written.
    await waitFor(() => {
      const name = partial();
      return name !== undefined && statSync(join(dir, name)).size > 100_000;
    }, 60_000);
    child.kill(signal);
    const stopped = await done;
    // Died of the signal (a shell reports 128 + its number and a calling script stops), not a normal exit.
    expect(stopped).toMatchObject({ code: null, signal });
    expect(readdirSync(dir).sort()).toEqual(["big.csv"]);
  });
});

describe("SIGTERM in the middle of normalizing the store", () => {
  it("dies at once; what was written stays consistent and the next run finishes the job", async () => {
    const rows = 100_000;
    const { dir, file, store } = await bigExport(rows, 5);
    expect(cli(["import", file], { cwd: dir }).code).toBe(0);
    // One thread: a long synchronous loop, where a signal handler would never get its turn.
    const { child, done } = cliAsync(["--country", "US", "normalize"], { cwd: dir, env: { ROSTER_WORKERS: "0" } });
    await waitFor(() => (query<{ n: number }>(store, "SELECT count(*) AS n FROM record_keys")[0]?.n ?? 0) > 0, 60_000);
    child.kill("SIGTERM");
    expect(await done).toMatchObject({ code: null, signal: "SIGTERM" });
    const written = query<{ n: number }>(store, "SELECT count(*) AS n FROM record_keys")[0]?.n ?? 0;
    expect(written).toBeLessThan(rows);
    expect(written % 5000).toBe(0); // whole ranges only: each is one transaction
    expect(query(store, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
    expect(query(store, "SELECT count(*) AS n FROM audit_log WHERE command = 'normalize'")).toEqual([{ n: 0 }]);
    expect(cli(["--country", "US", "normalize"], { cwd: dir }).code).toBe(0);
    expect(query(store, "SELECT count(*) AS n FROM record_keys")).toEqual([{ n: rows }]);
  });
});

describe("two imports into one store at the same time", () => {
  it("both succeed and both files land completely", async () => {
    const dir = tempDir();
    const rows = 100_000;
    const a = join(dir, "a.csv");
    const b = join(dir, "b.csv");
    await Promise.all([writeCustomersCsv(a, { rows, seed: 1 }), writeCustomersCsv(b, { rows, seed: 2 })]);
    // Taking turns is what is tested, not the default busy timeout: on a CI machine whose two cores run other test
    // files too, one writer can wait longer than 5 s for its turn.
    const env = { ROSTER_BUSY_TIMEOUT: "60000" };
    const first = cliAsync(["import", a], { cwd: dir, env });
    const second = cliAsync(["import", b], { cwd: dir, env });
    const [ra, rb] = await Promise.all([first.done, second.done]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    const store = join(dir, "roster.db");
    expect(query(store, "SELECT source, count(*) AS n FROM records GROUP BY source ORDER BY source")).toEqual([
      { source: "a", n: rows },
      { source: "b", n: rows },
    ]);
    expect(query(store, "SELECT DISTINCT status FROM batches")).toEqual([{ status: "complete" }]);
    expect(query(store, "PRAGMA integrity_check")).toEqual([{ integrity_check: "ok" }]);
  });
});

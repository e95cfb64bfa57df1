/**
 * Processes that open a new store at the same moment (two cron jobs, two imports started together) all succeed.
 * A new store starts in rollback mode, where switching it to WAL could deadlock and SQLite answered one of
 * them SQLITE_BUSY at once (exit 4, "locked by another process") without waiting: before the fix about one
 * store in ten failed this way with four openers.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { query } from "../helpers/run.js";
import { tempDir } from "../helpers/temp.js";

const SCRIPT = fileURLToPath(new URL("../helpers/open-stores-at.mjs", import.meta.url));

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", () => resolve(out));
  });
}

it("four processes opening the same new stores at the same moments all succeed, and each store is WAL and migrated", async () => {
  const dir = tempDir();
  const rounds = 40;
  // Started well after the four node processes are up, so that each store's four opens coincide.
  const startAt = Date.now() + 1500;
  const outputs = await Promise.all([1, 2, 3, 4].map(() => run([dir, String(startAt), String(rounds), "40"])));
  const lines = outputs.flatMap((out) => out.trim().split("\n"));
  expect(lines).toHaveLength(4 * rounds);
  expect(lines.filter((line) => line !== "ok")).toEqual([]);
  const stores = readdirSync(dir).filter((name) => name.endsWith(".db"));
  expect(stores).toHaveLength(rounds);
  for (const name of stores) {
    const store = `${dir}/${name}`;
    expect(query(store, "PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
    expect(query<{ n: number }>(store, "SELECT count(*) AS n FROM sqlite_schema WHERE name = 'records'")).toEqual([{ n: 1 }]);
  }
});

#!/usr/bin/env node
// npm run bench:import [-- --rows N]
// Generates a realistic customer CSV outside the repo, imports it with roster into a fresh store, and runs
// sqlite3's own `.import` of the same file beside it: times, ratio, rows/s, and roster's peak RSS.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeCustomersCsv } from "./generate-customers.mjs";

const { values } = parseArgs({ options: { rows: { type: "string", default: "1000000" }, runs: { type: "string", default: "1" } } });
const rows = Number(values.rows);
const root = join(import.meta.dirname, "..");
const dir = join(tmpdir(), "roster-bench");
mkdirSync(dir, { recursive: true });
const csv = join(dir, `customers-${rows}.csv`);

if (!existsSync(csv)) {
  console.error(`generating ${rows.toLocaleString("en-US")} rows into ${csv} …`);
  await writeCustomersCsv(csv, { rows, seed: 42 });
}
const megabytes = statSync(csv).size / 1e6;

function fresh(path) {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  return path;
}

function timed(command, args) {
  const started = process.hrtime.bigint();
  const run = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`${command} failed (${run.status}): ${run.stderr}`);
  return { seconds, stderr: run.stderr };
}

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const runs = Number(values.runs);
const roster = [];
let peakKb = 0;
for (let i = 0; i < runs; i++) {
  const store = fresh(join(dir, "roster-bench.db"));
  const run = timed(process.execPath, [
    "--import",
    join(import.meta.dirname, "report-rss.mjs"),
    join(root, "bin", "roster.js"),
    "-q",
    "--store",
    store,
    "import",
    csv,
  ]);
  roster.push(run.seconds);
  peakKb = Math.max(peakKb, Number(/peak-rss-kb (\d+)/.exec(run.stderr)?.[1] ?? 0));
}

const sqlite = [];
let sqliteVersion = "not installed (apt-get install sqlite3)";
try {
  sqliteVersion = execFileSync("sqlite3", ["--version"], { encoding: "utf8" }).split(" ")[0];
  for (let i = 0; i < runs; i++) {
    const db = fresh(join(dir, "sqlite-bench.db"));
    sqlite.push(timed("sqlite3", [db, ".mode csv", `.import ${csv} customers`]).seconds);
  }
} catch (error) {
  if (error.code !== "ENOENT") throw error;
}

const help = [];
for (let i = 0; i < 7; i++) help.push(timed(process.execPath, [join(root, "bin", "roster.js"), "--help"]).seconds);

const r = median(roster);
const s = sqlite.length ? median(sqlite) : undefined;
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, sqlite3 ${sqliteVersion}`,
);
console.log(`input:   ${csv} (${rows.toLocaleString("en-US")} rows, ${megabytes.toFixed(1)} MB)`);
console.log(
  `roster import:    ${r.toFixed(2)} s  (${Math.round(rows / r).toLocaleString("en-US")} rows/s, peak RSS ${(peakKb / 1024).toFixed(0)} MB)`,
);
if (s !== undefined) {
  console.log(`sqlite3 .import:  ${s.toFixed(2)} s  (${Math.round(rows / s).toLocaleString("en-US")} rows/s)`);
  console.log(`ratio:            ${(r / s).toFixed(2)}x  (goal: within 1.5x)`);
}
console.log(`roster --help:    ${(median(help) * 1000).toFixed(0)} ms median of 7 (goal: under 150 ms)`);

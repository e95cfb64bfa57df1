#!/usr/bin/env node
// npm run bench:export [-- --rows N] [--json]
// Times `roster export records` to CSV on the 1M-record store the dedupe benchmark builds (bench/dedupe.mjs:
// $TMPDIR/roster-bench/dedupe-template-N.db, three sources, normalized), beside sqlite3's own `.mode csv` export
// of the same columns of the same rows. Goal (issue 11): >= 300,000 rows/s, in constant memory. roster runs twice:
// as by default (worker threads for a table this size) and with ROSTER_WORKERS=0 (one thread), which must write
// the same bytes. The template is copied once (export-bench-N.db) and never written to; each run writes its CSV
// next to it and removes it.
//
// Memory: the export's resident set is sampled from /proc every 50 ms, and reported at each quarter of the run
// (by the bytes written so far): flat figures from the first quarter to the last are the constant memory.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CANONICAL_FIELDS } from "../dist/fields/canonical.js";
import { bin } from "./setup.mjs";

const GOAL_ROWS_PER_S = 300_000;
const { values: opts } = parseArgs({
  options: { rows: { type: "string", default: "1000000" }, json: { type: "boolean", default: false } },
});
const rows = Number(opts.rows);
const say = (line) => process.stderr.write(`${line}\n`);
const dir = join(tmpdir(), "roster-bench");
const template = join(dir, `dedupe-template-${rows}.db`);
if (!existsSync(template)) {
  say(`${template} is missing: run TMPDIR=${tmpdir()} npm run bench:dedupe -- --rows ${rows} first (it builds it)`);
  process.exit(1);
}
const store = join(dir, `export-bench-${rows}.db`);
if (!existsSync(store)) {
  say(`copying ${template} once to ${store} …`);
  copyFileSync(template, `${store}.partial`);
  renameSync(`${store}.partial`, store);
}
const uptime = () => spawnSync("uptime", { encoding: "utf8" }).stdout.trim();
const startedUptime = uptime();

// The columns of `roster export records` (its default), for sqlite3 to write the same thing.
const COLUMNS = [
  "source",
  "source_id",
  "cluster_id",
  "customer_id",
  ...CANONICAL_FIELDS.filter((field) => field !== "source_id"),
  "attributes",
];

function rssOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return { rss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024, hwm: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024 };
  } catch {
    return undefined;
  }
}

/** Runs a command writing `out`, sampling its memory; the samples are tagged with the output's size then. */
async function measured(command, args, out, input, env = process.env) {
  rmSync(out, { force: true });
  const started = performance.now();
  const child = spawn(command, args, { stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"], env });
  if (input !== undefined) child.stdin.end(input);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const samples = [];
  let peak = 0;
  const timer = setInterval(() => {
    const memory = rssOf(child.pid);
    if (!memory) return;
    peak = Math.max(peak, memory.hwm);
    const partial = [out, `${out}.partial-${child.pid}`].find((path) => existsSync(path));
    samples.push({ bytes: partial ? statSync(partial).size : 0, rss: memory.rss });
  }, 50);
  const [code] = await new Promise((resolve) => child.on("exit", (...result) => resolve(result)));
  clearInterval(timer);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr}`);
  const bytes = statSync(out).size;
  const quarters = [0.25, 0.5, 0.75, 1].map((q) => {
    const sample = samples.filter((s) => s.bytes <= bytes * q).at(-1);
    return sample ? Math.round(sample.rss / 2 ** 20) : null;
  });
  return { seconds, bytes, peakMb: Math.round(peak / 2 ** 20), rssMbAtQuarters: quarters, stdout, stderr };
}

const records = Number(
  spawnSync("sqlite3", ["-readonly", store, "SELECT count(*) FROM current_records"], { encoding: "utf8" }).stdout.trim(),
);
const rosterOut = join(dir, `export-bench-${rows}.roster.csv`);
const sqliteOut = join(dir, `export-bench-${rows}.sqlite3.csv`);

const rosterArgs = [bin, "--json", "--store", store, "export", "records", "-o", rosterOut];
say(`roster export records → ${rosterOut} (worker threads: the default for a table this size) …`);
const roster = await measured(process.execPath, rosterArgs, rosterOut);
const rosterRows = JSON.parse(roster.stdout).rows;
const rosterBytes = readFileSync(rosterOut);
say("the same with ROSTER_WORKERS=0 (one thread) …");
const inline = await measured(process.execPath, rosterArgs, rosterOut, undefined, { ...process.env, ROSTER_WORKERS: "0" });
const sameBytes = readFileSync(rosterOut).equals(rosterBytes);

say(`sqlite3 .mode csv → ${sqliteOut} …`);
const select = `SELECT ${COLUMNS.join(", ")} FROM current_records ORDER BY id;`;
const sqlite = await measured("sqlite3", ["-readonly", store], sqliteOut, `.headers on\n.mode csv\n.output ${sqliteOut}\n${select}\n`);
const sameHeader =
  readFileSync(rosterOut, "utf8").slice(0, 400).split("\n")[0] === readFileSync(sqliteOut, "utf8").slice(0, 400).split(/\r?\n/)[0];
rmSync(rosterOut, { force: true });
rmSync(sqliteOut, { force: true });

const rate = (r) => Math.round(records / r.seconds);
const result = {
  date: new Date().toISOString(),
  host: { cpus: cpus().length, model: cpus()[0]?.model, memGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  uptime: { start: startedUptime, end: uptime() },
  loadavg: loadavg(),
  records,
  sameBytes,
  rosterInline: {
    seconds: Number(inline.seconds.toFixed(2)),
    rowsPerS: rate(inline),
    peakMb: inline.peakMb,
    rssMbAtQuarters: inline.rssMbAtQuarters,
  },
  roster: {
    rows: rosterRows,
    seconds: Number(roster.seconds.toFixed(2)),
    rowsPerS: rate(roster),
    mb: Math.round(roster.bytes / 2 ** 20),
    peakMb: roster.peakMb,
    rssMbAtQuarters: roster.rssMbAtQuarters,
  },
  sqlite3: {
    seconds: Number(sqlite.seconds.toFixed(2)),
    rowsPerS: rate(sqlite),
    mb: Math.round(sqlite.bytes / 2 ** 20),
    peakMb: sqlite.peakMb,
  },
  sameHeader,
  goal: { rowsPerS: GOAL_ROWS_PER_S, met: rate(roster) >= GOAL_ROWS_PER_S },
};
if (opts.json) console.log(JSON.stringify(result, null, 2));
else {
  const n = (x) => x.toLocaleString("en-US");
  console.log(`uptime at start: ${result.uptime.start}`);
  console.log(`uptime at end:   ${result.uptime.end}`);
  console.log(`${n(records)} current records, ${COLUMNS.length} columns, ${result.host.cpus} cores, Node ${process.version}`);
  console.log(
    `roster export records -o x.csv : ${result.roster.seconds} s, ${n(result.roster.rowsPerS)} rows/s, ${result.roster.mb} MB, peak RSS ${result.roster.peakMb} MB, RSS at 1/4 1/2 3/4 end: ${result.roster.rssMbAtQuarters.join(" / ")} MB`,
  );
  console.log(
    `  ROSTER_WORKERS=0 (one thread): ${result.rosterInline.seconds} s, ${n(result.rosterInline.rowsPerS)} rows/s, peak RSS ${result.rosterInline.peakMb} MB, RSS at 1/4 1/2 3/4 end: ${result.rosterInline.rssMbAtQuarters.join(" / ")} MB; same bytes: ${sameBytes}`,
  );
  console.log(
    `sqlite3 .mode csv             : ${result.sqlite3.seconds} s, ${n(result.sqlite3.rowsPerS)} rows/s, ${result.sqlite3.mb} MB, peak RSS ${result.sqlite3.peakMb} MB`,
  );
  console.log(`same header: ${sameHeader}; goal >= ${n(GOAL_ROWS_PER_S)} rows/s: ${result.goal.met ? "met" : "NOT met"}`);
}

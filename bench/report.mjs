#!/usr/bin/env node
// npm run bench:report [-- --rows N] [--runs N] [--json]
// Times `roster report` on the 1M store the dedupe benchmark builds (issue 11's goal: <= 10 s on 2 cores): its
// normalized template ($TMPDIR/roster-bench/dedupe-template-N.db, made by `npm run bench:dedupe`, only ever
// read here) copied once and deduplicated and merged (report-store-N.db, kept for later runs), then copied
// fresh for each timed run, so every run records its runs row into the same store. Each run is timed twice:
// as roster runs it by default (the SQL aggregates and the distinct values on a thread of their own beside the
// pass over the rows, on a machine with two cores) and with ROSTER_WORKERS=0 (one thread), with the load average
// before each: the machine may be shared.
import { spawnSync } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bin, freshStore, medianRun, timedRoster } from "./setup.mjs";

const GOAL_SECONDS = 10;
const { values: opts } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    runs: { type: "string", default: "1" },
    json: { type: "boolean", default: false },
  },
});
const rows = Number(opts.rows);
const runs = Number(opts.runs);
const dir = join(tmpdir(), "roster-bench");
const template = join(dir, `dedupe-template-${rows}.db`);
const prepared = join(dir, `report-store-${rows}.db`);
const say = (text) => process.stderr.write(`${text}\n`);

if (!existsSync(template)) {
  say(`no ${template}: run \`npm run bench:dedupe\` first (with the same TMPDIR), which builds it`);
  process.exit(2);
}

function roster(store, args) {
  const run = spawnSync(process.execPath, [bin, "-q", "--store", store, ...args], { stdio: ["ignore", "ignore", "inherit"] });
  if (run.status !== 0) throw new Error(`roster ${args.join(" ")} exited ${run.status}`);
}

if (!existsSync(prepared)) {
  const partial = `${prepared}.partial`;
  say(`copying ${template} once and running dedupe and merge on the copy (a few minutes) …`);
  freshStore(template, partial);
  roster(partial, ["dedupe"]);
  roster(partial, ["merge"]);
  for (const suffix of ["-wal", "-shm"]) rmSync(partial + suffix, { force: true });
  renameSync(partial, prepared);
}

const store = join(dir, `report-run-${rows}.db`);
const out = join(dir, `report-${rows}.json`);
const load = () => loadavg()[0].toFixed(2);
const timed = (env) => {
  freshStore(prepared, store);
  const before = load();
  const run = timedRoster(["-q", "--store", store, "report", "--format", "json", "-o", out], env);
  return { ...run, load: before };
};
const { ROSTER_WORKERS: _, ...unset } = process.env;
const parallel = medianRun(runs, () => timed(unset));
const inline = medianRun(runs, () => timed({ ...process.env, ROSTER_WORKERS: "0" }));
for (const suffix of ["", "-wal", "-shm"]) rmSync(store + suffix, { force: true });

const result = {
  rows,
  goalSeconds: GOAL_SECONDS,
  oneThread: { seconds: inline.seconds, peakMb: inline.peakMb, all: inline.all, load: inline.load },
  countingThread: { seconds: parallel.seconds, peakMb: parallel.peakMb, all: parallel.all, load: parallel.load },
  meetsGoal: parallel.seconds <= GOAL_SECONDS,
};
if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  const line = (name, r) =>
    `${name.padEnd(22)} ${r.seconds.toFixed(1).padStart(6)} s  peak ${Math.round(r.peakMb)} MB  (runs ${r.all}; load before ${r.load})`;
  console.log(`roster report on ${rows.toLocaleString("en-US")} deduplicated and merged records (${prepared})`);
  console.log(line("as run (default)", parallel));
  console.log(line("ROSTER_WORKERS=0", inline));
  console.log(`goal <= ${GOAL_SECONDS} s: ${result.meetsGoal ? "met" : "NOT met"}`);
}

#!/usr/bin/env node
// npm run bench:merge [-- --rows N] [--runs N] [--check] [--json]
// Times `roster merge` on the dedupe bench's store (default 1M records from 3 sources, bench/dedupe.mjs), as a
// nightly run meets it: a full merge of the deduped store, then the 1% increment imported, normalized (--new)
// and deduped (incremental), and merge again (incremental: only the clusters that changed), then a re-run with
// nothing new. Goals (issue 10): full <= 20 s wall, incremental <= 10% of full.
//
// The data is the dedupe bench's, made once in $TMPDIR/roster-bench: the normalized template store and the
// increment files (bench/dedupe.mjs makes them; run here once when missing). Deduping the template once more
// makes this bench's own template (merge-template-N-vS.db, S the schema version), so a re-run starts at merge.
// --runs N repeats the whole chain on fresh copies (a shared 2-core machine can be off by more than the margin);
// --check then runs `merge --full --dry-run`: had the incremental run missed a change, it would find one.
import { spawnSync } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { bin, freshStore } from "./setup.mjs";

const SOURCES = ["crm", "shop", "support"];
const GOALS = { fullSeconds: 20, incrementalShare: 0.1 };
const { values: opts } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    runs: { type: "string", default: "1" },
    check: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const rows = Number(opts.rows);
const runs = Number(opts.runs);
if (!Number.isInteger(rows) || rows < 100) throw new Error("--rows must be a whole number >= 100");
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a whole number >= 1");
const say = (line) => process.stderr.write(`${line}\n`);
const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
const dir = join(tmpdir(), "roster-bench");
const { SCHEMA_VERSION } = await import("../dist/store/schema.js");

// The same preload as the dedupe bench: the child reports the kernel's figures (peak RSS, CPU) when it exits.
const USAGE_PRELOAD = `data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write("\\nbench-usage "+u.maxRSS+" "+u.userCPUTime+" "+u.systemCPUTime+"\\n")})`;

function timedRoster(args) {
  const load1 = Number(loadavg()[0].toFixed(2));
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--import", USAGE_PRELOAD, bin, ...args], { encoding: "utf8", maxBuffer: 1 << 30 });
  const seconds = Number((Number(process.hrtime.bigint() - started) / 1e9).toFixed(2));
  const usage = /bench-usage (\d+) (\d+) (\d+)/.exec(run.stderr ?? "");
  if (run.status !== 0) throw new Error(`roster ${args.join(" ")} exited ${run.status}:\n${run.stderr}`);
  return {
    seconds,
    cpuSeconds: usage ? Number(((Number(usage[2]) + Number(usage[3])) / 1e6).toFixed(2)) : null,
    peakMb: usage ? Math.round(Number(usage[1]) / 1024) : null,
    load1,
    stdout: run.stdout,
  };
}

/** A merge, timed, with what it did (from --json). */
function timedMerge(store, label, extra = []) {
  say(`merge (${label}): roster -q --store ${store} --json merge ${extra.join(" ")}`);
  const run = timedRoster(["-q", "--store", store, "--json", "merge", ...extra]);
  const result = JSON.parse(run.stdout);
  const { stdout: _, ...timing } = run;
  return {
    ...timing,
    mode: result.mode,
    plannedClusters: result.planned_clusters,
    customers: result.customers,
    created: result.created,
    updated: result.updated,
    merged: result.merged,
    retired: result.retired,
    phases: result.phases,
    result,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Data

const dedupeTemplate = join(dir, `dedupe-template-${rows}.db`);
const increments = SOURCES.map((source) => ({ source, path: join(dir, `dedupe-${rows}-inc-${source}.csv`) }));
if (!existsSync(dedupeTemplate) || !increments.every((i) => existsSync(i.path))) {
  say(`the dedupe bench's data is missing in ${dir}: making it with bench/dedupe.mjs --rows ${rows} (once) …`);
  const made = spawnSync(process.execPath, [join(import.meta.dirname, "dedupe.mjs"), "--rows", String(rows), "--json"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (made.status !== 0) throw new Error("bench/dedupe.mjs failed");
}

const steps = {};
const template = join(dir, `merge-template-${rows}-v${SCHEMA_VERSION}.db`);
if (!existsSync(template)) {
  const partial = `${template}.partial`;
  freshStore(dedupeTemplate, partial);
  say(`deduping ${dedupeTemplate} once into ${template} …`);
  steps.dedupe_s = timedRoster(["-q", "--store", partial, "dedupe"]).seconds;
  // Fold the WAL into the file, so that a plain copy of the one file is the whole store.
  const db = new Database(partial);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.pragma("journal_mode = DELETE");
  db.close();
  renameSync(partial, template);
}

// ---------------------------------------------------------------------------------------------------------------
// The runs: each chain on a fresh copy of the template.

/** What the full merge stored: customers.provenance's bytes (stored compact, see provenance-json.ts), not timed. */
function provenanceBytes(store) {
  const db = new Database(store, { readonly: true });
  try {
    return db.prepare("SELECT total(length(CAST(provenance AS BLOB))) FROM customers").pluck().get();
  } finally {
    db.close();
  }
}

// One store per bench process: helpers sharing a machine (and $TMPDIR) may run this bench at the same time.
const benchStore = join(dir, `merge-bench-${rows}-${process.pid}.db`);
const chains = [];
for (let run = 1; run <= runs; run++) {
  const store = freshStore(template, benchStore);
  const full = timedMerge(store, `full, run ${run}`);
  full.provenanceMb = Number((provenanceBytes(store) / 1e6).toFixed(1));
  say("importing the 1% increment, normalizing the new records, deduping (incremental) …");
  const t0 = performance.now();
  for (const { source, path } of increments) timedRoster(["-q", "--store", store, "import", path, "--source", source]);
  timedRoster(["-q", "--store", store, "normalize", "--new"]);
  const dedupe = timedRoster(["-q", "--store", store, "dedupe"]);
  steps[`increment_run${run}_s`] = Number(((performance.now() - t0) / 1000).toFixed(2));
  steps[`increment_dedupe_run${run}_s`] = dedupe.seconds;
  const incremental = timedMerge(store, `incremental, run ${run}`);
  const again = timedMerge(store, `nothing new, run ${run}`);
  // Had the incremental run missed a change, a full re-plan of its result would find something to change.
  const check = opts.check ? timedMerge(store, `--full --dry-run after the incremental, run ${run}`, ["--full", "--dry-run"]) : null;
  chains.push({ full, incremental, again, check });
}
for (const suffix of ["", "-wal", "-shm"]) rmSync(benchStore + suffix, { force: true });

// ---------------------------------------------------------------------------------------------------------------
// Report

const strip = ({ result: _, ...rest }) => rest;
const summary = {
  machine,
  records: rows,
  increment: rows / 100,
  sources: SOURCES,
  data: { dir, template },
  steps,
  runs: chains.map((c) => ({
    full: strip(c.full),
    incremental: strip(c.incremental),
    nothingNew: strip(c.again),
    incrementalOverFull: Number((c.incremental.seconds / c.full.seconds).toFixed(3)),
    check: c.check && { fullSeconds: c.check.seconds, changed: c.check.result.changed },
  })),
  goals: GOALS,
};

if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
else {
  const fmt = (v) => (v === null || v === undefined ? "-" : typeof v === "number" ? v.toLocaleString("en-US") : String(v));
  const table = [["", "wall s", "CPU s", "peak RSS MB", "load1", "mode", "planned", "customers", "created", "updated", "merged"]];
  chains.forEach((c, i) => {
    for (const [name, r] of [
      ["full", c.full],
      ["incremental (1% new)", c.incremental],
      ["nothing new", c.again],
    ]) {
      table.push(
        [
          `run ${i + 1}: ${name}`,
          r.seconds,
          r.cpuSeconds,
          r.peakMb,
          r.load1,
          r.mode,
          r.plannedClusters,
          r.customers,
          r.created,
          r.updated,
          r.merged,
        ].map(fmt),
      );
    }
  });
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
  console.log(`machine: ${machine}`);
  console.log(
    `input:   ${rows.toLocaleString("en-US")} deduped records (${SOURCES.join(", ")}) in ${template}; increment ${fmt(rows / 100)} records`,
  );
  console.log(
    `steps:   ${
      Object.entries(steps)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ") || "all cached"
    }`,
  );
  for (const row of table)
    console.log(row.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  "));
  const phases = (r) =>
    Object.entries(r.phases ?? {})
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(", ");
  for (const [i, c] of chains.entries())
    console.log(
      `run ${i + 1} phases (s): full ${phases(c.full)}; incremental ${phases(c.incremental)}; full's stored provenance ${c.full.provenanceMb} MB`,
    );
  for (const [i, r] of summary.runs.entries()) {
    console.log(`run ${i + 1}: incremental/full ${(r.incrementalOverFull * 100).toFixed(1)}% (goal <= ${GOALS.incrementalShare * 100}%)`);
    if (r.check)
      console.log(
        `run ${i + 1}: --full --dry-run afterwards: ${r.check.fullSeconds} s, would change something: ${r.check.changed} (must be false)`,
      );
  }
  console.log(`goals: full merge <= ${GOALS.fullSeconds} s wall; incremental <= ${GOALS.incrementalShare * 100}% of it`);
}

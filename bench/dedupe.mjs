#!/usr/bin/env node
// npm run bench:dedupe [-- --rows N] [--runs N] [--json]
// Times `roster dedupe` on a normalized store of generated customers from several sources (default 1M records),
// beside the Splink yardstick (../shared/yardsticks/splink_duckdb.mjs: Splink's blocking, scoring and connected
// components in DuckDB) on the same records in the same run, then the incremental case: 1% more records imported
// into the deduped store and `dedupe` run again. Goals (issue 9): full run <= 60 s wall and <= 3 GB peak RSS on
// 2 cores, no slower than the yardstick, incremental <= 10% of full.
//
// The data: one generation (seed 42, sources crm,shop,support: one file per source), split by record number. The
// first `rows` records make the template store, the next 1% the increment, and a tail is generated and dropped:
// the generator flushes every pending copy in its last rows, so without the tail the increment would be nearly all
// copies. A person's later copies come within --spread records of the first, so the increment holds new people
// and copies of people already in the store in the file's steady mix, and the generator's sequential ids
// (C0000001…) cannot clash. Everything generated (CSV, stores, the yardstick's CSV) lives in $TMPDIR/roster-bench,
// made once and reused.
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { getCountries, getCountryCallingCode } from "libphonenumber-js";
import { sourcePath, truthPath, writeCustomersCsv } from "./generate-customers.mjs";
import { bin, freshStore, medianRun } from "./setup.mjs";

const { SCHEMA_VERSION } = await import("../dist/store/schema.js");
const SOURCES = ["crm", "shop", "support"];
const YARDSTICK = join(import.meta.dirname, "..", "..", "shared", "yardsticks", "splink_duckdb.mjs");
const CACHE = process.env.CACHE || join(process.env.HOME ?? tmpdir(), ".cache", "roster-eval");
const GOALS = { fullSeconds: 60, peakMb: 3072, incrementalShare: 0.1 };

const { values: opts } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    runs: { type: "string", default: "1" },
    json: { type: "boolean", default: false },
  },
});
const rows = Number(opts.rows);
if (!Number.isInteger(rows) || rows < 100) throw new Error("--rows must be a whole number >= 100");
// --runs N: the median of N runs of the yardstick and of the full dedupe (each on a fresh copy), for when other
// work shares the cores and one run can be off by more than the margin being measured
const runs = Number(opts.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs must be a whole number >= 1");
const increment = Math.round(rows / 100);
const tail = Math.min(rows, 100_000); // the generator's default --spread: past it, every pending copy is out
const generatedRows = rows + increment + tail;
const say = (line) => process.stderr.write(`${line}\n`);

const startLoad = loadavg()[0];
const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
const dir = join(tmpdir(), "roster-bench");
mkdirSync(dir, { recursive: true });
if (!existsSync(YARDSTICK)) throw new Error(`the yardstick is missing: ${YARDSTICK}`);
const steps = {}; // untimed-goal steps (generation, import, normalize, export), seconds, for the record
const notes = []; // what the bench installed or skipped, printed with the results

// ---------------------------------------------------------------------------------------------------------------
// Running a child with its own resource usage. The children are all Node processes, so a preloaded module reports
// the kernel's figures (getrusage: peak RSS, user and system CPU of every thread) when the process exits; no
// GNU time needed, and DuckDB's and roster's worker threads count in the same process.

const USAGE_PRELOAD = `data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write("\\nbench-usage "+u.maxRSS+" "+u.userCPUTime+" "+u.systemCPUTime+"\\n")})`;

function timedNode(args, env = process.env) {
  const load = loadavg()[0];
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--import", USAGE_PRELOAD, ...args], {
    env,
    encoding: "utf8",
    maxBuffer: 1 << 30,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const usage = /bench-usage (\d+) (\d+) (\d+)/.exec(run.stderr ?? "");
  return {
    status: run.status,
    seconds,
    cpuSeconds: usage ? (Number(usage[2]) + Number(usage[3])) / 1e6 : null,
    peakMb: usage ? Number(usage[1]) / 1024 : null,
    load,
    stdout: run.stdout ?? "",
    stderr: (run.stderr ?? "").replace(/\n?bench-usage .*\n?$/, ""),
  };
}

/** A roster step that has to succeed (import, normalize); its seconds go into `steps`. */
function rosterStep(name, args) {
  const run = timedNode([bin, ...args]);
  if (run.status !== 0) throw new Error(`roster ${args.join(" ")} exited ${run.status}:\n${run.stderr}`);
  steps[name] = Number(((steps[name] ?? 0) + run.seconds).toFixed(2));
  return run;
}

// ---------------------------------------------------------------------------------------------------------------
// Data, made once. A step writes to a temporary name and renames when done, so a killed run is never cached.

async function generated() {
  const path = join(dir, `dedupe-gen-${generatedRows}.csv`);
  const files = SOURCES.map((s) => sourcePath(path, s));
  const done = `${path}.done`;
  if (!existsSync(done)) {
    say(`generating ${generatedRows.toLocaleString("en-US")} records (${SOURCES.join(",")}) into ${dir} …`);
    const t0 = performance.now();
    await writeCustomersCsv(path, { rows: generatedRows, seed: 42, sources: SOURCES });
    steps.generate_s = Number(((performance.now() - t0) / 1000).toFixed(2));
    writeFileSync(done, "");
  }
  return { files, truth: truthPath(path) };
}

/** Splits one source file by record number (customer_id C0000001…): base records, then the 1% increment. */
async function splitSource(file, basePath, incPath) {
  const base = createWriteStream(`${basePath}.partial`);
  const inc = createWriteStream(`${incPath}.partial`);
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let header;
  let pending = ""; // a record whose quoted field holds a line break spans several lines
  for await (const line of lines) {
    pending = pending ? `${pending}\n${line}` : line;
    if ((pending.split('"').length - 1) % 2 === 1) continue;
    const record = pending;
    pending = "";
    if (header === undefined) {
      header = record;
      base.write(`${header}\n`);
      inc.write(`${header}\n`);
      continue;
    }
    const n = Number(record.slice(1, record.indexOf(",")));
    if (n > rows + increment) continue; // the dropped tail
    const out = n <= rows ? base : inc;
    if (!out.write(`${record}\n`)) await once(out, "drain");
  }
  base.end();
  inc.end();
  await Promise.all([once(base, "close"), once(inc, "close")]);
  renameSync(`${basePath}.partial`, basePath);
  renameSync(`${incPath}.partial`, incPath);
}

async function splitFiles(files) {
  const parts = SOURCES.map((s) => ({
    source: s,
    base: join(dir, `dedupe-${rows}-base-${s}.csv`),
    inc: join(dir, `dedupe-${rows}-inc-${s}.csv`),
  }));
  if (!parts.every((p) => existsSync(p.base) && existsSync(p.inc))) {
    for (const [i, p] of parts.entries()) await splitSource(files[i], p.base, p.inc);
  }
  return parts;
}

/** The normalized template store: one import per source file, then normalize. */
function templateStore(parts) {
  const template = join(dir, `dedupe-template-${rows}.db`);
  if (existsSync(template)) return upgradedTemplate(template);
  const partial = `${template}.partial`;
  for (const suffix of ["", "-wal", "-shm"]) rmSync(partial + suffix, { force: true });
  say(`importing and normalizing once into ${template} …`);
  for (const p of parts) rosterStep("import_s", ["-q", "--store", partial, "import", p.base, "--source", p.source]);
  rosterStep("normalize_s", ["-q", "--store", partial, "normalize"]);
  // fold the WAL into the file so that a plain copy of the one file is the whole store
  sqlite(partial, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;");
  renameSync(partial, template);
  return template;
}

/**
 * A template an earlier roster made, upgraded once in place to this roster's schema: otherwise every timed run
 * on a copy would begin with the migration (4-7 s on a million records, in the figure of the run it came first in).
 */
function upgradedTemplate(template) {
  ensureSqlite3();
  const version = spawnSync("sqlite3", [template, "PRAGMA user_version"], { encoding: "utf8" }).stdout.trim();
  if (Number(version) >= SCHEMA_VERSION) return template;
  say(`upgrading ${template} from schema ${version} to ${SCHEMA_VERSION} once …`);
  rosterStep("upgrade_template_s", ["-q", "--store", template, "batches"]);
  sqlite(template, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;");
  return template;
}

// ---------------------------------------------------------------------------------------------------------------
// The yardstick's input, exported from the template with the sqlite3 CLI.

function ensureSqlite3() {
  if (spawnSync("sqlite3", ["-version"]).status === 0) return;
  say("sqlite3 CLI missing: running apt-get install -y sqlite3");
  notes.push("installed the sqlite3 CLI with apt-get install -y sqlite3");
  const run = spawnSync("apt-get", ["install", "-y", "sqlite3"], { stdio: ["ignore", "ignore", "inherit"] });
  if (run.status !== 0) throw new Error("apt-get install -y sqlite3 failed");
}

function sqlite(db, sql) {
  const run = spawnSync("sqlite3", [db, sql], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (run.status !== 0) throw new Error(`sqlite3 ${db}: ${run.stderr}`);
}

/**
 * Phones as digits without the country code, as the yardstick's header asks (so its Levenshtein levels compare
 * national numbers). Calling codes form a prefix code (ITU-T E.164), so the length of a phone's code follows from
 * its first digits: 1 and 7 are one digit, a known set two, everything else three. Phones normalize could not
 * read are kept, stripped to their digits.
 */
function phoneSql() {
  const codes = new Set(getCountries().map((c) => getCountryCallingCode(c)));
  const ofLength = (n) =>
    [...codes]
      .filter((c) => c.length === n)
      .sort()
      .map((c) => `'${c}'`)
      .join(",");
  let digits = "phone";
  for (const ch of [" ", "-", "(", ")", ".", "/", "+"]) digits = `replace(${digits}, '${ch}', '')`;
  return `CASE WHEN phone GLOB '+[1-9]*' THEN substr(phone, 3 + CASE
      WHEN substr(phone, 2, 1) IN (${ofLength(1)}) THEN 0
      WHEN substr(phone, 2, 2) IN (${ofLength(2)}) THEN 1 ELSE 2 END)
    ELSE nullif(${digits}, '') END`;
}

function yardstickCsv(template) {
  const csv = join(dir, `dedupe-yardstick-${rows}.csv`);
  if (existsSync(csv)) return csv;
  ensureSqlite3();
  const sql = `.headers on
.mode csv
SELECT source, source_id, given_name, family_name, email, ${phoneSql()} AS phone,
  CASE WHEN birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' THEN substr(birth_date, 1, 10) END AS birth_date,
  city, postal_code, address_line1
FROM current_records ORDER BY id;`;
  const t0 = performance.now();
  const fd = openSync(`${csv}.partial`, "w");
  try {
    const run = spawnSync("sqlite3", ["-readonly", template], { input: sql, stdio: ["pipe", fd, "pipe"], encoding: "utf8" });
    if (run.status !== 0) throw new Error(`sqlite3 export: ${run.stderr}`);
  } finally {
    closeSync(fd);
  }
  renameSync(`${csv}.partial`, csv);
  steps.export_s = Number(((performance.now() - t0) / 1000).toFixed(2));
  return csv;
}

// ---------------------------------------------------------------------------------------------------------------
// The runs.

function ensureYardstickPeer() {
  const peers = join(CACHE, "peers");
  try {
    createRequire(`${peers}/`).resolve("@duckdb/node-api");
  } catch {
    say(`installing @duckdb/node-api into ${peers} (the yardstick's peer, outside the repo)`);
    notes.push(`installed @duckdb/node-api into ${peers}`);
    mkdirSync(peers, { recursive: true });
    const run = spawnSync("npm", ["install", "--no-audit", "--no-fund", "@duckdb/node-api"], {
      cwd: peers,
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (run.status !== 0) throw new Error("npm install @duckdb/node-api failed");
  }
}

function runYardstick(csv) {
  ensureYardstickPeer();
  say(`yardstick: node ${YARDSTICK} ${csv} --tf`);
  const run = timedNode([YARDSTICK, csv, "--tf"], { ...process.env, CACHE });
  if (run.status !== 0) throw new Error(`yardstick exited ${run.status}:\n${run.stderr}`);
  const out = JSON.parse(run.stdout.trim().split("\n").at(-1));
  return {
    ...timing(run),
    pairs: out.pairs_blocked,
    byRule: out.pairs_by_rule,
    phases: { load: out.load_s, block: out.block_s, score: out.score_s, cluster: out.cluster_s },
    details: out,
  };
}

function rosterHasDedupe() {
  const help = spawnSync(process.execPath, [bin, "--help"], { encoding: "utf8" });
  return /^\s+dedupe\b/m.test(help.stdout);
}

/**
 * The candidate pairs and phase times in `roster dedupe --json`, wherever the result puts them: the first number
 * under a key naming candidate pairs, and the first object under a key naming phases or timings (its numeric
 * leaves, in seconds). Looked for rather than assumed, so the bench keeps working while the result's shape settles.
 */
function dedupeFigures(result) {
  let pairs = null;
  let phases = null;
  let byRule = null;
  const walk = (value, key) => {
    if (value === null || typeof value !== "object") {
      if (
        pairs === null &&
        typeof value === "number" &&
        /^(candidate_?pairs|candidates|pairs_?(blocked|candidate|scored)|comparisons)$/i.test(key)
      )
        pairs = value;
      return;
    }
    if (phases === null && !Array.isArray(value) && /^(phases?|timings?|phase_?(seconds|times?))$/i.test(key)) {
      phases = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "number" ? v : (v?.seconds ?? v?.s ?? v)]));
    }
    if (byRule === null && /^(pairs_?|candidates_?)?(by_?rules?|per_?rule)$/i.test(key)) byRule = value;
    for (const [k, v] of Object.entries(value)) walk(v, k);
    if (pairs === null && /^(candidate_?pairs|candidates|pairs)$/i.test(key) && !Array.isArray(value)) {
      pairs = value.total ?? value.candidates ?? value.candidate ?? value.blocked ?? null;
    }
  };
  walk(result, "");
  // roster's --json lists its rules as [{name, used, pairs}].
  if (byRule === null && Array.isArray(result?.blocking_rules)) {
    byRule = Object.fromEntries(result.blocking_rules.filter((rule) => rule.used).map((rule) => [rule.name, rule.pairs]));
  }
  return { pairs, phases, byRule };
}

function runDedupe(store, label) {
  say(`roster ${label}: node ${bin} -q --store ${store} dedupe --json`);
  const run = timedNode([bin, "-q", "--store", store, "dedupe", "--json"]);
  if (run.status !== 0) return { ...timing(run), error: `exit ${run.status}: ${run.stderr.trim().split("\n").slice(-3).join(" | ")}` };
  let result;
  try {
    result = JSON.parse(run.stdout);
  } catch {
    return { ...timing(run), error: "--json output is not JSON" };
  }
  return { ...timing(run), ...dedupeFigures(result), result };
}

const timing = (run) => ({
  seconds: Number(run.seconds.toFixed(2)),
  cpuSeconds: run.cpuSeconds === null ? null : Number(run.cpuSeconds.toFixed(2)),
  peakMb: run.peakMb === null ? null : Math.round(run.peakMb),
  load1: Number(run.load.toFixed(2)),
});

/** New records in the increment: records of people not in the base, and copies of people who are. */
async function incrementMix(truth) {
  const basePeople = new Set();
  const mix = { newPeople: 0, copiesOfStored: 0 };
  const lines = createInterface({ input: createReadStream(truth) });
  let first = true;
  for await (const line of lines) {
    if (first) {
      first = false;
      continue;
    }
    const [recordId, personId] = line.split(",");
    const n = Number(recordId.slice(1));
    if (n > rows + increment) break;
    if (n <= rows) basePeople.add(personId);
    else if (basePeople.has(personId)) mix.copiesOfStored++;
    else mix.newPeople++;
  }
  return mix;
}

// ---------------------------------------------------------------------------------------------------------------

const { files, truth } = await generated();
const parts = await splitFiles(files);
const template = templateStore(parts);
const yardCsv = yardstickCsv(template);
const mix = await incrementMix(truth);

const yardstick = medianRun(runs, () => runYardstick(yardCsv));
const available = rosterHasDedupe();
const storePath = join(dir, `dedupe-bench-${rows}.db`);
const store = freshStore(template, storePath);
let full = null;
let incremental = null;
// every run on a fresh copy; the incremental run continues from the last one's store
if (available) full = medianRun(runs, () => runDedupe(freshStore(template, storePath), "full"));
else {
  say("roster dedupe: not available yet");
  notes.push("roster dedupe: not available yet");
}
say(`importing the 1% increment (${mix.newPeople} records of new people, ${mix.copiesOfStored} copies of stored people) and normalizing …`);
for (const p of parts) rosterStep("increment_import_s", ["-q", "--store", store, "import", p.inc, "--source", p.source]);
// As a nightly run does it (and as dedupe itself would first): only the records the increment added.
rosterStep("increment_normalize_s", ["-q", "--store", store, "normalize", "--new"]);
if (available && !full.error) incremental = runDedupe(store, "incremental");

// ---------------------------------------------------------------------------------------------------------------
// Report.

const cores = cpus().length;
const throughput = (r) => (r?.pairs && r.seconds ? Math.round(r.pairs / r.seconds) : null);
const withRates = (r) =>
  r ? { ...r, comparisonsPerSecond: throughput(r), perCore: throughput(r) && Math.round(throughput(r) / cores) } : null;
const ratio = (a, b) => (a && b ? Number((a / b).toFixed(3)) : null);
const summary = {
  machine,
  load1AtStart: Number(startLoad.toFixed(2)),
  records: rows,
  increment: { records: increment, ...mix },
  sources: SOURCES,
  data: { dir, template, yardstickCsv: yardCsv },
  steps,
  notes,
  yardstick: withRates(yardstick),
  rosterFull: available ? withRates(full) : "not available yet",
  rosterIncremental: available ? withRates(incremental) : "not available yet",
  ratios: {
    rosterOverYardstickWall: ratio(full?.seconds, yardstick.seconds),
    rosterOverYardstickCpu: ratio(full?.cpuSeconds, yardstick.cpuSeconds),
    incrementalOverFull: ratio(incremental?.seconds, full?.seconds),
  },
  goals: GOALS,
};

if (opts.json) {
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} else {
  const fmt = (v, digits = 2) =>
    v === null || v === undefined ? "-" : typeof v === "number" ? v.toLocaleString("en-US", { maximumFractionDigits: digits }) : String(v);
  const table = [
    ["", "wall s", "CPU s", "peak RSS MB", "pairs", "comparisons/s", "per core", "load1"],
    ...[
      ["roster full", full],
      ["roster incremental", incremental],
      ["Splink yardstick (--tf)", yardstick],
    ].map(([name, r]) => {
      if (!r) return [name, available ? "not run" : "not available yet", "", "", "", "", "", ""];
      const w = withRates(r);
      return [
        name,
        fmt(w.seconds),
        fmt(w.cpuSeconds),
        fmt(w.peakMb, 0),
        fmt(w.pairs, 0),
        fmt(w.comparisonsPerSecond, 0),
        fmt(w.perCore, 0),
        fmt(w.load1),
      ];
    }),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
  console.log(`machine: ${machine}; 1-minute load average at start ${startLoad.toFixed(2)} (other work shares the cores)`);
  console.log(
    `input:   ${rows.toLocaleString("en-US")} normalized records (${SOURCES.join(", ")}) in ${template}; increment ${increment.toLocaleString("en-US")} records (${mix.newPeople} new people, ${mix.copiesOfStored} copies of stored people)`,
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
    r?.phases
      ? Object.entries(r.phases)
          .map(([k, v]) => `${k} ${fmt(v)}`)
          .join(", ")
      : "-";
  console.log(`phases (s): yardstick ${phases(yardstick)}; roster full ${phases(full)}; incremental ${phases(incremental)}`);
  if (runs > 1) console.log(`medians of ${runs} runs (wall s): yardstick ${yardstick.all}; roster full ${full?.all ?? "-"}`);
  const rules = (r) => (r?.byRule ? JSON.stringify(r.byRule) : "-");
  console.log(`pairs by rule: yardstick ${rules(yardstick)}; roster full ${rules(full)}; incremental ${rules(incremental)}`);
  for (const [name, r] of [
    ["full", full],
    ["incremental", incremental],
  ])
    if (r?.error) console.log(`roster ${name} failed: ${r.error}`);
  for (const note of notes) console.log(note);
  const pct = (x) => (x === null ? "-" : `${(x * 100).toFixed(1)}%`);
  console.log(
    `ratio roster/yardstick: wall ${fmt(summary.ratios.rosterOverYardstickWall, 3)}, CPU ${fmt(summary.ratios.rosterOverYardstickCpu, 3)} (goal <= 1); incremental/full ${pct(summary.ratios.incrementalOverFull)} (goal <= 10%)`,
  );
  console.log(
    `goals: full dedupe <= ${GOALS.fullSeconds} s wall, peak RSS <= ${GOALS.peakMb} MB; Splink's 7M benchmark: ~128,000 comparisons/s per vCPU`,
  );
}

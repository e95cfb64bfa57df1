#!/usr/bin/env node
// npm run bench:accuracy [-- --only NAME] [--json] [--clusters-from dedupe|truth|singletons|one] [--rows N] [--keep]
//                         [--dry-run: print each file's `roster import --dry-run` (its column mapping) and stop]
// Dedupe accuracy through the real CLI, as a user would run it: for each labelled data set, a fresh store,
// `roster import` (with --source, and --map only where a column name needs it), `roster normalize`,
// `roster dedupe --json`, then records.cluster_id read from the store and scored pairwise against the truth
// (bench/score-clusters.mjs). Nothing is tuned per data set: no roster.yml, no --country.
//
// --clusters-from replaces the dedupe step, to check the harness itself (and to run before dedupe exists):
// `truth` clusters the stored records by their person (F1 must be 1: it proves import kept every record under
// the key the truth names), `singletons` leaves every record alone, `one` puts them all in one cluster.
//
// Data sets: FEBRL dataset1/dataset2 (../shared/data/febrl, or $ROSTER_FEBRL_DIR) and the generated set
// (bench/generate-accuracy.mjs, written to $TMPDIR/roster-accuracy/ on every run: it is deterministic).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { writeAccuracySet } from "./generate-accuracy.mjs";
import { scorePairwise } from "./score-clusters.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "roster.js");
const FEBRL_DIR = process.env.ROSTER_FEBRL_DIR ?? resolve(ROOT, "..", "shared", "data", "febrl");
const CLUSTERINGS = ["dedupe", "truth", "singletons", "one"];

class StepError extends Error {
  constructor(step, status, stderr) {
    super(`${step} failed (exit ${status})`);
    this.step = step;
    this.stderr = stderr;
  }
}

/** FEBRL's ground truth: `rec-N-org` and `rec-N-dup-K` are person N. Read from the file itself, not the store. */
function febrlTruth(path, source) {
  const truth = new Map();
  const lines = readFileSync(path, "utf8").split(/\r?\n/).slice(1);
  for (const line of lines) {
    if (!line.trim()) continue;
    const recId = line.slice(0, line.indexOf(",")).trim();
    const m = /^rec-(\d+)-(?:org|dup-\d+)$/.exec(recId);
    if (!m) throw new Error(`${path}: unexpected rec_id ${JSON.stringify(recId)}`);
    truth.set(`${source}:${recId}`, m[1]);
  }
  return truth;
}

function csvTruth(path) {
  const truth = new Map();
  const [header, ...lines] = readFileSync(path, "utf8").split("\n");
  if (header !== "source,source_id,person_id") throw new Error(`${path}: unexpected header ${header}`);
  for (const line of lines) {
    if (!line) continue;
    const [source, sourceId, personId] = line.split(",");
    truth.set(`${source}:${sourceId}`, personId);
  }
  return truth;
}

/*
 * FEBRL maps with zero --map: rec_id, given_name, surname, address_1/2, suburb, postcode, state, date_of_birth
 * and soc_sec_id are all synonyms. street_number is left in attributes, on purpose: roster has no house-number
 * field, one column feeds one field (mapping it to address_line1 or address_line2 would push address_1 or
 * address_2 out), and joining it to the street would be preprocessing the data, which a user with zero
 * configuration does not do. So dedupe sees the street and locality but not the number.
 */
function datasets(rows) {
  const febrl = (name, file) => ({
    name,
    prepare: async () => {
      const path = join(FEBRL_DIR, file);
      if (!existsSync(path)) throw new Error(`${path} not found (set ROSTER_FEBRL_DIR)`);
      return { files: [{ path, source: name, map: [] }], truth: febrlTruth(path, name) };
    },
  });
  return [
    febrl("febrl1", "dataset1.csv"),
    febrl("febrl2", "dataset2.csv"),
    {
      name: "generated",
      prepare: async () => {
        const set = await writeAccuracySet(join(tmpdir(), "roster-accuracy"), { rows });
        return { files: set.files.map((f) => ({ path: f.path, source: f.source, map: [] })), truth: csvTruth(set.truth) };
      },
    },
  ];
}

/** Runs the built CLI on `store`; a non-zero exit is a StepError carrying its stderr. */
function roster(step, store, args) {
  const t0 = performance.now();
  const res = spawnSync(process.execPath, [BIN, "--store", store, "--no-color", ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    env: { ...process.env, NO_COLOR: "1" },
  });
  const seconds = (performance.now() - t0) / 1000;
  if (res.error) throw res.error;
  if (res.status !== 0) throw new StepError(step, res.status, res.stderr || res.stdout);
  let json;
  try {
    json = JSON.parse(res.stdout);
  } catch {
    json = undefined;
  }
  return { seconds, json, stderr: res.stderr };
}

/** Whether this build has `roster dedupe` (it is listed in the top-level help). */
function dedupeAvailable() {
  const res = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8" });
  return res.status === 0 && /^\s+dedupe\b/m.test(res.stdout);
}

/** What import and normalize said that bears on accuracy: rejects, unmapped columns, how files were read. */
function importNotes(file, result) {
  const notes = [];
  for (const f of result.json?.files ?? []) {
    const c = f.counts ?? {};
    notes.push(`import ${f.source}: ${f.format}, ${f.encoding}, ${c.read} read, ${c.rejected} rejected`);
    const unmapped = f.unmapped_columns ?? [];
    if (unmapped.length) notes.push(`import ${f.source}: unmapped columns (kept in attributes): ${unmapped.join(", ")}`);
    for (const w of f.warnings ?? []) notes.push(`import ${f.source}: warning: ${typeof w === "string" ? w : JSON.stringify(w)}`);
  }
  if (!result.json) notes.push(`import ${file.source}: no JSON result`);
  return notes;
}

function normalizeNotes(result) {
  const j = result.json;
  if (!j) return ["normalize: no JSON result"];
  const notes = [];
  const invalid = Object.entries(j.fields ?? {})
    .filter(([, f]) => f.invalid > 0)
    .map(([name, f]) => `${name} ${f.invalid}`);
  notes.push(`normalize: ${j.records} records, ${j.findings} findings${invalid.length ? ` (invalid: ${invalid.join(", ")})` : ""}`);
  for (const s of j.sources ?? []) {
    if (s.date_order === null || s.date_order === undefined || s.date_order === "undecided") {
      const e = s.evidence ?? {};
      notes.push(`normalize ${s.source}: date order undecided (evidence day-first ${e.day_first}, month-first ${e.month_first})`);
    } else notes.push(`normalize ${s.source}: date order ${s.date_order} (${s.date_order_from})`);
  }
  return notes;
}

/** `source:source_id` → cluster_id of every current record. */
function storedClusters(store) {
  const db = new Database(store, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT source, source_id, cluster_id FROM current_records").all();
    return new Map(rows.map((r) => [`${r.source}:${r.source_id}`, r.cluster_id]));
  } finally {
    db.close();
  }
}

/** A stand-in clustering of the stored records (--clusters-from), to check the harness without dedupe. */
function standInClusters(stored, truth, how) {
  const out = new Map();
  for (const key of stored.keys()) out.set(key, how === "truth" ? truth.get(key) : how === "one" ? 0 : key);
  return out;
}

async function runDataset(set, { clustersFrom, hasDedupe, keep }) {
  const result = { name: set.name, records: null, true_pairs: null, notes: [] };
  const dir = mkdtempSync(join(tmpdir(), `roster-acc-${set.name}-`));
  const store = join(dir, "roster.db");
  try {
    const { files, truth } = await set.prepare();
    result.records = truth.size;
    result.true_pairs = scorePairwise(new Map(), truth).truePairs;
    let seconds = 0;
    for (const file of files) {
      const maps = file.map.flatMap((m) => ["--map", m]);
      const r = roster(`import ${file.path}`, store, ["--json", "import", "--source", file.source, ...maps, file.path]);
      seconds += r.seconds;
      result.notes.push(...importNotes(file, r));
    }
    result.import_seconds = seconds;
    const n = roster("normalize", store, ["--json", "normalize"]);
    result.normalize_seconds = n.seconds;
    result.notes.push(...normalizeNotes(n));
    let predicted;
    if (clustersFrom === "dedupe") {
      if (!hasDedupe) {
        result.error = "dedupe not available: this build of roster has no `dedupe` command";
        return result;
      }
      const d = roster("dedupe", store, ["--json", "dedupe"]);
      result.dedupe_seconds = d.seconds;
      result.dedupe_result = d.json ?? null;
      predicted = storedClusters(store);
    } else {
      predicted = standInClusters(storedClusters(store), truth, clustersFrom);
    }
    const stored = predicted.size;
    const unlabelled = [...predicted.keys()].filter((k) => !truth.has(k)).length;
    const missing = [...truth.keys()].filter((k) => !predicted.has(k)).length;
    if (stored !== truth.size || unlabelled || missing)
      result.notes.push(`store holds ${stored} current records for ${truth.size} labelled: ${missing} missing, ${unlabelled} unlabelled`);
    const unclustered = [...predicted.values()].filter((c) => c === null || c === undefined).length;
    if (unclustered) result.notes.push(`${unclustered} records without a cluster_id (scored as singletons)`);
    Object.assign(result, scorePairwise(predicted, truth));
    result.true_pairs = result.truePairs;
    result.predicted_pairs = result.predictedPairs;
    delete result.truePairs;
    delete result.predictedPairs;
  } catch (err) {
    result.error = err.message;
    if (err instanceof StepError) result.stderr = err.stderr;
  } finally {
    if (keep) result.store = store;
    else rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

/** How each file of a set would import: encoding, delimiter, column → field, the first rows. Writes nothing. */
async function showMappings(set) {
  const { files } = await set.prepare();
  for (const file of files) {
    const args = [BIN, "--no-color", "import", "--dry-run", "--source", file.source, ...file.map.flatMap((m) => ["--map", m]), file.path];
    const res = spawnSync(process.execPath, args, { encoding: "utf8" });
    process.stdout.write(`== ${set.name}: ${file.path}\n${res.stdout}${res.stderr}`);
    if (res.status !== 0) process.exitCode = 1;
  }
}

const fixed = (v, digits) => (typeof v === "number" ? v.toFixed(digits) : "—");

function printTable(results, clustersFrom) {
  const head = ["data set", "records", "true pairs", "precision", "recall", "F1", "dedupe s"];
  const rows = results.map((r) => [
    r.name,
    r.records?.toLocaleString("en-US") ?? "—",
    r.true_pairs?.toLocaleString("en-US") ?? "—",
    fixed(r.precision, 4),
    fixed(r.recall, 4),
    fixed(r.f1, 4),
    fixed(r.dedupe_seconds, 2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  if (clustersFrom !== "dedupe") console.log(`clusters from: ${clustersFrom} (not dedupe: a check of the harness)`);
  console.log(line(head));
  for (const row of rows) console.log(line(row));
  for (const r of results) {
    for (const note of r.notes) console.error(`  ${r.name}: ${note}`);
    if (r.store) console.error(`  ${r.name}: store kept at ${r.store}`);
    if (r.error) {
      console.error(`${r.name}: ${r.error}`);
      if (r.stderr) console.error(r.stderr.trimEnd().replace(/^/gm, "    "));
    }
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      json: { type: "boolean" },
      "clusters-from": { type: "string" },
      rows: { type: "string" },
      keep: { type: "boolean" },
      "dry-run": { type: "boolean" },
    },
  });
  const clustersFrom = values["clusters-from"] ?? "dedupe";
  if (!CLUSTERINGS.includes(clustersFrom)) throw new Error(`--clusters-from must be one of ${CLUSTERINGS.join(", ")}`);
  const rows = Number(values.rows ?? 10_000);
  if (!Number.isInteger(rows) || rows < 1) throw new Error("--rows must be a whole number >= 1");
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first");
  let sets = datasets(rows);
  if (values.only) {
    sets = sets.filter((s) => s.name === values.only);
    if (!sets.length)
      throw new Error(
        `--only: no data set ${values.only} (${datasets(rows)
          .map((s) => s.name)
          .join(", ")})`,
      );
  }
  if (values["dry-run"]) {
    for (const set of sets) await showMappings(set);
    return;
  }
  const hasDedupe = clustersFrom !== "dedupe" || dedupeAvailable();
  const results = [];
  for (const set of sets) results.push(await runDataset(set, { clustersFrom, hasDedupe, keep: values.keep }));
  const ok = results.every((r) => !r.error);
  if (values.json) console.log(JSON.stringify({ ok, clusters_from: clustersFrom, datasets: results }, null, 2));
  else printTable(results, clustersFrom);
  if (!hasDedupe) console.error("dedupe not available in this build: use --clusters-from truth|singletons|one to exercise the harness");
  if (!ok) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err.message);
  process.exitCode = 2;
});

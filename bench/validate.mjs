#!/usr/bin/env node
// npm run bench:validate [-- --rows N]
// Times `roster validate` on the generated customers in both modes: straight on the CSV (stateless) and on a
// store holding them (before and after normalize), beside libphonenumber-js parsing the same phones alone.
import { spawnSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { benchData, bin, freshStore, medianRun, phonesAlone, rate, timedRoster } from "./setup.mjs";

const { rows, dir, csv, template } = await benchData();
const validate = (extra, out, inputs = [], workers = undefined) =>
  timedRoster(["-q", ...extra, "--country", "US", "validate", "--format", "json", "--out", join(dir, out), ...inputs], {
    ...process.env,
    ...(workers === undefined ? {} : { ROSTER_WORKERS: String(workers) }),
  });

const files = medianRun(3, () => validate([], "validate-files.json", [csv]));
const store = freshStore(template, join(dir, "validate-bench.db"));
const storedInline = validate(["--store", store], "validate-store.json", [], 0);
// Each run replaces the previous run's findings of the same records: the store is in the same state each time.
const stored = medianRun(3, () => validate(["--store", store], "validate-store.json"));
// The usual pipeline: normalize first, then validate checks the stored values.
if (spawnSync(process.execPath, [bin, "-q", "--store", store, "--country", "US", "normalize"], { stdio: "inherit" }).status !== 0)
  process.exit(1);
const afterNormalize = validate(["--store", store], "validate-store2.json");
const phones = await phonesAlone(csv);

const line = (label, run) =>
  `${label}${run.seconds.toFixed(2)} s  ${rate(rows, run.seconds)} records/s  peak RSS ${run.peakMb.toFixed(0)} MB${run.all ? `  (median of ${run.all} s)` : ""}`;
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log(line("roster validate FILE (stateless):   ", files));
console.log(line("roster validate (store, one thread): ", storedInline));
console.log(line("roster validate (store):            ", stored));
console.log(line("roster validate (store, normalized): ", afterNormalize));
console.log(
  `libphonenumber-js alone, ${phones.phones.toLocaleString("en-US")} phones:  ${phones.seconds.toFixed(2)} s  ${rate(phones.phones, phones.seconds)} phones/s`,
);
console.log("goal: >= 80,000 records/s in both modes");

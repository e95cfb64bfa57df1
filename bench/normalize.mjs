#!/usr/bin/env node
// npm run bench:normalize [-- --rows N]
// Times `roster normalize` on a fresh copy of the imported customers, inline and with worker threads, beside
// libphonenumber-js parsing the same phones alone (the cost the issue names as the one to beat).
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { benchData, freshStore, medianRun, phonesAlone, rate, timedRoster } from "./setup.mjs";

const { rows, dir, csv, template } = await benchData();
const benchStore = join(dir, "normalize-bench.db");
const run = (workers, store = freshStore(template, benchStore)) =>
  timedRoster(["-q", "--store", store, "--country", "US", "normalize"], {
    ...process.env,
    ...(workers === undefined ? {} : { ROSTER_WORKERS: String(workers) }),
  });

const phones = await phonesAlone(csv);
const inline = run(0);
const parallel = medianRun(3, () => run(undefined));
const rerun = run(undefined, benchStore); // the nightly case: the same store again, nothing new to change
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log(`input:   ${rows.toLocaleString("en-US")} records imported from ${csv}`);
console.log(
  `roster normalize, inline (ROSTER_WORKERS=0):  ${inline.seconds.toFixed(2)} s  ${rate(rows, inline.seconds)} records/s  peak RSS ${inline.peakMb.toFixed(0)} MB`,
);
console.log(
  `roster normalize, default (worker threads):   ${parallel.seconds.toFixed(2)} s  ${rate(rows, parallel.seconds)} records/s  peak RSS ${parallel.peakMb.toFixed(0)} MB  (median of ${parallel.all} s)`,
);
console.log(
  `roster normalize, re-run on the same store:   ${rerun.seconds.toFixed(2)} s  ${rate(rows, rerun.seconds)} records/s  peak RSS ${rerun.peakMb.toFixed(0)} MB`,
);
console.log(
  `libphonenumber-js alone, same ${phones.phones.toLocaleString("en-US")} phones:  ${phones.seconds.toFixed(2)} s  ${rate(phones.phones, phones.seconds)} phones/s (${phones.valid.toLocaleString("en-US")} valid)`,
);
console.log("goal: >= 80,000 records/s");

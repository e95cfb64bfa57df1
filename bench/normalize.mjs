#!/usr/bin/env node
import { spawnSync } from "node:child_process";
// npm run bench:normalize [-- --rows N]
// Imports the generated customer CSV once (kept as a template store beside it), then times
// `roster normalize` on a fresh copy, inline and with worker threads, beside libphonenumber-js parsing the
// same phones alone (the cost the issue names as the one to beat).
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "csv-parse/sync";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { writeCustomersCsv } from "./generate-customers.mjs";

const { values } = parseArgs({ options: { rows: { type: "string", default: "1000000" } } });
const rows = Number(values.rows);
const root = join(import.meta.dirname, "..");
const bin = join(root, "bin", "roster.js");
const dir = join(tmpdir(), "roster-bench");
mkdirSync(dir, { recursive: true });
const csv = join(dir, `customers-${rows}.csv`);
if (!existsSync(csv)) await writeCustomersCsv(csv, { rows, seed: 42 });

const template = join(dir, `normalize-template-${rows}.db`);
if (!existsSync(template)) {
  console.error(`importing ${csv} once into ${template} …`);
  const run = spawnSync(process.execPath, [bin, "-q", "--store", template, "import", csv], { stdio: "inherit" });
  if (run.status !== 0) process.exit(1);
}

function normalizeRun(workers) {
  const store = join(dir, "normalize-bench.db");
  for (const suffix of ["", "-wal", "-shm"]) rmSync(store + suffix, { force: true });
  copyFileSync(template, store);
  const env = { ...process.env, ...(workers === undefined ? {} : { ROSTER_WORKERS: String(workers) }) };
  const started = process.hrtime.bigint();
  const run = spawnSync(
    process.execPath,
    ["--import", join(import.meta.dirname, "report-rss.mjs"), bin, "-q", "--store", store, "--country", "US", "normalize"],
    {
      env,
      encoding: "utf8",
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(run.stderr);
  return { seconds, peakMb: Number(/peak-rss-kb (\d+)/.exec(run.stderr)?.[1] ?? 0) / 1024 };
}

// The yardstick: libphonenumber-js alone on the same phone column, one core, regions as normalize uses them.
const table = parse(readFileSync(csv), { columns: true, relax_quotes: true });
const phones = table.map((r) => [r.phone, /china|中国|^cn$/i.test(r.country) ? "CN" : "US"]).filter(([p]) => p);
const phoneStarted = process.hrtime.bigint();
let valid = 0;
for (const [phone, region] of phones) if (parsePhoneNumberFromString(phone, region)?.isValid()) valid++;
const phoneSeconds = Number(process.hrtime.bigint() - phoneStarted) / 1e9;

const inline = normalizeRun(0);
const parallel = normalizeRun(undefined);
const rate = (n, s) => Math.round(n / s).toLocaleString("en-US");
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log(`input:   ${rows.toLocaleString("en-US")} records imported from ${csv}`);
console.log(
  `roster normalize, inline (ROSTER_WORKERS=0):  ${inline.seconds.toFixed(2)} s  ${rate(rows, inline.seconds)} records/s  peak RSS ${inline.peakMb.toFixed(0)} MB`,
);
console.log(
  `roster normalize, default (worker threads):   ${parallel.seconds.toFixed(2)} s  ${rate(rows, parallel.seconds)} records/s  peak RSS ${parallel.peakMb.toFixed(0)} MB`,
);
console.log(
  `libphonenumber-js alone, same ${phones.length.toLocaleString("en-US")} phones:  ${phoneSeconds.toFixed(2)} s  ${rate(phones.length, phoneSeconds)} phones/s (${valid.toLocaleString("en-US")} valid)`,
);
console.log("goal: >= 80,000 records/s");

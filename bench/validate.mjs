#!/usr/bin/env node
import { spawnSync } from "node:child_process";
// npm run bench:validate [-- --rows N]
// Times `roster validate` on the generated customers, in both modes: straight on the CSV (stateless) and on
// a store holding it (findings written), beside libphonenumber-js parsing the same phones alone.
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
  const run = spawnSync(process.execPath, [bin, "-q", "--store", template, "import", csv], { stdio: "inherit" });
  if (run.status !== 0) process.exit(1);
}

function timed(args) {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--import", join(import.meta.dirname, "report-rss.mjs"), bin, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0 && run.status !== 1) throw new Error(run.stderr); // 1: the gate failed, which generated data does
  return { seconds, peakMb: Number(/peak-rss-kb (\d+)/.exec(run.stderr)?.[1] ?? 0) / 1024 };
}

const files = timed(["-q", "--country", "US", "validate", "--format", "json", "--out", join(dir, "validate-files.json"), csv]);
const store = join(dir, "validate-bench.db");
for (const suffix of ["", "-wal", "-shm"]) rmSync(store + suffix, { force: true });
copyFileSync(template, store);
const stored = timed([
  "-q",
  "--store",
  store,
  "--country",
  "US",
  "validate",
  "--format",
  "json",
  "--out",
  join(dir, "validate-store.json"),
]);
// The usual pipeline: normalize first, then validate checks the stored values.
const normalize = spawnSync(process.execPath, [bin, "-q", "--store", store, "--country", "US", "normalize"], { stdio: "inherit" });
if (normalize.status !== 0) process.exit(1);
const afterNormalize = timed([
  "-q",
  "--store",
  store,
  "--country",
  "US",
  "validate",
  "--format",
  "json",
  "--out",
  join(dir, "validate-store2.json"),
]);

const table = parse(readFileSync(csv), { columns: true, relax_quotes: true });
const phones = table.map((r) => [r.phone, /china|中国|^cn$/i.test(r.country) ? "CN" : "US"]).filter(([p]) => p);
const started = process.hrtime.bigint();
for (const [phone, region] of phones) parsePhoneNumberFromString(phone, region)?.isValid();
const phoneSeconds = Number(process.hrtime.bigint() - started) / 1e9;

const rate = (n, s) => Math.round(n / s).toLocaleString("en-US");
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log(
  `roster validate FILE (stateless):  ${files.seconds.toFixed(2)} s  ${rate(rows, files.seconds)} records/s  peak RSS ${files.peakMb.toFixed(0)} MB`,
);
console.log(
  `roster validate (store):           ${stored.seconds.toFixed(2)} s  ${rate(rows, stored.seconds)} records/s  peak RSS ${stored.peakMb.toFixed(0)} MB`,
);
console.log(
  `libphonenumber-js alone, ${phones.length.toLocaleString("en-US")} phones:  ${phoneSeconds.toFixed(2)} s  ${rate(phones.length, phoneSeconds)} phones/s`,
);
console.log(
  `roster validate (store, normalized): ${afterNormalize.seconds.toFixed(2)} s  ${rate(rows, afterNormalize.seconds)} records/s  peak RSS ${afterNormalize.peakMb.toFixed(0)} MB`,
);
console.log("goal: >= 80,000 records/s in both modes");

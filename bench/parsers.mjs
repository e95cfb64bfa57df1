#!/usr/bin/env node
// npm run bench:parsers [-- --rows N]
// Parse-only comparison on the benchmark CSV: csv-parse (the card's choice), papaparse, and roster's own
// parser. Each reads the same UTF-8 text in 1 MiB chunks and counts records.
import { createReadStream, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse as csvParse } from "csv-parse";
import Papa from "papaparse";
import { CsvParser } from "../dist/io/csv-parser.js";
import { writeCustomersCsv } from "./generate-customers.mjs";

const { values } = parseArgs({ options: { rows: { type: "string", default: "1000000" } } });
const rows = Number(values.rows);
const csv = join(tmpdir(), "roster-bench", `customers-${rows}.csv`);
if (!existsSync(csv)) await writeCustomersCsv(csv, { rows, seed: 42 });

const chunks = () => createReadStream(csv, { encoding: "utf8", highWaterMark: 1 << 20 });

async function withCsvParse() {
  let n = 0;
  for await (const _ of chunks().pipe(csvParse({ relax_quotes: true }))) n++;
  return n;
}

async function withPapaparse() {
  let n = 0;
  await new Promise((resolve, reject) => Papa.parse(chunks(), { step: () => n++, complete: resolve, error: reject }));
  return n;
}

async function withRoster() {
  let n = 0;
  const parser = new CsvParser(",", { record: () => n++, reject: () => {} });
  for await (const text of chunks()) parser.push(text);
  parser.end();
  return n;
}

for (const [name, run] of [
  ["csv-parse 6", withCsvParse],
  ["papaparse 5", withPapaparse],
  ["roster CsvParser", withRoster],
]) {
  const started = performance.now();
  const count = await run();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${name.padEnd(18)} ${seconds.toFixed(2)} s  ${Math.round(count / seconds).toLocaleString("en-US")} records/s  (${count} records incl. header)`,
  );
}

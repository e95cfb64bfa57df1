#!/usr/bin/env node
// Marginal recall of each blocking rule (BENCHMARKS.md, "Dedupe: blocking rules"): every rule's keys computed
// alone over a normalized store, every true pair of the generator's truth file checked against each.
//   node bench/blocking-recall.mjs STORE.db TRUTH.csv ['[{"name":"x","on":["postal_code","given"]}]']
// Pairs per rule count C(n, 2) over its blocks (values held by more than 300 records shown as capped).
import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { ruleKeys } from "../dist/stages/dedupe/blocking.js";
import { RecordTableBuilder } from "../dist/stages/dedupe/features.js";
import { DEFAULT_BLOCKING_RULES, isSortedRule } from "../dist/stages/dedupe/spec.js";
import { dedupeStoreRecords } from "../dist/store/dedupe.js";

const [storePath, truthPath, extra = "[]"] = process.argv.slice(2);
if (!storePath || !truthPath) {
  console.error("usage: node bench/blocking-recall.mjs STORE.db TRUTH.csv [EXTRA_RULES_JSON]");
  process.exit(2);
}
const db = new Database(storePath, { readonly: true });
const truth = new Map(
  readFileSync(truthPath, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(","))
    .map(([record, person]) => [record.trim(), person]),
);
const sourceIds = new Map(db.prepare("SELECT id, source_id FROM current_records").raw().all());
const builder = new RecordTableBuilder();
const person = [];
for (const record of dedupeStoreRecords(db)) {
  builder.add(record.id, record);
  person.push(truth.get(String(sourceIds.get(record.id)).replace(/^\s+/, "")) ?? `record ${record.id}`);
}
const table = builder.build();
const rules = [...DEFAULT_BLOCKING_RULES.filter((rule) => !isSortedRule(rule)), ...JSON.parse(extra)];
const rows = new Map();
for (const [row, p] of person.entries()) {
  if (!rows.has(p)) rows.set(p, []);
  rows.get(p).push(row);
}
const truePairs = [];
for (const group of rows.values())
  for (let x = 0; x < group.length; x++) for (let y = x + 1; y < group.length; y++) truePairs.push([group[x], group[y]]);
const keys = rules.map((rule) => ruleKeys(table, rule));
const found = truePairs.map(([a, b]) => keys.map((k) => k[a] >= 0 && k[a] === k[b]));
console.log(`records ${table.size}, true pairs ${truePairs.length}, found by some rule ${found.filter((f) => f.some(Boolean)).length}`);
rules.forEach((rule, r) => {
  const sizes = new Map();
  for (const key of keys[r]) if (key >= 0) sizes.set(key, (sizes.get(key) ?? 0) + 1);
  let pairs = 0;
  let capped = 0;
  for (const n of sizes.values()) {
    if (n > 300) capped += (n * (n - 1)) / 2;
    else pairs += (n * (n - 1)) / 2;
  }
  const any = found.filter((f) => f[r]).length;
  const only = found.filter((f) => f[r] && f.filter(Boolean).length === 1).length;
  console.log(
    `${rule.name.padEnd(45)} pairs ${String(pairs).padStart(10)} capped ${String(capped).padStart(10)} finds ${String(any).padStart(7)} only it ${only}`,
  );
});

#!/usr/bin/env node
// Pairwise precision, recall and F1 of a store's records.cluster_id against a generator truth file
// (record_id,person_id[,source]): BENCHMARKS.md's 1M accuracy figure.
//   node bench/score-store.mjs STORE.db TRUTH.csv
import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { scorePairwise } from "./score-clusters.mjs";

const [storePath, truthPath] = process.argv.slice(2);
if (!storePath || !truthPath) {
  console.error("usage: node bench/score-store.mjs STORE.db TRUTH.csv");
  process.exit(2);
}
const db = new Database(storePath, { readonly: true });
const predicted = new Map(db.prepare("SELECT source_id, cluster_id FROM current_records").raw().all());
const truth = new Map();
for (const line of readFileSync(truthPath, "utf8").split("\n").slice(1)) {
  const [record, person] = line.split(",");
  if (record && predicted.has(record)) truth.set(record, person);
}
console.log(JSON.stringify(scorePairwise(predicted, truth)));

#!/usr/bin/env node
// node bench/cpu-top.mjs PROFILE.cpuprofile [--top 25]
// Self time by function from a `node --cpu-prof` profile, and by where the code lives (roster, libphonenumber-js,
// other packages, node internals, GC): the "where the time goes" tables in BENCHMARKS.md.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "25" } } });
const profile = JSON.parse(readFileSync(positionals[0], "utf8"));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

function place(url) {
  if (!url) return "(native / V8)";
  if (url.includes("/node_modules/")) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    return m[1];
  }
  if (url.startsWith("node:")) return "node internals";
  if (url.includes("/dist/")) return "roster";
  return url.replace(/^file:\/\//, "");
}

const fn = new Map();
const where = new Map();
const rosterFiles = new Map();
let total = 0;
for (const [id, micros] of self) {
  const { callFrame } = byId.get(id);
  const name = callFrame.functionName || "(anonymous)";
  const file = callFrame.url.replace(/^.*\/(node_modules|dist)\//, "$1/");
  const key =
    name === "(garbage collector)" || name === "(program)" || name === "(idle)" ? name : `${name}  ${file}:${callFrame.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + micros);
  const at = ["(garbage collector)", "(program)", "(idle)"].includes(name) ? name : place(callFrame.url);
  where.set(at, (where.get(at) ?? 0) + micros);
  if (at === "roster") rosterFiles.set(file, (rosterFiles.get(file) ?? 0) + micros);
  total += micros;
}
const s = (micros) => `${(micros / 1e6).toFixed(2)} s`;
const pct = (micros) => `${((micros / total) * 100).toFixed(1)}%`;
console.log(`total sampled: ${s(total)}`);
console.log("\nby place (self time):");
for (const [k, v] of [...where].sort((a, b) => b[1] - a[1])) console.log(`  ${s(v).padStart(8)}  ${pct(v).padStart(6)}  ${k}`);
console.log("\nroster's own code by file (self time):");
for (const [k, v] of [...rosterFiles].sort((a, b) => b[1] - a[1]).slice(0, 15))
  console.log(`  ${s(v).padStart(8)}  ${pct(v).padStart(6)}  ${k}`);
console.log(`\ntop ${values.top} functions by self time:`);
for (const [k, v] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
  console.log(`  ${s(v).padStart(8)}  ${pct(v).padStart(6)}  ${k}`);

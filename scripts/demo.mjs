#!/usr/bin/env node
// `npm run demo`: import the bundled demo exports (fixtures/demo/) into a fresh ./roster.db, then show what
// landed. Runs the real binary, exactly as a user would.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { CANONICAL_FIELDS } from "../dist/fields/canonical.js";
import { readStoredProvenance } from "../dist/store/provenance-json.js";

const root = join(import.meta.dirname, "..");
const store = join(process.cwd(), "roster.db");
const demoDir = join(root, "fixtures", "demo");
const files = readdirSync(demoDir)
  .filter((name) => /\.(csv|json|jsonl)$/.test(name))
  .sort()
  .map((name) => join("fixtures", "demo", name));

if (existsSync(store)) {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(store + suffix, { force: true });
  console.error(`removed the previous demo store ${store}`);
}
const config = join(root, "fixtures", "demo", "roster.yml");
const roster = (args) => {
  console.error(`\n$ roster ${args.join(" ")}`);
  const run = spawnSync(process.execPath, [join(root, "bin", "roster.js"), "--store", store, "--config", config, ...args], {
    cwd: root,
    stdio: "inherit",
  });
  if (run.status !== 0) process.exit(run.status ?? 70);
};
roster(["import", ...files]);
roster(["normalize"]);
// The demo data is messy on purpose: report what validate finds without failing the demo.
roster(["validate", "--fail-on", "never"]);
// Fuzzy matching across the five exports: the same person, whatever the script, spelling or format.
roster(["dedupe"]);
// One golden customer per cluster: each field chosen by survivorship rules, its provenance kept.
roster(["merge"]);

const db = new Database(store, { readonly: true });
const show = (title, sql) => {
  console.log(`\n${title}`);
  console.table(db.prepare(sql).all());
};
show("Rows per source (records):", "SELECT source, count(*) AS records FROM current_records GROUP BY source ORDER BY source");
show("Rejected rows (rejects):", "SELECT b.source, r.line, r.reason FROM rejects r JOIN batches b ON b.id = r.batch_id");
show(
  "One person, five exports, one cluster after dedupe:",
  `SELECT cluster_id, source, source_id, full_name AS name, email, phone, birth_date FROM current_records
   WHERE cluster_id = (SELECT cluster_id FROM current_records WHERE name_key = 'wei zhang' AND source = 'crm' ORDER BY id LIMIT 1)
   ORDER BY source`,
);
const zhang = db
  .prepare(
    `SELECT c.* FROM customers c JOIN current_records r ON r.customer_id = c.id
     WHERE r.name_key = 'wei zhang' AND r.source = 'crm' ORDER BY r.id LIMIT 1`,
  )
  .get();
if (zhang) {
  console.log(`\nTheir golden customer (merge), customer ${zhang.id}: each field, the record it came from and the rule that chose it:`);
  // Stored compact (fields the customer's own values account for are left out): expanded as roster reads it.
  const provenance = readStoredProvenance(zhang.provenance, (field) => zhang[field] !== null);
  const records = db.prepare("SELECT id, source, source_id FROM records WHERE id = ?");
  console.table(
    CANONICAL_FIELDS.filter((field) => provenance[field] !== undefined).map((field) => {
      const from = provenance[field];
      const record = from.record === null ? undefined : records.get(from.record);
      return {
        field,
        value: zhang[field],
        from: record ? `${record.source}:${record.source_id ?? `#${record.id}`}` : "(derived)",
        rule: from.derived ? `${from.rule} (derived)` : from.rule,
      };
    }),
  );
}
show(
  "Clusters that span sources:",
  `SELECT count(*) AS clusters, sum(n) AS records FROM (SELECT cluster_id, count(*) AS n FROM current_records
   GROUP BY cluster_id HAVING count(DISTINCT source) > 1)`,
);
db.close();
console.log(`\nThe store is ${store}. Explore it with: sqlite3 ${store} "SELECT * FROM records LIMIT 5"`);
console.log(`Import the same files again and nothing is added: node bin/roster.js --store ${store} import ${files.join(" ")}`);
console.log(`The data-quality scorecard: node bin/roster.js --store ${store} report (or --format html -o report.html)`);
console.log(`The golden customers for a spreadsheet: node bin/roster.js --store ${store} export --excel -o customers.csv`);

/**
 * The store's figures for `roster report`, by SQL aggregates over current_records, findings, the dedupe tables
 * and customers (GROUP BY: SQLite counts, JavaScript only receives the groups), and the one pass over raw rows
 * the value shapes need (rawShapeRows). Everything returned is plain data for the pure stage
 * (src/stages/report/).
 */
import { CANONICAL_FIELDS, type CanonicalField } from "../fields/canonical.js";
import { mappedValues, type StoredMapping, storedMapping } from "../fields/raw.js";
import type { Severity } from "../model/finding.js";
import { emptyValues, type RecordValues } from "../model/record.js";
import type { CountedScope } from "../stages/report/figures.js";
import type { DuplicateCounts, Histogram, ProfileHistograms } from "../stages/report/profile.js";
import type { Db } from "./open.js";
import { reviewQueueSize } from "./review.js";

const FIELDS = CANONICAL_FIELDS;
/** An empty string counts as no value, as everywhere else in roster. */
const filled = (field: string) => `NULLIF(${field}, '')`;

/**
 * A record's own date, as a Julian day: its updated_at when that starts as an ISO date (julianday() alone would
 * also read a bare number such as 1700000000 as a day number), else NULL.
 */
const ownDate = (record: string) =>
  `CASE WHEN ${record}.updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' THEN julianday(${record}.updated_at) END`;

/** A record's age in whole days at `now` (bound as @now): its own date, else its batch's import time. */
const ageDays = (record: string, batch: string) =>
  `CAST(julianday(@now) - coalesce(${ownDate(record)}, julianday(${batch}.imported_at)) AS INTEGER)`;

function emptyScope(): CountedScope {
  return { records: 0, dated: 0, ages: [], fields: {} };
}

/** Per source and over all records: completeness, findings, validity, freshness (distinct values: 0, counted elsewhere). */
export function countedScopes(db: Db, now: string): { all: CountedScope; bySource: Map<string, CountedScope> } {
  const bySource = new Map<string, CountedScope>();
  const scope = (source: string) => {
    let found = bySource.get(source);
    if (!found) {
      found = emptyScope();
      bySource.set(source, found);
    }
    return found;
  };
  const all = emptyScope();
  const fieldOf = (s: CountedScope, field: CanonicalField) => {
    let counts = s.fields[field];
    if (!counts) {
      counts = { filled: 0, invalid: 0, distinct: 0, findings: [] };
      s.fields[field] = counts;
    }
    return counts;
  };

  // 1. Filled, per source (one scan, one GROUP BY). Distinct values are counted in the pass over the rows
  // (stages/report/distinct-tally.ts): count(DISTINCT) over every column was most of the report's time.
  const columns = FIELDS.map((f, i) => `count(${filled(f)}) AS f${i}`).join(", ");
  const perSource = db.prepare(`SELECT source, count(*) AS records, ${columns} FROM current_records GROUP BY source`).all() as Record<
    string,
    number | string
  >[];
  for (const row of perSource) {
    const s = scope(row.source as string);
    s.records = row.records as number;
    all.records += s.records;
    FIELDS.forEach((field, i) => {
      const n = row[`f${i}`] as number;
      if (n === 0) return;
      fieldOf(s, field).filled = n;
      fieldOf(all, field).filled += n;
    });
  }

  // 2. Findings by source, field, rule and severity (both stages': normalize's and validate's).
  const findings = db
    .prepare(
      `SELECT r.source, f.field, f.rule, f.severity, count(*) AS n
       FROM findings f JOIN current_records r ON r.id = f.record_id GROUP BY r.source, f.field, f.rule, f.severity`,
    )
    .all() as { source: string; field: string; rule: string; severity: Severity; n: number }[];
  const known = new Set<string>(FIELDS);
  for (const row of findings) {
    if (!known.has(row.field)) continue; // a finding about the row, not a field
    const field = row.field as CanonicalField;
    fieldOf(scope(row.source), field).findings.push({ rule: row.rule, severity: row.severity, count: row.n });
    const overall = fieldOf(all, field).findings;
    const same = overall.find((f) => f.rule === row.rule && f.severity === row.severity);
    if (same) same.count += row.n;
    else overall.push({ rule: row.rule, severity: row.severity, count: row.n });
  }

  // 3. Invalid: filled records with an error finding on that field (a record counts once per field).
  const findingValue = `CASE f.field ${FIELDS.map((f) => `WHEN '${f}' THEN r.${f}`).join(" ")} END`;
  const invalid = db
    .prepare(
      `SELECT r.source, f.field, count(DISTINCT f.record_id) AS n
       FROM findings f JOIN current_records r ON r.id = f.record_id
       WHERE f.severity = 'error' AND NULLIF(${findingValue}, '') IS NOT NULL GROUP BY r.source, f.field`,
    )
    .all() as { source: string; field: CanonicalField; n: number }[];
  for (const row of invalid) {
    fieldOf(scope(row.source), row.field).invalid = row.n;
    fieldOf(all, row.field).invalid += row.n;
  }

  // 4. Freshness: records by age in days, and how many carry a date of their own.
  const ages = db
    .prepare(
      `SELECT r.source, ${ageDays("r", "b")} AS days, count(*) AS n, count(${ownDate("r")}) AS dated
       FROM current_records r JOIN batches b ON b.id = r.batch_id GROUP BY r.source, days`,
    )
    .all({ now }) as { source: string; days: number; n: number; dated: number }[];
  const allAges = new Map<number, number>();
  for (const row of ages) {
    const s = scope(row.source);
    s.ages.push([row.days, row.n]);
    s.dated += row.dated;
    all.dated += row.dated;
    allAges.set(row.days, (allAges.get(row.days) ?? 0) + row.n);
  }
  all.ages = [...allAges];
  return { all, bySource };
}

export interface RawShapeRow {
  source: string;
  raw: RecordValues;
  canonical: RecordValues;
  errorFields: ReadonlySet<string> | undefined;
}

/**
 * Every current record's raw values (derived again from its verbatim row and its batch's mapping, as normalize
 * reads them) beside its canonical ones, with the fields that have an error finding. The one pass over rows.
 */
export function* rawShapeRows(db: Db): Generator<RawShapeRow> {
  // Rows from CSV were stored as JSON strings only: plain JSON.parse is exact for them, and faster (records.ts).
  const batches = new Map<number, { mapping: StoredMapping; fromJson: boolean }>();
  for (const batch of db.prepare("SELECT id, mapping, format FROM batches").all() as {
    id: number;
    mapping: string | null;
    format: string;
  }[]) {
    batches.set(batch.id, { mapping: storedMapping(batch.mapping), fromJson: batch.format === "json" || batch.format === "jsonl" });
  }
  const errors = new Map<number, Set<string>>();
  for (const [id, field] of db
    .prepare("SELECT f.record_id, f.field FROM findings f WHERE f.severity = 'error'")
    .raw()
    .iterate() as IterableIterator<[number, string]>) {
    let fields = errors.get(id);
    if (!fields) {
      fields = new Set();
      errors.set(id, fields);
    }
    fields.add(field);
  }
  const rows = db
    .prepare(`SELECT id, source, batch_id, raw, ${FIELDS.join(", ")} FROM current_records`)
    .raw()
    .iterate() as IterableIterator<unknown[]>;
  for (const row of rows) {
    // A literal of every field (one hidden class for every row), then filled: cheaper than growing {} per row.
    const canonical = emptyValues();
    for (let i = 0; i < FIELDS.length; i++) canonical[FIELDS[i] as CanonicalField] = (row[4 + i] as string | null) ?? null;
    const batch = batches.get(row[2] as number) ?? { mapping: storedMapping(null), fromJson: true };
    yield {
      source: row[1] as string,
      raw: mappedValues(row[3] as string, batch.mapping, batch.fromJson),
      canonical,
      errorFields: errors.get(row[0] as number),
    };
  }
}

/** null when dedupe never ran on this store. */
export function duplicateCounts(db: Db): DuplicateCounts | null {
  const run = db.prepare("SELECT summary FROM dedupe_runs ORDER BY id DESC LIMIT 1").get() as { summary: string } | undefined;
  if (!run) return null;
  let splitByGuard = 0;
  try {
    splitByGuard = Number((JSON.parse(run.summary) as { clusters_split?: unknown }).clusters_split) || 0;
  } catch {
    // a summary edited by hand: no split count rather than no report
  }
  const sizes = db
    .prepare(
      `SELECT size, count(*) AS clusters FROM (SELECT count(*) AS size FROM current_records WHERE cluster_id IS NOT NULL GROUP BY cluster_id)
       GROUP BY size ORDER BY size`,
    )
    .raw()
    .all() as [number, number][];
  const merged = db.prepare("SELECT 1 FROM merge_runs LIMIT 1").get() !== undefined;
  return {
    records: sizes.reduce((sum, [size, n]) => sum + size * n, 0),
    clusterSizes: sizes,
    customers: merged ? activeCustomers(db) : null,
    splitByGuard,
    reviewBacklog: reviewQueueSize(db),
  };
}

function activeCustomers(db: Db): number {
  return db.prepare("SELECT count(*) FROM customers WHERE retired_at IS NULL").pluck().get() as number;
}

const histogram = (db: Db, sql: string, ...params: unknown[]): Histogram =>
  db
    .prepare(sql)
    .raw()
    .all(...params) as Histogram;

/** A customer's value of an attribute: from its newest current record (highest id) that has one. */
const attributeOf = (name: string) =>
  `(SELECT json_extract(x.attributes, '$."${name.replaceAll('"', '""').replaceAll("'", "''")}"') FROM current_records x
     WHERE x.customer_id = c.id AND json_extract(x.attributes, '$."${name.replaceAll('"', '""').replaceAll("'", "''")}"') IS NOT NULL
     ORDER BY x.id DESC LIMIT 1)`;

/** Attribute names of the current records (for `--by`'s check and its suggestions). */
export function attributeNames(db: Db): string[] {
  return db
    .prepare("SELECT DISTINCT j.key FROM current_records r, json_each(r.attributes) j WHERE r.attributes IS NOT NULL ORDER BY j.key")
    .pluck()
    .all() as string[];
}

export function hasAttribute(db: Db, name: string): boolean {
  return (
    db
      .prepare("SELECT 1 FROM current_records r, json_each(r.attributes) j WHERE r.attributes IS NOT NULL AND j.key = ? LIMIT 1")
      .get(name) !== undefined
  );
}

export interface ProfileDimension {
  name: string;
  /** A canonical field (a customers column) or an attribute of the customer's records. */
  kind: "field" | "attribute";
}

/** null when merge never ran (no golden customers). */
export function profileHistograms(db: Db, now: string, by: readonly ProfileDimension[][]): ProfileHistograms | null {
  if (db.prepare("SELECT 1 FROM merge_runs LIMIT 1").get() === undefined) return null;
  const active = "FROM customers c WHERE c.retired_at IS NULL";
  const column = (field: string) => histogram(db, `SELECT ${filled(`c.${field}`)} AS value, count(*) ${active} GROUP BY value`);
  // The current records of active customers (customer_records may still name a retired one's old records).
  const records = "FROM current_records r JOIN customers c ON c.id = r.customer_id AND c.retired_at IS NULL";
  const customers = activeCustomers(db);
  // Customers none of whose records is current (all superseded, or removed): counted as "unknown" (null).
  const withNone = (rows: Histogram): Histogram => {
    const counted = rows.reduce((sum, [, n]) => sum + n, 0);
    return counted < customers ? [...rows, [null, customers - counted]] : rows;
  };
  const recency = db
    .prepare(
      `SELECT days, count(*) FROM (
         SELECT r.customer_id, min(${ageDays("r", "b")}) AS days ${records} JOIN batches b ON b.id = r.batch_id GROUP BY r.customer_id)
       GROUP BY days`,
    )
    .raw()
    .all({ now }) as [number, number][];
  const recencyCounted = recency.reduce((sum, [, n]) => sum + n, 0);
  return {
    customers,
    country: column("country"),
    region: column("region"),
    city: column("city"),
    birthDate: column("birth_date"),
    consent: column("marketing_consent"),
    source: histogram(db, `SELECT r.source, count(DISTINCT c.id) ${records} GROUP BY r.source`),
    sources: withNone(
      histogram(
        db,
        `SELECT combination, count(*) FROM (
           SELECT customer_id, group_concat(source, ' + ' ORDER BY source) AS combination
           FROM (SELECT DISTINCT r.customer_id, r.source ${records}) GROUP BY customer_id)
         GROUP BY combination`,
      ),
    ),
    recencyDays: recencyCounted < customers ? [...recency, [null, customers - recencyCounted]] : recency,
    by: by.map((dimensions) => {
      const values = dimensions.map((d) => (d.kind === "field" ? filled(`c.${d.name}`) : attributeOf(d.name)));
      const select = values.map((v, i) => `${v} AS v${i}`).join(", ");
      const groups = values.map((_, i) => `v${i}`).join(", ");
      const rows = db.prepare(`SELECT ${select}, count(*) AS n ${active} GROUP BY ${groups}`).raw().all() as unknown[][];
      return {
        name: dimensions.map((d) => d.name).join(","),
        rows: rows.map((row) => [row.slice(0, -1).map((v) => (v === null ? null : String(v))), row.at(-1) as number]),
      };
    }),
  };
}

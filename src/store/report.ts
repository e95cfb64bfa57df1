/**
 * The store's figures for `roster report`, by SQL aggregates over current_records, findings, the dedupe tables
 * and customers (GROUP BY: SQLite counts, JavaScript only receives the groups), and the one pass over raw rows
 * the value shapes need (rawShapeRows). Everything returned is plain data for the pure stage
 * (src/stages/report/).
 */
import { CANONICAL_FIELDS, type CanonicalField } from "../fields/canonical.js";
import { MappedValuesReader, storedMapping } from "../fields/raw.js";
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

export function emptyScope(): CountedScope {
  return { records: 0, dated: 0, ages: [], fields: {} };
}

/**
 * Per source and over all records: findings and validity. Records, filled values, distinct values and freshness
 * (ages, dated) are left 0 and empty: the pass over the rows counts them (rawShapeRows), and the caller adds them
 * (a source with no finding at all has no scope here yet).
 */
export function countedScopes(db: Db): { all: CountedScope; bySource: Map<string, CountedScope> } {
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

  // Records and filled values are counted in the pass over the rows (shape-tally.ts filledCounts), as distinct
  // values are (distinct-tally.ts): a GROUP BY scan of every column for them took 1.3 s of a million records.
  // 1. Findings by source, field, rule and severity (both stages': normalize's and validate's).
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

  // 2. Invalid: filled records with an error finding on that field (a record counts once per field).
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

  // Freshness (ages, dated) is counted in the pass over the rows (rawShapeRows' days and dated): one scan fewer.
  return { all, bySource };
}

export interface RawShapeRow {
  source: string;
  raw: RecordValues;
  canonical: RecordValues;
  errorFields: ReadonlySet<string> | undefined;
  /** Age in whole days at `now`: its own date, else its batch's import time (SQLite's julianday, as ever). */
  days: number;
  /** Whether the age is from a date of its own (updated_at). */
  dated: boolean;
  /** Its golden customer, when that one is active (not retired); else null. */
  customerId: number | null;
  /** Its cluster (dedupe), or null. */
  clusterId: number | null;
}

/**
 * Every current record's raw values (derived again from its verbatim row and its batch's mapping, as normalize
 * reads them) beside its canonical ones, with the fields that have an error finding. The one pass over rows.
 */
export function* rawShapeRows(db: Db, now: string): Generator<RawShapeRow> {
  // Rows from CSV were stored as JSON strings only: plain JSON.parse is exact for them, and faster (records.ts).
  const batches = new Map<number, MappedValuesReader>();
  for (const batch of db.prepare("SELECT id, mapping, format FROM batches").all() as {
    id: number;
    mapping: string | null;
    format: string;
  }[]) {
    batches.set(batch.id, new MappedValuesReader(storedMapping(batch.mapping), batch.format === "json" || batch.format === "jsonl"));
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
  // Few customers are retired: their ids in a set beat a join to customers per row, whose retired_at lies
  // past the long provenance column (overflow pages).
  const retired = new Set(db.prepare("SELECT id FROM customers WHERE retired_at IS NOT NULL").pluck().all() as number[]);
  const ageAt = 4 + FIELDS.length;
  const rows = db
    .prepare(
      `SELECT r.id, r.source, r.batch_id, r.raw, ${FIELDS.map((f) => `r.${f}`).join(", ")},
         ${ageDays("r", "b")}, ${ownDate("r")} IS NOT NULL, r.customer_id, r.cluster_id
       FROM current_records r JOIN batches b ON b.id = r.batch_id`,
    )
    .raw()
    .iterate({ now }) as IterableIterator<unknown[]>;
  for (const row of rows) {
    // A literal of every field (one hidden class for every row), then filled: cheaper than growing {} per row.
    const canonical = emptyValues();
    for (let i = 0; i < FIELDS.length; i++) canonical[FIELDS[i] as CanonicalField] = (row[4 + i] as string | null) ?? null;
    const batch = batches.get(row[2] as number) ?? new MappedValuesReader(storedMapping(null), true);
    const customer = row[ageAt + 2] as number | null;
    yield {
      source: row[1] as string,
      raw: batch.read(row[3] as string),
      canonical,
      errorFields: errors.get(row[0] as number),
      days: row[ageAt] as number,
      dated: row[ageAt + 1] === 1,
      customerId: customer === null || retired.has(customer) ? null : customer,
      clusterId: row[ageAt + 3] as number | null,
    };
  }
}

/**
 * Every current record's source and canonical values, nothing else: what the distinct counts need, for the
 * counting thread, which reads them beside the main thread's pass (cheaper than handing those values over).
 * One values object is refilled per row: the caller must not keep it.
 */
export function* canonicalRows(db: Db): Generator<{ source: string; canonical: RecordValues }> {
  const canonical = emptyValues();
  const row = { source: "", canonical };
  for (const values of db
    .prepare(`SELECT source, ${FIELDS.join(", ")} FROM current_records`)
    .raw()
    .iterate() as IterableIterator<unknown[]>) {
    row.source = values[0] as string;
    for (let i = 0; i < FIELDS.length; i++) canonical[FIELDS[i] as CanonicalField] = (values[1 + i] as string | null) ?? null;
    yield row;
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
  const merged = db.prepare("SELECT 1 FROM merge_runs LIMIT 1").get() !== undefined;
  // Cluster sizes (and the records in clusters) are counted in the pass over the rows, from their cluster_id: a
  // GROUP BY over current_records took 1.6 s of a million records. The caller fills them in.
  return {
    records: 0,
    clusterSizes: [],
    customers: merged ? activeCustomers(db) : null,
    splitByGuard,
    reviewBacklog: reviewQueueSize(db),
  };
}

function activeCustomers(db: Db): number {
  return db.prepare("SELECT count(*) FROM customers WHERE retired_at IS NULL").pluck().get() as number;
}

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

/**
 * The customer profile's histograms of customers' own columns (and `--by`); the figures over customers' records
 * (source, sources, recency) are counted in the pass over the rows (stages/report/customer-tally.ts).
 */
export type CustomerHistograms = Omit<ProfileHistograms, "source" | "sources" | "recencyDays">;

const PROFILE_COLUMNS = ["country", "region", "city", "birth_date", "marketing_consent"] as const;

/** null when merge never ran (no golden customers). */
export function profileHistograms(db: Db, by: readonly ProfileDimension[][]): CustomerHistograms | null {
  if (db.prepare("SELECT 1 FROM merge_runs LIMIT 1").get() === undefined) return null;
  const active = "FROM customers c WHERE c.retired_at IS NULL";
  // One read of the five columns, counted here: a GROUP BY per column read every customer's provenance (the
  // row's long tail, before retired_at) five times, 0.8 s each on a million.
  const counts = PROFILE_COLUMNS.map(() => new Map<string | null, number>());
  let customers = 0;
  for (const row of db
    .prepare(`SELECT ${PROFILE_COLUMNS.map((f) => filled(`c.${f}`)).join(", ")} ${active}`)
    .raw()
    .iterate() as IterableIterator<(string | null)[]>) {
    customers++;
    for (let i = 0; i < PROFILE_COLUMNS.length; i++) {
      const map = counts[i] as Map<string | null, number>;
      const value = row[i] === null ? null : String(row[i]);
      map.set(value, (map.get(value) ?? 0) + 1);
    }
  }
  const column = (field: (typeof PROFILE_COLUMNS)[number]): Histogram => [
    ...(counts[PROFILE_COLUMNS.indexOf(field)] as Map<string | null, number>),
  ];
  return {
    customers,
    country: column("country"),
    region: column("region"),
    city: column("city"),
    birthDate: column("birth_date"),
    consent: column("marketing_consent"),
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

/** The largest record id: a store's size at no cost (ids are never reused), to decide whether a thread pays. */
export function largestRecordId(db: Db): number {
  return (db.prepare("SELECT max(id) FROM records").pluck().get() as number | null) ?? 0;
}

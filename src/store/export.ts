/**
 * The SQL of `roster export`: one SELECT per export kind, its columns and `--where` filters turned into SQL text
 * from fixed fragments, every value a user typed bound as a parameter. Rows come back as arrays
 * (`.raw().iterate()`), one at a time in key order, one key range per statement run (a worker thread's unit of
 * work), so an export of any size streams in constant memory.
 */
import { UsageError } from "../errors.js";
import { CANONICAL_FIELDS } from "../fields/canonical.js";
import type { ExportColumn, ExportWhat } from "../stages/export/columns.js";
import type { CompareOp, WhereFilter } from "../stages/export/where.js";
import type { Db } from "./open.js";
import { fullProvenanceJson } from "./provenance-json.js";

export interface ExportQuery {
  what: ExportWhat;
  columns: readonly ExportColumn[];
  filters: readonly WhereFilter[];
  /** customers: changed by merge runs after this one; records, rejects, findings: of batches after this one. */
  since?: number | undefined;
  /** Columns read besides the exported ones, after them (consent for --require-consent). */
  extra?: readonly string[];
}

/** An inclusive range of the export's row key (see ROW_KEYS), the unit a worker thread reads. */
export interface KeyRange {
  from: number;
  to: number;
}

interface Source {
  from: string;
  /** Column name → SQL expression. */
  columns: Record<string, string>;
  where: string[];
  order: string;
  /** The integer key rows are read in order of, and cut into ranges by. */
  key: string;
  /** The table holding that key, for its smallest and largest value. */
  keyTable: string;
  /** The expression of the row's import time, for changed. */
  importedAt?: string;
  batchId?: string;
}

/** Every canonical field, in canonical order. */
const PERSON: readonly string[] = CANONICAL_FIELDS;
const prefixed = (alias: string, names: readonly string[]) => Object.fromEntries(names.map((name) => [name, `${alias}.${name}`]));

/**
 * customers.provenance may be stored compact (provenance-json.ts: fields whose source the row's values imply are
 * left out); users get the full map, expanded by a function of this connection's (FULL_PROVENANCE) from the
 * stored text and which of the row's fields are not NULL, one bit per canonical field.
 */
const FULL_PROVENANCE = "roster_full_provenance";
const FIELDS_PRESENT = CANONICAL_FIELDS.map((field, i) => `((c.${field} IS NOT NULL) << ${i})`).join(" | ");

function defineFullProvenance(db: Db): void {
  db.function(FULL_PROVENANCE, { deterministic: true }, (text: unknown, present: unknown) =>
    typeof text === "string" ? fullProvenanceJson(text, (_field, i) => (Number(present) & (1 << i)) !== 0) : text,
  );
}

const SOURCES: Record<ExportWhat, Source> = {
  customers: {
    from: "customers c",
    columns: {
      ...prefixed("c", ["id", ...PERSON, "first_merged_at", "last_changed_at"]),
      provenance: `${FULL_PROVENANCE}(c.provenance, ${FIELDS_PRESENT})`,
    },
    where: ["c.retired_at IS NULL"],
    order: "c.id",
    key: "c.id",
    keyTable: "customers",
  },
  records: {
    from: "current_records r",
    columns: {
      ...prefixed("r", ["id", "batch_id", "source", ...PERSON, "cluster_id", "customer_id", "attributes", "line"]),
    },
    where: [],
    order: "r.id",
    key: "r.id",
    keyTable: "records",
    importedAt: "(SELECT b.imported_at FROM batches b WHERE b.id = r.batch_id)",
    batchId: "r.batch_id",
  },
  rejects: {
    from: "rejects j JOIN batches b ON b.id = j.batch_id",
    columns: { ...prefixed("j", ["id", "batch_id", "line", "reason", "raw"]), source: "b.source", path: "b.path" },
    where: ["b.status = 'complete'"],
    order: "j.id",
    key: "j.id",
    keyTable: "rejects",
    importedAt: "b.imported_at",
    batchId: "j.batch_id",
  },
  findings: {
    from: "findings f JOIN current_records r ON r.id = f.record_id",
    columns: {
      ...prefixed("f", ["id", "record_id", "stage", "field", "rule", "severity", "message", "suggestion"]),
      source: "r.source",
      source_id: "r.source_id",
    },
    where: [],
    order: "f.id",
    key: "f.id",
    keyTable: "findings",
    importedAt: "(SELECT b.imported_at FROM batches b WHERE b.id = r.batch_id)",
    batchId: "r.batch_id",
  },
  pairs: {
    from: "pairs p JOIN records ra ON ra.id = p.record_a JOIN records rb ON rb.id = p.record_b",
    columns: {
      ...prefixed("p", ["record_a", "record_b", "match_probability", "match_weight", "blocking_rule", "decision", "explanation"]),
      source_a: "ra.source",
      source_id_a: "ra.source_id",
      source_b: "rb.source",
      source_id_b: "rb.source_id",
    },
    where: [],
    order: "p.record_a, p.record_b",
    key: "p.record_a",
    keyTable: "pairs",
  },
};

/** A JSON path for one attribute, quoted so any name (spaces, dots, 中文) is one key. */
const attributePath = (name: string) => `$."${name.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;

function columnSql(source: Source, column: ExportColumn, params: unknown[], alias: string): string {
  if (column.attribute !== undefined) {
    params.push(attributePath(column.attribute));
    return `json_extract(${alias}.attributes, ?)`;
  }
  const sql = source.columns[column.name];
  if (sql === undefined) throw new Error(`export: no SQL for column ${column.name}`);
  return sql;
}

const OPS: Record<CompareOp, string> = { "=": "=", "!=": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<=" };

function filterSql(query: ExportQuery, source: Source, filter: WhereFilter, params: unknown[]): string {
  const { what } = query;
  switch (filter.kind) {
    case "field": {
      if (filter.attribute !== undefined && what === "customers") {
        params.push(attributePath(filter.attribute), filter.value);
        const match =
          "c.id IN (SELECT customer_id FROM current_records WHERE CAST(json_extract(attributes, ?) AS TEXT) = ? AND customer_id IS NOT NULL)";
        return filter.op === "=" ? match : `NOT ${match}`;
      }
      const sql =
        filter.attribute !== undefined
          ? `CAST(${columnSql(source, { name: filter.column, kind: "text", attribute: filter.attribute }, params, "r")} AS TEXT)`
          : columnSql(source, { name: filter.column, kind: "text" }, params, "r");
      // A blank field is NULL or '': `email=` finds both, `email!=x` keeps the blank ones.
      if (filter.value === "") return filter.op === "=" ? `coalesce(${sql}, '') = ''` : `coalesce(${sql}, '') != ''`;
      const value = filter.numeric && /^-?\d+(\.\d+)?$/.test(filter.value) ? Number(filter.value) : filter.value;
      params.push(value);
      // (the expression once: an attribute's holds a parameter of its own)
      return filter.op === "=" ? `${sql} = ?` : `coalesce(${sql}, '') != ?`;
    }
    case "source": {
      params.push(filter.value);
      const match = "c.id IN (SELECT customer_id FROM current_records WHERE source = ? AND customer_id IS NOT NULL)";
      return filter.op === "=" ? match : `NOT ${match}`;
    }
    case "changed": {
      const at = what === "customers" ? "c.last_changed_at" : source.importedAt;
      if (!at) throw new UsageError(`--where changed: ${what} have no time to compare`);
      params.push(filter.at);
      return `${at} ${filter.op} ?`;
    }
    case "cluster_size": {
      params.push(filter.size);
      if (what === "customers") {
        return `c.id IN (SELECT customer_id FROM current_records WHERE customer_id IS NOT NULL GROUP BY customer_id HAVING count(*) ${OPS[filter.op]} ?)`;
      }
      // A record dedupe has not clustered yet is alone: a cluster of one.
      params.push(filter.size);
      return `(r.cluster_id IN (SELECT cluster_id FROM current_records WHERE cluster_id IS NOT NULL GROUP BY cluster_id HAVING count(*) ${OPS[filter.op]} ?) OR (r.cluster_id IS NULL AND 1 ${OPS[filter.op]} ?))`;
    }
    case "findings": {
      const has =
        what === "customers"
          ? "c.id IN (SELECT r.customer_id FROM current_records r WHERE r.customer_id IS NOT NULL AND EXISTS (SELECT 1 FROM findings f WHERE f.record_id = r.id))"
          : "EXISTS (SELECT 1 FROM findings f WHERE f.record_id = r.id)";
      return filter.present ? has : `NOT ${has}`;
    }
  }
}

/**
 * The statement's text and parameters. With `ranged`, two more parameters follow the others: the range of the
 * row key (inclusive), so one prepared statement reads any range.
 */
export function exportSql(query: ExportQuery, ranged = false): { sql: string; params: unknown[] } {
  const source = SOURCES[query.what];
  const params: unknown[] = [];
  const select = [
    ...query.columns.map((column) => columnSql(source, column, params, "r")),
    ...(query.extra ?? []).map((name) => columnSql(source, { name, kind: "text" }, params, "r")),
  ];
  const where = [...source.where, ...query.filters.map((filter) => filterSql(query, source, filter, params))];
  if (query.since !== undefined) {
    if (query.what === "customers") {
      where.push("c.last_changed_at > (SELECT finished_at FROM merge_runs WHERE id = ?)");
    } else if (source.batchId) {
      where.push(`${source.batchId} > ?`);
    } else {
      throw new UsageError(`--since: ${query.what} are not kept per run`, "--since works for customers, records, rejects and findings");
    }
    params.push(query.since);
  }
  if (ranged) where.push(`${source.key} BETWEEN ? AND ?`);
  const sql = `SELECT ${select.join(", ")} FROM ${source.from}${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${source.order}`;
  return { sql, params };
}

/** A reader of the rows of one key range at a time (prepared once: one per thread). */
export function exportRangeReader(db: Db, query: ExportQuery): (range: KeyRange) => IterableIterator<unknown[]> {
  const { sql, params } = exportSql(query, true);
  if (query.what === "customers") defineFullProvenance(db);
  const statement = db.prepare(sql).raw();
  return (range) => statement.iterate(...params, range.from, range.to) as IterableIterator<unknown[]>;
}

/** The export's key cut into ranges of `size` keys, from the smallest to the largest in its table. */
export function exportKeyRanges(db: Db, what: ExportWhat, size: number): KeyRange[] {
  const { key, keyTable } = SOURCES[what];
  const column = key.slice(key.indexOf(".") + 1);
  const { first, last } = keyBounds(db, column, keyTable);
  const ranges: KeyRange[] = [];
  if (first !== null && last !== null)
    for (let from = first; from <= last; from += size) ranges.push({ from, to: Math.min(from + size - 1, last) });
  return ranges;
}

/** Two statements: SQLite answers min() or max() alone from the index, and scans the table for both at once. */
function keyBounds(db: Db, column: string, table: string): { first: number | null; last: number | null } {
  const first = db.prepare(`SELECT min(${column}) FROM ${table}`).pluck().get() as number | null;
  const last = db.prepare(`SELECT max(${column}) FROM ${table}`).pluck().get() as number | null;
  return { first, last };
}

/** How many rows the export's table has (all of them: what decides inline against worker threads). */
export function exportTableRows(db: Db, what: ExportWhat): number {
  const { key, keyTable } = SOURCES[what];
  const column = key.slice(key.indexOf(".") + 1);
  // max - min + 1 bounds the count and costs two index lookups, where count(*) reads the whole table
  const { first, last } = keyBounds(db, column, keyTable);
  return first === null || last === null ? 0 : last - first + 1;
}

/** Whether RUN names a merge run (customers) or a batch (the rest); the usage error says what exists. */
export function checkSinceRun(db: Db, what: ExportWhat, run: number): void {
  const customers = what === "customers";
  const table = customers ? "merge_runs" : "batches";
  const exists = db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(run) !== undefined;
  if (exists) return;
  const range = db.prepare(`SELECT min(id) AS first, max(id) AS last FROM ${table}`).get() as { first: number | null; last: number | null };
  const kind = customers ? "merge run" : "batch";
  const kinds = customers ? "merge runs" : "batches";
  throw new UsageError(
    `--since ${run}: no ${kind} ${run} in this store`,
    range.first === null
      ? `the store has no ${kinds} yet`
      : `${kinds} ${range.first} to ${range.last} exist (${customers ? "the merge_runs table" : "roster batches"} lists them)`,
  );
}

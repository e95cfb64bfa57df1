/**
 * The merge runs (merge_runs) and the writing of a merge plan: the plan applied in one transaction, with the
 * sums the next run compares (MergeState) kept in the run's counts. Killed half-way, the store keeps the previous
 * customers.
 */
import { StoreError } from "../errors.js";
import { CANONICAL_FIELDS, type CanonicalField } from "../fields/canonical.js";
import type { RecordValues } from "../model/record.js";
import type { CustomerUpdate, MergePlan, PlannedCustomer } from "../stages/merge/plan.js";
import { writeAudit } from "./audit.js";
import { insertFlatRows, insertRows } from "./insert-rows.js";
import type { StoredCustomers } from "./merge.js";
import type { Db } from "./open.js";
import { storedProvenanceJson } from "./provenance-json.js";
import { writeInTurn } from "./write-turns.js";

export interface StoredMergeRun {
  id: number;
  dedupeRunId: number;
  startedAt: string;
  finishedAt: string;
  /** JSON of the survivorship settings it used. */
  settings: string;
  /** What the store looked like when it committed (null: a run from before incremental merges). */
  state: MergeState | null;
}

/**
 * Sums that tell the next run what changed without reading the store: [count, sum of record ids] of the current
 * records and of the customer_records rows, and [count, sum of record ids, highest id] of the error findings.
 * Only merge adds customer_records rows and never deletes one, so another count means `batches rm` (or another
 * writer) took rows away.
 */
export interface MergeState {
  current: [number, number];
  assignments: [number, number];
  errors: [number, number, number];
}

export function latestMergeRun(db: Db): StoredMergeRun | undefined {
  const row = db
    .prepare(
      `SELECT id, dedupe_run_id AS dedupeRunId, started_at AS startedAt, finished_at AS finishedAt, settings, counts
       FROM merge_runs ORDER BY id DESC LIMIT 1`,
    )
    .get() as (Omit<StoredMergeRun, "state"> & { counts: string }) | undefined;
  if (row === undefined) return undefined;
  const { counts, ...run } = row;
  const state = (JSON.parse(counts) as { state?: MergeState }).state;
  return { ...run, state: state ?? null };
}

/** MergeState.errors now. */
export function errorFindingsNow(db: Db): MergeState["errors"] {
  return db
    .prepare("SELECT count(*), total(record_id), coalesce(max(id), 0) FROM findings WHERE severity = 'error'")
    .raw()
    .get() as MergeState["errors"];
}

/** The store's MergeState now (merge_runs keeps it with each run's counts). */
export function mergeStateNow(db: Db): MergeState {
  const pair = (sql: string) => db.prepare(sql).raw().get() as [number, number];
  return {
    current: pair("SELECT count(*), total(record_id) FROM dedupe_records"),
    assignments: pair("SELECT count(*), total(record_id) FROM customer_records"),
    errors: errorFindingsNow(db),
  };
}

function latestDedupeRunId(db: Db): number | null {
  return (db.prepare("SELECT max(id) FROM dedupe_runs").pluck().get() as number | null) ?? null;
}

/** What a merge run writes: the stage's plan and what the store needs around it. */
export interface MergeWrite {
  plan: MergePlan;
  /** The runs current when the plan was made: applying fails if another merge or dedupe finished since. */
  basedOn: { mergeRun: number | null; dedupeRun: number };
  carried: StoredCustomers["carried"];
  startedAt: string;
  /** JSON of the survivorship settings used. */
  settings: string;
  /** merge_runs.counts, and the audit line's details (ids and counts only: no personal data). */
  counts: Record<string, unknown>;
  auditArgs: string[];
}

const CUSTOMER_COLUMNS = ["id", ...CANONICAL_FIELDS, "provenance", "first_merged_at", "last_changed_at"];
/** Values per customers row in the flat chunks the writer takes. */
export const CUSTOMER_ROW_LENGTH = CUSTOMER_COLUMNS.length;
const UPDATE_CUSTOMER = `UPDATE customers SET ${CANONICAL_FIELDS.map((field) => `${field} = ?`).join(", ")},
  provenance = ?, last_changed_at = ? WHERE id = ?`;

/**
 * The stored provenance leaves out what the row's own values say (provenance-json.ts): a field has a value when
 * its column is not NULL, which is what the readers see.
 */
const valueIn = (values: RecordValues) => (field: CanonicalField) => values[field] !== null && values[field] !== undefined;

/** A new customer's row (CUSTOMER_COLUMNS order) appended to a flat chunk of rows: what MergePlanWriter takes. */
export function pushCustomerRow(rows: unknown[], customer: PlannedCustomer, now: string): void {
  rows.push(customer.customerId);
  for (const field of CANONICAL_FIELDS) rows.push(customer.values[field]);
  rows.push(storedProvenanceJson(customer.provenance, valueIn(customer.values)), now, now);
}

/** What is written after the new customers and the records' assignments: the rest of the plan and the run. */
export interface MergeFinish {
  update: readonly CustomerUpdate[];
  aliases: MergePlan["aliases"];
  retired: readonly number[];
  dedupeRun: number;
  startedAt: string;
  settings: string;
  counts: Record<string, unknown>;
  auditArgs: string[];
}

/**
 * The writes of one merge plan, in the order foreign keys need (every customer_records and customer_aliases row
 * names a customer row at every step): the new customers, then the records' customers (a chunk's new customers
 * before the records assigned to them; the carried records before the plan's moves, so that a carried record the
 * plan moves to another customer ends there), then `finish`. A customer whose id became an alias is deleted (its
 * records now belong to the survivor, and its old id resolves through customer_aliases); a retired one is kept,
 * marked retired_at, so its id is never given to another customer. The caller holds the transaction: the
 * main thread's applyMergePlan, or the writing thread (merge-writer.ts) that takes chunks while planning goes on.
 */
export class MergePlanWriter {
  constructor(
    private readonly db: Db,
    private readonly now: string,
  ) {}

  /** Refuses (nothing written) when another merge or dedupe run finished since the plan's input was read. */
  checkBasedOn(basedOn: MergeWrite["basedOn"]): void {
    if ((latestMergeRun(this.db)?.id ?? null) !== basedOn.mergeRun) {
      throw new StoreError("another merge run finished while this one was working: nothing was written", "run roster merge again");
    }
    if (latestDedupeRunId(this.db) !== basedOn.dedupeRun) {
      throw new StoreError("a dedupe run finished while merge was working: nothing was written", "run roster merge again");
    }
  }

  /** New customers: CUSTOMER_ROW_LENGTH values a row (pushCustomerRow). */
  insertCustomers(rows: readonly unknown[]): void {
    insertFlatRows(this.db, "INSERT INTO customers", CUSTOMER_COLUMNS, rows);
  }

  /**
   * recordIds[k] now belongs to customerIds[k]. Measured on the bench's first merge (1,000,000 rows): dropping
   * customer_records_by_customer and building it after costs as much as keeping it (customer ids come in
   * ascending order, so the index is appended to); the foreign-key look-ups are most of the 2.5 s.
   */
  assign(recordIds: ArrayLike<number>, customerIds: ArrayLike<number>): void {
    const pair: unknown[] = [0, 0]; // refilled: insertRows copies each row's values before asking for the next
    insertRows(this.db, "INSERT OR REPLACE INTO customer_records", ["record_id", "customer_id"], recordIds.length, (k) => {
      pair[0] = recordIds[k];
      pair[1] = customerIds[k];
      return pair;
    });
  }

  finish(rest: MergeFinish): number {
    const { db, now } = this;
    const update = db.prepare(UPDATE_CUSTOMER);
    for (const customer of rest.update) {
      const values = CANONICAL_FIELDS.map((field) => customer.values[field]);
      update.run(...values, storedProvenanceJson(customer.provenance, valueIn(customer.values)), now, customer.customerId);
    }
    const redirectAliases = db.prepare("UPDATE customer_aliases SET customer_id = ? WHERE customer_id = ?");
    const redirectRecords = db.prepare("UPDATE customer_records SET customer_id = ? WHERE customer_id = ?");
    const addAlias = db.prepare("INSERT INTO customer_aliases (alias_id, customer_id, created_at) VALUES (?, ?, ?)");
    const removeCustomer = db.prepare("DELETE FROM customers WHERE id = ?");
    for (const { from, to } of rest.aliases) {
      // Aliases of the customer that joins another resolve to the survivor in one step, and so do the rows of its
      // records' older versions.
      redirectAliases.run(to, from);
      redirectRecords.run(to, from);
      addAlias.run(from, to, now);
      removeCustomer.run(from);
    }
    const retire = db.prepare("UPDATE customers SET retired_at = ?, last_changed_at = ? WHERE id = ?");
    for (const id of rest.retired) retire.run(now, now, id);

    // The state after the writes, for the next run to compare with; kept with the counts (no personal data).
    const counts = JSON.stringify({ ...rest.counts, state: mergeStateNow(db) });
    const runId = Number(
      db
        .prepare("INSERT INTO merge_runs (dedupe_run_id, started_at, finished_at, settings, counts) VALUES (?, ?, ?, ?, ?)")
        .run(rest.dedupeRun, rest.startedAt, new Date().toISOString(), rest.settings, counts).lastInsertRowid,
    );
    writeAudit(db, "merge", rest.auditArgs, "ok", { merge_run: runId, dedupe_run: rest.dedupeRun, ...rest.counts });
    return runId;
  }
}

/** New customers per chunk handed to the writer: bounded memory, and the writing thread starts early. */
export const CUSTOMERS_PER_CHUNK = 5000;

/**
 * The connection's settings while a plan is written, restored by the returned function. A full merge writes a
 * million rows in one transaction: with SQLite's default 2 MB page cache the B-tree pages went out to the WAL and
 * came back over and over (inserting 823,707 customers: 17 s, 10 s with 64 MB). Each many-row INSERT keeps a
 * statement journal (to undo just that statement on a constraint failure): with temp_store = MEMORY it stays in
 * memory instead of a temporary file (the bench's first merge wrote 284,000 pages to /var/tmp and back).
 */
export function writeSettings(db: Db): () => void {
  const cacheSize = db.pragma("cache_size", { simple: true }) as number;
  const tempStore = db.pragma("temp_store", { simple: true }) as number;
  db.pragma(`cache_size = ${WRITE_CACHE_KIB}`);
  db.pragma("temp_store = MEMORY");
  return () => {
    db.pragma(`cache_size = ${cacheSize}`);
    db.pragma(`temp_store = ${tempStore}`);
  };
}

/** SQLite's cache_size while a plan is written: negative means KiB (64 MiB). */
const WRITE_CACHE_KIB = -65536;

/** Applies a whole merge plan in one transaction, on this thread. Killed half-way, the store keeps the previous customers. */
export function applyMergePlan(db: Db, write: MergeWrite): { runId: number } {
  const restore = writeSettings(db);
  try {
    return writeInTurn(db, () => {
      const now = new Date().toISOString();
      const writer = new MergePlanWriter(db, now);
      writer.checkBasedOn(write.basedOn);
      const { plan } = write;
      for (let k = 0; k < plan.create.length; k += CUSTOMERS_PER_CHUNK) {
        const rows: unknown[] = [];
        for (const customer of plan.create.slice(k, k + CUSTOMERS_PER_CHUNK)) pushCustomerRow(rows, customer, now);
        writer.insertCustomers(rows);
      }
      writer.assign(write.carried.recordIds, write.carried.customerIds);
      writer.assign(plan.moves.recordIds, plan.moves.customerIds);
      return { runId: writer.finish(finishOf(write)) };
    });
  } finally {
    restore();
  }
}

/** The part of a MergeWrite that `finish` writes. */
export function finishOf(write: MergeWrite): MergeFinish {
  const { plan } = write;
  return {
    update: plan.update,
    aliases: plan.aliases,
    retired: plan.retired,
    dedupeRun: write.basedOn.dedupeRun,
    startedAt: write.startedAt,
    settings: write.settings,
    counts: write.counts,
    auditArgs: write.auditArgs,
  };
}

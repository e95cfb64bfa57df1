/**
 * The merge runs (merge_runs) and the writing of a merge plan: the plan applied in one transaction, with the
 * sums the next run compares (MergeState) kept in the run's counts. Killed half-way, the store keeps the previous
 * customers.
 */
import { StoreError } from "../errors.js";
import { CANONICAL_FIELDS, type CanonicalField } from "../fields/canonical.js";
import type { RecordValues } from "../model/record.js";
import type { MergePlan } from "../stages/merge/plan.js";
import { writeAudit } from "./audit.js";
import { insertRows } from "./insert-rows.js";
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
const UPDATE_CUSTOMER = `UPDATE customers SET ${CANONICAL_FIELDS.map((field) => `${field} = ?`).join(", ")},
  provenance = ?, last_changed_at = ? WHERE id = ?`;

/**
 * Applies a merge plan in one transaction. New customers first and retirements last, so that every
 * customer_records and customer_aliases row names a customer row at every step (foreign keys are on). A customer
 * whose id became an alias is deleted (its records now belong to the survivor, and its old id resolves through
 * customer_aliases); a retired one is kept, marked retired_at, so its id is never given to another customer.
 */
export function applyMergePlan(db: Db, write: MergeWrite): { runId: number } {
  // A full merge writes a million rows in one transaction: with SQLite's default 2 MB page cache the B-tree pages
  // went out to the WAL and came back over and over (inserting 823,707 customers: 17 s, 10 s with 64 MB).
  const cacheSize = db.pragma("cache_size", { simple: true }) as number;
  db.pragma(`cache_size = ${WRITE_CACHE_KIB}`);
  try {
    return applyInTurn(db, write);
  } finally {
    db.pragma(`cache_size = ${cacheSize}`);
  }
}

/** SQLite's cache_size while a plan is written: negative means KiB (64 MiB). */
const WRITE_CACHE_KIB = -65536;

function applyInTurn(db: Db, write: MergeWrite): { runId: number } {
  return writeInTurn(db, () => {
    const lastMerge = latestMergeRun(db)?.id ?? null;
    if (lastMerge !== write.basedOn.mergeRun) {
      throw new StoreError("another merge run finished while this one was working: nothing was written", "run roster merge again");
    }
    if (latestDedupeRunId(db) !== write.basedOn.dedupeRun) {
      throw new StoreError("a dedupe run finished while merge was working: nothing was written", "run roster merge again");
    }
    const { plan } = write;
    const now = new Date().toISOString();
    // One row array, refilled: insertRows copies each row's values before asking for the next.
    const row: unknown[] = new Array(CUSTOMER_COLUMNS.length);
    const fieldCount = CANONICAL_FIELDS.length;
    // The stored provenance leaves out what the row's own values say (provenance-json.ts): a field has a value
    // when its column is not NULL, which is what the readers see.
    const valueIn = (values: RecordValues) => (field: CanonicalField) => values[field] !== null && values[field] !== undefined;
    insertRows(db, "INSERT INTO customers", CUSTOMER_COLUMNS, plan.create.length, (k) => {
      const customer = plan.create[k]!;
      row[0] = customer.customerId;
      for (let f = 0; f < fieldCount; f++) row[1 + f] = customer.values[CANONICAL_FIELDS[f]!];
      row[1 + fieldCount] = storedProvenanceJson(customer.provenance, valueIn(customer.values));
      row[2 + fieldCount] = now;
      row[3 + fieldCount] = now;
      return row;
    });
    const update = db.prepare(UPDATE_CUSTOMER);
    for (const customer of plan.update) {
      const values = CANONICAL_FIELDS.map((field) => customer.values[field]);
      update.run(...values, storedProvenanceJson(customer.provenance, valueIn(customer.values)), now, customer.customerId);
    }

    // Carried first, moves after: a carried record the plan moves to another customer ends there. One pair array,
    // refilled (a million of them on a first merge). Measured on the bench's first merge (1,000,000 rows): dropping
    // customer_records_by_customer and building it after costs as much as keeping it (customer ids come in
    // ascending order, so the index is appended to); the foreign-key look-ups are most of the 2.5 s.
    const pair: unknown[] = [0, 0];
    const assign = (recordIds: readonly number[], customerIds: readonly number[]) =>
      insertRows(db, "INSERT OR REPLACE INTO customer_records", ["record_id", "customer_id"], recordIds.length, (k) => {
        pair[0] = recordIds[k];
        pair[1] = customerIds[k];
        return pair;
      });
    assign(write.carried.recordIds, write.carried.customerIds);
    assign(plan.moves.recordIds, plan.moves.customerIds);

    const redirectAliases = db.prepare("UPDATE customer_aliases SET customer_id = ? WHERE customer_id = ?");
    const redirectRecords = db.prepare("UPDATE customer_records SET customer_id = ? WHERE customer_id = ?");
    const addAlias = db.prepare("INSERT INTO customer_aliases (alias_id, customer_id, created_at) VALUES (?, ?, ?)");
    const removeCustomer = db.prepare("DELETE FROM customers WHERE id = ?");
    for (const { from, to } of plan.aliases) {
      // Aliases of the customer that joins another resolve to the survivor in one step, and so do the rows of its
      // records' older versions.
      redirectAliases.run(to, from);
      redirectRecords.run(to, from);
      addAlias.run(from, to, now);
      removeCustomer.run(from);
    }
    const retire = db.prepare("UPDATE customers SET retired_at = ?, last_changed_at = ? WHERE id = ?");
    for (const id of plan.retired) retire.run(now, now, id);

    // The state after the writes, for the next run to compare with; kept with the counts (no personal data).
    const counts = JSON.stringify({ ...write.counts, state: mergeStateNow(db) });
    const runId = Number(
      db
        .prepare("INSERT INTO merge_runs (dedupe_run_id, started_at, finished_at, settings, counts) VALUES (?, ?, ?, ?, ?)")
        .run(write.basedOn.dedupeRun, write.startedAt, new Date().toISOString(), write.settings, counts).lastInsertRowid,
    );
    writeAudit(db, "merge", write.auditArgs, "ok", { merge_run: runId, dedupe_run: write.basedOn.dedupeRun, ...write.counts });
    return { runId };
  });
}

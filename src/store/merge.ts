/**
 * What merge reads from the store and the plan it writes back (DESIGN.md §4, `customers`): every current record
 * of dedupe's clusters as the stage's MergeRecord, the customers of the last merge with their records, and the
 * ids no new customer may take. The plan is applied in one transaction: killed half-way, the store keeps the
 * previous customers.
 *
 * A record's customer is in customer_records, one narrow row per record version merge assigned: rows of versions
 * no longer current are kept, so that a version current again (`batches rm` of the batch that superseded it) finds
 * its customer. A record re-imported with other values is a new version with a new id and no row yet: it takes
 * the customer of its latest older version that has one (found by source and record key, which also finds the
 * rows of a batch a re-read replaced).
 */
import { StoreError } from "../errors.js";
import { CANONICAL_FIELDS } from "../fields/canonical.js";
import { emptyValues, type RecordValues } from "../model/record.js";
import type { MergePlan, PreviousCustomer } from "../stages/merge/plan.js";
import type { MergeRecord, Provenance } from "../stages/merge/types.js";
import { writeAudit } from "./audit.js";
import { insertRows } from "./insert-rows.js";
import type { Db } from "./open.js";
import { writeInTurn } from "./write-turns.js";

const FIELD_COLUMNS = CANONICAL_FIELDS.map((field) => `c.${field}`).join(", ");
/** Shared by every record without an error finding (most of them). */
const NO_ERRORS: readonly string[] = Object.freeze([]);

export interface MergeRecordsRead {
  /** Cluster id → its current records, in id order. */
  clusters: Map<number, MergeRecord[]>;
  /** Current record ids, ascending. */
  recordIds: number[];
  /** Current records dedupe has not clustered: imported (or current again) since its last run. */
  notClustered: number;
  /** Current records normalize rewrote after the last dedupe run read them. */
  changedSinceDedupe: number;
  /** Source names of the current records. */
  sources: Set<string>;
}

/** Fields with an error finding (validate or normalize), by record id. */
function errorFieldsByRecord(db: Db): Map<number, string[]> {
  const byRecord = new Map<number, string[]>();
  const rows = db.prepare("SELECT record_id, field FROM findings WHERE severity = 'error'").raw().iterate() as Iterable<[number, string]>;
  for (const [id, field] of rows) {
    const fields = byRecord.get(id);
    if (fields === undefined) byRecord.set(id, [field]);
    else if (!fields.includes(field)) fields.push(field);
  }
  return byRecord;
}

/**
 * Every current record, grouped by its cluster. `dedupeReadAt` is when the last dedupe run read the records: a
 * record normalize rewrote after it is counted in `changedSinceDedupe` (its cluster may no longer hold it).
 */
export function readMergeRecords(db: Db, dedupeReadAt: string): MergeRecordsRead {
  // One string per batch, shared by its records.
  const importedAt = new Map<number, string>();
  for (const [id, at] of db.prepare("SELECT id, imported_at FROM batches").raw().iterate() as Iterable<[number, string]>) {
    importedAt.set(id, at);
  }
  const errors = errorFieldsByRecord(db);
  const read: MergeRecordsRead = { clusters: new Map(), recordIds: [], notClustered: 0, changedSinceDedupe: 0, sources: new Set() };
  const rows = db
    .prepare(`SELECT c.id, c.source, c.batch_id, c.cluster_id, c.normalized_at, ${FIELD_COLUMNS} FROM current_records c ORDER BY c.id`)
    .raw()
    .iterate() as Iterable<unknown[]>;
  const fieldCount = CANONICAL_FIELDS.length;
  for (const row of rows) {
    const id = row[0] as number;
    const source = row[1] as string;
    const clusterId = row[3] as number | null;
    const normalizedAt = row[4] as string | null;
    read.recordIds.push(id);
    read.sources.add(source);
    if (normalizedAt !== null && normalizedAt > dedupeReadAt) read.changedSinceDedupe++;
    if (clusterId === null) {
      read.notClustered++;
      continue;
    }
    const values = emptyValues();
    for (let f = 0; f < fieldCount; f++) values[CANONICAL_FIELDS[f]!] = row[5 + f] as string | null;
    const record: MergeRecord = {
      id,
      source,
      batchImportedAt: importedAt.get(row[2] as number) ?? "",
      values,
      errorFields: errors.get(id) ?? NO_ERRORS,
    };
    const members = read.clusters.get(clusterId);
    if (members === undefined) read.clusters.set(clusterId, [record]);
    else members.push(record);
  }
  return read;
}

/** Records whose dedupe cluster `batches rm` left to be rebuilt (their fingerprint is -1). */
export function clustersToRebuild(db: Db): number {
  return db.prepare("SELECT count(*) FROM dedupe_records WHERE fingerprint = -1").pluck().get() as number;
}

export interface StoredCustomers {
  /** The customers that are not retired, with their current records. */
  customers: PreviousCustomer[];
  /** Ids no new customer may take: aliases and retired customers. */
  reservedIds: Set<number>;
  /** Current records that take their customer from an older version of themselves: written with the plan. */
  carried: { recordIds: number[]; customerIds: number[] };
  /** Current records that belong to a customer (directly or carried). */
  owned: ReadonlySet<number>;
}

function customerValues(row: unknown[]): RecordValues {
  const values = emptyValues();
  for (let f = 0; f < CANONICAL_FIELDS.length; f++) values[CANONICAL_FIELDS[f]!] = row[1 + f] as string | null;
  return values;
}

/** The customers of the last merge, with the current records (`currentIds`, ascending) that belong to them. */
export function readStoredCustomers(db: Db, currentIds: readonly number[]): StoredCustomers {
  const currentSet = new Set(currentIds);
  const current = (id: number) => currentSet.has(id);
  const customers: PreviousCustomer[] = [];
  const live = new Map<number, PreviousCustomer>();
  const rows = db
    .prepare(`SELECT c.id, ${FIELD_COLUMNS}, c.provenance FROM customers c WHERE c.retired_at IS NULL ORDER BY c.id`)
    .raw()
    .iterate() as Iterable<unknown[]>;
  for (const row of rows) {
    const customer: PreviousCustomer = {
      customerId: row[0] as number,
      recordIds: [],
      values: customerValues(row),
      provenance: JSON.parse(row[1 + CANONICAL_FIELDS.length] as string) as Provenance,
    };
    customers.push(customer);
    live.set(customer.customerId, customer);
  }
  const reservedIds = new Set<number>(
    db
      .prepare("SELECT alias_id FROM customer_aliases UNION ALL SELECT id FROM customers WHERE retired_at IS NOT NULL")
      .pluck()
      .all() as number[],
  );

  const owned = new Set<number>();
  let assignedRows = 0;
  for (const [recordId, customerId] of db.prepare("SELECT record_id, customer_id FROM customer_records").raw().iterate() as Iterable<
    [number, number]
  >) {
    assignedRows++;
    if (!current(recordId)) continue; // an older version's row: history, and found below when a newer one needs it
    // A version of a retired customer's record current again (batches rm) counts as a record without customer.
    const customer = live.get(customerId);
    if (customer === undefined) continue;
    owned.add(recordId);
    (customer.recordIds as number[]).push(recordId);
  }

  // Only current records without a row of their own are looked up (new records, and new versions of old ones):
  // after a merge every current record has one, so a nightly run looks up what the night imported.
  const carried: StoredCustomers["carried"] = { recordIds: [], customerIds: [] };
  if (assignedRows > 0) {
    const olderVersion = db
      .prepare(
        `SELECT cr.customer_id FROM records n JOIN records o ON o.source = n.source AND o.record_key = n.record_key AND o.id <> n.id
           JOIN customer_records cr ON cr.record_id = o.id
         WHERE n.id = ? ORDER BY o.id DESC LIMIT 1`,
      )
      .pluck();
    for (const recordId of currentIds) {
      if (owned.has(recordId)) continue;
      const customer = live.get(olderVersion.get(recordId) as number);
      if (customer === undefined) continue;
      owned.add(recordId);
      (customer.recordIds as number[]).push(recordId);
      carried.recordIds.push(recordId);
      carried.customerIds.push(customer.customerId);
    }
  }
  return { customers, reservedIds, carried, owned };
}

export interface StoredMergeRun {
  id: number;
  dedupeRunId: number;
  finishedAt: string;
}

export function latestMergeRun(db: Db): StoredMergeRun | undefined {
  return db.prepare("SELECT id, dedupe_run_id AS dedupeRunId, finished_at AS finishedAt FROM merge_runs ORDER BY id DESC LIMIT 1").get() as
    | StoredMergeRun
    | undefined;
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
    insertRows(db, "INSERT INTO customers", CUSTOMER_COLUMNS, plan.create.length, (k) => {
      const customer = plan.create[k]!;
      return [
        customer.customerId,
        ...CANONICAL_FIELDS.map((field) => customer.values[field]),
        JSON.stringify(customer.provenance),
        now,
        now,
      ];
    });
    const update = db.prepare(UPDATE_CUSTOMER);
    for (const customer of plan.update) {
      update.run(...CANONICAL_FIELDS.map((field) => customer.values[field]), JSON.stringify(customer.provenance), now, customer.customerId);
    }

    // Carried first, moves after: a carried record the plan moves to another customer ends there.
    const { carried } = write;
    insertRows(db, "INSERT OR REPLACE INTO customer_records", ["record_id", "customer_id"], carried.recordIds.length, (k) => [
      carried.recordIds[k],
      carried.customerIds[k],
    ]);
    const { moves } = plan;
    insertRows(db, "INSERT OR REPLACE INTO customer_records", ["record_id", "customer_id"], moves.recordIds.length, (k) => [
      moves.recordIds[k],
      moves.customerIds[k],
    ]);

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

    const runId = Number(
      db
        .prepare("INSERT INTO merge_runs (dedupe_run_id, started_at, finished_at, settings, counts) VALUES (?, ?, ?, ?, ?)")
        .run(write.basedOn.dedupeRun, write.startedAt, new Date().toISOString(), write.settings, JSON.stringify(write.counts))
        .lastInsertRowid,
    );
    writeAudit(db, "merge", write.auditArgs, "ok", { merge_run: runId, dedupe_run: write.basedOn.dedupeRun, ...write.counts });
    return { runId };
  });
}

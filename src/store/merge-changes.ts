/**
 * What an incremental merge reads instead of the whole store: which records and customers changed since the
 * last merge run, found from the narrow tables (dedupe_records, customer_records, record_keys) and the sums the
 * last run kept (MergeState), then the records and customers of the part to re-plan (stages/merge/changed-part.ts)
 * and nothing else. Whatever it cannot trace exactly (other settings, other error findings, customer rows
 * removed) it reports as a reason to plan the whole store instead: an incremental run gives exactly the customers
 * a full run gives, or is not made.
 */
import { type Assignments, changedPart } from "../stages/merge/changed-part.js";
import type { PreviousCustomer } from "../stages/merge/plan.js";
import { fillWantedIds, readIndexClusters } from "./dedupe-index.js";
import {
  carriedCustomers,
  errorFindingsNow,
  type MergeRecordsRead,
  type MergeState,
  readLiveCustomersById,
  readMergeRecordsById,
  type StoredCustomers,
  type StoredMergeRun,
} from "./merge.js";
import type { Db } from "./open.js";

export interface ChangedPartRead {
  read: MergeRecordsRead;
  stored: StoredCustomers;
  /** Every current record (the part's and the rest). */
  records: number;
  /** Customers outside the part: unchanged, not read. */
  untouched: number;
  /** Current records normalize rewrote after the last dedupe run read them. */
  changedSinceDedupe: number;
}

/** Why a run plans the whole store, or the part it re-plans. */
export type ChangesRead = { full: string } | { part: ChangedPartRead };

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Current records dedupe has not clustered, for a store whose dedupe index is the latest run's (so no batch was
 * removed since: only batches completed since that run began can hold them).
 */
export function notClusteredSince(db: Db, dedupeStartedAt: string): number {
  return db
    .prepare(
      `SELECT count(*) FROM batches b CROSS JOIN records r ON r.id >= b.first_record_id AND +r.batch_id = b.id
         LEFT JOIN dedupe_records d ON d.record_id = r.id
       WHERE b.status = 'complete' AND b.finished_at >= ? AND b.first_record_id IS NOT NULL
         AND r.superseded_by IS NULL AND d.record_id IS NULL`,
    )
    .pluck()
    .get(dedupeStartedAt) as number;
}

interface AssignmentsRead {
  recordIds: Float64Array;
  clusterIds: Float64Array;
  /** Per record: its own customer_records row's customer, or -1. */
  customerIds: number[];
  /** [count, sum of record ids] of every customer_records row (MergeState.assignments). */
  rows: [number, number];
}

/**
 * Every current record with its cluster and its own customer row. The records and clusters come from the index
 * the latest dedupe run left (dedupe_index: record ids and cluster ids in id order, the same as
 * dedupe_records then; no batch was removed since, or the index would be gone), which reads in milliseconds where
 * joining dedupe_records to customer_records took seconds; customer_records is read in one query beside it.
 */
function readAssignments(db: Db, dedupeRunId: number): AssignmentsRead | undefined {
  const indexed = readIndexClusters(db, dedupeRunId);
  if (indexed === undefined) return undefined;
  const { recordIds, clusterIds } = indexed;
  const customerIds = new Array<number>(recordIds.length).fill(-1);
  // customer_records as two JSON arrays built by SQLite (pairs in the same order): a tenth of the time of a
  // million rows handed to JavaScript one by one.
  const [recordsJson, customersJson] = db
    .prepare("SELECT json_group_array(record_id), json_group_array(customer_id) FROM customer_records")
    .raw()
    .get() as [string, string];
  const rowRecords = JSON.parse(recordsJson) as number[];
  const rowCustomers = JSON.parse(customersJson) as number[];
  const count = rowRecords.length;
  let sum = 0;
  let ascending = true;
  for (let k = 0; k < count; k++) {
    sum += rowRecords[k]!;
    if (k > 0 && rowRecords[k]! <= rowRecords[k - 1]!) ascending = false;
  }
  if (ascending) {
    // Both in record id order (the table's rowid order, as a scan gives it): a merge join.
    let r = 0;
    for (let k = 0; k < count; k++) {
      const recordId = rowRecords[k]!;
      while (r < recordIds.length && recordIds[r]! < recordId) r++;
      if (r < recordIds.length && recordIds[r] === recordId) customerIds[r] = rowCustomers[k]!;
    }
  } else {
    for (let k = 0; k < count; k++) {
      const r = positionOf(recordIds, rowRecords[k]!);
      if (r >= 0) customerIds[r] = rowCustomers[k]!;
    }
  }
  return { recordIds, clusterIds, customerIds, rows: [count, sum] };
}

/** Index of `id` in the ascending `ids`, or -1. */
function positionOf(ids: Float64Array, id: number): number {
  let low = 0;
  let high = ids.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const value = ids[mid]!;
    if (value === id) return mid;
    if (value < id) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

/**
 * Rows (record, customer) of records that stopped being current because of these new records: the versions they
 * superseded, and the records of the batches their batches replaced (a re-read that dropped a row).
 */
function departedWith(db: Db, newIds: readonly number[]): { recordIds: number[]; customerIds: number[] } {
  const out = { recordIds: [] as number[], customerIds: [] as number[] };
  fillWantedIds(db, newIds);
  const rows = db
    .prepare(
      `SELECT cr.record_id, cr.customer_id FROM temp.wanted_ids w CROSS JOIN records o ON o.superseded_by = w.id
         CROSS JOIN customer_records cr ON cr.record_id = o.id
       UNION
       SELECT cr.record_id, cr.customer_id FROM batches old CROSS JOIN records o ON o.id >= old.first_record_id AND +o.batch_id = old.id
         CROSS JOIN customer_records cr ON cr.record_id = o.id
       WHERE old.status <> 'complete' AND old.first_record_id IS NOT NULL AND old.replaced_by IN
         (SELECT DISTINCT r.batch_id FROM temp.wanted_ids w CROSS JOIN records r ON r.id = w.id)`,
    )
    .raw()
    .iterate() as Iterable<[number, number]>;
  for (const [recordId, customerId] of rows) {
    out.recordIds.push(recordId);
    out.customerIds.push(customerId);
  }
  return out;
}

/** The ids a new customer of this part may not take (plan.ts's reservedIds, as far as the part can ask). */
function reservedFor(db: Db, read: MergeRecordsRead): Set<number> {
  const smallest: number[] = [];
  for (const records of read.clusters.values()) smallest.push(Math.min(...records.map((r) => r.id)));
  fillWantedIds(db, smallest);
  // plan.ts asks the reserved ids two things: whether a cluster's smallest record id names (or named) a customer,
  // and the highest id in use. These are those answers, for every cluster of the part.
  const taken = db
    .prepare(
      `SELECT w.id FROM temp.wanted_ids w WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = w.id)
         OR EXISTS (SELECT 1 FROM customer_aliases a WHERE a.alias_id = w.id)`,
    )
    .pluck()
    .all() as number[];
  const highest = db
    .prepare("SELECT max(coalesce((SELECT max(id) FROM customers), 0), coalesce((SELECT max(alias_id) FROM customer_aliases), 0))")
    .pluck()
    .get() as number;
  const reserved = new Set(taken);
  if (highest > 0) reserved.add(highest);
  return reserved;
}

/**
 * What changed since `last` (a merge run that kept its MergeState), and the part to re-plan. `dedupe` is the
 * latest dedupe run, whose index is in place.
 */
export function readChanges(db: Db, last: StoredMergeRun, settings: string, dedupe: { id: number; readAt: string }): ChangesRead {
  const before: MergeState | null = last.state;
  if (before === null) return { full: "the last merge run kept no record of the store (made by an older roster)" };
  if (last.settings !== settings) return { full: "the survivorship settings changed since the last merge" };
  if (!same(errorFindingsNow(db), before.errors)) {
    return { full: "error findings changed since the last merge (validate or normalize ran again)" };
  }
  const assignments = readAssignments(db, dedupe.id);
  if (assignments === undefined) return { full: "dedupe's index is not the latest run's" };
  if (!same(assignments.rows, before.assignments)) return { full: "customer records were removed since the last merge (batches rm)" };

  const newIds: number[] = [];
  let ownCount = 0;
  let ownSum = 0;
  assignments.customerIds.forEach((customerId, r) => {
    if (customerId < 0) newIds.push(assignments.recordIds[r]!);
    else {
      ownCount++;
      ownSum += assignments.recordIds[r]!;
    }
  });

  // New versions take their older version's customer, as on a full run; a retired one counts as none.
  const carriedTo = carriedCustomers(db, newIds, () => true);
  const candidates = [...new Set(carriedTo.filter((id) => id >= 0))];
  const live = new Set(readLiveCustomersById(db, candidates).map((c) => c.customerId));
  const carried: StoredCustomers["carried"] = { recordIds: [], customerIds: [] };
  newIds.forEach((recordId, k) => {
    const customerId = carriedTo[k]!;
    if (customerId < 0 || !live.has(customerId)) return;
    carried.recordIds.push(recordId);
    carried.customerIds.push(customerId);
    assignments.customerIds[positionOf(assignments.recordIds, recordId)] = customerId;
  });

  // Records current at the last merge and not now: all of them must be traced to the new records, or the run
  // cannot tell which customers lost a record.
  const departed = departedWith(db, newIds);
  const departedSum = departed.recordIds.reduce((sum, id) => sum + id, 0);
  if (before.current[0] - ownCount !== departed.recordIds.length || before.current[1] - ownSum !== departedSum) {
    return { full: "records left the store in a way merge cannot trace (a batch removed or replaced)" };
  }

  // One pass over the keys for both questions: normalized since the last merge began (re-planned), and since the
  // last dedupe run read the records (counted: its clusters may no longer hold them).
  const since = [last.startedAt, dedupe.readAt].sort()[0]!; // ISO times: the earlier sorts first
  const normalized: number[] = [];
  let changedSinceDedupe = 0;
  for (const [recordId, at] of db
    .prepare("SELECT record_id, normalized_at FROM record_keys WHERE normalized_at >= ?")
    .raw()
    .iterate(since) as Iterable<[number, string]>) {
    if (positionOf(assignments.recordIds, recordId) < 0) continue; // not current
    if (at >= last.startedAt) normalized.push(recordId);
    if (at > dedupe.readAt) changedSinceDedupe++;
  }
  const part = changedPart(assignments as Assignments, { recordIds: normalized, customerIds: departed.customerIds });

  const read = readMergeRecordsById(db, part.recordIds);
  const customers: PreviousCustomer[] = readLiveCustomersById(db, part.customerIds);
  if (customers.length !== part.customerIds.length) return { full: "a customer of the last merge is missing or retired" };
  const byId = new Map(customers.map((c) => [c.customerId, c]));
  const owned = new Set<number>();
  for (const recordId of part.recordIds) {
    const customer = byId.get(assignments.customerIds[positionOf(assignments.recordIds, recordId)]!);
    if (customer === undefined) continue;
    (customer.recordIds as number[]).push(recordId);
    owned.add(recordId);
  }
  return {
    part: {
      read,
      stored: { customers, reservedIds: reservedFor(db, read), carried, owned },
      records: assignments.recordIds.length,
      untouched: part.untouched,
      changedSinceDedupe,
    },
  };
}

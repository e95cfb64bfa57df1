/**
 * What merge reads from the store (DESIGN.md §4, `customers`): every current record of dedupe's clusters as the
 * stage's MergeRecord, the customers of the last merge with their records, and the ids no new customer may take.
 * An incremental run reads only part of it, through merge-changes.ts; the plan is written by merge-write.ts.
 *
 * A record's customer is in customer_records, one narrow row per record version merge assigned: rows of versions
 * no longer current are kept, so that a version current again (`batches rm` of the batch that superseded it) finds
 * its customer. A record re-imported with other values is a new version with a new id and no row yet: it takes
 * the customer of its latest older version that has one (found by source and record key, which also finds the
 * rows of a batch a re-read replaced).
 */
import { CANONICAL_FIELDS } from "../fields/canonical.js";
import type { RecordValues } from "../model/record.js";
import type { PreviousCustomer } from "../stages/merge/plan.js";
import type { MergeRecord } from "../stages/merge/types.js";
import { batchRecordTimes } from "./batch-times.js";
import { fillWantedIds } from "./dedupe-index.js";
import type { Db } from "./open.js";
import { readStoredProvenance } from "./provenance-json.js";

const FIELD_COLUMNS = CANONICAL_FIELDS.map((field) => `c.${field}`).join(", ");
/** Shared by every record without an error finding (most of them). */
const NO_ERRORS: readonly string[] = Object.freeze([]);

/**
 * The current records (the current_records view's rule: a complete batch, not superseded) with their cluster,
 * read from records and dedupe_records alone: the view also joins the keys and the customers, which doubled the
 * time of reading a million records.
 */
const CURRENT_WITH_CLUSTER = `SELECT c.id, c.source, c.batch_id, d.cluster_id, ${FIELD_COLUMNS}
  FROM records c JOIN batches b ON b.id = c.batch_id LEFT JOIN dedupe_records d ON d.record_id = c.id
  WHERE b.status = 'complete' AND c.superseded_by IS NULL`;
/** Where the canonical fields start in a row of CURRENT_WITH_CLUSTER. */
const FIELDS_AT = 4;

export interface MergeRecordsRead {
  /** Cluster id → its current records, in id order. */
  clusters: Map<number, MergeRecord[]>;
  /** Current record ids, ascending. */
  recordIds: number[];
  /** Current records dedupe has not clustered: imported (or current again) since its last run. */
  notClustered: number;
}

/** Fields with an error finding (validate or normalize), by record id; only these records' when `ids` is given. */
function errorFieldsByRecord(db: Db, ids?: "wanted"): Map<number, string[]> {
  const byRecord = new Map<number, string[]>();
  const sql =
    ids === "wanted"
      ? "SELECT f.record_id, f.field FROM temp.wanted_ids w CROSS JOIN findings f ON f.record_id = w.id WHERE f.severity = 'error'"
      : "SELECT record_id, field FROM findings WHERE severity = 'error'";
  for (const [id, field] of db.prepare(sql).raw().iterate() as Iterable<[number, string]>) {
    const fields = byRecord.get(id);
    if (fields === undefined) byRecord.set(id, [field]);
    else if (!fields.includes(field)) fields.push(field);
  }
  return byRecord;
}

/** Written out, one object shape for every record: a loop over the field names was a tenth of reading. */
function valuesAt(row: unknown[], at: number): RecordValues {
  return {
    source_id: row[at] as string | null,
    given_name: row[at + 1] as string | null,
    family_name: row[at + 2] as string | null,
    full_name: row[at + 3] as string | null,
    email: row[at + 4] as string | null,
    phone: row[at + 5] as string | null,
    birth_date: row[at + 6] as string | null,
    company: row[at + 7] as string | null,
    address_line1: row[at + 8] as string | null,
    address_line2: row[at + 9] as string | null,
    city: row[at + 10] as string | null,
    region: row[at + 11] as string | null,
    postal_code: row[at + 12] as string | null,
    country: row[at + 13] as string | null,
    national_id: row[at + 14] as string | null,
    marketing_consent: row[at + 15] as string | null,
    created_at: row[at + 16] as string | null,
    updated_at: row[at + 17] as string | null,
  };
}

/** One string per batch, shared by its records: the time of its import command (batch-times.ts). */
const batchTimes = batchRecordTimes;

function readInto(read: MergeRecordsRead, rows: Iterable<unknown[]>, importedAt: Map<number, string>, errors: Map<number, string[]>): void {
  for (const row of rows) {
    const id = row[0] as number;
    const clusterId = row[3] as number | null;
    read.recordIds.push(id);
    if (clusterId === null) {
      read.notClustered++;
      continue;
    }
    const record: MergeRecord = {
      id,
      source: row[1] as string,
      batchImportedAt: importedAt.get(row[2] as number) ?? "",
      values: valuesAt(row, FIELDS_AT),
      errorFields: errors.get(id) ?? NO_ERRORS,
    };
    const members = read.clusters.get(clusterId);
    if (members === undefined) read.clusters.set(clusterId, [record]);
    else members.push(record);
  }
}

/** Every current record, grouped by its cluster. */
export function readMergeRecords(db: Db): MergeRecordsRead {
  const read: MergeRecordsRead = { clusters: new Map(), recordIds: [], notClustered: 0 };
  const rows = db.prepare(`${CURRENT_WITH_CLUSTER} ORDER BY c.id`).raw().iterate() as Iterable<unknown[]>;
  readInto(read, rows, batchTimes(db), errorFieldsByRecord(db));
  return read;
}

/** The current records among `ids` (ascending, all clustered: an incremental run checked), grouped by cluster. */
export function readMergeRecordsById(db: Db, ids: readonly number[]): MergeRecordsRead {
  fillWantedIds(db, ids);
  const read: MergeRecordsRead = { clusters: new Map(), recordIds: [], notClustered: 0 };
  const rows = db
    .prepare(
      CURRENT_WITH_CLUSTER.replace("FROM records c", "FROM temp.wanted_ids w CROSS JOIN records c ON c.id = w.id").concat(" ORDER BY w.id"),
    )
    .raw()
    .iterate() as Iterable<unknown[]>;
  readInto(read, rows, batchTimes(db), errorFieldsByRecord(db, "wanted"));
  return read;
}

/**
 * Current records normalize rewrote after `dedupeReadAt` (when the last dedupe run read the records): their
 * cluster may no longer hold them. From the narrow keys table, each checked against the current records.
 */
export function changedSinceDedupe(db: Db, dedupeReadAt: string): number {
  return db
    .prepare(
      `SELECT count(*) FROM record_keys k CROSS JOIN records c ON c.id = k.record_id JOIN batches b ON b.id = c.batch_id
       WHERE k.normalized_at > ? AND b.status = 'complete' AND c.superseded_by IS NULL`,
    )
    .pluck()
    .get(dedupeReadAt) as number;
}

/** Of these sources, those no current record has (found through records_by_key, one look-up each). */
export function sourcesWithoutRecords(db: Db, sources: readonly string[]): string[] {
  const has = db
    .prepare(
      `SELECT 1 FROM records c JOIN batches b ON b.id = c.batch_id
       WHERE c.source = ? AND b.status = 'complete' AND c.superseded_by IS NULL LIMIT 1`,
    )
    .pluck();
  return sources.filter((source) => has.get(source) === undefined);
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

const CUSTOMER_SELECT = `SELECT c.id, ${FIELD_COLUMNS}, c.provenance FROM customers c`;

function customerFrom(row: unknown[]): PreviousCustomer {
  const values = valuesAt(row, 1);
  return {
    customerId: row[0] as number,
    recordIds: [],
    values,
    // Either stored form, expanded: golden equality compares the full map.
    provenance: readStoredProvenance(row[1 + CANONICAL_FIELDS.length] as string, (field) => values[field] !== null),
  };
}

/** These customers (ids in temp.wanted_ids) as stored, without their records; retired ones are left out. */
export function readLiveCustomersById(db: Db, ids: readonly number[]): PreviousCustomer[] {
  fillWantedIds(db, ids);
  const rows = db
    .prepare(
      `${CUSTOMER_SELECT.replace("FROM customers c", "FROM temp.wanted_ids w CROSS JOIN customers c ON c.id = w.id")} WHERE c.retired_at IS NULL ORDER BY w.id`,
    )
    .raw()
    .iterate() as Iterable<unknown[]>;
  const customers: PreviousCustomer[] = [];
  for (const row of rows) customers.push(customerFrom(row));
  return customers;
}

/**
 * For each of these records (ids with no customer_records row of their own: new records, and new versions of
 * old ones), the customer of its latest older version that has one, if that customer is not retired; -1 else.
 */
export function carriedCustomers(db: Db, recordIds: readonly number[], isLive: (customerId: number) => boolean): number[] {
  const olderVersion = db
    .prepare(
      `SELECT cr.customer_id FROM records n JOIN records o ON o.source = n.source AND o.record_key = n.record_key AND o.id <> n.id
         JOIN customer_records cr ON cr.record_id = o.id
       WHERE n.id = ? ORDER BY o.id DESC LIMIT 1`,
    )
    .pluck();
  return recordIds.map((recordId) => {
    const customerId = olderVersion.get(recordId) as number | undefined;
    return customerId !== undefined && isLive(customerId) ? customerId : -1;
  });
}

/** The customers of the last merge, with the current records (`currentIds`, ascending) that belong to them. */
export function readStoredCustomers(db: Db, currentIds: readonly number[]): StoredCustomers {
  const currentSet = new Set(currentIds);
  const current = (id: number) => currentSet.has(id);
  const customers: PreviousCustomer[] = [];
  const live = new Map<number, PreviousCustomer>();
  const rows = db.prepare(`${CUSTOMER_SELECT} WHERE c.retired_at IS NULL ORDER BY c.id`).raw().iterate() as Iterable<unknown[]>;
  for (const row of rows) {
    const customer = customerFrom(row);
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
    const without = currentIds.filter((id) => !owned.has(id));
    const found = carriedCustomers(db, without, (customerId) => live.has(customerId));
    without.forEach((recordId, k) => {
      const customer = live.get(found[k]!);
      if (customer === undefined) return;
      owned.add(recordId);
      (customer.recordIds as number[]).push(recordId);
      carried.recordIds.push(recordId);
      carried.customerIds.push(customer.customerId);
    });
  }
  return { customers, reservedIds, carried, owned };
}

// The merge runs and the writing of a plan live in merge-write.ts; re-exported so that callers import one module.
export {
  applyMergePlan,
  errorFindingsNow,
  latestMergeRun,
  type MergeState,
  type MergeWrite,
  mergeStateNow,
  type StoredMergeRun,
} from "./merge-write.js";

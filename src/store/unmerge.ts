/**
 * What `roster unmerge` reads and writes: which customer an id names (its own, an alias's, a retired one's), the
 * customer's current records, and the people's decisions that split it (pair_decisions 'different', origin
 * 'unmerge') with their one audit_log line, in one transaction. The split itself is dedupe's and merge's work:
 * this module never touches customers, customer_records or customer_aliases.
 */
import { writeAudit } from "./audit.js";
import { decisionOn, type PairDecision, recordDecision } from "./decisions.js";
import type { Db } from "./open.js";
import { writeInTurn } from "./write-turns.js";

export type CustomerLookup =
  /** `customerId` is a live customer; `aliasOf` is set when the id given was an alias that resolved to it. */
  | { kind: "live"; customerId: number; aliasOf: number | undefined }
  /** Kept with retired_at set: none of its records is current any more (`batches rm`). */
  | { kind: "retired"; customerId: number; aliasOf: number | undefined }
  | { kind: "unknown" };

/**
 * The customer an id names. Aliases resolve in one step (merge redirects an alias when its customer joins
 * another), so one look-up in customer_aliases suffices.
 */
export function lookUpCustomer(db: Db, id: number): CustomerLookup {
  const target = db.prepare("SELECT customer_id FROM customer_aliases WHERE alias_id = ?").pluck().get(id) as number | undefined;
  const customerId = target ?? id;
  const row = db.prepare("SELECT retired_at AS retiredAt FROM customers WHERE id = ?").get(customerId) as
    | { retiredAt: string | null }
    | undefined;
  if (!row) return { kind: "unknown" };
  const aliasOf = target === undefined ? undefined : id;
  return { kind: row.retiredAt === null ? "live" : "retired", customerId, aliasOf };
}

export interface CustomerRecordRef {
  id: number;
  source: string;
  /** The record's id in its source (null when the export had none). */
  sourceId: string | null;
}

/**
 * A customer's current records, by id. As merge counts them (src/store/merge.ts, readStoredCustomers): the
 * current records whose customer_records row names it, and the current records with no row of their own (a
 * new version, re-imported after the last merge) whose latest older version with a row names it.
 */
export function customerRecords(db: Db, customerId: number): CustomerRecordRef[] {
  return db
    .prepare(
      `SELECT c.id, c.source, c.source_id AS sourceId FROM current_records c
         JOIN customer_records cr ON cr.record_id = c.id
       WHERE cr.customer_id = @customer
       UNION
       SELECT n.id, n.source, n.source_id FROM current_records n
       WHERE NOT EXISTS (SELECT 1 FROM customer_records own WHERE own.record_id = n.id)
         AND (SELECT cr.customer_id FROM records o JOIN customer_records cr ON cr.record_id = o.id
              WHERE o.source = n.source AND o.record_key = n.record_key AND o.id <> n.id
              ORDER BY o.id DESC LIMIT 1) = @customer
       ORDER BY 1`,
    )
    .all({ customer: customerId }) as CustomerRecordRef[];
}

/** The customer (after a merge) of each of these current records, by record id; a record without one is left out. */
export function customersOfRecords(db: Db, recordIds: readonly number[]): Map<number, number> {
  const statement = db.prepare("SELECT customer_id FROM current_records WHERE id = ?").pluck();
  const customers = new Map<number, number>();
  for (const id of recordIds) {
    const customer = statement.get(id) as number | null | undefined;
    if (customer !== null && customer !== undefined) customers.set(id, customer);
  }
  return customers;
}

/** Whether a merge that started at `since` (ISO time) created this customer. */
export function createdSince(db: Db, customerId: number, since: string): boolean {
  const first = db.prepare("SELECT first_merged_at FROM customers WHERE id = ?").pluck().get(customerId) as string | undefined;
  return first !== undefined && first >= since;
}

/** The decision standing on each pair now (a person's, any origin), or null: what an unmerge would replace. */
export function standingDecisions(db: Db, pairs: readonly { a: number; b: number }[]): (PairDecision | null)[] {
  return pairs.map(({ a, b }) => decisionOn(db, a, b)?.decision ?? null);
}

export interface UnmergeWrite {
  /** The live customer split. */
  customerId: number;
  /** The id the user gave, when it was an alias of the customer. */
  aliasOf: number | undefined;
  /** Its current records. */
  recordCount: number;
  /** The record taken out (--record), if one was. */
  recordId: number | undefined;
  pairs: readonly { a: number; b: number }[];
  decidedBy: string;
  auditArgs: readonly string[];
}

export interface UnmergeWritten {
  decisions: number;
  /** Of the pairs, those a person had said were the same person (now replaced), and those already 'different'. */
  replaced: { same: number; different: number };
}

/**
 * Every pair as 'different' (latest decision wins: recordDecision replaces one made earlier on the pair, by review
 * or a decisions file) and one audit line, in one transaction: all of them, or none. The audit line holds ids and
 * counts only, never a name or an address.
 */
export function writeUnmergeDecisions(db: Db, write: UnmergeWrite): UnmergeWritten {
  return writeInTurn(db, () => {
    const before = standingDecisions(db, write.pairs);
    const replaced = { same: 0, different: 0 };
    for (const decision of before) if (decision !== null) replaced[decision]++;
    for (const { a, b } of write.pairs) recordDecision(db, a, b, "different", write.decidedBy, "unmerge");
    writeAudit(db, "unmerge", write.auditArgs, "ok", {
      customer: write.customerId,
      ...(write.aliasOf === undefined ? {} : { alias: write.aliasOf }),
      ...(write.recordId === undefined ? {} : { record: write.recordId }),
      records: write.recordCount,
      decisions: write.pairs.length,
      replaced_same: replaced.same,
    });
    return { decisions: write.pairs.length, replaced };
  });
}

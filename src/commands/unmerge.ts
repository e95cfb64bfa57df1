/**
 * `roster unmerge <customer-id>`: split a customer back into its records, or take one record out (--record).
 * People's decisions do the splitting, so that it lasts: the pairs involved are written as 'different'
 * (pair_decisions, origin 'unmerge'), which every later dedupe follows (src/stages/dedupe/keep-apart.ts), and then
 * dedupe and merge run on the store as `roster dedupe && roster merge` would, so the customer splits now and its
 * parts get their ids by merge's stable-id rules (src/stages/merge/plan.ts): the part holding most of the
 * customer's records keeps its id (a tie: the part with the smallest record id), every other part gets a new id.
 *
 * Three steps, three transactions: the decisions (with the audit line), dedupe's run, merge's run. Killed after the
 * first, the decisions are kept and the next `roster dedupe && roster merge` (or the same unmerge again) completes
 * the split. Records are never deleted.
 */
import { performance } from "node:perf_hooks";
import { UsageError } from "../errors.js";
import { count } from "../io/count.js";
import type { PairDecision } from "../store/decisions.js";
import { findRecordId } from "../store/dedupe.js";
import { latestMergeRun } from "../store/merge.js";
import { type Db, openStore } from "../store/open.js";
import {
  type CustomerRecordRef,
  createdSince,
  customerRecords,
  customersOfRecords,
  lookUpCustomer,
  standingDecisions,
  writeUnmergeDecisions,
} from "../store/unmerge.js";
import { type DedupeIo, type DedupeOptions, type DedupeResult, runDedupe } from "./dedupe.js";
import { type MergeOptions, runMerge } from "./merge.js";

export interface UnmergeOptions {
  storePath: string;
  busyTimeoutMs: number;
  /** The customer id as given: its own id, or an alias of it. */
  customer: string;
  /** --record: a record id or source:source_id, one of the customer's current records. */
  record: string | undefined;
  /** Resolve and list the decisions; write nothing, run nothing. */
  dryRun: boolean;
  /** Who decides: stored as pair_decisions.decided_by. */
  decidedBy: string;
  auditArgs: string[];
  /** How the store's dedupe and merge run afterwards: as `roster dedupe` and `roster merge` would with roster.yml. */
  dedupe: DedupeOptions;
  merge: MergeOptions;
}

export type UnmergeIo = DedupeIo;

export interface PlannedDecision {
  /** Record ids, a < b. */
  a: number;
  b: number;
  /** The decision a person made on the pair before, which this one replaces. */
  before: PairDecision | null;
}

export interface CustomerPart {
  customerId: number;
  /** Whether this unmerge's merge created the customer (else: the customer unmerged, or one the part joined). */
  created: boolean;
  records: CustomerRecordRef[];
}

export interface UnmergeResult {
  store: string;
  /** applied: decisions written, dedupe and merge run; dry-run: nothing written; nothing-to-split: one record. */
  run: "applied" | "dry-run" | "nothing-to-split";
  /** The live customer unmerged. */
  customerId: number;
  /** The id given, when it was an alias that resolved to customerId. */
  aliasOf: number | undefined;
  /** Its current records before the split. */
  records: CustomerRecordRef[];
  /** The record taken out (--record). */
  taken: CustomerRecordRef | undefined;
  decisions: PlannedDecision[];
  /** Decisions written (0 on a dry run). */
  written: number;
  /** Of the decisions, those that replaced a person's 'same' (and those that were 'different' already). */
  replaced: { same: number; different: number };
  dedupeRun: DedupeResult["run"] | null;
  mergeRunId: number | null;
  /** Where the customer's records are after the split, the part keeping the customer's id first. */
  parts: CustomerPart[];
  /** The customer's id if a part still holds it (merge keeps it with the part holding most of its records). */
  keptId: number | null;
  seconds: number;
}

/** The pairs to keep apart: every pair of the records, or (`taken`) that record against each other one. */
export function pairsToSeparate(recordIds: readonly number[], taken?: number): { a: number; b: number }[] {
  const ids = [...new Set(recordIds)].sort((x, y) => x - y);
  const pairs: { a: number; b: number }[] = [];
  if (taken !== undefined) {
    if (!ids.includes(taken)) throw new RangeError(`pairsToSeparate: record ${taken} is not among the records`);
    for (const id of ids) if (id !== taken) pairs.push({ a: Math.min(id, taken), b: Math.max(id, taken) });
    return pairs.sort((x, y) => x.a - y.a || x.b - y.b);
  }
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) pairs.push({ a: ids[i]!, b: ids[j]! });
  return pairs;
}

export const recordName = (record: CustomerRecordRef): string => `${record.source}:${record.sourceId ?? `#${record.id}`}`;

const LOOK_UP_HINT = "roster export customers --fields id,full_name,email,phone lists the customers (--where email=… finds one)";

function listed(records: readonly CustomerRecordRef[]): string {
  const shown = records.slice(0, 10).map((record) => `${record.id} (${recordName(record)})`);
  return `${shown.join(", ")}${records.length > 10 ? `, … and ${count(records.length - 10, "more")}` : ""}`;
}

interface Resolved {
  customerId: number;
  aliasOf: number | undefined;
  records: CustomerRecordRef[];
  taken: CustomerRecordRef | undefined;
}

/** The live customer the id names, its current records and the record --record names; a usage error otherwise. */
function resolve(db: Db, options: UnmergeOptions): Resolved {
  const given = options.customer.trim();
  if (!/^\d+$/.test(given)) {
    throw new UsageError(`customer id ${JSON.stringify(options.customer)}: customer ids are whole numbers`, LOOK_UP_HINT);
  }
  const id = Number(given);
  const found = lookUpCustomer(db, id);
  if (found.kind === "unknown") {
    if (latestMergeRun(db) === undefined) {
      throw new UsageError(`no customer ${id}: merge has not run on this store, so there are no customers yet`, "run roster merge first");
    }
    throw new UsageError(`no customer ${id} in this store`, LOOK_UP_HINT);
  }
  const named = found.aliasOf === undefined ? `customer ${id}` : `customer ${id} (merged into ${found.customerId})`;
  if (found.kind === "retired") {
    throw new UsageError(`${named} is retired: none of its records is current any more, nothing to split`, LOOK_UP_HINT);
  }
  const records = customerRecords(db, found.customerId);
  let taken: CustomerRecordRef | undefined;
  if (options.record !== undefined) {
    const recordId = findRecordId(db, options.record.trim());
    const hint = `give one of its records, by id or source:source_id: ${listed(records)}`;
    if (recordId === undefined)
      throw new UsageError(`--record ${options.record}: no current record ${JSON.stringify(options.record)}`, hint);
    taken = records.find((record) => record.id === recordId);
    if (taken === undefined) {
      throw new UsageError(`--record ${options.record}: record ${recordId} is not one of customer ${found.customerId}'s records`, hint);
    }
  }
  return { customerId: found.customerId, aliasOf: found.aliasOf, records, taken };
}

function withStore<T>(options: UnmergeOptions, work: (db: Db, path: string) => T): T {
  const { db, path } = openStore(options.storePath, { create: false, busyTimeoutMs: options.busyTimeoutMs });
  try {
    return work(db, path);
  } finally {
    db.close();
  }
}

export async function runUnmerge(options: UnmergeOptions, io: UnmergeIo): Promise<UnmergeResult> {
  const started = performance.now();
  const planned = withStore(options, (db, store) => {
    const resolved = resolve(db, options);
    const pairs = pairsToSeparate(
      resolved.records.map((record) => record.id),
      resolved.taken?.id,
    );
    const before = standingDecisions(db, pairs);
    const decisions = pairs.map((pair, k) => ({ ...pair, before: before[k] ?? null }));
    const replaced = { same: before.filter((d) => d === "same").length, different: before.filter((d) => d === "different").length };
    const result: UnmergeResult = {
      store,
      run: pairs.length === 0 ? "nothing-to-split" : options.dryRun ? "dry-run" : "applied",
      ...resolved,
      decisions,
      written: 0,
      replaced,
      dedupeRun: null,
      mergeRunId: null,
      parts: [{ customerId: resolved.customerId, created: false, records: resolved.records }],
      keptId: resolved.customerId,
      seconds: 0,
    };
    if (result.run === "applied") {
      const written = writeUnmergeDecisions(db, {
        customerId: resolved.customerId,
        aliasOf: resolved.aliasOf,
        recordCount: resolved.records.length,
        recordId: resolved.taken?.id,
        pairs,
        decidedBy: options.decidedBy,
        auditArgs: options.auditArgs,
      });
      result.written = written.decisions;
      result.replaced = written.replaced;
    }
    return result;
  });
  if (planned.run !== "applied") return { ...planned, seconds: (performance.now() - started) / 1000 };

  // The decisions are committed: from here a failure (or a kill) leaves them to the next dedupe and merge.
  try {
    planned.dedupeRun = (await runDedupe(options.dedupe, io)).run;
    const mergeStarted = new Date().toISOString();
    planned.mergeRunId = (await runMerge(options.merge, { terminal: io.terminal })).mergeRunId;
    planned.parts = withStore(options, (db) => partsAfter(db, planned.records, planned.customerId, mergeStarted));
  } catch (error) {
    io.terminal.warn(
      `the decisions that split customer ${planned.customerId} are written, but the split is not done: roster dedupe && roster merge complete it`,
    );
    throw error;
  }
  planned.keptId = planned.parts[0]?.customerId === planned.customerId ? planned.customerId : null;
  planned.seconds = (performance.now() - started) / 1000;
  return planned;
}

/** The customer's records grouped by the customer each belongs to now: the one keeping its id first, then by id. */
function partsAfter(db: Db, records: readonly CustomerRecordRef[], customerId: number, mergeStarted: string): CustomerPart[] {
  const customerOf = customersOfRecords(
    db,
    records.map((record) => record.id),
  );
  const parts = new Map<number, CustomerPart>();
  for (const record of records) {
    const owner = customerOf.get(record.id);
    if (owner === undefined) continue; // not current any more (a batch removed meanwhile)
    let part = parts.get(owner);
    if (part === undefined) {
      part = { customerId: owner, created: owner !== customerId && createdSince(db, owner, mergeStarted), records: [] };
      parts.set(owner, part);
    }
    part.records.push(record);
  }
  return [...parts.values()].sort(
    (x, y) => Number(y.customerId === customerId) - Number(x.customerId === customerId) || x.customerId - y.customerId,
  );
}

/**
 * The store report's SQL aggregates and distinct values on a thread of their own, so that they can run while
 * the main thread makes its one pass over the raw rows (the value shapes), for ROSTER_WORKERS=1 or more: on
 * the project's two shared cores it gained nothing reliable (BENCHMARKS.md "report"), so one thread is the default. The thread opens its own
 * read connection; both read the same committed store (WAL readers), so only a write landing between the two
 * reads could make them disagree, as two runs of any report would.
 * This module is both the thread's entry (when started as a worker) and the main thread's way to start it.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { type DistinctCounts, DistinctTally } from "../stages/report/distinct-tally.js";
import type { CountedScope } from "../stages/report/figures.js";
import type { DuplicateCounts } from "../stages/report/profile.js";
import { openStore } from "./open.js";
import {
  type CustomerHistograms,
  canonicalRows,
  countedScopes,
  duplicateCounts,
  type ProfileDimension,
  profileHistograms,
} from "./report.js";

export interface AggregateRequest {
  storePath: string;
  busyTimeoutMs: number;
  now: string;
  dimensions: ProfileDimension[][];
}

export interface StoreAggregates {
  counted: { all: CountedScope; bySource: Map<string, CountedScope> };
  duplicates: DuplicateCounts | null;
  histograms: CustomerHistograms | null;
  /** Distinct values per field: counted here only on the counting thread (else in the main thread's pass). */
  distinct: DistinctCounts | null;
}

/**
 * Everything the report counts in SQL, on the given connection (inline), and with `distinct` the distinct
 * values too (a read of every record's canonical values: the counting thread's share of the pass).
 */
export function storeAggregates(
  db: Parameters<typeof countedScopes>[0],
  request: Omit<AggregateRequest, "storePath" | "busyTimeoutMs">,
  distinct = false,
): StoreAggregates {
  let counts: DistinctCounts | null = null;
  if (distinct) {
    const tally = new DistinctTally();
    for (const row of canonicalRows(db)) tally.add(row.source, row.canonical);
    counts = tally.result();
  }
  return {
    counted: countedScopes(db),
    duplicates: duplicateCounts(db),
    histograms: profileHistograms(db, request.dimensions),
    distinct: counts,
  };
}

type Reply = { aggregates: StoreAggregates } | { error: { message: string; code: string | undefined } };

/** The same, on a worker thread with its own connection. */
export function storeAggregatesInWorker(request: AggregateRequest): Promise<StoreAggregates> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { reportAggregates: request } });
    worker.once("message", (reply: Reply) => {
      if ("error" in reply) reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      else resolve(reply.aggregates);
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the report's counting thread stopped (exit ${code})`)));
  });
}

const request = !isMainThread ? (workerData as { reportAggregates?: AggregateRequest } | null)?.reportAggregates : undefined;
if (parentPort && request) {
  const port = parentPort;
  try {
    const { db } = openStore(request.storePath, { create: false, busyTimeoutMs: request.busyTimeoutMs });
    try {
      port.postMessage({ aggregates: storeAggregates(db, request, true) } satisfies Reply);
    } finally {
      db.close();
    }
  } catch (error) {
    const { message, code } = error as Error & { code?: string };
    port.postMessage({ error: { message, code } } satisfies Reply);
  }
}

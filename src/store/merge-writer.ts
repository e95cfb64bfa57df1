/**
 * A big merge plan written on a thread of its own while the main thread is still planning it. A first merge of a
 * million records spent half its time writing (customers, customer_records) after planning was done, on one
 * core; here the main thread hands each chunk of new customers (flat rows of plain values: cheap to clone, unlike
 * the planned objects, BENCHMARKS.md "merge") and the records assigned to them to this thread as it plans, and
 * the rest of the plan at the end. The thread holds one write transaction from its first chunk to `finish`: the
 * same single transaction as the main thread's applyMergePlan (killed half-way, nothing is written), the same
 * writes in an order foreign keys accept (MergePlanWriter). This module is both the thread's entry (when started
 * as a worker) and the main thread's way to start it.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { RosterError, StoreError } from "../errors.js";
import type { PlannedCustomer, PlanSink } from "../stages/merge/plan.js";
import type { StoredCustomers } from "./merge.js";
import {
  CUSTOMER_ROW_LENGTH,
  CUSTOMERS_PER_CHUNK,
  type MergeFinish,
  MergePlanWriter,
  type MergeWrite,
  pushCustomerRow,
  writeSettings,
} from "./merge-write.js";
import { openStore } from "./open.js";
import { WriteTurns } from "./write-turns.js";

export interface MergeWriterSetup {
  storePath: string;
  busyTimeoutMs: number;
  /** The time every row written is stamped with. */
  now: string;
  basedOn: MergeWrite["basedOn"];
  /** Written first: re-imported records that keep their older version's customer. */
  carried: StoredCustomers["carried"];
}

interface Chunk {
  /** New customers, pushCustomerRow's flat rows. */
  customers: unknown[];
  /** Records assigned to a customer: recordIds[k] to customerIds[k] (after the chunk's new customers). */
  recordIds: Float64Array;
  customerIds: Float64Array;
}

type Message = { chunk: Chunk } | { finish: MergeFinish } | { abort: true };
type Failure = { message: string; code: string | undefined; hint: string | undefined; store: boolean };
type Reply = { runId: number | null } | { error: Failure };

/** The main thread's side: a PlanSink for planMerge that ships what it plans, then `finish` or `abort`. */
export class MergeWriterThread implements PlanSink {
  private readonly worker: Worker;
  private readonly reply: Promise<Reply>;
  private customers: unknown[] = [];
  private recordIds: number[] = [];
  private customerIds: number[] = [];

  constructor(private readonly setup: MergeWriterSetup) {
    this.worker = new Worker(new URL(import.meta.url), { workerData: { mergeWriter: setup } });
    this.reply = new Promise<Reply>((resolve, reject) => {
      this.worker.once("message", resolve);
      this.worker.once("error", reject);
      this.worker.once("exit", (code) => reject(new Error(`merge's writing thread stopped (exit ${code})`)));
    });
    this.reply.catch(() => {}); // awaited by finish or abort; a run that fails first never asks
  }

  created(customer: PlannedCustomer): void {
    pushCustomerRow(this.customers, customer, this.setup.now);
    if (this.customers.length >= CUSTOMERS_PER_CHUNK * CUSTOMER_ROW_LENGTH) this.flush();
  }

  moved(recordId: number, customerId: number): void {
    this.recordIds.push(recordId);
    this.customerIds.push(customerId);
  }

  /** Writes the rest, commits, and gives the merge_runs id; a failure on the thread is thrown here. */
  async finish(rest: MergeFinish): Promise<number> {
    this.flush();
    this.post({ finish: rest });
    const reply = await this.reply;
    if ("error" in reply) throw rebuilt(reply.error);
    return reply.runId as number;
  }

  /** Rolls back whatever was written (nothing to apply, or planning failed). */
  async abort(): Promise<void> {
    this.post({ abort: true });
    await this.reply.catch(() => undefined);
  }

  private flush(): void {
    const recordIds = Float64Array.from(this.recordIds);
    const customerIds = Float64Array.from(this.customerIds);
    this.post({ chunk: { customers: this.customers, recordIds, customerIds } }, [recordIds.buffer, customerIds.buffer]);
    this.customers = [];
    this.recordIds = [];
    this.customerIds = [];
  }

  private post(message: Message, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }
}

/** The thread's failure as the main thread throws it: a StoreError stays one (exit 4), SQLite's code is kept. */
function rebuilt(failure: Failure): Error {
  if (failure.store) return new StoreError(failure.message, failure.hint);
  return Object.assign(new Error(failure.message), { code: failure.code });
}

function failureOf(error: unknown): Failure {
  const { message, code } = error as Error & { code?: string };
  return { message, code, hint: error instanceof RosterError ? error.hint : undefined, store: error instanceof StoreError };
}

/** The thread: opens the store, begins the write, and applies each message in order. */
function writeOnThisThread(setup: MergeWriterSetup, port: NonNullable<typeof parentPort>): void {
  const { db } = openStore(setup.storePath, { create: false, busyTimeoutMs: setup.busyTimeoutMs });
  const restore = writeSettings(db);
  const turns = new WriteTurns(db, db.name, setup.busyTimeoutMs);
  let done = false;
  const end = (reply: Reply) => {
    done = true;
    try {
      if (db.inTransaction) db.exec("ROLLBACK");
      restore();
      db.close();
    } finally {
      port.postMessage(reply);
      port.close();
    }
  };
  let writer: MergePlanWriter;
  try {
    turns.beginWrite();
    writer = new MergePlanWriter(db, setup.now);
    writer.checkBasedOn(setup.basedOn);
    writer.assign(setup.carried.recordIds, setup.carried.customerIds);
  } catch (error) {
    end({ error: failureOf(error) });
    return;
  }
  port.on("message", (message: Message) => {
    if (done) return;
    try {
      if ("chunk" in message) {
        writer.insertCustomers(message.chunk.customers);
        writer.assign(message.chunk.recordIds, message.chunk.customerIds);
      } else if ("finish" in message) {
        const runId = writer.finish(message.finish);
        db.exec("COMMIT");
        turns.afterCommit();
        end({ runId });
      } else end({ runId: null });
    } catch (error) {
      end({ error: failureOf(error) });
    }
  });
}

const setup = !isMainThread ? (workerData as { mergeWriter?: MergeWriterSetup } | null)?.mergeWriter : undefined;
if (parentPort && setup) {
  try {
    writeOnThisThread(setup, parentPort);
  } catch (error) {
    parentPort.postMessage({ error: failureOf(error) } satisfies Reply);
  }
}

/**
 * Worker thread for normalizing a large store: opens its own connection, asks the main thread for id ranges,
 * normalizes and writes each, and finally reports its tally. See normalize-ranges.ts.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { NormalizeSummary } from "../stages/normalize/summary.js";
import { openStore } from "../store/open.js";
import { type RangeJob, RangeNormalizer, type RangeTally, sharedWriteTurn } from "./normalize-range.js";

export interface WorkerSetup extends RangeJob {
  storePath: string;
  busyTimeoutMs: number;
  /** Shared by all workers of a run: see sharedWriteTurn. */
  writeLock: SharedArrayBuffer;
}

export type ToWorker = { type: "range"; from: number; to: number } | { type: "finish" };
export type FromWorker =
  | { type: "next"; done: number }
  | { type: "failed"; message: string; code: string | undefined }
  | {
      type: "tally";
      tally: {
        summary: Pick<NormalizeSummary, "fields" | "records" | "findings">;
        perSource: Record<string, number>;
        findings: RangeTally["findings"];
      };
    };

const setup = workerData as WorkerSetup;
const port = parentPort;
if (port) {
  const { db } = openStore(setup.storePath, { create: false, busyTimeoutMs: setup.busyTimeoutMs });
  const normalizer = new RangeNormalizer(db, setup, sharedWriteTurn(setup.writeLock));
  port.on("message", (message: ToWorker) => {
    try {
      if (message.type === "range") {
        port.postMessage({ type: "next", done: normalizer.run(message.from, message.to) } satisfies FromWorker);
        return;
      }
      normalizer.finish(); // results still held back for a turn to write
    } catch (error) {
      // Keep the SQLite error code: the main thread turns SQLITE_BUSY and friends into exit 4.
      const { message: text, code } = error as Error & { code?: string };
      port.postMessage({ type: "failed", message: text, code } satisfies FromWorker);
      return;
    }
    db.close();
    const { summary, perSource, findings } = normalizer.tally;
    port.postMessage({
      type: "tally",
      tally: { summary: { fields: summary.fields, records: summary.records, findings: summary.findings }, perSource, findings },
    } satisfies FromWorker);
    port.close();
  });
  port.postMessage({ type: "next", done: 0 } satisfies FromWorker);
}

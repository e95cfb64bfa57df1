/**
 * Worker thread for validating a large store: checks id ranges read through its own connection and posts
 * the findings back (see validate-work.ts and ordered-pool.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { PoolReply } from "../pipeline/ordered-pool.js";
import type { NormalizeContext } from "../stages/normalize/index.js";
import type { ValidatorOptions } from "../stages/validate/index.js";
import { openStore } from "../store/open.js";
import { type CheckedRange, RangeChecker } from "./validate-range.js";

export interface ValidateWorkerSetup {
  validator: ValidatorOptions;
  storePath: string;
  busyTimeoutMs: number;
  contexts: Record<string, NormalizeContext>;
}

export interface RangeTask {
  from: number;
  to: number;
}

const setup = workerData as ValidateWorkerSetup;
const port = parentPort;
if (port) {
  const { db } = openStore(setup.storePath, { create: false, busyTimeoutMs: setup.busyTimeoutMs });
  const checker = new RangeChecker(db, setup.validator, setup.contexts);
  port.on("message", ({ seq, task }: { seq: number; task: RangeTask }) => {
    try {
      port.postMessage({ seq, result: checker.check(task.from, task.to) } satisfies PoolReply<CheckedRange>);
    } catch (error) {
      const { message, code } = error as Error & { code?: string };
      port.postMessage({ seq, error: { message, code } } satisfies PoolReply<CheckedRange>);
    }
  });
}

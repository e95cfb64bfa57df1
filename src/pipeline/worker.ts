/**
 * The one worker thread entry of every store scan (store-scan.ts): opens its own connection, loads the stage's
 * range work from the registry (range-stages.ts), and answers each range task with its plain-data result. It
 * never writes: the main thread alone does.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openStore } from "../store/open.js";
import type { IdRange } from "../store/records.js";
import type { PoolReply } from "./ordered-pool.js";
import { RANGE_STAGES, type RangeStageName } from "./range-stages.js";

export interface WorkerSetup {
  stage: RangeStageName;
  /** The stage's own setup (plain data). */
  setup: unknown;
  storePath: string;
  busyTimeoutMs: number;
}

type Work = (range: IdRange) => unknown;

/** Keep the error's code: the main thread turns SQLITE_BUSY and friends into exit 4. */
function failure(error: unknown): { message: string; code: string | undefined } {
  const { message, code } = error as Error & { code?: string };
  return { message, code };
}

async function openWork(setup: WorkerSetup): Promise<Work> {
  const { db } = openStore(setup.storePath, { create: false, busyTimeoutMs: setup.busyTimeoutMs });
  const stage = (await RANGE_STAGES[setup.stage]()) as { open(db: unknown, setup: unknown): Work };
  return stage.open(db, setup.setup);
}

const port = parentPort;
if (port) {
  // Tasks that arrive while the stage loads wait for it, in order; a failure to open answers each with the error.
  const work = openWork(workerData as WorkerSetup);
  work.catch(() => {}); // reported with each task; with no task at all, nobody needs to hear of it
  port.on("message", ({ seq, task }: { seq: number; task: IdRange }) => {
    work.then(
      (run) => {
        try {
          port.postMessage({ seq, result: run(task) } satisfies PoolReply<unknown>);
        } catch (error) {
          port.postMessage({ seq, error: failure(error) } satisfies PoolReply<unknown>);
        }
      },
      (error: unknown) => port.postMessage({ seq, error: failure(error) } satisfies PoolReply<unknown>),
    );
  });
}

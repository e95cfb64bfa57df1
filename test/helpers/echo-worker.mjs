// A pool worker for tests: answers each task { value, delayMs, fail } after the delay, or with an error.
import { parentPort } from "node:worker_threads";

parentPort?.on("message", ({ seq, task }) => {
  setTimeout(() => {
    if (task.fail) parentPort?.postMessage({ seq, error: { message: `task ${task.value} failed`, code: "SQLITE_BUSY" } });
    else parentPort?.postMessage({ seq, result: task.value * 10 });
  }, task.delayMs);
});

/**
 * Temporary output files (`OUT.partial-PID`) this process has open. While there are any, an interrupt
 * (Ctrl-C, a cron timeout's SIGTERM, a closed terminal's SIGHUP) first removes them, then lets the signal take
 * the process as it would have anyway: a calling shell script sees a death by signal and stops too. With no
 * such file open, no handler is installed and signals act at once, even in the middle of synchronous work
 * (store writes are transactions, so that is safe).
 */
import { rmSync } from "node:fs";

const open = new Set<string>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function removeThenDie(signal: NodeJS.Signals): void {
  for (const path of open) rmSync(path, { force: true });
  open.clear();
  listen(false);
  process.kill(process.pid, signal);
}

function listen(on: boolean): void {
  for (const signal of SIGNALS) {
    if (on) process.on(signal, removeThenDie);
    else process.removeListener(signal, removeThenDie);
  }
}

export function trackPartial(path: string): void {
  if (open.size === 0) listen(true);
  open.add(path);
}

/** The file was moved into place or removed. */
export function untrackPartial(path: string): void {
  if (open.delete(path) && open.size === 0) listen(false);
}

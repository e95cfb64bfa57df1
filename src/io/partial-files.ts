/**
 * Temporary output files (`OUT.partial-PID`) this process has open. An interrupted run (Ctrl-C, a cron
 * timeout's SIGTERM) removes them on its way out, so no half-written file is left beside the real one.
 */
import { rmSync } from "node:fs";

const open = new Set<string>();

export function trackPartial(path: string): void {
  open.add(path);
}

/** The file was moved into place or removed. */
export function untrackPartial(path: string): void {
  open.delete(path);
}

export function removePartials(): void {
  for (const path of open) rmSync(path, { force: true });
  open.clear();
}

/**
 * ROSTER_WORKERS, read the same way by every command that can use threads. Its own small module, so that a
 * command that needs only this (merge, export) does not depend on the normalize command's adapter.
 */
import { UsageError } from "../errors.js";

/** ROSTER_WORKERS: worker threads (0 = none); unset = the command chooses by the work's size and the cores. */
export function workerCount(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0 || count > 64)
    throw new UsageError(`ROSTER_WORKERS must be a whole number from 0 to 64, not ${JSON.stringify(value)}`);
  return count;
}

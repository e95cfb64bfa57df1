/**
 * The time a batch's records count as written when they carry no updated_at of their own (merge's
 * `most_recent`). The files of one `roster import a b c` come in one after the other, milliseconds apart: their
 * batches' imported_at differ only by the order the files were named in, which says nothing about which record
 * is newer. So the batches of one import command share one time, the earliest of them (when the command began
 * importing); `most_recent` ties them and the next rule decides (for the address, `most_complete`).
 *
 * Which batches one command imported is in its audit_log line (`details.batches`, written when the command
 * ends). A batch id can be taken again after `batches rm` of the newest batch, so a batch counts as the line's
 * only when it was imported before the line was written. A batch no import line names (the command was killed
 * before its line) keeps its own time.
 */
import type { Db } from "./open.js";

/** Batch id → the time its records count as written (ISO 8601): one per import command. */
export function batchRecordTimes(db: Db): Map<number, string> {
  const times = new Map<number, string>();
  for (const [id, at] of db.prepare("SELECT id, imported_at FROM batches").raw().iterate() as Iterable<[number, string]>) {
    times.set(id, at);
  }
  const commands = db
    .prepare("SELECT at, details FROM audit_log WHERE command = 'import' AND details LIKE '%\"batches\"%' ORDER BY id")
    .raw()
    .all() as [string, string][];
  for (const [at, details] of commands) {
    const members = commandBatches(details).filter((id) => {
      const imported = times.get(id);
      return imported !== undefined && imported <= at;
    });
    if (members.length < 2) continue;
    let earliest = times.get(members[0]!)!;
    for (const id of members) if (times.get(id)! < earliest) earliest = times.get(id)!;
    // One string shared by every batch of the command, as by the records of one batch.
    for (const id of members) times.set(id, earliest);
  }
  return times;
}

/** The batch ids an import's audit details list; none when the details are not what import writes. */
function commandBatches(details: string): number[] {
  try {
    const parsed = JSON.parse(details) as { batches?: unknown };
    return Array.isArray(parsed.batches) ? parsed.batches.filter((id): id is number => Number.isInteger(id)) : [];
  } catch {
    return [];
  }
}

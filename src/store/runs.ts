/**
 * The `runs` table (migration 9): one row per recorded run with its flat metrics, which `roster report` reads back
 * as its trend. Metrics are kept as JSON so that a metric added later needs no migration.
 */
import type { Db } from "./open.js";
import { writeInTurn } from "./write-turns.js";

export interface RunRow {
  command: string;
  startedAt: string;
  finishedAt: string;
  metrics: Record<string, number>;
  counts: Record<string, unknown>;
}

export interface StoredRunMetrics {
  id: number;
  finishedAt: string;
  metrics: Record<string, number>;
}

/** Writes one run in its own write turn; returns its id. */
export function recordRun(db: Db, run: RunRow): number {
  const insert = db.prepare("INSERT INTO runs (command, started_at, finished_at, metrics, counts) VALUES (?, ?, ?, ?, ?)");
  return writeInTurn(db, () =>
    Number(insert.run(run.command, run.startedAt, run.finishedAt, JSON.stringify(run.metrics), JSON.stringify(run.counts)).lastInsertRowid),
  );
}

/** Only finite numbers survive: a row an analyst edited by hand must not put NaN or text into a trend. */
function parseMetrics(text: string): Record<string, number> {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed as Record<string, unknown>).filter((entry): entry is [string, number] => Number.isFinite(entry[1])),
    );
  } catch {
    return {};
  }
}

/** The last `limit` runs of a command, oldest first. */
export function recentRuns(db: Db, command: string, limit: number): StoredRunMetrics[] {
  const rows = db
    .prepare("SELECT id, finished_at AS finishedAt, metrics FROM runs WHERE command = ? ORDER BY id DESC LIMIT ?")
    .all(command, limit) as { id: number; finishedAt: string; metrics: string }[];
  return rows.reverse().map((row) => ({ id: row.id, finishedAt: row.finishedAt, metrics: parseMetrics(row.metrics) }));
}

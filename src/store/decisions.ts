/**
 * People's decisions on pairs of records (pair_decisions): `same` person or `different` people, written by
 * `roster review` and `roster unmerge` and followed by every later dedupe run. A decision names each record by
 * its source and record_key, so it still holds when a row is imported again in a new version.
 */
import { fnv1a } from "../stages/dedupe/features.js";
import type { Db } from "./open.js";

export type PairDecision = "same" | "different";

export interface CurrentDecision {
  /** Current record ids, a < b. */
  a: number;
  b: number;
  decision: PairDecision;
}

/** Every decision whose two records are current, by their current ids. */
export function currentDecisions(db: Db): CurrentDecision[] {
  const rows = db
    .prepare(
      // CROSS JOIN keeps the decisions as the outer loop: left to itself the planner scanned every record (0.4 s
      // at a million, with no decision at all).
      `SELECT x.id AS x, y.id AS y, d.decision FROM pair_decisions d
         CROSS JOIN current_records x ON x.source = d.source_a AND x.record_key = d.key_a
         CROSS JOIN current_records y ON y.source = d.source_b AND y.record_key = d.key_b`,
    )
    .all() as { x: number; y: number; decision: PairDecision }[];
  return rows
    .filter((row) => row.x !== row.y)
    .map((row) => ({ a: Math.min(row.x, row.y), b: Math.max(row.x, row.y), decision: row.decision }));
}

/**
 * A digest of every decision (which pairs, which way): the last dedupe run keeps it with its index, and a
 * different one (a decision made, changed or undone since) makes the next run cluster the whole store again.
 */
export function decisionsDigest(db: Db): string {
  const rows = db
    .prepare("SELECT source_a, key_a, source_b, key_b, decision FROM pair_decisions ORDER BY source_a, key_a, source_b, key_b")
    .raw()
    .all() as string[][];
  let hash = 0x811c9dc5;
  for (const row of rows) for (const text of row) hash = fnv1a(fnv1a(hash, text), "\u001f");
  return `${rows.length}:${hash.toString(16)}`;
}

/** Records one decision on two current records (by id), replacing an earlier one on the same pair. */
export function recordDecision(
  db: Db,
  a: number,
  b: number,
  decision: PairDecision,
  by: string,
  origin: "review" | "unmerge" | "import",
): void {
  const keyOf = db.prepare("SELECT source, record_key AS key FROM records WHERE id = ?");
  const x = keyOf.get(a) as { source: string; key: string } | undefined;
  const y = keyOf.get(b) as { source: string; key: string } | undefined;
  if (!x || !y) throw new RangeError(`recordDecision: no record ${x ? b : a}`);
  const [first, second] = x.source < y.source || (x.source === y.source && x.key < y.key) ? [x, y] : [y, x];
  if (first.source === second.source && first.key === second.key) throw new RangeError("recordDecision: a record and itself");
  db.prepare(
    `INSERT OR REPLACE INTO pair_decisions (source_a, key_a, source_b, key_b, decision, decided_by, decided_at, origin)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(first.source, first.key, second.source, second.key, decision, by, new Date().toISOString(), origin);
}

export interface StoredDecision {
  decision: PairDecision;
  decidedBy: string;
  decidedAt: string;
  origin: string;
}

/** The decision on two records (by id: through their source and record_key), if a person made one. */
export function decisionOn(db: Db, a: number, b: number): StoredDecision | undefined {
  return db
    .prepare(
      `SELECT d.decision, d.decided_by AS decidedBy, d.decided_at AS decidedAt, d.origin FROM records x, records y, pair_decisions d
       WHERE x.id = ? AND y.id = ?
         AND ((d.source_a = x.source AND d.key_a = x.record_key AND d.source_b = y.source AND d.key_b = y.record_key)
           OR (d.source_a = y.source AND d.key_a = y.record_key AND d.source_b = x.source AND d.key_b = x.record_key))`,
    )
    .get(a, b) as StoredDecision | undefined;
}

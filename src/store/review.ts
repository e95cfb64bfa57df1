/**
 * What `roster review` reads and writes: the review queue (dedupe's pairs in the review band whose two records
 * are current and which nobody has decided yet, most informative first) and people's decisions on them
 * (pair_decisions, src/store/decisions.ts), each with its audit_log line in the same transaction. Audit lines
 * carry record ids and counts, never a name or an address.
 */
import type { DedupeModel } from "../stages/dedupe/model.js";
import type { PairStatus } from "../stages/review/decisions-file.js";
import { type PairExplanation, REVIEW_FIELDS, type ReviewPair, type ReviewRecord } from "../stages/review/types.js";
import { writeAudit } from "./audit.js";
import { type PairDecision, recordDecision } from "./decisions.js";
import type { Db } from "./open.js";
import { writeInTurn } from "./write-turns.js";

/** Neither record's (source, record_key) pair has a decision, in either order (pair_decisions keeps a < b). */
const UNDECIDED = `NOT EXISTS (SELECT 1 FROM pair_decisions d
    WHERE (d.source_a = x.source AND d.key_a = x.record_key AND d.source_b = y.source AND d.key_b = y.record_key)
       OR (d.source_a = y.source AND d.key_a = y.record_key AND d.source_b = x.source AND d.key_b = x.record_key))`;

const QUEUE_FROM = `FROM pairs p
  JOIN current_records x ON x.id = p.record_a
  JOIN current_records y ON y.id = p.record_b
  WHERE p.decision = 'review' AND ${UNDECIDED}`;

/**
 * The queue, most informative first: the smallest |match weight| is the probability closest to 0.5, where the
 * model knows least and a person's answer teaches the most; ties by record ids, so the order is the same on every
 * run. `limit`: at most that many pairs.
 */
export function reviewQueue(db: Db, limit?: number): ReviewPair[] {
  const side = (alias: string) => REVIEW_FIELDS.map((field) => `${alias}.${field}`).join(", ");
  const rows = db
    .prepare(
      `SELECT p.record_a, p.record_b, p.match_weight, p.match_probability, p.explanation, p.model_id,
              x.source, x.source_id, ${side("x")}, y.source, y.source_id, ${side("y")}
       ${QUEUE_FROM}
       ORDER BY abs(p.match_weight), p.record_a, p.record_b
       ${limit === undefined ? "" : "LIMIT ?"}`,
    )
    .raw()
    .all(...(limit === undefined ? [] : [limit])) as unknown[][];
  const width = 2 + REVIEW_FIELDS.length;
  const record = (id: number, row: unknown[], from: number): ReviewRecord => {
    const values = {} as ReviewRecord["values"];
    REVIEW_FIELDS.forEach((field, i) => {
      values[field] = (row[from + 2 + i] as string | null) ?? null;
    });
    return { id, source: row[from] as string, sourceId: (row[from + 1] as string | null) ?? null, values };
  };
  return rows.map((row) => ({
    a: record(row[0] as number, row, 6),
    b: record(row[1] as number, row, 6 + width),
    matchWeight: row[2] as number,
    matchProbability: row[3] as number,
    explanation: parseExplanation(row[4] as string),
    modelId: row[5] as number,
  }));
}

/** An explanation an analyst broke with sqlite3 reads as none: the pair is still shown, without reasons. */
function parseExplanation(text: string): PairExplanation {
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as PairExplanation) : {};
  } catch {
    return {};
  }
}

export function reviewQueueSize(db: Db): number {
  return db.prepare(`SELECT count(*) ${QUEUE_FROM}`).pluck().get() as number;
}

/** Whether dedupe has ever finished a run on this store (without one there is nothing to review). */
export function hasDedupeRun(db: Db): boolean {
  return db.prepare("SELECT 1 FROM dedupe_runs LIMIT 1").get() !== undefined;
}

/** The stored models the pairs name, by id (their level labels name the reasons). */
export function modelsById(db: Db, ids: Iterable<number>): Map<number, Pick<DedupeModel, "comparisons">> {
  const statement = db.prepare("SELECT model FROM dedupe_models WHERE id = ?").pluck();
  const models = new Map<number, Pick<DedupeModel, "comparisons">>();
  for (const id of new Set(ids)) {
    const text = statement.get(id) as string | undefined;
    if (text === undefined) continue;
    try {
      models.set(id, JSON.parse(text) as DedupeModel);
    } catch {
      // a model that does not parse names no levels: its reasons are shown by level index
    }
  }
  return models;
}

/** Whether a pair id names a stored pair (match or review) and whether both of its records are still current. */
export function pairStatus(db: Db, a: number, b: number): PairStatus {
  const row = db
    .prepare(
      `SELECT (SELECT count(*) FROM current_records c WHERE c.id IN (p.record_a, p.record_b)) AS current
       FROM pairs p WHERE p.record_a = ? AND p.record_b = ?`,
    )
    .get(Math.min(a, b), Math.max(a, b)) as { current: number } | undefined;
  if (!row) return "unknown";
  return row.current === 2 ? "current" : "stale";
}

/** A pair_decisions row as it was, so that an undo can put it back. */
export interface StoredDecision {
  source_a: string;
  key_a: string;
  source_b: string;
  key_b: string;
  decision: PairDecision;
  decided_by: string;
  decided_at: string;
  origin: string;
}

/** The decision on two records (by current id) standing now, if any. */
function decisionOn(db: Db, a: number, b: number): StoredDecision | undefined {
  return db
    .prepare(
      `SELECT d.* FROM records x, records y, pair_decisions d
       WHERE x.id = ? AND y.id = ?
         AND ((d.source_a = x.source AND d.key_a = x.record_key AND d.source_b = y.source AND d.key_b = y.record_key)
           OR (d.source_a = y.source AND d.key_a = y.record_key AND d.source_b = x.source AND d.key_b = x.record_key))`,
    )
    .get(a, b) as StoredDecision | undefined;
}

/** What undoing a decision needs: the pair, and what the decision replaced (nothing, usually). */
export interface DecisionReceipt {
  a: number;
  b: number;
  decision: PairDecision;
  replaced: StoredDecision | undefined;
}

/** One decision made in the interactive session, with its audit line, in one transaction of its own. */
export function decidePair(db: Db, a: number, b: number, decision: PairDecision, by: string, args: readonly string[]): DecisionReceipt {
  return writeInTurn(db, () => {
    const replaced = decisionOn(db, a, b);
    recordDecision(db, a, b, decision, by, "review");
    writeAudit(db, "review", args, "ok", { action: "decide", record_a: a, record_b: b, decision, replaced: replaced?.decision ?? null });
    return { a, b, decision, replaced };
  });
}

/** Takes a decision back: removes it, or puts back the one it replaced; with its audit line, in one transaction. */
export function undoDecision(db: Db, receipt: DecisionReceipt, args: readonly string[]): void {
  writeInTurn(db, () => {
    const standing = decisionOn(db, receipt.a, receipt.b);
    if (standing) {
      db.prepare("DELETE FROM pair_decisions WHERE source_a = ? AND key_a = ? AND source_b = ? AND key_b = ?").run(
        standing.source_a,
        standing.key_a,
        standing.source_b,
        standing.key_b,
      );
    }
    const { replaced } = receipt;
    if (replaced) {
      db.prepare(
        `INSERT INTO pair_decisions (source_a, key_a, source_b, key_b, decision, decided_by, decided_at, origin)
         VALUES (@source_a, @key_a, @source_b, @key_b, @decision, @decided_by, @decided_at, @origin)`,
      ).run(replaced);
    }
    writeAudit(db, "review", args, "ok", {
      action: "undo",
      record_a: receipt.a,
      record_b: receipt.b,
      decision: receipt.decision,
      restored: replaced?.decision ?? null,
    });
  });
}

export interface ImportedDecisions {
  same: number;
  different: number;
  /** Pairs that had a decision already, now replaced by the file's. */
  replaced: number;
}

/** A whole decisions file in one transaction: every decision and one audit line, or nothing. */
export function applyImportedDecisions(
  db: Db,
  decisions: readonly { a: number; b: number; decision: PairDecision }[],
  by: string,
  args: readonly string[],
  details: Record<string, unknown>,
): ImportedDecisions {
  return writeInTurn(db, () => {
    const counts: ImportedDecisions = { same: 0, different: 0, replaced: 0 };
    for (const { a, b, decision } of decisions) {
      if (decisionOn(db, a, b)) counts.replaced++;
      recordDecision(db, a, b, decision, by, "import");
      counts[decision]++;
    }
    writeAudit(db, "review", args, "ok", { action: "import", ...details, ...counts });
    return counts;
  });
}

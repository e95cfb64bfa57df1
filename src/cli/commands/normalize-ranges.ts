/**
 * Normalizing the store one id range at a time: read the range, re-derive each record's values from its raw
 * row, normalize (pure stage), write the results in one transaction. Used inline for small stores and by
 * each worker thread (normalize-worker.ts) for large ones: every worker has its own connection and its own
 * ranges, so no record crosses threads.
 */
import { type MappedValues, mappedValues } from "../../fields/raw.js";
import { type Finding, KEY_FIELDS, type NormalizeContext, normalizeRecord } from "../../stages/normalize/index.js";
import { NormalizeSummary } from "../../stages/normalize/summary.js";
import {
  batchMappings,
  NORMALIZED_FIELDS,
  type NormalizedRow,
  NormalizedWriter,
  rowsInIdRange,
  type StoredNormalization,
  type StoredRow,
} from "../../store/normalize.js";
import type { Db } from "../../store/open.js";

export const SHOWN_FINDINGS = 20;

export interface RangeJob {
  /** Normalize settings per source; records of other sources are skipped. */
  contexts: Record<string, NormalizeContext>;
  dryRun: boolean;
  now: string;
}

/** What one runner (the main thread or a worker) found; plain data so it can cross a thread boundary. */
export interface RangeTally {
  summary: NormalizeSummary;
  perSource: Record<string, number>;
  findings: { where: string; finding: Finding }[];
}

/**
 * A mutex in shared memory for the workers' write transactions. SQLite allows one writer at a time and its
 * busy handler waits by sleeping with back-off, which made two workers slower than one; handing the turn over
 * with Atomics wakes the waiting worker the moment the other commits.
 */
export function sharedWriteTurn(buffer: SharedArrayBuffer): (write: () => void) => void {
  const lock = new Int32Array(buffer);
  return (write) => {
    while (Atomics.compareExchange(lock, 0, 0, 1) !== 0) Atomics.wait(lock, 0, 1);
    try {
      write();
    } finally {
      Atomics.store(lock, 0, 0);
      Atomics.notify(lock, 0, 1);
    }
  };
}

export function newTally(): RangeTally {
  return { summary: new NormalizeSummary(), perSource: {}, findings: [] };
}

export class RangeNormalizer {
  private readonly rows;
  private readonly writer;
  private readonly mappingOf;

  constructor(
    db: Db,
    private readonly job: RangeJob,
    /** Workers take turns writing through this, instead of sleeping in SQLite's busy handler. */
    private readonly writeTurn: (write: () => void) => void = (write) => write(),
    readonly tally: RangeTally = newTally(),
  ) {
    this.rows = rowsInIdRange(db, KEY_FIELDS);
    this.mappingOf = batchMappings(db);
    this.writer = job.dryRun ? undefined : new NormalizedWriter(db, KEY_FIELDS);
  }

  /** Normalize (and write) the records with ids in [from, to]; returns how many there were. */
  run(from: number, to: number): number {
    const results: NormalizedRow[] = [];
    for (const row of this.rows(from, to)) {
      const context = this.job.contexts[row.source];
      if (!context) continue;
      const before = this.valuesOf(row);
      const after = normalizeRecord(before, context);
      // "Changed" means changed from what the store holds now, so a second run (or its dry run) reports nothing.
      // Before the first normalize the store holds import's values: the raw row's, trimmed, as `before`.
      const stored = row.normalized;
      this.tally.summary.add(stored?.values ?? before, after);
      this.tally.perSource[row.source] = (this.tally.perSource[row.source] ?? 0) + 1;
      for (const finding of after.findings) {
        if (this.tally.findings.length >= SHOWN_FINDINGS) break;
        this.tally.findings.push({ where: `${row.source}:${row.line}${row.sourceId ? ` (${row.sourceId})` : ""}`, finding });
      }
      results.push({
        id: row.id,
        values: after.values,
        keys: after.keys,
        findings: after.findings,
        // A first normalize always writes: import's columns are only assumed to equal `before`.
        valuesStored: stored !== null && holdsValues(stored.values, after.values),
        keysStored: stored !== null && holdsKeys(stored.keys, after.keys),
      });
    }
    const { writer } = this;
    if (writer) this.writeTurn(() => writer.write(results, this.job.now));
    return results.length;
  }

  valuesOf(row: StoredRow): MappedValues {
    const { mapping, fromJson } = this.mappingOf(row.batchId);
    return mappedValues(row.raw, mapping, fromJson);
  }
}

/** Whether the store already holds every value normalize would write. */
function holdsValues(stored: StoredNormalization["values"], values: Record<string, string | null>): boolean {
  for (const field of NORMALIZED_FIELDS) if (stored[field] !== (values[field] ?? null)) return false;
  return true;
}

/** Whether an earlier normalize already stored exactly these keys. */
function holdsKeys(stored: StoredNormalization["keys"], keys: Record<string, string | null>): boolean {
  for (const key of KEY_FIELDS) if (stored[key] !== (keys[key] ?? null)) return false;
  return true;
}

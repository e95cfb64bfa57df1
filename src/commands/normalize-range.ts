/**
 * Normalizing the store one id range at a time: read the range, re-derive each record's values from its raw
 * row, normalize (pure stage), write the results in one transaction. Used inline for small stores and by
 * each worker thread (normalize-worker.ts) for large ones: every worker has its own connection and its own
 * ranges, so no record crosses threads.
 */
import { mappedValues } from "../fields/raw.js";
import type { Finding } from "../model/finding.js";
import { KEY_NAMES } from "../model/keys.js";
import type { RecordValues } from "../model/record.js";
import { type NormalizeContext, normalizeRecord } from "../stages/normalize/index.js";
import { NormalizeSummary } from "../stages/normalize/summary.js";
import {
  batchMappings,
  NORMALIZED_FIELDS,
  type NormalizedRow,
  NormalizedWriter,
  rowsInIdRange,
  type StoredNormalization,
  type StoredRow,
} from "../store/normalize.js";
import type { Db } from "../store/open.js";

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

/** Whose turn it is to write: workers take turns, since SQLite allows one writer at a time. */
export interface WriteTurn {
  /** Wait for the turn, then write. */
  take(write: () => void): void;
  /** Write if nobody else is writing; false (nothing written) otherwise. */
  tryTake(write: () => void): boolean;
}

/** The main thread normalizing alone: always its turn. */
const ALONE: WriteTurn = {
  take: (write) => write(),
  tryTake: (write) => {
    write();
    return true;
  },
};

/**
 * A mutex in shared memory for the workers' write transactions. SQLite's busy handler waits by sleeping with
 * back-off, which made two workers slower than one; handing the turn over with Atomics wakes the waiting
 * worker the moment the other commits.
 */
export function sharedWriteTurn(buffer: SharedArrayBuffer): WriteTurn {
  const lock = new Int32Array(buffer);
  const release = () => {
    Atomics.store(lock, 0, 0);
    Atomics.notify(lock, 0, 1);
  };
  const writeAndRelease = (write: () => void) => {
    try {
      write();
    } finally {
      release();
    }
  };
  return {
    take(write) {
      while (Atomics.compareExchange(lock, 0, 0, 1) !== 0) Atomics.wait(lock, 0, 1);
      writeAndRelease(write);
    },
    tryTake(write) {
      if (Atomics.compareExchange(lock, 0, 0, 1) !== 0) return false;
      writeAndRelease(write);
      return true;
    },
  };
}

export function newTally(): RangeTally {
  return { summary: new NormalizeSummary(), perSource: {}, findings: [] };
}

export class RangeNormalizer {
  private readonly rows;
  private readonly writer;
  private readonly mappingOf;
  /** Results kept back while the other worker was writing (see write). */
  private held: NormalizedRow[] = [];

  constructor(
    db: Db,
    private readonly job: RangeJob,
    /** Workers take turns writing through this, instead of sleeping in SQLite's busy handler. */
    private readonly writeTurn: WriteTurn = ALONE,
    readonly tally: RangeTally = newTally(),
  ) {
    this.rows = rowsInIdRange(db, KEY_NAMES);
    this.mappingOf = batchMappings(db);
    this.writer = job.dryRun ? undefined : new NormalizedWriter(db, KEY_NAMES);
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
    if (this.writer) this.write(results);
    return results.length;
  }

  /**
   * Write a range's results. If the other worker is writing, keep them and go on normalizing the next range
   * rather than wait with a core idle; they are written with that range's (one held range at most).
   */
  private write(results: NormalizedRow[]): void {
    const writer = this.writer as NormalizedWriter;
    const held = this.held;
    // One transaction per range, so each checks for earlier findings over its own ids only.
    const write = () => {
      if (held.length > 0) writer.write(held, this.job.now);
      writer.write(results, this.job.now);
    };
    if (held.length > 0) this.writeTurn.take(write);
    else if (!this.writeTurn.tryTake(write)) {
      this.held = results;
      return;
    }
    this.held = [];
  }

  /** Write what is still held; call once, after the last range. */
  finish(): void {
    if (this.writer && this.held.length > 0) this.writeTurn.take(() => this.writer?.write(this.held, this.job.now));
    this.held = [];
  }

  valuesOf(row: StoredRow): RecordValues {
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
  for (const key of KEY_NAMES) if (stored[key] !== (keys[key] ?? null)) return false;
  return true;
}

/**
 * normalize's work on one id range of the store (a RangeStage, see pipeline/range-stages.ts): each current
 * record's values, derived again from its raw row, through the pure stage, compared with what the store holds,
 * into rows to write. Runs inline or in a worker thread; the main thread writes the rows (normalize.ts).
 */
import { keysJson } from "../model/keys.js";
import type { RecordValues } from "../model/record.js";
import type { RangeStage } from "../pipeline/range-stages.js";
import { type NormalizeContext, normalizeRecord } from "../stages/normalize/index.js";
import { NormalizeSummary, SHOWN_FINDINGS, type ShownFinding } from "../stages/normalize/summary.js";
import { NORMALIZED_FIELDS, type NormalizedPage } from "../store/normalize.js";
import { storedRecords } from "../store/records.js";

export interface NormalizeSetup {
  /** Normalize settings per source; records of other sources are skipped. */
  contexts: Record<string, NormalizeContext>;
  /** Only records never normalized (dedupe's normalize-first); the others are left as they are. */
  onlyNew?: boolean | undefined;
}

export interface NormalizedRange {
  /** What to write for every record of the range that was normalized, in id order. */
  page: NormalizedPage;
  summary: Pick<NormalizeSummary, "fields" | "records" | "findings">;
  perSource: Record<string, number>;
  /** The range's first findings. */
  shown: ShownFinding[];
}

export const normalizeRange: RangeStage<NormalizeSetup, NormalizedRange> = {
  open(db, { contexts, onlyNew }) {
    const records = storedRecords(db, { keys: true });
    return (range) => {
      const page: NormalizedPage = { ids: [], rewrite: [], values: [], keys: [], findings: [] };
      const result: NormalizedRange = { page, summary: new NormalizeSummary(), perSource: {}, shown: [] };
      const summary = result.summary as NormalizeSummary;
      for (const record of records(range)) {
        const context = contexts[record.source];
        if (!context || (onlyNew && record.normalized !== null)) continue;
        const before = record.values;
        const after = normalizeRecord(before, context);
        // "Changed" means changed from what the store holds now, so a second run (or its dry run) reports nothing.
        // Before the first normalize the store holds import's values: the raw row's, trimmed, as `before`.
        const stored = record.normalized;
        summary.add(stored?.values ?? before, after);
        result.perSource[record.source] = (result.perSource[record.source] ?? 0) + 1;
        for (const finding of after.findings) {
          if (result.shown.length >= SHOWN_FINDINGS) break;
          result.shown.push({ where: `${record.source}:${record.line}${record.sourceId ? ` (${record.sourceId})` : ""}`, finding });
        }
        if (after.findings.length > 0) page.findings.push([page.ids.length, after.findings]);
        page.ids.push(record.recordId as number);
        // A first normalize always writes: import's columns are only assumed to equal `before`.
        const rewrite = stored === null || !holdsValues(stored.values, after.values);
        page.rewrite.push(rewrite);
        if (rewrite) for (const field of NORMALIZED_FIELDS) page.values.push(after.values[field]);
        const keys = keysJson(after.keys);
        // Written (with normalized_at) whenever the record's values or keys change: later stages (dedupe's
        // incremental run) find what changed since their last run by normalized_at.
        page.keys.push(stored !== null && stored.keys === keys && !rewrite ? null : keys);
      }
      return result;
    };
  },
};

/** Whether the store already holds every value normalize would write. */
function holdsValues(stored: RecordValues, values: RecordValues): boolean {
  for (const field of NORMALIZED_FIELDS) if (stored[field] !== values[field]) return false;
  return true;
}

/**
 * The figures a quality report is assembled from, as plain counts: what the store's SQL aggregates return
 * (src/store/report.ts) and what the files' tally counts in memory (file-tally.ts). Both fill these shapes, and
 * one assembly (assemble.ts) turns them into the report, so the two modes cannot compute a figure differently.
 */
import type { CanonicalField } from "../../fields/canonical.js";
import type { Severity } from "../../model/finding.js";

/** One field's countable figures over a scope (every record, or one source's). */
export interface CountedField {
  filled: number;
  /** Filled records with an error finding on the field. */
  invalid: number;
  distinct: number;
  findings: { rule: string; severity: Severity; count: number }[];
}

export interface CountedScope {
  records: number;
  /** Records with an updated_at of their own that is a date. */
  dated: number;
  /** Age in whole days (updated_at, else import time) → records. */
  ages: [days: number, records: number][];
  fields: Partial<Record<CanonicalField, CountedField>>;
}

/** What one pass over the raw values finds for a field (shape-tally.ts). */
export interface ShapedField {
  /** Raw (as sent) filled values by shape. */
  rawShapes: Map<string, number>;
  /** Distinct shapes of the canonical values (counted over all records only: 0 in a source's scope). */
  canonicalShapes: number;
  /** Records whose canonical value is not their raw one. */
  rewritten: number;
  /** Records with a raw value whose canonical value is empty or has an error finding. */
  unusable: number;
}

export type ShapedScope = Partial<Record<CanonicalField, ShapedField>>;

export interface ScopeFigures {
  counted: CountedScope;
  shaped: ShapedScope;
}

export interface QualityFigures {
  all: ScopeFigures;
  bySource: Map<string, ScopeFigures>;
}

/**
 * Distinct canonical values per field, per source and over all records, counted in the pass the store report
 * makes over every row anyway (for the value shapes). SQL can count them, but count(DISTINCT) over eighteen
 * columns twice (per source, and over all) took 45 of the report's 60 seconds of SQL on a million records, where
 * the same counts here add about 5 (BENCHMARKS.md "report"): the price is memory, one copy of each distinct
 * value (about 300 MB for a million records).
 */
import { CANONICAL_FIELDS, type CanonicalField } from "../../fields/canonical.js";
import type { RecordValues } from "../../model/record.js";

export class DistinctTally {
  private readonly sources = new Map<string, Set<string>[]>();

  add(source: string, canonical: RecordValues): void {
    let sets = this.sources.get(source);
    if (!sets) {
      sets = CANONICAL_FIELDS.map(() => new Set<string>());
      this.sources.set(source, sets);
    }
    for (let i = 0; i < CANONICAL_FIELDS.length; i++) {
      const value = canonical[CANONICAL_FIELDS[i] as CanonicalField];
      if (value !== null && value !== "") (sets[i] as Set<string>).add(value);
    }
  }

  /** field → distinct values, over all records and per source. */
  result(): { all: Partial<Record<CanonicalField, number>>; bySource: Map<string, Partial<Record<CanonicalField, number>>> } {
    const bySource = new Map<string, Partial<Record<CanonicalField, number>>>();
    const all: Partial<Record<CanonicalField, number>> = {};
    const sets = [...this.sources.values()];
    for (const [source, fields] of this.sources) {
      bySource.set(source, Object.fromEntries(CANONICAL_FIELDS.map((field, i) => [field, (fields[i] as Set<string>).size])));
    }
    CANONICAL_FIELDS.forEach((field, i) => {
      // One source: its set is the whole; several: the union, built from the largest so the fewest values move.
      const parts = sets.map((fields) => fields[i] as Set<string>).sort((a, b) => b.size - a.size);
      if (parts.length <= 1) {
        all[field] = parts[0]?.size ?? 0;
        return;
      }
      const union = new Set(parts[0]);
      for (const part of parts.slice(1)) for (const value of part) union.add(value);
      all[field] = union.size;
    });
    return { all, bySource };
  }
}

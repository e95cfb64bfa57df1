/**
 * Distinct canonical values per field, per source and over all records, counted in the pass the store report
 * makes over every row anyway (for the value shapes). SQL can count them, but count(DISTINCT) over eighteen
 * columns twice (per source, and over all) took 45 of the report's 60 seconds of SQL on a million records
 * (BENCHMARKS.md "report"). One map per field, value → the sources that have it (a bit each), answers both with
 * one lookup per value; the price is memory, one copy of each distinct value.
 */
import { CANONICAL_FIELDS, type CanonicalField } from "../../fields/canonical.js";
import type { RecordValues } from "../../model/record.js";

/** Sources that get a bit of their own (a small integer stays a V8 small integer); later ones count by pairs. */
const MASK_SOURCES = 30;

type Counts = Partial<Record<CanonicalField, number>>;

export class DistinctTally {
  private readonly sourceIndex = new Map<string, number>();
  private readonly values: Map<string, number>[] = CANONICAL_FIELDS.map(() => new Map());
  /** Beyond MASK_SOURCES sources: `index \0 value` pairs seen, per field. */
  private readonly pairs: Set<string>[] = CANONICAL_FIELDS.map(() => new Set());
  /** Distinct values per source index, per field. */
  private readonly perSource: number[][] = [];

  add(source: string, canonical: RecordValues): void {
    let index = this.sourceIndex.get(source);
    if (index === undefined) {
      index = this.sourceIndex.size;
      this.sourceIndex.set(source, index);
      this.perSource.push(CANONICAL_FIELDS.map(() => 0));
    }
    const counts = this.perSource[index] as number[];
    const bit = index < MASK_SOURCES ? 1 << index : 0;
    for (let i = 0; i < CANONICAL_FIELDS.length; i++) {
      const value = canonical[CANONICAL_FIELDS[i] as CanonicalField];
      if (value === null || value === "") continue;
      const values = this.values[i] as Map<string, number>;
      const seen = values.get(value);
      if (bit !== 0) {
        if (seen === undefined) values.set(value, bit);
        else if ((seen & bit) !== 0) continue;
        else values.set(value, seen | bit);
        counts[i] = (counts[i] as number) + 1;
      } else {
        if (seen === undefined) values.set(value, 0);
        const pairs = this.pairs[i] as Set<string>;
        const pair = `${index}\u0000${value}`;
        if (pairs.has(pair)) continue;
        pairs.add(pair);
        counts[i] = (counts[i] as number) + 1;
      }
    }
  }

  /** field → distinct values, over all records and per source. */
  result(): { all: Counts; bySource: Map<string, Counts> } {
    const all: Counts = Object.fromEntries(CANONICAL_FIELDS.map((field, i) => [field, (this.values[i] as Map<string, number>).size]));
    const bySource = new Map<string, Counts>();
    for (const [source, index] of this.sourceIndex) {
      const counts = this.perSource[index] as number[];
      bySource.set(source, Object.fromEntries(CANONICAL_FIELDS.map((field, i) => [field, counts[i] as number])));
    }
    return { all, bySource };
  }
}

/**
 * Distinct canonical values per field, per source and over all records, counted in the pass the store report
 * makes over every row anyway (for the value shapes). SQL can count them, but count(DISTINCT) over eighteen
 * columns twice (per source, and over all) took 45 of the report's 60 seconds of SQL on a million records
 * (BENCHMARKS.md "report"). One table per field, value → the sources that have it (a bit each), answers both
 * with one lookup per value; the price is memory, one reference to each distinct value. The tables are
 * string-table.ts's typed arrays rather than Maps (the look-ups were a third of the report's time).
 */
import { CANONICAL_FIELDS, type CanonicalField } from "../../fields/canonical.js";
import type { RecordValues } from "../../model/record.js";
import { StringTable, stringHash } from "../string-table.js";
import { shapeKey } from "./shape.js";

/** Sources that get a bit of their own (a small integer stays a V8 small integer); later ones count by pairs. */
const MASK_SOURCES = 30;

type Counts = Partial<Record<CanonicalField, number>>;

/** field → distinct values, over all records and per source; and the distinct shapes of those values. */
export interface DistinctCounts {
  all: Counts;
  bySource: Map<string, Counts>;
  /**
   * field → distinct shapes of its canonical values over all records (a format-consistency figure): the shapes
   * of the distinct values, so each value is shaped once, not once per record.
   */
  canonicalShapes: Counts;
}

export class DistinctTally {
  private readonly sourceIndex = new Map<string, number>();
  private readonly values: StringTable[];
  /** Per field, value index → its sources' bits (0 beyond MASK_SOURCES). */
  private readonly masks: Uint32Array[] = CANONICAL_FIELDS.map(() => new Uint32Array(64));
  /** Beyond MASK_SOURCES sources: `index \0 value` pairs seen, per field. */
  private readonly pairs: Set<string>[] = CANONICAL_FIELDS.map(() => new Set());
  /** Distinct values per source index, per field. */
  private readonly perSource: number[][] = [];

  /** `hash`: the tables' string hash (tests pass one that collides on purpose). */
  constructor(hash: (text: string) => number = stringHash) {
    this.values = CANONICAL_FIELDS.map(() => new StringTable(hash));
  }

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
      const table = this.values[i] as StringTable;
      const before = table.size;
      const valueIndex = table.intern(value);
      let masks = this.masks[i] as Uint32Array;
      if (valueIndex >= masks.length) {
        const grown = new Uint32Array(masks.length * 2);
        grown.set(masks);
        masks = grown;
        this.masks[i] = grown;
      }
      if (bit !== 0) {
        const seen = valueIndex === before ? 0 : (masks[valueIndex] as number);
        if ((seen & bit) !== 0) continue;
        masks[valueIndex] = (seen | bit) >>> 0;
        counts[i] = (counts[i] as number) + 1;
      } else {
        const pairs = this.pairs[i] as Set<string>;
        const pair = `${index}\u0000${value}`;
        if (pairs.has(pair)) continue;
        pairs.add(pair);
        counts[i] = (counts[i] as number) + 1;
      }
    }
  }

  /** field → distinct values, over all records and per source. */
  result(): DistinctCounts {
    const all: Counts = Object.fromEntries(CANONICAL_FIELDS.map((field, i) => [field, (this.values[i] as StringTable).size]));
    const bySource = new Map<string, Counts>();
    for (const [source, index] of this.sourceIndex) {
      const counts = this.perSource[index] as number[];
      bySource.set(source, Object.fromEntries(CANONICAL_FIELDS.map((field, i) => [field, counts[i] as number])));
    }
    const canonicalShapes: Counts = Object.fromEntries(
      CANONICAL_FIELDS.map((field, i) => {
        const shapes = new Set<number>();
        for (const value of (this.values[i] as StringTable).strings()) shapes.add(shapeKey(value));
        return [field, shapes.size];
      }),
    );
    return { all, bySource, canonicalShapes };
  }
}

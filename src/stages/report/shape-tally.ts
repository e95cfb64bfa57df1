/**
 * One pass over records' raw and canonical values: the shapes of the raw values (formats, consistency) and what
 * normalize did to them (before and after cleaning). The one figure SQL cannot count: shapes need every
 * character looked at, so the store report runs this over its rows once (measured in BENCHMARKS.md "report").
 * Counted per source only, by field index; the figures over all records are the sums, made once at the end.
 * The canonical values' distinct shapes are not counted here but from the distinct values (distinct-tally.ts):
 * shaping each distinct value once, rather than every record's, was a third of this pass.
 */
import { CANONICAL_FIELDS, type CanonicalField } from "../../fields/canonical.js";
import type { RecordValues } from "../../model/record.js";
import type { ShapedField, ShapedScope } from "./figures.js";
import { shapeKey, valueShape } from "./shape.js";

interface FieldCounts {
  /** Shape key (shape.ts shapeKey) → values of that shape. */
  rawShapes: Map<number, number>;
  rewritten: number;
  unusable: number;
  /** Records with a canonical value (an empty string is none). */
  filled: number;
}

const newCounts = (): FieldCounts => ({ rawShapes: new Map(), rewritten: 0, unusable: 0, filled: 0 });
const newScope = (): FieldCounts[] => CANONICAL_FIELDS.map(newCounts);

/** Records and filled values of one scope: what SQL counted in a scan of its own before (completeness). */
export interface FilledCounts {
  records: number;
  /** Per canonical field, in CANONICAL_FIELDS order. */
  filled: number[];
}

/** The canonical values' shapes are only reported over all records (CleaningEffect), so only given there. */
function shapedScope(
  scope: readonly FieldCounts[],
  shapeOf: ReadonlyMap<number, string>,
  canonicalShapes?: Partial<Record<CanonicalField, number>>,
): ShapedScope {
  const shaped: ShapedScope = {};
  CANONICAL_FIELDS.forEach((field, i) => {
    const counts = scope[i] as FieldCounts;
    const after = canonicalShapes?.[field] ?? 0;
    if (counts.rawShapes.size === 0 && after === 0 && counts.rewritten === 0) return;
    const result: ShapedField = {
      rawShapes: new Map([...counts.rawShapes].map(([key, n]) => [shapeOf.get(key) as string, n])),
      canonicalShapes: after,
      rewritten: counts.rewritten,
      unusable: counts.unusable,
    };
    shaped[field] = result;
  });
  return shaped;
}

export class ShapeTally {
  private readonly sources = new Map<string, FieldCounts[]>();
  private readonly records = new Map<string, number>();
  /** Shape key → the shape, built from the first value of that key. */
  private readonly shapeOf = new Map<number, string>();

  /**
   * One record: its raw (mapped, not normalized) values, its canonical ones, and the fields with an error
   * finding (those raw values normalize or validate could not use).
   */
  add(source: string, raw: RecordValues, canonical: RecordValues, errorFields: ReadonlySet<string> | undefined): void {
    let scope = this.sources.get(source);
    if (!scope) {
      scope = newScope();
      this.sources.set(source, scope);
    }
    this.records.set(source, (this.records.get(source) ?? 0) + 1);
    for (let i = 0; i < CANONICAL_FIELDS.length; i++) {
      const field = CANONICAL_FIELDS[i] as (typeof CANONICAL_FIELDS)[number];
      const before = raw[field];
      const stored = canonical[field];
      const after = stored === "" ? null : stored;
      if (before === null && after === null) continue;
      const counts = scope[i] as FieldCounts;
      if (after !== null) counts.filled++;
      if (before !== null) {
        const key = shapeKey(before);
        const seen = counts.rawShapes.get(key);
        if (seen === undefined) {
          counts.rawShapes.set(key, 1);
          if (!this.shapeOf.has(key)) this.shapeOf.set(key, valueShape(before));
        } else counts.rawShapes.set(key, seen + 1);
        if (after === null || errorFields?.has(field)) counts.unusable++;
      }
      if (before !== after) counts.rewritten++;
    }
  }

  /** Records and filled canonical values per source (the pass counts them: one scan of the store fewer). */
  filledCounts(): Map<string, FilledCounts> {
    return new Map(
      [...this.sources].map(([source, scope]) => [
        source,
        { records: this.records.get(source) ?? 0, filled: scope.map((counts) => counts.filled) },
      ]),
    );
  }

  /** `canonicalShapes`: field → distinct shapes of its canonical values (DistinctCounts.canonicalShapes). */
  result(canonicalShapes: Partial<Record<CanonicalField, number>>): { all: ShapedScope; bySource: Map<string, ShapedScope> } {
    const all = newScope();
    for (const scope of this.sources.values()) {
      scope.forEach((counts, i) => {
        const total = all[i] as FieldCounts;
        for (const [shape, n] of counts.rawShapes) total.rawShapes.set(shape, (total.rawShapes.get(shape) ?? 0) + n);
        total.rewritten += counts.rewritten;
        total.unusable += counts.unusable;
      });
    }
    return {
      all: shapedScope(all, this.shapeOf, canonicalShapes),
      bySource: new Map([...this.sources].map(([source, scope]) => [source, shapedScope(scope, this.shapeOf)])),
    };
  }
}

/**
 * Interned feature columns (features.ts's FeatureColumn): built a value at a time, derived from another column
 * once per distinct value, overlaid, or paired. Plain typed arrays and string tables, no record in sight.
 */
import { StringTable } from "../string-table.js";
import type { FeatureColumn } from "./features.js";

export class ColumnBuilder {
  private ids = new Int32Array(1024);
  // Interned in a StringTable rather than a Map: a million distinct emails, phones or streets cost a third less.
  private readonly table = new StringTable();
  private counts = new Uint32Array(1024);
  filled = 0;

  /** Sets the row's value; returns its id (-1: missing). */
  add(row: number, value: string | null): number {
    if (row >= this.ids.length) this.ids = grow(this.ids, row + 1);
    if (value === null) {
      this.ids[row] = -1;
      return -1;
    }
    const id = this.table.intern(value);
    if (id >= this.counts.length) this.counts = grow(this.counts, id + 1);
    this.ids[row] = id;
    this.counts[id] = (this.counts[id] as number) + 1;
    this.filled++;
    return id;
  }

  /** The hash of value `id` (stringHash). */
  hashAt(id: number): number {
    return this.table.hashAt(id);
  }

  get values(): readonly string[] {
    return this.table.strings();
  }

  build(size: number): FeatureColumn {
    const values = this.table.strings();
    const counts = this.counts.slice(0, values.length);
    return { ids: this.ids.slice(0, size), values, counts, hashes: this.table.valueHashes(), filled: this.filled };
  }
}

export function grow<T extends Int32Array | Uint32Array | Float64Array>(array: T, atLeast: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(atLeast, array.length * 2));
  bigger.set(array);
  return bigger;
}

/** A feature derived from another, computed once per distinct parent value. */
export function derivedColumn(parent: FeatureColumn, derive: (value: string) => string | null): FeatureColumn {
  const byParent = new Int32Array(parent.values.length);
  const table = new StringTable();
  parent.values.forEach((value, id) => {
    const derived = derive(value);
    byParent[id] = derived === null ? -1 : table.intern(derived);
  });
  const values = table.strings();
  const ids = new Int32Array(parent.ids.length);
  const counts = new Uint32Array(values.length);
  let filled = 0;
  for (let row = 0; row < ids.length; row++) {
    const p = parent.ids[row] as number;
    const id = p < 0 ? -1 : (byParent[p] as number);
    ids[row] = id;
    if (id >= 0) {
      counts[id] = (counts[id] as number) + 1;
      filled++;
    }
  }
  return { ids, values, counts, hashes: table.valueHashes(), filled };
}

/** `base` where it has a value, else `fallback` (values re-interned into one table). */
export function overlay(base: FeatureColumn, fallback: FeatureColumn): FeatureColumn {
  if (fallback.filled === 0) return base;
  const builder = new ColumnBuilder();
  for (let row = 0; row < base.ids.length; row++) {
    const b = base.ids[row] as number;
    const f = fallback.ids[row] as number;
    builder.add(row, b >= 0 ? (base.values[b] as string) : f >= 0 ? (fallback.values[f] as string) : null);
  }
  return builder.build(base.ids.length);
}

/** Both names' phonetic codes, in sorted order ("given family" and "family given" give the same value). */
export function phoneticPair(given: FeatureColumn, family: FeatureColumn): FeatureColumn {
  const builder = new ColumnBuilder();
  const memo = new Map<number, string>();
  for (let row = 0; row < given.ids.length; row++) {
    const g = given.ids[row] as number;
    const f = family.ids[row] as number;
    if (g < 0 || f < 0) {
      builder.add(row, null);
      continue;
    }
    const key = g * 2 ** 26 + f;
    let value = memo.get(key);
    if (value === undefined) {
      const a = given.values[g] as string;
      const b = family.values[f] as string;
      value = a < b ? `${a} ${b}` : `${b} ${a}`;
      memo.set(key, value);
    }
    builder.add(row, value);
  }
  return builder.build(given.ids.length);
}

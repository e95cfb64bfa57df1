/**
 * The parts of the customer profile (客户画像) that depend on each customer's current records, counted in the
 * store report's one pass over those records instead of three GROUP BY scans of them (sources per customer,
 * their combinations, recency: 8-11 s of SQL on a million records, BENCHMARKS.md "report"). Customer ids are
 * small integers (INTEGER PRIMARY KEY), so a typed array per figure indexed by id holds a customer's state:
 * a bit per source and its newest record's age, a few MB for a million customers, no Map.
 * Same figures as the SQL it replaces: sources in BINARY (code point) order joined with " + ", customers with
 * no current record counted as unknown (null).
 */
import type { Histogram } from "./profile.js";

/** Sources up to this many get a bit of the customer's mask; later ones (a rare store) a set per customer. */
const MASK_SOURCES = 31;
const NO_AGE = 0x7fffffff;

/** SQLite's BINARY collation on UTF-8 text is code point order; JS `<` compares UTF-16 units instead. */
export function codePointCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

export interface CustomerFigures {
  /** Customers with at least one current record from each source. */
  source: Histogram;
  /** Customers by the sorted combination of their records' sources (unknown: none current). */
  sources: Histogram;
  /** Days since each customer's newest record → customers (null: none current). */
  recencyDays: [days: number | null, customers: number][];
}

export class CustomerTally {
  private readonly sourceIndex = new Map<string, number>();
  private masks = new Uint32Array(1024);
  /** Smallest age in days seen per customer, NO_AGE when none (a record's age may be negative: future dates). */
  private ages = new Int32Array(1024).fill(NO_AGE);
  private seen = new Uint8Array(1024);
  private readonly extra = new Map<number, Set<number>>();

  /** One current record of an active customer: its source and its age in whole days (null: no date at all). */
  add(customerId: number, source: string, days: number | null): void {
    if (!Number.isSafeInteger(customerId) || customerId < 0) throw new RangeError(`customer id ${customerId} is not an integer id`);
    if (customerId >= this.masks.length) this.grow(customerId);
    let index = this.sourceIndex.get(source);
    if (index === undefined) {
      index = this.sourceIndex.size;
      this.sourceIndex.set(source, index);
    }
    this.seen[customerId] = 1;
    if (index < MASK_SOURCES) (this.masks as Uint32Array)[customerId] = ((this.masks[customerId] as number) | (1 << index)) >>> 0;
    else {
      let set = this.extra.get(customerId);
      if (!set) {
        set = new Set();
        this.extra.set(customerId, set);
      }
      set.add(index);
    }
    if (days !== null && days < (this.ages[customerId] as number)) this.ages[customerId] = days;
  }

  private grow(id: number): void {
    let size = this.masks.length;
    while (size <= id) size *= 2;
    const masks = new Uint32Array(size);
    masks.set(this.masks);
    const ages = new Int32Array(size).fill(NO_AGE);
    ages.set(this.ages);
    const seen = new Uint8Array(size);
    seen.set(this.seen);
    this.masks = masks;
    this.ages = ages;
    this.seen = seen;
  }

  /** `customers`: the active customers, so that those with no current record count as unknown. */
  result(customers: number): CustomerFigures {
    const names = [...this.sourceIndex.keys()];
    const perSource = names.map(() => 0);
    const combinations = new Map<string, number>();
    const recency = new Map<number | null, number>();
    /** A mask's combination text, made once per distinct mask. */
    const comboOfMask = new Map<number, string>();
    const combo = (indexes: number[]) =>
      indexes
        .map((i) => names[i] as string)
        .sort(codePointCompare)
        .join(" + ");
    let counted = 0;
    for (let id = 0; id < this.seen.length; id++) {
      if (this.seen[id] === 0) continue;
      counted++;
      const mask = this.masks[id] as number;
      const extra = this.extra.get(id);
      const indexes: number[] = [];
      for (let i = 0; i < MASK_SOURCES; i++) if ((mask >>> i) & 1) indexes.push(i);
      if (extra) indexes.push(...extra);
      for (const i of indexes) perSource[i] = (perSource[i] as number) + 1;
      let text = extra ? undefined : comboOfMask.get(mask);
      if (text === undefined) {
        text = combo(indexes);
        if (!extra) comboOfMask.set(mask, text);
      }
      combinations.set(text, (combinations.get(text) ?? 0) + 1);
      // As SQL's min() over no dates: a customer seen, but with no age, is in the null group.
      const days = this.ages[id] === NO_AGE ? null : (this.ages[id] as number);
      recency.set(days, (recency.get(days) ?? 0) + 1);
    }
    const unknown = customers - counted;
    const sources: Histogram = [...combinations];
    if (unknown > 0) {
      sources.push([null, unknown]);
      recency.set(null, (recency.get(null) ?? 0) + unknown);
    }
    const recencyDays: [number | null, number][] = [...recency];
    return {
      source: names.map((name, i): [string, number] => [name, perSource[i] as number]).filter(([, n]) => n > 0),
      sources,
      recencyDays,
    };
  }
}

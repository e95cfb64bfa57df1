/**
 * Blocking: which pairs of records are scored at all. Each equality rule groups the records that agree on all
 * its features (a counting sort on an interned key per record); every pair inside a group is a candidate,
 * unless an earlier rule found it already (Splink's rule ordering: a pair is scored once, under the first rule
 * whose keys agree, tested by comparing those keys again). Sorted-neighbourhood rules come after the equality
 * rules: each record is paired with its next neighbours in the order of the feature, which catches typos that
 * break every equality key.
 *
 * A rule is used only when the records fill its features. A value shared by more than `maxBlockSize` records
 * (a placeholder email, a shop's phone) would make a block of millions of pairs: it is skipped and reported.
 */
import type { FeatureColumn, RecordTable } from "./features.js";
import { type BlockingRule, type EqualityRule, isSortedRule, ruleFeatures, type SortedRule } from "./spec.js";

export interface RuleReport {
  name: string;
  /** false: its features are not filled (the reason says which). */
  used: boolean;
  reason?: string;
  /** Candidate pairs this rule found first. */
  pairs: number;
}

/** Values left out of blocking because too many records share them. */
export interface CappedBlock {
  rule: string;
  features: string;
  /** The largest such value, as the records hold it (the user needs to see which value to clean). */
  value: string;
  records: number;
  /** How many values of this rule were left out. */
  values: number;
}

export interface CandidatePairs {
  /** Table rows, a[k] < b[k]. */
  a: Int32Array;
  b: Int32Array;
  /** Index of the rule that found the pair (in `rules`). */
  rule: Uint8Array;
  count: number;
  rules: RuleReport[];
  capped: CappedBlock[];
  /** Per rule (by index): each row's key, -1 when missing or in a capped block; undefined for rules not used or sorted. */
  keys: (Int32Array | undefined)[];
}

export interface BlockingOptions {
  maxBlockSize: number;
  /** Incremental runs: only pairs with at least one dirty record (new or changed) are emitted. */
  dirty?: Uint8Array | undefined;
  /**
   * Incremental runs on part of the store: per rule (by index), rows whose key the whole store shares with more
   * records than the limit, so a full run would leave it out (the caller counts them; this table holds only some).
   */
  leftOut?: readonly (Uint8Array | undefined)[] | undefined;
}

class PairBuffer {
  a = new Int32Array(1 << 16);
  b = new Int32Array(1 << 16);
  rule = new Uint8Array(1 << 16);
  count = 0;
  push(a: number, b: number, rule: number): void {
    if (this.count === this.a.length) {
      const size = this.a.length * 2;
      const grow = <T extends Int32Array | Uint8Array>(old: T, make: new (n: number) => T) => {
        const next = new make(size);
        next.set(old);
        return next;
      };
      this.a = grow(this.a, Int32Array);
      this.b = grow(this.b, Int32Array);
      this.rule = grow(this.rule, Uint8Array);
    }
    this.a[this.count] = a;
    this.b[this.count] = b;
    this.rule[this.count] = rule;
    this.count++;
  }
}

/** One key per record for an equality rule: equal where every feature's value is equal, -1 when any is missing. */
export function ruleKeys(table: RecordTable, rule: EqualityRule): Int32Array {
  const [first, ...rest] = rule.on.map((feature) => table.column(feature));
  let keys: Int32Array = Int32Array.from((first as FeatureColumn).ids);
  for (const column of rest) keys = combineKeys(keys, column.ids, column.values.length);
  return keys;
}

/**
 * Keys that agree where both `left` and `right` agree. Rows are grouped by their left key (a counting sort), then
 * numbered by their right value within each group through a scratch array indexed by value id: linear, with no
 * hashing (a Map of combined numbers cost three times as much on a million records).
 */
function combineKeys(left: Int32Array, right: Int32Array, rightValues: number): Int32Array {
  const { order, start, groups } = groupByKey(left);
  const combined = new Int32Array(left.length).fill(-1);
  const scratch = new Int32Array(rightValues).fill(-1);
  let next = 0;
  for (let g = 0; g < groups; g++) {
    const from = start[g] as number;
    const to = start[g + 1] as number;
    for (let x = from; x < to; x++) {
      const row = order[x] as number;
      const value = right[row] as number;
      if (value < 0) continue;
      let id = scratch[value] as number;
      if (id < 0) {
        id = next++;
        scratch[value] = id;
      }
      combined[row] = id;
    }
    for (let x = from; x < to; x++) {
      const value = right[order[x] as number] as number;
      if (value >= 0) scratch[value] = -1;
    }
  }
  return combined;
}

/** Rows grouped by key: rows with key k are order[start[k]] .. order[start[k + 1] - 1], in row order. */
function groupByKey(keys: Int32Array): { order: Int32Array; start: Int32Array; groups: number } {
  let groups = 0;
  for (const key of keys) if (key >= groups) groups = key + 1;
  const start = new Int32Array(groups + 1);
  for (const key of keys) if (key >= 0) (start[key + 1] as number)++;
  for (let k = 0; k < groups; k++) start[k + 1] = (start[k + 1] as number) + (start[k] as number);
  const next = start.slice(0, groups);
  const order = new Int32Array(start[groups] as number);
  for (let row = 0; row < keys.length; row++) {
    const key = keys[row] as number;
    if (key >= 0) order[(next[key] as number)++] = row;
  }
  return { order, start, groups };
}

/** Why a rule cannot be used on these records, or undefined. */
function unusable(table: RecordTable, rule: BlockingRule): string | undefined {
  const missing = ruleFeatures(rule).filter((feature) => !table.has(feature) || table.column(feature).filled < 2);
  return missing.length > 0 ? `no records fill ${missing.join(", ")}` : undefined;
}

export function blockPairs(table: RecordTable, rules: readonly BlockingRule[], options: BlockingOptions): CandidatePairs {
  const buffer = new PairBuffer();
  const reports: RuleReport[] = [];
  const capped: CappedBlock[] = [];
  const earlier: Int32Array[] = [];
  const dirty = options.dirty;
  const known = (x: number, y: number) => {
    for (const keys of earlier) {
      const key = keys[x] as number;
      if (key >= 0 && key === keys[y]) return true;
    }
    return false;
  };
  const sortedSeen = new Set<number>();
  const keysByRule: (Int32Array | undefined)[] = rules.map(() => undefined);

  rules.forEach((rule, index) => {
    const reason = unusable(table, rule);
    const report: RuleReport = { name: rule.name, used: reason === undefined, pairs: 0, ...(reason ? { reason } : {}) };
    reports.push(report);
    if (reason) return;
    const before = buffer.count;
    if (isSortedRule(rule)) sortedNeighbourhood(table, rule, index, buffer, known, sortedSeen, dirty);
    else {
      const keys = ruleKeys(table, rule);
      const leftOut = options.leftOut?.[index];
      if (leftOut) for (let row = 0; row < keys.length; row++) if (leftOut[row] === 1) keys[row] = -1;
      const { order, start, groups } = groupByKey(keys);
      let cappedValues = 0;
      let largest = -1;
      let largestSize = 0;
      for (let k = 0; k < groups; k++) {
        const from = start[k] as number;
        const to = start[k + 1] as number;
        const size = to - from;
        if (size < 2) continue;
        if (size > options.maxBlockSize) {
          cappedValues++;
          if (size > largestSize) [largest, largestSize] = [k, size];
          // Not a key for later rules either: this rule found none of these pairs.
          for (let x = from; x < to; x++) keys[order[x] as number] = -1;
          continue;
        }
        for (let x = from; x < to; x++) {
          const left = order[x] as number;
          for (let y = x + 1; y < to; y++) {
            const right = order[y] as number;
            if (dirty && !dirty[left] && !dirty[right]) continue;
            if (!known(left, right)) buffer.push(left, right, index);
          }
        }
      }
      if (cappedValues > 0) {
        const row = order[start[largest] as number] as number;
        const value = rule.on.map((feature) => table.column(feature).values[table.column(feature).ids[row] as number]).join(" + ");
        capped.push({ rule: rule.name, features: rule.on.join(" + "), value, records: largestSize, values: cappedValues });
      }
      earlier.push(keys);
      keysByRule[index] = keys;
    }
    report.pairs = buffer.count - before;
  });
  return {
    a: buffer.a.slice(0, buffer.count),
    b: buffer.b.slice(0, buffer.count),
    rule: buffer.rule.slice(0, buffer.count),
    count: buffer.count,
    rules: reports,
    capped,
    keys: keysByRule,
  };
}

function sortedNeighbourhood(
  table: RecordTable,
  rule: SortedRule,
  index: number,
  buffer: PairBuffer,
  known: (x: number, y: number) => boolean,
  seen: Set<number>,
  dirty: Uint8Array | undefined,
): void {
  const column = table.column(rule.sorted);
  const rows: number[] = [];
  for (let row = 0; row < table.size; row++) if ((column.ids[row] as number) >= 0) rows.push(row);
  // Sorted by value, then by row: a stable order that does not depend on the records' arrival.
  const text = (row: number) => column.values[column.ids[row] as number] as string;
  rows.sort((x, y) => {
    const a = text(x);
    const b = text(y);
    return a < b ? -1 : a > b ? 1 : x - y;
  });
  for (let t = 0; t < rows.length; t++) {
    for (let k = 1; k < rule.window && t + k < rows.length; k++) {
      const p = rows[t] as number;
      const q = rows[t + k] as number;
      const [left, right] = p < q ? [p, q] : [q, p];
      if (dirty && !dirty[left] && !dirty[right]) continue;
      const id = left * table.size + right;
      if (seen.has(id) || known(left, right)) continue;
      seen.add(id);
      buffer.push(left, right, index);
    }
  }
}

/** Which rule would pair records i and j (the first whose keys agree), or undefined: for --explain. */
export function ruleFor(table: RecordTable, rules: readonly BlockingRule[], i: number, j: number): string | undefined {
  for (const rule of rules) {
    if (isSortedRule(rule) || unusable(table, rule)) continue;
    const agree = rule.on.every((feature) => {
      const ids = table.column(feature).ids;
      return (ids[i] as number) >= 0 && ids[i] === ids[j];
    });
    if (agree) return rule.name;
  }
  return undefined;
}

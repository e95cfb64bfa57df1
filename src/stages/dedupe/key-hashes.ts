/**
 * Blocking keys as 32-bit hashes of the values, stored after every run (dedupe_index) so that an incremental
 * run finds the stored records sharing a key with a new or changed one by scanning a typed array per rule, and
 * reads only those records, instead of reading and interning the whole store. A hash depends on the values alone,
 * never on a table's interning, so hashes made from the whole store and from a few records agree. A collision
 * only adds a record to read: the candidates are blocked again on their real values.
 */
import type { FeatureColumn, RecordTable } from "./features.js";
import { type BlockingRule, type EqualityRule, isSortedRule } from "./spec.js";

/** No key: a feature of the rule is missing. */
export const NO_KEY = 0;

/** Each row's key hash under each equality rule (undefined for sorted rules), from the columns' value hashes. */
export function ruleKeyHashes(table: RecordTable, rules: readonly BlockingRule[]): (Uint32Array | undefined)[] {
  return rules.map((rule) => (isSortedRule(rule) ? undefined : keyHashes(table, rule)));
}

function keyHashes(table: RecordTable, rule: EqualityRule): Uint32Array {
  const out = new Uint32Array(table.size);
  if (!rule.on.every((feature) => table.has(feature))) return out;
  const columns = rule.on.map((feature) => table.column(feature));
  const values = columns.map((column) => column.hashes);
  for (let row = 0; row < table.size; row++) {
    let hash = 0x811c9dc5;
    let missing = false;
    for (let f = 0; f < columns.length; f++) {
      const id = (columns[f] as FeatureColumn).ids[row] as number;
      if (id < 0) {
        missing = true;
        break;
      }
      hash = Math.imul(hash ^ ((values[f] as Uint32Array)[id] as number), 0x01000193);
    }
    out[row] = missing ? NO_KEY : mix(hash) || 1;
  }
  return out;
}

/** Murmur3's finaliser: spreads the combined hash over all 32 bits. */
function mix(hash: number): number {
  let h = hash >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The stored rows that share a key with the wanted ones, and how many stored rows hold each wanted key (a key
 * held by more records than the block limit is left out of blocking, as a full run leaves it out).
 * `skip[row]` = 1: a stored row that is itself being scored again (or is no longer current).
 */
export function rowsSharingKeys(
  stored: Uint32Array,
  wanted: ReadonlySet<number>,
  skip: Uint8Array,
): { rows: Int32Array; counts: Map<number, number> } {
  const rows: number[] = [];
  const counts = new Map<number, number>();
  // A bit per 2^20 buckets of the wanted hashes: most stored rows are turned away by one array read.
  const bits = new Uint8Array(1 << 17);
  for (const hash of wanted) bits[(hash >>> 3) & 0x1ffff] = (bits[(hash >>> 3) & 0x1ffff] as number) | (1 << (hash & 7));
  for (let row = 0; row < stored.length; row++) {
    const hash = stored[row] as number;
    if (((bits[(hash >>> 3) & 0x1ffff] as number) & (1 << (hash & 7))) === 0) continue;
    if (hash === NO_KEY || skip[row] === 1 || !wanted.has(hash)) continue;
    rows.push(row);
    counts.set(hash, (counts.get(hash) ?? 0) + 1);
  }
  return { rows: Int32Array.from(rows), counts };
}

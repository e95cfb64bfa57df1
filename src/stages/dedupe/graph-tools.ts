/**
 * The general-purpose pieces cluster.ts is built from: sorting typed arrays fast (short rows inline, probabilities
 * by radix), union-find, Fenwick trees and a max-segment tree. No knowledge of records or matching here.
 */

/** Sorts values[from..to) ascending: inline for the short rows most records have, natively for long ones. */
export function insertionOrNativeSort(values: Int32Array, from: number, to: number): void {
  if (to - from > 16) {
    values.subarray(from, to).sort();
    return;
  }
  for (let k = from + 1; k < to; k++) {
    const value = values[k]!;
    let j = k - 1;
    while (j >= from && values[j]! > value) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = value;
  }
}

export function identity(length: number): Int32Array {
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = i;
  return out;
}

/**
 * `items` (edge numbers, ascending) stably sorted by probability: a least-significant-digit radix sort on the
 * doubles' bits, 16 at a time (a comparison sort with a callback is several times slower on millions of edges).
 */
export function orderByProbability(probability: Float64Array, items: Int32Array, descending: boolean): Int32Array {
  const count = items.length;
  // Bits that sort like the numbers: flip every bit of a negative double, only the sign bit of a positive one.
  const high = new Uint32Array(count);
  const low = new Uint32Array(count);
  const word = new Float64Array(1);
  const words = new Uint32Array(word.buffer); // little-endian: [low, high]
  for (let k = 0; k < count; k++) {
    word[0] = probability[items[k]!]!;
    let lo = words[0]!;
    let hi = words[1]!;
    if (hi & 0x80000000) {
      lo = ~lo >>> 0;
      hi = ~hi >>> 0;
    } else hi = (hi | 0x80000000) >>> 0;
    if (descending) {
      lo = ~lo >>> 0;
      hi = ~hi >>> 0;
    }
    high[k] = hi;
    low[k] = lo;
  }
  let order: Int32Array = identity(count);
  let next: Int32Array = new Int32Array(count);
  const buckets = new Int32Array(65537);
  for (const [key, shift] of [
    [low, 0],
    [low, 16],
    [high, 0],
    [high, 16],
  ] as const) {
    buckets.fill(0);
    for (let k = 0; k < count; k++) buckets[((key[k]! >>> shift) & 0xffff) + 1]!++;
    let shared = false; // every key has the same digit here (the top bits of probabilities in [0, 1]): nothing moves
    for (let d = 1; d <= 65536; d++) if (buckets[d] === count) shared = true;
    if (shared) continue;
    for (let d = 0; d < 65536; d++) buckets[d + 1]! += buckets[d]!;
    for (let k = 0; k < count; k++) {
      const item = order[k]!;
      next[buckets[(key[item]! >>> shift) & 0xffff]!++] = item;
    }
    [order, next] = [next, order];
  }
  for (let k = 0; k < count; k++) order[k] = items[order[k]!]!;
  return order;
}

/** Union-find with path halving and union by size. */
export class UnionFind {
  private readonly parent: Int32Array;
  private readonly rank: Int32Array;

  constructor(n: number) {
    this.parent = identity(n);
    this.rank = new Int32Array(n).fill(1);
  }

  find(v: number): number {
    const parent = this.parent;
    while (parent[v] !== v) {
      parent[v] = parent[parent[v]!]!;
      v = parent[v]!;
    }
    return v;
  }

  union(x: number, y: number): void {
    let rx = this.find(x);
    let ry = this.find(y);
    if (rx === ry) return;
    if (this.rank[rx]! < this.rank[ry]!) [rx, ry] = [ry, rx];
    this.parent[ry] = rx;
    this.rank[rx]! += this.rank[ry]!;
  }
}

/** Prefix sums with point updates (Fenwick 1994). */
export class Fenwick {
  private readonly tree: Float64Array;

  constructor(private readonly length: number) {
    this.tree = new Float64Array(length + 1);
  }

  add(position: number, delta: number): void {
    for (let i = position + 1; i <= this.length; i += i & -i) this.tree[i]! += delta;
  }

  /** Sum over positions from..to inclusive (0 when to < from). */
  sum(from: number, to: number): number {
    if (to < from) return 0;
    return this.prefix(to + 1) - this.prefix(from);
  }

  private prefix(count: number): number {
    let total = 0;
    for (let i = count; i > 0; i -= i & -i) total += this.tree[i]!;
    return total;
  }
}

/** Range "raise to at least x", point "largest x covering this position"; -1 when none. */
export class MaxSegments {
  private readonly tree: Int32Array;

  constructor(private readonly length: number) {
    this.tree = new Int32Array(2 * length).fill(-1);
  }

  raise(from: number, to: number, value: number): void {
    let l = from + this.length;
    let r = to + this.length + 1;
    while (l < r) {
      if (l & 1) {
        if (this.tree[l]! < value) this.tree[l] = value;
        l++;
      }
      if (r & 1) {
        r--;
        if (this.tree[r]! < value) this.tree[r] = value;
      }
      l >>= 1;
      r >>= 1;
    }
  }

  query(position: number): number {
    let best = -1;
    for (let i = position + this.length; i >= 1; i >>= 1) if (this.tree[i]! > best) best = this.tree[i]!;
    return best;
  }
}

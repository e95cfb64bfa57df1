/**
 * Bounded memoization for pure normalizers. Customer exports repeat values all the time (common names,
 * birth dates, cities), and normalizing is the cost of this stage. A full cache is simply cleared: cheap,
 * and the working set refills at once.
 */
export function memoize<R>(compute: (key: string) => R, limit = 50_000): (key: string) => R {
  const cached = memoize3((_a, _b, key) => compute(key), limit);
  return (key) => cached("", "", key);
}

/**
 * The same for three string arguments, kept in nested maps: a key joined from the three parts would be a new
 * string to copy and hash for every record (three times slower on a million names).
 */
export function memoize3<R>(compute: (a: string, b: string, c: string) => R, limit = 50_000): (a: string, b: string, c: string) => R {
  let cache = new Map<string, Map<string, Map<string, R>>>();
  let size = 0;
  const level = <V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> => {
    let found = map.get(key);
    if (!found) {
      found = new Map();
      map.set(key, found);
    }
    return found;
  };
  return (a, b, c) => {
    const byC = level(level(cache, a), b);
    const hit = byC.get(c);
    if (hit !== undefined || byC.has(c)) return hit as R;
    const value = compute(a, b, c);
    if (++size > limit) {
      cache = new Map();
      size = 1;
    }
    level(level(cache, a), b).set(c, value);
    return value;
  };
}

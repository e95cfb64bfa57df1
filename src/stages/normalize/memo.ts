/**
 * Bounded memoization for pure normalizers. Customer exports repeat values all the time (common names,
 * birth dates, cities), and normalizing is the cost of this stage. A full cache is simply cleared: cheap,
 * and the working set refills at once.
 */
export function memoize<R>(compute: (key: string) => R, limit = 50_000): (key: string) => R {
  const cache = new Map<string, R>();
  return (key) => {
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as R;
    const value = compute(key);
    if (cache.size >= limit) cache.clear();
    cache.set(key, value);
    return value;
  };
}
